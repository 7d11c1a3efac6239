import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupComplaint } from '../../../../src/application/citizen/lookup-complaint';
import {
  submitComplaint,
  type ComplaintSubmission,
} from '../../../../src/application/citizen/submit-complaint';
import {
  findAwaitingInfo,
  supplementComplaint,
} from '../../../../src/application/citizen/supplement-complaint';
import { answerDueAt, DEFAULT_DEADLINE_RULES } from '../../../../src/domain/deadlines';
import { ForbiddenError, LimitError, ValidationError } from '../../../../src/domain/errors';
import type { ComplaintStore } from '../../../../src/domain/ports/complaint-store';
import { openSqliteStores, type SqliteStores } from '../../../../src/persistence/sqlite';

const now = new Date('2026-03-06T03:00:00Z'); // a Friday
const clock = { now: () => now };
const who = { channel: 'telegram' as const, userId: 'u1', conversationId: 'c1' };

function submission(over: Partial<ComplaintSubmission> = {}): ComplaintSubmission {
  return {
    consent: { at: now.toISOString(), noticeVersion: '2026-01', channel: 'telegram' },
    category: 'tthc',
    title: '  Thủ tục   chậm ',
    content: 'Nội dung',
    attachments: [],
    name: 'Nguyễn Văn An',
    phone: '0912 345 678',
    locale: 'vi',
    channelRef: who,
    ...over,
  };
}

describe('citizen use cases', () => {
  let dir: string;
  let stores: SqliteStores;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-citizen-'));
    stores = openSqliteStores({ file: join(dir, 'db.sqlite') });
    await stores.agencies.upsert({
      code: 'btc',
      name: 'Bộ Tài chính',
      kind: 'ministry',
      parent: 'vpcp',
      reviewBeforePublish: false,
      active: true,
    });
    await stores.agencies.upsert({
      code: 'old',
      name: 'Cơ quan cũ',
      kind: 'ministry',
      parent: 'vpcp',
      reviewBeforePublish: false,
      active: false,
    });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = () => ({
    complaints: stores.complaints,
    agencies: stores.agencies,
    clock,
    deadlines: DEFAULT_DEADLINE_RULES,
    categories: ['tthc', 'khac'],
  });

  it('should store a PAKN routed to the chosen agency with its received event and deadline', async () => {
    const c = await submitComplaint(deps(), submission({ agency: 'btc', email: 'A@X.VN' }));
    expect(c.owner).toBe('btc');
    expect(c.requestedAgency).toBe('btc');
    expect(c.title).toBe('Thủ tục chậm');
    expect(c.submitter).toMatchObject({ phone: '+84912345678', email: 'A@x.vn', consentProcessing: true });
    expect(c.dueAt).toEqual(answerDueAt(now, DEFAULT_DEADLINE_RULES));
    expect(c.status).toBe('received');
    const ev = await stores.complaints.pendingEvents(5);
    expect(ev.map((e) => [e.event.type, e.event.code])).toEqual([['complaint.received', c.code]]);
  });

  it('should route to the central office when no agency was chosen', async () => {
    expect((await submitComplaint(deps(), submission())).owner).toBe('vpcp');
  });

  it.each([
    ['no consent', { consent: undefined as never }, ValidationError],
    ['an unknown category', { category: 'xyz' }, ValidationError],
    ['an inactive agency', { agency: 'old' }, ValidationError],
    ['a bad phone', { phone: '123' }, ValidationError],
    ['too long content', { content: 'x'.repeat(3001) }, LimitError],
    [
      'six files',
      {
        attachments: Array.from({ length: 6 }, (_, i) => ({
          name: `${i}.png`,
          mediaType: 'image/png',
          size: 1,
          sha256: `${i}`,
          storageKey: `${i}`,
        })),
      },
      LimitError,
    ],
  ])('should refuse %s and store nothing', async (_l, over, type) => {
    await expect(
      submitComplaint(deps(), submission(over as Partial<ComplaintSubmission>)),
    ).rejects.toBeInstanceOf(type);
    expect((await stores.complaints.list({}, { limit: 5 })).total).toBe(0);
  });

  it('should supplement only from the submitting chat and only while awaiting info, retrying a version race', async () => {
    const c = await submitComplaint(deps(), submission());
    const sdeps = { complaints: stores.complaints, clock };
    await expect(
      supplementComplaint(sdeps, { code: c.code, who, text: 'x', attachments: [] }),
    ).rejects.toBeInstanceOf(ValidationError);
    const awaiting = await stores.complaints.update(c.code, c.version, {
      at: now,
      status: 'awaiting_info',
      appendHistory: [
        {
          id: 'r1',
          at: now,
          type: 'info_requested',
          actor: { kind: 'officer', id: 'o' },
          note: 'Gửi thêm ảnh',
        },
      ],
    });
    expect(await findAwaitingInfo(sdeps, [c.code, 'ZZZZZZZZ'], who)).toEqual([
      { code: c.code, title: c.title, request: 'Gửi thêm ảnh' },
    ]);
    expect(await findAwaitingInfo(sdeps, [c.code], { ...who, conversationId: 'other' })).toEqual([]);
    await expect(
      supplementComplaint(sdeps, {
        code: c.code,
        who: { ...who, conversationId: 'other' },
        text: 'x',
        attachments: [],
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      supplementComplaint(sdeps, { code: c.code, who, text: ' ', attachments: [] }),
    ).rejects.toBeInstanceOf(ValidationError);

    // An officer's note lands between our read and our write: the use case reads again.
    let raced = false;
    const racing: ComplaintStore = Object.create(stores.complaints);
    racing.update = async (code, version, change, events) => {
      if (!raced) {
        raced = true;
        await stores.complaints.update(code, awaiting.version, {
          at: now,
          appendNotes: [{ id: 'n1', at: now, by: 'o', agency: 'vpcp', text: 'ghi chú' }],
        });
      }
      return stores.complaints.update(code, version, change, events);
    };
    const after = await supplementComplaint(
      { complaints: racing, clock },
      { code: c.code, who, text: 'Ảnh đây', attachments: [] },
    );
    expect(after.status).toBe('processing');
    expect(after.notes).toHaveLength(1);
    expect(after.supplements.map((s) => [s.text, s.inReplyTo])).toEqual([['Ảnh đây', 'r1']]);
  });

  it('should look up by code, telling typos from unknown codes', async () => {
    const c = await submitComplaint(deps(), submission({ agency: 'btc' }));
    const ldeps = { complaints: stores.complaints, agencies: stores.agencies };
    const mine = await lookupComplaint(ldeps, c.code.toLowerCase(), who);
    expect(mine).toMatchObject({
      kind: 'found',
      view: { ownerName: 'Bộ Tài chính', title: 'Thủ tục chậm', isSubmitterChat: true },
    });
    const theirs = await lookupComplaint(ldeps, c.code, { ...who, conversationId: 'x' });
    expect(theirs.kind === 'found' && theirs.view.title).toBe(undefined);
    expect(await lookupComplaint(ldeps, 'hello', who)).toEqual({ kind: 'invalid', reason: 'format' });
    const swapped = c.code.slice(0, 6) + c.code[7] + c.code[6];
    if (swapped !== c.code)
      expect(await lookupComplaint(ldeps, swapped, who)).toEqual({ kind: 'invalid', reason: 'checksum' });
  });
});
