/**
 * Background jobs. Two adapters: BullMQ on Redis (production) and an embedded one (a jobs table in the
 * SQLite file, processed in-process). Both honour the same contract.
 */
export interface EnqueueOptions {
  /** A second enqueue with the same id (while the first is known) is a no-op. */
  jobId?: string;
  delayMs?: number;
  /** Total tries, default 5. */
  attempts?: number;
  /** First retry delay; doubles each time. Default 1000 ms. */
  backoffMs?: number;
  /** Key for the per-key rate limit (for example a chat id). Jobs with one key run in enqueue order. */
  rateKey?: string;
}

export interface JobInfo<T = unknown> {
  id: string;
  queue: string;
  name: string;
  data: T;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  rateKey?: string;
  /**
   * Present when the queue was given `doneMarks`: records that this job's effect happened (see
   * ProcessOptions.doneMarks). Call it right after the effect, before returning. The mark is stored
   * by the end of the event-loop turn it was called in, and never after the job's acknowledgement
   * (BullMQ writes the two together, the mark first), so an acknowledged job is always marked; a
   * process that dies before then leaves the job to run again, as one that dies just before the
   * call does. Once stored, the job counts as finished for its key's order: the key's next job may
   * start (its predecessor's effect is done), even before this handler returns.
   */
  markDone?(): Promise<void>;
}

export interface DeadJob<T = unknown> extends JobInfo<T> {
  failedReason: string;
  failedAt: Date;
}

export interface RateLimit {
  max: number;
  durationMs: number;
}

export interface ProcessOptions {
  concurrency?: number;
  /** Whole-queue limit, e.g. 30 per 1000 ms for one Telegram bot. */
  limiter?: RateLimit;
  /** Per `rateKey` limit, e.g. 1 per 1000 ms per chat. */
  perKeyLimiter?: RateLimit;
  /**
   * Exactly-once effects on top of at-least-once runs (a message sent must not be sent again): the
   * handler calls `job.markDone()` right after its effect; a job carrying the mark is not handed to the
   * handler again but completed as it is — its process died after the effect, before the queue's
   * acknowledgement, or the stalled-job check handed it out twice, or its id was enqueued again after
   * the queue forgot it. Marks are kept `ttlMs`. The check costs no round trip of its own where the
   * adapter can fold it (BullMQ: in the per-key gate's script).
   */
  doneMarks?: { ttlMs: number };
}

/** Thrown by a handler to ask for a later retry that does not use up an attempt (a 429's retry_after). */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message = 'retry later',
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** Thrown by a handler for a failure no retry can fix (bad payload, deleted PAKN): dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

export type JobHandler<T = unknown> = (job: JobInfo<T>) => Promise<void>;

/** One entry of a bulk enqueue. */
export interface NewJob<T = unknown> {
  name: string;
  data: T;
  options?: EnqueueOptions;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'embedded';
  enqueue<T>(queue: string, name: string, data: T, options?: EnqueueOptions): Promise<string>;
  /**
   * Enqueues several jobs in one round trip (same rules per job as `enqueue`, ids in input order).
   * Optional so that test doubles need not have it; both real adapters do.
   */
  enqueueMany?<T>(queue: string, jobs: Array<NewJob<T>>): Promise<string[]>;
  /** Starts processing `queue` in this process. One handler per queue per JobQueue instance. */
  process<T>(queue: string, handler: JobHandler<T>, options?: ProcessOptions): void;
  listDead(queue: string, limit?: number): Promise<DeadJob[]>;
  /** Moves a dead job back to waiting with fresh attempts; false if unknown. */
  retryDead(queue: string, jobId: string): Promise<boolean>;
  /** Counts by state, for /readyz and tests. */
  counts(
    queue: string,
  ): Promise<{ waiting: number; delayed: number; active: number; dead: number; completed: number }>;
  ping(): Promise<void>;
  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), returns the rest to waiting. */
  close(timeoutMs?: number): Promise<void>;
}
