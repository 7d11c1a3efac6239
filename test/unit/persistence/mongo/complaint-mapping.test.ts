import fc from 'fast-check';
import mongoose from 'mongoose';

import {
  applyChange,
  toSummary,
  type Complaint,
  type ComplaintChange,
} from '../../../../src/domain/complaint';
import { canTransition, COMPLAINT_STATUSES } from '../../../../src/domain/status';
import { InternalError } from '../../../../src/domain/errors';
import {
  changeToUpdate,
  complaintFromDocument,
  needsCurrentText,
  newComplaintDocument,
  outboxFromDoc,
  statusesAllowedBefore,
  summaryFromDocument,
} from '../../../../src/persistence/mongo/complaint-mapping';
import { complaintSchema, type ComplaintDocument } from '../../../../src/persistence/mongo/documents';
import { CODE, event, fullComplaint, fullDraft, minimalDraft } from './fixtures';

// A model on a connection that never connects: enough for mongoose's casting and validation.
const conn = mongoose.createConnection();
const ComplaintModel = conn.model<ComplaintDocument>('ComplaintMappingProbe', complaintSchema());
afterAll(() => conn.close());

/** What mongoose would write for `doc`: cast by the strict schema, validated, as a plain object. */
function throughMongoose(doc: ComplaintDocument): ComplaintDocument {
  const hydrated = new ComplaintModel(doc);
  const invalid = hydrated.validateSync();
  if (invalid) throw invalid;
  const { _id, ...plain } = hydrated.toObject() as ComplaintDocument & { _id: unknown };
  expect(_id).toBeDefined();
  return plain;
}

/** The document a complaint would be stored as (derived fields included). */
function documentOf(c: Complaint): ComplaintDocument {
  const base = newComplaintDocument({ ...c, history: c.history }, c.code, []);
  const update = changeToUpdate({
    at: c.updatedAt,
    status: c.status,
    coordinators: c.coordinators,
    supplementsReplaced: c.supplements,
    answer: c.answer ?? null,
    rejection: c.rejection ?? null,
    answeredAt: c.answeredAt ?? null,
  });
  const doc = { ...base, ...update.$set, notes: c.notes, version: c.version } as ComplaintDocument;
  for (const k of Object.keys(update.$unset ?? {})) delete (doc as unknown as Record<string, unknown>)[k];
  return doc;
}

describe('newComplaintDocument', () => {
  it('should store a new PAKN as received, version 1, with its derived fields and outbox', () => {
    const doc = newComplaintDocument(fullDraft(), CODE, [event('e1')]);
    expect(doc).toMatchObject({
      code: CODE,
      status: 'received',
      version: 1,
      coordinators: [],
      supplements: [],
      notes: [],
      updatedAt: fullDraft().createdAt,
      submitterEmail: 'nguyena@example.vn',
      searchWords: expect.arrayContaining(['duong', 'lang', 'ngap', 'nuoc', 'doan', 'truoc', 'so', '1']),
      outbox: [
        { id: 'e1', type: 'complaint.received', code: CODE, at: event('e1').at, data: { locale: 'vi' } },
      ],
    });
    expect(new Set(doc.searchWords).size).toBe(doc.searchWords.length);
  });

  it('should leave optional fields absent, not undefined', () => {
    const doc = newComplaintDocument(minimalDraft(), CODE, []);
    for (const k of ['requestedAgency', 'location', 'submitterEmail', 'answer', 'rejection', 'answeredAt']) {
      expect(Object.prototype.hasOwnProperty.call(doc, k)).toBe(false);
    }
    expect(Object.keys(doc.submitter).sort()).toEqual(['consentProcessing', 'consentPublishName', 'name']);
  });
});

