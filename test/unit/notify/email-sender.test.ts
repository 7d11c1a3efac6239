import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createEmailSender, EmailSendError } from '../../../src/notify/email-sender';
import { flattenParts, parseMime, partFilename } from './mime';

describe('createEmailSender (real SMTP server on loopback)', () => {
  let server: SMTPServer;
  let port: number;
  const received: Array<{ from: string; to: string[]; raw: string }> = [];
  let rejectWith: number | undefined;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (rejectWith) {
            const err = Object.assign(new Error('refused'), { responseCode: rejectWith });
            return callback(err);
          }
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    received.length = 0;
    rejectWith = undefined;
  });

  it('should deliver a Vietnamese subject, body and a PDF attachment intact', async () => {
    const sender = createEmailSender({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'PAKN <no-reply@pakn.gov.vn>',
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
    const subject = 'PAKN ABCD-1234 đã có trả lời';
    const text = 'Bộ Tài chính đã trả lời: Nguyễn Văn Ánh, đề nghị của ông/bà được chấp thuận.';
    await sender.send({
      to: 'dan@example.vn',
      subject,
      text,
      attachments: [{ filename: 'Văn bản trả lời.pdf', contentType: 'application/pdf', content: pdf }],
      messageId: 'ev1:email',
    });
    sender.close();

    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['dan@example.vn']);
    const mail = parseMime(received[0]!.raw);
    expect(mail.headers.subject).toBe(subject);
    expect(mail.headers['message-id']).toBe('<ev1:email@pakn.gov.vn>');
    const parts = flattenParts(mail);
    const body = parts.find((p) => (p.headers['content-type'] ?? '').startsWith('text/plain'));
    expect(body!.body.toString('utf8')).toBe(text);
    const att = parts.find((p) => (p.headers['content-type'] ?? '').startsWith('application/pdf'));
    expect(att!.body.equals(pdf)).toBe(true);
    expect(partFilename(att!)).toBe('Văn bản trả lời.pdf');
  });

  it('should report a 5xx refusal as permanent and a dead server as transient', async () => {
    rejectWith = 550;
    const sender = createEmailSender({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'no-reply@pakn.gov.vn' });
    const err = await sender.send({ to: 'x@example.vn', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmailSendError);
    expect((err as EmailSendError).kind).toBe('permanent');
    sender.close();

    const dead = createEmailSender({ smtpUrl: 'smtp://127.0.0.1:1', from: 'no-reply@pakn.gov.vn' });
    const err2 = await dead.send({ to: 'x@example.vn', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect((err2 as EmailSendError).kind).toBe('transient');
    dead.close();
  });
});
