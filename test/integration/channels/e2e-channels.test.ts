import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config/config';
import { createDeps, closeDeps } from '../../../src/app/create-deps';
import type { AppDeps } from '../../../src/deps';
import { buildApp } from '../../../src/http/app';
import { createLogger } from '../../../src/shared/logger';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { FakeZaloServer } from '../../fakes/fake-zalo-server';
import { contactUpdate, photoUpdate, textUpdate } from '../../fakes/telegram-updates';
import { zaloImage, zaloText } from '../../fakes/zalo-events';
import { request } from './channel-test-kit';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(2000, 3),
]);
const CODE_RE = /\b([0-9A-Z]{4}-[0-9A-Z]{4})\b/;
const SECRET = 'e2e-secret';

/**
 * From /start to a tracking code, then a status lookup by that code, on each channel, through the real
 * HTTP server (buildApp with the SQLite store, the real dialogs) and local fake Telegram and Zalo APIs.
 */
describe('end to end on every channel (real app, fake channel APIs)', () => {
  let tg: FakeTelegramServer;
  let zalo: FakeZaloServer;
  let deps: AppDeps;
  let app: FastifyInstance;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    tg = await new FakeTelegramServer().start();
    zalo = await new FakeZaloServer().start();
    dir = mkdtempSync(join(tmpdir(), 'pakn-e2e-'));
    const config = loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      ZALO_APP_ID: zalo.appId,
      ZALO_APP_SECRET: zalo.appSecret,
      ZALO_OA_SECRET_KEY: zalo.oaSecretKey,
      ZALO_REFRESH_TOKEN: zalo.refreshToken,
      ZALO_API_ROOT: zalo.url,
      ZALO_OAUTH_ROOT: zalo.url,
    });
    deps = await createDeps(config, createLogger('silent'));
    await deps.stores.agencies.upsert({
      code: 'vpcp',
      name: 'Văn phòng Chính phủ',
      kind: 'central',
      parent: null,
      reviewBeforePublish: false,
      active: true,
    });
    await deps.stores.agencies.upsert({
      code: 'hno',
      name: 'UBND TP Hà Nội',
      kind: 'province',
      parent: 'vpcp',
      reviewBeforePublish: false,
      active: true,
    });
    // The bot is built from these deps: a fixed captcha source makes the web security code known (22222).
    app = await buildApp(Object.assign(deps, { captchaRandom: () => 0 }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app.close();
    await closeDeps(deps);
    await tg.stop();
    await zalo.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should file a PAKN on Telegram with a photo and a shared phone, look it up by code, then answer a request for information', async () => {
    const chat = 5001;
    let seen = 0;
    const say = async (update: object): Promise<string> => {
      const r = await request(url, 'POST', '/webhooks/telegram', {
        headers: { 'x-telegram-bot-api-secret-token': SECRET },
        json: update,
      });
      expect(r.statusCode).toBe(200);
      await app.channels.telegram!.outbox.drain();
      const texts = tg.textsTo(chat);
      const fresh = texts.slice(seen).join('\n');
      seen = texts.length;
      return fresh;
    };
    const u = { userId: chat, chatId: chat, languageCode: 'vi' };
    expect(await say(textUpdate('/start', u))).toContain('Xin chào');
    expect(await say(textUpdate('Gửi PAKN mới', u))).toContain('dữ liệu cá nhân');
    await say(textUpdate('Đồng ý', u));
    await say(textUpdate('1', u));
    expect(await say(textUpdate('1', u))).toContain('tiêu đề');
    await say(textUpdate('Đèn đường hỏng trước cổng trường', u));
    await say(textUpdate('Đèn đường ở ngõ 12 đã hỏng hai tuần, buổi tối rất tối và nguy hiểm.', u));
    await say(textUpdate('xong', u));
    tg.addFile('photo-1', PNG, 'photos/file_1.png');
    expect(await say(photoUpdate('photo-1', { ...u, size: PNG.length }))).toContain('(1/5)');
    expect(await say(textUpdate('/done', u))).toContain('họ và tên');
    await say(textUpdate('Nguyễn Văn An', u));
    const phonePrompt = tg
      .callsOf('sendMessage')
      .filter((c) => String(c.params.chat_id) === String(chat))
      .pop()!;
    expect(JSON.stringify(phonePrompt.params.reply_markup)).toContain('"request_contact":true');
    expect(await say(contactUpdate('+84912345678', u))).toContain('email');
    const summary = await say(textUpdate('/skip', u));
    expect(summary).toContain('+84912345678');
    const done = await say(textUpdate('Gửi PAKN', u));
    const code = CODE_RE.exec(done)?.[1];
    expect(code).toBeDefined();
    const stored = await deps.stores.complaints.getByCode(code!.replace('-', ''));
    expect(stored).toMatchObject({ channelRef: { channel: 'telegram', conversationId: String(chat) } });
    expect(stored!.attachments).toHaveLength(1);
    const status = await say(textUpdate(`/status ${code}`, u));
    expect(status).toContain(`PAKN ${code}`);
    expect(status).toContain('Trạng thái');

    // An officer asks for more information; the citizen answers in the same chat, with a photo.
    const c = (await deps.stores.complaints.getByCode(stored!.code))!;
    const at = new Date();
    await deps.stores.complaints.update(c.code, c.version, {
      at,
      status: 'awaiting_info',
      appendHistory: [
        {
          id: 'req-e2e',
          at,
          type: 'info_requested',
          actor: { kind: 'officer', id: 'o1', agency: 'vpcp' },
          note: 'Xin gửi ảnh cột đèn.',
        },
      ],
    });
    const asked = await say(textUpdate('Tôi gửi ảnh cột đèn.', u));
    expect(asked).toContain(`Bổ sung cho PAKN ${code}`);
    tg.addFile('photo-2', PNG, 'photos/file_2.png');
    expect(await say(photoUpdate('photo-2', { ...u, size: PNG.length }))).toContain('(1/5)');
    expect(await say(textUpdate('xong', u))).toContain(`Đã bổ sung thông tin vào PAKN ${code}`);
    const after = (await deps.stores.complaints.getByCode(stored!.code))!;
    expect(after.status).toBe('processing');
    expect(after.supplements).toHaveLength(1);
    expect(after.supplements[0]!.attachments).toHaveLength(1);
  });

  it('should file a PAKN on Zalo with an image, then look it up by code', async () => {
    const user = 'zalo-user-77';
    let seen = 0;
    const say = async (event: Record<string, unknown>): Promise<string> => {
      const { body, signature } = zalo.signEvent(event);
      const r = await request(url, 'POST', '/webhooks/zalo', {
        headers: { 'content-type': 'application/json', 'x-zevent-signature': signature },
        body,
      });
      expect(r.statusCode).toBe(200);
      await app.channels.zalo!.outbox.drain();
      const texts = zalo.sentTexts(user);
      const fresh = texts.slice(seen).join('\n');
      seen = texts.length;
      return fresh;
    };
    expect(await say(zaloText(user, '/start'))).toContain('Xin chào');
    expect(await say(zaloText(user, '1'))).toContain('dữ liệu cá nhân');
    await say(zaloText(user, 'Đồng ý'));
    await say(zaloText(user, '1'));
    await say(zaloText(user, '1'));
    await say(zaloText(user, 'Rác thải tồn đọng ở chợ'));
    await say(zaloText(user, 'Rác thải tồn đọng nhiều ngày ở cổng chợ, gây mùi khó chịu.'));
    await say(zaloText(user, 'xong'));
    const imageUrl = zalo.addFile('cho.png', PNG);
    expect(await say(zaloImage(user, imageUrl))).toContain('(1/5)');
    await say(zaloText(user, '/done'));
    await say(zaloText(user, 'Trần Thị Bình'));
    await say(zaloText(user, '0987654321'));
    expect(await say(zaloText(user, 'bỏ qua'))).toContain('+84987654321');
    const done = await say(zaloText(user, 'Gửi PAKN'));
    const code = CODE_RE.exec(done)?.[1];
    expect(code).toBeDefined();
    const stored = await deps.stores.complaints.getByCode(code!.replace('-', ''));
    expect(stored).toMatchObject({ channelRef: { channel: 'zalo', userId: user } });
    const status = await say(zaloText(user, `tra cứu ${code}`));
    expect(status).toContain(`PAKN ${code}`);
  });

  it('should open a web chat session on the greeting and menu, in its language, before anything is typed', async () => {
    const open = async (locale?: string) => {
      const created = await request(url, 'POST', '/api/webchat/sessions', { json: locale ? { locale } : {} });
      expect(created.statusCode).toBe(201);
      const id = created.json().sessionId as string;
      const session = (await request(url, 'GET', `/api/webchat/sessions/${id}`)).json();
      return {
        id,
        messages: session.messages as Array<{ from: string; text?: string; choices?: string[] }>,
      };
    };
    const en = await open('en');
    expect(en.messages).toHaveLength(1);
    expect(en.messages[0]).toMatchObject({ from: 'bot' });
    expect(en.messages[0]!.text).toContain('Hello!');
    expect(en.messages[0]!.text).toContain('What would you like to do?');
    expect(en.messages[0]!.choices).toEqual(expect.arrayContaining(['Send a new PAKN', 'Help']));
    const vi = await open();
    expect(vi.messages).toHaveLength(1);
    expect(vi.messages[0]!.text).toContain('Xin chào!');
    expect(vi.messages[0]!.choices).toEqual(expect.arrayContaining(['Gửi PAKN mới', 'Tra cứu PAKN bằng mã']));
    // The menu is live: its first option starts the intake at the consent step.
    const r = await request(url, 'POST', `/api/webchat/sessions/${en.id}/messages`, { json: { text: '1' } });
    expect(r.statusCode).toBe(202);
    const after = (await request(url, 'GET', `/api/webchat/sessions/${en.id}`)).json().messages as Array<{
      from: string;
      text?: string;
    }>;
    expect(after.map((m) => m.from)).toEqual(['bot', 'user', 'bot']);
    expect(after[2]!.text).toContain('Do you agree to us processing this personal data?');
  });

  it('should file a PAKN on the web chat in English with the security code, then look it up by code', async () => {
    const created = await request(url, 'POST', '/api/webchat/sessions', { json: { locale: 'en' } });
    const id = created.json().sessionId as string;
    let seen = 0;
    const say = async (text: string): Promise<string> => {
      const r = await request(url, 'POST', `/api/webchat/sessions/${id}/messages`, { json: { text } });
      expect(r.statusCode).toBe(202);
      const all = (await request(url, 'GET', `/api/webchat/sessions/${id}`)).json().messages as Array<{
        from: string;
        text?: string;
        images?: unknown[];
      }>;
      const fresh = all.slice(seen).filter((m) => m.from === 'bot');
      seen = all.length;
      return fresh.map((m) => `${m.text ?? ''}${m.images?.length ? ' [image]' : ''}`).join('\n');
    };
    expect(await say('/start')).toContain('1.');
    await say('1');
    await say('I agree');
    await say('1');
    await say('1');
    await say('Broken street light');
    await say('The street light in lane 12 has been broken for two weeks.');
    await say('/done');
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'street.png');
    const up = await request(url, 'POST', `/api/webchat/sessions/${id}/files`, { body: form });
    expect(up.statusCode).toBe(202);
    await say('/done');
    await say('Nguyen Van An');
    await say('0912345678');
    await say('/skip');
    const challenge = await say('Send PAKN');
    expect(challenge).toContain('[image]');
    const done = await say('22222');
    const code = CODE_RE.exec(done)?.[1];
    expect(code).toBeDefined();
    const stored = await deps.stores.complaints.getByCode(code!.replace('-', ''));
    expect(stored).toMatchObject({ channelRef: { channel: 'web', conversationId: id }, locale: 'en' });
    expect(stored!.attachments).toHaveLength(1);
    const status = await say(code!);
    expect(status).toContain(`PAKN ${code}`);
  });
});
