import { randomUUID } from 'node:crypto';
import { CENTRAL_AGENCY } from '../../domain/agency';
import type { Attachment, ChannelRef, Complaint, Locale, NewComplaint } from '../../domain/complaint';
import { answerDueAt, type DeadlineRules } from '../../domain/deadlines';
import { ValidationError } from '../../domain/errors';
import type { DomainEvent } from '../../domain/events';
import {
  checkAttachmentCount,
  checkContent,
  checkTitle,
  DEFAULT_LIMITS,
  type Limits,
} from '../../domain/limits';
import type { AgencyStore } from '../../domain/ports/agency-store';
import type { Clock } from '../../domain/ports/clock';
import type { ComplaintStore } from '../../domain/ports/complaint-store';
import type { TrackingCode } from '../../domain/tracking-code';
import { checkEmail, checkFullName, normalizeVietnamesePhone } from './contact';

/** The consent the citizen gave before anything personal was collected (NĐ 13/2023, NĐ 356/2025). */
export interface ConsentRecord {
  /** ISO time the citizen agreed. */
  at: string;
  /** Version of the notice they were shown (see PRIVACY_NOTICE_VERSION). */
  noticeVersion: string;
  channel: ChannelRef['channel'];
}

/** Everything the intake collected, as the citizen confirmed it on the summary. */
export interface ComplaintSubmission {
  consent: ConsentRecord;
  category: string;
  /** The agency the citizen chose; undefined = "don't know", the central office routes it. */
  agency?: string;
  title: string;
  content: string;
  attachments: Attachment[];
  name: string;
  phone: string;
  email?: string;
  locale: Locale;
  channelRef: ChannelRef;
}

export interface SubmitComplaintDeps {
  complaints: ComplaintStore;
  agencies: AgencyStore;
  clock: Clock;
  deadlines: DeadlineRules;
  limits?: Limits;
  /** Category keys accepted (common.json `categories`); omitted = any non-empty key. */
  categories?: readonly string[];
}

/**
 * Files a PAKN: checks every rule again (the dialog checked them as the citizen typed, but the store
 * must never hold a PAKN that breaks them), routes it to the chosen agency or the central office, sets the
 * answer deadline, and stores it with its `complaint.received` event in one write. The returned PAKN is
 * durable, so its code may be shown.
 */
export async function submitComplaint(deps: SubmitComplaintDeps, s: ComplaintSubmission): Promise<Complaint> {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  if (!s.consent?.at || !s.consent.noticeVersion) throw new ValidationError('bot:errors.consent_missing');
  if (!s.category || (deps.categories && !deps.categories.includes(s.category))) {
    throw new ValidationError('bot:errors.category_invalid');
  }
  const title = checkTitle(s.title, limits);
  const content = checkContent(s.content, limits);
  checkAttachmentCount(0, s.attachments.length, limits);
  const name = checkFullName(s.name);
  const phone = normalizeVietnamesePhone(s.phone);
  const email = s.email ? checkEmail(s.email) : undefined;

  let owner = CENTRAL_AGENCY;
  if (s.agency && s.agency !== CENTRAL_AGENCY) {
    const agency = await deps.agencies.get(s.agency);
    if (!agency || !agency.active) throw new ValidationError('bot:errors.agency_invalid');
    owner = agency.code;
  }

  const now = deps.clock.now();
  const draft: NewComplaint = {
    title,
    content,
    category: s.category,
    requestedAgency: s.agency && s.agency !== CENTRAL_AGENCY ? s.agency : undefined,
    attachments: s.attachments.map((a) => ({ ...a })),
    submitter: { name, phone, email, consentProcessing: true, consentPublishName: false },
    channelRef: { ...s.channelRef },
    locale: s.locale,
    owner,
    dueAt: answerDueAt(now, deps.deadlines),
    createdAt: now,
    history: [
      {
        id: randomUUID(),
        at: now,
        type: 'received',
        actor: { kind: 'citizen' },
        toOwner: owner,
        status: 'received',
        data: { consent: { ...s.consent }, channel: s.channelRef.channel },
      },
    ],
  };
  const events = (code: string): DomainEvent[] => [
    {
      id: randomUUID(),
      type: 'complaint.received',
      code: code as TrackingCode,
      at: now,
      data: { owner, channel: s.channelRef.channel, locale: s.locale },
    },
  ];
  return deps.complaints.create(draft, events);
}
