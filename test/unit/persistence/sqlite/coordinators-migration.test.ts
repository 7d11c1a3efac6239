import BetterSqlite3 from 'better-sqlite3';
import { runMigrations } from '../../../../src/persistence/sqlite';
import { STORE_MIGRATIONS, STORES_SCOPE } from '../../../../src/persistence/sqlite/schema';

/** Migration 9 keeps every coordinator and copies each PAKN's list key (created_at, code) next to it. */
describe('SQLite migration 9: coordinating units in list order', () => {
  it('carries the existing coordinators over with their PAKN creation time and code', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      db.pragma('foreign_keys = ON');
      runMigrations(
        db,
        STORES_SCOPE,
        STORE_MIGRATIONS.filter((m) => m.version <= 8),
      );
      const insert = db.prepare(`INSERT INTO complaints
        (code, title, status, owner, owner_root, channel, category, created_at, updated_at, due_at, version)
        VALUES (?, 't', 'processing', 'btc.tchq', 'btc', 'web', 'khac', ?, ?, ?, 1)`);
      const a = insert.run('AAAA-AAAA', 1_000, 1_000, 9_000).lastInsertRowid;
      const b = insert.run('BBBB-BBBB', 2_000, 2_000, 9_000).lastInsertRowid;
      const link = db.prepare('INSERT INTO complaint_coordinators (agency, complaint_id) VALUES (?, ?)');
      link.run('btc.kbnn', a);
      link.run('btc.kbnn', b);
      link.run('btc.stc', b);

      expect(
        runMigrations(
          db,
          STORES_SCOPE,
          STORE_MIGRATIONS.filter((m) => m.version <= 9),
        ),
      ).toEqual([9]);

      expect(
        db
          .prepare(
            'SELECT agency, created_at, code, complaint_id FROM complaint_coordinators ORDER BY agency, created_at DESC',
          )
          .all(),
      ).toEqual([
        { agency: 'btc.kbnn', created_at: 2_000, code: 'BBBB-BBBB', complaint_id: b },
        { agency: 'btc.kbnn', created_at: 1_000, code: 'AAAA-AAAA', complaint_id: a },
        { agency: 'btc.stc', created_at: 2_000, code: 'BBBB-BBBB', complaint_id: b },
      ]);
      // The cascade from complaints still applies to the rebuilt table.
      db.prepare('DELETE FROM complaints WHERE id = ?').run(b);
      expect(db.prepare('SELECT count(*) FROM complaint_coordinators').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });
});
