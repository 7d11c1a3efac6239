import { CENTRAL_AGENCY, isInSubtree, type Agency } from '../../domain/agency';
import { CHANNELS } from '../../domain/complaint';
import { localDate } from '../../domain/deadlines';
import { COMPLAINT_STATUSES } from '../../domain/status';
import type { Clock } from '../../domain/ports/clock';
import type { BacklogStats, ComplaintStore, KeyCount } from '../../domain/ports/complaint-store';
import { bucketOf, bucketsOf, daysBetween, STATS_TIME_ZONE, type StatsPeriod } from './period';

export type { KeyCount } from '../../domain/ports/complaint-store';

export interface SeriesPoint {
  /** The bucket: YYYY-MM-DD (a day, or the Monday of a week) or YYYY-MM. */
  bucket: string;
  /** PAKN received in the bucket. */
  received: number;
  /** Answers given in the bucket. */
  answered: number;
}

/** Open PAKN (received, processing, awaiting information) now, by how long ago they were received. */
export interface AgeBucket {
  key: string;
  /** Age in whole local days, inclusive; `maxDays` null is open-ended. */
  minDays: number;
  maxDays: number | null;
  count: number;
}

/** One row of the per-agency table: an agency directly under the scope (its whole subtree), or the scope itself. */
export interface LeagueRow {
  agency: string;
  name: string;
  /** Received in the period (owned now by this agency's subtree). */
  received: number;
  /** Answers given in the period. */
  answered: number;
  onTime: number;
  /** onTime / answered, null when nothing was answered. */
  onTimeRate: number | null;
  /** Open and past due now. */
  overdue: number;
}

export interface StatsReport {
  /** The agency whose subtree is counted. */
  scope: string;
  scopeName: string;
  period: { from: string; to: string; granularity: StatsPeriod['granularity']; timeZone: string };
  generatedAt: string;
  totals: {
    /** PAKN received in the period. */
    received: number;
    /** Answers given in the period. */
    answered: number;
    /** Of those, answered by their due date. */
    onTime: number;
    onTimeRate: number | null;
    /** Open PAKN now, whenever received. */
    open: number;
    /** Open PAKN past their due date now. */
    overdueNow: number;
  };
  /** Time from receipt to answer of the answers given in the period. */
  answerTime: { p50Ms: number | null; p90Ms: number | null; p50Days: number | null; p90Days: number | null };
  /** PAKN received in the period, by their current status / channel / category / owner. */
  byStatus: KeyCount[];
  byChannel: KeyCount[];
  byCategory: KeyCount[];
  byOwner: KeyCount[];
  topCategories: KeyCount[];
  series: SeriesPoint[];
  backlogByAge: AgeBucket[];
  league: LeagueRow[];
}

/** Age classes of the backlog, in local days since receipt (the legal answer time is 20 working days ≈ 28 days). */
export const BACKLOG_AGE_BUCKETS: ReadonlyArray<Pick<AgeBucket, 'key' | 'minDays' | 'maxDays'>> = [
  { key: 'd0_7', minDays: 0, maxDays: 7 },
  { key: 'd8_14', minDays: 8, maxDays: 14 },
  { key: 'd15_28', minDays: 15, maxDays: 28 },
  { key: 'd29_60', minDays: 29, maxDays: 60 },
  { key: 'd61_plus', minDays: 61, maxDays: null },
];

export const TOP_CATEGORIES = 5;
const DAY_MS = 24 * 3600 * 1000;

export interface StatsServiceOptions {
  complaints: ComplaintStore;
  /** Agency names for the league table; codes are shown when absent. */
  listAgencies?: () => Promise<Agency[]>;
  clock: Clock;
  /**
   * Reports are cached this long per (scope, period): a dashboard reload or many leaders of one ministry
   * cost one computation. 0 turns the cache off (tests, benchmarks).
   * @defaultValue 0
   */
  cacheTtlMs?: number;
  /** @defaultValue 500 */
  cacheMaxEntries?: number;
}

