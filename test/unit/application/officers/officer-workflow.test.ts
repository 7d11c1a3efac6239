import { OfficerWorkflow, type Officer } from '../../../../src/application/officers';
import { DEFAULT_DEADLINE_RULES } from '../../../../src/domain/deadlines';
import {
  ForbiddenError,
  IllegalTransitionError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../../../src/domain/errors';
import { DEFAULT_LIMITS } from '../../../../src/domain/limits';
import { AGENCIES, FixedClock, InMemoryAgencyStore, InMemoryComplaintStore, newComplaint } from './fakes';

const btcNl: Officer = { username: 'btc.nl', agency: 'btc', role: 'reception' };
const tchqNl: Officer = { username: 'btc.tchq.nl', agency: 'btc.tchq', role: 'processing' };
const hnoNl: Officer = { username: 'hno.nl', agency: 'hno', role: 'reception' };
const btcViewer: Officer = { username: 'btc.xem', agency: 'btc', role: 'viewer' };

function setup(reviewAt?: string) {
  const complaints = new InMemoryComplaintStore();
  const agencies = new InMemoryAgencyStore(
    AGENCIES.map((a) => ({ ...a, reviewBeforePublish: a.code === reviewAt })),
  );
  const clock = new FixedClock();
  const wf = new OfficerWorkflow({
    complaints,
    agencies,
    clock,
    deadlines: DEFAULT_DEADLINE_RULES,
    limits: DEFAULT_LIMITS,
  });
  return { complaints, agencies, clock, wf };
}

async function unchanged(
  store: InMemoryComplaintStore,
  code: string,
  version: number,
  action: () => Promise<unknown>,
  error: new (...a: never[]) => Error,
) {
  const before = JSON.stringify(await store.getByCode(code));
  const events = store.outbox.length;
  await expect(action()).rejects.toBeInstanceOf(error);
  expect(JSON.stringify(await store.getByCode(code))).toBe(before);
  expect(store.outbox.length).toBe(events);
  expect((await store.getByCode(code))!.version).toBe(version);
}

describe('OfficerWorkflow', () => {
  it('should forward to a unit of the own subtree with lead, coordinators, history and exactly one event', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint({ owner: 'btc' }));
    const doc = {
      name: 'van-ban.pdf',
      mediaType: 'application/pdf',
      size: 10,
      sha256: 'a'.repeat(64),
      storageKey: 'a'.repeat(64),
    };
    const after = await wf.forward(btcNl, c.code, c.version, {
      units: ['btc.tchq'],
      note: 'Chuyển Tổng cục Hải quan',
      document: doc,
    });
    expect(after.owner).toBe('btc.tchq');
    expect(after.status).toBe('processing');
    expect(after.version).toBe(c.version + 1);
    const h = after.history.at(-1)!;
    expect(h).toMatchObject({
      type: 'forwarded',
      fromOwner: 'btc',
      toOwner: 'btc.tchq',
      actor: { kind: 'officer', id: 'btc.nl', agency: 'btc' },
    });
    expect(h.data).toMatchObject({ document: doc });
    expect(complaints.outbox.map((e) => e.type)).toEqual(['complaint.forwarded']);
  });

  it('should refuse forwarding outside the subtree, by processing, by viewers, and hide it from other agencies', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint({ owner: 'btc' }));
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(btcNl, c.code, 1, { units: ['hno.sxd'] }),
      ForbiddenError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(btcNl, c.code, 1, { units: ['btc'] }),
      ForbiddenError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(tchqNl, c.code, 1, { units: ['btc.tchq'] }),
      NotFoundError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(btcViewer, c.code, 1, { units: ['btc.tchq'] }),
      ForbiddenError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(hnoNl, c.code, 1, { units: ['hno.sxd'] }),
      NotFoundError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.forward(btcNl, c.code, 1, { units: ['btc.nope'] }),
      ValidationError,
    );
    await expect(wf.get(hnoNl, c.code)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('should refuse a stale version with a conflict and change nothing', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint());
    await wf.addNote(btcNl, c.code, 1, { text: 'ghi chú' });
    await unchanged(
      complaints,
      c.code,
      2,
      () => wf.forward(btcNl, c.code, 1, { units: ['btc.tchq'] }),
      VersionConflictError,
    );
  });

  it('should request information, then answer and publish without a review gate', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint({ owner: 'btc.tchq' }));
    const asked = await wf.requestInfo(tchqNl, c.code, 1, { message: 'Xin cung cấp số hồ sơ.' });
    expect(asked.status).toBe('awaiting_info');
    expect(complaints.outbox.at(-1)).toMatchObject({
      type: 'complaint.info_requested',
      data: { message: 'Xin cung cấp số hồ sơ.' },
    });
    // The citizen's reply (intake's side) brings it back to processing.
    const back = await complaints.update(c.code, asked.version, {
      status: 'processing',
      appendSupplements: [{ at: new Date(), text: 'Số hồ sơ 123', attachments: [] }],
      at: new Date(),
    });
    const answered = await wf.answer(tchqNl, c.code, back.version, { text: 'Đã xử lý xong.', publish: true });
    expect(answered.status).toBe('answered');
    expect(answered.answer).toMatchObject({
      text: 'Đã xử lý xong.',
      published: true,
      by: 'btc.tchq.nl',
      agency: 'btc.tchq',
    });
    expect(answered.answeredAt).toBeDefined();
    expect(complaints.outbox.map((e) => e.type)).toEqual(['complaint.info_requested', 'complaint.answered']);
    await unchanged(
      complaints,
      c.code,
      answered.version,
      () => wf.publish(tchqNl, c.code, answered.version),
      ValidationError,
    );
    const un = await wf.unpublish(tchqNl, c.code, answered.version);
    expect(un.answer!.published).toBe(false);
    const re = await wf.publish(tchqNl, c.code, un.version);
    expect(re.answer!.published).toBe(true);
    expect(complaints.outbox.map((e) => e.type).slice(-2)).toEqual([
      'complaint.unpublished',
      'complaint.published',
    ]);
  });

  it('should hold publication for review where the parent agency reviews, and let it approve or return', async () => {
    const { complaints, wf } = setup('btc');
    const c = await complaints.create(newComplaint({ owner: 'btc.tchq' }));
    const answered = await wf.answer(tchqNl, c.code, 1, { text: 'Trả lời', publish: true });
    expect(answered.answer).toMatchObject({
      published: false,
      publishRequested: true,
      review: { state: 'pending' },
    });
    await unchanged(
      complaints,
      c.code,
      2,
      () => wf.review(tchqNl, c.code, 2, { decision: 'approve' }),
      ForbiddenError,
    );
    await unchanged(
      complaints,
      c.code,
      2,
      () => wf.review(btcNl, c.code, 2, { decision: 'return' }),
      ValidationError,
    );
    const returned = await wf.review(btcNl, c.code, 2, { decision: 'return', reason: 'Chưa đúng trọng tâm' });
    expect(returned.status).toBe('processing');
    expect(returned.answer!.review).toMatchObject({
      state: 'returned',
      reason: 'Chưa đúng trọng tâm',
      reviewer: 'btc.nl',
    });
    const again = await wf.answer(tchqNl, c.code, returned.version, {
      text: 'Trả lời đã sửa',
      publish: true,
    });
    const approved = await wf.review(btcNl, c.code, again.version, { decision: 'approve' });
    expect(approved.answer).toMatchObject({
      published: true,
      text: 'Trả lời đã sửa',
      review: { state: 'approved' },
    });
    expect(complaints.outbox.map((e) => e.type)).toEqual([
      'complaint.answered',
      'complaint.review_returned',
      'complaint.answered',
      'complaint.published',
    ]);
  });

  it('should send a later publish request through the review gate', async () => {
    const { complaints, wf } = setup('btc');
    const c = await complaints.create(newComplaint({ owner: 'btc.tchq' }));
    const a = await wf.answer(tchqNl, c.code, 1, { text: 'Trả lời', publish: false });
    expect(a.answer!.review).toBeUndefined();
    const p = await wf.publish(tchqNl, c.code, a.version);
    expect(p.answer).toMatchObject({ published: false, review: { state: 'pending' } });
    expect(p.history.at(-1)!.type).toBe('review_requested');
    const ok = await wf.review(btcNl, c.code, p.version, { decision: 'approve' });
    expect(ok.answer!.published).toBe(true);
  });

  it('should transfer to another agency and return to the central office with new due dates', async () => {
    const { complaints, wf, clock } = setup();
    const c1 = await complaints.create(newComplaint({ owner: 'hno' }));
    const t = await wf.transfer(hnoNl, c1.code, 1, {
      agency: 'btc',
      reason: 'Thuộc thẩm quyền Bộ Tài chính',
    });
    expect(t).toMatchObject({ owner: 'btc', coordinators: [] });
    expect(t.dueAt.getTime()).toBeGreaterThan(clock.now().getTime() + 19 * 86400_000);
    await expect(wf.get(hnoNl, c1.code)).rejects.toBeInstanceOf(NotFoundError);
    const c2 = await complaints.create(newComplaint({ owner: 'hno' }));
    await unchanged(
      complaints,
      c2.code,
      1,
      () => wf.transfer(hnoNl, c2.code, 1, { agency: 'hno.sxd', reason: 'x' }),
      ValidationError,
    );
    await unchanged(
      complaints,
      c2.code,
      1,
      () => wf.transfer(hnoNl, c2.code, 1, { agency: 'vpcp', reason: 'x' }),
      ValidationError,
    );
    const r = await wf.returnToCentral(hnoNl, c2.code, 1, { reason: 'Không thuộc thẩm quyền' });
    expect(r.owner).toBe('vpcp');
    expect(complaints.outbox.map((e) => e.type)).toEqual(['complaint.transferred', 'complaint.returned']);
  });

  it('should reject with a listed reason, and a duplicate only of an existing code', async () => {
    const { complaints, wf } = setup();
    const first = await complaints.create(newComplaint());
    const c = await complaints.create(newComplaint());
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.reject(btcNl, c.code, 1, { reason: 'duplicate', duplicateOf: 'ABCD-EFGH' }),
      ValidationError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.reject(btcNl, c.code, 1, { reason: 'duplicate', duplicateOf: c.code }),
      ValidationError,
    );
    await unchanged(
      complaints,
      c.code,
      1,
      () => wf.reject(btcNl, c.code, 1, { reason: 'nonsense' as never }),
      ValidationError,
    );
    const r = await wf.reject(btcNl, c.code, 1, {
      reason: 'duplicate',
      duplicateOf: first.code.toLowerCase(),
    });
    expect(r).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'duplicate', duplicateOf: first.code },
    });
    await unchanged(
      complaints,
      c.code,
      2,
      () => wf.answer(btcNl, c.code, 2, { text: 'x', publish: false }),
      IllegalTransitionError,
    );
    expect(complaints.outbox.map((e) => e.type)).toEqual(['complaint.rejected']);
  });

  it('should keep notes internal: no event, refused to viewers', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint());
    const n = await wf.addNote(btcNl, c.code, 1, { text: 'Cần xác minh' });
    expect(n.notes).toHaveLength(1);
    expect(complaints.outbox).toHaveLength(0);
    await unchanged(
      complaints,
      c.code,
      2,
      () => wf.addNote(btcViewer, c.code, 2, { text: 'x' }),
      ForbiddenError,
    );
  });

  it('should refuse over-long text with a LimitError and change nothing', async () => {
    const { complaints, wf } = setup();
    const c = await complaints.create(newComplaint({ owner: 'btc.tchq' }));
    await expect(wf.requestInfo(tchqNl, c.code, 1, { message: 'a'.repeat(2001) })).rejects.toMatchObject({
      key: 'limits.content_too_long',
    });
    expect((await complaints.getByCode(c.code))!.version).toBe(1);
  });

  it('should list views over the subtree', async () => {
    const { complaints, wf } = setup();
    const a = await complaints.create(newComplaint({ owner: 'btc' }));
    await complaints.create(newComplaint({ owner: 'btc.tchq' }));
    await complaints.create(newComplaint({ owner: 'hno' }));
    expect((await wf.list(btcNl, { view: 'new' }, { limit: 20 })).items.map((i) => i.code)).toEqual([a.code]);
    expect((await wf.list(btcNl, { view: 'forwarded' }, { limit: 20 })).total).toBe(1);
    expect((await wf.list(btcNl, {}, { limit: 20 })).total).toBe(2);
    expect((await wf.list(tchqNl, { view: 'forwarded' }, { limit: 20 })).total).toBe(0);
    expect((await wf.list(hnoNl, {}, { limit: 20 })).total).toBe(1);
  });
});
