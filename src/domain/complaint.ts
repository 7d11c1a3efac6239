import type { ComplaintStatus } from './status';
import type { TrackingCode } from './tracking-code';

export const Channel = { Telegram: 'telegram', Zalo: 'zalo', Web: 'web', Sms: 'sms' } as const;
export type Channel = (typeof Channel)[keyof typeof Channel];
export const CHANNELS: readonly Channel[] = Object.values(Channel);

export type Locale = 'vi' | 'en';
export const LOCALES: readonly Locale[] = ['vi', 'en'];

/** Where the citizen wrote from, so answers can be pushed back into the same chat. */
export interface ChannelRef {
  channel: Channel;
  /** The channel's user id (Telegram user id, Zalo user id, web session id, phone for SMS). */
  userId: string;
  /** The chat to reply into (Telegram chat id, Zalo user id, web session id). */
  conversationId: string;
}

/**
 * What `userId` and `conversationId` become when the citizen's data is erased: no chat, phone or session
 * id is kept, so nothing is pushed to them any more (they follow the PAKN by its code).
 */
export const ERASED_CHAT_ID = 'erased';

/** Whether the chat ids were erased (personal-data request): nothing can be sent into that chat. */
export function isChatErased(ref: ChannelRef): boolean {
  return ref.userId === ERASED_CHAT_ID && ref.conversationId === ERASED_CHAT_ID;
}

export interface Attachment {
  /** A display name only, cleaned; never a path. */
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** The FileStore key (content address). */
  storageKey: string;
}

export interface Submitter {
  name: string;
  phone?: string;
  email?: string;
  address?: string;
  /** Consent to process personal data (required to file). */
  consentProcessing: boolean;
  /** Consent to show the name when the answer is published. */
  consentPublishName: boolean;
}

export interface Supplement {
  at: Date;
  text: string;
  attachments: Attachment[];
  /** The history event id of the request this answers, when known. */
  inReplyTo?: string;
}

export interface ReviewState {
  state: 'pending' | 'approved' | 'returned';
  reviewer?: string;
  reason?: string;
  at?: Date;
}

export interface Answer {
  text: string;
  attachments: Attachment[];
  by: string;
  agency: string;
  at: Date;
  /** The officer asked for publication. */
  publishRequested: boolean;
  published: boolean;
  publishedAt?: Date;
  review?: ReviewState;
}

export interface Rejection {
  reason: string;
  duplicateOf?: string;
  note?: string;
}

export type ActorKind = 'citizen' | 'officer' | 'system';
export interface Actor {
  kind: ActorKind;
  /** Account username for officers; omitted for citizens (their identity is the submitter). */
  id?: string;
  agency?: string;
}

export type HistoryEventType =
  | 'received'
  | 'forwarded'
  | 'transferred'
  | 'returned'
  | 'info_requested'
  | 'supplemented'
  | 'answered'
  /** Publication was asked for an answer that must pass the review gate first (no citizen event). */
  | 'review_requested'
  | 'review_approved'
  | 'review_returned'
  | 'published'
  | 'unpublished'
  | 'rejected'
  | 'note'
  | 'personal_data_corrected'
  | 'personal_data_erased'
  /**
   * A routing suggestion (agency and category from keyword rules) computed on receipt; `data` holds
   * `{ agency?, category?, keywords }`. Shown to reception, never applied by itself.
   */
  | 'routing_suggested';

/** Append-only record of what happened to a PAKN. */
export interface HistoryEvent {
  id: string;
  at: Date;
  type: HistoryEventType;
  actor: Actor;
  /** Who held it before and after, for owner changes. */
  fromOwner?: string;
  toOwner?: string;
  status?: ComplaintStatus;
  note?: string;
  data?: Record<string, unknown>;
}

export interface InternalNote {
  id: string;
  at: Date;
  by: string;
  agency: string;
  text: string;
}

