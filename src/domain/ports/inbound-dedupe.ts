/**
 * Remembers inbound webhook events (Telegram update_id, Zalo event id) so a redelivery is processed
 * once. `claim` is atomic: of two concurrent claims of one key exactly one returns true.
 */
export interface InboundDedupe {
  /** True if this key was not seen (or its record expired); records it for `ttlMs`. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets a claim, so a delivery whose processing failed can be retried by the sender. */
  release(key: string): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}
