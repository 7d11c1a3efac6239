import { CENTRAL_AGENCY, isChatErased, type Complaint, type DomainEvent } from '../../domain';
import type { NoticeKind } from '../../notify/render';
import type { DeliveryJob, DeliveryRoute } from './delivery-types';

/** What a notice needs besides the PAKN, decided from the event. */
export interface NoticeIntent {
  eventId: string;
  kind: NoticeKind;
  agency?: string;
  message?: string;
  withAnswer?: boolean;
}

/** SMS costs money per part: it carries the legally required notices (RULES-VN) and little else. */
const SMS_KINDS: ReadonlySet<NoticeKind> = new Set([
  'received',
  'info_requested',
  'answered',
  'published',
  'rejected',
  'overdue_update',
]);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * An answer sent to the review gate (QĐ 31/2021 Điều 46: publication waits for the reviewing agency)
 * is told to the citizen when it is published, with its text; any other answer at `answered`. The
 * decision reads the stored history (the latest `answered` entry names a `reviewAgency`), not the
 * current review state, so it is the same however late either event is processed.
 */
export function answerWaitsForReview(c: Complaint): boolean {
  for (let i = c.history.length - 1; i >= 0; i--) {
    const h = c.history[i]!;
    if (h.type === 'answered') return typeof h.data?.reviewAgency === 'string';
  }
  return c.answer?.review?.state === 'pending';
}

/** Which notice an event means for the citizen; null for internal events (supplemented, review, unpublish). */
export function noticeFor(event: DomainEvent, c: Complaint): NoticeIntent | null {
  const d = event.data ?? {};
  const base = { eventId: event.id };
  switch (event.type) {
    case 'complaint.received':
      return { ...base, kind: 'received' };
    case 'complaint.info_requested':
      return { ...base, kind: 'info_requested', message: str(d.message) };
    case 'complaint.answered':
      return answerWaitsForReview(c)
        ? null
        : { ...base, kind: 'answered', agency: str(d.agency) ?? c.answer?.agency };
    case 'complaint.published':
      return {
        ...base,
        kind: 'published',
        withAnswer: answerWaitsForReview(c),
        agency: str(d.agency) ?? c.answer?.agency,
      };
    case 'complaint.forwarded':
      return { ...base, kind: 'forwarded', agency: str(d.lead) ?? str(d.owner) ?? str(d.to) ?? c.owner };
    case 'complaint.transferred':
      return { ...base, kind: 'transferred', agency: str(d.to) ?? str(d.agency) ?? str(d.owner) ?? c.owner };
    case 'complaint.returned':
      return { ...base, kind: 'returned', agency: CENTRAL_AGENCY };
    case 'complaint.rejected':
      return { ...base, kind: 'rejected' };
    default:
      return null;
  }
}

/** The rate key of a route: the chat for chat channels (1/s and order per chat), the PAKN otherwise. */
export function rateKeyFor(route: DeliveryRoute, c: Complaint): string {
  if (route === c.channelRef.channel && route !== 'sms') return `${route}:${c.channelRef.conversationId}`;
  return `${route}:${c.code}`;
}

/**
 * One job per (event, recipient, route), ids `${eventId}:${route}`. The chat the citizen used gets
 * every notice except `received` (the dialog already showed the code in that chat); e-mail every
 * notice when the citizen gave an address; SMS the required notices when a phone is known.
 */
export function planDeliveries(
  intent: NoticeIntent,
  c: Complaint,
  available: ReadonlySet<DeliveryRoute>,
): DeliveryJob[] {
  const routes = new Set<DeliveryRoute>();
  const chat = c.channelRef.channel;
  // An erased chat (personal-data request) has no ids left to send to.
  if (available.has(chat) && !isChatErased(c.channelRef) && (intent.kind !== 'received' || chat === 'sms')) {
    if (chat !== 'sms' || SMS_KINDS.has(intent.kind)) routes.add(chat);
  }
  if (c.submitter.email && available.has('email')) routes.add('email');
  const smsWorthIt = SMS_KINDS.has(intent.kind) && !(intent.kind === 'published' && !intent.withAnswer);
  if (c.submitter.phone && available.has('sms') && smsWorthIt) routes.add('sms');
  return [...routes].map((route) => ({
    type: 'notice',
    eventId: intent.eventId,
    kind: intent.kind,
    code: c.code,
    route,
    ...(intent.agency ? { agency: intent.agency } : {}),
    ...(intent.message ? { message: intent.message } : {}),
    ...(intent.withAnswer ? { withAnswer: true } : {}),
  }));
}

export function deliveryJobId(job: Pick<DeliveryJob, 'eventId' | 'route' | 'fallbackFrom'>): string {
  return job.fallbackFrom ? `${job.eventId}:${job.fallbackFrom}-${job.route}` : `${job.eventId}:${job.route}`;
}