export interface Complaint {
  code: TrackingCode;
  title: string;
  content: string;
  category: string;
  /** The agency the citizen chose, if any. */
  requestedAgency?: string;
  location?: string;
  attachments: Attachment[];
  submitter: Submitter;
  channelRef: ChannelRef;
  locale: Locale;
  status: ComplaintStatus;
  /** The agency or unit that holds it now. */
  owner: string;
  /** Units coordinating with the lead owner after a forward. */
  coordinators: string[];
  dueAt: Date;
  supplements: Supplement[];
  answer?: Answer;
  rejection?: Rejection;
  notes: InternalNote[];
  history: HistoryEvent[];
  /** Optimistic concurrency: bumped by every write. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  answeredAt?: Date;
}

/** What a channel or the API hands over to be stored; the store adds code, version and times. */
export interface NewComplaint {
  title: string;
  content: string;
  category: string;
  requestedAgency?: string;
  location?: string;
  attachments: Attachment[];
  submitter: Submitter;
  channelRef: ChannelRef;
  locale: Locale;
  owner: string;
  dueAt: Date;
  createdAt: Date;
  history: HistoryEvent[];
}

/** The compact row for lists. */
export interface ComplaintSummary {
  code: TrackingCode;
  title: string;
  category: string;
  status: ComplaintStatus;
  owner: string;
  channel: Channel;
  dueAt: Date;
  createdAt: Date;
  updatedAt: Date;
  answeredAt?: Date;
  published: boolean;
  version: number;
}

/**
 * One atomic change to a PAKN, computed by the domain and applied by a store in one write
 * guarded by the version the caller read. Fields left undefined are unchanged; arrays are appended.
 */
export interface ComplaintChange {
  status?: ComplaintStatus;
  owner?: string;
  coordinators?: string[];
  dueAt?: Date;
  /** `null` removes the answer (rework from scratch is not used today, but erase needs it). */
  answer?: Answer | null;
  rejection?: Rejection | null;
  submitter?: Submitter;
  /** Replace title/content/supplement texts, used only by personal-data erasure. */
  title?: string;
  content?: string;
  supplementsReplaced?: Supplement[];
  /**
   * Personal-data erasure only: the chat ids (ERASED_CHAT_ID), the location (`null` removes it), and the
   * internal notes and history with the citizen's data masked — the one exception to append-only history.
   */
  channelRef?: ChannelRef;
  location?: string | null;
  notesReplaced?: InternalNote[];
  historyReplaced?: HistoryEvent[];
  answeredAt?: Date | null;
  appendHistory?: HistoryEvent[];
  appendSupplements?: Supplement[];
  appendNotes?: InternalNote[];
  at: Date;
}

export function toSummary(c: Complaint): ComplaintSummary {
  return {
    code: c.code,
    title: c.title,
    category: c.category,
    status: c.status,
    owner: c.owner,
    channel: c.channelRef.channel,
    dueAt: c.dueAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    answeredAt: c.answeredAt,
    published: c.answer?.published ?? false,
    version: c.version,
  };
}

/** The pure application of a change; stores that keep whole documents use it so all agree. */
export function applyChange(c: Complaint, change: ComplaintChange): Complaint {
  const next: Complaint = { ...c, version: c.version + 1, updatedAt: change.at };
  if (change.status !== undefined) next.status = change.status;
  if (change.owner !== undefined) next.owner = change.owner;
  if (change.coordinators !== undefined) next.coordinators = [...change.coordinators];
  if (change.dueAt !== undefined) next.dueAt = change.dueAt;
  if (change.answer !== undefined) {
    if (change.answer === null) delete next.answer;
    else next.answer = change.answer;
  }
  if (change.rejection !== undefined) {
    if (change.rejection === null) delete next.rejection;
    else next.rejection = change.rejection;
  }
  if (change.answeredAt !== undefined) {
    if (change.answeredAt === null) delete next.answeredAt;
    else next.answeredAt = change.answeredAt;
  }
  if (change.submitter !== undefined) next.submitter = change.submitter;
  if (change.title !== undefined) next.title = change.title;
  if (change.content !== undefined) next.content = change.content;
  if (change.supplementsReplaced !== undefined) next.supplements = [...change.supplementsReplaced];
  if (change.channelRef !== undefined) next.channelRef = { ...change.channelRef };
  if (change.location !== undefined) {
    if (change.location === null) delete next.location;
    else next.location = change.location;
  }
  if (change.notesReplaced !== undefined) next.notes = [...change.notesReplaced];
  if (change.historyReplaced !== undefined) next.history = [...change.historyReplaced];
  if (change.appendHistory?.length) next.history = [...next.history, ...change.appendHistory];
  if (change.appendSupplements?.length) next.supplements = [...next.supplements, ...change.appendSupplements];
  if (change.appendNotes?.length) next.notes = [...next.notes, ...change.appendNotes];
  return next;
}
