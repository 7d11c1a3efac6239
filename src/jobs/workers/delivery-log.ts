import IORedis from 'ioredis';
import type { InboundDedupe } from '../../domain/ports';

/**
 * Exactly-once effect on top of at-least-once jobs: after a send succeeds the job id is recorded as
 * delivered, and a job that runs again — its worker was killed after the send but before the queue
 * acknowledged it, or the stalled-job check handed it to another worker — finds the mark and does not
 * send again.
 *
 * The window we accept: between the channel's success answer and the mark's write (one Redis round
 * trip, or one local database write). A crash exactly there sends the message twice. Closing it would
 * need the channel to deduplicate by our id; Telegram and Zalo do not, eSMS has `RequestId` and mail
 * has Message-ID (both are set to the job id). A crash before or during the send sends it once on the
 * retry (a request in flight whose answer was lost may also have been delivered: the same window, seen
 * from the other side).
 */
export interface DeliveryLog {
  wasDelivered(jobId: string): Promise<boolean>;
  markDelivered(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** How long a delivered mark is kept in the dedupe store: longer than any retry of the job. */
export const DELIVERED_TTL_MS = 45 * 24 * 3600 * 1000;

/**
 * Marks in the store's dedupe records (`deliv:<jobId>`): used with the embedded queue, where jobs and
 * marks share the SQLite file. Each mark is a durable (fsynced) write.
 */
export class DedupeDeliveryLog implements DeliveryLog {
  constructor(
    private readonly dedupe: InboundDedupe,
    private readonly ttlMs = DELIVERED_TTL_MS,
  ) {}

  private key(jobId: string): string {
    return `deliv:${jobId}`;
  }

  async wasDelivered(jobId: string): Promise<boolean> {
    // The port offers claim/release only: a successful claim means "not recorded", so give it back.
    const fresh = await this.dedupe.claim(this.key(jobId), this.ttlMs);
    if (fresh) await this.dedupe.release(this.key(jobId));
    return !fresh;
  }

  async markDelivered(jobId: string): Promise<void> {
    await this.dedupe.claim(this.key(jobId), this.ttlMs);
  }

  async close(): Promise<void> {}
}

/** Redis marks outlive the completed job (kept 24 h for duplicate ids) and any retry of it. */
export const REDIS_DELIVERED_TTL_MS = 8 * 24 * 3600 * 1000;

/**
 * Marks in the queue's Redis (`<prefix>:deliv:<jobId>`), used with BullMQ: the mark lives where the job
 * lives, so whatever Redis keeps of the job it keeps of the mark, and the check costs one round trip
 * instead of a durable database write per message (the SQLite store fsyncs each write, which capped
 * deliveries at a few dozen per second). A failed mark write is retried briefly: the job has been
 * sent, and a mark lost here is the accepted window above.
 */
export class RedisDeliveryLog implements DeliveryLog {
  private readonly redis: IORedis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlMs = REDIS_DELIVERED_TTL_MS,
  ) {
    // Auto-pipelining: the checks and marks of concurrent jobs go to Redis in one write.
    this.redis = new IORedis(url, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      enableAutoPipelining: true,
    });
    this.redis.on('error', () => undefined); // the queue adapter logs Redis trouble; one report is enough
  }

  private key(jobId: string): string {
    return `${this.prefix}:deliv:${jobId}`;
  }

  async wasDelivered(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(jobId))) === 1;
  }

  async markDelivered(jobId: string): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await this.redis.set(this.key(jobId), '1', 'PX', this.ttlMs);
        return;
      } catch (err) {
        if (i >= 4) throw err;
        await new Promise((r) => setTimeout(r, 200 * 2 ** i));
      }
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
