import { Telegram, TelegramError } from 'telegraf';
import type { TelegramConfig } from '../../src/config/config';
import { ChannelSendError } from '../../src/domain/ports/channel-sender';
import type { TgFile, TgUpdate } from './telegram-types';

/**
 * The Bot API as we use it: telegraf's `Telegram` client (never the public API in tests: `apiRoot` comes
 * from config), every call bounded by a timeout, every failure turned into a ChannelSendError whose
 * kind tells the caller whether to wait (`retry_after`), retry (5xx, timeout, network) or give up.
 */
export class TelegramApi {
  readonly client: Telegram;

  constructor(
    private readonly config: TelegramConfig,
    private readonly timeoutMs = 10_000,
  ) {
    this.client = new Telegram(config.botToken, { apiRoot: config.apiRoot, webhookReply: false });
  }

  /** Calls a Bot API method by name (payload in the Bot API's own snake_case). */
  async call<T>(
    method: string,
    payload: Record<string, unknown>,
    timeoutMs = this.timeoutMs,
    signal?: AbortSignal,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      // telegraf types each method's payload; the wire payload is built by our renderers, so it is passed as is.
      return (await this.client.callApi(method as 'getMe', payload as never, {
        // telegraf's AbortSignal type is node-fetch's shim; the runtime object is the standard one.
        signal: (signal ? AbortSignal.any([timeout, signal]) : timeout) as never,
      })) as T;
    } catch (err) {
      throw toChannelSendError(err);
    }
  }

  sendMessage(payload: {
    chat_id: string | number;
    text: string;
    reply_markup?: unknown;
  }): Promise<{ message_id: number }> {
    return this.call('sendMessage', payload);
  }

  getFile(fileId: string): Promise<TgFile> {
    return this.call('getFile', { file_id: fileId });
  }

  getUpdates(offset: number, timeoutSec: number, signal?: AbortSignal): Promise<TgUpdate[]> {
    const payload = { offset, timeout: timeoutSec, allowed_updates: ['message', 'callback_query'] };
    return this.call('getUpdates', payload, (timeoutSec + 10) * 1000, signal);
  }

  /** The download URL of a file. It contains the bot token: never log or store it. */
  fileUrl(filePath: string): string {
    return `${this.config.apiRoot}/file/bot${this.config.botToken}/${filePath.replace(/^\/+/, '')}`;
  }
}

/**
 * No `cause` is attached: telegraf's errors carry the request payload (the citizen's message text) and
 * fetch errors may carry the URL with the bot token, and error causes end up in logs.
 */
export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (err instanceof TelegramError) {
    const code = err.code;
    if (code === 429) {
      const after = Number(err.parameters?.retry_after);
      return new ChannelSendError(
        'telegram',
        'rate_limited',
        err.message,
        Number.isFinite(after) && after >= 0 ? after * 1000 : 1000,
      );
    }
    if (code >= 500) return new ChannelSendError('telegram', 'transient', err.message);
    return new ChannelSendError('telegram', 'permanent', err.message);
  }
  // Timeouts (AbortError/TimeoutError) and network failures (node-fetch FetchError): worth retrying.
  const e = err as { name?: string; message?: string; type?: string };
  return new ChannelSendError('telegram', 'transient', `${e.name ?? 'Error'}: ${e.type ?? ''}`.trim());
}
