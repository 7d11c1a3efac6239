import type {
  Actor,
  ActorKind,
  Answer,
  Attachment,
  Channel,
  ChannelRef,
  Complaint,
  ComplaintChange,
  ComplaintSummary,
  HistoryEvent,
  HistoryEventType,
  InternalNote,
  Locale,
  NewComplaint,
  Rejection,
  ReviewState,
  Submitter,
  Supplement,
} from '../../domain/complaint';
import { InternalError } from '../../domain/errors';
import type { DomainEvent, DomainEventType } from '../../domain/events';
import { ALLOWED_TRANSITIONS, COMPLAINT_STATUSES, type ComplaintStatus } from '../../domain/status';
import type { TrackingCode } from '../../domain/tracking-code';
import type {
  AnswerDocument,
  AttachmentDocument,
  ComplaintDocument,
  ComplaintSummaryDocument,
  HistoryEventDocument,
  OutboxEventDocument,
  SupplementDocument,
} from './documents';
import { indexWords } from './search-text';

/**
 * Pure mapping between domain objects and stored documents, and from a ComplaintChange to one
 * MongoDB update. Optional fields absent in the domain are absent in the document and back.
 */

/** Read projection for a whole PAKN: derived fields and the outbox stay in the database. */
export const COMPLAINT_PROJECTION = {
  _id: 0,
  outbox: 0,
  searchWords: 0,
  submitterEmail: 0,
} as const;

/** Read projection for list rows. */
export const SUMMARY_PROJECTION = {
  _id: 0,
  code: 1,
  title: 1,
  category: 1,
  status: 1,
  owner: 1,
  'channelRef.channel': 1,
  dueAt: 1,
  createdAt: 1,
  updatedAt: 1,
  answeredAt: 1,
  'answer.published': 1,
  version: 1,
} as const;

function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined | null): void {
  if (value !== undefined && value !== null) target[key] = value;
}

const attachmentToDoc = (a: Attachment): AttachmentDocument => ({
  name: a.name,
  mediaType: a.mediaType,
  size: a.size,
  sha256: a.sha256,
  storageKey: a.storageKey,
});
const attachmentFromDoc = attachmentToDoc as (a: AttachmentDocument) => Attachment;

function submitterToDoc(s: Submitter): Submitter {
  const out: Submitter = {
    name: s.name,
    consentProcessing: s.consentProcessing,
    consentPublishName: s.consentPublishName,
  };
  put(out, 'phone', s.phone);
  put(out, 'email', s.email);
  put(out, 'address', s.address);
  return out;
}

function channelRefToDoc(r: ChannelRef): ChannelRef {
  return { channel: r.channel, userId: r.userId, conversationId: r.conversationId };
}

function supplementToDoc(s: Supplement): SupplementDocument {
  const out: SupplementDocument = { at: s.at, text: s.text, attachments: s.attachments.map(attachmentToDoc) };
  put(out, 'inReplyTo', s.inReplyTo);
  return out;
}
function supplementFromDoc(s: SupplementDocument): Supplement {
  const out: Supplement = {
    at: s.at,
    text: s.text ?? '',
    attachments: (s.attachments ?? []).map(attachmentFromDoc),
  };
  put(out, 'inReplyTo', s.inReplyTo);
  return out;
}

function reviewCopy(r: ReviewState): ReviewState {
  const out: ReviewState = { state: r.state };
  put(out, 'reviewer', r.reviewer);
  put(out, 'reason', r.reason);
  put(out, 'at', r.at);
  return out;
}

function answerToDoc(a: Answer): AnswerDocument {
  const out: AnswerDocument = {
    text: a.text,
    attachments: a.attachments.map(attachmentToDoc),
    by: a.by,
    agency: a.agency,
    at: a.at,
    publishRequested: a.publishRequested,
    published: a.published,
  };
  put(out, 'publishedAt', a.publishedAt);
  if (a.review) out.review = reviewCopy(a.review);
  return out;
}
function answerFromDoc(a: AnswerDocument): Answer {
  const out: Answer = {
    text: a.text ?? '',
    attachments: (a.attachments ?? []).map(attachmentFromDoc),
    by: a.by,
    agency: a.agency,
    at: a.at,
    publishRequested: a.publishRequested,
    published: a.published,
  };
  put(out, 'publishedAt', a.publishedAt);
  if (a.review) out.review = reviewCopy(a.review as ReviewState);
  return out;
}

