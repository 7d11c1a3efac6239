import {
  ERASED_CHAT_ID,
  type ChannelRef,
  type Complaint,
  type ComplaintChange,
  type Submitter,
} from '../../domain/complaint';
import { ValidationError, VersionConflictError } from '../../domain/errors';
import type { Clock, ComplaintStore, ConversationStorage } from '../../domain/ports';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from './audit-log';
import { forgetChatState } from '../citizen/chat-state';
import { normalizeVietnamesePhone } from '../citizen/contact';
import { MASK, maskForPublication } from './masking';
import { actorOf, assertAdmin, canSee, type Officer } from './officer';

export interface ContactQuery {
  phone?: string;
  email?: string;
  /** The citizen's request reference (letter number), kept in the audit log. */
  reference?: string;
}

export interface SubjectData {
  code: string;
  createdAt: Date;
  status: string;
  channel: string;
  submitter: Submitter;
  title: string;
  content: string;
  supplements: Array<{ at: Date; text: string }>;
  attachments: Array<{ name: string; mediaType: string; size: number }>;
}

export interface CorrectionPatch {
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
}

/** What the anonymised sender becomes. */
export const ERASED_NAME = '';

/**
 * Personal-data requests of a data subject across all their PAKN (NĐ 13/2023 → Luật 91/2025, NĐ 356/2025):
 * export, correct, erase. Only admins, only within their subtree; every request leaves an audit entry
 * without personal data, and corrections/erasures a history entry on each PAKN touched.
 */
export class PersonalDataService {
  constructor(
    private readonly deps: {
      complaints: ComplaintStore;
      clock: Clock;
      audit: AuditLog;
      /** The chat bot's state and web chat messages, forgotten on erasure. */
      conversations: ConversationStorage;
      newId?: () => string;
    },
  ) {}

  async export(
    officer: Officer,
    query: ContactQuery,
  ): Promise<{ complaints: SubjectData[]; auditId: string }> {
    const found = await this.find(officer, query);
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.export',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return {
      auditId: entry.id,
      complaints: found.map((c) => ({
        code: c.code,
        createdAt: c.createdAt,
        status: c.status,
        channel: c.channelRef.channel,
        submitter: c.submitter,
        title: c.title,
        content: c.content,
        supplements: c.supplements.map((s) => ({ at: s.at, text: s.text })),
        attachments: c.attachments.map((a) => ({ name: a.name, mediaType: a.mediaType, size: a.size })),
      })),
    };
  }

  async correct(
    officer: Officer,
    query: ContactQuery,
    patch: CorrectionPatch,
  ): Promise<{ codes: string[]; auditId: string }> {
    if (!Object.values(patch).some((v) => v !== undefined))
      throw new ValidationError('admin:errors.patch_empty');
    const found = await this.find(officer, query);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof CorrectionPatch] !== undefined);
    for (const c of found) {
      await this.retrying(officer, c, (cur) => ({
        submitter: { ...cur.submitter, ...stripUndefined(patch) },
        history: 'personal_data_corrected' as const,
        data: { fields },
      }));
    }
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.correct',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return { codes: found.map((c) => c.code), auditId: entry.id };
  }

  /**
   * Erasure keeps each PAKN and its answer, anonymised, and leaves no personal data of the citizen in
   * what we store:
   * - the PAKN: the sender becomes nameless with no phone, e-mail or address (so the indexed contact
   *   columns are emptied too); their name, contact details, numbers and ID numbers are masked in the
   *   title, content, location, supplements, answer, rejection note, internal notes and every history
   *   text; the chat ids become ERASED_CHAT_ID (the SMS user id is the phone number itself). Nothing is
   *   pushed to the citizen after this: they follow the PAKN by its code (public lookup, published answer).
   * - the events the store still holds for it (outbox), masked the same way;
   * - what the chat bot remembers about each chat the PAKN came from (contact details, drafts, codes),
   *   and a web chat's stored messages.
   * Delivery jobs already queued carry ids, not contact data, and re-read the PAKN: they end unsent.
   * Attachments are kept as filed (evidence of the PAKN; they cannot be anonymised automatically).
   */
  async erase(officer: Officer, query: ContactQuery): Promise<{ codes: string[]; auditId: string }> {
    const found = await this.find(officer, query);
    const chats = new Map<string, ChannelRef>();
    for (const c of found) {
      let before = c;
      await this.retrying(officer, c, (cur) => {
        before = cur;
        return { ...erasureOf(cur, query), history: 'personal_data_erased' as const, data: {} };
      });
      const ref = before.channelRef;
      if (ref.userId !== ERASED_CHAT_ID)
        chats.set(`${ref.channel}/${ref.userId}/${ref.conversationId}`, { ...ref });
      const mask = masker(before, query);
      await this.deps.complaints.redactEvents?.(c.code, (data) => maskDeep(data, mask));
    }
    for (const ref of chats.values()) await forgetChatState(this.deps.conversations, ref);
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.erase',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return { codes: found.map((c) => c.code), auditId: entry.id };
  }

  private async find(officer: Officer, query: ContactQuery): Promise<Complaint[]> {
    assertAdmin(officer);
    const phone = query.phone?.trim() ? normalizedPhone(query.phone) : undefined;
    const email = query.email?.trim().toLowerCase();
    if (!phone && !email) throw new ValidationError('admin:errors.contact_required');
    const all = await this.deps.complaints.findBySubmitter({
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
    });
    return all.filter((c) => canSee(officer, c));
  }

  /** Applies a change computed from the current state, re-reading if a concurrent write got there first. */
  private async retrying(
    officer: Officer,
    first: Complaint,
    compute: (c: Complaint) => {
      history: 'personal_data_corrected' | 'personal_data_erased';
      data: Record<string, unknown>;
    } & Omit<ComplaintChange, 'at' | 'appendHistory'>,
  ): Promise<void> {
    let c: Complaint | null = first;
    for (let attempt = 0; attempt < 5 && c; attempt++) {
      const { history, data, ...change } = compute(c);
      const at = this.deps.clock.now();
      try {
        await this.deps.complaints.update(c.code, c.version, {
          ...change,
          at,
          appendHistory: [
            { id: (this.deps.newId ?? randomUUID)(), at, type: history, actor: actorOf(officer), data },
          ],
        });
        return;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        c = await this.deps.complaints.getByCode(c.code);
      }
    }
    throw new VersionConflictError(first.code, first.version);
  }
}

