import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Complaint } from '../src/domain/complaint';
import { openSqliteStores } from '../src/persistence/sqlite';
import { STORE_MIGRATIONS } from '../src/persistence/sqlite/schema';
import { makeGenerator } from './pakn-generator';

/**
 * One shared data file for the loading suites: 1,000,000 PAKN (50,000 with BENCH_QUICK=1) from the store
 * bench's generator with a fixed seed, built once and kept in a cache directory outside the clone
 * (`BENCH_CACHE_DIR`, default /var/tmp/pakn-bench-cache). Each suite gets its own copy to write to.
 *
 * The cache key holds the size, FIXTURE_VERSION (bump it when the generator or the build changes) and the
 * store migrations (their number and a hash of their code), so a schema change makes a new file: an older
 * cached file migrated the way a server start migrates it, or a fresh build.
 */
const FIXTURE_VERSION = 1;
const SEED = 42;
/** The data's "now": PAKN were filed over the two years before it. */
export const FIXTURE_NOW_MS = Date.UTC(2026, 10, 1);
const BATCH = 20_000;

export interface Fixture {
  /** The suite's own copy (in its work directory): free to write to. */
  file: string;
  total: number;
  nowMs: number;
  /** Every 97th code loaded, in load order: codes known to be in the file. */
  sampleCodes: string[];
  /** How long building the cached file took, and when it was built. */
  buildSeconds: number;
  builtAt: string;
  /** True when this run found the file in the cache instead of building it. */
  cached: boolean;
}

interface Sidecar {
  fixtureVersion: number;
  /** migrationHashes() of the schema the file has. */
  migrations: string[];
  /** Set when the file is an older fixture migrated to a newer schema. */
  migratedFrom?: string;
  total: number;
  seed: number;
  nowMs: number;
  sampleCodes: string[];
  buildSeconds: number;
  builtAt: string;
}

const log = (msg: string) => process.stdout.write(`  … ${msg}\n`);

export function fixtureCacheDir(): string {
  return process.env.BENCH_CACHE_DIR || '/var/tmp/pakn-bench-cache';
}

/**
 * The cached fixture for this size, built if missing, copied to `<workDir>/<name>.db`.
 * Several processes may ask at once: one builds (holding a lock file), the others wait for it.
 */
