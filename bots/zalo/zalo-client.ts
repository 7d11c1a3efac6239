import type { ZaloConfig } from '../../src/config/config';
import { ChannelSendError } from '../../src/domain/ports/channel-sender';
import type { Clock } from '../../src/domain/ports/clock';
import type { Logger } from '../../src/shared/logger';
import { downloadBounded } from '../bounded-download';
import type { ZaloReplyWindow } from './zalo-reply-window';
import { ZaloTokenStore, type ZaloTokens } from './zalo-token-store';
import type { ZaloResponse, ZaloTokenResponse } from './zalo-types';

/** Error codes of the OA API we act on (CHANNELS.md §3.3-3.4). */
export const ZALO_TOKEN_EXPIRED = new Set([-216, -124]);
export const ZALO_OUTSIDE_WINDOW = new Set([-230, -213]);

/** Refresh this long before the access token's announced expiry. */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;

class ZaloApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`zalo error ${code}: ${message}`);
    this.name = 'ZaloApiError';
  }
}

/**
 * A thin client of the official Zalo OA Open API v3 (no SDK: the API we need is small): CS messages,
 * file upload, attachment download, and the access token kept fresh from the single-use refresh token.
 */
export class ZaloClient {
  private tokens: ZaloTokens;
  private eTag: string | undefined;
  private loaded = false;
  private refreshing?: Promise<void>;
  private readonly store: ZaloTokenStore;

  constructor(
    private readonly config: ZaloConfig,
    store: ZaloTokenStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
    /** Counts every message sent against the citizen's free reply quota (CHANNELS.md §3.4). */
    readonly replyWindow?: ZaloReplyWindow,
  ) {
    this.store = store;
    this.tokens = {
      accessToken: config.accessToken,
      refreshToken: config.refreshToken,
      seed: config.refreshToken,
    };
  }

  /** Tokens kept by an earlier run win over config, unless config has a new grant. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    const { tokens, eTag } = await this.store.read();
    this.eTag = eTag;
    if (tokens && (tokens.seed === this.config.refreshToken || !this.config.refreshToken))
      this.tokens = tokens;
    this.loaded = true;
  }

  private expiresSoon(): boolean {
    const at = this.tokens.expiresAt;
    return at !== undefined && at - REFRESH_MARGIN_MS <= this.clock.now().getTime();
  }

  /** A usable access token, refreshed first when it is missing or about to expire. */
  async accessToken(): Promise<string> {
    await this.load();
    if (!this.tokens.accessToken || this.expiresSoon()) await this.refresh();
    if (!this.tokens.accessToken) throw new ChannelSendError('zalo', 'permanent', 'no access token');
    return this.tokens.accessToken;
  }

  /** One refresh at a time in this process; `stale` is the token that was found expired. */
  refresh(stale?: string): Promise<void> {
    this.refreshing ??= this.doRefresh(stale).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async doRefresh(stale?: string): Promise<void> {
    await this.load();
    // Another process may have refreshed already: take its tokens instead of spending ours.
    const current = await this.store.read();
    if (
      current.tokens?.accessToken &&
      current.tokens.accessToken !== stale &&
      current.eTag !== this.eTag &&
      current.tokens.seed === this.tokens.seed
    ) {
      this.tokens = current.tokens;
      this.eTag = current.eTag;
      if (!this.expiresSoon()) return;
    }
    const refreshToken = this.tokens.refreshToken;
    if (!refreshToken || !this.config.appSecret) {
      throw new ChannelSendError(
        'zalo',
        'permanent',
        'access token expired and no refresh token/app secret to renew it',
      );
    }
    let res: Response;
    try {
      res = await fetch(`${this.config.oauthRoot}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.config.appSecret },
        body: new URLSearchParams({
          refresh_token: refreshToken,
          app_id: this.config.appId,
          grant_type: 'refresh_token',
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ChannelSendError(
        'zalo',
        'transient',
        `token refresh failed: ${(err as Error).name}`,
        undefined,
        { cause: err },
      );
    }
    if (res.status >= 500 || res.status === 429)
      throw new ChannelSendError('zalo', 'transient', `token refresh HTTP ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as ZaloTokenResponse;
    if (!body.access_token || !body.refresh_token) {
      this.logger.error(
        { zaloError: body.error, errorName: body.error_name },
        'zalo token refresh refused: the OA must be granted again',
      );
      throw new ChannelSendError('zalo', 'permanent', `token refresh refused (${body.error ?? res.status})`);
    }
    const expiresIn = Number(body.expires_in);
    const next: ZaloTokens = {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt:
        Number.isFinite(expiresIn) && expiresIn > 0
          ? this.clock.now().getTime() + expiresIn * 1000
          : undefined,
      seed: this.tokens.seed,
    };
    this.tokens = next;
    if (!(await this.store.write(next, this.eTag))) {
      // Someone wrote in between; ours is the newest pair (the refresh token we used is spent), so keep ours.
      await this.store.write(next, '*');
    }
    this.eTag = (await this.store.read()).eTag;
    this.logger.info({ expiresAt: next.expiresAt }, 'zalo access token refreshed');
  }

  /** Calls an OA endpoint with the access token; an expired token is refreshed once and the call repeated. */
  async call<T>(path: string, body: unknown): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.post<T>(path, body, token);
      } catch (err) {
        if (err instanceof ZaloApiError && ZALO_TOKEN_EXPIRED.has(err.code) && attempt === 1) {
          await this.refresh(token);
          continue;
        }
        throw toChannelSendError(err);
      }
    }
  }

