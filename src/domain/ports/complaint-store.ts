import type { Channel, Complaint, ComplaintChange, ComplaintSummary, NewComplaint } from '../complaint';
import type { DomainEvent } from '../events';
import type { ComplaintStatus } from '../status';

export interface ComplaintFilter {
  /** Owner is this agency or one of its units (`btc` matches `btc`, `btc.tchq`). Omit for all. */
  ownerSubtree?: string;
  /** Owner is exactly one of these. */
  owners?: string[];
  /** The agency is the lead owner or a coordinator. */
  involving?: string;
  /** The agency is one of the coordinating units (not the lead owner). */
  coordinator?: string;
  status?: ComplaintStatus[];
  channel?: Channel[];
  category?: string[];
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
  /** Open (received/processing/awaiting_info) and dueAt < overdueAt. */
  overdueAt?: Date;
  /** answeredAt >= answeredFrom (so only answered PAKN): statistics of answers given in a period. */
  answeredFrom?: Date;
  /** answeredAt < answeredTo (so only answered PAKN). */
  answeredTo?: Date;
  /** true: answered with answeredAt <= dueAt; false: answered after dueAt. Omit for either (and unanswered). */
  answeredOnTime?: boolean;
  published?: boolean;
  /**
   * Free text over title and content; words are matched, not a raw pattern. Every word must appear
   * (whole words, no stemming); case and diacritics are ignored (`duong` finds `Đường`).
   *
   * A search page comes newest first by the order the store recorded the PAKN (for PAKN created through
   * `create`, their creation order, to within a clock tick), so that a page is read off the word index and
   * stops after `limit` rows instead of sorting every match; its total is capped (`Page.totalCapped`).
   */
  q?: string;
}

export interface PageRequest {
  /** 1..100 */
  limit: number;
  /**
   * Opaque keyset cursor from a previous page's `nextCursor`; stable while rows are added. A cursor the
   * store did not issue fails with ValidationError.
   */
  cursor?: string;
  /** Offset paging for page-number UIs; ignored when `cursor` is given. */
  offset?: number;
}

/**
 * A search (`q`) looks at the newest this-many PAKN holding its words to count: a common word can match
 * most of a million PAKN, and counting every match would cost far more than the page.
 */
export const SEARCH_TOTAL_CAP = 1000;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
  /**
   * Total matching rows. Exact, except for a search whose words are in more than SEARCH_TOTAL_CAP PAKN:
   * then a lower bound, with `totalCapped` — SEARCH_TOTAL_CAP when `q` is the only filter (shown as
   * "1000+"), else the matches among the newest SEARCH_TOTAL_CAP PAKN holding the words, and never fewer
   * than the rows up to this page.
   */
  total: number;
  /** True when `total` is a lower bound (see `total`). */
  totalCapped?: boolean;
}

export type CountDimension = 'status' | 'owner' | 'channel' | 'category';
export type DayField = 'createdAt' | 'answeredAt';

/** Over the answered PAKN matching a filter; time to answer is answeredAt − createdAt. */
export interface AnswerTimeStats {
  answered: number;
  /** Answered with answeredAt <= dueAt. */
  onTime: number;
  /** Median time to answer (nearest rank: the ceil(0.5·n)-th smallest), null when none answered. */
  p50Ms: number | null;
  /** 90th percentile (nearest rank: the ceil(0.9·n)-th smallest), null when none answered. */
  p90Ms: number | null;
}

/** A count under a key (status, channel, category or agency code). */
export interface KeyCount {
  key: string;
  count: number;
}

/** A count on a local day (`YYYY-MM-DD`). */
export interface DayCount {
  day: string;
  count: number;
}

/**
 * A statistics period: whole local days in Asia/Ho_Chi_Minh (UTC+7 all year), both ends included, over the
 * subtree of one agency.
 */
export interface PeriodStatsQuery {
  /** Owner is this agency or one of its units; omit (or the central office) for everything. */
  ownerSubtree?: string;
  /** First local day, `YYYY-MM-DD`. */
  fromDay: string;
  /** Last local day, `YYYY-MM-DD` (included). */
  toDay: string;
}

/**
 * The figures of a period. "Received" counts PAKN whose createdAt falls in the period, by what they are
 * now (status, channel, category, owner); "answered" counts answers whose answeredAt falls in it.
 */
