import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Worker as Thread } from 'node:worker_threads';
import { TelegramSender } from '../bots/registry';
import { TelegramApi } from '../bots/telegram/telegram-api';
import { loadConfig } from '../src/config/config';
import type { AppDeps } from '../src/deps';
import type { Complaint, NewComplaint } from '../src/domain/complaint';
import { systemClock, type ChannelSender, type NewJob } from '../src/domain/ports';
import { LocalFileStore } from '../src/files';
import { BullmqJobQueue } from '../src/jobs/bullmq/bullmq-job-queue';
import {
  deliverQueue,
  deliveryJobId,
  rateKeyFor,
  startWorkers,
  type DeliveryJob,
  type WorkerOptions,
} from '../src/jobs/workers';
import { openSqliteStores, type SqliteStores } from '../src/persistence/sqlite';
import { createLogger } from '../src/shared/logger';
import type { BenchFigure, BenchSuite } from './types';
import { dropRedisPrefix } from '../src/jobs/bullmq/drop-redis-prefix';

/**
 * Delivery workers: (1) throughput of the delivery pipeline (load the PAKN, render in the citizen's
 * language, check and write the delivered mark, send through the production Telegram sender to a
 * local fake Bot API) with rate limits lifted, as a ratio of raw BullMQ enqueue+process of empty
 * jobs measured in the same run with the same concurrency; (2) limiter accuracy at 30 messages/s,
 * counted at the fake server: no 1-second window may hold more than 30.
 */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = Number(process.env.DELIV_BENCH_CONCURRENCY ?? 16);
const BULK = 500;

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`benchmark timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rawBullmq(jobs: number, prefix: string): Promise<number> {
  const u = new URL(REDIS_URL);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  const worker = new Worker('raw', async () => void done++, { connection, prefix, concurrency: CONCURRENCY });
  await worker.waitUntilReady();
  try {
    const t0 = performance.now();
    for (let i = 0; i < jobs; i += BULK) {
      const n = Math.min(BULK, jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, j) => ({
          name: 'x',
          data: { i: i + j },
          opts: { removeOnComplete: { age: 3600 } },
        })),
      );
    }
    await until(() => done >= jobs, 300_000, 'raw BullMQ');
    return jobs / ((performance.now() - t0) / 1000);
  } finally {
    await worker.close();
    await queue.close();
  }
}

/** The fake Bot API in a worker thread (bench/delivery-fake-bot.mjs). */
class FakeBot {
  private constructor(
    private readonly thread: Thread,
    readonly url: string,
  ) {}
  static async start(): Promise<FakeBot> {
    const thread = new Thread(join(__dirname, 'delivery-fake-bot.mjs'));
    const port = await new Promise<number>((resolve) =>
      thread.once('message', (m: { port: number }) => resolve(m.port)),
    );
    return new FakeBot(thread, `http://127.0.0.1:${port}`);
  }
  private ask<T>(msg: string): Promise<T> {
    return new Promise((resolve) => {
      this.thread.once('message', (m: T) => resolve(m));
      this.thread.postMessage(msg);
    });
  }
  async count(): Promise<number> {
    return (await this.ask<{ count: number }>('count')).count;
  }
  async times(): Promise<number[]> {
    return (await this.ask<{ times: number[] }>('times')).times;
  }
  async stop(): Promise<void> {
    await this.ask('stop');
    await this.thread.terminate();
  }
}

const TOKEN = '123456:BENCH-token-abcdefghijklmnopqrstuv';

/**
 * The production client, with one change: in production telegraf talks https to api.telegram.org over
 * a keep-alive agent (its default), but it drops the agent for plain-http roots such as this fake, so
 * every message would open a new connection. The bench gives the client back a keep-alive agent, so
 * it measures what production does rather than TCP handshakes.
 */
function keepAliveApi(config: NonNullable<ReturnType<typeof loadConfig>['telegram']>): TelegramApi {
  const api = new TelegramApi(config);
  (api.client as unknown as { options: { agent?: http.Agent } }).options.agent = new http.Agent({
    keepAlive: true,
    maxSockets: 64,
  });
  return api;
}

