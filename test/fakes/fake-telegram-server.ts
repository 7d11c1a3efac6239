import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, parseParams, sendJson } from './fake-http';

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

/**
 * A local stand-in for the Telegram Bot API (point TELEGRAM_API_ROOT at `url`): `/bot<token>/<method>`
 * for sendMessage, getFile, getUpdates (long poll), deleteWebhook, setWebhook, answerCallbackQuery,
 * sendDocument, getMe, and `/file/bot<token>/<path>` for downloads. Records calls; `failNext` scripts
 * 429s (with retry_after), 5xx and slow answers. Checks the token and sendMessage's 4096 limit.
 */
export class FakeTelegramServer extends FakeHttpServer {
  readonly calls: TelegramCall[] = [];
  /** Set false in benches: only `sentCount` is kept. */
  record = true;
  sentCount = 0;
  private readonly files = new Map<string, { path: string; bytes: Buffer }>();
  private readonly updates: unknown[] = [];
  private nextMessageId = 1000;
  private pollWaiters: Array<() => void> = [];

  constructor(readonly token = '123456:TEST-token-abcdefghijklmnopqrstuv') {
    super();
  }

  /** Makes a file downloadable through getFile + /file/bot…/path. */
  addFile(fileId: string, bytes: Buffer, path = `documents/${fileId}.bin`): void {
    this.files.set(fileId, { path, bytes });
  }

  /** Queues an update for getUpdates. */
  pushUpdate(update: unknown): void {
    this.updates.push(update);
    const w = this.pollWaiters;
    this.pollWaiters = [];
    for (const fn of w) fn();
  }

  callsOf(method: string): TelegramCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts sent to one chat, in the order received. */
  textsTo(chatId: string | number): string[] {
    return this.callsOf('sendMessage')
      .filter((c) => String(c.params.chat_id) === String(chatId))
      .map((c) => String(c.params.text));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      if (file[1] !== this.token)
        return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      if (await this.applyFailure('download', res)) return;
      const entry = [...this.files.values()].find((f) => f.path === decodeURIComponent(file[2]!));
      if (!entry) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': entry.bytes.length,
      });
      res.end(entry.bytes);
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token)
      return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const params = parseParams(req, body);
    if (this.record) this.calls.push({ method, params, at: Date.now() });
    if (await this.applyFailure(method, res)) return;
    switch (method) {
      case 'getMe':
        return sendJson(res, 200, {
          ok: true,
          result: { id: 1, is_bot: true, first_name: 'PAKN', username: 'pakn_test_bot' },
        });
      case 'sendMessage': {
        const text = String(params.text ?? '');
        if (!params.chat_id)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: chat_id is empty',
          });
        if (text.length === 0)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message text is empty',
          });
        if (text.length > 4096)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message is too long',
          });
        this.sentCount++;
        return sendJson(res, 200, {
          ok: true,
          result: {
            message_id: this.nextMessageId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(params.chat_id), type: 'private' },
            text,
          },
        });
      }
      case 'sendDocument':
        this.sentCount++;
        return sendJson(res, 200, {
          ok: true,
          result: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000) },
        });
      case 'getFile': {
        const f = this.files.get(String(params.file_id));
        if (!f)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: invalid file_id',
          });
        if (f.bytes.length > 20 * 1024 * 1024)
          return sendJson(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: file is too big',
          });
        return sendJson(res, 200, {
          ok: true,
          result: {
            file_id: params.file_id,
            file_unique_id: `u${String(params.file_id)}`,
            file_size: f.bytes.length,
            file_path: f.path,
          },
        });
      }
      case 'getUpdates': {
        const offset = Number(params.offset ?? 0);
        const timeoutSec = Math.min(Number(params.timeout ?? 0), 2);
        const pick = () => this.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
        let found = pick();
        if (!found.length && timeoutSec > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, timeoutSec * 1000);
            this.pollWaiters.push(() => {
              clearTimeout(t);
              resolve();
            });
          });
          found = pick();
        }
        return sendJson(res, 200, { ok: true, result: found });
      }
      case 'deleteWebhook':
      case 'setWebhook':
      case 'answerCallbackQuery':
        return sendJson(res, 200, { ok: true, result: true });
      default:
        return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }
}
