import type { Model } from 'mongoose';

import type { Complaint, ComplaintChange, ComplaintSummary, NewComplaint } from '../../domain/complaint';
import {
  IllegalTransitionError,
  InternalError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../domain/errors';
import type { DomainEvent } from '../../domain/events';
import type {
  AnswerTimeStats,
  ComplaintFilter,
  ComplaintStore,
  CountDimension,
  DayField,
  OutboxEntry,
  Page,
  PageRequest,
  BacklogStats,
  PeriodStats,
  PeriodStatsQuery,
} from '../../domain/ports/complaint-store';
import { SEARCH_TOTAL_CAP } from '../../domain/ports/complaint-store';
import type { ComplaintStatus } from '../../domain/status';
import { generateTrackingCode, type TrackingCode } from '../../domain/tracking-code';
import type { Logger } from '../../shared/logger';
import {
  changeToUpdate,
  COMPLAINT_PROJECTION,
  complaintFromDocument,
  needsCurrentText,
  newComplaintDocument,
  type CurrentText,
  outboxFromDoc,
  statusesAllowedBefore,
  SUMMARY_PROJECTION,
  summaryFromDocument,
} from './complaint-mapping';
import {
  afterCursor,
  andAll,
  answerCountsPipeline,
  answerTimeAtRankPipeline,
  complaintQuery,
  countByDayPipeline,
  countByPipeline,
  decodeCursor,
  decodeSearchCursor,
  encodeCursor,
  encodeSearchCursor,
  afterSearchCursor,
  isSearch,
  LIST_SORT,
  SEARCH_SORT,
  nearestRank,
  type PipelineStage,
} from './complaint-query';
import {
  HAS_OUTBOX,
  type ComplaintDocument,
  type ComplaintSummaryDocument,
  type OutboxEventDocument,
} from './documents';
import { isDuplicateKeyError } from './mongo-errors';
import { mongoBacklogStats, mongoPeriodStats } from './mongo-stats-queries';

export interface MongoComplaintStoreOptions {
  /** Code source; tests inject one that collides to prove the retry. */
  generateCode?: () => TrackingCode;
  logger?: Logger;
}

const MAX_CODE_ATTEMPTS = 10;
const MAX_PAGE = 100;
const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * ComplaintStore on MongoDB. Each write is a single-document atomic operation:
 * - `create` inserts the PAKN with its outbox events under a unique index on `code` (a collision is
 *   retried with a fresh code); the promise resolves only once the server acknowledged the insert
 *   with the connection's write concern (majority by default), so a code is never shown for a PAKN
 *   that could be lost.
 * - `update` is one `findOneAndUpdate` guarded by `version` (optimistic concurrency) and by the
 *   statuses a move to the new status is allowed from; its `$push` to `outbox` makes the events part
 *   of the same atomic write, which gives the guarantee of a transactional outbox without
 *   multi-document transactions (which need a replica set and cost more).
 */
export class MongoComplaintStore implements ComplaintStore {
  private readonly generateCode: () => TrackingCode;
  private readonly logger?: Logger;

  constructor(
    private readonly model: Model<ComplaintDocument>,
    options: MongoComplaintStoreOptions = {},
  ) {
    this.generateCode = options.generateCode ?? (() => generateTrackingCode());
    this.logger = options.logger;
  }

  async create(draft: NewComplaint, events?: (code: string) => DomainEvent[]): Promise<Complaint> {
    for (let attempt = 1; attempt <= MAX_CODE_ATTEMPTS; attempt++) {
      const code = this.generateCode();
      const doc = newComplaintDocument(draft, code, events ? events(code) : []);
      try {
        await this.model.create(doc);
        return complaintFromDocument(doc);
      } catch (err) {
        if (!isDuplicateKeyError(err, 'code')) throw err;
        this.logger?.warn({ attempt }, 'tracking code collision, drawing another');
      }
    }
    throw new InternalError(`no free tracking code after ${MAX_CODE_ATTEMPTS} attempts`);
  }

  async getByCode(code: string): Promise<Complaint | null> {
    if (typeof code !== 'string') return null;
    const doc = await this.model.findOne({ code }, COMPLAINT_PROJECTION).lean<ComplaintDocument>();
    return doc ? complaintFromDocument(doc) : null;
  }

  async update(
    code: string,
    expectedVersion: number,
    change: ComplaintChange,
    events: DomainEvent[] = [],
  ): Promise<Complaint> {
    if (typeof code !== 'string') throw new NotFoundError('complaint', String(code));
    if (!Number.isSafeInteger(expectedVersion))
      throw new ValidationError('errors.bad_request', { field: 'version' });
    const guard: Record<string, unknown> = { code, version: expectedVersion };
    // A status move the rules forbid is refused by the same atomic operation, whatever computed the change.
    if (change.status !== undefined) guard.status = { $in: statusesAllowedBefore(change.status) };
    let text: CurrentText | undefined;
    if (needsCurrentText(change)) {
      // The word index covers title and content together; a change to one needs the other. The
      // version guard below makes sure the text read here is still the text being changed.
      const found = await this.model
        .findOne({ code }, { _id: 0, version: 1, title: 1, content: 1 })
        .lean<Pick<ComplaintDocument, 'version' | 'title' | 'content'>>();
      if (!found) throw new NotFoundError('complaint', code);
      if (found.version !== expectedVersion)
        throw new VersionConflictError(code, expectedVersion, found.version);
      text = { title: found.title ?? '', content: found.content ?? '' };
    }
    const doc = await this.model
      .findOneAndUpdate(guard, changeToUpdate(change, events, text), {
        returnDocument: 'after',
        runValidators: true,
        projection: COMPLAINT_PROJECTION,
      })
      .lean<ComplaintDocument>();
    if (doc) return complaintFromDocument(doc);

    // Nothing matched: find out why, for a precise typed error.
    const current = await this.model
      .findOne({ code }, { _id: 0, version: 1, status: 1 })
      .lean<Pick<ComplaintDocument, 'version' | 'status'>>();
    if (!current) throw new NotFoundError('complaint', code);
    if (current.version !== expectedVersion)
      throw new VersionConflictError(code, expectedVersion, current.version);
    if (change.status !== undefined)
      throw new IllegalTransitionError(current.status as ComplaintStatus, change.status);
    // Matched a moment ago but not then: someone wrote in between.
    throw new VersionConflictError(code, expectedVersion);
  }

  async findBySubmitter(contact: { phone?: string; email?: string }): Promise<Complaint[]> {
    const or: Record<string, string>[] = [];
    if (typeof contact.phone === 'string' && contact.phone !== '')
      or.push({ 'submitter.phone': contact.phone });
    if (typeof contact.email === 'string' && contact.email !== '')
      or.push({ submitterEmail: contact.email.toLowerCase() });
    if (or.length === 0) return [];
    const docs = await this.model
      .find({ $or: or }, COMPLAINT_PROJECTION)
      .sort(LIST_SORT)
      .lean<ComplaintDocument[]>();
    return docs.map(complaintFromDocument);
  }

  async list(filter: ComplaintFilter, page: PageRequest): Promise<Page<ComplaintSummary>> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit)));
    if (isSearch(filter)) return this.searchPage(filter, limit, page);
    const base = complaintQuery(filter);
    const query = page.cursor !== undefined ? andAll([base, afterCursor(decodeCursor(page.cursor))]) : base;
    const skip = page.cursor !== undefined ? 0 : Math.max(0, Math.floor(page.offset ?? 0));
    const [total, docs] = await Promise.all([
      // No filter (the central office's view of everything): the collection's own count instead of
      // a scan of every document; it is exact except after an unclean shutdown, which is fine for a page total.
      Object.keys(base).length === 0 ? this.model.estimatedDocumentCount() : this.model.countDocuments(base),
      this.model
        .find(query, SUMMARY_PROJECTION)
        .sort(LIST_SORT)
        .skip(skip)
        .limit(limit + 1)
        .lean<ComplaintSummaryDocument[]>(),
    ]);
    const more = docs.length > limit;
    const items = (more ? docs.slice(0, limit) : docs).map(summaryFromDocument);
    const result: Page<ComplaintSummary> = { items, total };
    const last = items[items.length - 1];
    if (more && last) result.nextCursor = encodeCursor(last);
    return result;
  }

  /**
   * A search page: newest stored first (`_id` descending, walked on the `{ searchWords, _id }` index), its
   * total from the newest SEARCH_TOTAL_CAP + 1 PAKN holding the words — the port's rules for `q`, as in
   * the SQLite adapter.
   */
  private async searchPage(
    filter: ComplaintFilter,
    limit: number,
    page: PageRequest,
  ): Promise<Page<ComplaintSummary>> {
    const base = complaintQuery(filter);
    const query =
      page.cursor !== undefined ? andAll([base, afterSearchCursor(decodeSearchCursor(page.cursor))]) : base;
    const skip = page.cursor !== undefined ? 0 : Math.max(0, Math.floor(page.offset ?? 0));
    const docs = await this.model
      .find(query, { ...SUMMARY_PROJECTION, _id: 1 })
      .sort(SEARCH_SORT)
      .skip(skip)
      .limit(limit + 1)
      .lean<Array<ComplaintSummaryDocument & { _id: { toHexString(): string } }>>();
    const more = docs.length > limit;
    const shown = more ? docs.slice(0, limit) : docs;
    let total: number;
    let totalCapped = false;
    if (page.cursor === undefined && skip === 0 && !more) {
      total = docs.length; // the whole result is on this page
    } else {
      // As the SQLite adapter: only the newest SEARCH_TOTAL_CAP + 1 PAKN holding the words are looked at.
      const rest = complaintQuery({ ...filter, q: undefined });
      const [r] = await this.model.aggregate<{ examined: Array<{ n: number }>; found: Array<{ n: number }> }>(
        [
          { $match: complaintQuery({ q: filter.q }) },
          { $sort: SEARCH_SORT },
          { $limit: SEARCH_TOTAL_CAP + 1 },
          {
            $facet: {
              examined: [{ $count: 'n' }],
              found: [{ $limit: SEARCH_TOTAL_CAP }, { $match: rest }, { $count: 'n' }],
            },
          },
        ],
      );
      const examined = r?.examined[0]?.n ?? 0;
      const found = r?.found[0]?.n ?? 0;
      totalCapped = examined > SEARCH_TOTAL_CAP;
      total = totalCapped ? Math.max(found, skip + docs.length) : found;
    }
    const result: Page<ComplaintSummary> = { items: shown.map(summaryFromDocument), total };
    if (totalCapped) result.totalCapped = true;
    const last = shown[shown.length - 1];
    if (more && last) result.nextCursor = encodeSearchCursor(last._id.toHexString());
    return result;
  }

  async countBy(
    dimension: CountDimension,
    filter: ComplaintFilter,
  ): Promise<Array<{ key: string; count: number }>> {
    return this.aggregate<{ key: string; count: number }>(countByPipeline(dimension, filter));
  }

  async countByDay(
    field: DayField,
    filter: ComplaintFilter,
    timeZone = DEFAULT_TIME_ZONE,
  ): Promise<Array<{ day: string; count: number }>> {
    return this.aggregate<{ day: string; count: number }>(countByDayPipeline(field, filter, timeZone));
  }

  async answerTimes(filter: ComplaintFilter): Promise<AnswerTimeStats> {
    const [counts] = await this.aggregate<{ answered: number; onTime: number }>(answerCountsPipeline(filter));
    if (!counts || counts.answered === 0) return { answered: 0, onTime: 0, p50Ms: null, p90Ms: null };
    const at = async (p: number) => {
      const [row] = await this.aggregate<{ ms: number }>(
        answerTimeAtRankPipeline(filter, nearestRank(p, counts.answered)),
      );
      return row ? Number(row.ms) : null;
    };
    const [p50Ms, p90Ms] = await Promise.all([at(50), at(90)]);
    return { answered: counts.answered, onTime: counts.onTime, p50Ms, p90Ms };
  }

  async periodStats(query: PeriodStatsQuery): Promise<PeriodStats> {
    return mongoPeriodStats((p) => this.aggregate(p), query);
  }

  async backlogStats(query: { ownerSubtree?: string; now: Date; recentDays: number }): Promise<BacklogStats> {
    return mongoBacklogStats((p) => this.aggregate(p), query);
  }

  async pendingEvents(limit: number): Promise<OutboxEntry[]> {
    const n = Math.max(1, Math.floor(limit));
    // Oldest first across PAKN; within one PAKN in the order they were written (array index).
    const rows = await this.aggregate<OutboxEventDocument>([
      { $match: HAS_OUTBOX },
      { $project: { outbox: 1 } },
      { $unwind: { path: '$outbox', includeArrayIndex: 'position' } },
      { $sort: { 'outbox.at': 1, _id: 1, position: 1 } },
      { $limit: n },
      { $replaceRoot: { newRoot: '$outbox' } },
    ]);
    return rows.map((e) => ({ event: outboxFromDoc(e) }));
  }

  async markEventsDispatched(ids: string[]): Promise<void> {
    const wanted = ids.filter((id): id is string => typeof id === 'string');
    if (wanted.length === 0) return;
    await this.model.updateMany(
      { ...HAS_OUTBOX, 'outbox.id': { $in: wanted } },
      { $pull: { outbox: { id: { $in: wanted } } } },
    );
  }

  async redactEvents(
    code: string,
    redact: (data: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    // Dispatched events are pulled from the document, so only those still waiting are left to rewrite;
    // each by its id, so a relay pulling it meanwhile is not undone.
    const doc = await this.model.findOne({ code }, { outbox: 1 }).lean();
    for (const e of doc?.outbox ?? []) {
      await this.model.updateOne(
        { code, 'outbox.id': e.id },
        { $set: { 'outbox.$.data': redact(e.data ?? {}) } },
      );
    }
  }

  private aggregate<T>(pipeline: PipelineStage[]): Promise<T[]> {
    // Aggregation stages are built by complaint-query.ts from checked values; mongoose does not cast them.
    return this.model.aggregate<T>(pipeline).exec();
  }
}
