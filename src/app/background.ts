import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps';
import { OutboxRelay } from '../jobs';
import { startWorkers } from '../jobs/workers';
import { createChannelSenders } from '../../bots/registry';
import { pollTelegram } from '../../bots/telegram/telegram-polling';
import { zaloReplyRules } from '../../bots/zalo/zalo-reply-window';
import { ZALO_REPLY_WINDOW_PREFIX } from '../application/citizen/chat-state';
import { startHousekeeping } from './housekeeping';

export interface Background {
  relay: OutboxRelay;
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  /** Run the queue workers in this process (always with the embedded queue; `npm run worker` with Redis). */
  workers: boolean;
  /** The HTTP app, when this process serves one: Telegram long polling feeds its channel. */
  app?: FastifyInstance;
}

/**
 * What runs beside the HTTP server: the outbox relay (store → queue), housekeeping (abandoned chat drafts,
 * expired dedupe records), the queue workers, and Telegram long polling when configured. Each part registers
 * its stop; `stop` runs them in reverse order of start.
 */
export async function startBackground(deps: AppDeps, options: BackgroundOptions): Promise<Background> {
  const stops: Array<() => Promise<void>> = [];
  const relay = new OutboxRelay(deps.stores.complaints, deps.queue, {
    logger: deps.logger.child({ module: 'outbox' }),
  });
  relay.start();
  stops.push(() => relay.stop());

  const housekeeping = startHousekeeping({
    conversations: deps.stores.conversations,
    dedupe: deps.stores.dedupe,
    clock: deps.clock,
    logger: deps.logger.child({ module: 'housekeeping' }),
    chatDraftRetentionHours: deps.config.chatDraftRetentionHours,
    // A reply window is written at each inbound message and send; once over, it only holds the user id.
    expiring: deps.config.zalo
      ? [{ keyPrefix: ZALO_REPLY_WINDOW_PREFIX, maxAgeMs: zaloReplyRules(deps.config.zalo).windowMs }]
      : [],
  });
  stops.push(() => housekeeping.stop());

  if (options.workers) {
    const workers = await startWorkers({ ...deps, senders: createChannelSenders(deps) });
    stops.push(() => workers.stop());
  }

  const telegram = options.app?.channels?.telegram;
  if (telegram && deps.config.telegram?.mode === 'polling') {
    const polling = pollTelegram(telegram);
    stops.push(() => polling.stop());
  }

  return {
    relay,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
