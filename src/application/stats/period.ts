import { ValidationError } from '../../domain/errors';
import { localDate } from '../../domain/deadlines';

/**
 * The reporting period of a statistics request: whole local days (Asia/Ho_Chi_Minh, UTC+7 all year, as in
 * the deadline rules), both ends included, and how the time series is bucketed.
 */
export const Granularity = { Day: 'day', Week: 'week', Month: 'month' } as const;
export type Granularity = (typeof Granularity)[keyof typeof Granularity];
export const GRANULARITIES: readonly Granularity[] = Object.values(Granularity);

export const STATS_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface StatsPeriod {
  /** First local day, YYYY-MM-DD. */
  from: string;
  /** Last local day, YYYY-MM-DD (included). */
  to: string;
  granularity: Granularity;
  /** Start of `from` as an instant. */
  start: Date;
  /** Start of the day after `to` as an instant (exclusive end). */
  end: Date;
}

/** The longest period one request may cover, and the most points one series may have. */
export const MAX_PERIOD_DAYS = 3660;
export const MAX_SERIES_POINTS = 400;
/** The default period: the last this many days, today included. */
export const DEFAULT_PERIOD_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;
const VN_OFFSET_MS = 7 * 3600 * 1000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The instant a local day starts. */
export function startOfLocalDay(isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) - VN_OFFSET_MS);
}

export function addIsoDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The bucket a local day falls in: the day itself, the Monday of its ISO week, or YYYY-MM. */
export function bucketOf(isoDate: string, granularity: Granularity): string {
  if (granularity === 'day') return isoDate;
  if (granularity === 'month') return isoDate.slice(0, 7);
  const dow = new Date(`${isoDate}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addIsoDays(isoDate, -((dow + 6) % 7));
}

/** Every bucket from the one holding `from` to the one holding `to`, in order. */
export function bucketsOf(period: Pick<StatsPeriod, 'from' | 'to' | 'granularity'>): string[] {
  const out: string[] = [];
  let day = period.from;
  let last = '';
  while (day <= period.to) {
    const b = bucketOf(day, period.granularity);
    if (b !== last) out.push(b);
    last = b;
    day =
      period.granularity === 'month'
        ? `${addIsoDays(`${day.slice(0, 7)}-28`, 4).slice(0, 7)}-01`
        : addIsoDays(
            day,
            period.granularity === 'week' ? 7 - ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) : 1,
          );
  }
  return out;
}

/** The granularity that keeps a chart readable when the caller names none. */
export function defaultGranularity(days: number): Granularity {
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

export interface PeriodInput {
  from?: string;
  to?: string;
  granularity?: string;
}

/**
 * Validates a requested period; missing ends default to the last DEFAULT_PERIOD_DAYS days up to today.
 * Errors carry `stats:` locale keys.
 */
export function resolvePeriod(input: PeriodInput, now: Date): StatsPeriod {
  const today = localDate(now);
  if (input.from !== undefined && !isIsoDate(input.from))
    throw new ValidationError('stats:errors.date_invalid', { value: input.from });
  if (input.to !== undefined && !isIsoDate(input.to))
    throw new ValidationError('stats:errors.date_invalid', { value: input.to });
  const to = input.to ?? (input.from !== undefined && input.from > today ? input.from : today);
  const from = input.from ?? addIsoDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) throw new ValidationError('stats:errors.range_reversed', { from, to });
  const days = daysBetween(from, to) + 1;
  if (days > MAX_PERIOD_DAYS)
    throw new ValidationError('stats:errors.range_too_long', { days, max: MAX_PERIOD_DAYS });
  let granularity: Granularity;
  if (input.granularity === undefined || input.granularity === '') granularity = defaultGranularity(days);
  else if ((GRANULARITIES as readonly string[]).includes(input.granularity))
    granularity = input.granularity as Granularity;
  else throw new ValidationError('stats:errors.granularity_invalid', { value: input.granularity });
  const period = {
    from,
    to,
    granularity,
    start: startOfLocalDay(from),
    end: startOfLocalDay(addIsoDays(to, 1)),
  };
  const points = bucketsOf(period).length;
  if (points > MAX_SERIES_POINTS)
    throw new ValidationError('stats:errors.too_many_points', { points, max: MAX_SERIES_POINTS });
  return period;
}
