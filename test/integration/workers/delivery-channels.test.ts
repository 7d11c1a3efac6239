import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ChannelRef } from '../../../src/domain/complaint';
import { ChannelSendError, type ChannelSender, type OutboundMessage } from '../../../src/domain/ports';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import { flattenParts, parseMime, partFilename } from '../../unit/notify/mime';
import { waitFor } from '../../contract/queue/queue-contract';
import { createComplaint, emit, makeKit, type WorkerKit } from './worker-kit';

/** A chat sender that records what it was asked to send; `refuse` decides per user. */
class RecordingSender implements ChannelSender {
  readonly sent: Array<{ to: ChannelRef; message: OutboundMessage }> = [];
  constructor(
    readonly channel: 'telegram' | 'zalo' | 'web',
    private readonly refuse: (to: ChannelRef) => ChannelSendError | undefined = () => undefined,
  ) {}
  async send(to: ChannelRef, message: OutboundMessage) {
    const err = this.refuse(to);
    if (err) throw err;
    this.sent.push({ to, message });
    return { messageId: String(this.sent.length) };
  }
}

describe('delivery on every route (embedded queue, real SMTP and HTTP SMS gateway on loopback)', () => {
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: string[] = [];
  let smsServer: Server;
  let smsUrl: string;
  const sms: Array<Record<string, unknown>> = [];
  let kit: WorkerKit;
  let workers: Workers;
  let telegram: RecordingSender;
  let zalo: RecordingSender;
  let web: RecordingSender;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
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
    smsUrl = `http://127.0.0.1:${(smsServer.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => smtp.close(() => r()));
    await new Promise<void>((r) => smsServer.close(() => r()));
  });

  beforeEach(async () => {
    mails.length = 0;
    sms.length = 0;
    kit = makeKit(
      {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'PAKN <no-reply@pakn.gov.vn>',
        SMS_GATEWAY_URL: smsUrl,
        SMS_ENCODING: 'unicode',
      },
      (_c, stores) => new EmbeddedJobQueue(stores.db, { pollIntervalMs: 20 }),
    );
    await kit.stores.agencies.upsert({
      code: 'vpcp',
      name: 'Văn phòng Chính phủ',
      kind: 'central',
      parent: null,
      reviewBeforePublish: false,
      active: true,
    });
    await kit.stores.agencies.upsert({
      code: 'hno',
      name: 'UBND TP Hà Nội',
      kind: 'province',
      parent: 'vpcp',
      reviewBeforePublish: false,
      active: true,
    });
    await kit.stores.agencies.upsert({
      code: 'hno.sxd',
      name: 'Sở Xây dựng Hà Nội',
      kind: 'unit',
      parent: 'hno',
      reviewBeforePublish: false,
      active: true,
    });
    telegram = new RecordingSender('telegram');
    zalo = new RecordingSender('zalo', (to) =>
      to.userId.startsWith('out') ? new ChannelSendError('zalo', 'outside_window', 'error -230') : undefined,
    );
    web = new RecordingSender('web');
    workers = await startWorkers(
      { ...kit.deps, senders: { telegram, zalo, web } },
      { deadlines: { enabled: false }, backoffMs: 50, attempts: 2 },
    );
  });
  afterEach(async () => {
    await workers.stop();
    await kit.close();
  });

  it('should send an answer with its document to the chat, by e-mail (subject, body, attachment) and a short SMS', async () => {
    const c = await createComplaint(kit, {
      chatId: '808',
      submitter: {
        name: 'Trần Thị Bình',
        phone: '0987654321',
        email: 'binh@example.vn',
        consentProcessing: true,
        consentPublishName: false,
      },
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 1)]);
    const stored = await kit.deps.files.put(pdf);
    const at = new Date();
    await kit.stores.complaints.update(c.code, c.version, {
      status: 'answered',
      answeredAt: at,
      answer: {
        text: 'Sở Xây dựng đã kiểm tra và cấp phép ngày 12/12.',
        attachments: [
          {
            name: 'Công văn trả lời.pdf',
            mediaType: 'application/pdf',
            size: pdf.length,
            sha256: stored.sha256,
            storageKey: stored.key,
          },
        ],
        by: 'hno.sxd.nl',
        agency: 'hno.sxd',
        at,
        publishRequested: false,
        published: false,
      },
      appendHistory: [
        {
          id: 'h-ans',
          at,
          type: 'answered',
          actor: { kind: 'officer', id: 'hno.sxd.nl' },
          data: { publishRequested: false, published: false },
        },
      ],
      at,
    });
    await emit(kit.deps.queue, c.code, 'complaint.answered', { published: false, agency: 'hno.sxd' });
    await waitFor(() => telegram.sent.length === 1 && mails.length === 1 && sms.length === 1);

    expect(telegram.sent[0]!.to.conversationId).toBe('808');
    expect(telegram.sent[0]!.message.text).toContain('Sở Xây dựng Hà Nội');
    expect(telegram.sent[0]!.message.files).toEqual([
      { name: 'Công văn trả lời.pdf', mediaType: 'application/pdf', storageKey: stored.key },
    ]);

    const mail = parseMime(mails[0]!);
    const code = `${c.code.slice(0, 4)}-${c.code.slice(4)}`;
    expect(mail.headers.subject).toBe(`PAKN ${code} đã có trả lời`);
    expect(mail.headers.to).toBe('binh@example.vn');
    const parts = flattenParts(mail);
    expect(
      parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body.toString('utf8'),
    ).toContain('Sở Xây dựng đã kiểm tra và cấp phép ngày 12/12.');
    const att = parts.find((p) => p.headers['content-type']?.startsWith('application/pdf'))!;
    expect(att.body.equals(pdf)).toBe(true);
    expect(partFilename(att)).toBe('Công văn trả lời.pdf');

    expect(sms[0]).toMatchObject({
      to: '0987654321',
      encoding: 'ucs2',
      text: `PAKN ${code} đã có trả lời. Xem chi tiết: https://pakn.example.vn/api/public/complaints/${c.code}`,
    });
    expect(sms[0]!.segments).toBe(Math.ceil(String(sms[0]!.text).length / 67));
  });

  it('should fall back to SMS when Zalo is outside the messaging window, and record the path', async () => {
    const c = await createComplaint(kit, {
      channelRef: { channel: 'zalo', userId: 'out-1', conversationId: 'out-1' },
    });
    await emit(kit.deps.queue, c.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => sms.length === 1);
    expect(zalo.sent).toHaveLength(0);
    expect(String(sms[0]!.text)).toContain('đã được chuyển đến đơn vị xử lý');
    await waitFor(async () =>
      (await kit.stores.complaints.getByCode(c.code))!.history.some((h) => h.type === 'note'),
    );
    const note = (await kit.stores.complaints.getByCode(c.code))!.history.find((h) => h.type === 'note')!;
    expect(note.data).toEqual({
      delivery: {
        eventId: expect.any(String),
        kind: 'forwarded',
        from: 'zalo',
        via: ['sms'],
        reason: 'outside_window',
        rule: 'refused_by_zalo',
      },
    });
    expect(note.note).toContain('SMS');

    // Inside the window Zalo itself is used.
    const d = await createComplaint(kit, {
      channelRef: { channel: 'zalo', userId: 'in-1', conversationId: 'in-1' },
    });
    await emit(kit.deps.queue, d.code, 'complaint.forwarded', { owner: 'hno.sxd' });
    await waitFor(() => zalo.sent.length === 1);
    expect(zalo.sent[0]!.message.text).toContain('Sở Xây dựng Hà Nội');
  });

  it('should acknowledge receipt by e-mail and SMS (not in the chat) and store a routing suggestion', async () => {
    const c = await createComplaint(kit, {
      channel: 'web',
      chatId: 'sess-1',
      submitter: {
        name: 'Lê Văn Cường',
        phone: '0912000111',
        email: 'cuong@example.vn',
        consentProcessing: true,
        consentPublishName: true,
      },
    });
    await emit(kit.deps.queue, c.code, 'complaint.received');
    await waitFor(() => mails.length === 1 && sms.length === 1);
    expect(parseMime(mails[0]!).headers.subject).toContain('đã được tiếp nhận');
    expect(web.sent).toHaveLength(0);
    const stored = (await kit.stores.complaints.getByCode(c.code))!;
    const s = stored.history.find((h) => h.type === 'routing_suggested')!;
    expect(s.data).toMatchObject({ agency: 'hno.sxd', category: 'tthc' });
    expect(stored.owner).toBe('hno.sxd');
    expect(stored.category).toBe('tthc');
    // A redelivered event adds no second suggestion.
    await emit(kit.deps.queue, c.code, 'complaint.received', {}, 'again-1');
    await waitFor(() => mails.length === 2);
    expect(
      (await kit.stores.complaints.getByCode(c.code))!.history.filter((h) => h.type === 'routing_suggested'),
    ).toHaveLength(1);
  });

  it('should write to an English-speaking citizen in English, on web chat', async () => {
    const c = await createComplaint(kit, { channel: 'web', chatId: 'sess-en', locale: 'en' });
    await emit(kit.deps.queue, c.code, 'complaint.info_requested', {
      message: 'Please send a photo of the site.',
    });
    await waitFor(() => web.sent.length === 1);
    expect(web.sent[0]!.message.text).toMatch(/^The agency handling your feedback/);
    expect(web.sent[0]!.message.text).toContain('Please send a photo of the site.');
  });
});
