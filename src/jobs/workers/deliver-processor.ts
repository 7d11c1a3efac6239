import { isChatErased, type Channel, type Complaint, type HistoryEvent } from '../../domain/complaint';
import { VersionConflictError } from '../../domain/errors';
import {
  ChannelSendError,
  PermanentJobError,
  RetryLaterError,
  type AgencyStore,
  type ChannelSender,
  type Clock,
  type ComplaintStore,
  type FileStore,
  type JobHandler,
  type JobQueue,
} from '../../domain/ports';
import { tFor } from '../../i18n';
import { EmailSendError, type EmailSender } from '../../notify/email-sender';
import { renderNotice } from '../../notify/render';
import type { SmsGateway } from '../../notify/sms-gateway';
import type { Logger } from '../../shared/logger';
import type { DeliveryLog } from './delivery-log';
import type { PaceLimit, SendPacer } from './send-pacer';
import { deliverQueue, type DeliverJobData, type DeliveryJob, type DeliveryRoute } from './delivery-types';
import { deliveryJobId, planDeliveries, rateKeyFor } from './plan-deliveries';

export interface DeliverDeps {
  complaints: ComplaintStore;
  agencies: AgencyStore;
  files: FileStore;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  log: DeliveryLog;
  publicBaseUrl: string;
  senders: Partial<Record<Channel, ChannelSender>>;
  email?: EmailSender;
  sms?: SmsGateway;
  available: ReadonlySet<DeliveryRoute>;
  /** Spaces chat sends at the moment of the request (per bot and per chat). */
  pacer?: SendPacer;
  /** The limits of this route for one chat. */
  paceLimits?: (to: Complaint['channelRef']) => PaceLimit[];
  /** Enqueue options for follow-up jobs (fallbacks). */
  attempts: number;
  backoffMs: number;
}

/**
 * Maps a send failure onto the queue's contract: 429 → RetryLaterError (this chat's job waits, later
 * jobs of the chat wait behind it, other chats go on); transient → rethrow (attempts with backoff);
 * permanent → PermanentJobError (dead-lettered at once, listed for an operator).
 */
/** The contact was erased (personal-data request) after the notice was planned: nothing to do. */
class NothingToSend extends Error {}

/**
 * Which Zalo rule kept a notice off Zalo: our own count (48 h since the citizen's last message, or the
 * 8 free replies used: CHANNELS.md §3.4) before any request, or Zalo's refusal (-230/-213).
 */
type ZaloRule = 'window_expired' | 'quota_used' | 'refused_by_zalo';
function zaloRule(err: ChannelSendError): ZaloRule {
  const ours = /: (window_expired|quota_used)$/.exec(err.message)?.[1];
  return (ours as ZaloRule | undefined) ?? 'refused_by_zalo';
}

export function toJobError(err: unknown): Error {
  if (err instanceof ChannelSendError) {
    if (err.kind === 'rate_limited') return new RetryLaterError(err.retryAfterMs ?? 1000, err.message);
    if (err.kind === 'transient') return err;
    return new PermanentJobError(err.message, { cause: err });
  }
  if (err instanceof EmailSendError)
    return err.kind === 'permanent' ? new PermanentJobError(err.message, { cause: err }) : err;
  return err instanceof Error ? err : new Error(String(err));
}

/** How long an agency's name is reused in notices: a renamed agency shows in notices within a minute. */
const AGENCY_NAME_TTL_MS = 60_000;

/** Agency names for notices, read once a minute at most per agency (every notice names one). */
export function agencyNames(agencies: AgencyStore, clock: Clock): (code: string) => Promise<string> {
  const cache = new Map<string, { name: string; until: number }>();
  return async (code) => {
    const now = clock.now().getTime();
    const hit = cache.get(code);
    if (hit && hit.until > now) return hit.name;
    const name = (await agencies.get(code))?.name ?? code;
    // Agencies are a few hundred; the bound only guards against a flood of unknown codes.
    if (cache.size >= 10_000) cache.clear();
    cache.set(code, { name, until: now + AGENCY_NAME_TTL_MS });
    return name;
  };
}

/** Appends a history event once (by id), retrying on a concurrent officer write. */
async function appendHistoryOnce(
  complaints: ComplaintStore,
  code: string,
  event: HistoryEvent,
  at: Date,
): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const c = await complaints.getByCode(code);
    if (!c || c.history.some((h) => h.id === event.id)) return;
    try {
      await complaints.update(code, c.version, { appendHistory: [event], at });
      return;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
}

