import type { NoticeKind } from '../../notify/render';

/** Where a notice goes: the citizen's chat channel, or e-mail / SMS beside it. */
export const DELIVERY_ROUTES = ['telegram', 'zalo', 'web', 'sms', 'email'] as const;
export type DeliveryRoute = (typeof DELIVERY_ROUTES)[number];

/** Domain events from the outbox relay (job id = event id). */
export const EVENTS_QUEUE = 'events';
/** The repeatable deadline scan. */
export const DEADLINES_QUEUE = 'deadlines';
/** One digest per agency and day. */
export const DIGESTS_QUEUE = 'digests';

/**
 * One delivery queue per route, because the queue-wide limit is per bot (Telegram about 30/s) and the
 * per-key limit per chat; jobs of one chat share a rate key, so they also run in order.
 */
export function deliverQueue(route: DeliveryRoute): string {
  return `deliver-${route}`;
}
export const DELIVER_QUEUES: readonly string[] = DELIVERY_ROUTES.map(deliverQueue);

/**
 * A notice to one recipient on one route. Small on purpose: ids, not documents. The PAKN is read
 * again when the job runs, so the text reflects its current state (an erased name is not resent).
 */
export interface DeliveryJob {
  type: 'notice';
  /** The domain event (or synthetic event, e.g. `overdue-<code>-<n>`) this notice is for. */
  eventId: string;
  kind: NoticeKind;
  code: string;
  route: DeliveryRoute;
  /** Agency the notice is about (the new owner of a move); defaults to the PAKN's owner. */
  agency?: string;
  /** The officer's request text for `info_requested`. */
  message?: string;
  /** `published` carries the answer itself (the citizen did not get it at `answered`). */
  withAnswer?: boolean;
  /** Set on the e-mail/SMS job that replaces a Zalo message outside the messaging window. */
  fallbackFrom?: 'zalo';
}

/** A reply to an inbound SMS (status by code). The number is needed to answer; it is never logged. */
export interface SmsReplyJob {
  type: 'sms_reply';
  to: string;
  text: string;
}

export type DeliverJobData = DeliveryJob | SmsReplyJob;

/** The digest of one agency for one day: PAKN due soon, overdue, and overdue at its units (escalated). */
export interface DigestItem {
  code: string;
  title: string;
  owner: string;
  dueAt: string;
}
export interface AgencyDigestJob {
  agency: string;
  /** Local date YYYY-MM-DD. */
  date: string;
  dueSoon: DigestItem[];
  overdue: DigestItem[];
  escalated: DigestItem[];
}