describe('document ↔ domain through the strict mongoose schema', () => {
  it('should round-trip a PAKN with every optional field set', () => {
    const c = fullComplaint();
    const stored = throughMongoose(documentOf(c));
    expect(complaintFromDocument(stored)).toStrictEqual(c);
  });

  it('should round-trip a new minimal PAKN without inventing fields', () => {
    const doc = newComplaintDocument(minimalDraft(), CODE, [event('e1')]);
    const back = complaintFromDocument(throughMongoose(doc));
    expect(back).toStrictEqual({
      ...minimalDraft(),
      code: CODE,
      status: 'received',
      coordinators: [],
      supplements: [],
      notes: [],
      version: 1,
      updatedAt: minimalDraft().createdAt,
    });
  });

  it('should keep empty event data and nested history data as written', () => {
    const stored = throughMongoose(newComplaintDocument(fullDraft(), CODE, [{ ...event('e1'), data: {} }]));
    expect(stored.outbox[0]!.data).toEqual({});
    expect(outboxFromDoc(stored.outbox[0]!)).toEqual({ ...event('e1'), data: {} });
    expect(stored.history[0]!.data).toEqual({});
  });

  it('should refuse a field the schema does not know instead of dropping it', () => {
    const doc = { ...newComplaintDocument(minimalDraft(), CODE, []), surprise: 1 };
    expect(() => new ComplaintModel(doc)).toThrow(/not in schema/);
    // In a sub-document mongoose records the strict-mode failure as a cast error, which fails `create` validation.
    const answer = { ...fullComplaint().answer!, extra: true };
    const nested = new ComplaintModel({ ...newComplaintDocument(minimalDraft(), CODE, []), answer });
    expect(String(nested.validateSync()?.errors.answer?.message)).toMatch(/StrictModeError|not in schema/);
  });

  it('should refuse an unknown status or channel', () => {
    const doc = { ...newComplaintDocument(minimalDraft(), CODE, []), status: 'closed' };
    expect(new ComplaintModel(doc).validateSync()?.errors.status).toBeDefined();
  });

  it('should map a list row like toSummary does', () => {
    const c = fullComplaint();
    const stored = throughMongoose(documentOf(c));
    expect(summaryFromDocument(stored)).toStrictEqual(toSummary(c));
    const fresh = complaintFromDocument(throughMongoose(newComplaintDocument(minimalDraft(), CODE, [])));
    const row = summaryFromDocument(throughMongoose(newComplaintDocument(minimalDraft(), CODE, [])));
    // toSummary writes `answeredAt: undefined`; the stored row leaves it out.
    expect(row).toEqual(toSummary(fresh));
    expect('answeredAt' in row).toBe(false);
  });
});

describe('statusesAllowedBefore', () => {
  it('should list exactly the statuses a move to the target is allowed from, and the target itself', () => {
    for (const to of COMPLAINT_STATUSES) {
      const expected = COMPLAINT_STATUSES.filter((from) => from === to || canTransition(from, to));
      expect(statusesAllowedBefore(to)).toEqual(expected);
    }
    expect(statusesAllowedBefore('answered')).toEqual(['received', 'processing', 'answered']);
  });
});

