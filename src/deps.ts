import type { AppConfig } from './config';
import type { Clock, FileStore, JobQueue, Stores } from './domain/ports';
import type { Logger } from './shared/logger';

/** What the HTTP app, the bots and the workers are built from; made once by `createDeps`. */
export interface AppDeps {
  config: AppConfig;
  stores: Stores;
  files: FileStore;
  queue: JobQueue;
  logger: Logger;
  clock: Clock;
}
