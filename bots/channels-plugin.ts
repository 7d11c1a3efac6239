import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../src/deps';
import type { PaknBot, TurnSerializer } from './bot-types';
import type { ChannelRuntime } from './channel-runtime';
import { createPaknBot, TurnSerializer as DialogTurnSerializer } from '../dialogs';
import type { RetryPolicy, Sleep } from './send-retry';
import { TelegramChannel } from './telegram/telegram-adapter';
import { registerTelegramWebhook } from './telegram/telegram-webhook';
import { ensureTelegramWebhook } from './telegram/telegram-setup';
import { WebChannel } from './web/web-adapter';
import { registerChatPage } from './web/chat-page';
import { WebChatHub } from './web/webchat-hub';
import { registerWebChatRoutes } from './web/webchat-routes';
import { WebChatStore } from './web/webchat-store';
import { ZaloChannel } from './zalo/zalo-adapter';
import { registerZaloWebhook } from './zalo/zalo-webhook';

export interface ChannelsOptions {
  /** The conversation; defaults to dialogs' `createPaknBot(deps)`. */
  bot?: PaknBot;
  serializer?: TurnSerializer;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Web chat event streams re-read the session this often (answers appended by other processes). */
  webPollMs?: number;
}

/** The live channels of this process (tests and benches reach their outboxes through it). */
export interface Channels {
  telegram?: TelegramChannel;
  zalo?: ZaloChannel;
  web: WebChannel;
}

declare module 'fastify' {
  interface FastifyInstance {
    channels: Channels;
  }
}

export function createRuntime(deps: AppDeps, bot: PaknBot, options: ChannelsOptions): ChannelRuntime {
  return {
    bot,
    serializer: options.serializer ?? new DialogTurnSerializer(),
    dedupe: deps.stores.dedupe,
    logger: deps.logger,
    limits: deps.config.limits,
    retry: options.retry,
    sleep: options.sleep,
  };
}

/**
 * Mounts every configured channel: Telegram and Zalo webhooks when their settings are present (a
 * channel without settings is off), the web chat always. Waits for queued replies on close.
 */
export async function registerChannels(
  app: FastifyInstance,
  deps: AppDeps,
  options: ChannelsOptions = {},
): Promise<Channels> {
  const bot = options.bot ?? (await defaultBot(deps));
  const runtime = createRuntime(deps, bot, options);
  const web = new WebChannel(
    runtime,
    new WebChatStore(deps.stores.conversations, deps.clock),
    new WebChatHub(),
  );
  const channels: Channels = { web };
  if (deps.config.telegram) {
    channels.telegram = new TelegramChannel(deps.config.telegram, runtime);
    registerTelegramWebhook(app, channels.telegram, deps.stores.dedupe);
    const telegram = channels.telegram;
    app.addHook('onReady', async () => {
      // Not awaited: the app starts even when the Bot API cannot be reached right now.
      void ensureTelegramWebhook(telegram, deps.config.publicBaseUrl);
    });
  }
  if (deps.config.zalo) {
    channels.zalo = new ZaloChannel(deps.config.zalo, runtime, deps.stores.conversations, deps.clock);
    await registerZaloWebhook(app, channels.zalo, deps.stores.dedupe);
  }
  await registerWebChatRoutes(app, {
    channel: web,
    dedupe: deps.stores.dedupe,
    defaultLocale: deps.config.defaultLocale,
    maxFileBytes: deps.config.limits.maxFileBytes,
    pollMs: options.webPollMs,
  });
  registerChatPage(app, {
    defaultLocale: deps.config.defaultLocale,
    maxFileBytes: deps.config.limits.maxFileBytes,
  });
  app.decorate('channels', channels);
  app.addHook('onClose', async () => {
    await Promise.all([channels.telegram?.outbox.drain(), channels.zalo?.outbox.drain()]);
  });
  return channels;
}

async function defaultBot(deps: AppDeps): Promise<PaknBot> {
  return createPaknBot(deps);
}
