import type { Model } from 'mongoose';

import type { Clock } from '../../domain/ports/clock';
import type { InboundDedupe } from '../../domain/ports/inbound-dedupe';
import type { InboundDedupeDocument } from './documents';
import { isDuplicateKeyError } from './mongo-errors';

/**
 * Webhook dedupe on MongoDB: one document per key with `expiresAt`, reaped by a TTL index.
 *
 * `claim` is one conditional upsert, `{ _id: key, expiresAt ≤ now }`: a fresh key is inserted, an
 * expired record (the TTL monitor runs only about once a minute) is taken over, and a live record
 * leaves the filter unmatched, so the upsert's insert collides on `_id` and the claim is refused.
 * The unique `_id` index makes two concurrent claims of one key resolve to exactly one winner.
 */
/** Matches the record of `key` only if it has expired; absent or live, the upsert inserts (and collides if live). */
export function claimFilter(key: string, now: Date) {
  return { _id: key, expiresAt: { $lte: now } };
}

export class MongoInboundDedupe implements InboundDedupe {
  constructor(
    private readonly model: Model<InboundDedupeDocument>,
    private readonly clock: Clock,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (typeof key !== 'string') throw new TypeError('dedupe key must be a string');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + Math.max(1, Math.floor(ttlMs)));
    try {
      await this.model.updateOne(
        { _id: key, expiresAt: { $lte: now } },
        { $set: { expiresAt } },
        { upsert: true },
      );
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async release(key: string): Promise<void> {
    await this.model.deleteOne({ _id: key });
  }

  async purgeExpired(): Promise<number> {
    const res = await this.model.deleteMany({ expiresAt: { $lte: this.clock.now() } });
    return res.deletedCount;
  }
}