export async function ensureFixture(options: {
  quick: boolean;
  workDir: string;
  /** The copy's file name in workDir, without extension. */
  name: string;
}): Promise<Fixture> {
  const total = options.quick ? 50_000 : 1_000_000;
  const dir = fixtureCacheDir();
  mkdirSync(dir, { recursive: true });
  const migrations = migrationHashes();
  const key = `pakn-${total}-f${FIXTURE_VERSION}-m${migrations.length}-${hash(migrations.join())}`;
  const cachedDb = join(dir, `${key}.db`);
  const sidecarFile = join(dir, `${key}.json`);
  let cached = true;
  if (!existsSync(sidecarFile))
    cached = !(await buildLocked(dir, key, total, migrations, cachedDb, sidecarFile));
  const meta = JSON.parse(readFileSync(sidecarFile, 'utf8')) as Sidecar;

  const file = join(options.workDir, `${options.name}.db`);
  mkdirSync(options.workDir, { recursive: true });
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const t = Date.now();
  // The cached file is in rollback-journal mode with no journal left: the file alone is the database.
  copyFileSync(cachedDb, file);
  log(
    `fixture ${key}${cached ? ` (cached, built ${meta.builtAt} in ${meta.buildSeconds.toFixed(0)} s)` : ''} copied in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
  return {
    file,
    total: meta.total,
    nowMs: meta.nowMs,
    sampleCodes: meta.sampleCodes,
    buildSeconds: meta.buildSeconds,
    builtAt: meta.builtAt,
    cached,
  };
}

/** One hash per store migration, of its code: an edited or added step makes another cache key. */
function migrationHashes(): string[] {
  return STORE_MIGRATIONS.map((m) => hash(`${m.version}:${m.name}:${m.up.toString()}`));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * Builds unless another process is already building (then waits for it). True when this process built.
 * A cached file of the same size whose migrations are the first steps of today's is migrated instead
 * (a copy, opened as a server start would open it): seconds instead of minutes after a schema change.
 */
async function buildLocked(
  dir: string,
  key: string,
  total: number,
  migrations: string[],
  cachedDb: string,
  sidecarFile: string,
): Promise<boolean> {
  const lock = join(dir, `${key}.lock`);
  for (;;) {
    if (existsSync(sidecarFile)) return false;
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (pid && isAlive(pid)) {
        log(`waiting for process ${pid}, which is building ${key}`);
        await new Promise((r) => setTimeout(r, 5_000));
      } else {
        rmSync(lock, { force: true }); // left by a build that died
      }
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    try {
      if (existsSync(sidecarFile)) return false;
      const older = olderFixture(dir, total, migrations);
      if (older) migrateOlder(older, key, cachedDb, sidecarFile);
      else build(dir, key, total, cachedDb, sidecarFile);
      return true;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

/** The cached fixture of this size and version with the longest prefix of today's migrations, if any. */
function olderFixture(
  dir: string,
  total: number,
  migrations: string[],
): { db: string; meta: Sidecar } | undefined {
  let best: { db: string; meta: Sidecar } | undefined;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`pakn-${total}-f${FIXTURE_VERSION}-`) || !f.endsWith('.json')) continue;
    const meta = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Sidecar;
    const m = meta.migrations;
    if (!Array.isArray(m) || m.length >= migrations.length) continue;
    if (m.some((h, i) => h !== migrations[i])) continue;
    if (!best || m.length > best.meta.migrations.length)
      best = { db: join(dir, f.replace(/\.json$/, '.db')), meta };
  }
  return best && existsSync(best.db) ? best : undefined;
}

function migrateOlder(
  older: { db: string; meta: Sidecar },
  key: string,
  cachedDb: string,
  sidecarFile: string,
): void {
  const tmp = `${cachedDb}.migrating-${process.pid}`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const t = Date.now();
  copyFileSync(older.db, tmp);
  const stores = openSqliteStores({ file: tmp });
  stores.db.pragma('wal_checkpoint(TRUNCATE)');
  stores.db.pragma('journal_mode = DELETE');
  stores.db.close();
  renameSync(tmp, cachedDb);
  const meta: Sidecar = {
    ...older.meta,
    migrations: migrationHashes(),
    migratedFrom: basename(older.db),
    builtAt: new Date().toISOString(),
  };
  writeSidecar(sidecarFile, meta);
  log(`fixture ${key}: migrated from ${basename(older.db)} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

function writeSidecar(sidecarFile: string, meta: Sidecar): void {
  // Written last, by rename: its presence means the database next to it is complete.
  writeFileSync(`${sidecarFile}.tmp`, JSON.stringify(meta));
  renameSync(`${sidecarFile}.tmp`, sidecarFile);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The build: rows in creation order (ids follow created_at, as in production where a PAKN is inserted
 * when it is filed) through the adapter's bulk insert, with what makes a load slow set aside until the
 * end — the secondary indexes (rebuilt from their definitions: one sort each) and the search words (written
 * in one pass in id order) — and no journal or fsync (a crash only loses a file that is rebuilt anyway).
 */
function build(dir: string, key: string, total: number, cachedDb: string, sidecarFile: string): void {
  const tmp = join(dir, `${key}.building-${process.pid}.db`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  log(`building fixture ${key} (${total} PAKN) in ${dir}`);
  const started = Date.now();
  const stores = openSqliteStores({ file: tmp });
  const db = stores.db;
  db.pragma('journal_mode = DELETE');
  // better-sqlite3 opens connections in defensive mode, which refuses journal_mode = OFF.
  db.unsafeMode(true);
  db.pragma('journal_mode = OFF');
  db.unsafeMode(false);
  if (db.pragma('journal_mode', { simple: true }) !== 'off') throw new Error('journal_mode = OFF refused');
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('cache_size = -1048576'); // 1 GiB, the load only
  const secondary = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'complaints' AND sql IS NOT NULL",
    )
    .all() as Array<{ name: string; sql: string }>;
  for (const ix of secondary) db.exec(`DROP INDEX "${ix.name}"`);

  const gen = makeGenerator(FIXTURE_NOW_MS, SEED, total);
  const sampleCodes: string[] = [];
  for (let done = 0; done < total;) {
    const n = Math.min(BATCH, total - done);
    const rows: Complaint[] = [];
    for (let i = 0; i < n; i++) {
      const { row } = gen();
      rows.push(row);
      if ((done + i) % 97 === 0) sampleCodes.push(row.code);
    }
    stores.complaints.bulkInsert(rows, { search: false });
    done += n;
    if (done % 200_000 === 0 || done === total)
      log(`loaded ${done} PAKN (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const rowsS = (Date.now() - started) / 1000;
  let t = Date.now();
  db.exec('BEGIN');
  stores.complaints.indexSearchText();
  db.exec('COMMIT');
  log(`search words written in ${((Date.now() - t) / 1000).toFixed(0)} s (rows took ${rowsS.toFixed(0)} s)`);
  t = Date.now();
  for (const ix of secondary) db.exec(ix.sql);
  log(`rebuilt ${secondary.length} indexes in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  db.exec('ANALYZE');
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = DELETE');
  db.close();
  const buildSeconds = (Date.now() - started) / 1000;
  renameSync(tmp, cachedDb);
  const meta: Sidecar = {
    fixtureVersion: FIXTURE_VERSION,
    migrations: migrationHashes(),
    total,
    seed: SEED,
    nowMs: FIXTURE_NOW_MS,
    sampleCodes,
    buildSeconds,
    builtAt: new Date().toISOString(),
  };
  writeSidecar(sidecarFile, meta);
  log(`fixture built in ${buildSeconds.toFixed(0)} s (${(total / buildSeconds).toFixed(0)} PAKN/s)`);
}