export interface StatsService {
  /** The report for the subtree of `scope` (an agency code; `vpcp` is everything). */
  report(scope: string, period: StatsPeriod): Promise<StatsReport>;
}

/** The agency directly under `root` through which `owner` belongs to the subtree, or `root` itself. */
export function leagueKey(owner: string, root: string): string {
  if (owner === root) return root;
  if (root === CENTRAL_AGENCY) return owner.split('.')[0]!;
  const rest = owner.slice(root.length + 1);
  return `${root}.${rest.split('.')[0]}`;
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function sum(rows: KeyCount[]): number {
  return rows.reduce((acc, r) => acc + r.count, 0);
}

function zeroFilled(keys: readonly string[], rows: KeyCount[]): KeyCount[] {
  const m = new Map(rows.map((r) => [r.key, r.count]));
  const extra = rows.filter((r) => !keys.includes(r.key));
  return [...keys.map((key) => ({ key, count: m.get(key) ?? 0 })), ...extra];
}

function byCountDesc(a: KeyCount, b: KeyCount): number {
  return b.count - a.count || a.key.localeCompare(b.key);
}

/**
 * Statistics through the store's two statistics reads (periodStats, backlogStats): the store computes them
 * from counters (SQLite) or an aggregation pipeline (MongoDB), and this service only combines aggregated rows
 * (at most one per day, agency, status, channel or category), so its cost does not grow with the number of PAKN.
 */
export function createStatsService(options: StatsServiceOptions): StatsService {
  const { complaints, clock } = options;
  const ttl = options.cacheTtlMs ?? 0;
  const maxEntries = options.cacheMaxEntries ?? 500;
  const cache = new Map<string, { at: number; report: Promise<StatsReport> }>();
  // The figures "as of now" (overdue, backlog) do not depend on the period: one computation per scope serves
  // every period a leader switches to within the time to live. They are also the dearest at scale.
  const nowCache = new Map<string, { at: number; value: Promise<BacklogStats> }>();

  function backlog(scope: string, now: Date): Promise<BacklogStats> {
    const compute = () =>
      complaints.backlogStats({
        ownerSubtree: scope,
        now,
        // Every age class but the open-ended last one is counted by day; the last is the rest.
        recentDays: BACKLOG_AGE_BUCKETS[BACKLOG_AGE_BUCKETS.length - 1]!.minDays,
      });
    if (ttl <= 0) return compute();
    const hit = nowCache.get(scope);
    if (hit && now.getTime() - hit.at < ttl) return hit.value;
    const value = compute();
    value.catch(() => nowCache.delete(scope));
    nowCache.delete(scope);
    nowCache.set(scope, { at: now.getTime(), value });
    while (nowCache.size > maxEntries) nowCache.delete(nowCache.keys().next().value as string);
    return value;
  }

  async function compute(scope: string, period: StatsPeriod): Promise<StatsReport> {
    const now = clock.now();
    const today = localDate(now);
    const stats = await complaints.periodStats({
      ownerSubtree: scope,
      fromDay: period.from,
      toDay: period.to,
    });
    const { open, recentByDay, overdueByOwner } = await backlog(scope, now);
    const agencies = options.listAgencies ? await options.listAgencies() : [];
    const byStatus = stats.byStatus;
    const byCategory = stats.byCategory;
    const byOwner = stats.byOwner;

    // Defence in depth: whatever a store returns, nothing outside the caller's subtree is reported.
    const inScope = (r: KeyCount) => isInSubtree(r.key, scope);

    const buckets = bucketsOf(period);
    const series = new Map(buckets.map((b) => [b, { bucket: b, received: 0, answered: 0 }]));
    for (const d of stats.receivedByDay) {
      const p = series.get(bucketOf(d.day, period.granularity));
      if (p && d.day >= period.from && d.day <= period.to) p.received += d.count;
    }
    for (const d of stats.answeredByDay) {
      const p = series.get(bucketOf(d.day, period.granularity));
      if (p && d.day >= period.from && d.day <= period.to) p.answered += d.count;
    }

    const backlogByAge: AgeBucket[] = BACKLOG_AGE_BUCKETS.map((b) => ({ ...b, count: 0 }));
    let recent = 0;
    for (const d of recentByDay) {
      const age = Math.max(0, daysBetween(d.day, today));
      const bucket = backlogByAge.find((b) => age >= b.minDays && (b.maxDays === null || age <= b.maxDays));
      if (bucket) bucket.count += d.count;
      recent += d.count;
    }
    // The open-ended class is whatever is open and was not received lately.
    backlogByAge[backlogByAge.length - 1]!.count += Math.max(0, open - recent);

    const names = new Map(agencies.map((a) => [a.code, a.name]));
    const league = new Map<string, LeagueRow>();
    const row = (owner: string): LeagueRow => {
      const key = leagueKey(owner, scope);
      let r = league.get(key);
      if (!r) {
        r = {
          agency: key,
          name: names.get(key) ?? key,
          received: 0,
          answered: 0,
          onTime: 0,
          onTimeRate: null,
          overdue: 0,
        };
        league.set(key, r);
      }
      return r;
    };
    for (const r of byOwner.filter(inScope)) row(r.key).received += r.count;
    for (const r of stats.answeredByOwner.filter((a) => isInSubtree(a.key, scope))) {
      row(r.key).answered += r.answered;
      row(r.key).onTime += r.onTime;
    }
    for (const r of overdueByOwner.filter(inScope)) row(r.key).overdue += r.count;
    // Active agencies directly under the scope appear even with nothing to count: a zero is information too.
    for (const a of agencies) {
      if (a.active && a.code !== scope && isInSubtree(a.code, scope) && leagueKey(a.code, scope) === a.code)
        row(a.code);
    }
    const leagueRows = [...league.values()]
      .map((r) => ({ ...r, onTimeRate: rate(r.onTime, r.answered) }))
      .sort((a, b) => b.received - a.received || a.agency.localeCompare(b.agency));

    const categories = byCategory.slice().sort(byCountDesc);
    const receivedTotal = sum(byStatus);
    return {
      scope,
      scopeName: names.get(scope) ?? scope,
      period: {
        from: period.from,
        to: period.to,
        granularity: period.granularity,
        timeZone: STATS_TIME_ZONE,
      },
      generatedAt: now.toISOString(),
      totals: {
        received: receivedTotal,
        answered: stats.answered,
        onTime: stats.onTime,
        onTimeRate: rate(stats.onTime, stats.answered),
        open,
        overdueNow: sum(overdueByOwner.filter(inScope)),
      },
      answerTime: {
        p50Ms: stats.p50Ms,
        p90Ms: stats.p90Ms,
        p50Days: stats.p50Ms === null ? null : stats.p50Ms / DAY_MS,
        p90Days: stats.p90Ms === null ? null : stats.p90Ms / DAY_MS,
      },
      byStatus: zeroFilled(COMPLAINT_STATUSES, byStatus),
      byChannel: zeroFilled(CHANNELS, stats.byChannel),
      byCategory: categories,
      byOwner: byOwner.filter(inScope).sort(byCountDesc),
      topCategories: categories.slice(0, TOP_CATEGORIES),
      series: [...series.values()],
      backlogByAge,
      league: leagueRows,
    };
  }

  return {
    report(scope, period) {
      if (ttl <= 0) return compute(scope, period);
      const key = `${scope}|${period.from}|${period.to}|${period.granularity}`;
      const nowMs = clock.now().getTime();
      const hit = cache.get(key);
      if (hit && nowMs - hit.at < ttl) return hit.report;
      const report = compute(scope, period);
      // A failed computation is not cached.
      report.catch(() => cache.delete(key));
      cache.delete(key);
      cache.set(key, { at: nowMs, report });
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return report;
    },
  };
}