describe('changeToUpdate', () => {
  const at = new Date('2026-12-05T00:00:00Z');

  it('should build the exact update for a forward with history and events', () => {
    const h = fullComplaint().history[1]!;
    expect(
      changeToUpdate({ at, owner: 'hno.sxd', coordinators: ['hno.gtvt'], appendHistory: [h] }, [event('e2')]),
    ).toEqual({
      $set: { updatedAt: at, owner: 'hno.sxd', coordinators: ['hno.gtvt'] },
      $push: {
        history: { $each: [h] },
        outbox: {
          $each: [
            { id: 'e2', type: 'complaint.received', code: CODE, at: event('e2').at, data: { locale: 'vi' } },
          ],
        },
      },
      $inc: { version: 1 },
    });
  });

  it('should unset what a null removes and keep derived fields in step', () => {
    const u = changeToUpdate({
      at,
      answer: null,
      rejection: null,
      answeredAt: null,
      title: 'Đã xoá',
      content: '[đã xoá]',
      submitter: { name: '', consentProcessing: true, consentPublishName: false },
    });
    expect(u.$unset).toEqual({ answer: 1, rejection: 1, answeredAt: 1, submitterEmail: 1 });
    expect(u.$set).toMatchObject({ title: 'Đã xoá', content: '[đã xoá]', searchWords: ['da', 'xoa'] });
    expect(changeToUpdate({ at, submitter: fullDraft().submitter }).$set.submitterEmail).toBe(
      'nguyena@example.vn',
    );
  });

  it('should fold appended supplements into a replacement, since one update cannot $set and $push a path', () => {
    const [s1, s2] = fullComplaint().supplements;
    const u = changeToUpdate({ at, supplementsReplaced: [s1!], appendSupplements: [s2!] });
    expect(u.$set.supplements).toEqual([s1, s2]);
    expect(u.$push).toBeUndefined();
  });

  // Arbitrary changes, applied the Mongo way piece by piece, must give what the domain's applyChange gives.
  const date = fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true });
  const base = fullComplaint();
  const change: fc.Arbitrary<ComplaintChange> = fc.record(
    {
      at: date,
      status: fc.constantFrom(...COMPLAINT_STATUSES),
      owner: fc.constantFrom('btc', 'hno.sxd'),
      coordinators: fc.array(fc.constantFrom('btc.a', 'btc.b'), { maxLength: 2 }),
      dueAt: date,
      answer: fc.constantFrom(null, base.answer!, { ...base.answer!, published: false, review: undefined }),
      rejection: fc.constantFrom(null, { reason: 'spam' }),
      answeredAt: fc.option(date, { nil: null }),
      submitter: fc.constantFrom(minimalDraft().submitter, fullDraft().submitter),
      title: fc.string(),
      content: fc.string(),
      supplementsReplaced: fc.constantFrom([], base.supplements.slice(0, 1)),
      appendHistory: fc.constantFrom([], base.history.slice(1)),
      appendSupplements: fc.constantFrom([], base.supplements.slice(1)),
      appendNotes: fc.constantFrom([], base.notes),
    },
    { requiredKeys: ['at'] },
  );
  const DERIVED = new Set(['searchWords', 'submitterEmail', 'outbox']);

  it('should re-index from the stored other half when only title or content changes', () => {
    const current = { title: 'Đường Láng', content: 'ngập nước' };
    expect(changeToUpdate({ at, title: 'Phố Huế' }, [], current).$set).toEqual({
      updatedAt: at,
      title: 'Phố Huế',
      searchWords: ['pho', 'hue', 'ngap', 'nuoc'],
    });
    expect(changeToUpdate({ at, content: 'khô ráo' }, [], current).$set.searchWords).toEqual([
      'duong',
      'lang',
      'kho',
      'rao',
    ]);
    expect(() => changeToUpdate({ at, title: 'x' })).toThrow(InternalError);
    expect(needsCurrentText({ at, title: 'x' })).toBe(true);
    expect(needsCurrentText({ at, title: 'x', content: 'y' })).toBe(false);
    expect(needsCurrentText({ at })).toBe(false);
  });

  it('should change exactly what applyChange changes', () => {
    fc.assert(
      fc.property(change, (ch) => {
        const current = fullComplaint();
        const next = applyChange(current, ch) as unknown as Record<string, unknown>;
        const before = current as unknown as Record<string, unknown>;
        const u = changeToUpdate(ch, [], { title: current.title, content: current.content });
        const touched = new Set<string>(['version']);
        for (const [k, v] of Object.entries(u.$set)) {
          touched.add(k);
          if (!DERIVED.has(k)) expect(next[k]).toEqual(v);
        }
        for (const k of Object.keys(u.$unset ?? {})) {
          touched.add(k);
          if (!DERIVED.has(k)) expect(next[k]).toBeUndefined();
        }
        for (const [k, v] of Object.entries(u.$push ?? {})) {
          touched.add(k);
          expect(next[k]).toEqual([...(before[k] as unknown[]), ...v.$each]);
        }
        expect(next.version).toBe(current.version + u.$inc.version);
        for (const k of Object.keys(next)) if (!touched.has(k)) expect(next[k]).toEqual(before[k]);
      }),
      { numRuns: 500 },
    );
  });

  it('should be accepted by mongoose update casting in strict mode', () => {
    fc.assert(
      fc.property(change, (ch) => {
        const u = changeToUpdate(ch, [event('e9')], { title: 't', content: 'c' });
        const query = ComplaintModel.findOneAndUpdate({ code: CODE, version: 1 }, u);
        // Query#_castUpdate is mongoose's own (private) update caster; it throws on any path the strict schema lacks.
        const cast = (query as unknown as { _castUpdate(u: unknown): unknown })._castUpdate(
          structuredClone(u),
        );
        expect(cast).toBeTruthy();
      }),
      { numRuns: 200 },
    );
  });
});
