import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PermanentJobError, RetryLaterError, type JobInfo, type JobQueue } from '../../../src/domain/ports';

/**
 * The JobQueue contract, run against every adapter. Timing assertions use lower bounds (a delay is
 * never shorter than asked, a window never holds more than allowed) and generous upper bounds, so
 * a slow machine makes them slower, not red.
 */
export interface QueueHarness {
  /** A new adapter instance over the same storage (Redis prefix or SQLite file). */
  open(options?: { fastRecovery?: boolean }): JobQueue;
  /** argv for test/contract/queue/crash-child.ts that opens the same storage. */
  childArgs(): string[];
  cleanup(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Largest number of timestamps inside any half-open window [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

// Handler timestamps are taken a little after the limiter's decision (a Redis reply, an event-loop
// turn; more on a loaded machine). A tenth of the window absorbs that, while a limiter that let
// through even one job too many per window (a fixed window, or none) would still be caught.
const slack = (windowMs: number) => windowMs / 10;

export function queueContract(kind: string, makeHarness: () => Promise<QueueHarness>): void {
  describe(`JobQueue contract: ${kind}`, () => {
    let harness: QueueHarness;
    const open: JobQueue[] = [];
    let n = 0;
    const qname = () => `q${++n}`;
    const fresh = (options?: { fastRecovery?: boolean }) => {
      const q = harness.open(options);
      open.push(q);
      return q;
    };

    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((q) => q.close(500)));
    });
    afterAll(async () => {
      await harness.cleanup();
    });

    it('answers ping and reports its kind', async () => {
      const q = fresh();
      await q.ping();
      expect(q.kind).toBe(kind);
    });

    it('treats a second enqueue of the same id as a no-op, before and after the job ran', async () => {
      const q = fresh();
      const name = qname();
      expect(await q.enqueue(name, 'x', { v: 1 }, { jobId: 'evt:1/a' })).toBe('evt:1/a');
      await q.enqueue(name, 'x', { v: 2 }, { jobId: 'evt:1/a' });
      await q.enqueue(name, 'x', { v: 3 }, { jobId: '42' });
      expect((await q.counts(name)).waiting).toBe(2);
      const seen: Array<{ id: string; data: unknown }> = [];
      q.process(name, async (job) => {
        seen.push({ id: job.id, data: job.data });
      });
      await waitFor(() => seen.length === 2, 10_000, 'two jobs');
      // Late duplicate, then a sentinel behind it: with one worker the duplicate would run before the sentinel.
      await q.enqueue(name, 'x', { v: 4 }, { jobId: 'evt:1/a' });
      await q.enqueue(name, 'x', { v: 5 }, { jobId: 'sentinel' });
      await waitFor(() => seen.some((s) => s.id === 'sentinel'), 10_000, 'sentinel');
      expect(seen).toEqual([
        { id: 'evt:1/a', data: { v: 1 } },
        { id: '42', data: { v: 3 } },
        { id: 'sentinel', data: { v: 5 } },
      ]);
    });

    it('enqueueMany keeps per-job ids and the duplicate rule', async () => {
      const q = fresh();
      const name = qname();
      const ids = await q.enqueueMany!(name, [
        { name: 'a', data: 1, options: { jobId: 'm1' } },
        { name: 'b', data: 2 },
        { name: 'a', data: 3, options: { jobId: 'm1' } },
      ]);
      expect(ids[0]).toBe('m1');
      expect(ids[2]).toBe('m1');
      expect((await q.counts(name)).waiting).toBe(2);
      // Ids that an adapter must escape stay distinct from look-alikes.
      await q.enqueueMany!(name, [
        { name: 'a', data: 4, options: { jobId: 'x:y' } },
        { name: 'a', data: 5, options: { jobId: 'x%3Ay' } },
        { name: 'a', data: 6, options: { jobId: '%x%3Ay' } },
      ]);
      expect((await q.counts(name)).waiting).toBe(5);
    });

    it('does not run a delayed job before its delay', async () => {
      const q = fresh();
      const name = qname();
      let ranAt = 0;
      q.process(name, async () => {
        ranAt = Date.now();
      });
      const at = Date.now();
      await q.enqueue(name, 'x', {}, { delayMs: 400 });
      await waitFor(() => ranAt > 0, 10_000, 'delayed job');
      expect(ranAt - at).toBeGreaterThanOrEqual(395);
    });

    it('retries with exponential backoff, then succeeds', async () => {
      const q = fresh();
      const name = qname();
      const tries: Array<{ at: number; attempt: number; max: number }> = [];
      let done = false;
      q.process(name, async (job) => {
        tries.push({ at: Date.now(), attempt: job.attempt, max: job.maxAttempts });
        if (tries.length < 3) throw new Error('boom');
        done = true;
      });
      await q.enqueue(name, 'x', {}, { attempts: 4, backoffMs: 150 });
      await waitFor(() => done, 15_000, 'success on third try');
      expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
      expect(tries[0]!.max).toBe(4);
      expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(145);
      expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(295);
      await waitFor(async () => (await q.counts(name)).completed === 1, 5000, 'completed count');
      expect((await q.counts(name)).dead).toBe(0);
    });

    it('dead-letters after the last attempt; listDead shows it and retryDead runs it again with fresh attempts', async () => {
      const q = fresh();
      const name = qname();
      let fail = true;
      const attempts: number[] = [];
      q.process(name, async (job) => {
        attempts.push(job.attempt);
        if (fail) throw new Error('gateway said no');
      });
      await q.enqueue(name, 'send', { to: 'chat-1' }, { jobId: 'dead:1', attempts: 2, backoffMs: 20 });
      await waitFor(async () => (await q.counts(name)).dead === 1, 10_000, 'dead job');
      expect(attempts).toEqual([1, 2]);
      const dead = await q.listDead(name);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        id: 'dead:1',
        name: 'send',
        data: { to: 'chat-1' },
        failedReason: 'gateway said no',
        maxAttempts: 2,
      });
      expect(dead[0]!.failedAt).toBeInstanceOf(Date);
      expect(await q.retryDead(name, 'no-such-job')).toBe(false);
      fail = false;
      expect(await q.retryDead(name, 'dead:1')).toBe(true);
      await waitFor(() => attempts.length === 3, 10_000, 'retried run');
      expect(attempts[2]).toBe(1);
      await waitFor(async () => (await q.counts(name)).completed === 1, 5000, 'completed');
      expect(await q.listDead(name)).toEqual([]);
      expect(await q.retryDead(name, 'dead:1')).toBe(false);
    });

