import net from 'node:net';
import tls from 'node:tls';

/**
 * An HTTP/1.1 client for one origin, over kept-alive connections, for the channels' hot path (a Bot API
 * send per delivered message). node:http's client costs several times the rest of a delivery in CPU: an
 * agent lookup, a ClientRequest and an IncomingMessage with their streams and listeners, a header
 * object, a parser handle, and a `writev` of head and body per request. This writes each request as one
 * string and reads the answer from the socket's chunks directly.
 *
 * Scope, on purpose: requests we build ourselves (method, path, headers given whole), one request at a
 * time per connection (no pipelining), responses with Content-Length, chunked or read-until-close
 * bodies, 1xx interim responses skipped. No redirects, no compression, no proxies: the Bot API answers
 * JSON directly.
 */
export interface KeepAliveClientOptions {
  host: string;
  port: number;
  /** TLS (https), with SNI for a host name. */
  tls?: boolean;
  /** At most this many connections at once; further requests wait for one. @defaultValue 64 */
  maxSockets?: number;
  /** An unused connection is closed after this long. @defaultValue 30000 */
  idleTimeoutMs?: number;
  /** A larger response body fails the request. @defaultValue 16 MiB */
  maxBodyBytes?: number;
  /** Certificate authorities to trust instead of Node's (a private Bot API server, tests). */
  ca?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  body: Buffer;
}

/** The connection failed or the server's answer was not HTTP we understand: worth a retry. */
export class HttpClientError extends Error {
  constructor(
    message: string,
    readonly code: 'timeout' | 'closed' | 'protocol' | 'too_large' | 'network',
  ) {
    super(message);
    this.name = code === 'timeout' ? 'TimeoutError' : 'HttpClientError';
  }
}

interface Pending {
  data: string;
  timeoutMs: number;
  resolve: (r: HttpResponse) => void;
  reject: (e: Error) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

export class KeepAliveClient {
  private readonly idle: Connection[] = [];
  private readonly waiting: Pending[] = [];
  private open = 0;
  private closed = false;
  readonly maxSockets: number;
  readonly idleTimeoutMs: number;
  readonly maxBodyBytes: number;

