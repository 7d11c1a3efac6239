import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROUTING_RULES, parseRoutingRules, type RoutingRule } from '../../application/routing';
import type { Channel } from '../../domain/complaint';
import type { ChannelSender, ProcessOptions } from '../../domain/ports';
import type { AppDeps } from '../../deps';
import { createEmailSender, type EmailSender } from '../../notify/email-sender';
import { createSmsGateway, type SmsGateway } from '../../notify/sms-gateway';
import { createDeadlinesHandler, seedDeadlineScan, type DeadlineOptions } from './deadlines-processor';
import { createDeliverHandler } from './deliver-processor';
import {
  DELIVERED_TTL_MS,
  DedupeDeliveryLog,
  REDIS_DELIVERED_TTL_MS,
  RedisDeliveryLog,
  type DeliveryLog,
} from './delivery-log';
import {
  DEADLINES_QUEUE,
  DELIVERY_ROUTES,
  DIGESTS_QUEUE,
  EVENTS_QUEUE,
  deliverQueue,
  type DeliveryRoute,
} from './delivery-types';
import { createDigestHandler } from './digest-processor';
import { createEventsHandler } from './events-processor';
import { LocalSendPacer, RedisSendPacer, type SendPacer } from './send-pacer';

export * from './delivery-types';
export { DedupeDeliveryLog, RedisDeliveryLog, type DeliveryLog } from './delivery-log';
export { noticeFor, planDeliveries, deliveryJobId, rateKeyFor } from './plan-deliveries';
export { scanDeadlines } from './deadlines-processor';
export { renderDigest } from './digest-processor';
export { LocalSendPacer, RedisSendPacer, type SendPacer, type PaceLimit } from './send-pacer';

/** Limits of one delivery route. */
export interface RouteRates {
  /** Messages per second for the whole route (one bot). 0 = no limit. */
  perSecond?: number;
  /** Messages per second per chat. 0 = no limit (order per chat is kept either way). */
  perChatPerSecond?: number;
  concurrency?: number;
}

/**
 * Defaults from CHANNELS.md §1.6: Telegram about 30 messages/s per bot and 1/s per chat. Zalo publishes
 * no figure; the same per-chat pace and a lower bot rate are a cautious guess. SMS and mail gateways
 * have their own contracts: modest defaults, raise them per deployment (`DELIVERY_<ROUTE>_PER_SECOND`,
 * `DELIVERY_<ROUTE>_PER_CHAT_PER_SECOND`, `DELIVERY_<ROUTE>_CONCURRENCY`).
 */
export const DEFAULT_ROUTE_RATES: Readonly<Record<DeliveryRoute, Required<RouteRates>>> = Object.freeze({
  telegram: { perSecond: 30, perChatPerSecond: 1, concurrency: 8 },
  zalo: { perSecond: 10, perChatPerSecond: 1, concurrency: 4 },
  web: { perSecond: 0, perChatPerSecond: 0, concurrency: 4 },
  sms: { perSecond: 5, perChatPerSecond: 0, concurrency: 2 },
  email: { perSecond: 10, perChatPerSecond: 0, concurrency: 4 },
});

export interface WorkerOptions {
  rates?: Partial<Record<DeliveryRoute, RouteRates>>;
  /**
   * Added to the one-second windows of the send pacer (per bot and per chat), which takes its slot just
   * before each chat request: covers the request's own transit, so the channel never counts more than
   * the limit in a second. The queue's limiters (exact) only keep workers from fetching far ahead.
   * @defaultValue 100
   */
  limiterMarginMs?: number;
  /** Spaces chat sends; default: shared in the queue's Redis with BullMQ, in memory otherwise. */
  pacer?: SendPacer;
  /** Tries per delivery before it is dead-lettered. @defaultValue 6 */
  attempts?: number;
  /** First retry delay, doubled each try. @defaultValue 2000 */
  backoffMs?: number;
  deadlines?: Partial<Omit<DeadlineOptions, 'overdueUpdateDays'>> & { enabled?: boolean };
  /** Keyword routing rules; default: `DATA_DIR/routing-rules.json` if present, else DEFAULT_ROUTING_RULES. */
  routingRules?: readonly RoutingRule[];
  /** Overrides for tests and benchmarks; by default built from config (SMTP_URL, SMS_*). */
  email?: EmailSender;
  sms?: SmsGateway;
  /**
   * Where the digests' sent marks are kept (and the deliveries' marks with `deliveryMarks: 'log'`);
   * default: the queue's Redis with BullMQ, the store's dedupe records otherwise.
   */
  deliveryLog?: DeliveryLog;
  /**
   * Where a delivery records that its message went out: `queue` (default) — the queue's done marks,
   * checked in the same round trip as the per-chat gate (ProcessOptions.doneMarks); `log` — the
   * delivery log, one more round trip each way.
   */
  deliveryMarks?: 'queue' | 'log';
  eventsConcurrency?: number;
}

export interface WorkerDeps extends AppDeps {
  /** Chat senders by channel (bots/registry.ts `createChannelSenders`); a missing one is off. */
  senders: Partial<Record<Channel, ChannelSender>>;
}

export interface Workers {
  /** Routes that can deliver in this configuration. */
  readonly available: ReadonlySet<DeliveryRoute>;
  readonly log: DeliveryLog;
  /** Registers the processors and seeds the deadline scan. */
  start(): Promise<void>;
  /** Releases what the workers own (the SMTP pool). The queue itself is closed with the deps. */
  stop(): Promise<void>;
}

