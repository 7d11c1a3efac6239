import { CENTRAL_AGENCY } from '../../domain/agency';
import type { ComplaintFilter } from '../../domain/ports/complaint-store';
import { OPEN_STATUSES } from '../../domain/status';
import { ftsQuery, ownerRoot, searchWords } from './complaint-rows';

/**
 * A WHERE clause for a ComplaintFilter over `complaints c`. The SQL text depends only on which filter
 * fields are present, never on their values (those are bound parameters; lists go in as one JSON array
 * read by json_each), so the statements can be prepared once per shape and cached.
 */
export interface FilterSql {
  /** `1` when nothing is filtered. */
  where: string;
  params: unknown[];
  /**
   * True when only owner and status are constrained: the clauses then name only `c.owner_root`,
   * `c.owner` and `c.status`, and can run on `complaint_counts c` as well.
   */
  ownerStatusOnly: boolean;
  /** True when a full-text match is part of the clause. */
  usesSearch: boolean;
  /**
   * With a search: its FTS5 MATCH expression, and the clause and parameters of every other field, so a
   * search page can walk the word index itself (`complaints_fts f` joined to `complaints c`).
   */
  search?: { match: string; rest: string; restParams: unknown[] };
  /**
   * With a coordinator (and no search): the agency, and the clause and parameters of every other field, so
   * a page can walk `complaint_coordinators cc` (keyed agency, created_at, code) in list order.
   */
  coordinated?: { agency: string; rest: string; restParams: unknown[] };
}

// Statuses are our own constants, not input; they are inlined so the partial index on open PAKN applies.
const OPEN_LIST = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * `col IN (list)`. A one-element list is written as an equality, so the planner can take rows in list
 * order straight from an index such as (owner_root, status, created_at); longer lists are one JSON
 * parameter.
 */
function inList(clauses: string[], params: unknown[], col: string, values: readonly string[]): void {
  if (values.length === 1) {
    clauses.push(`${col} = ?`);
    params.push(values[0]);
  } else {
    clauses.push(`${col} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  }
}

export function filterSql(f: ComplaintFilter): FilterSql {
  const clauses: string[] = [];
  const params: unknown[] = [];
  let ownerStatusClauses = 0;
  let usesSearch = false;
  if (f.ownerSubtree !== undefined && f.ownerSubtree !== CENTRAL_AGENCY) {
    // The top-level agency is an equality on an indexed column; below it, `btc.tchq` itself or anything
    // starting `btc.tchq.`, never `btc.tchqx` (the trap of a naive prefix 'btc.tchq%'): the range
    // ['btc.tchq.', 'btc.tchq/') holds exactly the codes that start with 'btc.tchq.' ('/' follows '.').
    const root = ownerRoot(f.ownerSubtree);
    clauses.push('c.owner_root = ?');
    params.push(root);
    if (root !== f.ownerSubtree) {
      clauses.push('(c.owner = ? OR (c.owner >= ? AND c.owner < ?))');
      params.push(f.ownerSubtree, `${f.ownerSubtree}.`, `${f.ownerSubtree}/`);
    }
    ownerStatusClauses += root === f.ownerSubtree ? 1 : 2;
  }
  if (f.owners !== undefined) {
    inList(clauses, params, 'c.owner', f.owners);
    ownerStatusClauses++;
  }
  if (f.involving !== undefined) {
    clauses.push(
      '(c.owner = ? OR c.id IN (SELECT complaint_id FROM complaint_coordinators WHERE agency = ?))',
    );
    params.push(f.involving, f.involving);
  }
  if (f.status !== undefined) {
    inList(clauses, params, 'c.status', f.status);
    ownerStatusClauses++;
  }
  if (f.channel !== undefined) {
    inList(clauses, params, 'c.channel', f.channel);
  }
  if (f.category !== undefined) {
    inList(clauses, params, 'c.category', f.category);
  }
  if (f.from !== undefined) {
    clauses.push('c.created_at >= ?');
    params.push(f.from.getTime());
  }
  if (f.to !== undefined) {
    clauses.push('c.created_at < ?');
    params.push(f.to.getTime());
  }
  if (f.overdueAt !== undefined) {
    clauses.push(`(c.status IN (${OPEN_LIST}) AND c.due_at < ?)`);
    params.push(f.overdueAt.getTime());
  }
  if (f.answeredFrom !== undefined) {
    clauses.push('c.answered_at >= ?');
    params.push(f.answeredFrom.getTime());
  }
  if (f.answeredTo !== undefined) {
    clauses.push('c.answered_at < ?');
    params.push(f.answeredTo.getTime());
  }
  if (f.answeredOnTime !== undefined) {
    clauses.push(f.answeredOnTime ? 'c.answered_at <= c.due_at' : 'c.answered_at > c.due_at');
  }
  if (f.published !== undefined) {
    clauses.push('c.published = ?');
    params.push(f.published ? 1 : 0);
  }
  let coordinated: FilterSql['coordinated'];
  if (f.coordinator !== undefined) {
    // Next to last, so that the clauses before it are the rest of the filter for a coordinator page.
    coordinated = {
      agency: f.coordinator,
      rest: clauses.length ? clauses.join(' AND ') : '1',
      restParams: [...params],
    };
    clauses.push('c.id IN (SELECT complaint_id FROM complaint_coordinators WHERE agency = ?)');
    params.push(f.coordinator);
  }
  let search: FilterSql['search'];
  // Last, so that the clauses before it are the rest of the filter.
  if (f.q !== undefined) {
    const words = searchWords(f.q);
    // A query with no words at all (only punctuation) filters nothing, as an empty search box would.
    if (words.length > 0) {
      const match = ftsQuery(words);
      search = { match, rest: clauses.length ? clauses.join(' AND ') : '1', restParams: [...params] };
      clauses.push('c.id IN (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?)');
      params.push(match);
      usesSearch = true;
    }
  }
  return {
    where: clauses.length ? clauses.join(' AND ') : '1',
    params,
    ownerStatusOnly: ownerStatusClauses === clauses.length,
    usesSearch,
    ...(search ? { search } : {}),
    ...(coordinated && !search ? { coordinated } : {}),
  };
}
