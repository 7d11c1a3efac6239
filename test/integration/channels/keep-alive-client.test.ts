import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HttpClientError, KeepAliveClient } from '../../../bots/http/keep-alive-client';

/**
 * The Bot API's HTTP/1.1 client against real servers: node:http's (Content-Length, chunked, Connection:
 * close, TLS) and raw sockets for what node's server would not send (an interim 100, a body read until
 * close, garbage, silence, data out of turn).
 */
const HEAD = (path = '/x') => `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n`;
const text = (b: Buffer) => b.toString('utf8');

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function close(server: net.Server): Promise<void> {
  (server as http.Server).closeAllConnections?.();
  await new Promise((r) => server.close(r));
}

/** A raw TCP server: `onRequest(socket, requestText)` once a whole request (head and body) arrived. */
function rawServer(
  onRequest: (socket: net.Socket, req: string) => void,
): net.Server & { sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const req = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        onRequest(socket, req);
      }
    });
  });
  return Object.assign(server, {
    sockets,
    close(cb?: (err?: Error) => void) {
      for (const s of sockets) s.destroy();
      return net.Server.prototype.close.call(server, cb);
    },
  }) as net.Server & { sockets: Set<net.Socket> };
}

describe('KeepAliveClient', () => {
  const clients: KeepAliveClient[] = [];
  const servers: net.Server[] = [];
  const client = (port: number, extra: Partial<ConstructorParameters<typeof KeepAliveClient>[0]> = {}) => {
    const c = new KeepAliveClient({ host: '127.0.0.1', port, ...extra });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(servers.splice(0).map(close));
  });

  describe('with node:http as the server', () => {
    let port: number;
    const seen: Array<{ url?: string; headers: http.IncomingHttpHeaders; body: string; socket: unknown }> =
      [];
    beforeEach(async () => {
      seen.length = 0;
      const server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => (body += c));
        req.on('end', () => {
          seen.push({ url: req.url, headers: req.headers, body, socket: req.socket });
          if (req.url === '/chunked') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{"ok":');
            setTimeout(() => res.end('true,"vi":"Phản ánh"}'), 5);
          } else if (req.url === '/close') {
            res.writeHead(200, { connection: 'close', 'content-length': 2 });
            res.end('ok');
          } else if (req.url === '/empty') {
            res.writeHead(204);
            res.end();
          } else {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ echo: body }));
          }
        });
      });
      servers.push(server);
      port = await listen(server);
    });

    it('sends head and body as given, with Content-Length, and reuses the connection', async () => {
      const c = client(port);
      const body = JSON.stringify({ text: 'Phản ánh đã được trả lời' });
      const r1 = await c.request(HEAD('/a'), body, 5000);
      const r2 = await c.request(HEAD('/b'), body, 5000);
      expect(r1.status).toBe(200);
      expect(JSON.parse(text(r1.body))).toEqual({ echo: body });
      expect(JSON.parse(text(r2.body))).toEqual({ echo: body });
      expect(seen[0]).toMatchObject({ url: '/a', body });
      expect(seen[0]!.headers).toMatchObject({ host: 'test', 'content-type': 'application/json' });
      expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(body));
      expect(seen[1]!.socket).toBe(seen[0]!.socket);
    });

    it('reads a chunked body sent in parts', async () => {
      const r = await client(port).request(HEAD('/chunked'), '{}', 5000);
      expect(JSON.parse(text(r.body))).toEqual({ ok: true, vi: 'Phản ánh' });
    });

    it('opens a new connection after the server said Connection: close', async () => {
      const c = client(port);
      expect(text((await c.request(HEAD('/close'), '', 5000)).body)).toBe('ok');
      expect(text((await c.request(HEAD('/close'), '', 5000)).body)).toBe('ok');
      expect(seen[1]!.socket).not.toBe(seen[0]!.socket);
    });

    it('takes a 204 as an empty body and keeps the connection', async () => {
      const c = client(port);
      const r = await c.request(HEAD('/empty'), '', 5000);
      expect(r).toMatchObject({ status: 204 });
      expect(r.body.length).toBe(0);
      await c.request(HEAD('/a'), '', 5000);
      expect(seen[1]!.socket).toBe(seen[0]!.socket);
    });

    it('never opens more than maxSockets connections; requests wait for a free one', async () => {
      const c = client(port, { maxSockets: 2 });
      const rs = await Promise.all(
        Array.from({ length: 7 }, (_, i) => c.request(HEAD(`/${i}`), String(i), 5000)),
      );
      expect(rs.map((r) => JSON.parse(text(r.body)).echo)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
      expect(new Set(seen.map((s) => s.socket)).size).toBe(2);
    });
  });

  it('speaks TLS, checking the certificate against the given CA', async () => {
    const dir = join(__dirname, '../../fixtures/tls');
    const cert = readFileSync(join(dir, 'localhost-cert.pem'));
    const server = https.createServer(
      { cert, key: readFileSync(join(dir, 'localhost-key.pem')) },
      (req, res) => res.end(`tls ${req.headers.host}`),
    );
    servers.push(server);
    const port = await listen(server);
    const trusted = new KeepAliveClient({ host: 'localhost', port, tls: true, ca: cert });
    clients.push(trusted);
    expect(text((await trusted.request(HEAD(), '', 5000)).body)).toBe('tls test');
    // Without the CA the self-signed certificate is refused.
    const err = await client(port, { tls: true })
      .request(HEAD(), '', 5000)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpClientError);
    expect(err).toMatchObject({ code: 'network' });
  });

  it('skips an interim 100 Continue and reads a body that ends when the server closes', async () => {
    const server = rawServer((s) => {
      s.write('HTTP/1.1 100 Continue\r\n\r\n');
      s.write('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ');
      setTimeout(() => s.end('close'), 5);
    });
    servers.push(server);
    const r = await client(await listen(server)).request(HEAD(), '', 5000);
    expect(r.status).toBe(200);
    expect(text(r.body)).toBe('until close');
  });

  it('fails a request with no answer in time with a TimeoutError, then works on a new connection', async () => {
    let n = 0;
    const server = rawServer((s) => {
      if (n++ === 0) return; // silence
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    servers.push(server);
    const c = client(await listen(server));
    const err = await c.request(HEAD(), '', 100).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('ok');
  });

  it('closes a connection left unused for idleTimeoutMs, but not one waiting for a slow answer', async () => {
    const server = rawServer((s, req) => {
      const wait = req.startsWith('POST /slow') ? 150 : 0;
      setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), wait);
    });
    servers.push(server);
    const c = client(await listen(server), { idleTimeoutMs: 50 });
    // The answer takes three idle timeouts: the connection is busy, not idle.
    expect(text((await c.request(HEAD('/slow'), '', 5000)).body)).toBe('ok');
    expect(server.sockets.size).toBe(1);
    // Now unused: the client closes it.
    const closedAt = Date.now();
    while (server.sockets.size > 0 && Date.now() - closedAt < 2000)
      await new Promise((r) => setTimeout(r, 10));
    expect(server.sockets.size).toBe(0);
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('ok');
  });

  it('notices a kept connection the server closed, and uses a new one', async () => {
    const server = rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => s.destroy(), 10);
    });
    servers.push(server);
    const c = client(await listen(server));
    await c.request(HEAD(), '', 5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('ok');
  });

  it.each([
    ['garbage', 'SMTP ready\r\n\r\n', 'protocol'],
    ['a status line of another HTTP version', 'HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\nok', 'protocol'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nBroken\r\n\r\nok', 'protocol'],
    [
      'two different lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\nok',
      'protocol',
    ],
    ['a malformed Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', 'protocol'],
    ['more body than announced', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nok', 'protocol'],
    [
      'a malformed chunk',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n',
      'protocol',
    ],
    ['a body over the limit', 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', 'too_large'],
    ['a close before the answer', '', 'closed'],
  ])('fails on %s, and the next request gets a fresh connection', async (_, answer, code) => {
    let n = 0;
    const server = rawServer((s) => {
      if (n++ > 0) return void s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (answer) s.write(answer);
      else s.destroy();
    });
    servers.push(server);
    const c = client(await listen(server), { maxBodyBytes: 10 });
    const err = await c.request(HEAD(), '', 5000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpClientError);
    expect(err).toMatchObject({ code });
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('ok');
  });

  it('reads framing headers in any case, and a body split across reads', async () => {
    const server = rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 11\r\nconnection: Keep-Alive\r\nX-Other: a:b\r\n\r\nPhản');
      setTimeout(() => s.write(' ánh'), 5);
    });
    servers.push(server);
    const c = client(await listen(server));
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('Phản ánh');
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('Phản ánh');
    expect(server.sockets.size).toBe(1);
  });

  it('drops a connection on which the server speaks out of turn', async () => {
    const server = rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate'), 10);
    });
    servers.push(server);
    const port = await listen(server);
    const c = client(port);
    await c.request(HEAD(), '', 5000);
    await new Promise((r) => setTimeout(r, 100));
    // Not read as the answer to the next request.
    expect(text((await c.request(HEAD(), '', 5000)).body)).toBe('ok');
    expect((server as unknown as { sockets: Set<net.Socket> }).sockets.size).toBe(1);
  });

  it('reports a refused connection as a network error', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await close(server);
    const err = await client(port)
      .request(HEAD(), '', 5000)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network' });
  });
});
