import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ANSWER_TIME_TIERS, answerTimeClass } from '../../../src/domain/answer-time';
import { openSqliteStores, runMigrations, SqliteComplaintStore } from '../../../src/persistence/sqlite';
import { STORE_MIGRATIONS, STORES_SCOPE } from '../../../src/persistence/sqlite/schema';
import { slotRanges } from '../../../src/persistence/sqlite/sqlite-stats-queries';
import { DAY, HOUR } from './fixtures';
import { loadScenario } from './stats-scenario';

/** What only the SQLite adapter promises about its statistics counters (migration 8). */
describe('SQLite statistics counters', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-stats-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const COUNTERS = {
    stats_received: 'SELECT dim, owner, slot, value, n FROM stats_received WHERE n <> 0 ORDER BY 1, 2, 3, 4',
    stats_answered:
      'SELECT owner, slot, answered, on_time FROM stats_answered WHERE answered <> 0 OR on_time <> 0 ORDER BY 1, 2',
    stats_answer_time: 'SELECT owner, slot, class, n FROM stats_answer_time WHERE n <> 0 ORDER BY 1, 2, 3',
    stats_open: 'SELECT owner, day, n FROM stats_open WHERE n <> 0 ORDER BY 1, 2',
  };

  it('should backfill from existing PAKN exactly what the triggers keep from the first write', async () => {
    // A store without the counters (every step but 8: today's store code writes the later steps' tables)
    // fills up, then migration 8 runs on it.
    const before = new BetterSqlite3(join(dir, 'old.db'));
    runMigrations(
      before,
      STORES_SCOPE,
      STORE_MIGRATIONS.filter((m) => m.version !== 8),
    );
    await loadScenario(new SqliteComplaintStore(before));
    expect(runMigrations(before, STORES_SCOPE, STORE_MIGRATIONS)).toEqual([8]);

    // The same PAKN written with the counters in place all along.
    const live = openSqliteStores({ file: join(dir, 'live.db') });
    await loadScenario(live.complaints);
    try {
      for (const [table, sql] of Object.entries(COUNTERS)) {
        const backfilled = before.prepare(sql).all();
        expect(backfilled.length).toBeGreaterThan(0);
        expect({ table, rows: live.db.prepare(sql).all() }).toEqual({ table, rows: backfilled });
      }
    } finally {
      before.close();
      await live.close();
    }
  });

  it('should class answer times in SQL as the domain does, at and around every class edge', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      runMigrations(db, STORES_SCOPE, STORE_MIGRATIONS);
      const samples = new Set<number>([0, 1, HOUR - 1, HOUR, 5 * HOUR, 400 * DAY + 3]);
      for (const t of ANSWER_TIME_TIERS) {
        for (let k = 0; k < 4; k++) {
          const edge = t.fromMs + k * t.widthMs;
          for (const d of [edge - 1, edge, edge + 1, edge + Math.floor(t.widthMs / 2)]) samples.add(d);
        }
      }
      // One answered row per sample, written straight into the table: the trigger classes it.
      const insert = db.prepare(`INSERT INTO complaints
        (code, title, status, owner, owner_root, channel, category, created_at, updated_at, due_at, answered_at, published, version)
        VALUES (?, 't', 'answered', ?, ?, 'web', 'khac', ?, ?, ?, ?, 0, 1)`);
      const created = Date.UTC(2025, 0, 1);
      [...samples].forEach((d, i) => {
        if (d >= 0) insert.run(`X${i}`, `o${i}`, `o${i}`, created, created, created, created + d);
      });
      const rows = db
        .prepare("SELECT owner, class FROM stats_answer_time WHERE owner <> '*' AND slot > 999999")
        .all() as Array<{ owner: string; class: number }>;
      expect(rows.length).toBe([...samples].filter((d) => d >= 0).length);
      for (const r of rows) {
        const d = [...samples][Number(r.owner.slice(1))]!;
        expect({ d, class: r.class }).toEqual({ d, class: answerTimeClass(d) });
      }
    } finally {
      db.close();
    }
  });

  it('should split a period into the days at its ends and the whole months between', () => {
    expect(slotRanges(20250131, 20250301)).toEqual([
      [20250131, 20250131],
      [202502, 202502],
      [20250301, 20250301],
    ]);
    expect(slotRanges(20250201, 20250228)).toEqual([[202502, 202502]]);
    expect(slotRanges(20250210, 20250220)).toEqual([[20250210, 20250220]]);
    expect(slotRanges(20250310, 20250405)).toEqual([[20250310, 20250405]]);
    expect(slotRanges(20241201, 20251231)).toEqual([[202412, 202512]]);
    expect(slotRanges(20241215, 20260114)).toEqual([
      [20241215, 20241231],
      [202501, 202512],
      [20260101, 20260114],
    ]);
    expect(slotRanges(20240201, 20240229)).toEqual([[202402, 202402]]); // leap year
    expect(slotRanges(20250102, 20250101)).toEqual([]);
  });
});
