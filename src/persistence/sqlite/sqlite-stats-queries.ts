import type { Database, Statement } from 'better-sqlite3';
import { CENTRAL_AGENCY } from '../../domain/agency';
import { percentileOfClasses } from '../../domain/answer-time';
import { ValidationError } from '../../domain/errors';
import type {
  BacklogStats,
  DayCount,
  KeyCount,
  PeriodStats,
  PeriodStatsQuery,
} from '../../domain/ports/complaint-store';
import { OPEN_STATUSES } from '../../domain/status';
import { StatementCache } from './statement-cache';

/**
 * The statistics of the SQLite store, read from the counters of migration 8 (`stats_received`,
 * `stats_answered`, `stats_answer_time`, `stats_open`), which triggers keep per owner and for '*' (every
 * owner), per local day (YYYYMMDD) and local month (YYYYMM) in Vietnam time.
 *
 * A period is read as whole months plus the days at its two ends, so a figure over two years costs some
 * 24 + 60 counter rows per key; the central office reads the '*' key, a subtree reads its owners' keys
 * (the owners come from `complaint_counts`, which has a row for every owner any PAKN ever had, as the
 * counters do). Series by day read the day counters of the period: one row per day and key.
 */

const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
/** The counters' key for every owner at once. */
const EVERY_OWNER = JSON.stringify(['*']);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

/** An inclusive range of `slot` values: days (YYYYMMDD) or months (YYYYMM). */
type SlotRange = [number, number];

function dayNumber(isoDay: string): number {
  if (!DATE_RE.test(isoDay)) throw new ValidationError('errors.bad_request', { field: 'day' });
  return Number(isoDay.replace(/-/g, ''));
}

function isoOfDayNumber(n: number): string {
  const s = String(n);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

function lastDayOfMonth(yyyymm: number): number {
  const y = Math.floor(yyyymm / 100);
  const m = yyyymm % 100;
  return yyyymm * 100 + new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function nextMonth(yyyymm: number): number {
  return yyyymm % 100 === 12 ? (Math.floor(yyyymm / 100) + 1) * 100 + 1 : yyyymm + 1;
}

/**
 * The period [from, to] (YYYYMMDD, inclusive) as disjoint slot ranges: the days before the first whole
 * month, the whole months, the days after the last whole month. At most three ranges.
 */
export function slotRanges(from: number, to: number): SlotRange[] {
  if (from > to) return [];
  const fromMonth = Math.floor(from / 100);
  const toMonth = Math.floor(to / 100);
  // The first month wholly inside, and the last.
  const firstWhole = from % 100 === 1 ? fromMonth : nextMonth(fromMonth);
  const lastWhole = to === lastDayOfMonth(toMonth) ? toMonth : prevMonth(toMonth);
  if (firstWhole > lastWhole) return [[from, to]];
  const out: SlotRange[] = [];
  if (firstWhole !== fromMonth) out.push([from, lastDayOfMonth(fromMonth)]);
  out.push([firstWhole, lastWhole]);
  if (lastWhole !== toMonth) out.push([toMonth * 100 + 1, to]);
  return out;
}

function prevMonth(yyyymm: number): number {
  return yyyymm % 100 === 1 ? (Math.floor(yyyymm / 100) - 1) * 100 + 12 : yyyymm - 1;
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function keyCounts(map: Map<string, number>): KeyCount[] {
  return [...map.entries()]
    .filter(([, count]) => count !== 0)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, count]) => ({ key, count }));
}

function dayCounts(rows: Array<{ slot: number; n: number }>): DayCount[] {
  return rows.filter((r) => r.n !== 0).map((r) => ({ day: isoOfDayNumber(r.slot), count: r.n }));
}

export class SqliteStatsQueries {
  private readonly statements: StatementCache;

