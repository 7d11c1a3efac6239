import { join } from 'node:path';
import type { AppConfig } from '../config';
import type { AppDeps } from '../deps';
import { systemClock, type Clock, type FileStore } from '../domain/ports';
import { LocalFileStore, GridFsFileStore } from '../files';
import { createJobQueue } from '../jobs';
import { createStores } from '../persistence';
import type { Logger } from '../shared/logger';
import { resolveJwtSecret } from './secrets';

/**
 * The composition root's wiring: adapters are chosen once, here, from config; nothing below asks
 * which one it got. The caller owns the result and closes it with `closeDeps`.
 */
export async function createDeps(
  config: AppConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<AppDeps> {
  const resolved: AppConfig = { ...config, jwtSecret: resolveJwtSecret(config.jwtSecret, config.dataDir) };
  const stores = await createStores(resolved, logger);
  // Mongo deployments share no disk between processes: files go to GridFS on the same connection.
  const files: FileStore =
    stores.kind === 'mongo'
      ? new GridFsFileStore(stores.connection.db!)
      : new LocalFileStore(join(resolved.dataDir, 'files'));
  const sqliteDb = stores.kind === 'sqlite' ? stores.db : undefined;
  const queue = createJobQueue(resolved, sqliteDb, logger);
  return { config: resolved, stores, files, queue, logger, clock };
}

/** Closes in dependency order: the queue first (it may still write job state), then the stores. */
export async function closeDeps(deps: AppDeps, timeoutMs = 10_000): Promise<void> {
  await deps.queue.close(timeoutMs);
  await deps.stores.close();
}
