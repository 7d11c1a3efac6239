import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { PermanentJobError, type JobInfo } from '../../../src/domain/ports';
import { BullmqJobQueue, toBullId } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { sleep, waitFor } from '../../contract/queue/queue-contract';
import { dropPrefix, REDIS_URL } from '../../contract/queue/redis-helpers';

/**
 * What the BullMQ adapter does beyond the shared contract to keep a key's order cheap: a job learns its
 * place in its key before it is added (first of its key: no gate on its first run), a done mark is
 * written with the job's release, and a mark found at enqueue keeps a forgotten job from being added.
 */
describe('BullmqJobQueue: per-key order, marks and the first-of-key path', () => {
  const prefix = `test-keyorder-${process.pid}-${Date.now()}`;
  const queues: BullmqJobQueue[] = [];
  let redis: IORedis;
  let n = 0;
  const qname = () => `k${++n}`;
  const open = () => {
    const q = new BullmqJobQueue({ connection: REDIS_URL, prefix });
    queues.push(q);
    return q;
  };
  const key = (queue: string, suffix: string) => `${prefix}:${queue}:pakn:${suffix}`;

  beforeAll(() => {
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 2 });
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close(500)));
  });
  afterAll(async () => {
    await redis.quit();
    await dropPrefix(REDIS_URL, prefix);
  });

  it('a job marked done is not added again after BullMQ forgot it, and its key is not held up', async () => {
    const q = open();
    const name = qname();
    const runs: string[] = [];
    q.process(
      name,
      async (job: JobInfo<string>) => {
        runs.push(job.data);
        await job.markDone!();
      },
      { doneMarks: { ttlMs: 60_000 } },
    );
    await q.enqueue(name, 'x', 'first', { jobId: 'ev-1:tg', rateKey: 'chat-1' });
    await waitFor(() => runs.length === 1, 10_000, 'the first run');
    await waitFor(async () => (await q.counts(name)).completed === 1, 5000, 'completed');
    // BullMQ forgets finished jobs after keepCompletedMs; played here by removing it.
    const u = new URL(REDIS_URL);
    const raw = new Queue(name, { connection: { host: u.hostname, port: Number(u.port || 6379) }, prefix });
    try {
      expect(await raw.remove(toBullId('ev-1:tg'))).toBe(1);
    } finally {
      await raw.close();
    }
    expect(await q.enqueue(name, 'x', 'again', { jobId: 'ev-1:tg', rateKey: 'chat-1' })).toBe('ev-1:tg');
    await q.enqueue(name, 'x', 'next', { jobId: 'ev-2:tg', rateKey: 'chat-1' });
    await waitFor(() => runs.length === 2, 10_000, 'the next job of the key');
    await sleep(200);
    expect(runs).toEqual(['first', 'next']);
    expect(await q.counts(name)).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
    expect(await redis.zcard(key(name, 'order:chat-1'))).toBe(0);
  });

  it('one bulk of keyed jobs, written as several order batches sent together, keeps each key in order', async () => {
    const q = open();
    const name = qname();
    const seen = new Map<string, number[]>();
    q.process(
      name,
      async (job: JobInfo<{ k: string; i: number }>) => {
        seen.set(job.data.k, [...(seen.get(job.data.k) ?? []), job.data.i]);
        await job.markDone!();
      },
      { doneMarks: { ttlMs: 60_000 }, concurrency: 8 },
    );
    // 250 jobs on 3 keys: three batches of the order script, each holding jobs of every key.
    const jobs = Array.from({ length: 250 }, (_, i) => {
      const k = `chat-${i % 3}`;
      return { name: 'x', data: { k, i }, options: { jobId: `bulk-${i}`, rateKey: k } };
    });
    await q.enqueueMany!(name, jobs);
    await waitFor(() => [...seen.values()].reduce((s, xs) => s + xs.length, 0) === 250, 30_000, 'all jobs');
    for (const [k, xs] of seen) {
      expect(xs).toEqual(jobs.filter((j) => j.data.k === k).map((j) => j.data.i));
    }
  });

  it('every job acknowledged after markDone carries its mark (written with the ack), keyed or not', async () => {
    const q = open();
    const name = qname();
    let ran = 0;
    q.process(
      name,
      async (job: JobInfo<number>) => {
        ran++;
        await job.markDone!();
      },
      { doneMarks: { ttlMs: 60_000 }, concurrency: 8 },
    );
    const ids = Array.from({ length: 60 }, (_, i) => `ev-${i}:tg`);
    await q.enqueueMany!(
      name,
      ids.map((id, i) => ({
        name: 'x',
        data: i,
        options: { jobId: id, ...(i % 3 ? { rateKey: `chat-${i % 7}` } : {}) },
      })),
    );
    await waitFor(async () => (await q.counts(name)).completed === ids.length, 20_000, 'all completed');
    expect(ran).toBe(ids.length);
    const marks = await Promise.all(ids.map((id) => redis.exists(key(name, `done:${toBullId(id)}`))));
    expect(marks.every((m) => m === 1)).toBe(true);
    // Every key let go of its jobs.
    for (let k = 0; k < 7; k++) expect(await redis.zcard(key(name, `order:chat-${k}`))).toBe(0);
  });

  it("markDone lets the key's next job start while the marked handler is still returning", async () => {
    const q = open();
    const name = qname();
    const log: string[] = [];
    let finishFirst!: () => void;
    const firstMayReturn = new Promise<void>((r) => (finishFirst = r));
    q.process(
      name,
      async (job: JobInfo<string>) => {
        log.push(`start ${job.data}`);
        await job.markDone!();
        if (job.data === 'a') await firstMayReturn;
        log.push(`end ${job.data}`);
      },
      { doneMarks: { ttlMs: 60_000 }, concurrency: 2 },
    );
    await q.enqueue(name, 'x', 'a', { rateKey: 'chat-2' });
    await q.enqueue(name, 'x', 'b', { rateKey: 'chat-2' });
    await waitFor(() => log.includes('end b'), 10_000, 'the second job, while the first still runs');
    expect(log).toEqual(['start a', 'start b', 'end b']);
    finishFirst();
    await waitFor(async () => (await q.counts(name)).completed === 2, 5000, 'both completed');
  });

  it('a job added while its key is busy is parked, and runs the moment the job ahead finishes', async () => {
    const q = open();
    const name = qname();
    const started = new Map<string, number>();
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((r) => (releaseA = r));
    q.process(
      name,
      async (job: JobInfo<string>) => {
        started.set(job.data, Date.now());
        if (job.data === 'a') await aMayFinish;
      },
      { concurrency: 4 },
    );
    await q.enqueue(name, 'x', 'a', { rateKey: 'chat-3' });
    await waitFor(() => started.has('a'), 5000, 'a');
    await q.enqueue(name, 'x', 'b', { rateKey: 'chat-3' });
    expect(await redis.scard(key(name, 'parked'))).toBe(1);
    expect((await q.counts(name)).delayed).toBe(1);
    await sleep(100);
    expect(started.has('b')).toBe(false);
    const releasedAt = Date.now();
    releaseA();
    await waitFor(() => started.has('b'), 3000, 'b promoted');
    // Promoted, not found by its 5 s recheck.
    expect(started.get('b')! - releasedAt).toBeLessThan(2000);
  });

  it('a dead job retried later goes back through the gate: it waits behind the job of its key that is running', async () => {
    const q = open();
    const name = qname();
    const log: string[] = [];
    let failA = true;
    let releaseB!: () => void;
    const bMayFinish = new Promise<void>((r) => (releaseB = r));
    q.process(
      name,
      async (job: JobInfo<string>) => {
        log.push(`start ${job.data}`);
        if (job.data === 'a' && failA) throw new PermanentJobError('bad');
        if (job.data === 'b') await bMayFinish;
        log.push(`end ${job.data}`);
      },
      { concurrency: 4 },
    );
    await q.enqueue(name, 'x', 'a', { jobId: 'job-a', rateKey: 'chat-4', attempts: 1 });
    await waitFor(async () => (await q.counts(name)).dead === 1, 5000, 'a dead');
    await q.enqueue(name, 'x', 'b', { jobId: 'job-b', rateKey: 'chat-4' });
    await waitFor(() => log.includes('start b'), 5000, 'b running');
    failA = false;
    expect(await q.retryDead(name, 'job-a')).toBe(true);
    await sleep(300);
    expect(log).toEqual(['start a', 'start b']);
    releaseB();
    await waitFor(() => log.includes('end a'), 10_000, 'a after b');
    expect(log).toEqual(['start a', 'start b', 'end b', 'start a', 'end a']);
  });
});
