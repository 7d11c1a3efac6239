import { Types, type PipelineStage } from 'mongoose';

import { CENTRAL_AGENCY } from '../../domain/agency';
import { ValidationError } from '../../domain/errors';
import type { ComplaintFilter, CountDimension, DayField } from '../../domain/ports/complaint-store';
import { OPEN_STATUSES } from '../../domain/status';
import { searchWords } from './search-text';

/**
 * Pure translation of port-level queries into MongoDB filters and aggregation pipelines. Every value
 * from a caller is checked to be the primitive the port promises (a string, a Date) before it is
 * placed in a filter, so an object smuggled through untyped JSON (`{ "$ne": null }`) can never become
 * an operator; free text reaches MongoDB only as quoted folded words or as an escaped, anchored regex.
 */
export type MongoFilter = Record<string, unknown>;
export type { PipelineStage };

function bad(field: string): never {
  throw new ValidationError('errors.bad_request', { field });
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string') bad(field);
  return value;
}

function strList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) bad(field);
  return value.map((v) => str(v, field));
}

function date(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) bad(field);
  return value;
}

/** Escapes every character with a meaning in a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `btc` matches `btc` and `btc.tchq` but not `btcx`; anchored, so the owner index bounds the scan. */
export function ownerSubtreeRegex(root: string): string {
  return `^${escapeRegex(root)}(?:\\.|$)`;
}

/** Joins clauses, leaving out empty ones; one clause stands alone, none matches everything. */
export function andAll(all: MongoFilter[]): MongoFilter {
  const clauses = all.filter((c) => Object.keys(c).length > 0);
  if (clauses.length === 0) return {};
  if (clauses.length === 1) return clauses[0]!;
  return { $and: clauses };
}

export function complaintQuery(f: ComplaintFilter): MongoFilter {
  const clauses: MongoFilter[] = [];
  if (f.ownerSubtree !== undefined) {
    const root = str(f.ownerSubtree, 'ownerSubtree');
    // The central office's subtree is everything.
    if (root !== CENTRAL_AGENCY) clauses.push({ owner: { $regex: ownerSubtreeRegex(root) } });
  }
  if (f.owners !== undefined) clauses.push({ owner: { $in: strList(f.owners, 'owners') } });
  if (f.involving !== undefined) {
    const agency = str(f.involving, 'involving');
    clauses.push({ $or: [{ owner: agency }, { coordinators: agency }] });
  }
  if (f.coordinator !== undefined) clauses.push({ coordinators: str(f.coordinator, 'coordinator') });
  if (f.status !== undefined) clauses.push({ status: { $in: strList(f.status, 'status') } });
  if (f.channel !== undefined) clauses.push({ 'channelRef.channel': { $in: strList(f.channel, 'channel') } });
  if (f.category !== undefined) clauses.push({ category: { $in: strList(f.category, 'category') } });
  if (f.from !== undefined || f.to !== undefined) {
    const range: Record<string, Date> = {};
    if (f.from !== undefined) range.$gte = date(f.from, 'from');
    if (f.to !== undefined) range.$lt = date(f.to, 'to');
    clauses.push({ createdAt: range });
  }
  if (f.overdueAt !== undefined) {
    clauses.push({ status: { $in: [...OPEN_STATUSES] }, dueAt: { $lt: date(f.overdueAt, 'overdueAt') } });
  }
  if (f.answeredFrom !== undefined || f.answeredTo !== undefined) {
    const range: Record<string, Date> = {};
    if (f.answeredFrom !== undefined) range.$gte = date(f.answeredFrom, 'answeredFrom');
    if (f.answeredTo !== undefined) range.$lt = date(f.answeredTo, 'answeredTo');
    clauses.push({ answeredAt: range });
  }
  if (f.answeredOnTime !== undefined) {
    if (typeof f.answeredOnTime !== 'boolean') bad('answeredOnTime');
    // Compares two fields of the document; no caller value is part of the expression.
    clauses.push({
      answeredAt: { $type: 'date' },
      $expr: { [f.answeredOnTime ? '$lte' : '$gt']: ['$answeredAt', '$dueAt'] },
    });
  }
  if (f.published !== undefined) {
    if (typeof f.published !== 'boolean') bad('published');
    // No answer at all counts as not published.
    clauses.push({ 'answer.published': f.published ? true : { $ne: true } });
  }
  if (f.q !== undefined) {
    const words = searchWords(str(f.q, 'q'));
    // Only punctuation: no words, no filter, as an empty search box would.
    if (words.length > 0) clauses.push({ searchWords: { $all: [...new Set(words)] } });
  }
  return andAll(clauses);
}

export interface CursorPosition {
  createdAt: Date;
  code: string;
}

/** The cursor is opaque to callers; the format is the SQLite adapter's, `[createdAtMs, code]` in base64url JSON. */
export function encodeCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt.getTime(), p.code])).toString('base64url');
}

