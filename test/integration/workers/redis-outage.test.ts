import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import type { DomainEvent } from '../../../src/domain/events';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { OutboxRelay } from '../../../src/jobs/outbox-relay';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import { draft, makeKit, sleep, telegramSender, uniquePrefix, type WorkerKit } from './worker-kit';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A private redis-server with an append-only file, so a restart keeps the jobs (as production Redis does). */
class PrivateRedis {
  private proc?: ChildProcess;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}
  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    const r = new IORedis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    for (let i = 0; i < 50; i++) {
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('private redis did not start');
  }
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }
}

describe('Redis down for a while', () => {
  let tg: FakeTelegramServer;
  let redis: PrivateRedis;
  let redisDir: string;
  let kit: WorkerKit;
  let workers: Workers;
  let relay: OutboxRelay;

  beforeAll(async () => {
    tg = await new FakeTelegramServer().start();
    redisDir = mkdtempSync(join(tmpdir(), 'pakn-redis-'));
    redis = new PrivateRedis(await freePort(), redisDir);
    await redis.start();
    const prefix = uniquePrefix('outage');
    kit = makeKit(
      {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.url,
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        REDIS_PREFIX: prefix,
      },
      () =>
        new BullmqJobQueue({
          connection: `redis://127.0.0.1:${redis.port}`,
          prefix,
          lockDurationMs: 2000,
          stalledIntervalMs: 1000,
        }),
    );
    workers = await startWorkers(
      { ...kit.deps, senders: { telegram: telegramSender(kit.config, kit.deps.files) } },
      { deadlines: { enabled: false }, backoffMs: 300, attempts: 5 },
    );
    relay = new OutboxRelay(kit.stores.complaints, kit.deps.queue, {
      intervalMs: 100,
      maxBackoffMs: 500,
      backoffMs: 300,
    });
    relay.start();
  });
  afterAll(async () => {
    await relay.stop();
    await workers.stop();
    await kit.close();
    await redis.stop();
    await tg.stop();
    rmSync(redisDir, { recursive: true, force: true });
  });

  /** Files a PAKN and, in the same write, an information request event (what the officers' API does). */
  async function fileWithRequest(chatId: string, message: string): Promise<{ code: string; ms: number }> {
    const started = Date.now();
    const c = await kit.stores.complaints.create(draft({ chatId }));
    const event: DomainEvent = {
      id: randomUUID(),
      type: 'complaint.info_requested',
      code: c.code,
      at: new Date(),
      data: { message },
    };
    await kit.stores.complaints.update(
      c.code,
      c.version,
      { status: 'awaiting_info', appendHistory: [], at: new Date() },
      [event],
    );
    return { code: c.code, ms: Date.now() - started };
  }

  it('should keep accepting PAKN while Redis is down and deliver when it is back', async () => {
    await fileWithRequest('501', 'trước sự cố');
    await tg.waitUntil(() => tg.textsTo('501').length === 1, 10_000, 'delivery before the outage');

    await redis.stop();
    const during = await fileWithRequest('502', 'trong sự cố');
    // The write never waits for the queue: the event waits in the outbox.
    expect(during.ms).toBeLessThan(1000);
    await sleep(1500);
    expect((await kit.stores.complaints.pendingEvents(10)).map((e) => e.event.code)).toContain(during.code);
    expect(tg.textsTo('502')).toHaveLength(0);

    await redis.start();
    await tg.waitUntil(() => tg.textsTo('502').length === 1, 20_000, 'delivery after the outage');
    await sleep(1000);
    expect(tg.textsTo('502')).toHaveLength(1);
    expect(tg.textsTo('502')[0]).toContain('trong sự cố');
    expect(tg.textsTo('501')).toHaveLength(1);
    expect(await kit.stores.complaints.pendingEvents(10)).toHaveLength(0);
  }, 60_000);
});
