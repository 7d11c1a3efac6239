import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Stores } from '../../../src/domain/ports';
import { openSqliteStores } from '../../../src/persistence/sqlite';

/** One store adapter under contract test. `create()` gives fresh, empty stores each time. */
export interface StoreFactory {
  name: string;
  /** Set when the adapter cannot run here; the suites then report it as skipped, never as passed. */
  skipReason?: string;
  create(): Promise<Stores | null>;
}

const mongoUri = process.env.MONGODB_URI;

export const storeFactories: StoreFactory[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'pakn-stores-'));
      const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
      const close = stores.close.bind(stores);
      // The tmp folder goes with the stores.
      return Object.assign(stores, {
        async close() {
          await close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  },
  {
    name: 'mongo',
    skipReason: mongoUri ? undefined : 'no MongoDB reachable',
    async create() {
      if (!mongoUri) return null;
      // Loaded lazily: the embedded run never loads the mongoose driver.
      const { connectMongoStores } = await import('../../../src/persistence/mongo');
      // A database per test, dropped when the stores are closed.
      const dbName = `pakn_contract_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      const stores = await connectMongoStores({ uri: mongoUri, writeConcern: 'majority', dbName });
      const close = stores.close.bind(stores);
      return Object.assign(stores, {
        async close() {
          try {
            await stores.connection.dropDatabase();
          } finally {
            await close();
          }
        },
      });
    },
  },
];
