/**
 * Deadlines in Vietnamese working days (RULES-VN: answer within 20 days of receipt, default working days;
 * forward outside competence within 5 working days). Weekends and an operator-maintained holiday list are
 * skipped. Vietnam keeps UTC+7 all year (no daylight saving), so local dates are computed with a fixed offset.
 */
export interface DeadlineRules {
  /** Days to answer from receipt. */
  answerDays: number;
  /** Days to forward a PAKN outside the agency's competence. */
  forwardDays: number;
  /** `working` skips weekends and holidays; `calendar` counts every day. */
  calendar: 'working' | 'calendar';
  /** ISO dates (YYYY-MM-DD) of public holidays and compensatory days off. */
  holidays: string[];
  /** While overdue, the citizen gets a status update every this many days. */
  overdueUpdateDays: number;
}

export const DEFAULT_DEADLINE_RULES: DeadlineRules = Object.freeze({
  answerDays: 20,
  forwardDays: 5,
  calendar: 'working',
  holidays: [],
  overdueUpdateDays: 7,
}) as DeadlineRules;

const VN_OFFSET_MS = 7 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The local (Asia/Ho_Chi_Minh) calendar date of an instant, as YYYY-MM-DD. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** The same local date as DD/MM/YYYY, as Vietnamese documents write it (read field by field: no ISO string). */
export function localDayDmy(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  const dd = String(local.getUTCDate()).padStart(2, '0');
  const mm = String(local.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${local.getUTCFullYear()}`;
}

export function isWorkingDay(isoDate: string, holidays: ReadonlySet<string> | readonly string[]): boolean {
  const set = holidays instanceof Set ? holidays : new Set(holidays as readonly string[]);
  const dow = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !set.has(isoDate);
}

/**
 * The end of the `days`-th counted day after the day of `start` (23:59:59.999 local time). A PAKN received
 * on a Friday with 1 working day is due at the end of Monday.
 */
export function addDays(
  start: Date,
  days: number,
  rules: Pick<DeadlineRules, 'calendar' | 'holidays'>,
): Date {
  const holidays = new Set(rules.holidays);
  let day = localDate(start);
  let counted = 0;
  while (counted < days) {
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    if (rules.calendar === 'calendar' || isWorkingDay(day, holidays)) counted++;
  }
  // End of that local day, as an instant.
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - 1 - VN_OFFSET_MS);
}

export function answerDueAt(receivedAt: Date, rules: DeadlineRules = DEFAULT_DEADLINE_RULES): Date {
  return addDays(receivedAt, rules.answerDays, rules);
}
