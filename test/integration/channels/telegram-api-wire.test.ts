import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramApi } from '../../../bots/telegram/telegram-api';
import { ChannelSendError } from '../../../src/domain/ports/channel-sender';

/**
 * The Bot API request as it goes on the wire: postJson writes its request line and headers itself (our
 * KeepAliveClient), so the request line, Host, body and keep-alive are checked at a real server.
 */
describe('TelegramApi.postJson on the wire', () => {
  let server: http.Server;
  let port: number;
  const seen: {
    method?: string;
    url?: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    socket: unknown;
  }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body, socket: req.socket });
        const reply = req.url?.endsWith('/sendMessage')
          ? { ok: true, result: { message_id: seen.length } }
          : { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3 } };
        // A reply in several chunks: the body is read whole before parsing.
        const text = JSON.stringify(reply);
        res.writeHead(reply.ok ? 200 : 429, { 'content-type': 'application/json' });
        res.write(text.slice(0, 5));
        res.end(text.slice(5));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('should send Host, JSON body and path under the root, over one kept-alive connection', async () => {
    const api = new TelegramApi({ botToken: '42:tok', apiRoot: `http://127.0.0.1:${port}/tg/` } as never);
    const payload = { chat_id: 7, text: 'Phản ánh đã được trả lời' };
    expect(await api.sendMessage(payload)).toEqual({ message_id: 1 });
    expect(await api.sendMessage(payload)).toEqual({ message_id: 2 });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/tg/bot42:tok/sendMessage' });
    expect(seen[0]!.headers.host).toBe(`127.0.0.1:${port}`);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(seen[0]!.body));
    expect(JSON.parse(seen[0]!.body)).toEqual(payload);
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });

  it('should turn a 429 read in parts into rate_limited with its retry_after', async () => {
    const api = new TelegramApi({ botToken: '42:tok', apiRoot: `http://127.0.0.1:${port}` } as never);
    const err = await api.postJson('getMe', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(seen.at(-1)!.url).toBe('/bot42:tok/getMe');
  });
});
