import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannelSenders } from '../../../bots/registry';
import { ZaloReplyWindow } from '../../../bots/zalo/zalo-reply-window';
import { systemClock } from '../../../src/domain/ports';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import { FakeZaloServer } from '../../fakes/fake-zalo-server';
import { waitFor } from '../../contract/queue/queue-contract';
import { createComplaint, emit, makeKit, type WorkerKit } from './worker-kit';

/**
 * Zalo's free reply rules (CHANNELS.md §3.4), here 2 messages within 48 h of the citizen's last
 * message: the production Zalo sender against the fake OA API, with the quota kept in the store.
 */
describe('Zalo reply window and quota (production sender, fake OA API, HTTP SMS gateway)', () => {
  let zalo: FakeZaloServer;
  let smsServer: Server;
  const sms: Array<Record<string, unknown>> = [];
  let kit: WorkerKit;
  let workers: Workers;
  let window: ZaloReplyWindow;

  beforeAll(async () => {
    zalo = await new FakeZaloServer().start();
    smsServer = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        sms.push(JSON.parse(raw) as Record<string, unknown>);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: `s${sms.length}` }));
      });
    });
    await new Promise<void>((r) => smsServer.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await zalo.stop();
    await new Promise<void>((r) => smsServer.close(() => r()));
  });

  beforeEach(async () => {
    sms.length = 0;
    kit = makeKit(
      {
        ZALO_APP_ID: zalo.appId,
        ZALO_OA_SECRET_KEY: zalo.oaSecretKey,
        ZALO_ACCESS_TOKEN: zalo.accessToken,
        ZALO_API_ROOT: zalo.url,
        ZALO_OAUTH_ROOT: zalo.url,
        ZALO_REPLY_QUOTA: '2',
        SMS_GATEWAY_URL: `http://127.0.0.1:${(smsServer.address() as AddressInfo).port}/sms`,
      },
      (_c, stores) => new EmbeddedJobQueue(stores.db, { pollIntervalMs: 20 }),
    );
    await kit.stores.agencies.upsert({
      code: 'hno.sxd',
      name: 'Sở Xây dựng Hà Nội',
      kind: 'unit',
      parent: null,
      reviewBeforePublish: false,
      active: true,
    });
    workers = await startWorkers(
      { ...kit.deps, senders: createChannelSenders(kit.deps) },
      { deadlines: { enabled: false }, backoffMs: 50, attempts: 2 },
    );
    window = new ZaloReplyWindow(kit.stores.conversations, systemClock, {
      windowMs: 48 * 3600_000,
      quota: 2,
    });
  });
  afterEach(async () => {
    await workers.stop();
    await kit.close();
  });

  async function notes(code: string) {
    return (await kit.stores.complaints.getByCode(code))!.history
      .filter((h) => h.type === 'note')
      .map((h) => h.data?.delivery as Record<string, unknown>);
  }

  it('should send within the quota, fall back to SMS when it is used, and count again after a new message', async () => {
    const user = `zq-${Date.now()}`;
    await window.inbound(user);
    const c = await createComplaint(kit, {
      channelRef: { channel: 'zalo', userId: user, conversationId: user },
    });
    await emit(kit.deps.queue, c.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => zalo.sentTexts(user).length === 1);
    // (Forward/transfer notices are not SMS kinds: every SMS below is a fallback.)
    await emit(kit.deps.queue, c.code, 'complaint.transferred', { to: 'hno.sxd' });
    await waitFor(() => zalo.sentTexts(user).length === 2);
    // The third message would be the ninth of eight: it goes by SMS, and the history says so.
    await emit(kit.deps.queue, c.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => sms.length === 1);
    expect(String(sms[0]!.text)).toContain('đã được chuyển đến đơn vị xử lý');
    await waitFor(async () => (await notes(c.code)).length === 1);
    expect(await notes(c.code)).toEqual([
      expect.objectContaining({ from: 'zalo', via: ['sms'], reason: 'outside_window', rule: 'quota_used' }),
    ]);
    expect(zalo.sentTexts(user)).toHaveLength(2);

    // The citizen writes again: a fresh quota, Zalo is used again.
    await window.inbound(user);
    await emit(kit.deps.queue, c.code, 'complaint.transferred', { to: 'hno.sxd' });
    await waitFor(() => zalo.sentTexts(user).length === 3);
    expect(sms).toHaveLength(1);
  });

  it('should fall back to SMS without calling Zalo when the citizen last wrote more than 48 h ago', async () => {
    const user = `zw-${Date.now()}`;
    await window.inbound(user, new Date(Date.now() - 49 * 3600_000));
    const c = await createComplaint(kit, {
      channelRef: { channel: 'zalo', userId: user, conversationId: user },
    });
    await emit(kit.deps.queue, c.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => sms.length === 1);
    await waitFor(async () => (await notes(c.code)).length === 1);
    expect(await notes(c.code)).toEqual([expect.objectContaining({ via: ['sms'], rule: 'window_expired' })]);
    expect(zalo.calls.filter((x) => (x.params.recipient as { user_id?: string })?.user_id === user)).toEqual(
      [],
    );
  });

  it('should leave an unknown window to Zalo: the send is tried, and counted once the citizen writes', async () => {
    const user = `zu-${Date.now()}`;
    expect(await window.check(user, 1)).toBe('unknown');
    const c = await createComplaint(kit, {
      channelRef: { channel: 'zalo', userId: user, conversationId: user },
    });
    await emit(kit.deps.queue, c.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => zalo.sentTexts(user).length === 1);
    await window.inbound(user);
    await window.sent(user, 2);
    expect(await window.check(user, 1)).toBe('quota_used');
  });
});
