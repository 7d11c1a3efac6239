import BetterSqlite3 from 'better-sqlite3';
import { runMigrations } from '../../../../src/persistence/sqlite';
import { STORE_MIGRATIONS, STORES_SCOPE } from '../../../../src/persistence/sqlite/schema';
import { SqliteConversationStorage } from '../../../../src/persistence/sqlite/sqlite-conversation-storage';

/**
 * Migration 10 moves conversation state out of a WITHOUT ROWID table (whose key lookups read a large
 * state's whole record, overflow pages included) into a rowid table, keeping every state and its eTag.
 */
describe('SQLite migration 10: conversation state in a rowid table', () => {
  it('keeps every state with its eTag, and the storage reads and writes them as before', async () => {
    const db = new BetterSqlite3(':memory:');
    try {
      runMigrations(
        db,
        STORES_SCOPE,
        STORE_MIGRATIONS.filter((m) => m.version <= 9),
      );
      const big = JSON.stringify({ convo: { draft: { content: 'Nội dung dài. '.repeat(300) } } });
      const put = db.prepare(
        'INSERT INTO conversation_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)',
      );
      put.run('telegram/conversations/1/ConversationState', 'etag-1', big, 1_000);
      put.run('telegram/users/1', 'etag-2', JSON.stringify({ profile: { locale: 'en' } }), 2_000);

      expect(runMigrations(db, STORES_SCOPE, STORE_MIGRATIONS)).toEqual([10]);

      const sql = db
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'conversation_state'")
        .pluck()
        .get() as string;
      expect(sql).not.toMatch(/WITHOUT ROWID/i);
      const storage = new SqliteConversationStorage(db);
      const items = await storage.read(['telegram/conversations/1/ConversationState', 'telegram/users/1']);
      expect(items['telegram/conversations/1/ConversationState']).toEqual({
        ...JSON.parse(big),
        eTag: 'etag-1',
      });
      expect(items['telegram/users/1']).toEqual({ profile: { locale: 'en' }, eTag: 'etag-2' });
      // The eTag check still guards writes after the rebuild.
      await expect(storage.write({ 'telegram/users/1': { profile: {}, eTag: 'stale' } })).rejects.toThrow();
      await storage.write({ 'telegram/users/1': { profile: { locale: 'vi' }, eTag: 'etag-2' } });
      expect((await storage.read(['telegram/users/1']))['telegram/users/1']).toMatchObject({
        profile: { locale: 'vi' },
      });
    } finally {
      db.close();
    }
  });
});