export interface PeriodStats {
  /** Days with nothing are left out; ordered by day. */
  receivedByDay: DayCount[];
  /** Each ordered by key; keys with nothing are left out. */
  byStatus: KeyCount[];
  byChannel: KeyCount[];
  byCategory: KeyCount[];
  byOwner: KeyCount[];
  answeredByDay: DayCount[];
  /** Answers of the period by owner, and how many of them by the due date (answeredAt <= dueAt). */
  answeredByOwner: Array<{ key: string; answered: number; onTime: number }>;
  answered: number;
  onTime: number;
  /**
   * Median and 90th percentile of answeredAt − createdAt (nearest rank), as the start of the
   * time-to-answer class holding it (src/domain/answer-time.ts: exact to 1 hour under 2 days, coarser
   * above); null when nothing was answered.
   */
  p50Ms: number | null;
  p90Ms: number | null;
}

/** Open PAKN (received, processing, awaiting information) of a subtree at an instant. */
export interface BacklogStats {
  /** Open now, whenever received. */
  open: number;
  /** Open now and received on one of the last `recentDays` local days (today included); by day. */
  recentByDay: DayCount[];
  /** Open and past their due date now, by owner, ordered by key. */
  overdueByOwner: KeyCount[];
}

/** A pending outbox entry, with what the relay needs to acknowledge it. */
export interface OutboxEntry {
  event: DomainEvent;
}

/**
 * Persistence of PAKN. Every write is atomic; writes that change a PAKN name the version they were
 * based on and fail with VersionConflictError if someone else wrote first. Events passed with a write
 * are committed with it (transactional outbox).
 */
export interface ComplaintStore {
  /**
   * Stores a new PAKN under a fresh unique tracking code (retrying on a collision) and returns it only
   * once the write is durable: a code is never shown for a PAKN that could be lost.
   */
  create(draft: NewComplaint, events?: (code: string) => DomainEvent[]): Promise<Complaint>;
  getByCode(code: string): Promise<Complaint | null>;
  /** Newest first (createdAt desc, code desc), stable across pages. */
  list(filter: ComplaintFilter, page: PageRequest): Promise<Page<ComplaintSummary>>;
  /**
   * Applies `change` if the stored version is `expectedVersion`; returns the new state. Fails, writing
   * nothing (no events either), with NotFoundError for an unknown code, VersionConflictError for a stale
   * version, and IllegalTransitionError when `change.status` is a move ALLOWED_TRANSITIONS forbids.
   */
  update(
    code: string,
    expectedVersion: number,
    change: ComplaintChange,
    events?: DomainEvent[],
  ): Promise<Complaint>;
  /** All PAKN a citizen filed, matched by exact phone or email (personal-data requests). */
  findBySubmitter(contact: { phone?: string; email?: string }): Promise<Complaint[]>;
  /**
   * Personal-data erasure: rewrites, with `redact`, the data of every event of this PAKN the store still
   * holds (waiting in the outbox, or kept after it was handed to the queue), so that officer texts sent
   * to the citizen (a request for information, a reason) lose the citizen's data too.
   *
   * @remarks Rare by nature; it may scan the outbox. Optional so that test doubles need not have it.
   */
  redactEvents?(
    code: string,
    redact: (data: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void>;

  /** Ordered by key. */
  countBy(dimension: CountDimension, filter: ComplaintFilter): Promise<Array<{ key: string; count: number }>>;
  /**
   * Per calendar day in `timeZone` (IANA, default Asia/Ho_Chi_Minh), `YYYY-MM-DD`, ordered by day;
   * days without rows are left out.
   */
  countByDay(
    field: DayField,
    filter: ComplaintFilter,
    timeZone?: string,
  ): Promise<Array<{ day: string; count: number }>>;
  answerTimes(filter: ComplaintFilter): Promise<AnswerTimeStats>;
  /**
   * The statistics of a period in one call, so a store can read them from counters it keeps per local
   * day (the SQLite store does) instead of counting rows: its cost follows the number of days and
   * agencies, not of PAKN.
   */
  periodStats(query: PeriodStatsQuery): Promise<PeriodStats>;
  /** The backlog of a subtree at `now`: open, open by day of receipt lately, overdue by owner. */
  backlogStats(query: { ownerSubtree?: string; now: Date; recentDays: number }): Promise<BacklogStats>;

  /** Outbox: events not yet handed to the queue, oldest first. */
  pendingEvents(limit: number): Promise<OutboxEntry[]>;
  /** Marks events as handed to the queue; unknown ids are ignored. */
  markEventsDispatched(ids: string[]): Promise<void>;
}
