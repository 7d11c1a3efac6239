import type { Database, Statement, Transaction } from 'better-sqlite3';
import {
  applyChange,
  type Complaint,
  type ComplaintChange,
  type ComplaintSummary,
  type NewComplaint,
} from '../../domain/complaint';
import { InternalError, NotFoundError, ValidationError, VersionConflictError } from '../../domain/errors';
import type { DomainEvent, DomainEventType } from '../../domain/events';
import type {
  AnswerTimeStats,
  BacklogStats,
  ComplaintFilter,
  ComplaintStore,
  CountDimension,
  DayField,
  OutboxEntry,
  Page,
  PageRequest,
  PeriodStats,
  PeriodStatsQuery,
} from '../../domain/ports/complaint-store';
import { SEARCH_TOTAL_CAP } from '../../domain/ports/complaint-store';
import { assertTransition } from '../../domain/status';
import { generateTrackingCode, type TrackingCode } from '../../domain/tracking-code';
import type { Logger } from '../../shared/logger';
import {
  complaintFromDoc,
  foldSearchText,
  summaryFromRow,
  toColumns,
  toDoc,
  type SummaryRow,
} from './complaint-rows';
import { filterSql, type FilterSql } from './complaint-filter-sql';
import { fixedOffset, localDay } from './time-zone';
import { durably } from './durability';
import { StatementCache } from './statement-cache';
import { SqliteStatsQueries } from './sqlite-stats-queries';

export interface SqliteComplaintStoreOptions {
  /** Code source; tests inject one that collides to prove the retry. */
  generateCode?: () => TrackingCode;
  logger?: Logger;
}

interface PendingCreate {
  draft: NewComplaint;
  events?: (code: string) => DomainEvent[];
  resolve(c: Complaint): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: Complaint } | { ok: false; error: unknown };

const MAX_CODE_ATTEMPTS = 10;
/** Creates committed together at most; bounds the latency one commit adds to the first caller. */
const MAX_GROUP = 256;
const MAX_PAGE = 100;
const SUMMARY_COLUMNS =
  'c.code, c.title, c.category, c.status, c.owner, c.channel, c.due_at, c.created_at, c.updated_at, c.answered_at, c.published, c.version';
const DIMENSION_COLUMN: Record<CountDimension, string> = {
  status: 'c.status',
  owner: 'c.owner',
  channel: 'c.channel',
  category: 'c.category',
};
const DAY_COLUMN: Record<DayField, string> = { createdAt: 'c.created_at', answeredAt: 'c.answered_at' };
const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;

/** What the search index holds for a PAKN, before folding. */
function searchText(title: string, content: string): string {
  return `${title}\n${content}`;
}

function isCodeCollision(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (e.message ?? '').includes('complaints.code');
}

function encodeCursor(createdAt: number, code: string): string {
  return Buffer.from(JSON.stringify([createdAt, code])).toString('base64url');
}

