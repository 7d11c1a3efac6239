import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../shared/logger';

/**
 * WAL checkpoints off the main thread.
 *
 * With SQLite's automatic checkpoint (every 1000 WAL pages), the commit that crosses the mark runs the
 * checkpoint itself: it copies the WAL into the database and fsyncs it, inside the caller's commit, on the
 * event loop. Measured on the Telegram bench: state commits p50 0.4 ms, p99 13 ms, max 21 ms — every
 * request waiting behind that commit paid it. Here the app's connection turns the automatic checkpoint off
 * and a worker thread with its own connection runs PASSIVE checkpoints (they never block a writer nor wait
 * for one) every `intervalMs`. Once a checkpoint has copied the whole WAL, the next commit on the app's
 * connection starts the WAL over from its beginning, so the file does not grow; `journal_size_limit`
 * shrinks it back after a burst. Under steady writes a passive checkpoint never catches the last commit;
 * past `restartPages` the worker runs one RESTART checkpoint, which holds the app's commits back only while
 * it copies the few pages left and fsyncs (the rare stall the automatic checkpoint paid every 1000 pages).
 *
 * Robustness: if the worker fails or exits on its own, the app's connection goes back to the automatic
 * checkpoint, so the WAL never grows without bound. `stop()` joins the worker (tests do not leak it); the
 * last connection's close then checkpoints what is left, as before. `:memory:` databases have no WAL: no
 * worker.
 */
export interface WalCheckpointer {
  /** Stops the worker and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Whether checkpoints currently run in the worker (false after a failure: automatic checkpoint again). */
  readonly active: boolean;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints. Default 200 ms. */
  intervalMs?: number;
  /** WAL length (pages) from which the worker forces the WAL to start over. Default 8192 (32 MiB). */
  restartPages?: number;
  logger?: Logger;
}

/** SQLite's default automatic checkpoint, restored when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** See the worker's RESTART: a WAL this long (pages of 4 KiB) is started over even under steady writes. */
const RESTART_PAGES = 8192;
/** After a burst the WAL file is truncated back to this size once it has been reset (64 MiB). */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

// Plain CommonJS run with `eval: true`: worker threads do not go through the TypeScript loader, and the
// module path of better-sqlite3 is resolved here and handed over, so it works from src and from a build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let timer;
let restartAfter = 0;
let backoffMs = 1000;
const tick = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    // Under steady writes a passive checkpoint never catches the last commit, so the WAL is never started
    // over: once it is long, one RESTART (waits for the writer between two commits, then holds new ones
    // back while it copies the little left and fsyncs) starts it over. Only when the passive one kept up
    // (what it left is what was written meanwhile): far behind means a reader holds an old snapshot, and
    // RESTART would hold the app's commits back while waiting for it (it keeps the write lock meanwhile).
    // A RESTART that found readers anyway backs off (1 s, doubling up to a minute).
    const keptUp = r && r.log - r.checkpointed < workerData.restartPages / 4;
    if (keptUp && r.log >= workerData.restartPages && Date.now() >= restartAfter) {
      db.pragma('busy_timeout = 100');
      let busy = 1;
      try {
        busy = db.pragma('wal_checkpoint(RESTART)')[0].busy;
      } finally {
        db.pragma('busy_timeout = 0');
      }
      if (busy) {
        restartAfter = Date.now() + backoffMs;
        backoffMs = Math.min(backoffMs * 2, 60000);
      } else backoffMs = 1000;
    }
  } catch (err) {
    // SQLITE_BUSY/LOCKED: another checkpoint is running (e.g. a close); the next tick tries again.
    if (!/busy|locked/i.test(String(err && err.code))) throw err;
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(tick, workerData.intervalMs);
`;

const NONE: WalCheckpointer = { stop: async () => undefined, active: false };

export function startWalCheckpointer(
  db: Database,
  file: string,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  if (db.memory || file === ':memory:' || file === '') return NONE;
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return NONE;

  const fallBack = (reason: string, err?: unknown) => {
    if (!state.active) return;
    state.active = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    options.logger?.warn(
      { reason, err: err instanceof Error ? err.message : undefined },
      'sqlite checkpoint worker gone: automatic WAL checkpoint restored',
    );
  };

  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  db.pragma('wal_autocheckpoint = 0');
  const state = { active: true, stopping: false };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: require.resolve('better-sqlite3'),
        intervalMs: Math.max(10, Math.floor(options.intervalMs ?? 200)),
        restartPages: Math.max(1, Math.floor(options.restartPages ?? RESTART_PAGES)),
      },
    });
  } catch (err) {
    fallBack('spawn failed', err);
    return NONE;
  }
  // The worker alone never keeps the process alive; stop() is what joins it.
  worker.unref();
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!state.stopping) fallBack(`exited with code ${code}`);
      resolve();
    });
  });
  worker.on('error', (err) => fallBack('failed', err));

  return {
    get active() {
      return state.active;
    },
    async stop() {
      if (state.stopping) return exited;
      state.stopping = true;
      worker.postMessage('stop');
      // A worker stuck in an fsync still ends: terminate after a grace period.
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
      if (state.active) {
        state.active = false;
        if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      }
    },
  };
}
