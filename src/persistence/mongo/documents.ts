import { Schema } from 'mongoose';

import { ROLES } from '../../domain/account';
import { CHANNELS, LOCALES } from '../../domain/complaint';
import { COMPLAINT_STATUSES } from '../../domain/status';

/**
 * The stored shapes (`XxxDocument`) and their mongoose schemas. These types never leave this folder:
 * stores read with `.lean()` and map to domain objects at the edge.
 *
 * Every schema is `strict: 'throw'`: a domain field that has no place here fails loudly on write
 * instead of being dropped silently by mongoose. Sub-schemas carry no `_id` and no `id` virtual
 * (history events and notes have their own `id`). `minimize: false` keeps `data: {}` as written.
 */
const SUB = { _id: false, id: false, strict: 'throw', minimize: false } as const;
const TOP = {
  id: false,
  versionKey: false,
  strict: 'throw',
  minimize: false,
  autoIndex: false,
  autoCreate: false,
} as const;

export interface AttachmentDocument {
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  storageKey: string;
}

export interface SubmitterDocument {
  name: string;
  phone?: string;
  email?: string;
  address?: string;
  consentProcessing: boolean;
  consentPublishName: boolean;
}

export interface ChannelRefDocument {
  channel: string;
  userId: string;
  conversationId: string;
}

export interface SupplementDocument {
  at: Date;
  text: string;
  attachments: AttachmentDocument[];
  inReplyTo?: string;
}

export interface ReviewDocument {
  state: string;
  reviewer?: string;
  reason?: string;
  at?: Date;
}

export interface AnswerDocument {
  text: string;
  attachments: AttachmentDocument[];
  by: string;
  agency: string;
  at: Date;
  publishRequested: boolean;
  published: boolean;
  publishedAt?: Date;
  review?: ReviewDocument;
}

export interface RejectionDocument {
  reason: string;
  duplicateOf?: string;
  note?: string;
}

export interface ActorDocument {
  kind: string;
  id?: string;
  agency?: string;
}

export interface HistoryEventDocument {
  id: string;
  at: Date;
  type: string;
  actor: ActorDocument;
  fromOwner?: string;
  toOwner?: string;
  status?: string;
  note?: string;
  data?: Record<string, unknown>;
}

export interface InternalNoteDocument {
  id: string;
  at: Date;
  by: string;
  agency: string;
  text: string;
}

/** A domain event waiting in its PAKN's outbox; removed (`$pull`) once handed to the queue. */
export interface OutboxEventDocument {
  id: string;
  type: string;
  code: string;
  at: Date;
  data: Record<string, unknown>;
}

