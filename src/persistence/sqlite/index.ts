import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { systemClock, type Clock } from '../../domain/ports/clock';
import type { Stores } from '../../domain/ports';
import type { TrackingCode } from '../../domain/tracking-code';
import type { Logger } from '../../shared/logger';
import { runMigrations } from './migrations';
import { STORE_MIGRATIONS, STORES_SCOPE } from './schema';
import { SqliteAccountStore } from './sqlite-account-store';
import { SqliteAgencyStore } from './sqlite-agency-store';
import { SqliteComplaintStore } from './sqlite-complaint-store';
import { SqliteConversationStorage } from './sqlite-conversation-storage';
import { SqliteInboundDedupe } from './sqlite-inbound-dedupe';

export { runMigrations, type Migration } from './migrations';
export { SqliteComplaintStore } from './sqlite-complaint-store';
export { foldSearchText } from './complaint-rows';

export interface SqliteStoresOptions {
  /** The database file; its folder is created if missing. */
  file: string;
  logger?: Logger;
  /** Defaults to the system clock; used for dedupe expiry and account update times. */
  clock?: Clock;
  /** Tracking-code source, for tests that need a collision. */
  generateCode?: () => TrackingCode;
  /** How long a writer waits for another process's lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface SqliteStores extends Stores {
  readonly kind: 'sqlite';
  /** The open connection; the embedded job queue keeps its table in the same file. */
  readonly db: Database;
  readonly complaints: SqliteComplaintStore;
}

/**
 * Opens (creating and migrating if needed) the SQLite stores.
 *
 * Durability: WAL. PAKN creates and changes commit with synchronous=FULL (see `durably`): the WAL is
 * fsynced before a code is shown, so the PAKN survives a power cut, not only a process crash. Everything
 * else (conversation state, dedupe records, jobs) commits with NORMAL, which a later FULL commit makes
 * durable too. Group commit in the complaint store keeps creates fast despite the fsync.
 */
export function openSqliteStores(options: SqliteStoresOptions): SqliteStores {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new BetterSqlite3(options.file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536'); // 64 MiB of page cache: the hot indexes of a million PAKN fit.
    db.pragma('temp_store = MEMORY');
    const applied = runMigrations(db, STORES_SCOPE, STORE_MIGRATIONS);
    if (applied.length) options.logger?.info({ applied }, 'sqlite store migrations applied');
    // Keeps the planner's statistics current without a full ANALYZE on every start.
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize = 0x10002');
  } catch (err) {
    db.close();
    throw err;
  }

  const clock = options.clock ?? systemClock;
  const complaints = new SqliteComplaintStore(db, {
    generateCode: options.generateCode,
    logger: options.logger,
  });
  return {
    kind: 'sqlite',
    db,
    complaints,
    agencies: new SqliteAgencyStore(db),
    accounts: new SqliteAccountStore(db, clock),
    conversations: new SqliteConversationStorage(db),
    dedupe: new SqliteInboundDedupe(db, clock),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (!db.open) return;
      try {
        db.pragma('optimize');
      } finally {
        db.close();
      }
    },
  };
}
