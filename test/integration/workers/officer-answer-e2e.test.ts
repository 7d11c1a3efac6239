import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { startBackground, type Background } from '../../../src/app/background';
import { hashPassword } from '../../../src/application/operator/password';
import { formatTrackingCode } from '../../../src/domain/tracking-code';
import { buildApp } from '../../../src/http/app';
import {
  bullmq,
  createComplaint,
  deleteRedisPrefix,
  makeKit,
  redisEnv,
  uniquePrefix,
  type WorkerKit,
} from './worker-kit';

/**
 * The "done when", end to end: an officer answers through the HTTP API; the outbox relay, the
 * BullMQ workers and the production Telegram sender bring the answer to the citizen's chat, once.
 */
describe("an officer's answer reaches the citizen's Telegram chat (HTTP API → outbox → BullMQ → Bot API)", () => {
  let tg: FakeTelegramServer;
  let kit: WorkerKit;
  let app: FastifyInstance;
  let background: Background;
  let base: string;
  let prefix: string;

  beforeAll(async () => {
    tg = await new FakeTelegramServer().start();
    prefix = uniquePrefix('e2e');
    kit = makeKit(
      {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.url,
        TELEGRAM_MODE: 'webhook',
        JWT_SECRET: 'x'.repeat(40),
        ...redisEnv(prefix),
      },
      bullmq(prefix),
    );
    for (const a of [
      { code: 'vpcp', name: 'Văn phòng Chính phủ', kind: 'central' as const, parent: null },
      { code: 'hno', name: 'UBND TP Hà Nội', kind: 'province' as const, parent: 'vpcp' },
      { code: 'hno.sxd', name: 'Sở Xây dựng Hà Nội', kind: 'unit' as const, parent: 'hno' },
    ]) {
      await kit.stores.agencies.upsert({ ...a, reviewBeforePublish: false, active: true });
    }
    const now = new Date();
    await kit.stores.accounts.create({
      username: 'hno.sxd.nl',
      displayName: 'Xử lý Sở Xây dựng',
      agency: 'hno.sxd',
      role: 'processing',
      passwordHash: await hashPassword('mat-khau-thu-nghiem'),
      active: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
    });
    app = await buildApp(kit.deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    background = await startBackground(kit.deps, { workers: true, app });
  });
  afterAll(async () => {
    await background.stop();
    await app.close();
    await kit.close();
    await tg.stop();
    await deleteRedisPrefix(prefix);
  });

  it('should deliver the answer once, in Vietnamese', async () => {
    const c = await createComplaint(kit, { chatId: '4242' });
    const login = await fetch(`${base}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hno.sxd.nl', password: 'mat-khau-thu-nghiem' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const res = await fetch(`${base}/api/admin/complaints/${c.code}/answer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
        'if-match': String(c.version),
      },
      body: JSON.stringify({ text: 'Sở đã cấp giấy phép xây dựng cho hồ sơ của ông/bà.', publish: false }),
    });
    expect(res.status).toBe(200);
    await tg.waitUntil(() => tg.textsTo('4242').length >= 1, 20_000, 'the answer in the chat');
    await new Promise((r) => setTimeout(r, 1500));
    const texts = tg.textsTo('4242');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Sở đã cấp giấy phép xây dựng cho hồ sơ của ông/bà.');
    expect(texts[0]).toContain(formatTrackingCode(c.code));
    expect(texts[0]).toContain('Sở Xây dựng Hà Nội');
  });
});
