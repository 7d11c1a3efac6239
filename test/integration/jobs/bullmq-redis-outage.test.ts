import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { sleep, waitFor } from '../../contract/queue/queue-contract';
import { dropPrefix, REDIS_URL } from '../../contract/queue/redis-helpers';

/** A TCP proxy in front of the real Redis that can be cut and restored, to play an outage. */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async up(): Promise<void> {
    const target = new URL(REDIS_URL);
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('BullmqJobQueue while Redis is away', () => {
  const prefix = `test-outage-${process.pid}-${Date.now()}`;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);

  // Clients closed while Redis is away keep timers for a few seconds: ioredis' 2 s guard on a socket
  // that does not close, and BullMQ's watchdog (block timeout + 1 s) around a blocking fetch, which a
  // forced Worker.close does not clear. They are waited out, so that the jest worker exits cleanly.
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  let timersBefore = 0;

  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
    timersBefore = timers();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await dropPrefix(REDIS_URL, prefix);
    await sleep(300); // let the closed clients' sockets finish closing
    await waitFor(() => timers() <= timersBefore, 10_000, 'timers of the closed clients').catch(
      () => undefined,
    );
  });

  it('fails enqueues fast, does not crash, and resumes by itself when Redis is back', async () => {
    const proxy = new CuttableProxy();
    await proxy.up();
    const errors: string[] = [];
    const logger = {
      error: (o: { err?: string }) => errors.push(String(o.err)),
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    } as unknown as import('../../../src/shared/logger').Logger;
    const queue = new BullmqJobQueue({ connection: `redis://127.0.0.1:${proxy.port}`, prefix, logger });
    const seen: string[] = [];
    try {
      queue.process('outage', async (job) => {
        seen.push(job.id);
      });
      await queue.enqueue('outage', 'x', {}, { jobId: 'before' });
      await waitFor(() => seen.includes('before'), 10_000, 'job before the outage');

      await proxy.down();
      const t = Date.now();
      await expect(queue.enqueue('outage', 'x', {}, { jobId: 'during' })).rejects.toThrow();
      expect(Date.now() - t).toBeLessThan(5000);
      await expect(queue.ping()).rejects.toThrow();
      await sleep(1500);

      await proxy.up();
      // The client reconnects by itself; the first enqueues may still see the old state.
      await waitFor(
        async () => {
          try {
            await queue.enqueue('outage', 'x', {}, { jobId: 'after' });
            return true;
          } catch {
            return false;
          }
        },
        15_000,
        'enqueue after the outage',
      );
      await waitFor(() => seen.includes('after'), 20_000, 'worker to resume');
      expect(seen).not.toContain('during');
      expect(errors.length).toBeGreaterThan(0); // the outage was reported, not swallowed
      expect(unhandled).toEqual([]);
    } finally {
      await queue.close(1000);
      await proxy.down();
    }
  });

  it('closes promptly while Redis is away (a shutdown never hangs on it)', async () => {
    const proxy = new CuttableProxy();
    await proxy.up();
    const queue = new BullmqJobQueue({ connection: `redis://127.0.0.1:${proxy.port}`, prefix });
    let ran = false;
    queue.process('outage-close', async () => {
      ran = true;
    });
    await queue.enqueue('outage-close', 'x', {});
    await waitFor(() => ran, 10_000, 'job before the outage');
    await proxy.down();
    await sleep(300);
    const t = Date.now();
    await queue.close(1000);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