function rejectionCopy(r: Rejection): Rejection {
  const out: Rejection = { reason: r.reason };
  put(out, 'duplicateOf', r.duplicateOf);
  put(out, 'note', r.note);
  return out;
}

function actorCopy(a: Actor): Actor {
  const out: Actor = { kind: a.kind };
  put(out, 'id', a.id);
  put(out, 'agency', a.agency);
  return out;
}

function historyToDoc(h: HistoryEvent): HistoryEventDocument {
  const out: HistoryEventDocument = { id: h.id, at: h.at, type: h.type, actor: actorCopy(h.actor) };
  put(out, 'fromOwner', h.fromOwner);
  put(out, 'toOwner', h.toOwner);
  put(out, 'status', h.status);
  put(out, 'note', h.note);
  put(out, 'data', h.data);
  return out;
}
function historyFromDoc(h: HistoryEventDocument): HistoryEvent {
  const out: HistoryEvent = {
    id: h.id,
    at: h.at,
    type: h.type as HistoryEventType,
    actor: actorCopy({ ...h.actor, kind: h.actor.kind as ActorKind }),
  };
  put(out, 'fromOwner', h.fromOwner);
  put(out, 'toOwner', h.toOwner);
  put(out, 'status', h.status as ComplaintStatus | undefined);
  put(out, 'note', h.note);
  put(out, 'data', h.data);
  return out;
}

const noteCopy = (n: InternalNote): InternalNote => ({
  id: n.id,
  at: n.at,
  by: n.by,
  agency: n.agency,
  text: n.text ?? '',
});

export function outboxToDoc(e: DomainEvent): OutboxEventDocument {
  return { id: e.id, type: e.type, code: e.code, at: e.at, data: e.data ?? {} };
}
export function outboxFromDoc(e: OutboxEventDocument): DomainEvent {
  return {
    id: e.id,
    type: e.type as DomainEventType,
    code: e.code as TrackingCode,
    at: e.at,
    data: e.data ?? {},
  };
}

const emailKey = (s: Submitter): string | undefined => s.email?.toLowerCase();

/** The document `create` inserts: a new PAKN under `code`, version 1, with its outbox events. */
export function newComplaintDocument(
  d: NewComplaint,
  code: TrackingCode,
  events: DomainEvent[],
): ComplaintDocument {
  const doc: ComplaintDocument = {
    code,
    title: d.title,
    content: d.content,
    category: d.category,
    attachments: d.attachments.map(attachmentToDoc),
    submitter: submitterToDoc(d.submitter),
    channelRef: channelRefToDoc(d.channelRef),
    locale: d.locale,
    status: 'received',
    owner: d.owner,
    coordinators: [],
    dueAt: d.dueAt,
    supplements: [],
    notes: [],
    history: d.history.map(historyToDoc),
    version: 1,
    createdAt: d.createdAt,
    updatedAt: d.createdAt,
    searchWords: indexWords(d.title, d.content),
    outbox: events.map(outboxToDoc),
  };
  put(doc, 'requestedAgency', d.requestedAgency);
  put(doc, 'location', d.location);
  put(doc, 'submitterEmail', emailKey(d.submitter));
  return doc;
}

