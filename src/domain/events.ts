import type { TrackingCode } from './tracking-code';

/**
 * Domain events: written in the same atomic write as the change they describe (the outbox), then
 * relayed to the job queue, where delivery workers tell the citizen. `id` is unique per event and is
 * the queue job id, so a relay that runs twice enqueues once.
 */
export type DomainEventType =
  | 'complaint.received'
  | 'complaint.forwarded'
  | 'complaint.transferred'
  | 'complaint.returned'
  | 'complaint.info_requested'
  | 'complaint.supplemented'
  | 'complaint.answered'
  | 'complaint.review_returned'
  | 'complaint.published'
  | 'complaint.unpublished'
  | 'complaint.rejected';

export interface DomainEvent {
  id: string;
  type: DomainEventType;
  code: TrackingCode;
  at: Date;
  /** Event-specific details (a message for the citizen, the new owner). No personal data. */
  data: Record<string, unknown>;
}
