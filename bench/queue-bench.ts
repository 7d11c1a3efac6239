import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { JobQueue, NewJob } from '../src/domain/ports';
import { BullmqJobQueue } from '../src/jobs/bullmq/bullmq-job-queue';
import { EmbeddedJobQueue } from '../src/jobs/embedded/embedded-job-queue';
import type { BenchFigure, BenchSuite } from './types';

/**
 * Jobs per second end to end (enqueue in bulk + process with an empty handler, timed until the queue
 * reports every job completed) through each adapter, with raw BullMQ (a plain Queue and Worker, same
 * Redis, same concurrency, same bulk size) as the baseline of the same run.
 */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 100;
const BULK = 1000;

async function dropPrefix(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

async function until(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rawBullmq(jobs: number, prefix: string): Promise<number> {
  const connection = {
    host: new URL(REDIS_URL).hostname,
    port: Number(new URL(REDIS_URL).port || 6379),
    maxRetriesPerRequest: null,
  };
  const queue = new Queue('raw', { connection, prefix });
  const worker = new Worker('raw', async () => undefined, { connection, prefix, concurrency: CONCURRENCY });
  await worker.waitUntilReady();
  try {
    const t0 = performance.now();
    for (let i = 0; i < jobs; i += BULK) {
      const n = Math.min(BULK, jobs - i);
      await queue.addBulk(
        Array.from({ length: n }, (_, j) => ({
          name: 'x',
          data: { i: i + j },
          opts: { removeOnComplete: { age: 86_400 } },
        })),
      );
    }
    await until(async () => (await queue.getJobCounts('completed')).completed === jobs, 300_000);
    return jobs / ((performance.now() - t0) / 1000);
  } finally {
    await worker.close();
    await queue.close();
  }
}

async function throughAdapter(queue: JobQueue, name: string, jobs: number, keys = 0): Promise<number> {
  queue.process(name, async () => undefined, { concurrency: CONCURRENCY });
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += BULK) {
    const n = Math.min(BULK, jobs - i);
    const batch: Array<NewJob<{ i: number }>> = Array.from({ length: n }, (_, j) => ({
      name: 'x',
      data: { i: i + j },
      ...(keys > 0 ? { options: { rateKey: `chat-${(i + j) % keys}` } } : {}),
    }));
    await queue.enqueueMany!(name, batch);
  }
  await until(async () => (await queue.counts(name)).completed === jobs, 300_000);
  return jobs / ((performance.now() - t0) / 1000);
}

export const queueBench: BenchSuite = {
  name: 'job queue',
  async run({ quick, workDir }) {
    const bullJobs = quick ? 5_000 : 50_000;
    const keyedJobs = quick ? 2_000 : 10_000;
    const embeddedJobs = quick ? 2_000 : 20_000;
    const prefix = `bench-queue-${process.pid}-${Date.now()}`;
    const figures: BenchFigure[] = [];
    try {
      // Warm-up: connections, Lua script loading, JIT.
      await rawBullmq(1_000, `${prefix}-warm`);
      const raw = await rawBullmq(bullJobs, `${prefix}-raw`);
      const bull = new BullmqJobQueue({ connection: REDIS_URL, prefix: `${prefix}-ours` });
      let ours: number;
      let keyed: number;
      try {
        ours = await throughAdapter(bull, 'plain', bullJobs);
        keyed = await throughAdapter(bull, 'keyed', keyedJobs, 500);
      } finally {
        await bull.close();
      }
      const baseline = { name: 'raw BullMQ Queue+Worker', value: raw, unit: 'jobs/s' };
      figures.push({
        name: `raw BullMQ (${bullJobs} jobs, addBulk ${BULK}, concurrency ${CONCURRENCY})`,
        value: raw,
        unit: 'jobs/s',
      });
      figures.push({
        name: `BullmqJobQueue end to end (${bullJobs} jobs)`,
        value: ours,
        unit: 'jobs/s',
        target: '≥ 3000',
        pass: ours >= 3000,
        baseline,
        ratio: ours / raw,
      });
      figures.push({
        name: `BullmqJobQueue with per-key order (${keyedJobs} jobs over 500 keys)`,
        value: keyed,
        unit: 'jobs/s',
        baseline,
        ratio: keyed / raw,
        note: 'each job passes the per-key gate (one Lua call) and releases its key; jobs not first of their key wait aside',
      });

      const db = new Database(join(workDir, 'queue-bench.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const embedded = new EmbeddedJobQueue(db, { pollIntervalMs: 10 });
      try {
        const emb = await throughAdapter(embedded, 'plain', embeddedJobs);
        figures.push({
          name: `EmbeddedJobQueue end to end (${embeddedJobs} jobs, SQLite WAL synchronous=FULL)`,
          value: emb,
          unit: 'jobs/s',
          baseline,
          ratio: emb / raw,
        });
      } finally {
        await embedded.close();
        db.close();
      }
    } finally {
      for (const p of ['warm', 'raw', 'ours']) await dropPrefix(`${prefix}-${p}`);
    }
    return figures;
  },
};
