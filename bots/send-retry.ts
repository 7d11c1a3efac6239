import { ChannelSendError } from '../src/domain/ports/channel-sender';

/**
 * Retries a send through short API trouble: a 429 waits its `retry_after`, 5xx/timeouts/network
 * errors back off exponentially (with jitter); permanent failures are thrown at once.
 */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `retry_after` longer than this is not waited in-process: the error is thrown. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withSendRetries<T>(
  send: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  sleep: Sleep = realSleep,
  onRetry?: (err: ChannelSendError, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof ChannelSendError)) throw err;
      if (attempt >= policy.attempts) throw err;
      let delay: number;
      if (err.kind === 'rate_limited') {
        delay = err.retryAfterMs ?? policy.baseDelayMs;
        if (delay > policy.maxRetryAfterMs) throw err;
      } else if (err.kind === 'transient') {
        const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        delay = Math.round(exp / 2 + Math.random() * (exp / 2));
      } else {
        throw err;
      }
      onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