export function complaintFromDocument(doc: ComplaintDocument): Complaint {
  const c: Complaint = {
    code: doc.code as TrackingCode,
    title: doc.title ?? '',
    content: doc.content ?? '',
    category: doc.category,
    attachments: (doc.attachments ?? []).map(attachmentFromDoc),
    submitter: submitterToDoc(doc.submitter),
    channelRef: channelRefToDoc({ ...doc.channelRef, channel: doc.channelRef.channel as Channel }),
    locale: doc.locale as Locale,
    status: doc.status as ComplaintStatus,
    owner: doc.owner,
    coordinators: [...(doc.coordinators ?? [])],
    dueAt: doc.dueAt,
    supplements: (doc.supplements ?? []).map(supplementFromDoc),
    notes: (doc.notes ?? []).map(noteCopy),
    history: (doc.history ?? []).map(historyFromDoc),
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  put(c, 'requestedAgency', doc.requestedAgency);
  put(c, 'location', doc.location);
  if (doc.answer) c.answer = answerFromDoc(doc.answer);
  if (doc.rejection) c.rejection = rejectionCopy(doc.rejection);
  put(c, 'answeredAt', doc.answeredAt);
  return c;
}

export function summaryFromDocument(doc: ComplaintSummaryDocument): ComplaintSummary {
  const s: ComplaintSummary = {
    code: doc.code as TrackingCode,
    title: doc.title ?? '',
    category: doc.category,
    status: doc.status as ComplaintStatus,
    owner: doc.owner,
    channel: doc.channelRef.channel as Channel,
    dueAt: doc.dueAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    published: doc.answer?.published === true,
    version: doc.version,
  };
  put(s, 'answeredAt', doc.answeredAt);
  return s;
}

/** The statuses from which a move to `to` is allowed, plus `to` itself (setting the same status is no move). */
export function statusesAllowedBefore(to: ComplaintStatus): ComplaintStatus[] {
  return COMPLAINT_STATUSES.filter((from) => from === to || ALLOWED_TRANSITIONS[from].includes(to));
}

export interface ComplaintUpdate {
  $set: Record<string, unknown>;
  $unset?: Record<string, 1>;
  $push?: Record<string, { $each: unknown[] }>;
  $inc: { version: 1 };
}

/** The stored title and content, needed when a change replaces only one of them (the index covers both). */
export interface CurrentText {
  title: string;
  content: string;
}

/** Whether `changeToUpdate` needs the current title and content for this change. */
export function needsCurrentText(change: ComplaintChange): boolean {
  return (change.title === undefined) !== (change.content === undefined);
}

/**
 * One update document that applies `change` exactly as `applyChange` does and appends `events` to
 * the outbox, so the change and its events are one single-document atomic write.
 */
export function changeToUpdate(
  change: ComplaintChange,
  events: readonly DomainEvent[] = [],
  current?: CurrentText,
): ComplaintUpdate {
  const $set: Record<string, unknown> = { updatedAt: change.at };
  const $unset: Record<string, 1> = {};
  const $push: Record<string, { $each: unknown[] }> = {};

  if (change.status !== undefined) $set.status = change.status;
  if (change.owner !== undefined) $set.owner = change.owner;
  if (change.coordinators !== undefined) $set.coordinators = [...change.coordinators];
  if (change.dueAt !== undefined) $set.dueAt = change.dueAt;
  if (change.answer === null) $unset.answer = 1;
  else if (change.answer !== undefined) $set.answer = answerToDoc(change.answer);
  if (change.rejection === null) $unset.rejection = 1;
  else if (change.rejection !== undefined) $set.rejection = rejectionCopy(change.rejection);
  if (change.answeredAt === null) $unset.answeredAt = 1;
  else if (change.answeredAt !== undefined) $set.answeredAt = change.answeredAt;
  if (change.submitter !== undefined) {
    $set.submitter = submitterToDoc(change.submitter);
    const email = emailKey(change.submitter);
    if (email !== undefined) $set.submitterEmail = email;
    else $unset.submitterEmail = 1;
  }
  if (change.title !== undefined || change.content !== undefined) {
    const title = change.title ?? current?.title;
    const content = change.content ?? current?.content;
    if (title === undefined || content === undefined) {
      throw new InternalError('changing only one of title and content needs the current other one');
    }
    if (change.title !== undefined) $set.title = change.title;
    if (change.content !== undefined) $set.content = change.content;
    $set.searchWords = indexWords(title, content);
  }
  // MongoDB refuses $set and $push on one path in one update, so a replacement takes the appended
  // supplements with it (applyChange appends after replacing).
  const appended = (change.appendSupplements ?? []).map(supplementToDoc);
  if (change.supplementsReplaced !== undefined) {
    $set.supplements = [...change.supplementsReplaced.map(supplementToDoc), ...appended];
  } else if (appended.length) {
    $push.supplements = { $each: appended };
  }
  if (change.channelRef !== undefined) $set.channelRef = channelRefToDoc(change.channelRef);
  if (change.location === null) $unset.location = 1;
  else if (change.location !== undefined) $set.location = change.location;
  // Erasure replaces history and notes; as with supplements, a replacement takes the appended ones along.
  const history = (change.appendHistory ?? []).map(historyToDoc);
  if (change.historyReplaced !== undefined)
    $set.history = [...change.historyReplaced.map(historyToDoc), ...history];
  else if (history.length) $push.history = { $each: history };
  const notes = (change.appendNotes ?? []).map(noteCopy);
  if (change.notesReplaced !== undefined) $set.notes = [...change.notesReplaced.map(noteCopy), ...notes];
  else if (notes.length) $push.notes = { $each: notes };
  if (events.length) $push.outbox = { $each: events.map(outboxToDoc) };

  const update: ComplaintUpdate = { $set, $inc: { version: 1 } };
  if (Object.keys($unset).length) update.$unset = $unset;
  if (Object.keys($push).length) update.$push = $push;
  return update;
}
