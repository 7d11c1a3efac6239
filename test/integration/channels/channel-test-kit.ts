import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config/config';
import type { AppDeps } from '../../../src/deps';
import { systemClock, type JobQueue } from '../../../src/domain/ports';
import { LocalFileStore } from '../../../src/files';
import { openSqliteStores } from '../../../src/persistence/sqlite';
import { createLogger } from '../../../src/shared/logger';
import { registerChannels, type Channels, type ChannelsOptions } from '../../../bots/channels-plugin';

/** A queue that accepts nothing: channel tests with the echo bot never enqueue. */
const noQueue: JobQueue = {
  kind: 'embedded',
  enqueue: async () => {
    throw new Error('no queue in channel tests');
  },
  process: () => undefined,
  listDead: async () => [],
  retryDead: async () => false,
  counts: async () => ({ waiting: 0, delayed: 0, active: 0, dead: 0, completed: 0 }),
  ping: async () => undefined,
  close: async () => undefined,
};

export interface ChannelKit {
  deps: AppDeps;
  app: FastifyInstance;
  channels: Channels;
  /** http://127.0.0.1:port of the listening app. */
  url: string;
  close(): Promise<void>;
}

export interface HttpResult {
  statusCode: number;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience over arbitrary JSON
}

/** A real HTTP request to the listening app (fastify's inject cannot load its ESM cookie dependency under jest). */
export async function request(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; json?: unknown; body?: string | Buffer | FormData } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | Buffer | FormData | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  return { statusCode: res.status, body: text, json: () => JSON.parse(text) };
}

/** Real SQLite stores in a temp dir, silent logs, a bare Fastify app with only the channels mounted. */
export async function channelKit(env: Record<string, string>, options: ChannelsOptions): Promise<ChannelKit> {
  const dir = mkdtempSync(join(tmpdir(), 'pakn-channels-'));
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ...env });
  const logger = createLogger('silent');
  const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
  const deps: AppDeps = {
    config,
    stores,
    files: new LocalFileStore(join(dir, 'files')),
    queue: noQueue,
    logger,
    clock: systemClock,
  };
  const app = Fastify({ logger: false });
  const channels = await registerChannels(app, deps, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return {
    deps,
    app,
    channels,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A retry policy that does not make tests wait long. */
export const FAST_RETRY = { attempts: 5, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 60_000 };