export function loadRoutingRules(dataDir: string): readonly RoutingRule[] {
  const file = join(dataDir, 'routing-rules.json');
  if (!existsSync(file)) return DEFAULT_ROUTING_RULES;
  return parseRoutingRules(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}

/** Redis marks when the queue is BullMQ on `REDIS_URL`; the store's dedupe records otherwise. */
export function createDeliveryLog(deps: Pick<AppDeps, 'config' | 'queue' | 'stores'>): DeliveryLog {
  if (deps.queue.kind === 'bullmq' && deps.config.redisUrl)
    return new RedisDeliveryLog(deps.config.redisUrl, deps.config.redisPrefix);
  return new DedupeDeliveryLog(deps.stores.dedupe);
}

/** Shared windows in the queue's Redis with BullMQ (several worker processes), in memory otherwise. */
export function createSendPacer(deps: Pick<AppDeps, 'config' | 'queue'>): SendPacer {
  if (deps.queue.kind === 'bullmq' && deps.config.redisUrl)
    return new RedisSendPacer(deps.config.redisUrl, deps.config.redisPrefix);
  return new LocalSendPacer();
}

function limiterOf(perSecond: number | undefined): ProcessOptions['limiter'] {
  return perSecond && perSecond > 0 ? { max: perSecond, durationMs: 1000 } : undefined;
}

export function createWorkers(deps: WorkerDeps, options: WorkerOptions = {}): Workers {
  const { config, stores, queue, logger, clock } = deps;
  const ownEmail =
    !options.email && config.smtpUrl
      ? createEmailSender({ smtpUrl: config.smtpUrl, from: config.mailFrom })
      : undefined;
  const email = options.email ?? ownEmail;
  const sms = options.sms ?? (config.sms ? createSmsGateway(config.sms) : undefined);
  const available = new Set<DeliveryRoute>();
  for (const ch of ['telegram', 'zalo', 'web'] as const) if (deps.senders[ch]) available.add(ch);
  if (sms) available.add('sms');
  if (email) available.add('email');
  const ownLog = options.deliveryLog ? undefined : createDeliveryLog(deps);
  const log = options.deliveryLog ?? ownLog!;
  const attempts = options.attempts ?? 6;
  const margin = Math.max(0, options.limiterMarginMs ?? 100);
  const ownPacer = options.pacer ? undefined : createSendPacer(deps);
  const pacer = options.pacer ?? ownPacer!;
  const backoffMs = options.backoffMs ?? 2000;
  const routingRules = options.routingRules ?? loadRoutingRules(config.dataDir);
  const fanOut = {
    complaints: stores.complaints,
    queue,
    clock,
    logger,
    available,
    attempts,
    backoffMs,
    routingRules,
  };
  const deadlineOptions: DeadlineOptions = {
    intervalMs: options.deadlines?.intervalMs ?? 3600_000,
    dueSoonMs: options.deadlines?.dueSoonMs ?? 2 * 24 * 3600_000,
    overdueUpdateDays: config.deadlines.overdueUpdateDays,
  };

  return {
    available,
    log,
    async start() {
      // The relay gives events the PAKN code as rate key, so one PAKN's events fan out in order (and its
      // notices reach the chat in order: the deliver queues keep per-chat order from there).
      queue.process(EVENTS_QUEUE, createEventsHandler(fanOut), {
        concurrency: options.eventsConcurrency ?? 4,
      });
      for (const route of DELIVERY_ROUTES) {
        if (!available.has(route)) continue;
        // Defaults, then the environment (DELIVERY_<ROUTE>_…), then the caller's options.
        const r = {
          ...DEFAULT_ROUTE_RATES[route],
          ...config.deliveryRates?.[route],
          ...options.rates?.[route],
        };
        const paceLimits = (to: { conversationId: string }) => [
          { key: `bot:${route}`, max: r.perSecond, windowMs: 1000 + margin },
          { key: `chat:${route}:${to.conversationId}`, max: r.perChatPerSecond, windowMs: 1000 + margin },
        ];
        queue.process(
          deliverQueue(route),
          createDeliverHandler(
            {
              complaints: stores.complaints,
              agencies: stores.agencies,
              files: deps.files,
              queue,
              clock,
              logger,
              log,
              publicBaseUrl: config.publicBaseUrl,
              senders: deps.senders,
              email,
              sms,
              available,
              attempts,
              backoffMs,
              ...(route === 'telegram' || route === 'zalo' ? { pacer, paceLimits } : {}),
            },
            route,
          ),
          {
            concurrency: r.concurrency,
            limiter: limiterOf(r.perSecond),
            perKeyLimiter: limiterOf(r.perChatPerSecond),
            // Kept longer than any retry of the job (and than the queue remembers finished ids).
            ...(options.deliveryMarks !== 'log'
              ? { doneMarks: { ttlMs: queue.kind === 'bullmq' ? REDIS_DELIVERED_TTL_MS : DELIVERED_TTL_MS } }
              : {}),
          },
        );
      }
      queue.process(
        DIGESTS_QUEUE,
        createDigestHandler({
          accounts: stores.accounts,
          agencies: stores.agencies,
          email,
          log,
          logger,
          locale: config.defaultLocale,
        }),
      );
      if (options.deadlines?.enabled !== false) {
        queue.process(
          DEADLINES_QUEUE,
          createDeadlinesHandler(
            { ...fanOut, agencies: stores.agencies, dedupe: stores.dedupe },
            deadlineOptions,
          ),
        );
        await seedDeadlineScan({ queue, clock }, deadlineOptions);
      }
      logger.info({ routes: [...available] }, 'delivery workers started');
    },
    async stop() {
      ownEmail?.close();
      await ownLog?.close();
      await ownPacer?.close();
    },
  };
}

/** Creates and starts the workers: `npm run worker`, and `npm start` on the embedded queue. */
export async function startWorkers(deps: WorkerDeps, options: WorkerOptions = {}): Promise<Workers> {
  const workers = createWorkers(deps, options);
  await workers.start();
  return workers;
}