    it('dead-letters a PermanentJobError at once', async () => {
      const q = fresh();
      const name = qname();
      let calls = 0;
      q.process(name, async () => {
        calls++;
        throw new PermanentJobError('PAKN deleted');
      });
      await q.enqueue(name, 'x', {}, { jobId: 'perm', attempts: 5, backoffMs: 10 });
      await waitFor(async () => (await q.counts(name)).dead === 1, 10_000, 'dead');
      await sleep(100);
      expect(calls).toBe(1);
      expect((await q.listDead(name))[0]).toMatchObject({ id: 'perm', failedReason: 'PAKN deleted' });
    });

    it('delays a RetryLaterError without using up an attempt', async () => {
      const q = fresh();
      const name = qname();
      const tries: Array<{ at: number; attempt: number }> = [];
      q.process(name, async (job) => {
        tries.push({ at: Date.now(), attempt: job.attempt });
        if (tries.length <= 2) throw new RetryLaterError(200);
      });
      // One attempt only: if RetryLater used attempts the job would be dead after the first throw.
      await q.enqueue(name, 'x', {}, { attempts: 1 });
      await waitFor(() => tries.length === 3, 10_000, 'third try');
      expect(tries.map((t) => t.attempt)).toEqual([1, 1, 1]);
      expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(195);
      expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(195);
      await waitFor(async () => (await q.counts(name)).completed === 1, 5000, 'completed');
      expect((await q.counts(name)).dead).toBe(0);
    });