/** A search page's cursor: the row id it stopped at (search pages come in id order). */
function encodeSearchCursor(id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

function cursorParts(cursor: string): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function badCursor(): never {
  throw new ValidationError('errors.bad_request', { field: 'cursor' });
}

/** A list page from up to `limit + 1` rows in list order: the extra row only tells that a next page exists. */
function listPage(rows: SummaryRow[], limit: number, total: number): Page<ComplaintSummary> {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(summaryFromRow);
  const last = items[items.length - 1];
  const result: Page<ComplaintSummary> = { items, total };
  if (more && last) result.nextCursor = encodeCursor(last.createdAt.getTime(), last.code);
  return result;
}

function decodeCursor(cursor: string): [number, string] {
  const v = cursorParts(cursor);
  if (v?.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string')
    return [v[0] as number, v[1] as string];
  return badCursor();
}

function decodeSearchCursor(cursor: string): number {
  const v = cursorParts(cursor);
  if (v?.length === 1 && Number.isSafeInteger(v[0])) return v[0] as number;
  return badCursor();
}

/**
 * ComplaintStore on SQLite. Every write is one immediate transaction (the row, its search words, its
 * coordinators and its outbox events together). Creates that arrive in the same tick are committed in
 * one transaction (group commit): each still gets its own savepoint, so one failing create does not
 * take the others down, and every promise resolves only after the shared commit, which with
 * synchronous=FULL means after the WAL has been fsynced.
 */
export class SqliteComplaintStore implements ComplaintStore {
  private readonly generateCode: () => TrackingCode;
  private readonly logger?: Logger;
  private readonly queued: PendingCreate[] = [];
  private flushScheduled = false;
  private readonly statements: StatementCache;
  /** Statistics from the per-day counters of migration 8 (sqlite-stats-queries.ts). */
  private readonly stats: SqliteStatsQueries;

  private readonly insertRow: Statement;
  private readonly insertDoc: Statement;
  private readonly updateDoc: Statement;
  private readonly insertFts: Statement;
  private readonly deleteFts: Statement;
  private readonly insertCoordinator: Statement;
  private readonly deleteCoordinators: Statement;
  private readonly insertEvent: Statement;
  private readonly selectByCode: Statement;
  private readonly selectForUpdate: Statement;
  private readonly updateRow: Statement;
  private readonly selectByPhone: Statement;
  private readonly selectByEmail: Statement;
  private readonly selectPending: Statement;
  private readonly markDispatched: Statement;

  private readonly createGroup: Transaction<(batch: PendingCreate[]) => Outcome[]>;
  private readonly insertOneTx: (c: Complaint, events: DomainEvent[]) => void;
  private readonly updateTx: Transaction<
    (code: string, expected: number, change: ComplaintChange, events: DomainEvent[]) => Complaint
  >;
  private readonly bulkTx: (rows: Complaint[], search: boolean) => void;
  private readonly markTx: Transaction<(ids: string[]) => void>;

  constructor(
    private readonly db: Database,
    options: SqliteComplaintStoreOptions = {},
  ) {
    this.generateCode = options.generateCode ?? (() => generateTrackingCode());
    this.logger = options.logger;
    this.stats = new SqliteStatsQueries(db);
    this.statements = new StatementCache(db);

    this.insertRow = db.prepare(`INSERT INTO complaints
      (code, title, status, owner, owner_root, channel, category, created_at, updated_at, due_at, answered_at, published, version, phone, email)
      VALUES (@code, @title, @status, @owner, @owner_root, @channel, @category, @created_at, @updated_at, @due_at, @answered_at, @published, @version, @phone, @email)`);
    this.insertDoc = db.prepare('INSERT INTO complaint_docs (id, doc) VALUES (?, ?)');
    this.updateDoc = db.prepare('UPDATE complaint_docs SET doc = ? WHERE id = ?');
    this.insertFts = db.prepare('INSERT INTO complaints_fts (rowid, text) VALUES (?, ?)');
    this.deleteFts = db.prepare('DELETE FROM complaints_fts WHERE rowid = ?');
    this.insertCoordinator = db.prepare(
      'INSERT OR IGNORE INTO complaint_coordinators (agency, created_at, code, complaint_id) VALUES (?, ?, ?, ?)',
    );
    this.deleteCoordinators = db.prepare('DELETE FROM complaint_coordinators WHERE complaint_id = ?');
    this.insertEvent = db.prepare('INSERT INTO outbox (id, code, type, at, data) VALUES (?, ?, ?, ?, ?)');
    const withDoc = 'FROM complaints c JOIN complaint_docs d ON d.id = c.id';
    this.selectByCode = db.prepare(`SELECT d.doc ${withDoc} WHERE c.code = ?`).pluck();
    this.selectForUpdate = db.prepare(`SELECT c.id, c.version, d.doc ${withDoc} WHERE c.code = ?`);
    this.updateRow = db.prepare(`UPDATE complaints SET
      title = @title, status = @status, owner = @owner, owner_root = @owner_root, channel = @channel,
      category = @category, updated_at = @updated_at, due_at = @due_at, answered_at = @answered_at,
      published = @published, version = @version, phone = @phone, email = @email
      WHERE code = @code AND version = @expected`);
    this.selectByPhone = db
      .prepare(`SELECT d.doc ${withDoc} WHERE c.phone = ? ORDER BY c.created_at DESC, c.code DESC`)
      .pluck();
    this.selectByEmail = db
      .prepare(`SELECT d.doc ${withDoc} WHERE c.email = ? ORDER BY c.created_at DESC, c.code DESC`)
      .pluck();
    this.selectPending = db.prepare(
      'SELECT id, code, type, at, data FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?',
    );
    this.markDispatched = db.prepare(
      'UPDATE outbox SET dispatched_at = ? WHERE id = ? AND dispatched_at IS NULL',
    );

    this.insertOneTx = db.transaction((c: Complaint, events: DomainEvent[]) => this.insertOne(c, events));

    this.createGroup = db.transaction((batch: PendingCreate[]) => batch.map((p) => this.tryCreateOne(p)));

    this.updateTx = db.transaction(
      (code: string, expected: number, change: ComplaintChange, events: DomainEvent[]) => {
        const row = this.selectForUpdate.get(code) as
          { id: number; version: number; doc: string } | undefined;
        if (!row) throw new NotFoundError('complaint', code);
        if (row.version !== expected) throw new VersionConflictError(code, expected, row.version);
        const current = complaintFromDoc(row.doc);
        // A status move the rules forbid is refused here too, whatever computed the change.
        if (change.status !== undefined && change.status !== current.status)
          assertTransition(current.status, change.status);
        const next = applyChange(current, change);
        const result = this.updateRow.run({ ...toColumns(next), expected });
        if (result.changes !== 1) throw new VersionConflictError(code, expected);
        this.updateDoc.run(toDoc(next), row.id);
        if (change.coordinators !== undefined) {
          this.deleteCoordinators.run(row.id);
          for (const agency of next.coordinators)
            this.insertCoordinator.run(agency, next.createdAt.getTime(), next.code, row.id);
        }
        if (change.title !== undefined || change.content !== undefined) {
          this.deleteFts.run(row.id);
          this.insertFts.run(row.id, foldSearchText(searchText(next.title, next.content)));
        }
        for (const e of events) this.writeEvent(e);
        return next;
      },
    );

    this.bulkTx = db.transaction((rows: Complaint[], search: boolean) => {
      // No savepoint per row: a failing row fails the whole load.
      for (const c of rows) this.insertOne(c, [], search);
    });

    this.markTx = db.transaction((ids: string[]) => {
      const now = Date.now();
      for (const id of ids) this.markDispatched.run(now, id);
    });
  }

  create(draft: NewComplaint, events?: (code: string) => DomainEvent[]): Promise<Complaint> {
    return new Promise<Complaint>((resolve, reject) => {
      this.queued.push({ draft, events, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushCreates());
      }
    });
  }

  private flushCreates(): void {
    this.flushScheduled = false;
    const batch = this.queued.splice(0, MAX_GROUP);
    if (this.queued.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flushCreates());
    }
    let outcomes: Outcome[];
    try {
      outcomes = durably(this.db, () => this.createGroup.immediate(batch));
    } catch (err) {
      // The commit itself failed: nothing of the batch is stored.
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  /** Runs inside the group transaction; its own savepoint (insertOneTx) undoes only this create on error. */
  private tryCreateOne(p: PendingCreate): Outcome {
    try {
      for (let attempt = 1; attempt <= MAX_CODE_ATTEMPTS; attempt++) {
        const complaint = this.newComplaint(p.draft, this.generateCode());
        const events = p.events ? p.events(complaint.code) : [];
        try {
          this.insertOneTx(complaint, events);
          return { ok: true, value: complaint };
        } catch (err) {
          if (!isCodeCollision(err)) throw err;
          this.logger?.warn({ attempt }, 'tracking code collision, drawing another');
        }
      }
      throw new InternalError(`no free tracking code after ${MAX_CODE_ATTEMPTS} attempts`);
    } catch (error) {
      return { ok: false, error };
    }
  }

  private newComplaint(d: NewComplaint, code: TrackingCode): Complaint {
    const c: Complaint = {
      code,
      title: d.title,
      content: d.content,
      category: d.category,
      attachments: [...d.attachments],
      submitter: { ...d.submitter },
      channelRef: { ...d.channelRef },
      locale: d.locale,
      status: 'received',
      owner: d.owner,
      coordinators: [],
      dueAt: d.dueAt,
      supplements: [],
      notes: [],
      history: [...d.history],
      version: 1,
      createdAt: d.createdAt,
      updatedAt: d.createdAt,
    };
    if (d.requestedAgency !== undefined) c.requestedAgency = d.requestedAgency;
    if (d.location !== undefined) c.location = d.location;
    return c;
  }

  /** The row, its document, its search words, its coordinators and its events; the caller holds the transaction. */
  private insertOne(c: Complaint, events: DomainEvent[], search = true): void {
    const id = this.insertRow.run(toColumns(c)).lastInsertRowid;
    this.insertDoc.run(id, toDoc(c));
    if (search) this.insertFts.run(id, foldSearchText(searchText(c.title, c.content)));
    for (const agency of c.coordinators)
      this.insertCoordinator.run(agency, c.createdAt.getTime(), c.code, id);
    for (const e of events) this.writeEvent(e);
  }

  private writeEvent(e: DomainEvent): void {
    this.insertEvent.run(e.id, e.code, e.type, e.at.getTime(), JSON.stringify(e.data));
  }

  /**
   * Loads complete PAKN (code, version and times already set) in one transaction through the same
   * statements as `create`. For benchmarks and imports; not part of the port. Rows are inserted in the
   * order given and list pages of a search assume ids follow creation time: give them oldest first.
   * With `search: false` the search words are left out, to be written for the whole load at once by
   * `indexSearchText` (one pass in id order instead of interleaving index merges with the rows).
   */
  bulkInsert(rows: Complaint[], options: { search?: boolean } = {}): void {
    this.bulkTx(rows, options.search ?? true);
  }

  /**
   * Writes the search words of every PAKN with an id above `afterId` from its stored document, in id
   * order; after loads with `bulkInsert(rows, { search: false })`. Those rows must have no words yet.
   */
  indexSearchText(afterId = 0): number {
    this.db.function('pakn_search_text', { deterministic: true }, (title: unknown, content: unknown) =>
      foldSearchText(searchText(String(title), String(content))),
    );
    return this.db
      .prepare(
        `INSERT INTO complaints_fts (rowid, text)
         SELECT id, pakn_search_text(doc ->> '$.title', doc ->> '$.content') FROM complaint_docs WHERE id > ? ORDER BY id`,
      )
      .run(afterId).changes;
  }

  async getByCode(code: string): Promise<Complaint | null> {
    const doc = this.selectByCode.get(code) as string | undefined;
    return doc === undefined ? null : complaintFromDoc(doc);
  }

  async update(
    code: string,
    expectedVersion: number,
    change: ComplaintChange,
    events: DomainEvent[] = [],
  ): Promise<Complaint> {
    return durably(this.db, () => this.updateTx.immediate(code, expectedVersion, change, events));
  }

  async findBySubmitter(contact: { phone?: string; email?: string }): Promise<Complaint[]> {
    const docs = new Map<string, Complaint>();
    const add = (list: unknown[]) => {
      for (const d of list as string[]) {
        const c = complaintFromDoc(d);
        docs.set(c.code, c);
      }
    };
    if (contact.phone) add(this.selectByPhone.all(contact.phone));
    if (contact.email) add(this.selectByEmail.all(contact.email.toLowerCase()));
    return [...docs.values()].sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() || (a.code < b.code ? 1 : a.code > b.code ? -1 : 0),
    );
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  async list(filter: ComplaintFilter, page: PageRequest): Promise<Page<ComplaintSummary>> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit)));
    const offset = page.cursor !== undefined ? 0 : Math.max(0, Math.floor(page.offset ?? 0));
    const f = filterSql(filter);
    if (f.search) return this.searchPage(f.search, limit, offset, page.cursor);
    const cursor = page.cursor !== undefined ? decodeCursor(page.cursor) : undefined;
    if (f.coordinated) return this.coordinatedPage(f.coordinated, limit, offset, cursor);
    const after = cursor ? ' AND (c.created_at, c.code) < (?, ?)' : '';
    const afterParams = cursor ?? [];
    // Pick the page's ids from an index first (sorting index entries, not rows, when the order does
    // not come straight out of one), then read only those rows.
    const rows = this.stmt(
      `SELECT ${SUMMARY_COLUMNS} FROM complaints c WHERE c.id IN (
         SELECT c.id FROM complaints c WHERE ${f.where}${after}
         ORDER BY c.created_at DESC, c.code DESC LIMIT ? OFFSET ?
       ) ORDER BY c.created_at DESC, c.code DESC`,
    ).all(...f.params, ...afterParams, limit + 1, offset) as SummaryRow[];
    // Owner and status alone: a sum over the running counters instead of a count over rows.
    const countSql = f.ownerStatusOnly
      ? `SELECT coalesce(sum(c.n), 0) FROM complaint_counts c WHERE ${f.where}`
      : `SELECT count(*) FROM complaints c WHERE ${f.where}`;
    const total = this.stmt(countSql)
      .pluck()
      .get(...f.params) as number;
    return listPage(rows, limit, total);
  }

  /**
   * A page of what one agency coordinates: `complaint_coordinators` is keyed (agency, created_at, code), so
   * the walk is in list order and stops at the page's end (CROSS JOIN keeps it the outer loop); with no
   * other filter the total is an index-only count.
   */
  private coordinatedPage(
    co: NonNullable<FilterSql['coordinated']>,
    limit: number,
    offset: number,
    cursor: [number, string] | undefined,
  ): Page<ComplaintSummary> {
    const after = cursor ? ' AND (cc.created_at, cc.code) < (?, ?)' : '';
    const walk = `FROM complaint_coordinators cc CROSS JOIN complaints c ON c.id = cc.complaint_id
       WHERE cc.agency = ? AND ${co.rest}`;
    const rows = this.stmt(
      `SELECT ${SUMMARY_COLUMNS} ${walk}${after} ORDER BY cc.created_at DESC, cc.code DESC LIMIT ? OFFSET ?`,
    ).all(co.agency, ...co.restParams, ...(cursor ?? []), limit + 1, offset) as SummaryRow[];
    const total = (
      co.rest === '1'
        ? this.stmt('SELECT count(*) FROM complaint_coordinators WHERE agency = ?').pluck().get(co.agency)
        : this.stmt(`SELECT count(*) ${walk}`)
            .pluck()
            .get(co.agency, ...co.restParams)
    ) as number;
    return listPage(rows, limit, total);
  }

  /**
   * A search page, newest first by row id: ids follow the order PAKN were stored, which for PAKN made by
   * `create` is their creation order. The word index yields its matches in id order, so the page is the
   * first `limit` matches that pass the other filters, never a sort of every match; the total looks at
   * the newest SEARCH_TOTAL_CAP + 1 matches of the words only.
   */
  private searchPage(
    search: NonNullable<FilterSql['search']>,
    limit: number,
    offset: number,
    cursorText: string | undefined,
  ): Page<ComplaintSummary> {
    const afterId = cursorText !== undefined ? decodeSearchCursor(cursorText) : undefined;
    // Bounded work: the total only looks at the newest SEARCH_TOTAL_CAP + 1 PAKN holding the words, each
    // with whether it passes the other filters. When the words are in no more PAKN, that is every match
    // and the count is exact; otherwise it is a lower bound: the cap itself without other filters, else the
    // matches among those newest (and never fewer than the rows up to this page).
    const { examined, found, matching } = this.newestMatches(search);
    const capped = examined > SEARCH_TOTAL_CAP;
    const candidates = matching && afterId !== undefined ? matching.filter((id) => id < afterId) : matching;
    const want = offset + limit + 1;
    let rows: Array<SummaryRow & { id: number }>;
    if (candidates && (!capped || candidates.length >= want)) {
      // The page lies among those newest: read just its rows.
      rows = this.stmt(
        `SELECT c.id, ${SUMMARY_COLUMNS} FROM complaints c WHERE c.id IN (SELECT value FROM json_each(?))
         ORDER BY c.id DESC`,
      ).all(JSON.stringify(candidates.slice(offset, want))) as Array<SummaryRow & { id: number }>;
    } else {
      // Words only, or further down: walk the word index (from the cursor). CROSS JOIN keeps the index as the outer loop
      // (SQLite never reorders a CROSS JOIN), so its id order is the page order and the walk stops at
      // the page's end.
      rows = this.stmt(
        `SELECT c.id, ${SUMMARY_COLUMNS} FROM complaints_fts f CROSS JOIN complaints c ON c.id = f.rowid
         WHERE f.complaints_fts MATCH ? AND ${search.rest}${afterId !== undefined ? ' AND f.rowid < ?' : ''}
         ORDER BY f.rowid DESC LIMIT ? OFFSET ?`,
      ).all(
        search.match,
        ...search.restParams,
        ...(afterId !== undefined ? [afterId] : []),
        limit + 1,
        offset,
      ) as Array<SummaryRow & { id: number }>;
    }
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(summaryFromRow);
    const total = capped ? Math.max(found, offset + rows.length) : found;
    const result: Page<ComplaintSummary> = { items, total };
    if (capped) result.totalCapped = true;
    if (more) result.nextCursor = encodeSearchCursor(rows[limit - 1]!.id);
    return result;
  }

  /**
   * How many of the newest SEARCH_TOTAL_CAP + 1 PAKN hold the search's words (`examined`), how many of
   * the newest SEARCH_TOTAL_CAP pass the filter's other clauses (`found`) and, when it has any, the ids of
   * those that pass, newest first. With words only, every one passes and the page walk stops by itself:
   * no list is built.
   */
  private newestMatches(search: NonNullable<FilterSql['search']>): {
    examined: number;
    found: number;
    matching?: number[];
  } {
    const newest = `SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_TOTAL_CAP + 1}`;
    if (search.rest === '1') {
      const examined = this.stmt(`SELECT count(*) FROM (${newest})`).pluck().get(search.match) as number;
      return { examined, found: Math.min(examined, SEARCH_TOTAL_CAP) };
    }
    const rows = this.stmt(
      `SELECT f.rowid, (${search.rest}) FROM (${newest}) f CROSS JOIN complaints c ON c.id = f.rowid
       ORDER BY f.rowid DESC`,
    )
      .raw()
      .all(...search.restParams, search.match) as Array<[number, number | null]>;
    return {
      examined: rows.length,
      // Counted among the newest SEARCH_TOTAL_CAP only: the one past them just tells that there are more.
      found: rows.slice(0, SEARCH_TOTAL_CAP).filter((r) => r[1] === 1).length,
      matching: rows.filter((r) => r[1] === 1).map((r) => r[0]),
    };
  }

  async countBy(
    dimension: CountDimension,
    filter: ComplaintFilter,
  ): Promise<Array<{ key: string; count: number }>> {
    const col = DIMENSION_COLUMN[dimension];
    if (!col) throw new ValidationError('errors.bad_request', { field: 'dimension' });
    const f = filterSql(filter);
    if (f.ownerStatusOnly && (dimension === 'status' || dimension === 'owner')) {
      return this.stmt(
        `SELECT ${col} AS key, sum(c.n) AS count FROM complaint_counts c WHERE ${f.where}
         GROUP BY ${col} HAVING sum(c.n) > 0 ORDER BY ${col}`,
      ).all(...f.params) as Array<{ key: string; count: number }>;
    }
    // `+col` keeps the planner from walking the dimension's own index to avoid a sort (a row lookup per
    // PAKN); grouping the rows the filter's covering index yields and sorting the few groups is cheaper.
    return this.stmt(
      `SELECT ${col} AS key, count(*) AS count FROM complaints c WHERE ${f.where} GROUP BY +${col} ORDER BY 1`,
    ).all(...f.params) as Array<{ key: string; count: number }>;
  }

  async countByDay(
    field: DayField,
    filter: ComplaintFilter,
    timeZone = 'Asia/Ho_Chi_Minh',
  ): Promise<Array<{ day: string; count: number }>> {
    const col = DAY_COLUMN[field];
    if (!col) throw new ValidationError('errors.bad_request', { field: 'field' });
    const f = filterSql(filter);
    const where = `${f.where} AND ${col} IS NOT NULL`;
    const offset = fixedOffset(timeZone);
    if (offset !== null) {
      const rows = this.stmt(
        // better-sqlite3 binds JS numbers as REAL; the cast keeps the division an integer one.
        `SELECT (${col} + CAST(? AS INTEGER)) / ${DAY_MS} AS d, count(*) AS n FROM complaints c WHERE ${where} GROUP BY d ORDER BY d`,
      ).all(offset, ...f.params) as Array<{ d: number; n: number }>;
      return rows.map((r) => ({ day: new Date(r.d * DAY_MS).toISOString().slice(0, 10), count: r.n }));
    }
    // Every zone offset in use is a whole number of quarter hours, so no bucket straddles a local midnight.
    const rows = this.stmt(
      `SELECT ${col} / ${QUARTER_HOUR_MS} AS b, count(*) AS n FROM complaints c WHERE ${where} GROUP BY b ORDER BY b`,
    ).all(...f.params) as Array<{ b: number; n: number }>;
    const days = new Map<string, number>();
    for (const r of rows) {
      const day = localDay(timeZone, r.b * QUARTER_HOUR_MS);
      days.set(day, (days.get(day) ?? 0) + r.n);
    }
    return [...days.entries()].map(([day, count]) => ({ day, count }));
  }

  async answerTimes(filter: ComplaintFilter): Promise<AnswerTimeStats> {
    const f = filterSql(filter);
    const where = `${f.where} AND c.answered_at IS NOT NULL`;
    const agg = this.stmt(
      `SELECT count(*) AS answered, coalesce(sum(c.answered_at <= c.due_at), 0) AS onTime FROM complaints c WHERE ${where}`,
    ).get(...f.params) as { answered: number; onTime: number };
    if (agg.answered === 0) return { answered: 0, onTime: 0, p50Ms: null, p90Ms: null };
    const nth = this.stmt(
      `SELECT c.answered_at - c.created_at AS d FROM complaints c WHERE ${where} ORDER BY d LIMIT 1 OFFSET ?`,
    ).pluck();
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const rank = (p: number) => Math.max(0, Math.ceil((p / 100) * agg.answered) - 1);
    return {
      answered: agg.answered,
      onTime: agg.onTime,
      p50Ms: nth.get(...f.params, rank(50)) as number,
      p90Ms: nth.get(...f.params, rank(90)) as number,
    };
  }

  async redactEvents(
    code: string,
    redact: (data: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    // The outbox keeps dispatched events and has no index by code: this scans it. Erasures are rare.
    const tx = this.db.transaction(() => {
      const rows = this.db.prepare('SELECT id, data FROM outbox WHERE code = ?').all(code) as Array<{
        id: string;
        data: string;
      }>;
      const set = this.db.prepare('UPDATE outbox SET data = ? WHERE id = ?');
      for (const r of rows)
        set.run(JSON.stringify(redact(JSON.parse(r.data) as Record<string, unknown>)), r.id);
    });
    durably(this.db, () => tx.immediate());
  }

  async periodStats(query: PeriodStatsQuery): Promise<PeriodStats> {
    return this.stats.periodStats(query);
  }

  async backlogStats(query: { ownerSubtree?: string; now: Date; recentDays: number }): Promise<BacklogStats> {
    return this.stats.backlogStats(query);
  }

  async pendingEvents(limit: number): Promise<OutboxEntry[]> {
    const rows = this.selectPending.all(Math.max(1, Math.floor(limit))) as Array<{
      id: string;
      code: string;
      type: string;
      at: number;
      data: string;
    }>;
    return rows.map((r) => ({
      event: {
        id: r.id,
        code: r.code as TrackingCode,
        type: r.type as DomainEventType,
        at: new Date(r.at),
        data: JSON.parse(r.data) as Record<string, unknown>,
      },
    }));
  }

  async markEventsDispatched(ids: string[]): Promise<void> {
    if (ids.length > 0) this.markTx.immediate(ids);
  }
}
