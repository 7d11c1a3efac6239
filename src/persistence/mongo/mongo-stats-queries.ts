import { CENTRAL_AGENCY } from '../../domain/agency';
import { ANSWER_TIME_TIERS, percentileOfClasses } from '../../domain/answer-time';
import { ValidationError } from '../../domain/errors';
import type {
  BacklogStats,
  ComplaintFilter,
  DayCount,
  KeyCount,
  PeriodStats,
  PeriodStatsQuery,
} from '../../domain/ports/complaint-store';
import { OPEN_STATUSES } from '../../domain/status';
import {
  andAll,
  complaintQuery,
  countByDayPipeline,
  countByPipeline,
  type PipelineStage,
} from './complaint-query';

/**
 * The statistics reads of the MongoDB adapter, as aggregation pipelines over the documents: the same
 * figures the SQLite adapter reads from its counters, with the same definitions (whole local days in
 * Vietnam time, percentiles to the time-to-answer class of src/domain/answer-time.ts), so the contract
 * suite holds both to one set of numbers.
 */

const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

type Aggregate = <T>(pipeline: PipelineStage[]) => Promise<T[]>;

function startOfLocalDay(isoDay: unknown, field: string): Date {
  if (typeof isoDay !== 'string' || !DATE_RE.test(isoDay))
    throw new ValidationError('errors.bad_request', { field });
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - VN_OFFSET_MS);
}

function subtree(ownerSubtree: string | undefined): ComplaintFilter {
  return ownerSubtree === undefined || ownerSubtree === CENTRAL_AGENCY ? {} : { ownerSubtree };
}

/** `$switch` over the tiers: the start of the class holding `ms` (an expression), as the SQL of migration 8. */
export function answerClassExpression(ms: unknown): Record<string, unknown> {
  const tiers = [...ANSWER_TIME_TIERS].reverse();
  return {
    $let: {
      vars: { d: { $max: [0, ms] } },
      in: {
        $switch: {
          branches: tiers.map((t) => ({
            case: { $gte: ['$$d', t.fromMs] },
            then: { $subtract: ['$$d', { $mod: [{ $subtract: ['$$d', t.fromMs] }, t.widthMs] }] },
          })),
          default: 0,
        },
      },
    },
  };
}

export async function mongoPeriodStats(aggregate: Aggregate, q: PeriodStatsQuery): Promise<PeriodStats> {
  const start = startOfLocalDay(q.fromDay, 'fromDay');
  const end = new Date(startOfLocalDay(q.toDay, 'toDay').getTime() + DAY_MS);
  const base = subtree(q.ownerSubtree);
  const received: ComplaintFilter = { ...base, from: start, to: end };
  const answeredFilter: ComplaintFilter = { ...base, answeredFrom: start, answeredTo: end };
  const counts = (dimension: 'status' | 'channel' | 'category' | 'owner') =>
    aggregate<KeyCount>(countByPipeline(dimension, received));
  const [byStatus, byChannel, byCategory, byOwner, receivedByDay, answeredByDay, byOwnerAnswered, classes] =
    await Promise.all([
      counts('status'),
      counts('channel'),
      counts('category'),
      counts('owner'),
      aggregate<DayCount>(countByDayPipeline('createdAt', received, TIME_ZONE)),
      aggregate<DayCount>(countByDayPipeline('answeredAt', answeredFilter, TIME_ZONE)),
      aggregate<{ key: string; answered: number; onTime: number }>([
        { $match: andAll([complaintQuery(answeredFilter), { answeredAt: { $type: 'date' } }]) },
        {
          $group: {
            _id: '$owner',
            answered: { $sum: 1 },
            onTime: { $sum: { $cond: [{ $lte: ['$answeredAt', '$dueAt'] }, 1, 0] } },
          },
        },
        { $sort: { _id: 1 } },
        { $project: { _id: 0, key: '$_id', answered: 1, onTime: 1 } },
      ]),
      aggregate<{ _id: number; n: number }>([
        { $match: andAll([complaintQuery(answeredFilter), { answeredAt: { $type: 'date' } }]) },
        {
          $group: {
            _id: answerClassExpression({ $subtract: ['$answeredAt', '$createdAt'] }),
            n: { $sum: 1 },
          },
        },
      ]),
    ]);
  const histogram: Array<[number, number]> = classes.map((c) => [Number(c._id), c.n]);
  return {
    receivedByDay,
    byStatus,
    byChannel,
    byCategory,
    byOwner,
    answeredByDay,
    answeredByOwner: byOwnerAnswered,
    answered: byOwnerAnswered.reduce((acc, r) => acc + r.answered, 0),
    onTime: byOwnerAnswered.reduce((acc, r) => acc + r.onTime, 0),
    p50Ms: percentileOfClasses(histogram, 50),
    p90Ms: percentileOfClasses(histogram, 90),
  };
}

export async function mongoBacklogStats(
  aggregate: Aggregate,
  q: { ownerSubtree?: string; now: Date; recentDays: number },
): Promise<BacklogStats> {
  const base = subtree(q.ownerSubtree);
  const now = q.now.getTime();
  const localDay = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
  const firstDay = localDay(now - (Math.max(1, q.recentDays) - 1) * DAY_MS);
  // Up to the end of today, as the SQLite counters per day of receipt.
  const endOfToday = new Date(startOfLocalDay(localDay(now), 'now').getTime() + DAY_MS);
  const openFilter: ComplaintFilter = { ...base, status: [...OPEN_STATUSES] };
  const [open, recentByDay, overdueByOwner] = await Promise.all([
    aggregate<KeyCount>(countByPipeline('status', openFilter)),
    aggregate<DayCount>(
      countByDayPipeline(
        'createdAt',
        { ...openFilter, from: startOfLocalDay(firstDay, 'now'), to: endOfToday },
        TIME_ZONE,
      ),
    ),
    aggregate<KeyCount>(countByPipeline('owner', { ...base, overdueAt: q.now })),
  ]);
  return { open: open.reduce((acc, r) => acc + r.count, 0), recentByDay, overdueByOwner };
}
