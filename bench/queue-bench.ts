import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { JobQueue, NewJob } from '../src/domain/ports';
import { BullmqJobQueue } from '../src/jobs/bullmq/bullmq-job-queue';
import { EmbeddedJobQueue } from '../src/jobs/embedded/embedded-job-queue';
import { rawBullmq, until } from './raw-bullmq';
import type { BenchFigure, BenchSuite } from './types';
import { dropRedisPrefix } from '../src/jobs/bullmq/drop-redis-prefix';

/**
 * Jobs per second end to end (enqueue in bulk + process with an empty handler, timed until the queue
 * reports every job completed) through each adapter, with raw BullMQ (a plain Queue and Worker, same
 * Redis, same concurrency, same bulk size) as the baseline of the same run.
 */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Worker concurrency for every variant (BENCH_QUEUE_CONCURRENCY to try others; 300 was no faster here).
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 100);
const BULK = 1000;

/** Raw BullMQ jobs per second (the baseline): see rawBullmq. */
function rawRate(jobs: number, prefix: string): Promise<number> {
  return rawBullmq(
    { redisUrl: REDIS_URL, prefix, jobs, concurrency: CONCURRENCY, bulk: BULK },
    async (timed) => {
      const t0 = performance.now();
      await timed();
      return jobs / ((performance.now() - t0) / 1000);
    },
  );
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
  await until(async () => (await queue.counts(name)).completed === jobs, 300_000, name);
  return jobs / ((performance.now() - t0) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const queueBench: BenchSuite = {
  name: 'job queue',
  async run({ quick, workDir }) {
    // Several short rounds, raw and ours alternating, medians compared: on a shared 2-core machine a
    // single long run mostly measures what the neighbours were doing at the time.
    const rounds = quick ? 1 : 3;
    const bullJobs = quick ? 5_000 : 20_000;
    const keyedJobs = quick ? 2_000 : 10_000;
    const embeddedJobs = quick ? 2_000 : 20_000;
    const prefix = `bench-queue-${process.pid}-${Date.now()}`;
    const figures: BenchFigure[] = [];
    const raws: number[] = [];
    const ours: number[] = [];
    let keyed = 0;
    let keyedDistinct = 0;
    let used = 0;
    const nextPrefix = () => `${prefix}-${used++}`;
    try {
      // Warm-up: connections, Lua script loading, JIT.
      await rawRate(1_000, nextPrefix());
      for (let r = 0; r < rounds; r++) {
        const runOurs = async () => {
          const bull = new BullmqJobQueue({ connection: REDIS_URL, prefix: nextPrefix() });
          try {
            ours.push(await throughAdapter(bull, 'plain', bullJobs));
          } finally {
            await bull.close();
          }
        };
        if (r % 2 === 0) {
          raws.push(await rawRate(bullJobs, nextPrefix()));
          await runOurs();
        } else {
          await runOurs();
          raws.push(await rawRate(bullJobs, nextPrefix()));
        }
      }
      const bull = new BullmqJobQueue({ connection: REDIS_URL, prefix: nextPrefix() });
      try {
        keyedDistinct = await throughAdapter(bull, 'keyed-distinct', keyedJobs, keyedJobs);
        keyed = await throughAdapter(bull, 'keyed', keyedJobs, keyedJobs / 4);
      } finally {
        await bull.close();
      }
      const raw = median(raws);
      const plain = median(ours);
      const spread = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
      const baseline = { name: 'raw BullMQ Queue+Worker', value: raw, unit: 'jobs/s' };
      figures.push({
        name: `raw BullMQ (${bullJobs} jobs, addBulk ${BULK}, concurrency ${CONCURRENCY})`,
        value: raw,
        unit: 'jobs/s',
        note: `median of ${rounds}: ${spread(raws)}`,
      });
      figures.push({
        name: `BullmqJobQueue end to end (${bullJobs} jobs)`,
        value: plain,
        unit: 'jobs/s',
        target: '≥ 3000',
        pass: plain >= 3000,
        baseline,
        ratio: plain / raw,
        note: `median of ${rounds}: ${spread(ours)}`,
      });
      figures.push({
        name: `BullmqJobQueue, every job with its own rate key (${keyedJobs} jobs)`,
        value: keyedDistinct,
        unit: 'jobs/s',
        baseline,
        ratio: keyedDistinct / raw,
        note: 'cost of per-key order: the order written before the add (one script per batch) and a release per job; a job first of its key runs without the gate: e.g. one message per chat',
      });
      figures.push({
        name: `BullmqJobQueue, 4 jobs per rate key (${keyedJobs} jobs over ${keyedJobs / 4} keys)`,
        value: keyed,
        unit: 'jobs/s',
        baseline,
        ratio: keyed / raw,
        note: 'jobs behind others of their key are added delayed and promoted one by one as their turn comes',
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
      for (let i = 0; i < used; i++) await dropRedisPrefix(REDIS_URL, `${prefix}-${i}`);
    }
    return figures;
  },
};