    it('never runs more than the queue limit in any window', async () => {
      const q = fresh();
      const name = qname();
      const starts: number[] = [];
      q.process(
        name,
        async () => {
          starts.push(Date.now());
          await sleep(5);
        },
        { concurrency: 4, limiter: { max: 5, durationMs: 500 } },
      );
      const t0 = Date.now();
      await q.enqueueMany!(
        name,
        Array.from({ length: 16 }, (_, i) => ({ name: 'x', data: i })),
      );
      await waitFor(() => starts.length === 16, 20_000, '16 jobs');
      expect(maxInWindow(starts, 500 - slack(500))).toBeLessThanOrEqual(5);
      // 16 jobs at 5 per 500 ms need at least three full windows after the first start.
      expect(Math.max(...starts) - t0).toBeGreaterThanOrEqual(1500 - slack(500));
    });

    it('limits each key while other keys and unkeyed jobs flow', async () => {
      const q = fresh();
      const name = qname();
      const starts = new Map<string, number[]>();
      q.process(
        name,
        async (job: JobInfo<{ key: string }>) => {
          const k = job.data.key;
          starts.set(k, [...(starts.get(k) ?? []), Date.now()]);
        },
        { concurrency: 4, perKeyLimiter: { max: 1, durationMs: 300 } },
      );
      const jobs = [];
      for (let i = 0; i < 4; i++) {
        for (const key of ['chat-a', 'chat-b'])
          jobs.push({ name: 'x', data: { key }, options: { rateKey: key } });
        jobs.push({ name: 'x', data: { key: 'none' } });
      }
      await q.enqueueMany!(name, jobs);
      await waitFor(
        () => (starts.get('chat-a')?.length ?? 0) === 4 && (starts.get('chat-b')?.length ?? 0) === 4,
        20_000,
        'keyed jobs',
      );
      await waitFor(() => (starts.get('none')?.length ?? 0) === 4, 5000, 'unkeyed jobs');
      for (const key of ['chat-a', 'chat-b']) {
        expect(maxInWindow(starts.get(key)!, 300 - slack(300))).toBe(1);
      }
      const a = starts.get('chat-a')!;
      const b = starts.get('chat-b')!;
      // The other key was not held up behind chat-a, and unkeyed jobs did not wait for the keys.
      expect(b[0]!).toBeLessThan(a[1]!);
      expect(Math.max(...starts.get('none')!)).toBeLessThan(a[3]!);
    });

    it('runs the jobs of one key one at a time in enqueue order, even across retries', async () => {
      const q = fresh();
      const name = qname();
      const order = new Map<string, number[]>();
      const running = new Map<string, number>();
      let overlap = 0;
      let failedOnce = false;
      q.process(
        name,
        async (job: JobInfo<{ key: string; i: number }>) => {
          const { key, i } = job.data;
          running.set(key, (running.get(key) ?? 0) + 1);
          if (running.get(key)! > 1) overlap++;
          try {
            await sleep((i * 7) % 11);
            if (key === 'k1' && i === 2 && !failedOnce) {
              failedOnce = true;
              throw new Error('transient');
            }
            order.set(key, [...(order.get(key) ?? []), i]);
          } finally {
            running.set(key, running.get(key)! - 1);
          }
        },
        { concurrency: 6 },
      );
      const keys = ['k1', 'k2', 'k3'];
      for (let i = 0; i < 10; i++) {
        for (const key of keys)
          await q.enqueue(name, 'x', { key, i }, { rateKey: key, attempts: 3, backoffMs: 50 });
      }
      await waitFor(() => keys.every((k) => (order.get(k)?.length ?? 0) === 10), 30_000, 'all keyed jobs');
      const expected = Array.from({ length: 10 }, (_, i) => i);
      for (const k of keys) expect(order.get(k)).toEqual(expected);
      expect(failedOnce).toBe(true);
      expect(overlap).toBe(0);
    });

