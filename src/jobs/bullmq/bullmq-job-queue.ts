import { randomUUID } from 'node:crypto';
import { DelayedError, Job, Queue, UnrecoverableError, Worker, type JobsOptions } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
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
} from '../../domain/ports';
import { createLogger, type Logger } from '../../shared/logger';
import {
  enforcedWindowMs,
  DEFAULT_KEEP_COMPLETED_MS,
  DEFAULT_KEEP_DEAD_MS,
  errorMessage,
  logSafeMessage,
  resolveEnqueue,
} from '../job-defaults';
import { ENQUEUE_ORDER_LUA, GATE_LUA, REAP_LUA, RELEASE_LUA, STILL_PARKED_LUA } from './redis-scripts';

export interface BullmqJobQueueOptions {
  /** A redis:// or rediss:// URL, or ioredis options. */
  connection: string | RedisOptions;
  /** Prefix of every Redis key, so that deployments and test runs can share one Redis. */
  prefix: string;
  logger?: Logger;
  /** How long a finished job's id blocks a duplicate enqueue. Default 24 h. */
  keepCompletedMs?: number;
  /** How long a dead job stays listable and retryable. Default 30 days. */
  keepDeadMs?: number;
  /** BullMQ lock duration: a job whose worker died is taken again after about this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. Default 30 s. */
  stalledIntervalMs?: number;
}

/** What is stored as BullMQ job data: the caller's id (BullMQ ids are escaped), the payload and the rate key. */
interface Envelope {
  i: string;
  d: unknown;
  k?: string;
  /** 1: first of its key when added (see run). */
  h?: 1;
}

/**
 * A job not first of its key waits aside this long at most before it looks again; normally it is
 * promoted the moment the job ahead of it finishes.
 */
const PARKED_RECHECK_MS = 5000;

/**
 * Jobs whose order is written in one script call: a bulk enqueue is split, so that no one script holds
 * Redis (single-threaded) long enough to delay the workers' commands.
 */
const ENQUEUE_ORDER_BATCH = 100;

/**
 * BullMQ ids may not contain ':' nor look like an integer. Safe ids pass unchanged; others become
 * '%' + a percent-escape, which no safe id can start with, so the mapping stays one-to-one.
 */
