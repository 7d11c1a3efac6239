import { randomUUID } from 'node:crypto';
import type {
  Complaint,
  ComplaintChange,
  ComplaintSummary,
  HistoryEvent,
} from '../../../src/domain/complaint';
import {
  IllegalTransitionError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../../src/domain/errors';
import {
  SEARCH_TOTAL_CAP,
  type ComplaintFilter,
  type ComplaintStore,
} from '../../../src/domain/ports/complaint-store';
import type { ComplaintStatus } from '../../../src/domain/status';
import { parseTrackingCode } from '../../../src/domain/tracking-code';
import type { StoreFactory } from './factories';
import { answer, at, DAY, draft, event, HOUR, T0, type DraftOverrides } from './fixtures';
import { describeStores } from './run-contract';

const officer = { kind: 'officer' as const, id: 'btc.nl', agency: 'btc' };

function historyEvent(
  type: HistoryEvent['type'],
  when: Date,
  extra: Partial<HistoryEvent> = {},
): HistoryEvent {
  return { id: randomUUID(), at: when, type, actor: officer, ...extra };
}

/** Moves a fresh PAKN to `status` through allowed steps; returns the latest state. */
async function moveTo(
  store: ComplaintStore,
  c: Complaint,
  status: ComplaintStatus,
  opts: { answeredAt?: Date; published?: boolean } = {},
): Promise<Complaint> {
  const when = opts.answeredAt ?? at(HOUR);
  if (status === 'received') return c;
  if (status === 'answered') {
    return store.update(c.code, c.version, {
      status: 'answered',
      answer: answer(when, opts.published ?? false),
      answeredAt: when,
      appendHistory: [historyEvent('answered', when, { status: 'answered' })],
      at: when,
    });
  }
  if (status === 'rejected') {
    return store.update(c.code, c.version, {
      status,
      rejection: { reason: 'out_of_scope' },
      appendHistory: [historyEvent('rejected', when, { status })],
      at: when,
    });
  }
  return store.update(c.code, c.version, {
    status,
    appendHistory: [historyEvent('note', when, { status })],
    at: when,
  });
}

const codesOf = (items: ComplaintSummary[]) => items.map((i) => i.code);
const sorted = (xs: string[]) => [...xs].sort();

/** Newest first, ties by code descending: the order every list must give. */
function listOrder(cs: Array<{ code: string; createdAt: Date }>): string[] {
  return [...cs]
    .sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() || (a.code < b.code ? 1 : a.code > b.code ? -1 : 0),
    )
    .map((c) => c.code);
}