export function decodeCursor(cursor: unknown): CursorPosition {
  if (typeof cursor === 'string') {
    try {
      const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') {
        return { createdAt: new Date(v[0] as number), code: v[1] as string };
      }
    } catch {
      // falls through to the error below
    }
  }
  bad('cursor');
}

/** Rows strictly after `p` in the list order (createdAt desc, code desc). */
export function afterCursor(p: CursorPosition): MongoFilter {
  return { $or: [{ createdAt: { $lt: p.createdAt } }, { createdAt: p.createdAt, code: { $lt: p.code } }] };
}

export const LIST_SORT = { createdAt: -1, code: -1 } as const;

/**
 * True when the filter searches words (a `q` with at least one word). A search page comes in the order
 * the store recorded the PAKN, newest first (the port's rule for `q`, shared with the SQLite adapter):
 * here `_id` order, since the ObjectId begins with its creation second and counts up within a process.
 */
export function isSearch(f: ComplaintFilter): boolean {
  return f.q !== undefined && searchWords(str(f.q, 'q')).length > 0;
}

export const SEARCH_SORT = { _id: -1 } as const;

/** A search page's cursor: the `_id` (hex) it stopped at, `[id]` in base64url JSON as in the SQLite adapter. */
export function encodeSearchCursor(id: string): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

export function decodeSearchCursor(cursor: unknown): string {
  if (typeof cursor === 'string') {
    try {
      const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string' && /^[0-9a-f]{24}$/.test(v[0]))
        return v[0];
    } catch {
      // falls through to the error below
    }
  }
  bad('cursor');
}

/** Rows strictly after the search cursor in `_id` descending order. */
export function afterSearchCursor(id: string): MongoFilter {
  return { _id: { $lt: new Types.ObjectId(id) } };
}

const DIMENSION_FIELD: Record<CountDimension, string> = {
  status: '$status',
  owner: '$owner',
  channel: '$channelRef.channel',
  category: '$category',
};
const DAY_FIELD: Record<DayField, string> = { createdAt: 'createdAt', answeredAt: 'answeredAt' };

/** Validates an IANA zone name before it reaches the server (which would fail the whole pipeline). */
export function checkTimeZone(timeZone: unknown): string {
  const tz = str(timeZone, 'timeZone');
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    bad('timeZone');
  }
  return tz;
}

export function countByPipeline(dimension: CountDimension, filter: ComplaintFilter): PipelineStage[] {
  const field = DIMENSION_FIELD[dimension];
  if (!field) bad('dimension');
  return [
    { $match: complaintQuery(filter) },
    { $group: { _id: field, count: { $sum: 1 } } },
    { $sort: { _id: 1 } },
    { $project: { _id: 0, key: '$_id', count: 1 } },
  ];
}

/** Per local calendar day; `$dateToString` with an Olson zone handles daylight saving where a zone has it. */
export function countByDayPipeline(
  field: DayField,
  filter: ComplaintFilter,
  timeZone: string,
): PipelineStage[] {
  const path = DAY_FIELD[field];
  if (!path) bad('field');
  const tz = checkTimeZone(timeZone);
  return [
    { $match: andAll([complaintQuery(filter), { [path]: { $type: 'date' } }]) },
    {
      $group: {
        _id: { $dateToString: { format: '%Y-%m-%d', date: `$${path}`, timezone: tz } },
        count: { $sum: 1 },
      },
    },
    { $sort: { _id: 1 } },
    { $project: { _id: 0, day: '$_id', count: 1 } },
  ];
}

const ANSWERED = { answeredAt: { $type: 'date' } };

export function answerCountsPipeline(filter: ComplaintFilter): PipelineStage[] {
  return [
    { $match: andAll([complaintQuery(filter), ANSWERED]) },
    {
      $group: {
        _id: null,
        answered: { $sum: 1 },
        onTime: { $sum: { $cond: [{ $lte: ['$answeredAt', '$dueAt'] }, 1, 0] } },
      },
    },
  ];
}

/**
 * The `rank`-th smallest answer time (0-based). Works on MongoDB 6 (no `$percentile`, which is 7.0+
 * and approximate); `$sort` followed by `$skip`/`$limit` keeps only the top rank+1 values in memory.
 */
export function answerTimeAtRankPipeline(filter: ComplaintFilter, rank: number): PipelineStage[] {
  return [
    { $match: andAll([complaintQuery(filter), ANSWERED]) },
    { $project: { _id: 0, ms: { $subtract: ['$answeredAt', '$createdAt'] } } },
    { $sort: { ms: 1 } },
    { $skip: rank },
    { $limit: 1 },
  ];
}

/** Nearest rank, as the SQLite adapter: the smallest value with at least p% of the values at or below it. */
export function nearestRank(p: number, n: number): number {
  return Math.max(0, Math.ceil((p / 100) * n) - 1);
}
