import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Worker as Thread } from 'node:worker_threads';
import { Session } from 'node:inspector/promises';
import { readFileSync, writeFileSync } from 'node:fs';
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
import { rawBullmq, until } from './raw-bullmq';
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
/** A directory: each measured phase writes its CPU and allocation profiles there (`<phase>.cpuprofile`, `<phase>.heapprofile`). */
const PROFILE_DIR = process.env.DELIV_BENCH_PROFILE;

/** Runs `fn`, under the CPU profiler when DELIV_BENCH_PROFILE is set. */
async function profiled<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  // Every allocation sampled (those the young generation collects too): where the GC's work comes from.
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(PROFILE_DIR, `${phase}.cpuprofile`), JSON.stringify(profile));
    const heap = await session.post('HeapProfiler.stopSampling');
    writeFileSync(join(PROFILE_DIR, `${phase}.heapprofile`), JSON.stringify(heap.profile));
    session.disconnect();
  }
}

/** Wall-clock rate and CPU per item (this process, all threads; and the Redis server) of one phase. */
interface Measured {
  rate: number;
  nodeUs: number;
  /** CPU of the main thread alone (where the workers run): the one a single worker process is bound by. */
  mainUs: number;
  redisUs: number;
}

/**
 * CPU time of this process' main thread in µs, from /proc (Linux; utime + stime in USER_HZ ticks, 100 per
 * second by the kernel's ABI: 10 ms resolution, under 1% of a phase). NaN elsewhere.
 */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

let infoClient: IORedis | undefined;
async function redisCpuUs(): Promise<number> {
  infoClient ??= new IORedis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const info = await infoClient.info('cpu');
  const num = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (num('used_cpu_user') + num('used_cpu_sys')) * 1e6;
}

/**
 * Runs one phase of `items` (under the profiler when asked). CPU time does not depend on what else
 * the shared machine is doing, so it is reported beside the rates (Redis' figure includes whatever
 * other clients asked of it meanwhile).
 */
async function measured(phase: string, items: number, fn: () => Promise<void>): Promise<Measured> {
  return profiled(phase, async () => {
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuUs();
    const r0 = await redisCpuUs();
    const t0 = performance.now();
    await fn();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const main = mainThreadCpuUs() - main0;
    const r1 = await redisCpuUs();
    return {
      rate: items / (wall / 1000),
      nodeUs: (cpu.user + cpu.system) / items,
      mainUs: main / items,
      redisUs: (r1 - r0) / items,
    };
  });
}

