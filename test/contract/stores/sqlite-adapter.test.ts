import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalError, VersionConflictError } from '../../../src/domain/errors';
import { generateTrackingCode, type TrackingCode } from '../../../src/domain/tracking-code';
import { openSqliteStores, runMigrations, type SqliteStores } from '../../../src/persistence/sqlite';
import { STORE_MIGRATIONS, STORES_SCOPE } from '../../../src/persistence/sqlite/schema';
import { durably } from '../../../src/persistence/sqlite/durability';
import { at, DAY, draft, event, HOUR, T0 } from './fixtures';

/** What only the SQLite adapter promises: its pragmas, migrations, code retries and group commit. */
describe('SQLite stores adapter', () => {
  let dir: string;
  let file: string;
  const open: SqliteStores[] = [];
  const openStores = (o: Partial<Parameters<typeof openSqliteStores>[0]> = {}) => {
    const s = openSqliteStores({ file, ...o });
    open.push(s);
    return s;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-sqlite-'));
    file = join(dir, 'nested', 'pakn.db');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens in WAL with synchronous=NORMAL, a busy timeout and foreign keys', () => {
    const s = openStores();
    expect(s.kind).toBe('sqlite');
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(s.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('commits PAKN writes with synchronous=FULL and returns the connection to NORMAL', () => {
    const s = openStores();
    const seen: unknown[] = [];
    durably(s.db, () => seen.push(s.db.pragma('synchronous', { simple: true })));
    expect(seen).toEqual([2]);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(() =>
      durably(s.db, () => {
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(s.db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('records its numbered migrations once and applies nothing on reopen', async () => {
    const first = openStores();
    const versions = () =>
      first.db
        .prepare("SELECT version FROM schema_migrations WHERE scope = 'stores' ORDER BY version")
        .pluck()
        .all();
    expect(versions()).toEqual(STORE_MIGRATIONS.map((m) => m.version));
    expect(runMigrations(first.db, STORES_SCOPE, STORE_MIGRATIONS)).toEqual([]);
    const second = openStores();
    await second.ping();
    expect(versions()).toEqual(STORE_MIGRATIONS.map((m) => m.version));
  });

  it('keeps other scopes apart, rolls back a failing step and refuses duplicate numbers', () => {
    const s = openStores();
    const jobs = [
      {
        version: 1,
        name: 'jobs',
        up: (db: SqliteStores['db']) => db.exec('CREATE TABLE t_jobs (id INTEGER)'),
      },
    ];
    expect(runMigrations(s.db, 'jobs', jobs)).toEqual([1]);
    expect(runMigrations(s.db, 'jobs', jobs)).toEqual([]);
    const broken = [
      {
        version: 2,
        name: 'half done',
        up: (db: SqliteStores['db']) => {
          db.exec('CREATE TABLE t_half (id INTEGER)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => runMigrations(s.db, 'jobs', broken)).toThrow('boom');
    expect(s.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't_half'").pluck().get()).toBe(0);
    expect(
      s.db.prepare("SELECT max(version) FROM schema_migrations WHERE scope = 'jobs'").pluck().get(),
    ).toBe(1);
    expect(() => runMigrations(s.db, 'x', [jobs[0]!, { ...jobs[0]! }])).toThrow(/duplicate/);
  });

  it('upgrades a file written by the first schema, keeping its PAKN findable and counted', async () => {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    const old = new BetterSqlite3(file);
    runMigrations(
      old,
      STORES_SCOPE,
      STORE_MIGRATIONS.filter((m) => m.version <= 3),
    );
    const c = {
      ...draft({ owner: 'btc.tchq', title: 'Hồ sơ cũ' }),
      code: 'ABCD1234',
      status: 'received',
      version: 1,
    };
    const info = old
      .prepare(
        `INSERT INTO complaints (code, title, status, owner, channel, category, created_at, updated_at, due_at, published, version, doc)
         VALUES (?, ?, 'received', 'btc.tchq', 'telegram', 'tthc', ?, ?, ?, 0, 1, ?)`,
      )
      .run(
        c.code,
        c.title,
        T0.getTime(),
        T0.getTime(),
        at(DAY).getTime(),
        JSON.stringify({ ...c, coordinators: [], supplements: [], notes: [], updatedAt: T0 }),
      );
    old
      .prepare('INSERT INTO complaints_fts (rowid, text) VALUES (?, ?)')
      .run(info.lastInsertRowid, 'ho so cu');
    old.close();

    const s = openStores();
    expect((await s.complaints.getByCode('ABCD1234'))?.title).toBe('Hồ sơ cũ');
    expect((await s.complaints.list({ ownerSubtree: 'btc' }, { limit: 5 })).total).toBe(1);
    expect((await s.complaints.list({ q: 'ho so' }, { limit: 5 })).items.map((i) => i.code)).toEqual([
      'ABCD1234',
    ]);
    expect(await s.complaints.countBy('owner', {})).toEqual([{ key: 'btc.tchq', count: 1 }]);
    const updated = await s.complaints.update('ABCD1234', 1, { status: 'processing', at: at(HOUR) });
    expect(updated.version).toBe(2);
    expect(await s.complaints.countBy('status', { ownerSubtree: 'btc' })).toEqual([
      { key: 'processing', count: 1 },
    ]);
  });

  it('keeps what was committed across close and reopen', async () => {
    const a = openStores();
    const c = await a.complaints.create(draft({ title: 'Còn đó sau khi mở lại' }));
    await a.close();
    const b = openStores();
    expect((await b.complaints.getByCode(c.code))?.title).toBe('Còn đó sau khi mở lại');
    expect((await b.complaints.list({ q: 'mo lai' }, { limit: 5 })).total).toBe(1);
  });

  it('draws another code when the drawn one is taken', async () => {
    const taken = generateTrackingCode();
    const fresh = generateTrackingCode();
    const draws = [taken, taken, fresh];
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o), info: () => undefined } as never;
    const s = openStores({ generateCode: () => draws.shift() ?? generateTrackingCode(), logger });
    expect((await s.complaints.create(draft())).code).toBe(taken);
    const second = await s.complaints.create(draft(), (code) => [event(code)]);
    expect(second.code).toBe(fresh);
    expect(warnings).toHaveLength(1);
    expect((await s.complaints.pendingEvents(10)).map((p) => p.event.code)).toEqual([fresh]);
  });

  it('gives up with InternalError when no free code turns up, writing nothing', async () => {
    const only = generateTrackingCode();
    const s = openStores({ generateCode: () => only as TrackingCode });
    await s.complaints.create(draft());
    await expect(s.complaints.create(draft(), (code) => [event(code)])).rejects.toBeInstanceOf(InternalError);
    expect((await s.complaints.list({}, { limit: 5 })).total).toBe(1);
    expect(await s.complaints.pendingEvents(10)).toEqual([]);
  });

  it('group commit: one failing create in a batch leaves the others stored', async () => {
    const s = openStores();
    const dup = event('00000000');
    await s.complaints.create(draft(), () => [dup]);
    const results = await Promise.allSettled([
      s.complaints.create(draft({ title: 'một' })),
      s.complaints.create(draft({ title: 'hai' }), () => {
        throw new Error('event builder failed');
      }),
      // The same outbox id again: refused by the outbox's unique key, so this create must vanish whole.
      s.complaints.create(draft({ title: 'ba' }), () => [dup]),
      s.complaints.create(draft({ title: 'bốn' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const titles = (await s.complaints.list({}, { limit: 10 })).items.map((i) => i.title).sort();
    expect(titles).toEqual(['bốn', 'một', 'Phản ánh về thủ tục cấp phép'].sort());
    expect((await s.complaints.list({ q: 'ba' }, { limit: 10 })).total).toBe(0);
  });

  it('detects a stale version written by another connection to the same file', async () => {
    const a = openStores();
    const b = openStores();
    const c = await a.complaints.create(draft());
    await a.complaints.update(c.code, 1, { owner: 'btc', at: at(HOUR) });
    await expect(b.complaints.update(c.code, 1, { owner: 'hno', at: at(HOUR) })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    expect((await b.complaints.getByCode(c.code))?.owner).toBe('btc');
  });

  it('closes idempotently', async () => {
    const s = openStores();
    await s.close();
    await s.close();
    await expect(s.ping()).rejects.toThrow();
  });
});
