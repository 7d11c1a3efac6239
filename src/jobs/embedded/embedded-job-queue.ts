import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import {
  PermanentJobError,
  RetryLaterError,
  type DeadJob,
  type EnqueueOptions,
  type JobHandler,
  type JobInfo,
  type JobQueue,
  type NewJob,
  type ProcessOptions,
  type RateLimit,
} from '../../domain/ports';
import { createLogger, scrubText, type Logger } from '../../shared/logger';
import {
  backoffDelay,
  enforcedWindowMs,
  DEFAULT_KEEP_COMPLETED_MS,
  DEFAULT_KEEP_DEAD_MS,
  errorMessage,
  logSafeMessage,
  resolveEnqueue,
} from '../job-defaults';
import { SlidingWindow } from './sliding-window';

export interface EmbeddedJobQueueOptions {
  logger?: Logger;
  /** How often an idle worker looks for due jobs (delays are honoured to about this precision). Default 50 ms. */
  pollIntervalMs?: number;
  /** A job whose process died is taken again after this long. Renewed while it runs. Default 30 s. */
  leaseMs?: number;
  /** How long a finished job's id blocks a duplicate enqueue. Default 24 h. */
  keepCompletedMs?: number;
  /** How long a dead job stays listable and retryable. Default 30 days. */
  keepDeadMs?: number;
}

/**
 * The jobs table lives in the same SQLite file as the stores. `ord` is the enqueue order (a retried
 * dead job gets a new one, so it goes to the back of its key, as with BullMQ); `seq` is only a row id.
 * A job waiting with a future `run_at` is what BullMQ calls delayed.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'dead')),
  run_at INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  attempts_made INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  rate_key TEXT,
  lease_token TEXT,
  lease_until INTEGER,
  failed_reason TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  UNIQUE (queue, id)
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (queue, state, run_at, ord);
CREATE INDEX IF NOT EXISTS jobs_key_open ON jobs (queue, rate_key, ord) WHERE rate_key IS NOT NULL AND state IN ('waiting', 'active');
CREATE INDEX IF NOT EXISTS jobs_ord ON jobs (ord);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (state, finished_at) WHERE state IN ('completed', 'dead');
-- Done marks (ProcessOptions.doneMarks): the job's effect happened; kept until expires_at.
CREATE TABLE IF NOT EXISTS job_done (
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue, id)
) WITHOUT ROWID;
`;

interface JobRow {
  seq: number;
  queue: string;
  id: string;
  name: string;
  data: string;
  attempts_made: number;
  max_attempts: number;
  backoff_ms: number;
  rate_key: string | null;
  failed_reason: string | null;
  finished_at: number | null;
}

interface Running {
  seq: number;
  token: string;
  abandon: () => void;
}

/** Scan this many due jobs beyond the free slots, so jobs of keys over their limit do not hide others. */
const SCAN_EXTRA = 200;

class Consumer {
  readonly running = new Map<string, Running>();
  readonly perKey = new Map<string, SlidingWindow>();
  readonly queueWindow: SlidingWindow | undefined;
  timer: NodeJS.Timeout | undefined;
  lastReclaim = 0;

  constructor(
    readonly queue: string,
    readonly handler: JobHandler,
    readonly concurrency: number,
    readonly limiter: RateLimit | undefined,
    readonly perKeyLimiter: RateLimit | undefined,
    readonly doneMarks: ProcessOptions['doneMarks'],
  ) {
    this.queueWindow = limiter
      ? new SlidingWindow(limiter.max, enforcedWindowMs(limiter.durationMs))
      : undefined;
  }

  keyWindow(key: string): SlidingWindow | undefined {
    if (!this.perKeyLimiter) return undefined;
    let w = this.perKey.get(key);
    if (!w) {
      w = new SlidingWindow(this.perKeyLimiter.max, enforcedWindowMs(this.perKeyLimiter.durationMs));
      this.perKey.set(key, w);
    }
    return w;
  }
}

