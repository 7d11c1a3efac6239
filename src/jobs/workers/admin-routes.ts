import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tFor, isLocale } from '../../i18n';
import type { DeadJob, JobQueue } from '../../domain/ports';
import { DELIVER_QUEUES, DIGESTS_QUEUE, EVENTS_QUEUE, type DeliverJobData } from './delivery-types';

/** Queues whose dead letters an operator may see and retry. */
export const ADMIN_QUEUES: readonly string[] = [EVENTS_QUEUE, ...DELIVER_QUEUES, DIGESTS_QUEUE];

export interface DeliveryAdminOptions {
  queue: JobQueue;
}

/** What an operator sees of a dead job: ids and the failure, never a phone number or e-mail. */
function view(job: DeadJob) {
  const d = job.data as Partial<DeliverJobData> & {
    code?: string;
    kind?: string;
    route?: string;
    agency?: string;
  };
  return {
    queue: job.queue,
    id: job.id,
    name: job.name,
    code: typeof d?.code === 'string' ? d.code : undefined,
    kind: typeof d?.kind === 'string' ? d.kind : d?.type === 'sms_reply' ? 'sms_reply' : undefined,
    route: typeof d?.route === 'string' ? d.route : undefined,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    failedReason: job.failedReason,
    failedAt: job.failedAt.toISOString(),
  };
}

const deadItem = {
  type: 'object',
  properties: {
    queue: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    code: { type: 'string' },
    kind: { type: 'string' },
    route: { type: 'string' },
    attempt: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    failedReason: { type: 'string' },
    failedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * `GET /api/admin/deliveries/dead` lists dead-lettered deliveries (all admin queues, or `?queue=`);
 * `POST /api/admin/deliveries/dead/:queue/:id/retry` puts one back with fresh attempts. For accounts
 * with the `admin` role. Uses the officers' API `authenticate` decorator (admin/auth); register this
 * plugin after it.
 */
export async function deliveryAdminRoutes(
  app: FastifyInstance,
  options: DeliveryAdminOptions,
): Promise<void> {
  const { queue } = options;
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const locale = isLocale((req as { locale?: unknown }).locale)
      ? (req as unknown as { locale: 'vi' | 'en' }).locale
      : 'vi';
    const forbidden = () =>
      reply.status(403).send({
        error: 'ForbiddenError',
        key: 'errors.forbidden',
        message: tFor(locale)('errors.forbidden'),
      });
    // Without the officers' authentication mounted, nobody gets in.
    if (!app.hasDecorator('authenticate')) return forbidden();
    await (
      app as FastifyInstance & { authenticate: (r: FastifyRequest, p: FastifyReply) => Promise<void> }
    ).authenticate(req, reply);
    if (reply.sent) return;
    const officer = (req as FastifyRequest & { officer?: { role: string } }).officer;
    if (officer?.role !== 'admin') return forbidden();
  };
  const tags = ['deliveries'];
  const security = [{ bearer: [] }];

  app.get<{ Querystring: { queue?: string; limit?: number } }>(
    '/api/admin/deliveries/dead',
    {
      preHandler: guard,
      schema: {
        tags,
        security,
        summary: 'Dead-lettered deliveries (after the last attempt, or refused for good)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            queue: { type: 'string', enum: [...ADMIN_QUEUES] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: deadItem } } } },
      },
    },
    async (req) => {
      const queues = req.query.queue ? [req.query.queue] : ADMIN_QUEUES;
      const limit = req.query.limit ?? 100;
      const lists = await Promise.all(queues.map((q) => queue.listDead(q, limit)));
      const items = lists
        .flat()
        .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime())
        .slice(0, limit)
        .map(view);
      return { items };
    },
  );

  app.post<{ Params: { queue: string; id: string } }>(
    '/api/admin/deliveries/dead/:queue/:id/retry',
    {
      preHandler: guard,
      schema: {
        tags,
        security,
        summary: 'Retry one dead-lettered delivery with fresh attempts',
        params: {
          type: 'object',
          required: ['queue', 'id'],
          properties: {
            queue: { type: 'string', enum: [...ADMIN_QUEUES] },
            id: { type: 'string', minLength: 1, maxLength: 300 },
          },
        },
        response: {
          200: { type: 'object', properties: { retried: { type: 'boolean' } } },
          404: {
            type: 'object',
            properties: { error: { type: 'string' }, key: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    async (req, reply) => {
      const ok = await queue.retryDead(req.params.queue, req.params.id);
      if (!ok) {
        const locale = isLocale((req as { locale?: unknown }).locale)
          ? (req as unknown as { locale: 'vi' | 'en' }).locale
          : 'vi';
        return reply.status(404).send({
          error: 'NotFoundError',
          key: 'errors.not_found',
          message: tFor(locale)('errors.not_found'),
        });
      }
      return { retried: true };
    },
  );
}