    it('a RetryLaterError holds back only its own key, and the key keeps its order', async () => {
      const q = fresh();
      const name = qname();
      const log: Array<{ what: string; at: number }> = [];
      let throttled = false;
      q.process(
        name,
        async (job: JobInfo<string>) => {
          if (job.data === 'chat-1:first' && !throttled) {
            throttled = true;
            log.push({ what: 'chat-1:first:429', at: Date.now() });
            throw new RetryLaterError(400);
          }
          log.push({ what: job.data, at: Date.now() });
        },
        { concurrency: 4 },
      );
      await q.enqueue(name, 'x', 'chat-1:first', { rateKey: 'chat-1', attempts: 1 });
      await q.enqueue(name, 'x', 'chat-1:second', { rateKey: 'chat-1', attempts: 1 });
      await q.enqueue(name, 'x', 'chat-2:only', { rateKey: 'chat-2', attempts: 1 });
      await waitFor(() => log.length === 4, 10_000, 'all runs');
      const whats = log.map((l) => l.what);
      const at = (w: string) => log.find((l) => l.what === w)!.at;
      expect(whats.filter((w) => w.startsWith('chat-1'))).toEqual([
        'chat-1:first:429',
        'chat-1:first',
        'chat-1:second',
      ]);
      expect(at('chat-1:first') - at('chat-1:first:429')).toBeGreaterThanOrEqual(395);
      // The other chat did not wait for chat-1's retry_after.
      expect(at('chat-2:only')).toBeLessThan(at('chat-1:first'));
    });

    it('a dead job does not block the rest of its key', async () => {
      const q = fresh();
      const name = qname();
      const ran: number[] = [];
      q.process(name, async (job: JobInfo<number>) => {
        if (job.data === 0) throw new PermanentJobError('bad payload');
        ran.push(job.data);
      });
      for (let i = 0; i < 3; i++) await q.enqueue(name, 'x', i, { rateKey: 'chat-z' });
      await waitFor(() => ran.length === 2, 10_000, 'the rest of the key');
      expect(ran).toEqual([1, 2]);
    });

    it('close lets a running job finish', async () => {
      const q = fresh();
      const name = qname();
      let finished = false;
      let started = false;
      q.process(name, async () => {
        started = true;
        await sleep(300);
        finished = true;
      });
      await q.enqueue(name, 'x', {}, { jobId: 'slow' });
      await waitFor(() => started, 10_000, 'start');
      await q.close(5000);
      expect(finished).toBe(true);
      const again = fresh();
      expect(await again.counts(name)).toMatchObject({ completed: 1, waiting: 0, active: 0 });
    });

    it('close past its timeout returns the running job to waiting, attempt not used', async () => {
      const q = fresh();
      const name = qname();
      let started = false;
      let unblock!: () => void;
      const blocked = new Promise<void>((r) => (unblock = r));
      q.process(name, async () => {
        started = true;
        await blocked;
      });
      await q.enqueue(name, 'x', { v: 1 }, { jobId: 'stuck', attempts: 1 });
      await waitFor(() => started, 10_000, 'start');
      const t = Date.now();
      await q.close(200);
      expect(Date.now() - t).toBeLessThan(8000);
      unblock();
      const again = fresh();
      expect(await again.counts(name)).toMatchObject({ waiting: 1, active: 0, dead: 0 });
      const seen: JobInfo[] = [];
      again.process(name, async (job) => {
        seen.push(job);
      });
      await waitFor(() => seen.length === 1, 10_000, 'job run by the next instance');
      expect(seen[0]).toMatchObject({ id: 'stuck', attempt: 1, data: { v: 1 } });
    });