  constructor(db: Database) {
    this.statements = new StatementCache(db);
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  /**
   * The counter keys of a subtree: '*' for everything, else the owners in it that any PAKN ever had, as
   * one JSON array (bound once, read by json_each).
   */
  private ownerKeys(ownerSubtree: string | undefined): string {
    if (ownerSubtree === undefined || ownerSubtree === CENTRAL_AGENCY) return EVERY_OWNER;
    const owners = this.stmt(
      `SELECT DISTINCT owner FROM complaint_counts
       WHERE owner_root = ? AND (owner = ? OR (owner >= ? AND owner < ?))`,
    )
      .pluck()
      .all(rootOf(ownerSubtree), ownerSubtree, `${ownerSubtree}.`, `${ownerSubtree}/`) as string[];
    return JSON.stringify(owners);
  }

  private allOwners(): string {
    return JSON.stringify(this.stmt('SELECT DISTINCT owner FROM complaint_counts').pluck().all());
  }

  periodStats(q: PeriodStatsQuery): PeriodStats {
    const from = dayNumber(q.fromDay);
    const to = dayNumber(q.toDay);
    const keys = this.ownerKeys(q.ownerSubtree);
    const ranges = slotRanges(from, to);
    const IN_KEYS = 'owner IN (SELECT value FROM json_each(?))';

    // Dimension counts (not by owner): summed over the keys, per value.
    const byDim = (dim: string): KeyCount[] => {
      const m = new Map<string, number>();
      const s = this.stmt(
        `SELECT value AS key, sum(n) AS n FROM stats_received
         WHERE dim = ? AND ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY value`,
      );
      for (const [lo, hi] of ranges) {
        for (const r of s.all(dim, keys, lo, hi) as Array<{ key: string; n: number }>) add(m, r.key, r.n);
      }
      return keyCounts(m);
    };

    // By owner: the owners' own keys, even for the central office (whose '*' key has no owner in it).
    const ownerKeys = keys === EVERY_OWNER ? this.allOwners() : keys;
    const byOwner = new Map<string, number>();
    const ownerStmt = this.stmt(
      `SELECT owner AS key, sum(n) AS n FROM stats_received
       WHERE dim = 't' AND ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY owner`,
    );
    for (const [lo, hi] of ranges) {
      for (const r of ownerStmt.all(ownerKeys, lo, hi) as Array<{ key: string; n: number }>)
        add(byOwner, r.key, r.n);
    }

    const receivedByDay = dayCounts(
      this.stmt(
        `SELECT slot, sum(n) AS n FROM stats_received
         WHERE dim = 't' AND ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY slot ORDER BY slot`,
      ).all(keys, from, to) as Array<{ slot: number; n: number }>,
    );
    const answeredByDay = dayCounts(
      this.stmt(
        `SELECT slot, sum(answered) AS n FROM stats_answered
         WHERE ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY slot ORDER BY slot`,
      ).all(keys, from, to) as Array<{ slot: number; n: number }>,
    );

    const answeredByOwner = new Map<string, { answered: number; onTime: number }>();
    const answeredStmt = this.stmt(
      `SELECT owner AS key, sum(answered) AS answered, sum(on_time) AS onTime FROM stats_answered
       WHERE ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY owner`,
    );
    for (const [lo, hi] of ranges) {
      for (const r of answeredStmt.all(ownerKeys, lo, hi) as Array<{
        key: string;
        answered: number;
        onTime: number;
      }>) {
        const a = answeredByOwner.get(r.key) ?? { answered: 0, onTime: 0 };
        a.answered += r.answered;
        a.onTime += r.onTime;
        answeredByOwner.set(r.key, a);
      }
    }

    const classes = new Map<number, number>();
    const classStmt = this.stmt(
      `SELECT class, sum(n) AS n FROM stats_answer_time
       WHERE ${IN_KEYS} AND slot BETWEEN ? AND ? GROUP BY class`,
    );
    for (const [lo, hi] of ranges) {
      for (const r of classStmt.all(keys, lo, hi) as Array<{ class: number; n: number }>)
        classes.set(r.class, (classes.get(r.class) ?? 0) + r.n);
    }

    let answered = 0;
    let onTime = 0;
    for (const a of answeredByOwner.values()) {
      answered += a.answered;
      onTime += a.onTime;
    }
    return {
      receivedByDay,
      byStatus: byDim('s'),
      byChannel: byDim('c'),
      byCategory: byDim('k'),
      byOwner: keyCounts(byOwner),
      answeredByDay,
      answeredByOwner: [...answeredByOwner.entries()]
        .filter(([, a]) => a.answered !== 0)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([key, a]) => ({ key, ...a })),
      answered,
      onTime,
      p50Ms: percentileOfClasses(classes, 50),
      p90Ms: percentileOfClasses(classes, 90),
    };
  }

  backlogStats(q: { ownerSubtree?: string; now: Date; recentDays: number }): BacklogStats {
    const now = q.now.getTime();
    const subtree = q.ownerSubtree === CENTRAL_AGENCY ? undefined : q.ownerSubtree;
    // Open by owner: the running counts of migration 5.
    const scope =
      subtree === undefined ? '1' : 'owner_root = ? AND (owner = ? OR (owner >= ? AND owner < ?))';
    const scopeParams = subtree === undefined ? [] : [rootOf(subtree), subtree, `${subtree}.`, `${subtree}/`];
    const open = this.stmt(
      `SELECT owner AS key, sum(n) AS n FROM complaint_counts WHERE ${scope} AND status IN (${OPEN_LIST})
       GROUP BY owner`,
    ).all(...scopeParams) as Array<{ key: string; n: number }>;
    // Not yet due: bounded by the answer time the law gives (PAKN of the last few weeks), read from
    // the covering index of open PAKN by deadline; overdue = open − not yet due.
    const ownerScope = subtree === undefined ? '' : ' AND (c.owner = ? OR (c.owner >= ? AND c.owner < ?))';
    const notDue = this.stmt(
      `SELECT c.owner AS key, count(*) AS n FROM complaints c INDEXED BY complaints_stats_open
       WHERE c.status IN (${OPEN_LIST}) AND c.due_at >= ?${ownerScope} GROUP BY +c.owner`,
    ).all(now, ...scopeParams.slice(1)) as Array<{ key: string; n: number }>;
    const overdue = new Map<string, number>();
    for (const r of open) add(overdue, r.key, r.n);
    for (const r of notDue) add(overdue, r.key, -r.n);

    const today = Number(new Date(now + VN_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, ''));
    const firstDay = Number(
      new Date(now + VN_OFFSET_MS - (Math.max(1, q.recentDays) - 1) * DAY_MS)
        .toISOString()
        .slice(0, 10)
        .replace(/-/g, ''),
    );
    const recent = this.stmt(
      `SELECT day AS slot, sum(n) AS n FROM stats_open
       WHERE owner IN (SELECT value FROM json_each(?)) AND day BETWEEN ? AND ? GROUP BY day ORDER BY day`,
    ).all(this.ownerKeys(subtree), firstDay, today) as Array<{ slot: number; n: number }>;

    return {
      open: open.reduce((acc, r) => acc + r.n, 0),
      recentByDay: dayCounts(recent),
      overdueByOwner: keyCounts(overdue),
    };
  }
}

function rootOf(owner: string): string {
  const dot = owner.indexOf('.');
  return dot < 0 ? owner : owner.slice(0, dot);
}
