import { createHash, timingSafeEqual } from 'node:crypto';
import type { InboundDedupe } from '../src/domain/ports/inbound-dedupe';

/**
 * Processes an inbound event at most once per `key`: a redelivery finds the claim and is skipped; a
 * failure releases the claim, so the channel's own retry gets another chance.
 */
export async function processOnce(
  dedupe: InboundDedupe,
  key: string,
  ttlMs: number,
  task: () => Promise<void>,
): Promise<'processed' | 'duplicate'> {
  if (!(await dedupe.claim(key, ttlMs))) return 'duplicate';
  try {
    await task();
  } catch (err) {
    await dedupe.release(key).catch(() => undefined);
    throw err;
  }
  return 'processed';
}

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function safeEqual(given: string | undefined, expected: string): boolean {
  return secretChecker(expected)(given);
}

/** `safeEqual` against one secret, its digest computed once (a webhook checks every call). */
export function secretChecker(expected: string): (given: string | undefined) => boolean {
  const b = createHash('sha256').update(expected).digest();
  return (given) => {
    if (typeof given !== 'string') return false;
    const a = createHash('sha256').update(given).digest();
    return timingSafeEqual(a, b) && given.length === expected.length;
  };
}