export interface ComplaintDocument {
  code: string;
  title: string;
  content: string;
  category: string;
  requestedAgency?: string;
  location?: string;
  attachments: AttachmentDocument[];
  submitter: SubmitterDocument;
  channelRef: ChannelRefDocument;
  locale: string;
  status: string;
  owner: string;
  coordinators: string[];
  dueAt: Date;
  supplements: SupplementDocument[];
  answer?: AnswerDocument;
  rejection?: RejectionDocument;
  notes: InternalNoteDocument[];
  history: HistoryEventDocument[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  answeredAt?: Date;
  // Derived fields, kept in step by every write that changes their source.
  /** `submitter.email` in lower case, for exact look-ups by e-mail. */
  submitterEmail?: string;
  /** Distinct folded words of title and content, for `q` (see search-text.ts). */
  searchWords: string[];
  /** Transactional outbox: events written by the same atomic update as the change they describe. */
  outbox: OutboxEventDocument[];
}

/** The fields a list row needs; lists never load whole documents. */
export type ComplaintSummaryDocument = Pick<
  ComplaintDocument,
  | 'code'
  | 'title'
  | 'category'
  | 'status'
  | 'owner'
  | 'channelRef'
  | 'dueAt'
  | 'createdAt'
  | 'updatedAt'
  | 'answeredAt'
  | 'version'
> & { answer?: Pick<AnswerDocument, 'published'> };

export interface AgencyDocument {
  code: string;
  name: string;
  kind: string;
  parent: string | null;
  reviewBeforePublish: boolean;
  active: boolean;
}

export interface AccountDocument {
  username: string;
  displayName: string;
  agency: string;
  role: string;
  email?: string;
  passwordHash: string;
  active: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** botbuilder state: the item is kept as JSON text, so keys with `.` or `$` and any value shape round-trip. */
export interface ConversationDocument {
  _id: string;
  eTag: string;
  json: string;
  updatedAt: Date;
}

export interface InboundDedupeDocument {
  _id: string;
  expiresAt: Date;
}

const attachmentSchema = new Schema<AttachmentDocument>(
  {
    name: { type: String, required: true },
    mediaType: { type: String, required: true },
    size: { type: Number, required: true, min: 0 },
    sha256: { type: String, required: true },
    storageKey: { type: String, required: true },
  },
  SUB,
);

const submitterSchema = new Schema<SubmitterDocument>(
  {
    name: String,
    phone: String,
    email: String,
    address: String,
    consentProcessing: { type: Boolean, required: true },
    consentPublishName: { type: Boolean, required: true },
  },
  SUB,
);

const channelRefSchema = new Schema<ChannelRefDocument>(
  {
    channel: { type: String, required: true, enum: CHANNELS },
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
  },
  SUB,
);

const supplementSchema = new Schema<SupplementDocument>(
  { at: { type: Date, required: true }, text: String, attachments: [attachmentSchema], inReplyTo: String },
  SUB,
);

const reviewSchema = new Schema<ReviewDocument>(
  {
    state: { type: String, required: true, enum: ['pending', 'approved', 'returned'] },
    reviewer: String,
    reason: String,
    at: Date,
  },
  SUB,
);

const answerSchema = new Schema<AnswerDocument>(
  {
    text: String,
    attachments: [attachmentSchema],
    by: { type: String, required: true },
    agency: { type: String, required: true },
    at: { type: Date, required: true },
    publishRequested: { type: Boolean, required: true },
    published: { type: Boolean, required: true },
    publishedAt: Date,
    review: reviewSchema,
  },
  SUB,
);

const rejectionSchema = new Schema<RejectionDocument>(
  { reason: String, duplicateOf: String, note: String },
  SUB,
);

const actorSchema = new Schema<ActorDocument>(
  {
    kind: { type: String, required: true, enum: ['citizen', 'officer', 'system'] },
    id: String,
    agency: String,
  },
  SUB,
);

const historyEventSchema = new Schema<HistoryEventDocument>(
  {
    id: { type: String, required: true },
    at: { type: Date, required: true },
    // `type` is also mongoose's type key, hence the nested declaration.
    type: { type: String, required: true },
    actor: { type: actorSchema, required: true },
    fromOwner: String,
    toOwner: String,
    status: { type: String, enum: COMPLAINT_STATUSES },
    note: String,
    data: Schema.Types.Mixed,
  },
  SUB,
);

const internalNoteSchema = new Schema<InternalNoteDocument>(
  {
    id: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    agency: { type: String, required: true },
    text: String,
  },
  SUB,
);

const outboxEventSchema = new Schema<OutboxEventDocument>(
  {
    id: { type: String, required: true },
    type: { type: String, required: true },
    code: { type: String, required: true },
    at: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  SUB,
);

const OPEN_OUTBOX = { 'outbox.at': { $exists: true } };

export function complaintSchema(): Schema<ComplaintDocument> {
  const s = new Schema<ComplaintDocument>(
    {
      code: { type: String, required: true },
      title: String,
      content: String,
      category: { type: String, required: true },
      requestedAgency: String,
      location: String,
      attachments: [attachmentSchema],
      submitter: { type: submitterSchema, required: true },
      channelRef: { type: channelRefSchema, required: true },
      locale: { type: String, required: true, enum: LOCALES },
      status: { type: String, required: true, enum: COMPLAINT_STATUSES },
      owner: { type: String, required: true },
      coordinators: [String],
      dueAt: { type: Date, required: true },
      supplements: [supplementSchema],
      answer: answerSchema,
      rejection: rejectionSchema,
      notes: [internalNoteSchema],
      history: [historyEventSchema],
      version: { type: Number, required: true, min: 1 },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
      answeredAt: Date,
      submitterEmail: String,
      searchWords: [String],
      outbox: [outboxEventSchema],
    },
    { ...TOP, collection: 'complaints' },
  );
  // Lists are newest first by (createdAt, code); every filter index ends with that order so a
  // filtered page is an index range walk, not a sort.
  s.index({ code: 1 }, { unique: true });
  s.index({ createdAt: -1, code: -1 });
  s.index({ owner: 1, createdAt: -1, code: -1 });
  s.index({ status: 1, createdAt: -1, code: -1 });
  s.index({ 'channelRef.channel': 1, createdAt: -1, code: -1 });
  s.index({ category: 1, createdAt: -1, code: -1 });
  s.index({ coordinators: 1, createdAt: -1 });
  // Overdue: open statuses (an $in of three values) with dueAt below a bound.
  s.index({ status: 1, dueAt: 1 });
  s.index({ 'answer.published': 1, createdAt: -1, code: -1 });
  // Sparse: PAKN without an answer, phone or e-mail stay out; equality and `$type` queries still use them.
  s.index({ answeredAt: 1 }, { sparse: true });
  s.index({ 'submitter.phone': 1 }, { sparse: true });
  s.index({ submitterEmail: 1 }, { sparse: true });
  // The word index for `q` (`searchWords: { $all: words }`); why not a `$text` index: search-text.ts.
  // A search page walks one word's entries newest stored first (`_id` descending) and stops at the page.
  s.index({ searchWords: 1, _id: -1 });
  // Only PAKN with undispatched events are in these, so the outbox relay reads a small index.
  s.index({ 'outbox.at': 1 }, { partialFilterExpression: OPEN_OUTBOX });
  s.index({ 'outbox.id': 1 }, { partialFilterExpression: OPEN_OUTBOX });
  return s;
}

/** The filter the outbox indexes are partial on; queries that want them must include it. */
export const HAS_OUTBOX = OPEN_OUTBOX;

export function agencySchema(): Schema<AgencyDocument> {
  const s = new Schema<AgencyDocument>(
    {
      code: { type: String, required: true },
      name: { type: String, required: true },
      kind: { type: String, required: true, enum: ['central', 'ministry', 'province', 'unit'] },
      parent: { type: String, default: null },
      reviewBeforePublish: { type: Boolean, required: true },
      active: { type: Boolean, required: true },
    },
    { ...TOP, collection: 'agencies' },
  );
  s.index({ code: 1 }, { unique: true });
  return s;
}

export function accountSchema(): Schema<AccountDocument> {
  const s = new Schema<AccountDocument>(
    {
      username: { type: String, required: true },
      displayName: String,
      agency: { type: String, required: true },
      role: { type: String, required: true, enum: ROLES },
      email: String,
      passwordHash: { type: String, required: true },
      active: { type: Boolean, required: true },
      failedLogins: { type: Number, required: true, min: 0 },
      lockedUntil: { type: Date, default: null },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { ...TOP, collection: 'accounts' },
  );
  s.index({ username: 1 }, { unique: true });
  s.index({ agency: 1, username: 1 });
  return s;
}

export function conversationSchema(): Schema<ConversationDocument> {
  return new Schema<ConversationDocument>(
    {
      _id: { type: String, required: true },
      eTag: { type: String, required: true },
      json: { type: String, required: true },
      updatedAt: { type: Date, required: true },
    },
    { ...TOP, collection: 'conversations' },
  );
}

export function inboundDedupeSchema(): Schema<InboundDedupeDocument> {
  const s = new Schema<InboundDedupeDocument>(
    { _id: { type: String, required: true }, expiresAt: { type: Date, required: true } },
    { ...TOP, collection: 'inbound_dedupe' },
  );
  // The TTL monitor deletes a record once expiresAt has passed. It runs about once a minute, so
  // `claim` also treats a record whose expiresAt has passed as free.
  s.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  return s;
}