    it('a new instance on the same storage processes what an earlier one left', async () => {
      const first = fresh();
      const name = qname();
      await first.enqueue(name, 'x', 1, { jobId: 'left-1' });
      await first.enqueue(name, 'x', 2, { jobId: 'left-2', rateKey: 'k' });
      await first.enqueue(name, 'x', 3, { jobId: 'left-3', rateKey: 'k' });
      await first.close();
      const second = fresh();
      const seen: string[] = [];
      second.process(name, async (job) => {
        seen.push(job.id);
      });
      await waitFor(() => seen.length === 3, 10_000, 'leftovers');
      expect(seen.sort()).toEqual(['left-1', 'left-2', 'left-3']);
    });

    /** Runs crash-child.ts on `name` until its first job has started, then kills it (SIGKILL). */
    async function crashChild(name: string, env: Record<string, string> = {}): Promise<void> {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'crash-child.ts'), ...harness.childArgs(), name],
        { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
      );
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      try {
        await waitFor(() => out.includes('STARTED'), 20_000, 'child to start the job');
      } finally {
        child.kill('SIGKILL');
      }
      await new Promise((r) => child.once('exit', r));
    }

    it('offers markDone only with doneMarks', async () => {
      const q = fresh();
      const plain = qname();
      const marked = qname();
      const seen: JobInfo[] = [];
      q.process(plain, async (job) => void seen.push(job));
      q.process(marked, async (job) => void seen.push(job), { doneMarks: { ttlMs: 60_000 } });
      await q.enqueue(plain, 'x', {}, { jobId: 'p1' });
      await q.enqueue(marked, 'x', {}, { jobId: 'm1' });
      await waitFor(() => seen.length === 2, 10_000, 'both jobs');
      expect(seen.find((j) => j.id === 'p1')!.markDone).toBeUndefined();
      expect(typeof seen.find((j) => j.id === 'm1')!.markDone).toBe('function');
    });

    it('a job marked done whose process died before it finished is completed without running again; its key goes on', async () => {
      const name = qname();
      await crashChild(name, { PAKN_CHILD_MARK: '1' });
      const q = fresh({ fastRecovery: true });
      const seen: string[] = [];
      q.process(name, async (job) => void seen.push(job.id), { doneMarks: { ttlMs: 60_000 } });
      await waitFor(() => seen.length === 1, 20_000, 'the next job of the key');
      await waitFor(async () => (await q.counts(name)).completed === 2, 5000, 'both completed');
      expect(seen).toEqual(['crash-2']);
      expect(await q.counts(name)).toMatchObject({ waiting: 0, active: 0, delayed: 0, dead: 0 });
    });

    it('a job whose process was killed mid-run is run again by another instance, still first of its key', async () => {
      const name = qname();
      await crashChild(name);
      const q = fresh({ fastRecovery: true });
      const seen: JobInfo[] = [];
      q.process(name, async (job) => {
        seen.push(job);
      });
      await waitFor(() => seen.length === 2, 20_000, 'recovered jobs');
      expect(seen.map((j) => j.id)).toEqual(['crash-1', 'crash-2']);
      expect(seen[0]).toMatchObject({ data: { v: 'x' }, rateKey: 'chat-9' });
      await waitFor(async () => (await q.counts(name)).completed === 2, 5000, 'completed');
    });

    it('a job killed mid-run before its mark runs again with done marks on', async () => {
      const name = qname();
      await crashChild(name);
      const q = fresh({ fastRecovery: true });
      const seen: string[] = [];
      q.process(name, async (job) => void seen.push(job.id), { doneMarks: { ttlMs: 60_000 } });
      await waitFor(() => seen.length === 2, 20_000, 'recovered jobs');
      expect(seen).toEqual(['crash-1', 'crash-2']);
    });
  });
}