  private async post<T>(path: string, body: unknown, token: string): Promise<T | undefined> {
    const isForm = body instanceof FormData;
    const res = await fetch(`${this.config.apiRoot}${path}`, {
      method: 'POST',
      headers: isForm ? { access_token: token } : { access_token: token, 'content-type': 'application/json' },
      body: isForm ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status === 429) {
      const after = Number(res.headers.get('retry-after'));
      throw new ChannelSendError(
        'zalo',
        'rate_limited',
        'HTTP 429',
        Number.isFinite(after) && after > 0 ? after * 1000 : 5000,
      );
    }
    if (res.status >= 500) throw new ChannelSendError('zalo', 'transient', `HTTP ${res.status}`);
    const json = (await res.json().catch(() => undefined)) as ZaloResponse<T> | undefined;
    if (!json || typeof json.error !== 'number')
      throw new ChannelSendError('zalo', 'transient', `unexpected answer (HTTP ${res.status})`);
    if (json.error !== 0) throw new ZaloApiError(json.error, json.message ?? '');
    return json.data;
  }

  /** Sends a customer-service (reply) message. */
  async sendText(userId: string, text: string): Promise<string | undefined> {
    const data = await this.call<{ message_id?: string }>('/v3.0/oa/message/cs', {
      recipient: { user_id: userId },
      message: { text },
    });
    await this.countSent(userId);
    return data?.message_id;
  }

  /** The message went out: a failed count is logged, never turned into a resend. */
  private async countSent(userId: string): Promise<void> {
    try {
      await this.replyWindow?.sent(userId);
    } catch (err) {
      this.logger.warn({ err: (err as Error).name }, 'zalo: reply quota count not written');
    }
  }

  /** Uploads a document (PDF/DOC/DOCX) and sends it as a file message. */
  async sendFile(
    userId: string,
    name: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string | undefined> {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: mediaType }), name);
    const uploaded = await this.call<{ token?: string }>('/v2.0/oa/upload/file', form);
    if (!uploaded?.token) throw new ChannelSendError('zalo', 'permanent', 'file upload returned no token');
    const data = await this.call<{ message_id?: string }>('/v3.0/oa/message/cs', {
      recipient: { user_id: userId },
      message: { attachment: { type: 'file', payload: { token: uploaded.token } } },
    });
    await this.countSent(userId);
    return data?.message_id;
  }

  /** Fetches an attachment a citizen sent (the event's CDN URL), at most `maxBytes`. */
  getAttachment(url: string, maxBytes: number): Promise<Buffer> {
    return downloadBounded(url, maxBytes, { timeoutMs: 30_000 });
  }
}

export function toChannelSendError(err: unknown): ChannelSendError {
  if (err instanceof ChannelSendError) return err;
  if (err instanceof ZaloApiError) {
    if (ZALO_OUTSIDE_WINDOW.has(err.code))
      return new ChannelSendError('zalo', 'outside_window', err.message, undefined, { cause: err });
    return new ChannelSendError('zalo', 'permanent', err.message, undefined, { cause: err });
  }
  return new ChannelSendError('zalo', 'transient', `${(err as Error).name ?? 'Error'}`, undefined, {
    cause: err,
  });
}
