import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { ChannelRef } from '../../../src/domain/complaint';
import type { ChannelSender, Clock, OutboundMessage } from '../../../src/domain/ports';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { scanDeadlines, startWorkers, type Workers } from '../../../src/jobs/workers';
import { parseMime } from '../../unit/notify/mime';
import { waitFor } from '../../contract/queue/queue-contract';
import { createComplaint, makeKit, sleep, type WorkerKit } from './worker-kit';

const DAY = 24 * 3600 * 1000;

describe('deadline scan: overdue status updates and agency digests', () => {
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Array<{ to: string[]; raw: string }> = [];
  let kit: WorkerKit;
  let workers: Workers;
  const chat: Array<{ to: ChannelRef; message: OutboundMessage }> = [];
  let now = new Date('2026-12-01T03:00:00Z');
  const clock: Clock = { now: () => now };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    kit = makeKit(
      { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SLA_OVERDUE_UPDATE_DAYS: '7' },
      (_c, stores) => new EmbeddedJobQueue(stores.db, { pollIntervalMs: 20 }),
    );
    kit.deps.clock = clock;
    const agencies = [
      { code: 'vpcp', name: 'Văn phòng Chính phủ', kind: 'central' as const, parent: null },
      { code: 'hno', name: 'UBND TP Hà Nội', kind: 'province' as const, parent: 'vpcp' },
      { code: 'hno.sxd', name: 'Sở Xây dựng Hà Nội', kind: 'unit' as const, parent: 'hno' },
      { code: 'btc', name: 'Bộ Tài chính', kind: 'ministry' as const, parent: 'vpcp' },
    ];
    for (const a of agencies)
      await kit.stores.agencies.upsert({ ...a, reviewBeforePublish: false, active: true });
    const account = (username: string, agency: string, email?: string) => ({
      username,
      displayName: username,
      agency,
      role: 'reception' as const,
      passwordHash: 'x',
      active: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
      ...(email ? { email } : {}),
    });
    await kit.stores.accounts.create(account('hno.sxd.nl', 'hno.sxd', 'sxd@hanoi.gov.vn'));
    await kit.stores.accounts.create(account('hno.nl', 'hno', 'tiepnhan@hanoi.gov.vn'));
    await kit.stores.accounts.create(account('btc.nl', 'btc'));
    const telegram: ChannelSender = {
      channel: 'telegram',
      async send(to, message) {
        chat.push({ to, message });
        return {};
      },
    };
    workers = await startWorkers(
      { ...kit.deps, senders: { telegram } },
      { deadlines: { enabled: false }, backoffMs: 50, attempts: 2 },
    );
  });
  afterAll(async () => {
    await workers.stop();
    await kit.close();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('should update overdue citizens once per period and send each agency its digest, escalating overdue to the parent', async () => {
    const overdue = await createComplaint(kit, {
      chatId: 't-over',
      owner: 'hno.sxd',
      dueAt: new Date(now.getTime() - 2 * DAY),
      title: 'Quá hạn',
    });
    await createComplaint(kit, {
      chatId: 't-soon',
      owner: 'hno.sxd',
      dueAt: new Date(now.getTime() + DAY),
      title: 'Sắp đến hạn',
    });
    await createComplaint(kit, {
      chatId: 't-far',
      owner: 'btc',
      dueAt: new Date(now.getTime() + 15 * DAY),
      title: 'Còn xa',
    });
    await createComplaint(kit, {
      chatId: 't-btc',
      owner: 'btc',
      dueAt: new Date(now.getTime() - DAY),
      title: 'BTC quá hạn',
    });
    const deps = {
      complaints: kit.stores.complaints,
      queue: kit.deps.queue,
      clock,
      logger: kit.deps.logger,
      available: workers.available,
      attempts: 2,
      backoffMs: 50,
      routingRules: [],
      agencies: kit.stores.agencies,
      dedupe: kit.stores.dedupe,
    };
    const options = { intervalMs: 3600_000, dueSoonMs: 2 * DAY, overdueUpdateDays: 7 };

    const r = await scanDeadlines(deps, options, now);
    expect({ dueSoon: r.dueSoon, overdue: r.overdue }).toEqual({ dueSoon: 1, overdue: 2 });
    const byAgency = Object.fromEntries(
      r.digests.map((d) => [
        d.agency,
        { soon: d.dueSoon.length, over: d.overdue.length, esc: d.escalated.length },
      ]),
    );
    expect(byAgency).toEqual({
      'hno.sxd': { soon: 1, over: 1, esc: 0 },
      hno: { soon: 0, over: 0, esc: 1 },
      btc: { soon: 0, over: 1, esc: 0 },
      vpcp: { soon: 0, over: 0, esc: 1 },
    });

    await waitFor(() => chat.length === 2 && mails.length === 2);
    expect(chat.map((m) => m.to.conversationId).sort()).toEqual(['t-btc', 't-over']);
    expect(chat.find((m) => m.to.conversationId === 't-over')!.message.text).toContain('đã quá hạn trả lời');
    const sxd = mails.find((m) => m.to.includes('sxd@hanoi.gov.vn'))!;
    const text = parseMime(sxd.raw);
    expect(text.headers.subject).toContain('Sở Xây dựng Hà Nội');
    const hno = mails.find((m) => m.to.includes('tiepnhan@hanoi.gov.vn'))!;
    expect(hno).toBeDefined();

    // An hour later, same period: nothing new for citizens, and the day's digests are not sent again.
    now = new Date(now.getTime() + 3600_000);
    await scanDeadlines(deps, options, now);
    await sleep(500);
    expect(chat).toHaveLength(2);
    expect(mails).toHaveLength(2);

    // Seven days later: the next status update for each overdue PAKN.
    now = new Date(now.getTime() + 7 * DAY);
    await scanDeadlines(deps, options, now);
    // (the one that was due soon is overdue by now and gets its first)
    await waitFor(() => chat.length === 5);
    expect(chat.filter((m) => m.to.conversationId === 't-over')).toHaveLength(2);
    void overdue;
  });
});
