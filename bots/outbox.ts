import type { Logger } from '../src/shared/logger';
import { ChannelSendError } from '../src/domain/ports/channel-sender';
import { KeyedQueue } from './keyed-queue';
import { DEFAULT_RETRY, realSleep, withSendRetries, type RetryPolicy, type Sleep } from './send-retry';

export interface OutboxOptions {
  logger: Logger;
  policy?: RetryPolicy;
  sleep?: Sleep;
}

/**
 * Replies of a turn, sent after the turn in the background: in order per chat (one queue per chat),
 * retried through 429s and short outages, so a webhook is answered without waiting on the channel's API.
 */
export class ChatOutbox {
  private readonly queue = new KeyedQueue();
  private failures = 0;

  constructor(private readonly options: OutboxOptions) {}

  push(chatKey: string, send: () => Promise<unknown>): void {
    const { logger } = this.options;
    const policy = this.options.policy ?? DEFAULT_RETRY;
    const sleep = this.options.sleep ?? realSleep;
    void this.queue
      .run(chatKey, () =>
        withSendRetries(send, policy, sleep, (err, attempt, delayMs) =>
          logger.warn({ kind: err.kind, attempt, delayMs }, 'reply send failed, retrying'),
        ),
      )
      .catch((err: unknown) => {
        this.failures++;
        const kind = err instanceof ChannelSendError ? err.kind : 'unexpected';
        logger.error({ kind, err }, 'reply could not be sent');
      });
  }

  /** Replies given up on since start (for tests and metrics). */
  get failedCount(): number {
    return this.failures;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Resolves when every queued reply has been sent or given up on. */
  drain(): Promise<void> {
    return this.queue.idle();
  }
}
