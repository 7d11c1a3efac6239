import { Queue, Worker } from 'bullmq';

/** Polls `cond` every `everyMs` until it holds; throws after `timeoutMs`, naming `what`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
  everyMs = 10,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`benchmark timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface RawBullmqRun {
  redisUrl: string;
  prefix: string;
  jobs: number;
  concurrency: number;
  bulk: number;
}

/**
 * The baseline of the queue and delivery benches: `jobs` empty jobs added to a plain BullMQ Queue in bulks
 * of `bulk` and processed by a plain Worker at `concurrency`, until BullMQ reports every one completed.
 * `measure` wraps that timed part and makes the figure (a rate, CPU per job…).
 */
export async function rawBullmq<T>(
  run: RawBullmqRun,
  measure: (timed: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const u = new URL(run.redisUrl);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const queue = new Queue('raw', { connection, prefix: run.prefix });
  let completed = 0;
  const worker = new Worker('raw', async () => undefined, {
    connection,
    prefix: run.prefix,
    concurrency: run.concurrency,
  });
  worker.on('completed', () => void completed++);
  await worker.waitUntilReady();
  try {
    return await measure(async () => {
      for (let i = 0; i < run.jobs; i += run.bulk) {
        const n = Math.min(run.bulk, run.jobs - i);
        await queue.addBulk(
          Array.from({ length: n }, (_, j) => ({
            name: 'x',
            data: { i: i + j },
            opts: { removeOnComplete: { age: 3600 } },
          })),
        );
      }
      await until(() => completed >= run.jobs, 300_000, 'raw BullMQ');
    });
  } finally {
    await worker.close();
    await queue.close();
  }
}