interface Pipeline {
  stores: SqliteStores;
  deps: AppDeps;
  bot: FakeBot;
  close(): Promise<void>;
}

async function pipeline(
  workDir: string,
  name: string,
  prefix: string,
  options: WorkerOptions,
  noopSender = false,
): Promise<Pipeline> {
  const bot = await FakeBot.start();
  const dir = join(workDir, name);
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: bot.url,
    PUBLIC_BASE_URL: 'https://pakn.example.vn',
    REDIS_URL,
    REDIS_PREFIX: prefix,
  });
  const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
  const files = new LocalFileStore(join(dir, 'files'));
  const queue = new BullmqJobQueue({ connection: REDIS_URL, prefix });
  const deps: AppDeps = { config, stores, files, queue, logger: createLogger('silent'), clock: systemClock };
  let sent = 0;
  const sender: ChannelSender = noopSender
    ? { channel: 'telegram', send: async () => ({ messageId: String(++sent) }) }
    : new TelegramSender(keepAliveApi(config.telegram!), files);
  const workers = await startWorkers(
    { ...deps, senders: { telegram: sender } },
    { deadlines: { enabled: false }, ...options },
  );
  return {
    stores,
    deps,
    bot,
    async close() {
      await workers.stop();
      await queue.close(5000);
      await stores.close();
      await bot.stop();
    },
  };
}

function draft(chat: string): NewComplaint {
  const now = new Date();
  return {
    title: 'Thủ tục cấp phép xây dựng kéo dài',
    content: 'Hồ sơ nộp đã lâu nhưng chưa được giải quyết.',
    category: 'tthc',
    attachments: [],
    submitter: { name: 'Nguyễn Văn A', consentProcessing: true, consentPublishName: false },
    channelRef: { channel: 'telegram', userId: chat, conversationId: chat },
    locale: 'vi',
    owner: 'hno.sxd',
    dueAt: new Date(now.getTime() + 20 * 86_400_000),
    createdAt: now,
    history: [],
  };
}

async function seed(stores: SqliteStores, chats: number): Promise<Complaint[]> {
  const out: Complaint[] = [];
  for (let i = 0; i < chats; i += 200) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(200, chats - i) }, (_, j) =>
        stores.complaints.create(draft(String(10_000 + i + j))),
      ),
    );
    out.push(...batch);
  }
  return out;
}

/** Enqueues `n` deliveries (what the events fan-out produces), round-robin over the PAKN, in bulk. */
async function enqueueDeliveries(
  p: Pipeline,
  complaints: Complaint[],
  n: number,
  tag: string,
): Promise<void> {
  for (let i = 0; i < n; i += BULK) {
    const batch: Array<NewJob<DeliveryJob>> = [];
    for (let j = i; j < Math.min(n, i + BULK); j++) {
      const c = complaints[j % complaints.length]!;
      const job: DeliveryJob = {
        type: 'notice',
        eventId: `${tag}-${j}`,
        kind: 'info_requested',
        code: c.code,
        route: 'telegram',
        message: `Đề nghị bổ sung số ${j}`,
      };
      batch.push({
        name: 'notice',
        data: job,
        options: { jobId: deliveryJobId(job), rateKey: rateKeyFor('telegram', c), attempts: 3 },
      });
    }
    await p.deps.queue.enqueueMany!(deliverQueue('telegram'), batch);
  }
}

