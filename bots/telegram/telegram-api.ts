import { Telegram, TelegramError } from 'telegraf';
import type { TelegramConfig } from '../../src/config/config';
import { KeepAliveClient, type HttpResponse } from '../http/keep-alive-client';
import { ChannelSendError } from '../../src/domain/ports/channel-sender';
import type { TgFile, TgUpdate } from './telegram-types';

/**
 * The Bot API as we use it: telegraf's `Telegram` client (never the public API in tests: `apiRoot` comes
 * from config), every call bounded by a timeout, every failure turned into a ChannelSendError whose
 * kind tells the caller whether to wait (`retry_after`), retry (5xx, timeout, network) or give up.
 */
export class TelegramApi {
  readonly client: Telegram;
  private root: ApiRoot | undefined;

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

  /**
   * Goes through `postJson`, not telegraf: messages are the hot path of the delivery workers, and
   * telegraf's node-fetch stack (and its per-call header and abort plumbing) cost more CPU than the
   * rest of a delivery together.
   */
  sendMessage(payload: {
    chat_id: string | number;
    text: string;
    reply_markup?: unknown;
  }): Promise<{ message_id: number }> {
    return this.postJson('sendMessage', payload);
  }

  /**
   * A Bot API call with a JSON body over a kept-alive connection (our KeepAliveClient, one pool per Bot
   * API root, shared by every TelegramApi of the process), answered like telegraf's `callApi`: `result`
   * when `ok`, otherwise a TelegramError (so the error mapping below is the one for both paths).
   */
  async postJson<T>(
    method: string,
    payload: Record<string, unknown>,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const root = (this.root ??= rootOf(this.config.apiRoot, this.config.botToken));
    let res: HttpResponse;
    try {
      res = await root.client.request(
        `POST ${root.prefix}${method} HTTP/1.1\r\n${root.headers}`,
        JSON.stringify(payload),
        timeoutMs,
      );
    } catch (err) {
      throw toChannelSendError(err);
    }
    let data: { ok?: boolean; result?: T; error_code?: number; description?: string; parameters?: object };
    try {
      data = JSON.parse(res.body.toString('utf8')) as typeof data;
    } catch {
      // Not the Bot API answering (a proxy's error page): as telegraf's invalid-json, worth retrying.
      throw toChannelSendError({ name: 'FetchError', type: 'invalid-json' });
    }
    if (data.ok) return data.result as T;
    throw toChannelSendError(
      new TelegramError({
        error_code: data.error_code ?? res.status,
        description: data.description ?? 'error',
        ...(data.parameters ? { parameters: data.parameters } : {}),
      }),
    );
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

/** One pool of kept-alive connections per Bot API root (scheme, host and port), for the process. */
const POOLS = new Map<string, KeepAliveClient>();

function poolFor(https_: boolean, host: string, port: number): KeepAliveClient {
  const key = `${https_ ? 'https' : 'http'}://${host}:${port}`;
  let pool = POOLS.get(key);
  if (!pool) {
    pool = new KeepAliveClient({ host, port, tls: https_, maxSockets: 64 });
    POOLS.set(key, pool);
  }
  return pool;
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
  // Timeouts (AbortError/TimeoutError) and network failures (node-fetch FetchError, our HttpClientError): worth
  // retrying.
  const e = err as { name?: string; message?: string; type?: string; code?: string };
  return new ChannelSendError(
    'telegram',
    'transient',
    `${e.name ?? 'Error'}: ${e.type ?? e.code ?? ''}`.trim(),
  );
}

interface ApiRoot {
  client: KeepAliveClient;
  /** Request path up to the method name: the root's path, then `/bot<token>/`. Holds the token. */
  prefix: string;
  /** Host (as a browser writes it: the port only when not the default) and Content-Type lines. */
  headers: string;
}

function rootOf(apiRoot: string, token: string): ApiRoot {
  const u = new URL(apiRoot);
  const https_ = u.protocol === 'https:';
  // A connection wants an IPv6 literal without its brackets.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : https_ ? 443 : 80;
  return {
    client: poolFor(https_, host, port),
    prefix: `${u.pathname.replace(/\/+$/, '')}/bot${token}/`,
    headers: `Host: ${u.host}\r\nContent-Type: application/json\r\n`,
  };
}
