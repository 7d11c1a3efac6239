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
  let files: FileStore;
  if (stores.kind === 'mongo') {
    const { connection } = stores as typeof stores & { connection: { db: unknown } };
    files = new GridFsFileStore(connection.db as ConstructorParameters<typeof GridFsFileStore>[0]);
  } else {
    files = new LocalFileStore(join(resolved.dataDir, 'files'));
  }
  const sqliteDb =
    stores.kind === 'sqlite'
      ? (stores as typeof stores & { db: import('better-sqlite3').Database }).db
      : undefined;
  const queue = createJobQueue(resolved, sqliteDb, logger);
  return { config: resolved, stores, files, queue, logger, clock };
}

/** Closes in dependency order: the queue first (it may still write job state), then the stores. */
export async function closeDeps(deps: AppDeps, timeoutMs = 10_000): Promise<void> {
  await deps.queue.close(timeoutMs);
  await deps.stores.close();
}