  constructor(private readonly options: KeepAliveClientOptions) {
    this.maxSockets = Math.max(1, options.maxSockets ?? 64);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  /**
   * Sends `head` (request line and headers, each ending in CRLF, without the blank line) and `body`,
   * and resolves with the response's status and whole body. Content-Length is added here.
   */
  request(head: string, body: string, timeoutMs: number): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(new HttpClientError('client closed', 'closed'));
    const data = `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise<HttpResponse>((resolve, reject) => {
      this.dispatch({ data, timeoutMs, resolve, reject });
    });
  }

  /** Closes every connection; requests in flight fail. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
    for (const p of this.waiting.splice(0)) p.reject(new HttpClientError('client closed', 'closed'));
  }

  private dispatch(p: Pending): void {
    const conn = this.idle.pop();
    if (conn) return conn.start(p);
    if (this.open < this.maxSockets) {
      this.open++;
      return new Connection(this, this.connect()).start(p);
    }
    this.waiting.push(p);
  }

  private connect(): net.Socket {
    const { host, port } = this.options;
    if (!this.options.tls) return net.connect({ host, port, noDelay: true });
    const socket = tls.connect({
      host,
      port,
      ALPNProtocols: ['http/1.1'],
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      // SNI takes a host name, never an address.
      ...(net.isIP(host) ? {} : { servername: host }),
    });
    socket.setNoDelay(true);
    return socket;
  }

  /** @internal A connection finished its request and can take another. */
  release(conn: Connection): void {
    const next = this.waiting.shift();
    if (next) return conn.start(next);
    if (this.closed) return conn.destroy();
    this.idle.push(conn);
  }

  /** @internal A connection is gone (closed by either side, or failed). */
  gone(conn: Connection): void {
    this.open--;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // A request waiting for a free connection gets a new one.
    const next = this.waiting.shift();
    if (next) this.dispatch(next);
  }
}

/** One socket, one request at a time; parses the answer as it arrives. */
class Connection {
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private buf: Buffer | undefined;
  /** Parsing state of the current response. */
  private status = 0;
  private bodyStart = -1;
  private length = -1;
  private chunked = false;
  private untilClose = false;
  private keepAlive = true;
  private chunks: Buffer[] = [];
  private received = 0;
  private dead = false;

  constructor(
    private readonly client: KeepAliveClient,
    private readonly socket: net.Socket,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(new HttpClientError(`connection failed: ${err.code ?? err.message}`, 'network')),
    );
    socket.on('close', () => this.onClose());
    // Set once: Node restarts a socket's inactivity timer on every read and write, so it fires only
    // after idleTimeoutMs without traffic. A request in flight has its own timer and is left alone.
    socket.setTimeout(client.idleTimeoutMs);
    socket.on('timeout', () => {
      if (!this.pending) this.destroy();
    });
    // The socket never keeps the process alive: a request's own timer does while it is in flight.
    socket.unref();
  }

  start(p: Pending): void {
    this.pending = p;
    this.resetResponse();
    this.timer = setTimeout(() => {
      this.fail(new HttpClientError('no answer in time', 'timeout'));
    }, p.timeoutMs);
    this.socket.write(p.data);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private resetResponse(): void {
    this.buf = undefined;
    this.resetHead();
    this.chunks = [];
    this.received = 0;
  }

  private onData(chunk: Buffer): void {
    if (!this.pending) {
      // Nothing was asked: a server talking out of turn cannot be trusted with the next request.
      this.destroy();
      return;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.parse();
    } catch (err) {
      this.fail(err instanceof HttpClientError ? err : new HttpClientError(String(err), 'protocol'));
    }
  }

  private parse(): void {
    for (;;) {
      const buf = this.buf!;
      if (this.bodyStart < 0) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > 64 * 1024) throw new HttpClientError('response head too large', 'protocol');
          return;
        }
        this.head(buf.toString('latin1', 0, end));
        this.bodyStart = end + 4;
        if (this.status >= 100 && this.status < 200) {
          // Interim (100 Continue, 103 Early Hints): the real answer follows.
          this.buf = buf.subarray(this.bodyStart);
          this.resetHead();
          if (this.buf.length === 0) return;
          continue;
        }
        this.buf = buf.subarray(this.bodyStart);
      }
      if (this.chunked) {
        if (!this.parseChunks()) return;
      } else if (this.length >= 0) {
        if (this.buf!.length < this.length) return;
        if (this.buf!.length > this.length) throw new HttpClientError('more data than announced', 'protocol');
        this.chunks.push(this.buf!);
      } else {
        // Read until the server closes.
        this.chunks.push(this.buf!);
        this.received += this.buf!.length;
        this.buf = Buffer.alloc(0);
        if (this.received > this.client.maxBodyBytes)
          throw new HttpClientError('response too large', 'too_large');
        return;
      }
      this.complete();
      return;
    }
  }

  /** What the head of a response set (also cleared after an interim 1xx). */
  private resetHead(): void {
    this.status = 0;
    this.bodyStart = -1;
    this.length = -1;
    this.chunked = false;
    this.untilClose = false;
    this.keepAlive = true;
  }

  /**
   * The status line and the three headers that frame the answer (Content-Length, Transfer-Encoding,
   * Connection); other headers are only checked to be `name: value` lines. Written with indexOf over
   * the lower-cased head rather than a split and a regular expression per line: it runs once per
   * message sent.
   */
  private head(text: string): void {
    const lower = text.toLowerCase();
    if (!lower.startsWith('http/1.') || lower.charCodeAt(8) !== 32 || !/^\d{3}$/.test(lower.slice(9, 12)))
      throw new HttpClientError('not an HTTP/1.x response', 'protocol');
    const minor = lower.charCodeAt(7);
    if (minor !== 48 && minor !== 49) throw new HttpClientError('not an HTTP/1.x response', 'protocol');
    this.status = Number(lower.slice(9, 12));
    this.keepAlive = minor === 49;
    for (let at = lower.indexOf('\r\n'); at >= 0;) {
      const next = lower.indexOf('\r\n', at + 2);
      const end = next < 0 ? lower.length : next;
      const colon = lower.indexOf(':', at + 2);
      if (colon < 0 || colon >= end || colon === at + 2)
        throw new HttpClientError('malformed response header', 'protocol');
      const c0 = lower.charCodeAt(at + 2);
      // Only names starting with c or t can be one of ours.
      if (c0 === 99 || c0 === 116)
        this.framingHeader(lower.slice(at + 2, colon).trim(), lower.slice(colon + 1, end).trim());
      at = next;
    }
    if (this.chunked) this.length = -1;
    if (this.status === 204 || this.status === 304) this.length = 0;
    if (this.length > this.client.maxBodyBytes) throw new HttpClientError('response too large', 'too_large');
    this.untilClose = !this.chunked && this.length < 0;
    if (this.untilClose) this.keepAlive = false;
  }

  /** One header of a response's head, name and value lower-cased. */
  private framingHeader(name: string, value: string): void {
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) throw new HttpClientError('malformed Content-Length', 'protocol');
      const n = Number(value);
      if (this.length >= 0 && this.length !== n)
        throw new HttpClientError('conflicting Content-Length', 'protocol');
      this.length = n;
    } else if (name === 'transfer-encoding') {
      this.chunked = /(?:^|,)\s*chunked\s*$/.test(value);
      if (!this.chunked) throw new HttpClientError(`unsupported Transfer-Encoding: ${value}`, 'protocol');
    } else if (name === 'connection') {
      if (/\bclose\b/.test(value)) this.keepAlive = false;
      else if (/\bkeep-alive\b/.test(value)) this.keepAlive = true;
    }
  }

  /** true when the last chunk (and any trailers) arrived. */
  private parseChunks(): boolean {
    for (;;) {
      const buf = this.buf!;
      const eol = buf.indexOf(CRLF);
      if (eol < 0) return false;
      const sizeText = buf.toString('latin1', 0, eol).split(';')[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new HttpClientError('malformed chunk size', 'protocol');
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        // Trailers, if any, end with an empty line.
        const end = buf.indexOf(CRLF2, eol);
        if (buf.length >= eol + 4 && buf[eol + 2] === 13 && buf[eol + 3] === 10) {
          this.buf = buf.subarray(eol + 4);
        } else if (end >= 0) {
          this.buf = buf.subarray(end + 4);
        } else {
          return false;
        }
        if (this.buf.length > 0) throw new HttpClientError('more data than announced', 'protocol');
        return true;
      }
      if (buf.length < eol + 2 + size + 2) return false;
      this.received += size;
      if (this.received > this.client.maxBodyBytes)
        throw new HttpClientError('response too large', 'too_large');
      this.chunks.push(buf.subarray(eol + 2, eol + 2 + size));
      if (buf[eol + 2 + size] !== 13 || buf[eol + 3 + size] !== 10)
        throw new HttpClientError('malformed chunk', 'protocol');
      this.buf = buf.subarray(eol + 4 + size);
    }
  }

  private complete(): void {
    const p = this.pending!;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const status = this.status;
    const reuse = this.keepAlive;
    clearTimeout(this.timer);
    this.pending = undefined;
    this.resetResponse();
    if (reuse) this.client.release(this);
    else this.destroy();
    p.resolve({ status, body });
  }

  private onClose(): void {
    if (this.dead) return;
    // A body read until close is complete now.
    if (this.pending && this.untilClose && this.status > 0) {
      this.keepAlive = false;
      this.complete();
    }
    this.fail(new HttpClientError('connection closed before the answer', 'closed'));
  }

  private fail(err: HttpClientError): void {
    if (!this.dead) {
      this.dead = true;
      this.client.gone(this);
    }
    clearTimeout(this.timer);
    const p = this.pending;
    this.pending = undefined;
    this.socket.destroy();
    p?.reject(err);
  }
}
