import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { deliverQueue, startWorkers, type Workers } from '../../../src/jobs/workers';
import { deliveryAdminRoutes } from '../../../src/jobs/workers/admin-routes';
import {
  bullmq,
  createComplaint,
  deleteRedisPrefix,
  emit,
  makeKit,
  maxInWindow,
  sleep,
  telegramSender,
  uniquePrefix,
  redisEnv,
  type WorkerKit,
} from './worker-kit';

const tooMany = (after: number) => ({
  status: 429,
  body: {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${after}`,
    parameters: { retry_after: after },
  },
});

describe('delivery guarantees (real Redis, fake Bot API)', () => {
  let tg: FakeTelegramServer;
  let kit: WorkerKit;
  let workers: Workers;
  let prefix: string;

  async function setup(options: Parameters<typeof startWorkers>[1] = {}): Promise<void> {
    prefix = uniquePrefix('guar');
    kit = makeKit(
      { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url, ...redisEnv(prefix) },
      bullmq(prefix),
    );
    workers = await startWorkers(
      { ...kit.deps, senders: { telegram: telegramSender(kit.config, kit.deps.files) } },
      { deadlines: { enabled: false }, backoffMs: 300, attempts: 3, ...options },
    );
  }
  const sendsTo = (chat: string) =>
    tg.callsOf('sendMessage').filter((c) => String(c.params.chat_id) === chat);

  beforeEach(async () => {
    tg = await new FakeTelegramServer().start();
  });
  afterEach(async () => {
    await workers?.stop();
    await kit?.close();
    await tg.stop();
    await deleteRedisPrefix(prefix);
  });

  it('should delay only the chat that got a 429, by its retry_after', async () => {
    await setup();
    const a = await createComplaint(kit, { chatId: '1' });
    const b = await createComplaint(kit, { chatId: '2' });
    tg.failNext('sendMessage', { times: 1, ...tooMany(2) });
    await emit(kit.deps.queue, a.code, 'complaint.info_requested', { message: 'A' });
    await tg.waitUntil(() => tg.callsOf('sendMessage').length >= 1, 5000, 'first call');
    const refusedAt = tg.callsOf('sendMessage')[0]!.at;
    await emit(kit.deps.queue, b.code, 'complaint.info_requested', { message: 'B' });
    await tg.waitUntil(() => sendsTo('1').length >= 2 && sendsTo('2').length >= 1, 10_000, 'both chats');
    // Chat 2 was not held up by chat 1's 429 (it went out while chat 1 was still waiting) …
    expect(sendsTo('2')[0]!.at).toBeLessThan(sendsTo('1')[1]!.at);
    // … and chat 1 waited its retry_after (2 s) before the retry.
    expect(sendsTo('1')[1]!.at - refusedAt).toBeGreaterThanOrEqual(1950);
    expect(sendsTo('1')).toHaveLength(2);
  });

  it('should retry 5xx and timeouts with growing backoff and deliver once', async () => {
    await setup({ attempts: 4, backoffMs: 300 });
    const c = await createComplaint(kit, { chatId: '9' });
    tg.failNext('sendMessage', { times: 2, status: 502 });
    await emit(kit.deps.queue, c.code, 'complaint.info_requested', { message: 'X' });
    await tg.waitUntil(() => sendsTo('9').length >= 3, 10_000, 'third try');
    const t = sendsTo('9').map((x) => x.at);
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(280);
    expect(t[2]! - t[1]!).toBeGreaterThanOrEqual(580);
    await sleep(700);
    expect(sendsTo('9')).toHaveLength(3); // two refused, one delivered
    expect(tg.sentCount).toBe(1);
  });

  it('should dead-letter after the last attempt, list it at the admin route and deliver on retry', async () => {
    await setup({ attempts: 2, backoffMs: 100 });
    const c = await createComplaint(kit, { chatId: '42' });
    tg.failNext('sendMessage', { times: 2, status: 500 });
    const ev = await emit(kit.deps.queue, c.code, 'complaint.info_requested', {
      message: 'Bổ sung ảnh hiện trường',
    });
    const q = deliverQueue('telegram');
    const deadline = Date.now() + 10_000;
    while ((await kit.deps.queue.counts(q)).dead < 1 && Date.now() < deadline) await sleep(100);

    const app: FastifyInstance = Fastify({ logger: false });
    app.decorate('authenticate', async (req: FastifyRequest, reply: FastifyReply) => {
      const role = req.headers['x-test-role'] as string | undefined;
      if (!role) return reply.status(401).send({ error: 'Unauthorized' });
      (req as unknown as { officer: unknown }).officer = { username: 'op', agency: 'vpcp', role };
    });
    await app.register(deliveryAdminRoutes, { queue: kit.deps.queue });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/api/admin/deliveries/dead`)).status).toBe(401);
      expect(
        (await fetch(`${base}/api/admin/deliveries/dead`, { headers: { 'x-test-role': 'reception' } }))
          .status,
      ).toBe(403);
      const list = (await (
        await fetch(`${base}/api/admin/deliveries/dead`, { headers: { 'x-test-role': 'admin' } })
      ).json()) as { items: Array<Record<string, unknown>> };
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({
        queue: q,
        id: `${ev.id}:telegram`,
        code: c.code,
        kind: 'info_requested',
        route: 'telegram',
        attempt: 2,
      });
      expect(JSON.stringify(list)).not.toContain('0912345678');

      const retry = await fetch(
        `${base}/api/admin/deliveries/dead/${q}/${encodeURIComponent(`${ev.id}:telegram`)}/retry`,
        { method: 'POST', headers: { 'x-test-role': 'admin' } },
      );
      expect(retry.status).toBe(200);
      await tg.waitUntil(() => tg.sentCount >= 1, 5000, 'delivery after retry');
      expect(tg.textsTo('42').at(-1)).toContain('Bổ sung ảnh hiện trường');
      const again = await fetch(`${base}/api/admin/deliveries/dead/${q}/nope/retry`, {
        method: 'POST',
        headers: { 'x-test-role': 'admin' },
      });
      expect(again.status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('should never exceed the per-bot limit, measured at the server', async () => {
    // The fake server shares this process's event loop with the workers (and jest runs files side by
    // side): a wider pacing margin keeps its arrival stamps honest on a loaded machine.
    await setup({
      rates: { telegram: { perSecond: 5, perChatPerSecond: 1, concurrency: 8 } },
      limiterMarginMs: 250,
    });
    const chats = Array.from({ length: 20 }, (_, i) => String(100 + i));
    for (const chat of chats) {
      const c = await createComplaint(kit, { chatId: chat });
      await emit(kit.deps.queue, c.code, 'complaint.info_requested', { message: `m${chat}` });
    }
    await tg.waitUntil(() => tg.sentCount >= 20, 20_000, 'twenty messages');
    const times = tg.callsOf('sendMessage').map((x) => x.at);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
    // And the limiter is not wildly conservative: 20 messages at 5/s take about 4 s (generous bound for loaded machines).
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(12_000);
  });
});