/** Masks one citizen's data in a text: their name, contact details and address, and any number or ID. */
function masker(c: Complaint, query: ContactQuery): (text: string) => string {
  const who = { name: c.submitter.name, consentPublishName: false };
  // Contact details exactly as given (maskForPublication finds the usual spellings of phones and e-mails),
  // and the address, which no pattern would find. Longest first, so a part does not spoil a whole.
  const literals = [
    c.submitter.address,
    c.submitter.email,
    c.submitter.phone,
    query.email,
    query.phone,
    c.channelRef.channel === 'sms' ? c.channelRef.userId : undefined,
  ]
    .map((v) => v?.normalize('NFC').trim())
    .filter((v): v is string => Boolean(v && v.length >= 3))
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.normalize('NFC');
    for (const l of literals) out = out.split(l).join(MASK);
    return maskForPublication(out, who);
  };
}

/** Every string inside a value (history data, event data), masked; other values as they are. */
function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskDeep(v, mask)]),
    ) as T;
  }
  return value;
}

/** The change that anonymises one PAKN (see `erase`). */
function erasureOf(cur: Complaint, query: ContactQuery): Omit<ComplaintChange, 'at' | 'appendHistory'> {
  const mask = masker(cur, query);
  const submitter: Submitter = {
    name: ERASED_NAME,
    consentProcessing: cur.submitter.consentProcessing,
    consentPublishName: false,
  };
  return {
    submitter,
    title: mask(cur.title),
    content: mask(cur.content),
    location: cur.location === undefined ? undefined : mask(cur.location),
    channelRef: { channel: cur.channelRef.channel, userId: ERASED_CHAT_ID, conversationId: ERASED_CHAT_ID },
    supplementsReplaced: cur.supplements.map((s) => ({ ...s, text: mask(s.text) })),
    ...(cur.answer ? { answer: { ...cur.answer, text: mask(cur.answer.text) } } : {}),
    ...(cur.rejection?.note ? { rejection: { ...cur.rejection, note: mask(cur.rejection.note) } } : {}),
    notesReplaced: cur.notes.map((n) => ({ ...n, text: mask(n.text) })),
    historyReplaced: cur.history.map((h) => ({
      ...h,
      ...(h.note !== undefined ? { note: mask(h.note) } : {}),
      ...(h.data !== undefined ? { data: maskDeep(h.data, mask) } : {}),
    })),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Phones are stored as the intake normalised them (`+84…`); a query in any usual spelling finds them. */
function normalizedPhone(phone: string): string {
  try {
    return normalizeVietnamesePhone(phone);
  } catch {
    return phone.trim();
  }
}
