import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../../src/shared/logger';
import type { TelegramConfig } from '../../src/config/config';
import { ChannelAdapter } from '../channel-adapter';
import { channelText, type ChannelRuntime } from '../channel-runtime';
import { conversationKey } from '../bot-types';
import { ChatOutbox } from '../outbox';
import { TelegramApi } from './telegram-api';
import { renderForTelegram } from './telegram-format';
import { updateToActivity } from './telegram-mapper';
import type { TgUpdate } from './telegram-types';

/** Telegram as a botbuilder adapter: replies go through a per-chat outbox (ordered, retried). */
export class TelegramAdapter extends ChannelAdapter {
  readonly channel = 'telegram' as const;

  constructor(
    readonly api: TelegramApi,
    readonly outbox: ChatOutbox,
  ) {
    super();
  }

  protected async deliver(activity: Partial<Activity>): Promise<string> {
    const chatId = activity.conversation?.id;
    if (!chatId) throw new Error('telegram: outgoing activity without conversation.id');
    for (const payload of renderForTelegram(activity, chatId, () =>
      channelText(activity.locale, 'channel.share_phone'),
    )) {
      this.outbox.push(chatId, () => this.api.sendMessage(payload));
    }
    return '';
  }
}

/** The Telegram channel: inbound updates → turns of the bot, replies → the Bot API. */
export class TelegramChannel {
  readonly api: TelegramApi;
  readonly adapter: TelegramAdapter;
  readonly outbox: ChatOutbox;
  readonly logger: Logger;

  constructor(
    readonly config: TelegramConfig,
    readonly runtime: ChannelRuntime,
  ) {
    this.logger = runtime.logger.child({ module: 'channel:telegram' });
    this.api = new TelegramApi(config);
    this.outbox = new ChatOutbox({ logger: this.logger, policy: runtime.retry, sleep: runtime.sleep });
    this.adapter = new TelegramAdapter(this.api, this.outbox);
  }

  /** Runs one update through the bot; throws if the turn failed (the caller releases the dedupe claim). */
  async handleUpdate(update: TgUpdate): Promise<void> {
    const activity = updateToActivity(this.api, update);
    const cqId = update.callback_query?.id;
    if (cqId) {
      // Stops the button's spinner; best effort, in the chat's order.
      const chat = update.callback_query?.message?.chat.id;
      this.outbox.push(String(chat ?? 'cq'), () =>
        this.api.call('answerCallbackQuery', { callback_query_id: cqId }),
      );
    }
    if (!activity) return;
    const key = conversationKey('telegram', activity.conversation!.id);
    const { bot, serializer } = this.runtime;
    await serializer.run(key, () =>
      this.adapter.processActivity(activity, (ctx: TurnContext) => bot.run(ctx)),
    );
  }
}
