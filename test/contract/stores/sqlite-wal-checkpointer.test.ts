import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { openSqliteStores } from '../../../src/persistence/sqlite';
import { startWalCheckpointer, type WalCheckpointer } from '../../../src/persistence/sqlite/wal-checkpointer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** WAL checkpoints from a worker thread: the WAL stays bounded, the worker is joined, a dead one falls back. */
describe('SQLite WAL checkpointer', () => {
  let dir: string;
  let file: string;
  const dbs: Database[] = [];
  const checkpointers: WalCheckpointer[] = [];

  const openDb = () => {
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS blob (id INTEGER PRIMARY KEY, data BLOB)');
    dbs.push(db);
    return db;
  };
  /** About 256 pages of 4 KiB into the WAL, in small commits as the app makes them. */
  const burst = (db: Database) => {
    const insert = db.prepare('INSERT INTO blob (data) VALUES (?)');
    for (let i = 0; i < 64; i++) insert.run(Buffer.alloc(16_000, i));
  };
  const walBytes = () => statSync(`${file}-wal`).size;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-ckpt-'));
    file = join(dir, 'pakn.db');
  });
  afterEach(async () => {
    for (const c of checkpointers.splice(0)) await c.stop();
    for (const db of dbs.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns the automatic checkpoint off and keeps the WAL from growing across bursts', async () => {
    const db = openDb();
    const c = startWalCheckpointer(db, file, { intervalMs: 20 });
    checkpointers.push(c);
    expect(c.active).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    burst(db);
    await sleep(300);
    const afterOne = walBytes();
    for (let i = 0; i < 8; i++) {
      burst(db);
      await sleep(300);
    }
    // Each burst starts the WAL over once the worker has copied it: the file stays about one burst long,
    // a few when a checkpoint on a busy machine is late (nine bursts without one: nine times).
    expect(walBytes()).toBeLessThanOrEqual(afterOne * 5);
    expect(db.prepare('SELECT count(*) FROM blob').pluck().get()).toBe(9 * 64);
  });

  it('starts the WAL over under steady writes, which a passive checkpoint never catches up with', async () => {
    const db = openDb();
    db.pragma('busy_timeout = 5000');
    const c = startWalCheckpointer(db, file, { intervalMs: 10, restartPages: 512 });
    checkpointers.push(c);
    const insert = db.prepare('INSERT INTO blob (data) VALUES (?)');
    const end = Date.now() + 1500;
    let n = 0;
    // Commits as the app makes them under load: a few per event-loop turn, with no pause.
    while (Date.now() < end) {
      for (let i = 0; i < 4; i++) insert.run(Buffer.alloc(4000, n++ % 256));
      await new Promise((r) => setImmediate(r));
    }
    // Frames in the WAL since it last started over (the file itself is kept up to journal_size_limit).
    const { log } = (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!;
    // Well over 512 pages were written; the WAL holds a part of them, not all (without the RESTART it holds
    // every page written: one per commit). Relative to what was written, so a slow machine cannot fail it.
    expect(n).toBeGreaterThan(8 * 512);
    expect(log).toBeLessThan(n / 2);
  });

  it("does not hold the app's commits back while another connection keeps an old snapshot open", async () => {
    const db = openDb();
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare('INSERT INTO blob (data) VALUES (?)');
    insert.run(Buffer.alloc(4000, 1));
    // A long reader (a report in another process): its snapshot pins the WAL, no checkpoint can finish.
    const reader = new BetterSqlite3(file);
    dbs.push(reader);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM blob').get();
    const c = startWalCheckpointer(db, file, { intervalMs: 10, restartPages: 64 });
    checkpointers.push(c);
    let held = 0;
    const end = Date.now() + 1000;
    let n = 0;
    while (Date.now() < end) {
      const t = performance.now();
      insert.run(Buffer.alloc(4000, n++ % 256));
      const ms = performance.now() - t;
      if (ms > 50) held += ms; // a RESTART waiting for the reader holds a commit ~100 ms
      await new Promise((r) => setImmediate(r));
    }
    reader.exec('COMMIT');
    // A RESTART waiting for the reader would keep the write lock: most of the second held back (838 ms
    // measured); a loaded machine's own stalls stay well under this bound.
    expect(held).toBeLessThan(500);
    expect(n).toBeGreaterThan(200);
  });

  it('without it, the same bursts grow the WAL (the test above can fail)', async () => {
    const db = openDb();
    db.pragma('wal_autocheckpoint = 0');
    burst(db);
    await sleep(50);
    const afterOne = walBytes();
    for (let i = 0; i < 8; i++) burst(db);
    expect(walBytes()).toBeGreaterThan(afterOne * 5);
  });

  it('stop() joins the worker and restores the automatic checkpoint; it can be called twice', async () => {
    const db = openDb();
    const c = startWalCheckpointer(db, file, { intervalMs: 20 });
    await c.stop();
    await c.stop();
    expect(c.active).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('falls back to the automatic checkpoint when the worker dies', async () => {
    const db = openDb();
    // The worker cannot open this file (it must exist): it fails at start, as a crashed worker would.
    const c = startWalCheckpointer(db, join(dir, 'missing', 'nope.db'), { intervalMs: 20 });
    checkpointers.push(c);
    for (let i = 0; i < 100 && c.active; i++) await sleep(20);
    expect(c.active).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('starts no worker for an in-memory database', async () => {
    const db = new BetterSqlite3(':memory:');
    dbs.push(db);
    const c = startWalCheckpointer(db, ':memory:');
    expect(c.active).toBe(false);
    await c.stop();
  });

  it('runs with the stores: on by default, joined by close()', async () => {
    const stores = openSqliteStores({ file });
    expect(stores.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await stores.close();
    expect(stores.db.open).toBe(false);
    const off = openSqliteStores({ file, checkpointInWorker: false });
    expect(off.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await off.close();
  });
});
