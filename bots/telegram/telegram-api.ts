import http from 'node:http';
import https from 'node:https';
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
   * A Bot API call with a JSON body over a keep-alive connection (node:http/https with a shared
   * agent), answered like telegraf's `callApi`: `result` when `ok`, otherwise a TelegramError (so the
   * error mapping below is the one for both paths). Keep-alive also for plain-http roots (a local Bot
   * API server), which telegraf would open a connection per call for.
   */
  postJson<T>(method: string, payload: Record<string, unknown>, timeoutMs = this.timeoutMs): Promise<T> {
    const body = JSON.stringify(payload);
    const root = (this.root ??= rootOf(this.config.apiRoot, this.config.botToken));
    const https_ = root.https;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(toChannelSendError(err));
      };
      // Options, not a URL string: node would parse the URL again on every call.
      const req = (https_ ? https : http).request({
        host: root.host,
        port: root.port,
        path: root.prefix + method,
        method: 'POST',
        agent: https_ ? KEEP_ALIVE.https : KEEP_ALIVE.http,
        // Raw header pairs: node writes them as given instead of validating and storing each through
        // setHeader (and adds no Host of its own then, so it is ours, precomputed).
        headers: [
          'Host',
          root.hostHeader,
          'Content-Type',
          'application/json',
          'Content-Length',
          String(Buffer.byteLength(body)),
        ],
      });
      const timer = setTimeout(() => {
        // No message: the URL carries the token.
        const e = new Error();
        e.name = 'TimeoutError';
        req.destroy(e);
        fail(e);
      }, timeoutMs);
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          let data: {
            ok?: boolean;
            result?: T;
            error_code?: number;
            description?: string;
            parameters?: object;
          };
          try {
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            data = JSON.parse(raw.toString('utf8')) as typeof data;
          } catch {
            // Not the Bot API answering (a proxy's error page): as telegraf's invalid-json, worth retrying.
            return fail({ name: 'FetchError', type: 'invalid-json' });
          }
          if (data.ok) {
            settled = true;
            clearTimeout(timer);
            return resolve(data.result as T);
          }
          fail(
            new TelegramError({
              error_code: data.error_code ?? res.statusCode ?? 500,
              description: data.description ?? 'error',
              ...(data.parameters ? { parameters: data.parameters } : {}),
            }),
          );
        });
      });
      req.end(body);
    });
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

/** Shared by every client of the process: one pool of kept-alive connections per Bot API host. */
const KEEP_ALIVE = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

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

interface ApiRoot {
  https: boolean;
  host: string;
  port: number;
  /** The Host header's value (as node would write it: the port only when not the default). */
  hostHeader: string;
  /** Request path up to the method name: the root's path, then `/bot<token>/`. Holds the token. */
  prefix: string;
}

function rootOf(apiRoot: string, token: string): ApiRoot {
  const u = new URL(apiRoot);
  const https_ = u.protocol === 'https:';
  return {
    https: https_,
    // node:http wants an IPv6 literal without its brackets.
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : https_ ? 443 : 80,
    hostHeader: u.host,
    prefix: `${u.pathname.replace(/\/+$/, '')}/bot${token}/`,
  };
}
