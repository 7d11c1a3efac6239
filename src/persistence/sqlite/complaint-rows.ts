import type {
  Answer,
  Complaint,
  ComplaintSummary,
  HistoryEvent,
  InternalNote,
  Supplement,
} from '../../domain/complaint';
import type { Channel } from '../../domain/complaint';
import type { ComplaintStatus } from '../../domain/status';
import type { TrackingCode } from '../../domain/tracking-code';

/** The indexed columns of a `complaints` row, as bound to the insert and update statements. */
export interface ComplaintColumns {
  code: string;
  title: string;
  status: string;
  owner: string;
  owner_root: string;
  channel: string;
  category: string;
  created_at: number;
  updated_at: number;
  due_at: number;
  answered_at: number | null;
  published: number;
  version: number;
  phone: string | null;
  email: string | null;
}

/** What a list query selects: the summary columns only, so lists never parse documents. */
export interface SummaryRow {
  code: string;
  title: string;
  category: string;
  status: string;
  owner: string;
  channel: string;
  due_at: number;
  created_at: number;
  updated_at: number;
  answered_at: number | null;
  published: number;
  version: number;
}

export function toColumns(c: Complaint): ComplaintColumns {
  return {
    code: c.code,
    title: c.title,
    status: c.status,
    owner: c.owner,
    owner_root: ownerRoot(c.owner),
    channel: c.channelRef.channel,
    category: c.category,
    created_at: c.createdAt.getTime(),
    updated_at: c.updatedAt.getTime(),
    due_at: c.dueAt.getTime(),
    answered_at: c.answeredAt ? c.answeredAt.getTime() : null,
    published: c.answer?.published ? 1 : 0,
    version: c.version,
    phone: c.submitter.phone ?? null,
    email: c.submitter.email ? c.submitter.email.toLowerCase() : null,
  };
}

/** The top-level agency of a dotted code: `btc` for `btc.tchq.kv1`. */
export function ownerRoot(owner: string): string {
  const dot = owner.indexOf('.');
  return dot === -1 ? owner : owner.slice(0, dot);
}

export function toDoc(c: Complaint): string {
  return JSON.stringify(c);
}

export function summaryFromRow(r: SummaryRow): ComplaintSummary {
  const s: ComplaintSummary = {
    code: r.code as TrackingCode,
    title: r.title,
    category: r.category,
    status: r.status as ComplaintStatus,
    owner: r.owner,
    channel: r.channel as Channel,
    dueAt: new Date(r.due_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    published: r.published === 1,
    version: r.version,
  };
  if (r.answered_at !== null) s.answeredAt = new Date(r.answered_at);
  return s;
}

// JSON turns Dates into ISO strings; these turn the known date fields back. `history[].data` is free-form
// and comes back as JSON gave it (the domain puts no Dates there).
const date = (v: unknown): Date => new Date(v as string);
const optDate = (v: unknown): Date | undefined => (v === undefined || v === null ? undefined : date(v));

function reviveAnswer(a: Answer): Answer {
  const out: Answer = { ...a, at: date(a.at) };
  if (a.publishedAt !== undefined) out.publishedAt = date(a.publishedAt);
  if (a.review) {
    out.review = { ...a.review };
    if (a.review.at !== undefined) out.review.at = date(a.review.at);
  }
  return out;
}

/** Parses a stored document back into a Complaint with real Dates. */
export function complaintFromDoc(doc: string): Complaint {
  // Revived in place: the parsed objects belong to nobody else, so they need no copies (a PAKN is read
  // for every notice sent).
  const c = JSON.parse(doc) as Complaint;
  c.dueAt = date(c.dueAt);
  c.createdAt = date(c.createdAt);
  c.updatedAt = date(c.updatedAt);
  for (const s of c.supplements as Supplement[]) s.at = date(s.at);
  for (const n of c.notes as InternalNote[]) n.at = date(n.at);
  for (const h of c.history as HistoryEvent[]) h.at = date(h.at);
  const answeredAt = optDate(c.answeredAt);
  if (answeredAt) c.answeredAt = answeredAt;
  else delete c.answeredAt;
  if (c.answer) c.answer = reviveAnswer(c.answer);
  return c;
}

/**
 * Search folds what is indexed and what is searched alike (src/domain/text-fold.ts): a query typed without
 * diacritics (common on phones) finds the accented text, and decomposed input finds composed text.
 */
export { foldVietnamese as foldSearchText, foldedWords as searchWords } from '../../domain/text-fold';

/** An FTS5 MATCH expression requiring every word (each a quoted string, so never an operator). */
export function ftsQuery(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' ');
}
