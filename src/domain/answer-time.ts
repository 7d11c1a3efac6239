/**
 * Time-to-answer classes for statistics. Stores keep, per local day and per owner, how many answers fell
 * in each class (a histogram), so a median or 90th percentile over any period and subtree is a sum over
 * a few hundred counters instead of a sort over every answer of the period. The price is precision: a
 * percentile is reported as the START of the class holding the nearest-rank value, so the true value is
 * at most one class width above it:
 *
 * | time to answer | class width |
 * | -------------- | ----------- |
 * | under 2 days   | 1 hour      |
 * | 2 – 7 days     | 3 hours     |
 * | 7 – 30 days    | 12 hours    |
 * | 30 – 90 days   | 1 day       |
 * | 90 days and up | 7 days      |
 *
 * Whole hours under 2 days, and whole multiples of the width above, are exact. The SQLite schema
 * (migration 8) writes the same classes as a SQL CASE with these numbers frozen in; a test checks that
 * both agree. Changing the classes needs a new migration that rebuilds the histograms.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** From `fromMs` up, classes `widthMs` wide, counted from `fromMs`. Ordered by `fromMs`. */
export const ANSWER_TIME_TIERS: ReadonlyArray<{ fromMs: number; widthMs: number }> = [
  { fromMs: 0, widthMs: HOUR },
  { fromMs: 2 * DAY, widthMs: 3 * HOUR },
  { fromMs: 7 * DAY, widthMs: 12 * HOUR },
  { fromMs: 30 * DAY, widthMs: DAY },
  { fromMs: 90 * DAY, widthMs: 7 * DAY },
];

/** The start of the class holding a time to answer (negative times, a clock error, count as 0). */
export function answerTimeClass(ms: number): number {
  const d = Math.max(0, Math.floor(ms));
  let tier = ANSWER_TIME_TIERS[0]!;
  for (const t of ANSWER_TIME_TIERS) if (d >= t.fromMs) tier = t;
  return d - ((d - tier.fromMs) % tier.widthMs);
}

/**
 * Nearest-rank percentile over a histogram (class start → count): the class holding the
 * ceil(p/100 · n)-th smallest value. Null when the histogram is empty.
 */
export function percentileOfClasses(classes: Iterable<[number, number]>, p: number): number | null {
  const sorted = [...classes].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((acc, [, n]) => acc + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [start, n] of sorted) {
    seen += n;
    if (seen >= rank) return start;
  }
  return sorted[sorted.length - 1]![0];
}