export function toBullId(id: string): string {
  const safe = !id.includes(':') && !id.includes('%') && `${parseInt(id, 10)}` !== id && id !== '';
  return safe ? id : `%${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

function redisOptionsFrom(connection: string | RedisOptions): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  const u = new URL(connection);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

type GateVerdict = [number, number, string, number];
interface PaknCommands {
  paknEnqueueOrder(numKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
  paknGate(...args: Array<string | number>): Promise<GateVerdict>;
  paknRelease(
    order: string,
    parked: string,
    keylog: string,
    doneMark: string,
    jobId: string,
    keyMax: number,
    keyDurMs: number,
    markTtlMs: number,
  ): Promise<[string, number] | null>;
  paknReap(order: string, jobId: string): Promise<number>;
  paknStillParked(order: string, parked: string, jobId: string): Promise<number>;
}

interface InFlight {
  abandon: () => void;
}

/**
 * The worker's own Redis client (BullMQ's ioredis, the connection its acknowledgements go on), once
 * connected, with our release script defined on it: done marks are written there (see markDone).
 */
type AckClient = Pick<PaknCommands, 'paknRelease'> & {
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  status: string;
  stream?: { cork(): void; uncork(): void };
  defineCommand(name: string, def: { numberOfKeys: number; lua: string }): void;
};

/** What a queue's job runs share: the jobs in flight (for close) and the worker's ack connection. */
interface RunState {
  inFlight: Set<InFlight>;
  ackClient?: AckClient;
}

interface Consumer {
  worker: Worker;
  state: RunState;
}

/** Thrown inside our processor to hand a job back to BullMQ's "move back to wait" path at shutdown. */
class AbandonedError extends Error {}

/**
 * JobQueue on BullMQ 5.
 *
 * - Duplicate ids: BullMQ ignores an add whose id exists; completed jobs are kept `keepCompletedMs`
 *   (default 24 h) and dead ones `keepDeadMs` (30 days), so within those windows a late duplicate is
 *   still a no-op. After them the id is forgotten and a new enqueue runs again.
 * - Dead letter: BullMQ's failed set after the last attempt (or at once for PermanentJobError).
 * - Per-key order and limit (BullMQ OSS has no groups). Chosen design: a per-key "order" sorted set
 *   in Redis holds the ids of the key's unfinished jobs in enqueue order; only its first member may run.
 *   A job is written to its key's order just before it is added to BullMQ (ENQUEUE_ORDER_LUA), so the
 *   producer learns its place: a job first of its key is added as is and flagged, and its first run
 *   needs no check (nothing can get ahead of it, and nothing else removes it); a job behind others is
 *   added delayed and parked, and promoted the moment the job ahead of it finishes. Any other run (a
 *   retry, a job taken again after a stall, a dead job retried, a job under a limit) is checked
 *   atomically by GATE_LUA when a worker picks it. That gives one-at-a-time and order in one
 *   structure, survives gaps (a crash between the order write and the add, a duplicate enqueue, a job
 *   removed by hand: the gate re-adds a missing job, and a first member that no longer exists or
 *   already finished is reaped), and a retrying or RetryLater-delayed first job keeps later ones of its
 *   key waiting — which is what "order per chat" needs. A job that is not first is moved back to
 *   delayed (`moveToDelayed` + DelayedError, no attempt used). A sequence-number-with-lock scheme was
 *   rejected: one lost number (crash between INCR and add, or a duplicate add) would block the key
 *   forever.
 *   Note: a job enqueued with a delay keeps later jobs of the same key behind it.
 * - Done marks (ProcessOptions.doneMarks) are written with the job's release, on the worker's own
 *   connection in the same write as BullMQ's acknowledgement (see markBeforeAck); a mark found at
 *   enqueue keeps the job from being added again.
 * - Limits are sliding windows over start times (never more than `max` starts in any window of
 *   `durationMs`, with a small margin: see enforcedWindowMs), per key and for the queue, kept in
 *   Redis. A job over the queue limit goes back to the head of the waiting list and fetching pauses
 *   (BullMQ `rateLimit`) until the window has room; a job whose key window is full is delayed until
 *   it has room; when a key's job finishes, the next one is woken when the key's window allows it.
 */
export class BullmqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly redis: IORedis & PaknCommands;
  private readonly base: RedisOptions;
  private readonly logger: Logger;
  private readonly queues = new Map<string, Queue>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly lastErrorLog = new Map<string, number>();
  private readonly releasing = new Set<Promise<void>>();
  private readonly keyBases = new Map<string, string>();
  /** Worker connections corked until the end of the current tick (markBeforeAck). */
  private readonly corked = new WeakSet<object>();
  private closing = false;

  constructor(private readonly options: BullmqJobQueueOptions) {
    this.logger = options.logger ?? createLogger('silent');
    this.base = redisOptionsFrom(options.connection);
    // Commands fail fast while Redis is away (the caller retries: the outbox keeps events); the
    // client reconnects by itself.
    this.redis = new IORedis({
      ...this.base,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    }) as IORedis & PaknCommands;
    this.redis.on('error', (err) => this.logError('redis', err));
    this.redis.defineCommand('paknEnqueueOrder', { lua: ENQUEUE_ORDER_LUA });
    this.redis.defineCommand('paknGate', { numberOfKeys: 6, lua: GATE_LUA });
    this.redis.defineCommand('paknRelease', { numberOfKeys: 4, lua: RELEASE_LUA });
    this.redis.defineCommand('paknReap', { numberOfKeys: 1, lua: REAP_LUA });
    this.redis.defineCommand('paknStillParked', { numberOfKeys: 2, lua: STILL_PARKED_LUA });
  }

  async enqueue<T>(queue: string, name: string, data: T, options?: EnqueueOptions): Promise<string> {
    const [id] = await this.enqueueMany(queue, [{ name, data, options }]);
    return id!;
  }

  async enqueueMany<T>(queue: string, jobs: Array<NewJob<T>>): Promise<string[]> {
    if (jobs.length === 0) return [];
    const resolved = jobs.map((j) => ({ job: j, r: resolveEnqueue(j.options), rank: 0 }));
    const keyed = resolved.filter(({ r }) => r.rateKey !== undefined);
    if (keyed.length > 0) {
      // Before the add, so the job is added knowing its place: first of its key (it runs without the
      // gate the first time), or behind others (added delayed and parked, so workers do not fetch it
      // before its turn; the job ahead of it promotes it when it finishes). A crash between this and
      // the add leaves an order naming a job that does not exist: the gate reaps it (see gate).
      // The batches are sent together (one write on the auto-pipelined connection, one round trip) and
      // run one after the other, so no script holds Redis long and a key's jobs keep their order.
      const calls: Array<Promise<void>> = [];
      for (let from = 0; from < keyed.length; from += ENQUEUE_ORDER_BATCH) {
        const batch = keyed.slice(from, from + ENQUEUE_ORDER_BATCH);
        const keys = [this.key(queue, 'seq'), this.key(queue, 'parked')];
        const args: Array<string | number> = [];
        for (const { r } of batch) {
          const bullId = toBullId(r.id);
          keys.push(
            this.key(queue, `order:${r.rateKey}`),
            `${this.options.prefix}:${queue}:${bullId}`,
            this.doneKey(queue, bullId),
          );
          args.push(bullId, r.delayMs === 0 ? 1 : 0);
        }
        calls.push(
          this.redis.paknEnqueueOrder(keys.length, ...keys, ...args).then((ranks) => {
            batch.forEach((entry, i) => (entry.rank = Number(ranks[i])));
          }),
        );
      }
      await Promise.all(calls);
    }
    // A job already finished or marked done is not added again (BullMQ would ignore the finished one;
    // the marked one may have been forgotten by BullMQ already).
    const toAdd = resolved.filter(({ rank }) => rank >= 0);
    const bulk = toAdd.map(({ job, r, rank }) => {
      const parked = rank > 0 && r.delayMs === 0;
      const env: Envelope = { i: r.id, d: job.data };
      if (r.rateKey !== undefined) {
        env.k = r.rateKey;
        if (rank === 0) env.h = 1;
      }
      return { name: job.name, data: env, opts: this.jobOptions(r, parked ? PARKED_RECHECK_MS : r.delayMs) };
    });
    const q = this.queue(queue);
    if (bulk.length === 1) await q.add(bulk[0]!.name, bulk[0]!.data, bulk[0]!.opts);
    else if (bulk.length > 1) await q.addBulk(bulk);
    // A parked job whose turn came before it was added (the job ahead finished meanwhile and found
    // nothing to promote) is first already: run it now.
    const parked = toAdd.filter(({ r, rank }) => rank > 0 && r.delayMs === 0);
    if (parked.length > 0) {
      const p = this.redis.pipeline() as unknown as PaknCommands & {
        exec(): Promise<Array<[Error | null, unknown]> | null>;
      };
      for (const { r } of parked)
        void p.paknStillParked(
          this.key(queue, `order:${r.rateKey}`),
          this.key(queue, 'parked'),
          toBullId(r.id),
        );
      const results = (await p.exec()) ?? [];
      await Promise.all(
        parked.map(async ({ r }, i) => {
          if (results[i]?.[1] === 1) await this.promote(queue, toBullId(r.id));
        }),
      );
    }
    return resolved.map(({ r }) => r.id);
  }

  process<T>(queue: string, handler: JobHandler<T>, options: ProcessOptions = {}): void {
    if (this.consumers.has(queue)) throw new Error(`queue ${queue} already has a handler in this JobQueue`);
    if (this.closing) throw new Error('JobQueue is closing');
    const state: RunState = { inFlight: new Set() };
    const worker = new Worker<Envelope>(
      queue,
      (job, token) => this.run(queue, job, token, handler as JobHandler, options, state),
      {
        connection: { ...this.base, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        concurrency: Math.max(1, options.concurrency ?? 1),
        // BullMQ treats an explicit `undefined` as a value, so only set what is given.
        // The queue-wide limit is enforced by our exact sliding window (in the gate). BullMQ's limiter
        // is set only so that `rateLimit` (called when the window is full) pauses fetching; its own
        // fixed window is made too wide to bind, so jobs bounced by the gate (not first of their
        // key, key window full) do not use up the queue's budget.
        ...(options.limiter ? { limiter: { max: 1_000_000_000, duration: options.limiter.durationMs } } : {}),
        ...(this.options.lockDurationMs !== undefined ? { lockDuration: this.options.lockDurationMs } : {}),
        ...(this.options.stalledIntervalMs !== undefined
          ? { stalledInterval: this.options.stalledIntervalMs }
          : {}),
        // After a Redis outage, resume within seconds rather than BullMQ's default 15 s.
        runRetryDelay: 1000,
        // How long finished jobs are kept is the worker's to apply (BullMQ applies it when a job
        // finishes); set here rather than on every job, which BullMQ would store and parse each time.
        removeOnComplete: {
          age: Math.ceil((this.options.keepCompletedMs ?? DEFAULT_KEEP_COMPLETED_MS) / 1000),
        },
        removeOnFail: { age: Math.ceil((this.options.keepDeadMs ?? DEFAULT_KEEP_DEAD_MS) / 1000) },
      },
    );
    worker.on('error', (err) => this.logError(`worker:${queue}`, err));
    worker.on('stalled', (jobId) =>
      this.logger.warn({ queue, jobId }, 'job stalled (its worker died or hung); it runs again'),
    );
    worker.on('failed', (job, err) => {
      if (job && (job.finishedOn !== undefined || err instanceof UnrecoverableError)) {
        this.logger.warn(
          { queue, jobId: job.data?.i, name: job.name, attempts: job.attemptsMade, err: logSafeMessage(err) },
          'job dead-lettered',
        );
      }
    });
    this.consumers.set(queue, { worker, state });
    void worker.client.then(
      (client) => {
        const c = client as unknown as AckClient;
        c.defineCommand('paknRelease', { numberOfKeys: 4, lua: RELEASE_LUA });
        state.ackClient = c;
      },
      () => undefined, // reported by the worker's 'error' event; marks go on our connection meanwhile
    );
  }

  async listDead(queue: string, limit = 100): Promise<DeadJob[]> {
    const jobs = (await this.queue(queue).getFailed(0, Math.max(0, limit - 1))) as Array<Job<Envelope>>;
    return jobs.filter(Boolean).map((job) => ({
      ...this.info(queue, job),
      attempt: job.attemptsMade,
      failedReason: job.failedReason ?? '',
      failedAt: new Date(job.finishedOn ?? job.timestamp),
    }));
  }

  async retryDead(queue: string, jobId: string): Promise<boolean> {
    const q = this.queue(queue);
    const job = await q.getJob(toBullId(jobId));
    if (!job) return false;
    if ((await job.getState()) !== 'failed') return false;
    // Fresh attempts; its starts are still counted, so its next run goes through the gate (which puts it
    // back in its key's order and checks its done mark).
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  async counts(
    queue: string,
  ): Promise<{ waiting: number; delayed: number; active: number; dead: number; completed: number }> {
    const c = await this.queue(queue).getJobCounts(
      'waiting',
      'paused',
      'prioritized',
      'delayed',
      'active',
      'failed',
      'completed',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      dead: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(timeoutMs = 10_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // With Redis away nothing can be finished or handed back (running jobs come back when their
    // locks expire), and a polite quit would wait for the reconnect: close at once instead.
    const reachable = this.redis.status === 'ready';
    // Worker.close stops fetching and waits for the jobs it runs; past the timeout our processor stops
    // waiting for the handler and hands each job back to BullMQ's "move to wait" path (no attempt used).
    const closes = [...this.consumers.values()].map(async ({ worker, state: { inFlight } }) => {
      const closed = worker.close(!reachable);
      if (!(await finishedWithin(closed, timeoutMs))) {
        for (const f of inFlight) f.abandon();
        await finishedWithin(closed, 5000);
      }
      await closed.catch((err: unknown) => this.logError('close', err));
    });
    const all = (async () => {
      await Promise.all(closes);
      await Promise.all([...this.releasing]);
      if (reachable) {
        await Promise.all(
          [...this.queues.values()].map((q) =>
            q.close().catch((err: unknown) => this.logError('close', err)),
          ),
        );
      } else {
        // Not awaited: ioredis never reports the end of a connection that is between reconnects.
        for (const q of this.queues.values()) void q.disconnect().catch(() => undefined);
      }
    })();
    // Redis may also vanish during the close: never hang a shutdown on it.
    if (!(await finishedWithin(all, timeoutMs + 10_000)))
      this.logger.warn('job queue close timed out; Redis unreachable?');
    if (reachable)
      await finishedWithin(
        this.redis.quit().catch(() => undefined),
        2000,
      );
    this.redis.disconnect();
  }

  private async run(
    queue: string,
    job: Job<Envelope>,
    token: string | undefined,
    handler: JobHandler,
    options: ProcessOptions,
    state: RunState,
  ): Promise<void> {
    const { inFlight } = state;
    // A job fetched while closing goes straight back to the waiting list.
    if (this.closing) throw Worker.RateLimitError();
    const env = job.data;
    const keyed = env.k !== undefined;
    const marks = options.doneMarks;
    let done = false;
    // First run of a job that was first of its key when added: it still is (only its own release
    // removes it, and the gate reaps only finished or unknown jobs), and no run before it can have
    // left a done mark (a mark at enqueue time keeps it from being added: ENQUEUE_ORDER_LUA). With no
    // limit to count it against, there is nothing for the gate to check. Any later start (a retry, a
    // stalled job taken again, a dead job retried) goes through the gate.
    const clear =
      keyed && env.h === 1 && job.attemptsStarted <= 1 && !options.limiter && !options.perKeyLimiter;
    if (clear) {
      // nothing to check
    } else if (keyed || options.limiter) {
      // The done mark is checked in the gate's own round trip.
      done = (await this.gate(queue, job, token, options)) === 'done';
    } else if (marks) {
      done = (await this.redis.exists(this.doneKey(queue, job.id!))) === 1;
    }
    if (done) {
      this.logger.info({ queue, jobId: env.i }, 'job already done (its mark exists); not run again');
      if (keyed) this.releaseSoon(queue, job, options);
      return;
    }
    const entry: InFlight = { abandon: () => undefined };
    inFlight.add(entry);
    // A keyed job's done mark is written with its release (one script): after it, the key goes on.
    let released = false;
    const markDone = marks
      ? async () => {
          const ack = state.ackClient;
          if (ack && ack.status === 'ready') {
            this.markBeforeAck(queue, job, options, ttlOf(marks), ack);
          } else if (keyed) {
            await this.retried(() => this.release(queue, job, options, ttlOf(marks)));
          } else {
            await this.retried(() => this.redis.set(this.doneKey(queue, job.id!), '1', 'PX', ttlOf(marks)));
          }
          released = keyed;
        }
      : undefined;
    try {
      // Settles with the handler, or at once when close() abandons the job (the handler may still run).
      await new Promise<void>((resolve, reject) => {
        entry.abandon = () => reject(new AbandonedError());
        handler(this.info(queue, job, markDone)).then(resolve, reject);
      });
    } catch (err) {
      if (err instanceof AbandonedError) throw Worker.RateLimitError();
      if (err instanceof RetryLaterError) {
        await job.moveToDelayed(Date.now() + Math.max(0, err.delayMs), token);
        throw new DelayedError();
      }
      if (err instanceof PermanentJobError) {
        if (keyed && !released) this.releaseSoon(queue, job, options);
        throw new UnrecoverableError(err.message);
      }
      if (keyed && !released && job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
        this.releaseSoon(queue, job, options);
      throw err instanceof Error ? err : new Error(errorMessage(err));
    } finally {
      inFlight.delete(entry);
    }
    if (keyed && !released) this.releaseSoon(queue, job, options);
  }

  /**
   * 'go' when the job may run now, 'done' when its done mark exists (ProcessOptions.doneMarks);
   * otherwise it has been moved aside and BullMQ is told so by the thrown error.
   */
  private async gate(
    queue: string,
    job: Job<Envelope>,
    token: string | undefined,
    options: ProcessOptions,
  ): Promise<'go' | 'done'> {
    const env = job.data;
    const keyed = env.k !== undefined;
    const bullId = job.id!;
    for (let round = 0; round < 3; round++) {
      const [verdict, waitMs, head, wasParked] = await this.redis.paknGate(
        this.key(queue, `order:${env.k ?? ''}`),
        this.key(queue, 'seq'),
        this.key(queue, `keylog:${env.k ?? ''}`),
        this.key(queue, 'qlog'),
        this.key(queue, 'parked'),
        this.doneKey(queue, bullId),
        bullId,
        keyed ? 1 : 0,
        keyed ? (options.perKeyLimiter?.max ?? 0) : 0,
        enforcedWindowMs(options.perKeyLimiter?.durationMs ?? 0),
        options.limiter?.max ?? 0,
        enforcedWindowMs(options.limiter?.durationMs ?? 0),
        `${bullId}:${randomUUID()}`,
        options.doneMarks ? 1 : 0,
      );
      if (verdict === 0) return 'go';
      if (verdict === 4) return 'done';
      if (verdict === 1) {
        // Put aside before and still not first: the job ahead may be gone (removed, or finished
        // without releasing during a Redis blip). Checked only then, as it costs a round trip.
        if (wasParked === 1) {
          const state = await this.queue(queue).getJobState(head);
          if (state === 'completed' || state === 'failed' || state === 'unknown') {
            await this.redis.paknReap(this.key(queue, `order:${env.k}`), head);
            continue;
          }
        }
        await job.moveToDelayed(Date.now() + PARKED_RECHECK_MS, token);
        // The job ahead may have finished while we were moving aside, too early for its promote.
        if (
          (await this.redis.paknStillParked(
            this.key(queue, `order:${env.k}`),
            this.key(queue, 'parked'),
            bullId,
          )) === 1
        ) {
          await job.promote().catch(() => undefined);
        }
        throw new DelayedError();
      }
      if (verdict === 2) {
        await job.moveToDelayed(Date.now() + Math.max(1, waitMs), token);
        throw new DelayedError();
      }
      await this.queue(queue).rateLimit(Math.max(1, waitMs));
      throw Worker.RateLimitError();
    }
    await job.moveToDelayed(Date.now() + PARKED_RECHECK_MS, token);
    throw new DelayedError();
  }

  /**
   * Writes a job's done mark (with its key's release, for a keyed job) on the worker's own connection,
   * in the same socket write as BullMQ's acknowledgement of the job: the stream is corked until the
   * promise chain that ends in BullMQ's "move to completed" has run (a nextTick runs after it), so
   * the two leave together, and Redis runs the mark first. The ack therefore never lands without the
   * mark, and a job whose process dies before the write is run again (as when it dies before the
   * mark's own round trip). One write and one read per message instead of two of each.
   */
  private markBeforeAck(
    queue: string,
    job: Job<Envelope>,
    options: ProcessOptions,
    ttlMs: number,
    ack: AckClient,
  ): void {
    const stream = ack.stream;
    if (stream && !this.corked.has(stream)) {
      this.corked.add(stream);
      stream.cork();
      process.nextTick(() => {
        this.corked.delete(stream);
        stream.uncork();
      });
    }
    const written: Promise<unknown> =
      job.data.k !== undefined
        ? ack
            .paknRelease(...this.releaseArgs(queue, job, options, ttlMs))
            .then((next) => this.wakeNext(queue, next))
        : ack.set(this.doneKey(queue, job.id!), '1', 'PX', ttlMs);
    const tracked: Promise<void> = written
      .then(
        () => undefined,
        (err: unknown) => this.logError('mark', err),
      )
      .finally(() => this.releasing.delete(tracked));
    this.releasing.add(tracked);
  }

  /**
   * Not awaited by the processor: the release and BullMQ's own "move to completed/failed" then go to
   * Redis side by side (one round trip per job less). Only the release lets the key's next job start,
   * so order does not depend on which lands first. `close` waits for releases in flight.
   */
  private releaseSoon(queue: string, job: Job<Envelope>, options: ProcessOptions): void {
    const p = this.release(queue, job, options).catch((err: unknown) => {
      // The handler already succeeded or failed for good: never turn that into a retry. The gate
      // reaps a finished first-of-key later.
      this.logError('release', err);
    });
    const tracked = p.finally(() => this.releasing.delete(tracked));
    this.releasing.add(tracked);
  }

  /**
   * The key's next job may start (with `markTtlMs`, the job's done mark is written in the same step);
   * if it was parked waiting for its turn, wake it now, or when the key's rate window has room.
   */
  private async release(
    queue: string,
    job: Job<Envelope>,
    options: ProcessOptions,
    markTtlMs = 0,
  ): Promise<void> {
    await this.wakeNext(
      queue,
      await this.redis.paknRelease(...this.releaseArgs(queue, job, options, markTtlMs)),
    );
  }

  private releaseArgs(
    queue: string,
    job: Job<Envelope>,
    options: ProcessOptions,
    markTtlMs: number,
  ): Parameters<PaknCommands['paknRelease']> {
    return [
      this.key(queue, `order:${job.data.k}`),
      this.key(queue, 'parked'),
      this.key(queue, `keylog:${job.data.k}`),
      this.doneKey(queue, job.id!),
      job.id!,
      options.perKeyLimiter?.max ?? 0,
      enforcedWindowMs(options.perKeyLimiter?.durationMs ?? 0),
      markTtlMs,
    ];
  }

  /** After a release: the key's next job, if it was parked waiting for its turn, is woken (now, or when the key's window has room). */
  private async wakeNext(queue: string, next: [string, number] | null): Promise<void> {
    if (!next) return;
    const [nextId, waitMs] = next;
    if (waitMs > 0) {
      await new Job(this.queue(queue), '', null, {}, nextId).changeDelay(waitMs + 1).catch(() => undefined);
    } else {
      await this.promote(queue, nextId);
    }
  }

  /** Moves a delayed job to waiting; a job in any other state is left as it is. */
  private async promote(queue: string, bullId: string): Promise<void> {
    // A bare Job handle is enough for BullMQ's promote script (saves reading the whole job).
    await new Job(this.queue(queue), '', null, {}, bullId).promote().catch(() => undefined);
  }

  private info(queue: string, job: Job<Envelope>, markDone?: () => Promise<void>): JobInfo {
    const env = job.data;
    const info: JobInfo = {
      id: env.i,
      queue,
      name: job.name,
      data: env.d,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    };
    if (env.k !== undefined) info.rateKey = env.k;
    if (markDone) info.markDone = markDone;
    return info;
  }

  private doneKey(queue: string, bullId: string): string {
    return this.key(queue, `done:${bullId}`);
  }

  /**
   * A done mark's write is retried briefly when it fails (the effect has happened: the mark is what
   * keeps a second run from repeating it). On the shared, auto-pipelined connection: the marks of
   * concurrent jobs go to Redis in one write with the gates and releases.
   */
  private async retried(write: () => Promise<unknown>): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await write();
        return;
      } catch (err) {
        if (i >= 4) throw err;
        await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
  }

  private jobOptions(r: ReturnType<typeof resolveEnqueue>, delayMs: number): JobsOptions {
    return {
      jobId: toBullId(r.id),
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      attempts: r.attempts,
      backoff: { type: 'exponential', delay: r.backoffMs },
    };
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      // Its own connection (BullMQ bundles a different ioredis than ours, so instances are not shared);
      // like ours it fails fast while Redis is away.
      q = new Queue(name, {
        connection: { ...this.base, maxRetriesPerRequest: 1 },
        prefix: this.options.prefix,
      });
      q.on('error', (err) => this.logError(`queue:${name}`, err));
      this.queues.set(name, q);
    }
    return q;
  }

  private key(queue: string, suffix: string): string {
    let base = this.keyBases.get(queue);
    if (base === undefined) {
      base = `${this.options.prefix}:${queue}:pakn:`;
      this.keyBases.set(queue, base);
    }
    return base + suffix;
  }

  /** While Redis is down every client reports each reconnect; one line per source per 5 s is enough. */
  private logError(source: string, err: unknown): void {
    const now = Date.now();
    if (now - (this.lastErrorLog.get(source) ?? 0) < 5000) return;
    this.lastErrorLog.set(source, now);
    this.logger.error({ source, err: logSafeMessage(err) }, 'job queue error');
  }
}

function ttlOf(marks: { ttlMs: number }): number {
  return Math.max(1, Math.round(marks.ttlMs));
}

async function finishedWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true as const,
        () => true as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