export function complaintStoreContract(factory: StoreFactory): void {
  describeStores('ComplaintStore', factory, (h) => {
    const store = () => h.stores.complaints;

    async function all(filter: ComplaintFilter): Promise<string[]> {
      const page = await store().list(filter, { limit: 100 });
      expect(page.total).toBe(page.items.length);
      return sorted(codesOf(page.items));
    }

    describe('create and get', () => {
      it('creates a PAKN under a valid tracking code, version 1, status received, and reads it back equal', async () => {
        const d = draft({
          phone: '0912345678',
          email: 'dan@example.vn',
          requestedAgency: 'btc',
          location: 'Hà Nội',
        });
        d.attachments = [
          {
            name: 'anh.png',
            mediaType: 'image/png',
            size: 10,
            sha256: 'a'.repeat(64),
            storageKey: 'a'.repeat(64),
          },
        ];
        const c = await store().create(d);
        const parsed = parseTrackingCode(c.code);
        expect(parsed).toEqual({ ok: true, code: c.code });
        expect(c).toMatchObject({
          title: d.title,
          content: d.content,
          status: 'received',
          owner: 'vpcp',
          version: 1,
          coordinators: [],
          supplements: [],
          notes: [],
          requestedAgency: 'btc',
          location: 'Hà Nội',
        });
        expect(c.createdAt).toEqual(d.createdAt);
        expect(c.updatedAt).toEqual(d.createdAt);
        const back = await store().getByCode(c.code);
        expect(back).toEqual(c);
        expect(back!.createdAt).toBeInstanceOf(Date);
        expect(back!.dueAt).toBeInstanceOf(Date);
        expect(back!.history[0]!.at).toBeInstanceOf(Date);
      });

      it('returns null for an unknown code', async () => {
        await store().create(draft());
        expect(await store().getByCode('ZZZZZZZZ')).toBeNull();
      });

      it('gives distinct codes to many concurrent creates, all readable', async () => {
        const made = await Promise.all(
          Array.from({ length: 40 }, (_, i) => store().create(draft({ createdAt: at(i) }))),
        );
        expect(new Set(made.map((c) => c.code)).size).toBe(40);
        for (const c of made) expect((await store().getByCode(c.code))?.createdAt).toEqual(c.createdAt);
        expect((await store().list({}, { limit: 1 })).total).toBe(40);
      });

      it('commits the events given with a create, naming the new code', async () => {
        const c = await store().create(draft(), (code) => [
          event(code, 'complaint.received', { owner: 'vpcp' }),
        ]);
        const pending = await store().pendingEvents(10);
        expect(pending).toHaveLength(1);
        expect(pending[0]!.event).toMatchObject({
          code: c.code,
          type: 'complaint.received',
          data: { owner: 'vpcp' },
        });
        expect(pending[0]!.event.at).toEqual(T0);
      });
    });

    describe('update', () => {
      it('applies a change, bumps the version and keeps nested dates', async () => {
        const c = await store().create(draft());
        const when = at(2 * HOUR);
        const change: ComplaintChange = {
          status: 'processing',
          owner: 'btc',
          coordinators: ['btc.tchq'],
          dueAt: at(5 * DAY),
          appendHistory: [historyEvent('forwarded', when, { fromOwner: 'vpcp', toOwner: 'btc' })],
          appendNotes: [{ id: randomUUID(), at: when, by: 'btc.nl', agency: 'btc', text: 'ghi chú' }],
          appendSupplements: [{ at: when, text: 'bổ sung', attachments: [] }],
          at: when,
        };
        const next = await store().update(c.code, 1, change);
        expect(next).toMatchObject({
          version: 2,
          status: 'processing',
          owner: 'btc',
          coordinators: ['btc.tchq'],
        });
        expect(next.updatedAt).toEqual(when);
        expect(next.history).toHaveLength(2);
        const back = await store().getByCode(c.code);
        expect(back).toEqual(next);
        expect(back!.notes[0]!.at).toBeInstanceOf(Date);
        expect(back!.supplements[0]!.at).toEqual(when);
        expect(back!.dueAt).toEqual(at(5 * DAY));
        // Totals and counts follow the move.
        expect((await store().list({ ownerSubtree: 'btc' }, { limit: 5 })).total).toBe(1);
        expect((await store().list({ owners: ['vpcp'] }, { limit: 5 })).total).toBe(0);
        expect((await store().list({ status: ['received'] }, { limit: 5 })).total).toBe(0);
        expect(await store().countBy('owner', {})).toEqual([{ key: 'btc', count: 1 }]);
        expect(await store().countBy('status', { ownerSubtree: 'btc' })).toEqual([
          { key: 'processing', count: 1 },
        ]);
      });

      it('stores an answer with its dates, and removes it again on rework', async () => {
        const c = await store().create(draft());
        const answered = await moveTo(store(), c, 'answered', { answeredAt: at(3 * HOUR), published: true });
        const back = await store().getByCode(c.code);
        expect(back!.answer!.at).toEqual(at(3 * HOUR));
        expect(back!.answer!.publishedAt).toEqual(at(3 * HOUR));
        expect(back!.answeredAt).toEqual(at(3 * HOUR));
        expect(await all({ published: true })).toEqual([c.code]);
        await store().update(c.code, answered.version, {
          status: 'processing',
          answer: null,
          answeredAt: null,
          at: at(4 * HOUR),
        });
        const reworked = await store().getByCode(c.code);
        expect(reworked!.answer).toBeUndefined();
        expect(reworked!.answeredAt).toBeUndefined();
        expect(await all({ published: true })).toEqual([]);
        expect(await all({ published: false })).toEqual([c.code]);
      });

      it('refuses a stale version with VersionConflictError and changes nothing, events included', async () => {
        const c = await store().create(draft());
        const v2 = await store().update(c.code, 1, { owner: 'btc', at: at(HOUR) }, [
          event(c.code, 'complaint.forwarded'),
        ]);
        const before = await store().pendingEvents(100);
        await expect(
          store().update(c.code, 1, { owner: 'hno', at: at(2 * HOUR) }, [
            event(c.code, 'complaint.transferred'),
          ]),
        ).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store().getByCode(c.code)).toEqual(v2);
        expect(await store().pendingEvents(100)).toEqual(before);
      });

      it('refuses an illegal status move with IllegalTransitionError and writes nothing', async () => {
        const c = await store().create(draft());
        const rejected = await moveTo(store(), c, 'rejected');
        await expect(
          store().update(c.code, rejected.version, { status: 'processing', at: at(DAY) }, [event(c.code)]),
        ).rejects.toBeInstanceOf(IllegalTransitionError);
        const answeredOne = await moveTo(store(), await store().create(draft()), 'answered');
        await expect(
          store().update(answeredOne.code, answeredOne.version, { status: 'received', at: at(DAY) }),
        ).rejects.toBeInstanceOf(IllegalTransitionError);
        expect(await store().getByCode(c.code)).toEqual(rejected);
        expect(await store().getByCode(answeredOne.code)).toEqual(answeredOne);
        expect(await store().pendingEvents(100)).toEqual([]);
      });

      it('fails with NotFoundError for an unknown code', async () => {
        await expect(store().update('ZZZZZZZZ', 1, { owner: 'btc', at: T0 })).rejects.toBeInstanceOf(
          NotFoundError,
        );
      });

      it('lets exactly one of two concurrent updates on one version win, with only its events', async () => {
        const c = await store().create(draft());
        const eA = event(c.code, 'complaint.transferred', { to: 'btc' });
        const eB = event(c.code, 'complaint.transferred', { to: 'hno' });
        const results = await Promise.allSettled([
          store().update(c.code, 1, { owner: 'btc', at: at(HOUR) }, [eA]),
          store().update(c.code, 1, { owner: 'hno', at: at(HOUR) }, [eB]),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toBeInstanceOf(VersionConflictError);
        const final = await store().getByCode(c.code);
        expect(final!.version).toBe(2);
        const winner = (won[0] as PromiseFulfilledResult<Complaint>).value;
        expect(final!.owner).toBe(winner.owner);
        const ids = (await store().pendingEvents(100)).map((p) => p.event.id);
        expect(ids).toEqual([winner.owner === 'btc' ? eA.id : eB.id]);
      });

      it('re-indexes search and contact fields when personal data is erased', async () => {
        const c = await store().create(
          draft({
            title: 'Nhà ông Trần Văn Bình bị ngập',
            content: 'Địa chỉ 12 phố Huế',
            phone: '0987654321',
          }),
        );
        expect(await all({ q: 'Bình' })).toEqual([c.code]);
        await store().update(c.code, 1, {
          title: 'Nhà ông [đã xoá] bị ngập',
          content: 'Địa chỉ [đã xoá]',
          submitter: { name: '[đã xoá]', consentProcessing: true, consentPublishName: false },
          at: at(DAY),
        });
        expect(await all({ q: 'Bình' })).toEqual([]);
        expect(await all({ q: 'Huế' })).toEqual([]);
        expect(await all({ q: 'ngập' })).toEqual([c.code]);
        expect(await store().findBySubmitter({ phone: '0987654321' })).toEqual([]);
      });
    });

    describe('list filters', () => {
      // Eight PAKN spread over owners, statuses, channels, categories, times and words.
      let k: Record<string, Complaint>;
      const spec: Array<
        [string, DraftOverrides, ComplaintStatus, { answeredAt?: Date; published?: boolean }?]
      > = [
        [
          'A',
          {
            owner: 'vpcp',
            channel: 'telegram',
            category: 'tthc',
            createdAt: at(0),
            dueAt: at(DAY),
            title: 'Đường Láng ngập nước',
            content: 'Mưa lớn gây ngập sâu',
          },
          'received',
        ],
        [
          'B',
          { owner: 'btc', channel: 'zalo', category: 'chinh_sach', createdAt: at(HOUR), dueAt: at(DAY) },
          'processing',
        ],
        [
          'C',
          { owner: 'btc.tchq', channel: 'web', category: 'tthc', createdAt: at(2 * HOUR), dueAt: at(DAY) },
          'answered',
          { answeredAt: at(5 * HOUR), published: true },
        ],
        [
          'D',
          {
            owner: 'btcx',
            channel: 'sms',
            category: 'khac',
            createdAt: at(3 * HOUR),
            dueAt: at(30 * DAY),
            content: 'Thuế đất tăng cao',
          },
          'received',
        ],
        [
          'E',
          {
            owner: 'hno',
            channel: 'telegram',
            category: 'can_bo',
            createdAt: at(4 * HOUR),
            dueAt: at(DAY),
            title: 'Ngập úng khu dân cư',
          },
          'awaiting_info',
        ],
        [
          'F',
          { owner: 'hno.sxd', channel: 'zalo', category: 'tthc', createdAt: at(5 * HOUR), dueAt: at(DAY) },
          'rejected',
        ],
        [
          'G',
          {
            owner: 'btc',
            channel: 'web',
            category: 'tthc',
            createdAt: at(6 * HOUR),
            dueAt: at(30 * DAY),
            content: 'Hải quan chậm thông quan hàng hóa',
          },
          'received',
        ],
        [
          'H',
          {
            owner: 'btc.tchq.kv1',
            channel: 'sms',
            category: 'sang_kien',
            createdAt: at(7 * HOUR),
            dueAt: at(DAY),
          },
          'answered',
          { answeredAt: at(8 * DAY) },
        ],
      ];

      beforeEach(async () => {
        k = {};
        for (const [key, o, status, opts] of spec) {
          const c = await store().create(draft(o));
          k[key] = await moveTo(store(), c, status, opts);
        }
        const g = k.G!;
        k.G = await store().update(g.code, g.version, { coordinators: ['btc.tchq'], at: at(7 * HOUR) });
      });
      const codes = (...keys: string[]) => sorted(keys.map((x) => k[x]!.code));

      it('ownerSubtree: vpcp is everything; btc takes its units but not btcx; a unit takes its own units', async () => {
        expect(await all({ ownerSubtree: 'vpcp' })).toEqual(codes('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'));
        expect(await all({ ownerSubtree: 'btc' })).toEqual(codes('B', 'C', 'G', 'H'));
        expect(await all({ ownerSubtree: 'btc.tchq' })).toEqual(codes('C', 'H'));
        expect(await all({ ownerSubtree: 'btcx' })).toEqual(codes('D'));
        expect(await all({ ownerSubtree: 'hno' })).toEqual(codes('E', 'F'));
        expect(await all({ ownerSubtree: 'bt' })).toEqual([]);
      });

      it('owners (exact) and involving (owner or coordinator)', async () => {
        expect(await all({ owners: ['btcx', 'hno'] })).toEqual(codes('D', 'E'));
        expect(await all({ owners: ['btc'] })).toEqual(codes('B', 'G'));
        expect(await all({ involving: 'btc.tchq' })).toEqual(codes('C', 'G'));
        expect(await all({ involving: 'btc' })).toEqual(codes('B', 'G'));
      });

      it('status, channel, category', async () => {
        expect(await all({ status: ['received'] })).toEqual(codes('A', 'D', 'G'));
        expect(await all({ status: ['answered', 'rejected'] })).toEqual(codes('C', 'F', 'H'));
        expect(await all({ channel: ['zalo'] })).toEqual(codes('B', 'F'));
        expect(await all({ channel: ['sms', 'web'] })).toEqual(codes('C', 'D', 'G', 'H'));
        expect(await all({ category: ['tthc'] })).toEqual(codes('A', 'C', 'F', 'G'));
      });

      it('date range is [from, to) on createdAt', async () => {
        expect(await all({ from: at(2 * HOUR), to: at(5 * HOUR) })).toEqual(codes('C', 'D', 'E'));
        expect(await all({ from: at(7 * HOUR) })).toEqual(codes('H'));
        expect(await all({ to: at(HOUR) })).toEqual(codes('A'));
      });

      it('overdue: open and past due only', async () => {
        expect(await all({ overdueAt: at(2 * DAY) })).toEqual(codes('A', 'B', 'E'));
        expect(await all({ overdueAt: at(DAY) })).toEqual([]);
        expect(await all({ overdueAt: at(31 * DAY) })).toEqual(codes('A', 'B', 'D', 'E', 'G'));
      });

      it('published, answered period and on-time', async () => {
        expect(await all({ published: true })).toEqual(codes('C'));
        expect(await all({ published: false })).toEqual(codes('A', 'B', 'D', 'E', 'F', 'G', 'H'));
        expect(await all({ answeredFrom: at(0) })).toEqual(codes('C', 'H'));
        expect(await all({ answeredFrom: at(6 * HOUR) })).toEqual(codes('H'));
        expect(await all({ answeredTo: at(6 * HOUR) })).toEqual(codes('C'));
        expect(await all({ answeredOnTime: true })).toEqual(codes('C'));
        expect(await all({ answeredOnTime: false })).toEqual(codes('H'));
      });

      it('combines filters with AND', async () => {
        expect(await all({ ownerSubtree: 'btc', status: ['received'] })).toEqual(codes('G'));
        expect(await all({ ownerSubtree: 'btc', channel: ['web'], category: ['tthc'] })).toEqual(
          codes('C', 'G'),
        );
        expect(await all({ ownerSubtree: 'hno', q: 'ngập' })).toEqual(codes('E'));
      });

      it('q matches words in title or content, ignoring case and diacritics, every word required', async () => {
        expect(await all({ q: 'đường' })).toEqual(codes('A'));
        expect(await all({ q: 'duong' })).toEqual(codes('A'));
        expect(await all({ q: 'ĐƯỜNG LÁNG' })).toEqual(codes('A'));
        expect(await all({ q: 'đường'.normalize('NFD') })).toEqual(codes('A'));
        expect(await all({ q: 'ngap' })).toEqual(codes('A', 'E'));
        expect(await all({ q: 'duong ngap' })).toEqual(codes('A'));
        expect(await all({ q: 'thuế' })).toEqual(codes('D'));
        expect(await all({ q: 'hai quan' })).toEqual(codes('G'));
        expect(await all({ q: 'khongcotu' })).toEqual([]);
      });

      it('treats SQL, FTS and pattern syntax in filters as plain values', async () => {
        const hostile = [
          "'; DROP TABLE complaints; --",
          '" OR "" = "',
          "duong' OR 1=1 --",
          'thuế* OR NEAR(đường)',
          '{"$ne": null}',
        ];
        for (const q of hostile) expect(await all({ q })).toEqual([]);
        expect(await all({ owners: ["btc' OR '1'='1"] })).toEqual([]);
        expect(await all({ ownerSubtree: "btc' OR 1=1 --" })).toEqual([]);
        for (const pattern of ['%', '_tc', 'b.c', '.*', 'btc%', '^btc']) {
          expect(await all({ ownerSubtree: pattern })).toEqual([]);
        }
        expect(await all({ category: ["x') OR 1=1 --"] })).toEqual([]);
        expect(await all({ status: ["received' OR 1=1" as ComplaintStatus] })).toEqual([]);
        expect(await all({ involving: "btc' OR 1=1 --" })).toEqual([]);
        // Everything is still there.
        expect((await store().list({}, { limit: 1 })).total).toBe(8);
      });
    });

    describe('pagination', () => {
      async function seed(n: number, base: number, owner = 'btc'): Promise<Complaint[]> {
        // Five PAKN per timestamp, so ties on createdAt are broken by code.
        return Promise.all(
          Array.from({ length: n }, (_, i) =>
            store().create(draft({ owner, createdAt: at(base + Math.floor(i / 5) * HOUR) })),
          ),
        );
      }

      it('cursor pages cover every row once, newest first, even while new rows arrive', async () => {
        const original = await seed(25, 0);
        const expected = listOrder(original);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store().list({}, { limit: 7, cursor });
          seen.push(...codesOf(page.items));
          cursor = page.nextCursor;
          pages++;
          // New PAKN keep coming in between page loads.
          await seed(3, 10 * DAY + pages * HOUR);
        } while (cursor);
        expect(pages).toBe(4);
        expect(seen).toEqual(expected);
      });

      it('cursor paging works under a filter and reports the total', async () => {
        const mine = await seed(12, 0, 'btc.tchq');
        await seed(8, 0, 'hno');
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store().list({ ownerSubtree: 'btc' }, { limit: 5, cursor });
          expect(page.total).toBe(12);
          expect(page.items.length).toBeLessThanOrEqual(5);
          seen.push(...codesOf(page.items));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(listOrder(mine));
      });

      it("a coordinator's pages come in list order (by creation time, not by storing order), by cursor or offset, with the total", async () => {
        // Stored newest first, so storing order is the reverse of list order; five per timestamp for ties.
        const made = await Promise.all(
          Array.from({ length: 13 }, (_, i) =>
            store().create(draft({ owner: 'btc', createdAt: at(DAY - Math.floor(i / 5) * HOUR) })),
          ),
        );
        const coordinated: Complaint[] = [];
        for (const [i, c] of made.entries()) {
          if (i === 12) continue; // one the unit does not coordinate
          coordinated.push(
            await store().update(c.code, c.version, {
              coordinators: ['btc.tchq', 'btc.kbnn'],
              at: at(2 * DAY),
            }),
          );
        }
        const expected = listOrder(coordinated);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store().list({ coordinator: 'btc.tchq' }, { limit: 5, cursor });
          expect(page.total).toBe(12);
          seen.push(...codesOf(page.items));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(expected);
        const second = await store().list({ coordinator: 'btc.tchq' }, { limit: 5, offset: 5 });
        expect(codesOf(second.items)).toEqual(expected.slice(5, 10));
        // With another filter: the total and the page count only the PAKN that pass it.
        const moved = await store().update(coordinated[3]!.code, coordinated[3]!.version, {
          status: 'processing',
          at: at(3 * DAY),
        });
        const processing = await store().list(
          { coordinator: 'btc.tchq', status: ['processing'] },
          { limit: 5 },
        );
        expect(processing.total).toBe(1);
        expect(codesOf(processing.items)).toEqual([moved.code]);
        // A later forward that replaces the coordinators takes the PAKN out of the unit's list.
        await store().update(moved.code, moved.version, { coordinators: ['btc.kbnn'], at: at(4 * DAY) });
        expect((await store().list({ coordinator: 'btc.tchq' }, { limit: 50 })).total).toBe(11);
        expect((await store().list({ coordinator: 'btc.kbnn' }, { limit: 50 })).total).toBe(12);
      });

      it('cursor and offset paging under a search keep the total of all matches', async () => {
        const hits = await Promise.all(
          Array.from({ length: 9 }, (_, i) =>
            store().create(draft({ title: `Cầu Long Biên hỏng ${i}`, createdAt: at(i * HOUR) })),
          ),
        );
        await seed(6, 0);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store().list({ q: 'long bien' }, { limit: 4, cursor });
          expect(page.total).toBe(9);
          seen.push(...codesOf(page.items));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(listOrder(hits));
        const third = await store().list({ q: 'long bien' }, { limit: 4, offset: 8 });
        expect(third.total).toBe(9);
        expect(codesOf(third.items)).toEqual(listOrder(hits).slice(8));
        expect((await store().list({ q: 'long bien' }, { limit: 4, offset: 20 })).total).toBe(9);
      });

      it('search pages come newest stored first; their cursor covers every match once while new ones arrive', async () => {
        // Created one after another, so the order they were stored in is their creation order.
        const hits: Complaint[] = [];
        for (let i = 0; i < 11; i++) {
          hits.push(await store().create(draft({ title: `Đèn đường hỏng ${i}`, createdAt: at(i * HOUR) })));
          await store().create(draft({ title: `Khác ${i}`, createdAt: at(i * HOUR + 1) }));
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store().list({ q: 'den duong' }, { limit: 4, cursor });
          seen.push(...codesOf(page.items));
          cursor = page.nextCursor;
          pages++;
          // Newer matches arrive between page loads: they belong before the first page, not after.
          await store().create(draft({ title: `Đèn đường mới ${pages}`, createdAt: at(DAY + pages) }));
        } while (cursor);
        expect(pages).toBe(3);
        expect(seen).toEqual(hits.map((c) => c.code).reverse());
        await expect(
          store().list({ q: 'den duong' }, { limit: 4, cursor: 'not-a-cursor' }),
        ).rejects.toBeInstanceOf(ValidationError);
      });

      it('a cursor from a list is refused by a search, and the other way round', async () => {
        await seed(6, 0);
        const list = await store().list({}, { limit: 2 });
        const search = await store().list({ q: 'phan anh' }, { limit: 2 });
        expect(list.nextCursor).toBeDefined();
        expect(search.nextCursor).toBeDefined();
        await expect(
          store().list({ q: 'phan anh' }, { limit: 2, cursor: list.nextCursor }),
        ).rejects.toBeInstanceOf(ValidationError);
        await expect(store().list({}, { limit: 2, cursor: search.nextCursor })).rejects.toBeInstanceOf(
          ValidationError,
        );
      });

      it('a search over more than SEARCH_TOTAL_CAP PAKN with its words gives a lower bound, flagged', async () => {
        const n = SEARCH_TOTAL_CAP + 5;
        // The three oldest in hno, the three newest in dng, the rest in btc.
        const owner = (i: number) => (i < 3 ? 'hno' : i >= n - 3 ? 'dng' : 'btc');
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            store().create(draft({ title: `Karaoke ồn ${i}`, owner: owner(i), createdAt: at(i * 1000) })),
          ),
        );
        const alone = await store().list({ q: 'karaoke' }, { limit: 20 });
        expect(alone.items).toHaveLength(20);
        expect(alone.total).toBe(SEARCH_TOTAL_CAP);
        expect(alone.totalCapped).toBe(true);
        const next = await store().list({ q: 'karaoke' }, { limit: 20, cursor: alone.nextCursor });
        expect(next.totalCapped).toBe(true);
        // Among the newest PAKN with the words: counted.
        const newest = await store().list({ q: 'karaoke', ownerSubtree: 'dng' }, { limit: 2 });
        expect(newest.total).toBe(3);
        expect(newest.totalCapped).toBe(true);
        // Older than those: never fewer than the rows up to the page.
        const oldest = await store().list({ q: 'karaoke', ownerSubtree: 'hno' }, { limit: 2 });
        expect(oldest.items).toHaveLength(2);
        expect(oldest.total).toBeGreaterThanOrEqual(3);
        expect(oldest.totalCapped).toBe(true);
        const last = await store().list({ q: 'karaoke', ownerSubtree: 'hno' }, { limit: 2, offset: 2 });
        expect(last.items).toHaveLength(1);
        expect(last.total).toBeGreaterThanOrEqual(3);
        // Words in fewer PAKN than the cap: exact, unflagged.
        const exact = await store().list({ q: 'karaoke 7' }, { limit: 2 });
        expect(exact.totalCapped).toBeUndefined();
      });

      it('offset pages give the same order', async () => {
        const rows = await seed(23, 0);
        const expected = listOrder(rows);
        const seen: string[] = [];
        for (let offset = 0; offset < 30; offset += 10) {
          const page = await store().list({}, { limit: 10, offset });
          expect(page.total).toBe(23);
          seen.push(...codesOf(page.items));
        }
        expect(seen).toEqual(expected);
      });

      it('has no nextCursor on the last page, and rejects a cursor it did not issue', async () => {
        await seed(3, 0);
        const page = await store().list({}, { limit: 3 });
        expect(page.items).toHaveLength(3);
        expect(page.nextCursor).toBeUndefined();
        await expect(store().list({}, { limit: 3, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
          ValidationError,
        );
      });
    });

    describe('findBySubmitter', () => {
      it('finds by exact phone or e-mail, each PAKN once', async () => {
        const a = await store().create(draft({ phone: '0911111111', createdAt: at(0) }));
        const b = await store().create(draft({ email: 'dan@example.vn', createdAt: at(HOUR) }));
        const c = await store().create(
          draft({ phone: '0911111111', email: 'dan@example.vn', createdAt: at(2 * HOUR) }),
        );
        await store().create(draft({ phone: '0922222222', email: 'khac@example.vn' }));
        const codesFound = async (contact: { phone?: string; email?: string }) =>
          sorted((await store().findBySubmitter(contact)).map((x) => x.code));
        expect(await codesFound({ phone: '0911111111' })).toEqual(sorted([a.code, c.code]));
        expect(await codesFound({ email: 'dan@example.vn' })).toEqual(sorted([b.code, c.code]));
        expect(await codesFound({ phone: '0911111111', email: 'dan@example.vn' })).toEqual(
          sorted([a.code, b.code, c.code]),
        );
        expect(await codesFound({ phone: '091111111' })).toEqual([]);
        expect(await codesFound({})).toEqual([]);
        const full = await store().findBySubmitter({ phone: '0911111111' });
        expect(full.find((x) => x.code === a.code)).toEqual(a);
      });
    });

    describe('outbox', () => {
      it('hands out each pending event once, oldest first, until marked dispatched', async () => {
        const c = await store().create(draft(), (code) => [event(code, 'complaint.received')]);
        const e2 = event(c.code, 'complaint.forwarded', { to: 'btc' });
        const e3 = event(c.code, 'complaint.info_requested');
        await store().update(c.code, 1, { owner: 'btc', at: at(HOUR) }, [e2]);
        await store().update(c.code, 2, { status: 'awaiting_info', at: at(2 * HOUR) }, [e3]);
        const pending = await store().pendingEvents(10);
        expect(pending.map((p) => p.event.type)).toEqual([
          'complaint.received',
          'complaint.forwarded',
          'complaint.info_requested',
        ]);
        expect(pending[1]!.event).toEqual(e2);
        expect((await store().pendingEvents(2)).map((p) => p.event.id)).toEqual([
          pending[0]!.event.id,
          e2.id,
        ]);

        await store().markEventsDispatched([pending[0]!.event.id, 'no-such-event']);
        expect((await store().pendingEvents(10)).map((p) => p.event.id)).toEqual([e2.id, e3.id]);
        await store().markEventsDispatched([pending[0]!.event.id, e2.id]);
        expect((await store().pendingEvents(10)).map((p) => p.event.id)).toEqual([e3.id]);
        await store().markEventsDispatched([e3.id]);
        expect(await store().pendingEvents(10)).toEqual([]);
        await store().markEventsDispatched([]);
      });
    });

    describe('statistics primitives', () => {
      // Ten answered PAKN, one a day from T0 (09:00 in Hanoi), owners alternating btc / hno, answered
      // after 1h, 2h, … 10h, due 5h after filing: the first five are on time (the fifth exactly at the
      // deadline). Three more wait unanswered, one filed at 00:30 Hanoi time (still the previous day in UTC).
      beforeEach(async () => {
        for (let i = 0; i < 10; i++) {
          const createdAt = at(i * DAY);
          const c = await store().create(
            draft({
              owner: i % 2 === 0 ? 'btc.tchq' : 'hno',
              channel: i < 6 ? 'telegram' : 'zalo',
              category: i < 3 ? 'tthc' : 'khac',
              createdAt,
              dueAt: new Date(createdAt.getTime() + 5 * HOUR),
            }),
          );
          await moveTo(store(), c, 'answered', {
            answeredAt: new Date(createdAt.getTime() + (i + 1) * HOUR),
          });
        }
        await store().create(draft({ owner: 'btc', createdAt: at(0) }));
        await store().create(draft({ owner: 'btc', createdAt: at(DAY) }));
        await store().create(draft({ owner: 'vpcp', createdAt: new Date('2025-03-03T17:30:00.000Z') }));
      });

      it('counts by status, owner, channel and category, ordered by key, under a filter', async () => {
        expect(await store().countBy('status', {})).toEqual([
          { key: 'answered', count: 10 },
          { key: 'received', count: 3 },
        ]);
        expect(await store().countBy('owner', {})).toEqual([
          { key: 'btc', count: 2 },
          { key: 'btc.tchq', count: 5 },
          { key: 'hno', count: 5 },
          { key: 'vpcp', count: 1 },
        ]);
        expect(await store().countBy('channel', { status: ['answered'] })).toEqual([
          { key: 'telegram', count: 6 },
          { key: 'zalo', count: 4 },
        ]);
        expect(await store().countBy('category', { ownerSubtree: 'btc' })).toEqual([
          { key: 'khac', count: 3 },
          { key: 'tthc', count: 4 },
        ]);
        expect(await store().countBy('owner', { answeredOnTime: true })).toEqual([
          { key: 'btc.tchq', count: 3 },
          { key: 'hno', count: 2 },
        ]);
        expect(await store().countBy('status', { ownerSubtree: 'nowhere' })).toEqual([]);
      });

      it('counts per local day in the given time zone', async () => {
        const byDay = await store().countByDay('createdAt', {});
        expect(byDay[0]).toEqual({ day: '2025-03-03', count: 2 });
        expect(byDay[1]).toEqual({ day: '2025-03-04', count: 3 });
        expect(byDay.slice(2)).toEqual(
          ['05', '06', '07', '08', '09', '10', '11', '12'].map((d) => ({ day: `2025-03-${d}`, count: 1 })),
        );
        const utc = await store().countByDay('createdAt', { to: at(2 * DAY) }, 'UTC');
        expect(utc).toEqual([
          { day: '2025-03-03', count: 3 },
          { day: '2025-03-04', count: 2 },
        ]);
        const answeredDays = await store().countByDay('answeredAt', { answeredFrom: at(3 * DAY) });
        expect(answeredDays).toEqual(
          ['06', '07', '08', '09', '10', '11', '12'].map((d) => ({ day: `2025-03-${d}`, count: 1 })),
        );
      });

      it('follows daylight saving time in zones that have it', async () => {
        // 23:30 UTC on 29 March is 00:30 on the 30th in Berlin (CET); 22:30 UTC on 30 March is 00:30 on the 31st (CEST).
        await store().create(draft({ createdAt: new Date('2025-03-29T23:30:00.000Z') }));
        await store().create(draft({ createdAt: new Date('2025-03-30T22:30:00.000Z') }));
        const window = {
          from: new Date('2025-03-29T00:00:00.000Z'),
          to: new Date('2025-04-01T00:00:00.000Z'),
        };
        expect(await store().countByDay('createdAt', window, 'Europe/Berlin')).toEqual([
          { day: '2025-03-30', count: 1 },
          { day: '2025-03-31', count: 1 },
        ]);
        expect(await store().countByDay('createdAt', window, 'UTC')).toEqual([
          { day: '2025-03-29', count: 1 },
          { day: '2025-03-30', count: 1 },
        ]);
      });

      it('gives answer times: count, on time, nearest-rank p50 and p90', async () => {
        expect(await store().answerTimes({})).toEqual({
          answered: 10,
          onTime: 5,
          p50Ms: 5 * HOUR,
          p90Ms: 9 * HOUR,
        });
        // btc.tchq answered after 1, 3, 5, 7, 9 hours.
        expect(await store().answerTimes({ ownerSubtree: 'btc' })).toEqual({
          answered: 5,
          onTime: 3,
          p50Ms: 5 * HOUR,
          p90Ms: 9 * HOUR,
        });
        // hno: 2, 4, 6, 8, 10 hours; of the last three days (i = 7, 8, 9): 8, 9, 10 hours.
        expect(await store().answerTimes({ owners: ['hno'] })).toEqual({
          answered: 5,
          onTime: 2,
          p50Ms: 6 * HOUR,
          p90Ms: 10 * HOUR,
        });
        expect(await store().answerTimes({ from: at(7 * DAY) })).toEqual({
          answered: 3,
          onTime: 0,
          p50Ms: 9 * HOUR,
          p90Ms: 10 * HOUR,
        });
        expect(await store().answerTimes({ owners: ['vpcp'] })).toEqual({
          answered: 0,
          onTime: 0,
          p50Ms: null,
          p90Ms: null,
        });
      });
    });
  });
}
