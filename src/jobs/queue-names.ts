/**
 * Queue names used outside the workers. The delivery workers define their own queues in
 * src/jobs/workers/delivery-types.ts; `events` must stay the same string there.
 */
/** Domain events from the outbox relay (job name = event type, job id = event id, rate key = PAKN code). */
export const EVENTS_QUEUE = 'events';
