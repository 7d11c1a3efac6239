import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config';
import type { MongoStores } from './mongo';
import type { SqliteStores } from './sqlite';
import type { Logger } from '../shared/logger';

/** The stores chosen by config: MongoDB when MONGODB_URI is set, else the embedded SQLite file in DATA_DIR. */
export async function createStores(config: AppConfig, logger: Logger): Promise<SqliteStores | MongoStores> {
  if (config.mongodbUri) {
    // Loaded lazily: the embedded default never needs the mongoose driver in memory.
    const { connectMongoStores } = await import('./mongo');
    return connectMongoStores({ uri: config.mongodbUri, writeConcern: config.mongodbWriteConcern, logger });
  }
  mkdirSync(config.dataDir, { recursive: true });
  const { openSqliteStores } = await import('./sqlite');
  return openSqliteStores({ file: join(config.dataDir, 'pakn.sqlite'), logger });
}