/**
 * JobQueue in the SQLite file, processed in this process by polling workers. Same semantics as the
 * BullMQ adapter: unique ids (finished ids remembered `keepCompletedMs`), delays, attempts with
 * exponential backoff, a dead state, a sliding-window limit per queue and per key, and per-key order
 * (only the oldest unfinished job of a key may run; a retrying or RetryLater-delayed one holds the
 * rest of its key back). Running jobs hold a lease that is renewed while they run; a job whose
 * process died becomes waiting again once its lease expires. Rate windows are kept in memory: the
 * embedded mode is one process, and after a restart the windows start empty.
 */
export class EmbeddedJobQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly consumers = new Map<string, Consumer>();
  private readonly pendingWrites: Array<() => void> = [];
  private flushScheduled = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly sql: {
    maxOrd: Statement<[], { m: number | null }>;
    insert: Statement;
    due: Statement<[string, number, number]>;
    claim: Statement;
    reclaim: Statement;
    complete: Statement;
    reschedule: Statement;
    dead: Statement;
    release: Statement;
    renew: Statement;
    counts: Statement<[number, string], { state: string; delayed: number; n: number }>;
    listDead: Statement<[string, number]>;
    retryDead: Statement;
    purge: Statement;
    isDone: Statement;
    markDone: Statement;
    purgeDone: Statement;
  };

  constructor(
    private readonly db: Database,
    private readonly options: EmbeddedJobQueueOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('silent');
    this.pollMs = Math.max(5, options.pollIntervalMs ?? 50);
    this.leaseMs = Math.max(200, options.leaseMs ?? 30_000);
    db.exec(SCHEMA);
    this.sql = {
      maxOrd: db.prepare('SELECT MAX(ord) AS m FROM jobs'),
      insert: db.prepare(
        `INSERT INTO jobs (queue, id, name, data, state, run_at, ord, max_attempts, backoff_ms, rate_key, created_at)
         VALUES (@queue, @id, @name, @data, 'waiting', @runAt, @ord, @attempts, @backoffMs, @rateKey, @now)
         ON CONFLICT (queue, id) DO NOTHING`,
      ),
      // Due jobs that are first among the unfinished jobs of their key.
      due: db.prepare(
        `SELECT seq, queue, id, name, data, attempts_made, max_attempts, backoff_ms, rate_key, failed_reason, finished_at
         FROM jobs j
         WHERE j.queue = ? AND j.state = 'waiting' AND j.run_at <= ?
           AND (j.rate_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM jobs o WHERE o.queue = j.queue AND o.rate_key = j.rate_key
               AND o.state IN ('waiting', 'active') AND o.ord < j.ord))
         ORDER BY j.run_at, j.ord LIMIT ?`,
      ),
      claim: db.prepare(
        `UPDATE jobs SET state = 'active', lease_token = ?, lease_until = ? WHERE seq = ? AND state = 'waiting'`,
      ),
      reclaim: db.prepare(
        `UPDATE jobs SET state = 'waiting', lease_token = NULL, lease_until = NULL WHERE queue = ? AND state = 'active' AND lease_until < ?`,
      ),
      complete: db.prepare(
        `UPDATE jobs SET state = 'completed', finished_at = ?, lease_token = NULL, lease_until = NULL WHERE seq = ? AND lease_token = ?`,
      ),
      reschedule: db.prepare(
        `UPDATE jobs SET state = 'waiting', run_at = ?, attempts_made = ?, failed_reason = ?, lease_token = NULL, lease_until = NULL
         WHERE seq = ? AND lease_token = ?`,
      ),
      dead: db.prepare(
        `UPDATE jobs SET state = 'dead', attempts_made = ?, failed_reason = ?, finished_at = ?, lease_token = NULL, lease_until = NULL
         WHERE seq = ? AND lease_token = ?`,
      ),
      release: db.prepare(
        `UPDATE jobs SET state = 'waiting', lease_token = NULL, lease_until = NULL WHERE seq = ? AND lease_token = ?`,
      ),
      renew: db.prepare(`UPDATE jobs SET lease_until = ? WHERE seq = ? AND lease_token = ?`),
      counts: db.prepare(
        `SELECT state, run_at > ? AS delayed, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY state, delayed`,
      ),
      listDead: db.prepare(
        `SELECT seq, queue, id, name, data, attempts_made, max_attempts, backoff_ms, rate_key, failed_reason, finished_at
         FROM jobs WHERE queue = ? AND state = 'dead' ORDER BY finished_at DESC, seq DESC LIMIT ?`,
      ),
      retryDead: db.prepare(
        `UPDATE jobs SET state = 'waiting', attempts_made = 0, run_at = ?, ord = ?, finished_at = NULL
         WHERE queue = ? AND id = ? AND state = 'dead'`,
      ),
      purge: db.prepare(
        `DELETE FROM jobs WHERE (state = 'completed' AND finished_at < ?) OR (state = 'dead' AND finished_at < ?)`,
      ),
      isDone: db.prepare('SELECT 1 FROM job_done WHERE queue = ? AND id = ? AND expires_at > ?'),
      markDone: db.prepare(
        `INSERT INTO job_done (queue, id, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (queue, id) DO UPDATE SET expires_at = excluded.expires_at`,
      ),
      purgeDone: db.prepare('DELETE FROM job_done WHERE expires_at <= ?'),
    };
  }

  async enqueue<T>(queue: string, name: string, data: T, options?: EnqueueOptions): Promise<string> {
    const [id] = await this.enqueueMany(queue, [{ name, data, options }]);
    return id!;
  }

  async enqueueMany<T>(queue: string, jobs: Array<NewJob<T>>): Promise<string[]> {
    const now = Date.now();
    const ids = this.db
      .transaction(() => {
        let ord = this.sql.maxOrd.get()?.m ?? 0;
        return jobs.map((job) => {
          const r = resolveEnqueue(job.options);
          this.sql.insert.run({
            queue,
            id: r.id,
            name: job.name,
            data: JSON.stringify(job.data ?? null),
            runAt: now + r.delayMs,
            ord: ++ord,
            attempts: r.attempts,
            backoffMs: r.backoffMs,
            rateKey: r.rateKey ?? null,
            now,
          });
          return r.id;
        });
      })
      .immediate();
    const c = this.consumers.get(queue);
    if (c) this.wake(c);
    return ids;
  }

  process<T>(queue: string, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.consumers.has(queue)) throw new Error(`queue ${queue} already has a handler in this JobQueue`);
    if (this.closing) throw new Error('JobQueue is closing');
    const c = new Consumer(
      queue,
      handler as JobHandler,
      Math.max(1, options.concurrency ?? 1),
      options.limiter,
      options.perKeyLimiter,
      options.doneMarks,
    );
    this.consumers.set(queue, c);
    this.leaseTimer ??= setInterval(() => this.renewLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.purgeTimer ??= setInterval(() => this.purge(), 60_000);
    this.purge();
    this.wake(c);
  }

  async listDead(queue: string, limit = 100): Promise<DeadJob[]> {
    this.flush();
    const rows = this.sql.listDead.all(queue, Math.max(1, limit)) as JobRow[];
    return rows.map((row) => ({
      ...this.info(row),
      attempt: row.attempts_made,
      failedReason: row.failed_reason ?? '',
      failedAt: new Date(row.finished_at ?? 0),
    }));
  }

  async retryDead(queue: string, jobId: string): Promise<boolean> {
    this.flush();
    const changed = this.db
      .transaction(() => {
        const ord = (this.sql.maxOrd.get()?.m ?? 0) + 1;
        return this.sql.retryDead.run(Date.now(), ord, queue, jobId).changes;
      })
      .immediate();
    const c = this.consumers.get(queue);
    if (c && changed) this.wake(c);
    return changed === 1;
  }

  async counts(
    queue: string,
  ): Promise<{ waiting: number; delayed: number; active: number; dead: number; completed: number }> {
    this.flush();
    const out = { waiting: 0, delayed: 0, active: 0, dead: 0, completed: 0 };
    for (const r of this.sql.counts.all(Date.now(), queue)) {
      if (r.state === 'waiting') {
        if (r.delayed) out.delayed += r.n;
        else out.waiting += r.n;
      } else if (r.state === 'active') out.active += r.n;
      else if (r.state === 'dead') out.dead += r.n;
      else if (r.state === 'completed') out.completed += r.n;
    }
    return out;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const c of this.consumers.values()) clearTimeout(c.timer);
    const until = Date.now() + timeoutMs;
    while ([...this.consumers.values()].some((c) => c.running.size > 0) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(20, Math.max(1, until - Date.now()))));
    }
    // Past the timeout: hand the rest back as waiting, attempt not used; their handlers' results are ignored.
    for (const c of this.consumers.values()) {
      for (const r of c.running.values()) {
        r.abandon();
        this.write(() => this.sql.release.run(r.seq, r.token));
      }
      c.running.clear();
    }
    this.flush();
    clearInterval(this.leaseTimer);
    clearInterval(this.purgeTimer);
  }

  private wake(c: Consumer): void {
    if (this.closing) return;
    clearTimeout(c.timer);
    c.timer = setTimeout(() => this.poll(c), 0);
  }

  private poll(c: Consumer): void {
    if (this.closing) return;
    let nextMs = this.pollMs;
    try {
      this.flush();
      const now = Date.now();
      const free = c.concurrency - c.running.size;
      const claimed: Array<{ row: JobRow; token: string }> = [];
      // Expired leases (a process that died mid-job) are looked for now and then, not on every poll.
      if (now - c.lastReclaim >= Math.min(1000, this.leaseMs / 4)) {
        c.lastReclaim = now;
        this.sql.reclaim.run(c.queue, now);
      }
      if (free > 0) {
        // Read outside a write transaction: an idle poll takes no lock. The claim re-checks the state.
        const rows = this.sql.due.all(c.queue, now, free + SCAN_EXTRA) as JobRow[];
        const chosen: JobRow[] = [];
        for (const row of rows) {
          if (chosen.length >= free) break;
          if (c.queueWindow && !c.queueWindow.hasRoom(now)) {
            nextMs = Math.min(nextMs, c.queueWindow.msUntilRoom(now));
            break;
          }
          const kw = row.rate_key !== null ? c.keyWindow(row.rate_key) : undefined;
          if (kw && !kw.hasRoom(now)) {
            nextMs = Math.min(nextMs, kw.msUntilRoom(now));
            continue;
          }
          chosen.push(row);
          c.queueWindow?.record(now);
          kw?.record(now);
        }
        if (chosen.length > 0) {
          this.db
            .transaction(() => {
              for (const row of chosen) {
                const token = randomUUID();
                if (this.sql.claim.run(token, now + this.leaseMs, row.seq).changes === 1)
                  claimed.push({ row, token });
              }
            })
            .immediate();
        }
      }
      for (const { row, token } of claimed) this.start(c, row, token);
      // Full batch taken and slots left: there may be more due right now.
      if (claimed.length > 0 && c.running.size < c.concurrency) nextMs = 0;
    } catch (err) {
      this.logger.error({ queue: c.queue, err: logSafeMessage(err) }, 'job queue poll failed');
    }
    if (!this.closing) {
      clearTimeout(c.timer);
      c.timer = setTimeout(() => this.poll(c), Math.max(0, nextMs));
    }
    this.prunePerKey(c, Date.now());
  }

  private start(c: Consumer, row: JobRow, token: string): void {
    let abandon!: () => void;
    const abandoned = new Promise<'abandoned'>((resolve) => {
      abandon = () => resolve('abandoned');
    });
    c.running.set(token, { seq: row.seq, token, abandon });
    const run = async (): Promise<void> => {
      try {
        if (c.doneMarks && this.sql.isDone.get(row.queue, row.id, Date.now()) !== undefined) {
          this.logger.info(
            { queue: row.queue, jobId: row.id },
            'job already done (its mark exists); not run again',
          );
          this.write(() => this.sql.complete.run(Date.now(), row.seq, token));
          return;
        }
        const result = await Promise.race([
          c.handler(this.info(row, c.doneMarks)).then(() => 'done' as const),
          abandoned,
        ]);
        if (result === 'abandoned') return;
        this.write(() => this.sql.complete.run(Date.now(), row.seq, token));
      } catch (err) {
        if (!c.running.has(token)) return;
        const now = Date.now();
        if (err instanceof RetryLaterError) {
          this.write(() =>
            this.sql.reschedule.run(
              now + Math.max(0, err.delayMs),
              row.attempts_made,
              row.failed_reason,
              row.seq,
              token,
            ),
          );
          return;
        }
        const made = row.attempts_made + 1;
        const reason = errorMessage(err);
        if (err instanceof PermanentJobError || made >= row.max_attempts) {
          this.logger.warn(
            { queue: row.queue, jobId: row.id, name: row.name, attempts: made, err: scrubText(reason) },
            'job dead-lettered',
          );
          this.write(() => this.sql.dead.run(made, reason, now, row.seq, token));
        } else {
          this.write(() =>
            this.sql.reschedule.run(now + backoffDelay(row.backoff_ms, made), made, reason, row.seq, token),
          );
        }
      } finally {
        c.running.delete(token);
        this.wake(c);
      }
    };
    void run();
  }

  /** Finishing writes are batched into one transaction per turn of the event loop. */
  private write(op: () => void): void {
    this.pendingWrites.push(op);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingWrites.length === 0) return;
    const ops = this.pendingWrites.splice(0);
    try {
      this.db
        .transaction(() => {
          for (const op of ops) op();
        })
        .immediate();
    } catch (err) {
      // The jobs stay active; their leases expire and they run again (at least once).
      this.logger.error({ err: logSafeMessage(err), jobs: ops.length }, 'job queue write failed');
    }
  }

  private renewLeases(): void {
    const until = Date.now() + this.leaseMs;
    const all = [...this.consumers.values()].flatMap((c) => [...c.running.values()]);
    if (all.length === 0) return;
    try {
      this.db
        .transaction(() => {
          for (const r of all) this.sql.renew.run(until, r.seq, r.token);
        })
        .immediate();
    } catch (err) {
      this.logger.error({ err: logSafeMessage(err) }, 'job lease renewal failed');
    }
  }

  private purge(): void {
    const now = Date.now();
    try {
      this.sql.purge.run(
        now - (this.options.keepCompletedMs ?? DEFAULT_KEEP_COMPLETED_MS),
        now - (this.options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS),
      );
      this.sql.purgeDone.run(now);
    } catch (err) {
      this.logger.error({ err: logSafeMessage(err) }, 'job purge failed');
    }
  }

  private prunePerKey(c: Consumer, now: number): void {
    if (c.perKey.size < 1000) return;
    for (const [k, w] of c.perKey) if (w.isEmpty(now)) c.perKey.delete(k);
  }

  private info(row: JobRow, marks?: ProcessOptions['doneMarks']): JobInfo {
    return {
      // A durable write of its own, at once: the effect has happened, the completion comes later.
      ...(marks
        ? {
            markDone: async () => {
              this.sql.markDone.run(row.queue, row.id, Date.now() + marks.ttlMs);
            },
          }
        : {}),
      id: row.id,
      queue: row.queue,
      name: row.name,
      data: JSON.parse(row.data) as unknown,
      attempt: row.attempts_made + 1,
      maxAttempts: row.max_attempts,
      ...(row.rate_key !== null ? { rateKey: row.rate_key } : {}),
    };
  }
}
