import { ChannelSendError } from '../../../src/domain/ports/channel-sender';
import type { ChannelRef } from '../../../src/domain/complaint';
import { createChannelSenders, TelegramSender } from '../../../bots/registry';
import { TelegramApi } from '../../../bots/telegram/telegram-api';
import { pollTelegram } from '../../../bots/telegram/telegram-polling';
import { ensureTelegramWebhook } from '../../../bots/telegram/telegram-setup';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { FakeZaloServer } from '../../fakes/fake-zalo-server';
import { EchoBot } from '../../fakes/echo-bot';
import { textUpdate } from '../../fakes/telegram-updates';
import { openSse } from '../../fakes/sse-client';
import { channelKit, FAST_RETRY, type ChannelKit } from './channel-test-kit';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n');

describe('channel senders (delivery workers) and Telegram polling', () => {
  let tg: FakeTelegramServer;
  let zalo: FakeZaloServer;
  let kit: ChannelKit;
  let bot: EchoBot;

  beforeEach(async () => {
    tg = await new FakeTelegramServer().start();
    zalo = await new FakeZaloServer().start();
    bot = new EchoBot();
    kit = await channelKit(
      {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.url,
        ZALO_APP_ID: zalo.appId,
        ZALO_APP_SECRET: zalo.appSecret,
        ZALO_OA_SECRET_KEY: zalo.oaSecretKey,
        ZALO_REFRESH_TOKEN: zalo.refreshToken,
        ZALO_API_ROOT: zalo.url,
        ZALO_OAUTH_ROOT: zalo.url,
      },
      { bot, retry: FAST_RETRY, sleep: async () => undefined, webPollMs: 50 },
    );
  });

  afterEach(async () => {
    await kit.close();
    await tg.stop();
    await zalo.stop();
  });

  const tgRef: ChannelRef = { channel: 'telegram', userId: '300', conversationId: '300' };
  const kindOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) =>
        e instanceof ChannelSendError ? { kind: e.kind, retryAfterMs: e.retryAfterMs } : String(e),
    );

  it('should offer a sender per configured channel, web always', () => {
    const senders = createChannelSenders(kit.deps);
    expect(Object.keys(senders).sort()).toEqual(['telegram', 'web', 'zalo']);
    const { telegram: _t, zalo: _z, ...rest } = kit.deps.config;
    expect(
      Object.keys(createChannelSenders({ ...kit.deps, config: rest as typeof kit.deps.config })),
    ).toEqual(['web']);
  });

  it('should map Telegram failures to kinds: 429 with retry_after, 5xx, timeout, permanent', async () => {
    const sender = createChannelSenders(kit.deps).telegram!;
    tg.failNext('sendMessage', {
      times: 1,
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 35',
        parameters: { retry_after: 35 },
      },
    });
    expect(await kindOf(sender.send(tgRef, { text: 'a' }))).toEqual({
      kind: 'rate_limited',
      retryAfterMs: 35_000,
    });
    tg.failNext('sendMessage', { times: 1, status: 502 });
    expect(await kindOf(sender.send(tgRef, { text: 'b' }))).toEqual({
      kind: 'transient',
      retryAfterMs: undefined,
    });
    tg.failNext('sendMessage', {
      times: 1,
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    expect(await kindOf(sender.send(tgRef, { text: 'c' }))).toEqual({
      kind: 'permanent',
      retryAfterMs: undefined,
    });
    const slow = new TelegramSender(new TelegramApi(kit.deps.config.telegram!, 150), kit.deps.files);
    tg.failNext('sendMessage', { times: 1, status: 200, delayMs: 600 });
    expect(await kindOf(slow.send(tgRef, { text: 'd' }))).toEqual({
      kind: 'transient',
      retryAfterMs: undefined,
    });
    expect(await kindOf(sender.send(tgRef, { text: 'e' }))).toBe('ok');
  });

  it('should send a long Telegram answer in parts and its documents from the file store', async () => {
    const stored = await kit.deps.files.put(PDF);
    const text = `${'Trả lời. '.repeat(600)}`.trim();
    const out = await createChannelSenders(kit.deps).telegram!.send(tgRef, {
      text,
      files: [{ name: 'tra-loi.pdf', mediaType: 'application/pdf', storageKey: stored.key }],
    });
    expect(out.messageId).toBeDefined();
    const parts = tg.textsTo(300);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(tg.callsOf('sendDocument')).toHaveLength(1);
  });

  it('should map Zalo outside-window to its kind and send documents as OA files', async () => {
    const sender = createChannelSenders(kit.deps).zalo!;
    const ref: ChannelRef = { channel: 'zalo', userId: 'z1', conversationId: 'z1' };
    zalo.failNext('cs', {
      times: 1,
      status: 200,
      body: { error: -230, message: 'User has not interacted with the OA in the past 7 days' },
    });
    expect(await kindOf(sender.send(ref, { text: 'a' }))).toEqual({
      kind: 'outside_window',
      retryAfterMs: undefined,
    });
    zalo.failNext('cs', { times: 1, status: 200, body: { error: -201, message: 'invalid' } });
    expect(await kindOf(sender.send(ref, { text: 'b' }))).toEqual({
      kind: 'permanent',
      retryAfterMs: undefined,
    });
    const stored = await kit.deps.files.put(PDF);
    await sender.send(ref, {
      text: 'Trả lời',
      files: [{ name: 'tra-loi.pdf', mediaType: 'application/pdf', storageKey: stored.key }],
    });
    expect(zalo.calls.filter((c) => c.path === '/v2.0/oa/upload/file')).toHaveLength(1);
    const last = zalo.calls.filter((c) => c.path === '/v3.0/oa/message/cs').pop()!;
    expect(last.params.message).toMatchObject({
      attachment: { type: 'file', payload: { token: expect.stringMatching(/^ft-/) } },
    });
  });

  it('should append a web answer to the session, pushed to an open page, and refuse an expired session', async () => {
    const session = await kit.channels.web.store.create('vi');
    const stream = await openSse(`${kit.url}/api/webchat/sessions/${session.id}/events`);
    try {
      const sender = createChannelSenders(kit.deps).web!;
      const ref: ChannelRef = { channel: 'web', userId: session.id, conversationId: session.id };
      await sender.send(ref, { text: 'Cơ quan đã trả lời PAKN của bạn.' });
      await stream.waitFor(1);
      expect(JSON.parse(stream.events[0]!.data)).toMatchObject({
        from: 'bot',
        text: 'Cơ quan đã trả lời PAKN của bạn.',
      });
      const gone: ChannelRef = { channel: 'web', userId: 'A'.repeat(22), conversationId: 'A'.repeat(22) };
      expect(await kindOf(sender.send(gone, { text: 'x' }))).toEqual({
        kind: 'permanent',
        retryAfterMs: undefined,
      });
    } finally {
      stream.close();
    }
  });

  it('should long-poll getUpdates after deleteWebhook, answer, and stop cleanly', async () => {
    const polling = pollTelegram(kit.channels.telegram!, { timeoutSec: 1 });
    tg.pushUpdate(textUpdate('một', { userId: 400 }));
    tg.pushUpdate(textUpdate('hai', { userId: 400 }));
    await tg.waitUntil(() => tg.textsTo(400).length === 2, 5000, 'two replies');
    tg.failNext('getUpdates', { times: 1, status: 502 });
    tg.pushUpdate(textUpdate('ba', { userId: 400 }));
    await tg.waitUntil(() => tg.textsTo(400).length === 3, 8000, 'third reply after a 502');
    await polling.stop();
    expect(tg.textsTo(400)).toEqual(['echo: một', 'echo: hai', 'echo: ba']);
    expect(tg.calls[0]!.method).toBe('deleteWebhook');
    const offsets = tg.callsOf('getUpdates').map((c) => Number(c.params.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b)); // the offset only advances
  });
});

describe('Telegram webhook registration', () => {
  it('should call setWebhook with the secret for an https base URL in webhook mode only', async () => {
    const tg = await new FakeTelegramServer().start();
    const kit = await channelKit(
      { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_SECRET: 'sec_1' },
      { bot: new EchoBot() },
    );
    try {
      const ch = kit.channels.telegram!;
      expect(await ensureTelegramWebhook(ch, 'http://localhost:3000')).toBe(false);
      expect(await ensureTelegramWebhook(ch, 'https://pakn.example.vn')).toBe(true);
      expect(tg.callsOf('setWebhook').map((c) => c.params)).toEqual([
        {
          url: 'https://pakn.example.vn/webhooks/telegram',
          secret_token: 'sec_1',
          allowed_updates: ['message', 'callback_query'],
          max_connections: 40,
        },
      ]);
    } finally {
      await kit.close();
      await tg.stop();
    }
  });
});
