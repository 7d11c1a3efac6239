import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { contactUpdate, documentUpdate, photoUpdate, textUpdate } from '../../fakes/telegram-updates';
import { EchoBot } from '../../fakes/echo-bot';
import { channelKit, FAST_RETRY, request, type ChannelKit } from './channel-test-kit';

const SECRET = 'test_secret-123';

describe('Telegram webhook (fake Bot API)', () => {
  let tg: FakeTelegramServer;
  let kit: ChannelKit;
  let bot: EchoBot;
  const slept: number[] = [];

  beforeEach(async () => {
    tg = await new FakeTelegramServer().start();
    bot = new EchoBot();
    slept.length = 0;
    kit = await channelKit(
      { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
      {
        bot,
        retry: FAST_RETRY,
        // Records the waits instead of sleeping them (a 429's retry_after is seconds).
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
  });

  afterEach(async () => {
    await kit.close();
    await tg.stop();
  });

  const post = (update: unknown, secret: string | null = SECRET) =>
    request(kit.url, 'POST', '/webhooks/telegram', {
      headers: secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret },
      json: update,
    });
  const drain = () => kit.channels.telegram!.outbox.drain();

  it('should refuse a missing or wrong secret with 401 and store nothing', async () => {
    const u = textUpdate('xin chào');
    expect((await post(u, null)).statusCode).toBe(401);
    expect((await post(u, 'wrong')).statusCode).toBe(401);
    expect((await post(u, SECRET + 'x')).statusCode).toBe(401);
    expect(bot.seen).toHaveLength(0);
    // The update id was not claimed: the genuine delivery is processed.
    expect(await kit.deps.stores.dedupe.claim(`tg:${u.update_id}`, 1000)).toBe(true);
    expect(tg.callsOf('sendMessage')).toHaveLength(0);
  });

  it('should map a text update to an Activity and reply through sendMessage', async () => {
    const res = await post(textUpdate('xin chào', { userId: 42, chatId: 42, languageCode: 'en' }));
    expect(res.statusCode).toBe(200);
    await drain();
    const a = bot.seen[0]!;
    expect(a).toMatchObject({ type: 'message', channelId: 'telegram', text: 'xin chào', locale: 'en' });
    expect(a.from.id).toBe('42');
    expect(a.conversation.id).toBe('42');
    expect(tg.textsTo(42)).toEqual(['echo: xin chào']);
    expect(tg.callsOf('sendMessage')[0]!.params.reply_markup).toEqual({ remove_keyboard: true });
  });

  it('should process a redelivered update once and acknowledge both deliveries', async () => {
    const u = textUpdate('một lần', { userId: 7 });
    const [r1, r2] = await Promise.all([post(u), post(u)]);
    const r3 = await post(u);
    expect([r1.statusCode, r2.statusCode, r3.statusCode]).toEqual([200, 200, 200]);
    await drain();
    expect(bot.seen).toHaveLength(1);
    expect(tg.textsTo(7)).toEqual(['echo: một lần']);
    expect([r1, r2, r3].filter((r) => r.json().duplicate === true)).toHaveLength(2);
  });

  it('should release the claim when the turn fails, so Telegram’s retry is processed', async () => {
    const u = textUpdate('boom', { userId: 8 });
    expect((await post(u)).statusCode).toBe(500);
    bot.seen.length = 0;
    expect((await post(u)).statusCode).toBe(500);
    expect(bot.seen).toHaveLength(1); // processed again, not swallowed as a duplicate
  });

  it('should download the largest photo size through getFile and the file URL', async () => {
    const bytes = Buffer.alloc(50_000, 7);
    tg.addFile('ph1', bytes, 'photos/file_1.jpg');
    expect(
      (await post(photoUpdate('ph1', { userId: 9, caption: 'ảnh hiện trường', size: bytes.length })))
        .statusCode,
    ).toBe(200);
    await drain();
    expect(tg.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['ph1']);
    expect(tg.textsTo(9)).toEqual(['file photo-ph1-u.jpg: 50000 bytes', 'echo: ảnh hiện trường']);
    const att = bot.seen[0]!.attachments![0]!;
    expect(att.content).toMatchObject({ kind: 'photo', size: 50_000 });
  });

  it('should refuse a document over the size cap without fetching it', async () => {
    tg.addFile('big', Buffer.alloc(10));
    await post(documentUpdate('big', { userId: 10, size: 5 * 1024 * 1024, fileName: 'lon.pdf' }));
    await drain();
    expect(tg.callsOf('getFile')).toHaveLength(0);
    expect(tg.textsTo(10)).toEqual(['file refused: limits.file_too_large']);
  });

  it('should stop a download that turns out larger than the cap', async () => {
    // The document claims 100 bytes; the file is 2 MB.
    tg.addFile('liar', Buffer.alloc(2 * 1024 * 1024, 1));
    await post(documentUpdate('liar', { userId: 11, size: 100 }));
    await drain();
    expect(tg.textsTo(11)).toEqual(['file refused: limits.file_too_large']);
  });

  it('should pass the citizen’s own shared contact, not a forwarded one', async () => {
    await post(contactUpdate('+84901234567', { userId: 12 }));
    await post(contactUpdate('+84909999999', { userId: 12, contactUserId: 999 }));
    await drain();
    expect(bot.seen[0]!.channelData.contact).toEqual({ phoneNumber: '+84901234567' });
    expect(bot.seen[1]!.channelData.contact.phoneNumber).toBeUndefined();
    expect(tg.textsTo(12)).toEqual(['phone: +84901234567']);
  });

  it('should render choices as a reply keyboard and a contact request as a request_contact button', async () => {
    await post(textUpdate('menu', { userId: 13 }));
    await post(textUpdate('phone', { userId: 13 }));
    await drain();
    const [menu, phone] = tg.callsOf('sendMessage');
    expect(menu!.params.reply_markup).toEqual({
      keyboard: [[{ text: 'Gửi PAKN' }, { text: 'Tra cứu' }, { text: 'Trợ giúp' }]],
      resize_keyboard: true,
      one_time_keyboard: true,
    });
    expect(phone!.params.reply_markup).toMatchObject({
      keyboard: [[{ text: '📱 Gửi số điện thoại của tôi', request_contact: true }]],
    });
  });

  it('should split a message over 4096 characters, in order, on boundaries', async () => {
    await post(textUpdate('long', { userId: 14 }));
    await drain();
    const parts = tg.textsTo(14);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    // Cut between sentences, not inside a word (the last part ends where the bot's text ends).
    for (const p of parts.slice(0, -1)) expect(p.endsWith('.')).toBe(true);
    // Nothing lost or reordered: the parts joined give the original text (up to the whitespace at the cuts).
    const para = 'Đoạn văn dài. '.repeat(200).trim();
    const original = [para, para, para, para].join('\n\n').slice(0, 9000);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(original.replace(/\s+/g, ' ').trim());
  });

  it('should wait retry_after on a 429 and then deliver', async () => {
    tg.failNext('sendMessage', {
      times: 1,
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 3',
        parameters: { retry_after: 3 },
      },
    });
    await post(textUpdate('một', { userId: 15 }));
    await drain();
    expect(slept).toEqual([3000]);
    expect(tg.callsOf('sendMessage')).toHaveLength(2);
    expect(tg.textsTo(15)).toEqual(['echo: một', 'echo: một']); // the refused call is recorded too
    expect(kit.channels.telegram!.outbox.failedCount).toBe(0);
  });

  it('should retry 5xx with backoff and keep the replies of one chat in order', async () => {
    tg.failNext('sendMessage', { times: 2, status: 502 });
    await post(textUpdate('một', { userId: 16 }));
    await post(textUpdate('hai', { userId: 16 }));
    await post(textUpdate('ba', { userId: 16 }));
    await drain();
    expect(slept).toHaveLength(2);
    const delivered = tg
      .callsOf('sendMessage')
      .slice(2)
      .map((c) => c.params.text);
    expect(delivered).toEqual(['echo: một', 'echo: hai', 'echo: ba']);
  });

  it('should give up on a permanent error (bot blocked) without retrying', async () => {
    tg.failNext('sendMessage', {
      times: 1,
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    await post(textUpdate('x', { userId: 17 }));
    await drain();
    expect(tg.callsOf('sendMessage')).toHaveLength(1);
    expect(kit.channels.telegram!.outbox.failedCount).toBe(1);
  });

  it('should run the turns of one chat one at a time', async () => {
    bot.delayMs = 30;
    let running = 0;
    let maxRunning = 0;
    const orig = bot.run.bind(bot);
    bot.run = async (ctx) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await orig(ctx);
      } finally {
        running--;
      }
    };
    await Promise.all([
      post(photoUpdate('a', { userId: 18 })),
      post(photoUpdate('b', { userId: 18 })),
      post(textUpdate('c', { userId: 18 })),
    ]);
    expect(maxRunning).toBe(1);
  });
});
