import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, parseParams, sendJson } from './fake-http';
import { zaloSignature } from '../../bots/zalo/zalo-signature';

export interface ZaloCall {
  path: string;
  accessToken?: string;
  params: Record<string, unknown>;
  at: number;
}

/**
 * A local stand-in for Zalo's OA Open API and OAuth server (point ZALO_API_ROOT and ZALO_OAUTH_ROOT at
 * `url`): `POST /v3.0/oa/message/cs` (checks the access_token header: -216 when invalid),
 * `POST /v2.0/oa/upload/file`, `POST /v4/oa/access_token` (single-use refresh tokens, rotated on every
 * refresh; checks app_id and the secret_key header), and `GET /files/<name>` for attachments.
 * `failNext('cs', …)` scripts errors (HTTP status, or a body like `{ error: -230 }`).
 */
export class FakeZaloServer extends FakeHttpServer {
  readonly calls: ZaloCall[] = [];
  /** Names of the attachment files fetched. */
  readonly downloads: string[] = [];
  record = true;
  sentCount = 0;
  accessToken = 'at-1';
  refreshToken = 'rt-1';
  expiresInSec = 90_000;
  refreshCount = 0;
  private readonly files = new Map<string, Buffer>();
  private n = 1;

  constructor(
    readonly appId = '3601000000000000001',
    readonly appSecret = 'app-secret-XYZ',
    readonly oaSecretKey = 'oa-secret-ABC',
  ) {
    super();
  }

  addFile(name: string, bytes: Buffer): string {
    this.files.set(name, bytes);
    return `${this.url}/files/${encodeURIComponent(name)}`;
  }

  /** Makes the current access token invalid, as after its 25 h lifetime. */
  expireAccessToken(): void {
    this.accessToken = `at-unknown-${this.n++}`;
  }

  sentTexts(userId: string): string[] {
    return this.calls
      .filter(
        (c) =>
          c.path === '/v3.0/oa/message/cs' &&
          (c.params.recipient as { user_id?: string } | undefined)?.user_id === userId,
      )
      .filter((c) => c.accessToken === this.validTokenAt(c))
      .map((c) => String((c.params.message as { text?: string }).text));
  }

  private readonly accepted = new WeakSet<ZaloCall>();
  private validTokenAt(c: ZaloCall): string | undefined {
    return this.accepted.has(c) ? c.accessToken : undefined;
  }

  /** A webhook body and its X-ZEvent-Signature, signed as Zalo does. */
  signEvent(event: Record<string, unknown>): { body: string; signature: string } {
    const body = JSON.stringify({ app_id: this.appId, ...event });
    const ts = String((event as { timestamp?: unknown }).timestamp);
    return { body, signature: zaloSignature(this.appId, body, ts, this.oaSecretKey) };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      if (await this.applyFailure('download', res)) return;
      const name = decodeURIComponent(url.pathname.slice('/files/'.length));
      this.downloads.push(name);
      const f = this.files.get(name);
      if (!f) return sendJson(res, 404, { error: 404 });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.length });
      res.end(f);
      return;
    }
    const token = req.headers.access_token as string | undefined;
    const isMultipart = String(req.headers['content-type'] ?? '').startsWith('multipart/');
    const params = isMultipart ? { multipartBytes: body.length } : parseParams(req, body);
    const call: ZaloCall = { path: url.pathname, accessToken: token, params, at: Date.now() };
    if (this.record) this.calls.push(call);
    switch (url.pathname) {
      case '/v4/oa/access_token': {
        if (await this.applyFailure('token', res)) return;
        if (
          req.headers.secret_key !== this.appSecret ||
          params.app_id !== this.appId ||
          params.grant_type !== 'refresh_token'
        ) {
          return sendJson(res, 200, {
            error: -14002,
            error_name: 'Invalid app',
            error_description: 'invalid app or secret',
          });
        }
        if (params.refresh_token !== this.refreshToken) {
          return sendJson(res, 200, {
            error: -14014,
            error_name: 'Invalid refresh token',
            error_description: 'refresh token is invalid',
          });
        }
        this.refreshCount++;
        this.accessToken = `at-${++this.n}`;
        this.refreshToken = `rt-${this.n}`;
        return sendJson(res, 200, {
          access_token: this.accessToken,
          refresh_token: this.refreshToken,
          expires_in: String(this.expiresInSec),
        });
      }
      case '/v3.0/oa/message/cs':
      case '/v2.0/oa/upload/file': {
        const name = url.pathname === '/v3.0/oa/message/cs' ? 'cs' : 'upload';
        if (token !== this.accessToken)
          return sendJson(res, 200, { error: -216, message: 'Access token is invalid' });
        if (await this.applyFailure(name, res)) return;
        this.accepted.add(call);
        if (name === 'upload')
          return sendJson(res, 200, { error: 0, message: 'Success', data: { token: `ft-${this.n++}` } });
        this.sentCount++;
        const userId = (params.recipient as { user_id?: string } | undefined)?.user_id;
        if (!userId) return sendJson(res, 200, { error: -201, message: 'user_id is invalid' });
        return sendJson(res, 200, {
          error: 0,
          message: 'Success',
          data: { message_id: `m${this.n++}`, user_id: userId },
        });
      }
      default:
        return sendJson(res, 404, { error: 404, message: 'not found' });
    }
  }
}
