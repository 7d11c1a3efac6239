import { answerTimeClass } from '../../../src/domain/answer-time';
import type { Stores } from '../../../src/domain/ports';
import type { ComplaintFilter, ComplaintStore } from '../../../src/domain/ports/complaint-store';
import { OPEN_STATUSES } from '../../../src/domain/status';
import { storeFactories, type StoreFactory } from './factories';
import { loadScenario } from './stats-scenario';

/**
 * periodStats and backlogStats (read from counters on SQLite, from pipelines on MongoDB) must give what
 * the row-level primitives give for the same subtree and period, after every kind of change; percentiles
 * are the time-to-answer class of the exact nearest-rank value (classing is monotone, so the class of the
 * k-th value is the k-th class).
 */
const SCOPES = [undefined, 'vpcp', 'btc', 'btc.tchq', 'hno', 'nowhere'];
const PERIODS: Array<[string, string]> = [
  ['2025-01-31', '2025-03-01'], // two partial months around a whole one
  ['2025-02-01', '2025-02-28'], // one whole month
  ['2025-01-20', '2025-04-30'], // whole months and a head
  ['2025-02-15', '2025-02-15'], // one day
  ['2024-12-01', '2025-12-31'], // beyond the data on both sides
  ['2025-03-10', '2025-04-05'], // across a month end, no whole month
];
const VN = 7 * 3_600_000;
const startOf = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - VN);
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - VN);

async function reference(store: ComplaintStore, ownerSubtree: string | undefined, from: string, to: string) {
  const base: ComplaintFilter = ownerSubtree === undefined ? {} : { ownerSubtree };
  const received = { ...base, from: startOf(from), to: dayAfter(to) };
  const answered = { ...base, answeredFrom: startOf(from), answeredTo: dayAfter(to) };
  const times = await store.answerTimes(answered);
  const byOwner = await store.countBy('owner', answered);
  const onTime = new Map(
    (await store.countBy('owner', { ...answered, answeredOnTime: true })).map((r) => [r.key, r.count]),
  );
  return {
    receivedByDay: await store.countByDay('createdAt', received),
    byStatus: await store.countBy('status', received),
    byChannel: await store.countBy('channel', received),
    byCategory: await store.countBy('category', received),
    byOwner: await store.countBy('owner', received),
    answeredByDay: await store.countByDay('answeredAt', answered),
    answeredByOwner: byOwner.map((r) => ({ key: r.key, answered: r.count, onTime: onTime.get(r.key) ?? 0 })),
    answered: times.answered,
    onTime: times.onTime,
    p50Ms: times.p50Ms === null ? null : answerTimeClass(times.p50Ms),
    p90Ms: times.p90Ms === null ? null : answerTimeClass(times.p90Ms),
  };
}

function statsQueriesSuite(factory: StoreFactory): void {
  let stores: Stores;
  beforeAll(async () => {
    stores = (await factory.create())!;
    await loadScenario(stores.complaints);
  }, 60_000);
  afterAll(async () => {
    await stores?.close();
  });

  it('should give the row-level figures for every subtree and period', async () => {
    let answeredSeen = 0;
    for (const scope of SCOPES) {
      for (const [from, to] of PERIODS) {
        const got = await stores.complaints.periodStats({ ownerSubtree: scope, fromDay: from, toDay: to });
        const want = await reference(stores.complaints, scope === 'vpcp' ? undefined : scope, from, to);
        expect({ scope, from, to, ...got }).toEqual({ scope, from, to, ...want });
        answeredSeen += got.answered;
      }
    }
    // The scenario is not vacuous.
    expect(answeredSeen).toBeGreaterThan(100);
  });

  it('should give the backlog at any instant: open, open by recent day, overdue by owner', async () => {
    for (const scope of SCOPES) {
      for (const nowText of [
        '2025-02-28T23:30:00+07:00',
        '2025-03-20T10:00:00+07:00',
        '2025-05-01T00:00:00+07:00',
      ]) {
        const now = new Date(nowText);
        const base: ComplaintFilter = scope === undefined || scope === 'vpcp' ? {} : { ownerSubtree: scope };
        const open = { ...base, status: [...OPEN_STATUSES] };
        const firstDay = new Date(now.getTime() + VN - 60 * 86_400_000).toISOString().slice(0, 10);
        const today = new Date(now.getTime() + VN).toISOString().slice(0, 10);
        const got = await stores.complaints.backlogStats({ ownerSubtree: scope, now, recentDays: 61 });
        expect({ scope, nowText, ...got }).toEqual({
          scope,
          nowText,
          open: (await stores.complaints.countBy('status', open)).reduce((a, r) => a + r.count, 0),
          recentByDay: await stores.complaints.countByDay('createdAt', {
            ...open,
            from: startOf(firstDay),
            to: dayAfter(today),
          }),
          overdueByOwner: await stores.complaints.countBy('owner', { ...base, overdueAt: now }),
        });
      }
    }
  });
}

for (const factory of storeFactories) {
  if (factory.skipReason) {
    describe(`statistics reads on ${factory.name}`, () => {
      it.skip(`skipped: ${factory.skipReason}`, () => undefined);
    });
  } else {
    describe(`statistics reads on ${factory.name} (against the row-level primitives)`, () =>
      statsQueriesSuite(factory));
  }
}
