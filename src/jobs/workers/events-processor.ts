import { suggestOnReceipt, type RoutingRule } from '../../application/routing';
import type { DomainEvent } from '../../domain/events';
import {
  PermanentJobError,
  type Clock,
  type ComplaintStore,
  type JobHandler,
  type JobQueue,
  type NewJob,
} from '../../domain/ports';
import type { Complaint } from '../../domain/complaint';
import { tFor } from '../../i18n';
import type { Logger } from '../../shared/logger';
import { deliverQueue, type DeliveryJob, type DeliveryRoute } from './delivery-types';
import { deliveryJobId, noticeFor, planDeliveries, rateKeyFor, type NoticeIntent } from './plan-deliveries';

export interface FanOutDeps {
  complaints: ComplaintStore;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  available: ReadonlySet<DeliveryRoute>;
  attempts: number;
  backoffMs: number;
  routingRules: readonly RoutingRule[];
}

/**
 * Enqueues the deliveries of one notice. Ids are deterministic (`${eventId}:${route}`), so running
 * this twice (the event job retried after a crash) enqueues each delivery once.
 */
export async function enqueueNotice(
  deps: Pick<FanOutDeps, 'queue' | 'available' | 'attempts' | 'backoffMs'>,
  intent: NoticeIntent,
  c: Complaint,
): Promise<DeliveryJob[]> {
  const jobs = planDeliveries(intent, c, deps.available);
  const byQueue = new Map<string, Array<NewJob<DeliveryJob>>>();
  for (const job of jobs) {
    const q = deliverQueue(job.route);
    const list = byQueue.get(q) ?? [];
    list.push({
      name: 'notice',
      data: job,
      options: {
        jobId: deliveryJobId(job),
        rateKey: rateKeyFor(job.route, c),
        attempts: deps.attempts,
        backoffMs: deps.backoffMs,
      },
    });
    byQueue.set(q, list);
  }
  for (const [q, list] of byQueue) {
    if (deps.queue.enqueueMany) await deps.queue.enqueueMany(q, list);
    else for (const j of list) await deps.queue.enqueue(q, j.name, j.data, j.options);
  }
  return jobs;
}

/** The `events` processor: each domain event becomes delivery jobs; a received PAKN also gets a routing suggestion. */
export function createEventsHandler(deps: FanOutDeps): JobHandler<DomainEvent> {
  const logger = deps.logger.child({ module: 'events' });
  return async (info) => {
    const event = info.data;
    if (!event || typeof event.code !== 'string' || typeof event.type !== 'string')
      throw new PermanentJobError('malformed domain event');
    if (event.type === 'complaint.received') {
      const t = tFor('vi', 'notify');
      await suggestOnReceipt(
        { complaints: deps.complaints, clock: deps.clock, rules: deps.routingRules },
        event.code,
        (s) =>
          t('routing.suggestion_note', {
            agency: s.agency ?? '—',
            category: s.category ?? '—',
            keywords: s.keywords.join(', '),
          }),
      );
    }
    const c = await deps.complaints.getByCode(event.code);
    if (!c) throw new PermanentJobError(`PAKN ${event.code} not found`);
    const intent = noticeFor({ ...event, id: event.id ?? info.id }, c);
    if (!intent) return;
    const jobs = await enqueueNotice(deps, intent, c);
    logger.debug(
      { eventId: intent.eventId, kind: intent.kind, routes: jobs.map((j) => j.route) },
      'notice fanned out',
    );
  };
}
