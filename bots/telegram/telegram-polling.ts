import { ChannelSendError } from '../../src/domain/ports/channel-sender';
import { DEDUPE_TTL_MS } from '../channel-runtime';
import { processOnce } from '../inbound-once';
import { realSleep } from '../send-retry';
import type { TelegramChannel } from './telegram-adapter';

export interface TelegramPolling {
  /** Ends the loop (aborting the long poll in flight) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Long polling for local use, where Telegram cannot reach a webhook: deleteWebhook, then getUpdates
 * in a loop with an advancing offset. Updates go through the same dedupe and turn path as the webhook.
 */
export function pollTelegram(
  channel: TelegramChannel,
  options: { timeoutSec?: number; dedupeTtlMs?: number } = {},
): TelegramPolling {
  const log = channel.logger;
  const abort = new AbortController();
  const timeoutSec = options.timeoutSec ?? 25;
  const ttl = options.dedupeTtlMs ?? DEDUPE_TTL_MS;
  let failures = 0;

  const loop = async (): Promise<void> => {
    let offset = 0;
    let webhookDeleted = false;
    while (!abort.signal.aborted) {
      try {
        if (!webhookDeleted) {
          // getUpdates does not work while a webhook is set.
          await channel.api.call('deleteWebhook', { drop_pending_updates: false }, 10_000, abort.signal);
          webhookDeleted = true;
        }
        const updates = await channel.api.getUpdates(offset, timeoutSec, abort.signal);
        failures = 0;
        // Started in update order, so the per-chat serializer keeps each chat's order.
        await Promise.all(
          updates.map((u) =>
            processOnce(channel.runtime.dedupe, `tg:${u.update_id}`, ttl, () =>
              channel.handleUpdate(u),
            ).catch((err: unknown) => log.error({ err, updateId: u.update_id }, 'telegram update failed')),
          ),
        );
        for (const u of updates) offset = Math.max(offset, u.update_id + 1);
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        const wait =
          err instanceof ChannelSendError && err.kind === 'rate_limited'
            ? (err.retryAfterMs ?? 5000)
            : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn(
          { kind: err instanceof ChannelSendError ? err.kind : 'unexpected', waitMs: wait },
          'telegram polling failed, retrying',
        );
        await Promise.race([
          realSleep(wait),
          new Promise((r) => abort.signal.addEventListener('abort', r, { once: true })),
        ]);
      }
    }
  };

  const done = loop();
  return {
    async stop() {
      abort.abort();
      await done;
      await channel.outbox.drain();
    },
  };
}
