import type { AppDeps } from '../src/deps';
import type { Channel, ChannelRef } from '../src/domain/complaint';
import {
  ChannelSendError,
  type ChannelSender,
  type OutboundMessage,
  type SendResult,
} from '../src/domain/ports/channel-sender';
import type { FileStore } from '../src/domain/ports/file-store';
import type { Logger } from '../src/shared/logger';
import type { PaknBot } from './bot-types';
import { createRuntime } from './channels-plugin';
import { createPaknBot } from '../dialogs';
import { TelegramChannel } from './telegram/telegram-adapter';
import { TelegramApi } from './telegram/telegram-api';
import { splitText } from './telegram/telegram-format';
import { pollTelegram, type TelegramPolling } from './telegram/telegram-polling';
import { WebChatHub } from './web/webchat-hub';
import { WebChatStore } from './web/webchat-store';
import { ZaloClient } from './zalo/zalo-client';
import { ZALO_TEXT_MAX } from './zalo/zalo-format';
import { ZaloReplyWindow, zaloReplyRules } from './zalo/zalo-reply-window';
import { ZaloTokenStore } from './zalo/zalo-token-store';

export { pollTelegram, type TelegramPolling } from './telegram/telegram-polling';

async function loadFile(files: FileStore, channel: Channel, storageKey: string): Promise<Buffer> {
  const bytes = await files.get(storageKey);
  if (!bytes) throw new ChannelSendError(channel, 'permanent', 'answer document missing from the file store');
  return bytes;
}

/**
 * Pushes a message to a Telegram chat outside a turn (answers, requests for information). No retry
 * here: the delivery job retries, guided by the error's kind (a 429 carries retry_after).
 */
export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram' as const;
  constructor(
    private readonly api: TelegramApi,
    private readonly files: FileStore,
  ) {}

  async send(to: ChannelRef, message: OutboundMessage): Promise<SendResult> {
    let messageId: string | undefined;
    for (const part of splitText(message.text)) {
      const r = await this.api.sendMessage({ chat_id: to.conversationId, text: part });
      messageId ??= String(r.message_id);
    }
    for (const f of message.files ?? []) {
      const bytes = await loadFile(this.files, 'telegram', f.storageKey);
      await this.api.call(
        'sendDocument',
        { chat_id: to.conversationId, document: { source: bytes, filename: f.name } },
        60_000,
      );
    }
    return { messageId };
  }
}

/** The OA file upload takes documents only; other files are reached through the link in the text. */
const ZALO_FILE_TYPES =
  /^application\/(pdf|msword|vnd\.openxmlformats-officedocument\.wordprocessingml\.document)$/;

/**
 * CS messages to a Zalo user; documents (PDF, Word) are uploaded and sent as files. With the client's
 * reply window, a notice that would leave the OA's free reply rules (48 h after the citizen's last
 * message, 8 messages: CHANNELS.md §3.4) is not sent at all: `outside_window`, and the delivery
 * worker falls back to SMS/e-mail. A notice is sent whole or not at all (its parts and files counted).
 */
export class ZaloSender implements ChannelSender {
  readonly channel = 'zalo' as const;
  constructor(
    private readonly client: ZaloClient,
    private readonly files: FileStore,
    private readonly logger: Logger,
  ) {}

  async send(to: ChannelRef, message: OutboundMessage): Promise<SendResult> {
    const parts = splitText(message.text, ZALO_TEXT_MAX);
    const docs = (message.files ?? []).filter((f) => ZALO_FILE_TYPES.test(f.mediaType));
    const window = this.client.replyWindow;
    if (window) {
      const verdict = await window.check(to.userId, parts.length + docs.length);
      if (verdict === 'window_expired' || verdict === 'quota_used')
        throw new ChannelSendError('zalo', 'outside_window', verdict);
    }
    let messageId: string | undefined;
    for (const part of parts) {
      messageId ??= await this.client.sendText(to.userId, part);
    }
    for (const f of message.files ?? []) {
      if (!ZALO_FILE_TYPES.test(f.mediaType)) {
        this.logger.info({ mediaType: f.mediaType }, 'zalo: file type not sendable as an OA file, skipped');
        continue;
      }
      await this.client.sendFile(
        to.userId,
        f.name,
        await loadFile(this.files, 'zalo', f.storageKey),
        f.mediaType,
      );
    }
    return { messageId };
  }
}

/** Appends to the web chat session: an open page gets it live, a returning visitor finds it there. */
export class WebSender implements ChannelSender {
  readonly channel = 'web' as const;
  constructor(
    private readonly store: WebChatStore,
    private readonly hub?: WebChatHub,
  ) {}

  async send(to: ChannelRef, message: OutboundMessage): Promise<SendResult> {
    const session = await this.store.get(to.conversationId);
    if (!session) throw new ChannelSendError('web', 'permanent', 'web chat session expired');
    const files = message.files?.map((f) => f.name);
    const added = await this.store.append(session.id, [
      { from: 'bot', text: message.text, ...(files?.length ? { files } : {}) },
    ]);
    this.hub?.publish(session.id, added);
    return { messageId: String(added[0]?.seq) };
  }
}

/**
 * The chat senders the delivery workers push answers through, one per configured channel (a channel
 * without settings has none). Web is always there: its messages live in the conversation storage.
 */
export function createChannelSenders(
  deps: AppDeps,
  options: { webHub?: WebChatHub } = {},
): Partial<Record<Channel, ChannelSender>> {
  const senders: Partial<Record<Channel, ChannelSender>> = {};
  if (deps.config.telegram)
    senders.telegram = new TelegramSender(new TelegramApi(deps.config.telegram), deps.files);
  if (deps.config.zalo) {
    const logger = deps.logger.child({ module: 'channel:zalo' });
    const client = new ZaloClient(
      deps.config.zalo,
      new ZaloTokenStore(deps.stores.conversations),
      deps.clock,
      logger,
      undefined,
      new ZaloReplyWindow(deps.stores.conversations, deps.clock, zaloReplyRules(deps.config.zalo)),
    );
    senders.zalo = new ZaloSender(client, deps.files, logger);
  }
  senders.web = new WebSender(new WebChatStore(deps.stores.conversations, deps.clock), options.webHub);
  return senders;
}

/**
 * Telegram long polling for a process without the HTTP app (or when no webhook can reach us): its own
 * channel and bot over the same stores. With the app running, prefer `pollTelegram(app.channels.telegram)`.
 */
export function startTelegramPolling(deps: AppDeps, options: { bot?: PaknBot } = {}): TelegramPolling {
  if (!deps.config.telegram) throw new Error('Telegram is not configured (TELEGRAM_BOT_TOKEN)');
  const runtime = createRuntime(deps, options.bot ?? createPaknBot(deps), {});
  return pollTelegram(new TelegramChannel(deps.config.telegram, runtime));
}