function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let hi = 0, lo = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export const deliveryBench: BenchSuite = {
  name: 'delivery workers',
  async run({ quick, workDir }) {
    const figures: BenchFigure[] = [];
    const run = `bench-deliv-${process.pid}-${randomUUID().slice(0, 6)}`;
    const messages = quick ? 1_000 : 5_000;
    try {
      await rawBullmq(500, `${run}-warm`);
      const raw = await rawBullmq(messages, `${run}-raw`);
      const baseline = {
        name: `raw BullMQ empty jobs (concurrency ${CONCURRENCY})`,
        value: raw,
        unit: 'jobs/s',
      };

      // (1) Throughput with limits lifted (order per chat is still kept: keyed jobs).
      const fast = await pipeline(workDir, 'fast', `${run}-fast`, {
        rates: { telegram: { perSecond: 0, perChatPerSecond: 0, concurrency: CONCURRENCY } },
      });
      try {
        const complaints = await seed(fast.stores, messages);
        await enqueueDeliveries(fast, complaints.slice(0, 50), 100, 'warm');
        await until(async () => (await fast.bot.count()) >= 100, 60_000, 'warm-up deliveries');
        const before = await fast.bot.count();
        const t0 = performance.now();
        await enqueueDeliveries(fast, complaints, messages, 'run');
        await until(async () => (await fast.bot.count()) >= before + messages, 600_000, 'deliveries');
        const rate = messages / ((performance.now() - t0) / 1000);
        figures.push({
          name: `delivery pipeline, limits lifted (${messages} messages, one per chat, concurrency ${CONCURRENCY})`,
          value: rate,
          unit: 'msgs/s',
          target: '≥ 0.5 × raw BullMQ',
          pass: rate / raw >= 0.5,
          baseline,
          ratio: rate / raw,
          note: 'per message: keyed job gate, PAKN read, vi rendering, delivered-mark check and write, Bot API call',
        });
      } finally {
        await fast.close();
      }

      // (1b) The same without the HTTP call: what the queue and the handler cost on their own.
      const noop = await pipeline(
        workDir,
        'noop',
        `${run}-noop`,
        { rates: { telegram: { perSecond: 0, perChatPerSecond: 0, concurrency: CONCURRENCY } } },
        true,
      );
      try {
        const complaints = await seed(noop.stores, messages);
        const q = deliverQueue('telegram');
        const t0 = performance.now();
        await enqueueDeliveries(noop, complaints, messages, 'noop');
        await until(
          async () => (await noop.deps.queue.counts(q)).completed >= messages,
          600_000,
          'no-op deliveries',
        );
        const rate = messages / ((performance.now() - t0) / 1000);
        figures.push({
          name: `delivery pipeline without the Bot API call (${messages} messages, concurrency ${CONCURRENCY})`,
          value: rate,
          unit: 'msgs/s',
          baseline,
          ratio: rate / raw,
          note: 'keyed jobs (order per chat) through BullmqJobQueue, PAKN read, rendering, delivered marks in Redis',
        });
      } finally {
        await noop.close();
      }

      // (2) Limiter accuracy at the default 30/s per bot (1/s per chat), counted where Telegram would count.
      const seconds = quick ? 10 : 60;
      const limited = await pipeline(workDir, 'limited', `${run}-lim`, {});
      try {
        const complaints = await seed(limited.stores, 2_000);
        const n = 30 * seconds;
        await enqueueDeliveries(limited, complaints, n, 'lim');
        await until(
          async () => (await limited.bot.count()) >= n,
          (seconds + 60) * 1000,
          'limited deliveries',
        );
        const times = await limited.bot.times();
        const worst = maxInWindow(times, 1000);
        const span = (Math.max(...times) - Math.min(...times)) / 1000;
        figures.push({
          name: `limiter at 30/s over ${seconds} s: most messages in any 1-second window`,
          value: worst,
          unit: 'msgs',
          target: '≤ 30',
          pass: worst <= 30,
        });
        figures.push({
          name: 'limiter at 30/s: achieved rate',
          value: (n - 1) / span,
          unit: 'msgs/s',
          note: `${n} messages in ${span.toFixed(1)} s (the window has a 100 ms margin for send jitter)`,
        });
      } finally {
        await limited.close();
      }
    } finally {
      for (const s of ['warm', 'raw', 'fast', 'noop', 'lim']) await dropRedisPrefix(REDIS_URL, `${run}-${s}`);
    }
    return figures;
  },
};
