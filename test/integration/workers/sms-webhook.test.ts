import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { smsWebhook, findCode } from '../../../bots/sms/sms-webhook';
import {
  CROCKFORD_ALPHABET,
  formatTrackingCode,
  generateTrackingCode,
} from '../../../src/domain/tracking-code';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import { createComplaint, makeKit, sleep, type WorkerKit } from './worker-kit';

const SECRET = 'sms-inbound-secret-for-tests';

describe('POST /webhooks/sms: status by SMS', () => {
  let gateway: Server;
  const sent: Array<{ to: string; text: string }> = [];
  let kit: WorkerKit;
  let workers: Workers;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        sent.push(JSON.parse(raw) as { to: string; text: string });
        res.end('{"id":"ok"}');
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    kit = makeKit(
      { SMS_GATEWAY_URL: url, SMS_INBOUND_SECRET: SECRET, SMS_ENCODING: 'ascii' },
      (_c, stores) => new EmbeddedJobQueue(stores.db, { pollIntervalMs: 20 }),
    );
    await kit.stores.agencies.upsert({
      code: 'hno.sxd',
      name: 'Sở Xây dựng Hà Nội',
      kind: 'unit',
      parent: 'hno',
      reviewBeforePublish: false,
      active: true,
    });
    workers = await startWorkers(
      { ...kit.deps, senders: {} },
      { deadlines: { enabled: false }, backoffMs: 50, attempts: 2 },
    );
    app = Fastify({ logger: false });
    await app.register(smsWebhook, { deps: kit.deps, maxLookupsPerSender: 5 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await workers.stop();
    await kit.close();
    await new Promise<void>((r) => gateway.close(() => r()));
  });
  beforeEach(() => {
    sent.length = 0;
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => {
    const raw = JSON.stringify(body);
    return fetch(`${base}/webhooks/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
  };
  const signed = (body: unknown) => {
    const raw = JSON.stringify(body);
    const sig = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    return fetch(`${base}/webhooks/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sms-signature': sig },
      body: raw,
    });
  };
  async function replyTo(n: number): Promise<void> {
    const end = Date.now() + 5000;
    while (sent.length < n) {
      if (Date.now() > end) throw new Error('no SMS reply');
      await sleep(30);
    }
  }

  it('should refuse a call without the secret or with a bad signature, and send nothing', async () => {
    expect((await post({ from: '0912345678', text: 'x', id: 'a1' })).status).toBe(401);
    expect(
      (await post({ from: '0912345678', text: 'x', id: 'a2' }, { 'x-sms-signature': 'sha256=00' })).status,
    ).toBe(401);
    expect(
      (await post({ from: '0912345678', text: 'x', id: 'a3' }, { 'x-sms-secret': 'wrong' })).status,
    ).toBe(401);
    await sleep(200);
    expect(sent).toHaveLength(0);
  });

  it('should answer a signed SMS carrying a code with its status, once per message id', async () => {
    const c = await createComplaint(kit, { channel: 'sms', chatId: '0912345678' });
    const res = await signed({
      from: '+84912345678',
      text: `tra cứu ${formatTrackingCode(c.code).toLowerCase()}`,
      id: 'mo-1',
    });
    expect(res.status).toBe(200);
    await replyTo(1);
    expect(sent[0]!.to).toBe('0912345678');
    expect(sent[0]!.text).toBe(
      `PAKN ${formatTrackingCode(c.code)}: Da tiep nhan. Co quan: So Xay dung Ha Noi. Tiep nhan ${fmt(c.createdAt)}, han ${fmt(c.dueAt)}.`,
    );
    // The gateway retries the same message: no second reply.
    expect((await signed({ from: '+84912345678', text: c.code, id: 'mo-1' })).status).toBe(200);
    await sleep(300);
    expect(sent).toHaveLength(1);
  });

  it('should tell a typo from an unknown code, and explain when there is no code (form body, shared secret)', async () => {
    const real = generateTrackingCode();
    const typo =
      real.slice(0, 3) + CROCKFORD_ALPHABET[(CROCKFORD_ALPHABET.indexOf(real[3]!) + 1) % 32] + real.slice(4);
    const form = (text: string, id: string) =>
      fetch(`${base}/webhooks/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-sms-secret': SECRET },
        body: new URLSearchParams({ From: '0987000111', Body: text, MessageSid: id }).toString(),
      });
    expect((await form(typo, 'f1')).status).toBe(200);
    await replyTo(1);
    expect(sent[0]!.text).toContain('khong hop le');
    expect((await form(real, 'f2')).status).toBe(200);
    await replyTo(2);
    expect(sent[1]!.text).toBe(`Khong tim thay PAKN voi ma ${formatTrackingCode(real)}.`);
    expect((await form('xin chao', 'f3')).status).toBe(200);
    await replyTo(3);
    expect(sent[2]!.text).toContain('Gui ma tra cuu PAKN');
  });

  it('should take eSMS inbound messages as a GET with the secret in the URL', async () => {
    const c = await createComplaint(kit, { channel: 'sms', chatId: '0911222333' });
    const q = (secret: string, id: string) =>
      new URLSearchParams({
        secret,
        sender: '84911222333',
        content: `TRACUU ${c.code}`,
        serviceNumber: '8079',
        smsid: id,
      }).toString();
    expect((await fetch(`${base}/webhooks/sms?${q('nope', 'e1')}`)).status).toBe(401);
    expect((await fetch(`${base}/webhooks/sms?${q(SECRET, 'e2')}`)).status).toBe(200);
    await replyTo(1);
    expect(sent[0]!.to).toBe('0911222333');
    expect(sent[0]!.text).toContain(`PAKN ${formatTrackingCode(c.code)}: Da tiep nhan`);
  });

  it('should stop answering a sender that guesses too many codes', async () => {
    for (let i = 0; i < 7; i++) {
      expect(
        (
          await post(
            { from: '0900000009', text: generateTrackingCode(), id: `g${i}` },
            { 'x-sms-secret': SECRET },
          )
        ).status,
      ).toBe(200);
    }
    await replyTo(5);
    await sleep(1500);
    expect(sent).toHaveLength(5);
  });

  it('should find codes in the ways citizens write them', () => {
    const code = generateTrackingCode();
    for (const text of [
      code,
      formatTrackingCode(code),
      `PAKN ${code.toLowerCase()}`,
      `/status ${formatTrackingCode(code)}`,
      `Tra cứu mã ${code} giúp tôi`,
    ]) {
      expect(findCode(text)).toEqual({ ok: true, code });
    }
    expect(findCode('hello')).toBeNull();
  });
});

function fmt(d: Date): string {
  const s = new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10).split('-');
  return `${s[2]}/${s[1]}/${s[0]}`;
}
