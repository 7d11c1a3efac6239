import type { InboundDedupe } from '../../domain/ports';

/** How long a delivered mark is kept: longer than any retry or dead-letter retry of the job. */
export const DELIVERED_TTL_MS = 45 * 24 * 3600 * 1000;

/**
 * Exactly-once effect on top of at-least-once jobs: after a send succeeds the job id is recorded
 * (`deliv:<jobId>` in the dedupe store, which is the shared database in production), and a job that
 * runs again — its worker was killed after the send but before the queue acknowledged it, or the
 * stalled-job check handed it to another worker — finds the mark and does not send again.
 *
 * The window we accept: between the channel's success answer and the mark's write (one local
 * database write, well under a millisecond on SQLite, a round trip on MongoDB). A crash exactly there
 * sends the message twice. Closing it would need the channel to deduplicate by our id; Telegram and
 * Zalo do not, eSMS has `RequestId` and mail has Message-ID (both set to the job id). A crash before
 * or during the send sends it once on the retry (a request in flight whose answer was lost may also
 * have been delivered: the same window, seen from the other side).
 */
export class DeliveryLog {
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
}
