import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Reads a request body whole. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses JSON, urlencoded or query parameters into one object (multipart is left unparsed). */
export function parseParams(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const url = new URL(req.url ?? '/', 'http://x');
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = String(req.headers['content-type'] ?? '');
  if (body.length && type.includes('application/json'))
    Object.assign(params, JSON.parse(body.toString('utf8')));
  else if (body.length && type.includes('application/x-www-form-urlencoded'))
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  return params;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

/** A scripted failure: the next `times` calls of a method get this status and body (or no answer). */
export interface ScriptedFailure {
  times: number;
  status: number;
  body?: unknown;
  /** Hold the request this long before answering (to provoke client timeouts). */
  delayMs?: number;
}

export abstract class FakeHttpServer {
  private server?: Server;
  url = '';
  protected readonly failures = new Map<string, ScriptedFailure[]>();
  private waiters: Array<() => void> = [];

  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> | void;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      readBody(req)
        .then((body) => this.handle(req, res, body))
        .catch((err: Error) => sendJson(res, 500, { ok: false, description: err.message }))
        .finally(() => this.notify());
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The next `times` calls of `method` fail as scripted (queued after earlier scripts). */
  failNext(method: string, failure: ScriptedFailure): void {
    const list = this.failures.get(method) ?? [];
    list.push({ ...failure });
    this.failures.set(method, list);
  }

  /** Applies a scripted failure if one is pending; true if the request was answered. */
  protected async applyFailure(method: string, res: ServerResponse): Promise<boolean> {
    const list = this.failures.get(method);
    const f = list?.[0];
    if (!f) return false;
    f.times--;
    if (f.times <= 0) list!.shift();
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (!res.destroyed)
      sendJson(res, f.status, f.body ?? { ok: false, error_code: f.status, description: 'scripted failure' });
    return true;
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Waits until `predicate` holds (checked after every request), or fails after `timeoutMs`. */
  async waitUntil(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake server: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