/** Raw BullMQ empty jobs (the baseline), measured as the pipeline's phases are: see rawBullmq. */
function rawMeasured(jobs: number, prefix: string): Promise<Measured> {
  return rawBullmq({ redisUrl: REDIS_URL, prefix, jobs, concurrency: CONCURRENCY, bulk: BULK }, (timed) =>
    measured(prefix.slice(prefix.lastIndexOf('-') + 1), jobs, timed),
  );
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
  /** ms the fake server's thread was busy since the last ask: its share of this process' CPU. */
  async busyMs(): Promise<number> {
    return (await this.ask<{ busyMs: number }>('busy')).busyMs;
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
    : new TelegramSender(new TelegramApi(config.telegram!), files);
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

/** Rounds of (raw, pipeline, pipeline without the call): the machine is shared, so each ratio pairs neighbours in time. */
const ROUNDS = Number(process.env.DELIV_BENCH_ROUNDS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(', ');
const describe = (m: Measured) =>
  `${m.rate.toFixed(0)}/s, CPU ${m.nodeUs.toFixed(0)} (main thread ${m.mainUs.toFixed(0)}) + Redis ${m.redisUs.toFixed(0)} µs each`;

export const deliveryBench: BenchSuite = {
  name: 'delivery workers',
  async run({ quick, workDir }) {
    const figures: BenchFigure[] = [];
    const run = `bench-deliv-${process.pid}-${randomUUID().slice(0, 6)}`;
    const messages = quick ? 1_000 : 5_000;
    try {
      // (1) Throughput with limits lifted (order per chat is still kept: keyed jobs), and (1b) the same
      // without the HTTP call (what the queue and the handler cost on their own).
      const rates = { telegram: { perSecond: 0, perChatPerSecond: 0, concurrency: CONCURRENCY } };
      const fast = await pipeline(workDir, 'fast', `${run}-fast`, { rates });
      const noop = await pipeline(workDir, 'noop', `${run}-noop`, { rates }, true);
      const raws: Measured[] = [];
      const fasts: Measured[] = [];
      const noops: Measured[] = [];
      /** The fake Bot API's own CPU per message (included in the process' figure; Telegram's is not ours). */
      const fakeUs: number[] = [];
      try {
        const complaints = await seed(fast.stores, messages);
        const noopComplaints = await seed(noop.stores, messages);
        const q = deliverQueue('telegram');
        // Every phase once through, unmeasured (compiled code, caches, connections): the first round
        // would otherwise measure the warm-up of whichever phase it happens to run first.
        const warm = messages;
        await rawMeasured(warm, `${run}-warm`);
        await enqueueDeliveries(fast, complaints, warm, 'warm');
        await until(async () => (await fast.bot.count()) >= warm, 60_000, 'warm-up deliveries');
        await enqueueDeliveries(noop, noopComplaints, warm, 'warm');
        await until(
          async () => (await noop.deps.queue.counts(q)).completed >= warm,
          60_000,
          'warm-up no-op deliveries',
        );
        for (let round = 0; round < ROUNDS; round++) {
          raws.push(await rawMeasured(messages, `${run}-raw${round}`));
          const before = await fast.bot.count();
          await fast.bot.busyMs();
          fasts.push(
            await measured(`fast${round}`, messages, async () => {
              await enqueueDeliveries(fast, complaints, messages, `run${round}`);
              await until(async () => (await fast.bot.count()) >= before + messages, 600_000, 'deliveries');
            }),
          );
          fakeUs.push(((await fast.bot.busyMs()) * 1000) / messages);
          const done = (await noop.deps.queue.counts(q)).completed;
          noops.push(
            await measured(`noop${round}`, messages, async () => {
              await enqueueDeliveries(noop, noopComplaints, messages, `noop${round}`);
              await until(
                async () => (await noop.deps.queue.counts(q)).completed >= done + messages,
                600_000,
                'no-op deliveries',
              );
            }),
          );
          process.stderr.write(
            `  round ${round + 1}: raw ${describe(raws[round]!)}; pipeline ${describe(fasts[round]!)} (fake Bot API ${fakeUs[round]!.toFixed(0)} µs of it); without the call ${describe(noops[round]!)}\n`,
          );
        }
      } finally {
        await fast.close();
        await noop.close();
      }
      const baseline = {
        name: `raw BullMQ empty jobs (concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds)`,
        value: median(raws.map((r) => r.rate)),
        unit: 'jobs/s',
      };
      const cpuOf = (ms: Measured[]) => median(ms.map((m) => m.nodeUs + m.redisUs));
      const rawCpu = cpuOf(raws);
      for (const [label, ms, target] of [
        [
          `delivery pipeline, limits lifted (${messages} messages, one per chat, concurrency ${CONCURRENCY})`,
          fasts,
          true,
        ],
        [
          `delivery pipeline without the Bot API call (${messages} messages, concurrency ${CONCURRENCY})`,
          noops,
          false,
        ],
      ] as const) {
        const ratios = ms.map((m, i) => m.rate / raws[i]!.rate);
        const ratio = median(ratios);
        figures.push({
          name: `${label}, median of ${ROUNDS} rounds`,
          value: median(ms.map((m) => m.rate)),
          unit: 'msgs/s',
          ...(target ? { target: '≥ 0.5 × raw BullMQ', pass: ratio >= 0.5 } : {}),
          baseline,
          ratio,
          note: `ratio per round ${fmt(ratios, 2)}; ${target ? `fake Bot API thread ${median(fakeUs).toFixed(0)} µs per message (inside this process' figure); ` : ''}CPU per message ${cpuOf(ms).toFixed(0)} µs (this process ${median(ms.map((m) => m.nodeUs)).toFixed(0)} + Redis ${median(ms.map((m) => m.redisUs)).toFixed(0)}) vs ${rawCpu.toFixed(0)} µs per raw job: CPU ratio ${(rawCpu / cpuOf(ms)).toFixed(2)}; main thread ${median(ms.map((m) => m.mainUs)).toFixed(0)} µs per message vs ${median(raws.map((m) => m.mainUs)).toFixed(0)} per raw job`,
        });
      }

      // (2) Limiter accuracy at the default 30/s per bot (1/s per chat), counted where Telegram would count.
      // (DELIV_BENCH_SKIP_LIMITER=1 leaves it out: comparing throughput between versions.)
      if (process.env.DELIV_BENCH_SKIP_LIMITER === '1') return figures;
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
      for (const s of ['warm', 'fast', 'noop', 'lim', ...Array.from({ length: ROUNDS }, (_, i) => `raw${i}`)])
        await dropRedisPrefix(REDIS_URL, `${run}-${s}`);
      await infoClient?.quit();
      infoClient = undefined;
    }
    return figures;
  },
};
