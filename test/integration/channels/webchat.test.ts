import { EchoBot } from '../../fakes/echo-bot';
import { openSse, type SseStream } from '../../fakes/sse-client';
import { channelKit, request, type ChannelKit } from './channel-test-kit';
import type { TurnContext } from 'botbuilder';

describe('Web chat (session API, SSE, page)', () => {
  let kit: ChannelKit;
  let bot: EchoBot;
  const streams: SseStream[] = [];

  beforeEach(async () => {
    bot = new EchoBot();
    kit = await channelKit({ MAX_FILE_MB: '1' }, { bot, webPollMs: 50 });
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await kit.close();
  });

  const newSession = async (locale?: string) => {
    const r = await request(kit.url, 'POST', '/api/webchat/sessions', { json: locale ? { locale } : {} });
    expect(r.statusCode).toBe(201);
    return r.json().sessionId as string;
  };
  const say = (id: string, text: string, clientMessageId?: string) =>
    request(kit.url, 'POST', `/api/webchat/sessions/${id}/messages`, {
      json: clientMessageId ? { text, clientMessageId } : { text },
    });
  const sse = async (id: string, headers: Record<string, string> = {}, query = '') => {
    const s = await openSse(`${kit.url}/api/webchat/sessions/${id}/events${query}`, headers);
    streams.push(s);
    return s;
  };
  const data = (s: SseStream) => s.events.map((e) => JSON.parse(e.data));

  it('should create opaque random session ids and refuse unknown ones', async () => {
    const a = await newSession();
    const b = await newSession();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a).not.toBe(b);
    expect((await say('AAAAAAAAAAAAAAAAAAAAAA', 'hi')).statusCode).toBe(404);
    expect((await request(kit.url, 'GET', `/api/webchat/sessions/${'x'.repeat(22)}/events`)).statusCode).toBe(
      404,
    );
    expect((await request(kit.url, 'GET', '/api/webchat/sessions/../../etc')).statusCode).toBe(404);
  });

  it('should run a turn with the session as user and conversation, and push both lines by SSE', async () => {
    const id = await newSession('en');
    const stream = await sse(id);
    expect((await say(id, 'xin chào')).statusCode).toBe(202);
    await stream.waitFor(2);
    expect(data(stream).map((m) => [m.seq, m.from, m.text])).toEqual([
      [1, 'user', 'xin chào'],
      [2, 'bot', 'echo: xin chào'],
    ]);
    expect(stream.events.map((e) => e.id)).toEqual(['1', '2']);
    const a = bot.seen[0]!;
    expect(a).toMatchObject({ channelId: 'web', text: 'xin chào', locale: 'en' });
    expect(a.from.id).toBe(id);
    expect(a.conversation.id).toBe(id);
  });

  it('should resume after Last-Event-ID, and replay what was pushed while away', async () => {
    const id = await newSession();
    await say(id, 'một');
    await say(id, 'hai');
    const resumed = await sse(id, { 'last-event-id': '2' });
    await resumed.waitFor(2);
    expect(data(resumed).map((m) => m.text)).toEqual(['hai', 'echo: hai']);
    // An answer appended while nobody listens (the web ChannelSender does this from the workers).
    await kit.channels.web.store.append(id, [{ from: 'bot', text: 'Câu trả lời' }]);
    const back = await sse(id, {}, '?after=4');
    await back.waitFor(1);
    expect(data(back).map((m) => m.text)).toEqual(['Câu trả lời']);
    // The stream that was open gets it too (by polling the store, as from another process).
    await resumed.waitFor(3);
    expect(data(resumed)[2].text).toBe('Câu trả lời');
    const history = (await request(kit.url, 'GET', `/api/webchat/sessions/${id}`)).json();
    expect(history.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('should render choices as buttons data and keep only data: image URLs', async () => {
    bot.run = async (ctx: TurnContext) => {
      if (ctx.activity.type !== 'message') return;
      await ctx.sendActivity({
        type: 'message',
        text: 'Nhập mã bảo vệ',
        suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Hủy', value: 'Hủy' }] },
        attachments: [
          { contentType: 'image/png', contentUrl: 'data:image/png;base64,iVBORw0KGgo=', name: 'captcha' },
          { contentType: 'image/png', contentUrl: 'https://evil.example/track.png' },
        ],
      });
    };
    const id = await newSession();
    const stream = await sse(id);
    await say(id, 'x');
    await stream.waitFor(2);
    expect(data(stream)[1]).toMatchObject({
      choices: ['Hủy'],
      images: [{ src: 'data:image/png;base64,iVBORw0KGgo=', alt: 'captcha' }],
    });
  });

  it('should run a retried message (same clientMessageId) once', async () => {
    const id = await newSession();
    const [r1, r2] = await Promise.all([say(id, 'một', 'c1'), say(id, 'một', 'c1')]);
    expect([r1.statusCode, r2.statusCode]).toEqual([202, 202]);
    expect(bot.seen).toHaveLength(1);
  });

  it('should accept a file upload under the cap as an inbound file, and refuse one over it with 413', async () => {
    const id = await newSession();
    const form = new FormData();
    form.append('text', 'ảnh hiện trường');
    form.append('file', new Blob([Buffer.alloc(2000, 1)], { type: 'image/jpeg' }), '../../anh.jpg');
    const ok = await request(kit.url, 'POST', `/api/webchat/sessions/${id}/files`, { body: form });
    expect(ok.statusCode).toBe(202);
    expect(ok.json().name).toBe('anh.jpg');
    const seen = bot.seen[0]!;
    expect(seen.text).toBe('ảnh hiện trường');
    expect(seen.attachments![0]!.content).toMatchObject({ kind: 'photo', size: 2000, name: 'anh.jpg' });

    const big = new FormData();
    big.append('file', new Blob([Buffer.alloc(1024 * 1024 + 10, 1)], { type: 'application/pdf' }), 'lon.pdf');
    const refused = await request(kit.url, 'POST', `/api/webchat/sessions/${id}/files`, { body: big });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().key).toBe('limits.file_too_large');
    expect(bot.seen).toHaveLength(1);
    const history = (await request(kit.url, 'GET', `/api/webchat/sessions/${id}`)).json();
    expect(history.messages[0]).toMatchObject({ from: 'user', text: 'ảnh hiện trường', files: ['anh.jpg'] });
  });

  it('should serve an accessible page in Vietnamese by default and in English on request, with no external resources', async () => {
    const vi = await request(kit.url, 'GET', '/chat');
    expect(vi.statusCode).toBe(200);
    expect(vi.body).toContain('<html lang="vi">');
    expect(vi.body).toContain('<label for="chat-input">Tin nhắn của bạn</label>');
    expect(vi.body).toMatch(/role="log" aria-live="polite"/);
    expect(vi.body).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(vi.body).not.toMatch(/(src|href)="https?:/);
    const en = await request(kit.url, 'GET', '/chat?lang=en');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('<label for="chat-input">Your message</label>');
    expect(en.body).toContain('up to 1 MB each');
    const js = await request(kit.url, 'GET', '/chat/chat.js');
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('EventSource');
    expect((await request(kit.url, 'GET', '/chat/chat.css')).statusCode).toBe(200);
  });

  it('should refuse a flood of messages in one session with 429 and Retry-After', async () => {
    const id = await newSession();
    const results: number[] = [];
    for (let i = 0; i < 62; i++) results.push((await say(id, `m${i}`)).statusCode);
    expect(results.slice(0, 60).every((c) => c === 202)).toBe(true);
    const refused = await say(id, 'one more');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().key).toBe('errors.rate_limited');
    expect(bot.seen).toHaveLength(60);
  });
});
