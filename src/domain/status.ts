import { IllegalTransitionError } from './errors';

export const ComplaintStatus = {
  Received: 'received',
  Processing: 'processing',
  AwaitingInfo: 'awaiting_info',
  Answered: 'answered',
  Rejected: 'rejected',
} as const;
export type ComplaintStatus = (typeof ComplaintStatus)[keyof typeof ComplaintStatus];
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = Object.values(ComplaintStatus);

/**
 * Every allowed status move. Transfer, return and forwarding change the owner, not the status.
 * `answered → processing` is the review gate sending an answer back for rework.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> =
  Object.freeze({
    received: ['processing', 'awaiting_info', 'answered', 'rejected'],
    processing: ['awaiting_info', 'answered', 'rejected'],
    awaiting_info: ['processing', 'rejected'],
    answered: ['processing'],
    rejected: [],
  });

/** Statuses in which the PAKN is still someone's work (counts for deadlines and overdue lists). */
export const OPEN_STATUSES: readonly ComplaintStatus[] = ['received', 'processing', 'awaiting_info'];

export function isStatus(value: unknown): value is ComplaintStatus {
  return typeof value === 'string' && (COMPLAINT_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: ComplaintStatus, to: ComplaintStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
