import { randomUUID } from 'node:crypto';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import {
  ETagConflictError,
  jsonToWrite,
  parseStoredItem,
  type PurgeableConversationStorage,
  type StoreItems,
} from '../../domain/ports/conversation-storage';

/**
 * botbuilder Storage semantics: `read` returns the stored items with their eTag; `write` with a
 * missing or `*` eTag overwrites, with the stored eTag replaces, with any other eTag on an existing
 * item throws ETagConflictError; every write issues a new eTag. A batch is written all or nothing.
 */
export class SqliteConversationStorage implements PurgeableConversationStorage {
  private readonly getStmt: Statement;
  private readonly put: Statement;
  private readonly putIfMatch: Statement;
  private readonly del: Statement;
  private readonly purgeIdle: Statement;
  private readonly purgeUnder: Statement;
  private readonly writeTx: Transaction<(changes: StoreItems) => void>;

  constructor(db: Database) {
    this.getStmt = db.prepare('SELECT etag, data FROM conversation_state WHERE key = ?');
    this.put = db.prepare(`INSERT INTO conversation_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`);
    // The eTag is compared in the same statement that writes, so the check and the write cannot be split.
    this.putIfMatch =
      db.prepare(`INSERT INTO conversation_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at
      WHERE conversation_state.etag = ?`);
    this.del = db.prepare('DELETE FROM conversation_state WHERE key = ?');
    // GLOB is case-sensitive and has no escape surprises for '/', unlike LIKE.
    this.purgeIdle = db.prepare(
      "DELETE FROM conversation_state WHERE updated_at < ? AND key GLOB '*/conversations/*'",
    );
    // A prefix compared as a substring: no pattern characters to escape in the caller's prefix.
    this.purgeUnder = db.prepare(
      'DELETE FROM conversation_state WHERE updated_at < ? AND substr(key, 1, length(?)) = ?',
    );
    this.writeTx = db.transaction((changes: StoreItems) => {
      const now = Date.now();
      for (const [key, item] of Object.entries(changes)) {
        const eTag = item?.eTag;
        const json = jsonToWrite(item ?? {});
        const etag = randomUUID();
        if (eTag === undefined || eTag === '*') {
          this.put.run(key, etag, json, now);
        } else if (this.putIfMatch.run(key, etag, json, now, eTag).changes === 0) {
          throw new ETagConflictError(key);
        }
      }
    });
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const key of keys) {
      const r = this.getStmt.get(key) as { etag: string; data: string } | undefined;
      if (r) out[key] = parseStoredItem(r.data, r.etag);
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    this.writeTx.immediate(changes);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.del.run(key);
  }

  async purgeIdleConversations(before: Date): Promise<number> {
    return this.purgeIdle.run(before.getTime()).changes;
  }

  async purgeIdleUnder(keyPrefix: string, before: Date): Promise<number> {
    if (!keyPrefix) throw new Error('purgeIdleUnder needs a key prefix');
    return this.purgeUnder.run(before.getTime(), keyPrefix, keyPrefix).changes;
  }
}