export function createDeliverHandler(deps: DeliverDeps, route: DeliveryRoute): JobHandler<DeliverJobData> {
  const logger = deps.logger.child({ module: `deliver:${route}` });
  const agencyName = agencyNames(deps.agencies, deps.clock);

  async function sendNotice(job: DeliveryJob, c: Complaint): Promise<string | undefined> {
    const rendered = renderNotice({
      kind: job.kind,
      complaint: c,
      locale: c.locale,
      agencyName: await agencyName(job.agency ?? c.owner),
      publicBaseUrl: deps.publicBaseUrl,
      message: job.message,
      withAnswer: job.withAnswer,
    });
    if (route === 'email') {
      if (!deps.email) throw new PermanentJobError('email is not configured');
      const to = c.submitter.email;
      if (!to) throw new NothingToSend('no e-mail address any more');
      const attachments = [];
      for (const f of rendered.files) {
        const content = await deps.files.get(f.storageKey);
        if (!content)
          throw new PermanentJobError(`answer document missing from the file store: ${f.storageKey}`);
        attachments.push({ filename: f.name, contentType: f.mediaType, content });
      }
      const out = await deps.email.send({
        to,
        subject: rendered.subject,
        text: rendered.emailText,
        attachments,
        messageId: deliveryJobId(job),
      });
      return out.messageId;
    }
    if (route === 'sms') {
      if (!deps.sms) throw new PermanentJobError('SMS is not configured');
      const to =
        c.submitter.phone ??
        (c.channelRef.channel === 'sms' && !isChatErased(c.channelRef) ? c.channelRef.userId : undefined);
      if (!to) throw new NothingToSend('no phone number any more');
      // A PAKN filed by SMS gets the full text only when short; answers stay a link either way.
      const out = await deps.sms.send({ to, text: rendered.sms, requestId: deliveryJobId(job) });
      return out.messageId;
    }
    const sender = deps.senders[route];
    if (!sender) throw new PermanentJobError(`no sender for ${route}`);
    if (c.channelRef.channel !== route) throw new PermanentJobError(`the PAKN was not filed on ${route}`);
    if (isChatErased(c.channelRef)) throw new NothingToSend('the chat ids were erased');
    // Last thing before the request: the slot is taken as close as possible to Telegram's own count.
    // (A text over 4096 characters, or documents, make more than one request on the one slot.)
    if (deps.pacer && deps.paceLimits)
      await deps.pacer.acquire(deps.paceLimits(c.channelRef), deliveryJobId(job));
    const out = await sender.send(c.channelRef, {
      text: rendered.text,
      ...(rendered.files.length
        ? {
            files: rendered.files.map((f) => ({
              name: f.name,
              mediaType: f.mediaType,
              storageKey: f.storageKey,
            })),
          }
        : {}),
    });
    return out.messageId;
  }

  /**
   * Zalo refused: outside the OA messaging window (CHANNELS.md §3.4). The notice goes by SMS, else by
   * e-mail; a route the event already uses counts as covered. The path is written to the history.
   */
  async function fallBack(job: DeliveryJob, c: Complaint, rule: ZaloRule): Promise<void> {
    const planned = new Set(
      planDeliveries(
        { eventId: job.eventId, kind: job.kind, withAnswer: job.withAnswer },
        c,
        deps.available,
      ).map((j) => j.route),
    );
    const via: DeliveryRoute[] = [];
    const jobs: DeliveryJob[] = [];
    const smsTo = c.submitter.phone;
    for (const r of ['sms', 'email'] as const) {
      const reachable = r === 'sms' ? Boolean(smsTo) : Boolean(c.submitter.email);
      if (!deps.available.has(r) || !reachable) continue;
      via.push(r);
      if (!planned.has(r)) jobs.push({ ...job, route: r, fallbackFrom: 'zalo' });
      break;
    }
    const at = deps.clock.now();
    const t = tFor('vi', 'notify');
    await appendHistoryOnce(
      deps.complaints,
      c.code,
      {
        id: `delivery-${job.eventId}-zalo`,
        at,
        type: 'note',
        actor: { kind: 'system' },
        note: t('delivery.fallback_note', {
          from: 'Zalo',
          via: via.length ? via.join(', ').toUpperCase() : '—',
        }),
        data: {
          delivery: {
            eventId: job.eventId,
            kind: job.kind,
            from: 'zalo',
            via,
            reason: 'outside_window',
            rule,
          },
        },
      },
      at,
    );
    if (via.length === 0)
      throw new PermanentJobError('Zalo outside the messaging window and no phone or e-mail to fall back to');
    for (const fj of jobs) {
      await deps.queue.enqueue(deliverQueue(fj.route), 'notice', fj, {
        jobId: deliveryJobId(fj),
        rateKey: rateKeyFor(fj.route, c),
        attempts: deps.attempts,
        backoffMs: deps.backoffMs,
      });
    }
    logger.info({ code: c.code, eventId: job.eventId, via, rule }, 'zalo outside window: fell back');
  }

  return async (info) => {
    const data = info.data;
    // With the queue's done marks (createWorkers asks for them) the queue has checked already, in the
    // same round trip as its per-key gate; otherwise the delivery log is asked.
    if (!info.markDone && (await deps.log.wasDelivered(info.id))) {
      logger.info({ jobId: info.id }, 'already delivered; not sending again');
      return;
    }
    const delivered = () => (info.markDone ? info.markDone() : deps.log.markDelivered(info.id));
    let messageId: string | undefined;
    if (data.type === 'sms_reply') {
      if (!deps.sms) throw new PermanentJobError('SMS is not configured');
      try {
        messageId = (await deps.sms.send({ to: data.to, text: data.text, requestId: info.id })).messageId;
      } catch (err) {
        throw toJobError(err);
      }
    } else {
      const c = await deps.complaints.getByCode(data.code);
      if (!c) throw new PermanentJobError(`PAKN ${data.code} not found`);
      try {
        messageId = await sendNotice(data, c);
      } catch (err) {
        if (err instanceof NothingToSend) {
          logger.info({ jobId: info.id, reason: err.message }, 'not sent: contact erased');
          return;
        }
        if (err instanceof ChannelSendError && err.kind === 'outside_window' && route === 'zalo') {
          await fallBack(data, c, zaloRule(err));
          await delivered();
          return;
        }
        throw toJobError(err);
      }
    }
    await delivered();
    logger.info({ jobId: info.id, attempt: info.attempt, messageId }, 'delivered');
  };
}
