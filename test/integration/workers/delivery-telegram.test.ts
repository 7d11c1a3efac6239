import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import {
  answer,
  bullmq,
  createComplaint,
  deleteRedisPrefix,
  emit,
  makeKit,
  sleep,
  telegramSender,
  uniquePrefix,
  redisEnv,
  type WorkerKit,
} from './worker-kit';

describe('delivery to Telegram over BullMQ (real Redis, fake Bot API)', () => {
  let tg: FakeTelegramServer;
  let kit: WorkerKit;
  let workers: Workers;
  let prefix: string;

  async function setup(options: Parameters<typeof startWorkers>[1] = {}): Promise<void> {
    prefix = uniquePrefix('deliv-tg');
    kit = makeKit(
      { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url, ...redisEnv(prefix) },
      bullmq(prefix),
    );
    workers = await startWorkers(
      { ...kit.deps, senders: { telegram: telegramSender(kit.config, kit.deps.files) } },
      { deadlines: { enabled: false }, backoffMs: 200, attempts: 3, ...options },
    );
  }

  beforeEach(async () => {
    tg = await new FakeTelegramServer().start();
  });
  afterEach(async () => {
    await workers?.stop();
    await kit?.close();
    await tg.stop();
    await deleteRedisPrefix(prefix);
  });

  it('should push an answer into the citizen chat once, in Vietnamese', async () => {
    await setup();
    const c = await createComplaint(kit, { chatId: '555' });
    await answer(kit, c.code, 'Sở Xây dựng đã chỉ đạo cấp phép trong 5 ngày làm việc.');
    const ev = await emit(kit.deps.queue, c.code, 'complaint.answered');
    await tg.waitUntil(() => tg.textsTo('555').length >= 1, 10_000, 'answer');
    await sleep(500);
    const texts = tg.textsTo('555');
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Sở Xây dựng đã chỉ đạo cấp phép trong 5 ngày làm việc.');
    expect(texts[0]).toContain(`${c.code.slice(0, 4)}-${c.code.slice(4)}`);
    // The same event relayed twice (outbox relay retried) is still one message.
    await emit(kit.deps.queue, c.code, 'complaint.answered', {}, ev.id);
    await sleep(800);
    expect(tg.textsTo('555')).toHaveLength(1);
  });

  it('should send the answer documents as files', async () => {
    await setup();
    const c = await createComplaint(kit, { chatId: '556' });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1500, 3)]);
    const f = await kit.deps.files.put(pdf);
    const at = new Date();
    await kit.stores.complaints.update(c.code, c.version, {
      status: 'answered',
      answeredAt: at,
      answer: {
        text: 'Trả lời kèm văn bản.',
        attachments: [
          {
            name: 'Văn bản trả lời.pdf',
            mediaType: 'application/pdf',
            size: pdf.length,
            sha256: f.sha256,
            storageKey: f.key,
          },
        ],
        by: 'x',
        agency: 'hno.sxd',
        at,
        publishRequested: false,
        published: false,
      },
      at,
    });
    await emit(kit.deps.queue, c.code, 'complaint.answered');
    await tg.waitUntil(() => tg.callsOf('sendDocument').length >= 1, 10_000, 'document');
    expect(tg.textsTo('556')[0]).toContain('Trả lời kèm văn bản.');
    // (the fake server records no fields of multipart uploads; one document, after the text)
    expect(tg.callsOf('sendDocument')).toHaveLength(1);
    expect(tg.callsOf('sendMessage')[0]!.at).toBeLessThanOrEqual(tg.callsOf('sendDocument')[0]!.at);
  });

  it('should keep order per chat and at most 1 message/s per chat', async () => {
    await setup();
    const c = await createComplaint(kit, { chatId: '777' });
    for (let i = 1; i <= 4; i++)
      await emit(kit.deps.queue, c.code, 'complaint.info_requested', { message: `Yêu cầu số ${i}` });
    await tg.waitUntil(() => tg.textsTo('777').length >= 4, 15_000, 'four messages');
    const calls = tg
      .callsOf('sendMessage')
      .filter((x) => x.params.chat_id === '777' || x.params.chat_id === 777);
    expect(calls.map((x) => /Yêu cầu số (\d)/.exec(String(x.params.text))![1])).toEqual(['1', '2', '3', '4']);
    for (let i = 1; i < calls.length; i++)
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(1000);
  });
});
