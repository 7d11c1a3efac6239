import { impliedParent, OPEN_STATUSES, type ComplaintSummary } from '../../domain';
import { localDate } from '../../domain/deadlines';
import type { AgencyStore, InboundDedupe, JobHandler } from '../../domain/ports';
import type { Logger } from '../../shared/logger';
import { DEADLINES_QUEUE, DIGESTS_QUEUE, type AgencyDigestJob, type DigestItem } from './delivery-types';
import { enqueueNotice, type FanOutDeps } from './events-processor';

export interface DeadlineOptions {
  /** How often the scan runs. @defaultValue 1 hour */
  intervalMs: number;
  /** "Due soon" horizon. @defaultValue 2 days */
  dueSoonMs: number;
  /** While overdue, the citizen gets a status update every this many days (config.deadlines.overdueUpdateDays). */
  overdueUpdateDays: number;
}

export interface DeadlineDeps extends FanOutDeps {
  agencies: AgencyStore;
  /** Remembers which overdue period each PAKN was told about (`overdue-notice:<code>:<n>`). */
  dedupe: InboundDedupe;
  logger: Logger;
}

const DAY_MS = 24 * 3600 * 1000;

export interface ScanResult {
  dueSoon: number;
  overdue: number;
  citizenUpdates: number;
  digests: AgencyDigestJob[];
}

function item(s: ComplaintSummary): DigestItem {
  return { code: s.code, title: s.title, owner: s.owner, dueAt: s.dueAt.toISOString() };
}

/**
 * One scan: lists open PAKN due within the horizon or overdue; each overdue PAKN's citizen gets a
 * status update in period n = ⌊(now − dueAt) / overdueUpdateDays⌋ (event id `overdue-<code>-<n>`, so
 * hourly scans send one per period); each owning agency gets a digest (id `digest-<agency>-<date>`, one
 * a day), and overdue PAKN also go to the owner's parent agency as escalated.
 */
export async function scanDeadlines(
  deps: DeadlineDeps,
  options: DeadlineOptions,
  now: Date,
): Promise<ScanResult> {
  const horizon = new Date(now.getTime() + options.dueSoonMs);
  const period = options.overdueUpdateDays * DAY_MS;
  const digests = new Map<string, AgencyDigestJob>();
  const date = localDate(now);
  const digestOf = (agency: string) => {
    let d = digests.get(agency);
    if (!d) digests.set(agency, (d = { agency, date, dueSoon: [], overdue: [], escalated: [] }));
    return d;
  };
  const parents = new Map((await deps.agencies.list()).map((a) => [a.code, a.parent]));
  let cursor: string | undefined;
  let dueSoon = 0;
  let overdue = 0;
  let citizenUpdates = 0;
  do {
    const page = await deps.complaints.list(
      { status: [...OPEN_STATUSES], overdueAt: horizon },
      { limit: 100, cursor },
    );
    for (const s of page.items) {
      if (s.dueAt.getTime() >= now.getTime()) {
        dueSoon++;
        digestOf(s.owner).dueSoon.push(item(s));
        continue;
      }
      overdue++;
      digestOf(s.owner).overdue.push(item(s));
      const parent = parents.has(s.owner) ? parents.get(s.owner) : impliedParent(s.owner);
      if (parent) digestOf(parent).escalated.push(item(s));
      const n = Math.floor((now.getTime() - s.dueAt.getTime()) / period);
      // Claimed per period (not left to the delivered marks, which may be kept shorter than a period).
      const told = `overdue-notice:${s.code}:${n}`;
      if (!(await deps.dedupe.claim(told, period + DAY_MS))) continue;
      try {
        const c = await deps.complaints.getByCode(s.code);
        if (!c) continue;
        const jobs = await enqueueNotice(
          deps,
          { eventId: `overdue-${s.code}-${n}`, kind: 'overdue_update' },
          c,
        );
        citizenUpdates += jobs.length;
      } catch (err) {
        await deps.dedupe.release(told);
        throw err;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  for (const d of digests.values()) {
    await deps.queue.enqueue(DIGESTS_QUEUE, 'digest', d, {
      jobId: `digest-${d.agency}-${d.date}`,
      attempts: deps.attempts,
      backoffMs: deps.backoffMs,
    });
  }
  return { dueSoon, overdue, citizenUpdates, digests: [...digests.values()] };
}

/** Slot n covers [n·interval, (n+1)·interval); its job id is fixed, so every process seeding it agrees. */
export function slotOf(at: Date, intervalMs: number): number {
  return Math.floor(at.getTime() / intervalMs);
}

export async function seedDeadlineScan(
  deps: Pick<DeadlineDeps, 'queue' | 'clock'>,
  options: DeadlineOptions,
): Promise<void> {
  const slot = slotOf(deps.clock.now(), options.intervalMs);
  await deps.queue.enqueue(DEADLINES_QUEUE, 'scan', { slot }, { jobId: `scan-${slot}`, attempts: 3 });
}

/**
 * The repeatable job, built on plain delayed jobs so it works on both queue adapters: each run first
 * enqueues the next slot (so a failing scan does not break the chain), then scans. Every worker seeds
 * the current slot at start; duplicate ids make that a no-op.
 */
export function createDeadlinesHandler(
  deps: DeadlineDeps,
  options: DeadlineOptions,
): JobHandler<{ slot: number }> {
  const logger = deps.logger.child({ module: 'deadlines' });
  return async (info) => {
    const now = deps.clock.now();
    const next = Math.max(info.data.slot, slotOf(now, options.intervalMs)) + 1;
    await deps.queue.enqueue(
      DEADLINES_QUEUE,
      'scan',
      { slot: next },
      {
        jobId: `scan-${next}`,
        delayMs: Math.max(0, next * options.intervalMs - now.getTime()),
        attempts: 3,
      },
    );
    const r = await scanDeadlines(deps, options, now);
    logger.info(
      { dueSoon: r.dueSoon, overdue: r.overdue, citizenUpdates: r.citizenUpdates, digests: r.digests.length },
      'deadline scan done',
    );
  };
}
