import { FakeZaloServer } from '../../fakes/fake-zalo-server';
import { EchoBot } from '../../fakes/echo-bot';
import { zaloFile, zaloFollow, zaloImage, zaloText } from '../../fakes/zalo-events';
import { ZaloClient } from '../../../bots/zalo/zalo-client';
import { ZaloTokenStore, ZALO_TOKENS_KEY } from '../../../bots/zalo/zalo-token-store';
import { zaloSignature } from '../../../bots/zalo/zalo-signature';
import { ChannelSendError } from '../../../src/domain/ports/channel-sender';
import { createLogger } from '../../../src/shared/logger';
import { channelKit, FAST_RETRY, request, type ChannelKit } from './channel-test-kit';

describe('Zalo OA webhook (fake Open API)', () => {
  let zalo: FakeZaloServer;
  let kit: ChannelKit;
  let bot: EchoBot;
  const slept: number[] = [];

  beforeEach(async () => {
    zalo = await new FakeZaloServer().start();
    bot = new EchoBot();
    slept.length = 0;
    kit = await channelKit(
      {
        ZALO_APP_ID: zalo.appId,
        ZALO_APP_SECRET: zalo.appSecret,
        ZALO_OA_SECRET_KEY: zalo.oaSecretKey,
        ZALO_REFRESH_TOKEN: zalo.refreshToken,
        ZALO_API_ROOT: zalo.url,
        ZALO_OAUTH_ROOT: zalo.url,
      },
      { bot, retry: FAST_RETRY, sleep: async (ms) => void slept.push(ms) },
    );
  });

  afterEach(async () => {
    await kit.close();
    await zalo.stop();
  });

  const post = (body: string, signature: string | null) =>
    request(kit.url, 'POST', '/webhooks/zalo', {
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'x-zevent-signature': signature }),
      },
      body,
    });
  const send = (event: Record<string, unknown>) => {
    const { body, signature } = zalo.signEvent(event);
    return post(body, signature);
  };
  const drain = () => kit.channels.zalo!.outbox.drain();

  it('should refuse a missing or wrong signature with 401 and store nothing', async () => {
    const event = zaloText('u1', 'xin chào');
    const { body, signature } = zalo.signEvent(event);
    expect((await post(body, null)).statusCode).toBe(401);
    // Signed with the app secret instead of the OA secret key: wrong.
    expect(
      (await post(body, zaloSignature(zalo.appId, body, event.timestamp, zalo.appSecret))).statusCode,
    ).toBe(401);
    // The body changed after signing (re-serialised, one space added): the hash no longer matches.
    expect((await post(body.replace('{', '{ '), signature)).statusCode).toBe(401);
    expect(bot.seen).toHaveLength(0);
    expect(zalo.calls).toHaveLength(0);
    expect((await post(body, signature)).statusCode).toBe(200);
    expect(bot.seen).toHaveLength(1);
  });

  it('should answer a text event with one CS message carrying the access token (refreshed from the refresh token)', async () => {
    expect((await send(zaloText('u2', 'xin chào'))).statusCode).toBe(200);
    await drain();
    const a = bot.seen[0]!;
    expect(a).toMatchObject({ channelId: 'zalo', text: 'xin chào' });
    expect(a.from.id).toBe('u2');
    expect(a.conversation.id).toBe('u2');
    expect(zalo.refreshCount).toBe(1); // no access token in config: obtained with the refresh token
    expect(zalo.sentTexts('u2')).toEqual(['echo: xin chào']);
    // The message opened the free reply window (8 in 48 h) and the echo used one of them.
    expect(await kit.channels.zalo!.replyWindow.check('u2', 7)).toBe('ok');
    expect(await kit.channels.zalo!.replyWindow.check('u2', 8)).toBe('quota_used');
  });

  it('should process a redelivered event once', async () => {
    const e = zaloText('u3', 'một lần');
    const rs = await Promise.all([send(e), send(e)]);
    expect(rs.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await send(e)).json().duplicate).toBe(true);
    await drain();
    expect(bot.seen).toHaveLength(1);
    expect(zalo.sentTexts('u3')).toEqual(['echo: một lần']);
  });

  it('should acknowledge events it does not handle (follow) without running a turn', async () => {
    expect((await send(zaloFollow('u4'))).statusCode).toBe(200);
    expect(bot.seen).toHaveLength(0);
  });

  it('should download an image attachment, and refuse a file over the cap without fetching it', async () => {
    const url = zalo.addFile('anh.jpg', Buffer.alloc(3000, 1));
    await send(zaloImage('u5', url, 'ảnh'));
    const big = zalo.addFile('lon.pdf', Buffer.alloc(10));
    await send(zaloFile('u5', big, 'lon.pdf', 5 * 1024 * 1024));
    await drain();
    expect(zalo.sentTexts('u5')).toEqual([
      'file image-1.jpg: 3000 bytes\n\necho: ảnh',
      'file refused: limits.file_too_large',
    ]);
    expect(zalo.downloads).toEqual(['anh.jpg']);
  });

  it('should merge the messages of a turn and number the choices', async () => {
    await send(zaloText('u6', 'menu'));
    await drain();
    expect(zalo.sentTexts('u6')).toEqual([
      'Chọn:\n\nTrả lời bằng số thứ tự hoặc nội dung lựa chọn:\n1. Gửi PAKN\n2. Tra cứu\n3. Trợ giúp',
    ]);
  });

  it('should refresh an expired access token once (-216), persist the rotated refresh token, and resend', async () => {
    await send(zaloText('u7', 'một'));
    await drain();
    zalo.expireAccessToken();
    await send(zaloText('u7', 'hai'));
    await drain();
    expect(zalo.refreshCount).toBe(2);
    expect(zalo.sentTexts('u7')).toEqual(['echo: một', 'echo: hai']);
    const stored = (await kit.deps.stores.conversations.read([ZALO_TOKENS_KEY]))[ZALO_TOKENS_KEY]!;
    expect(stored.refreshToken).toBe(zalo.refreshToken);
    expect(stored.accessToken).toBe(zalo.accessToken);
    // A restarted process finds the rotated tokens (the configured refresh token is spent).
    const client = new ZaloClient(
      kit.deps.config.zalo!,
      new ZaloTokenStore(kit.deps.stores.conversations),
      kit.deps.clock,
      createLogger('silent'),
    );
    await client.sendText('u7', 'ba');
    expect(zalo.refreshCount).toBe(2);
    expect(zalo.sentTexts('u7')).toEqual(['echo: một', 'echo: hai', 'ba']);
  });

  it('should refresh before the access token expires', async () => {
    let now = Date.parse('2026-11-28T00:00:00Z');
    const clock = { now: () => new Date(now) };
    const client = new ZaloClient(
      kit.deps.config.zalo!,
      new ZaloTokenStore(kit.deps.stores.conversations),
      clock,
      createLogger('silent'),
    );
    await client.sendText('u8', 'một');
    expect(zalo.refreshCount).toBe(1);
    now += (zalo.expiresInSec - 5 * 60) * 1000; // 5 minutes before expiry
    await client.sendText('u8', 'hai');
    expect(zalo.refreshCount).toBe(2);
    expect(
      zalo.calls.filter((c) => c.path === '/v3.0/oa/message/cs').every((c) => c.accessToken !== undefined),
    ).toBe(true);
  });

  it('should retry a 5xx, and not retry outside the messaging window (-230)', async () => {
    zalo.failNext('cs', { times: 1, status: 503 });
    await send(zaloText('u9', 'một'));
    await drain();
    expect(zalo.sentTexts('u9')).toEqual(['echo: một']);
    expect(slept).toHaveLength(1);

    zalo.failNext('cs', {
      times: 1,
      status: 200,
      body: { error: -230, message: 'User has not interacted with the OA in the past 7 days' },
    });
    const client = new ZaloClient(
      kit.deps.config.zalo!,
      new ZaloTokenStore(kit.deps.stores.conversations),
      kit.deps.clock,
      createLogger('silent'),
    );
    await expect(client.sendText('u9', 'hai')).rejects.toMatchObject({ kind: 'outside_window' });
    await expect(client.sendText('u9', 'ba')).resolves.toBeDefined();
    zalo.failNext('cs', { times: 1, status: 429, body: { error: 429 } });
    const err = await client.sendText('u9', 'bốn').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).kind).toBe('rate_limited');
  });
});
