import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { PublicQueries } from '../../src/application/officers';
import type { AppDeps } from '../../src/deps';
import { tFor } from '../../src/i18n';
import { errorResponseSchema } from '../shared/schemas';

export interface PublicRoutesOptions {
  deps: AppDeps;
  /** Lookups per client address per minute. @defaultValue 30 */
  lookupsPerMinute?: number;
  /** Answer searches per client address per minute. @defaultValue 60 */
  searchesPerMinute?: number;
}

const answerSchema = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
    publishedAt: { type: 'string', format: 'date-time' },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, mediaType: { type: 'string' }, size: { type: 'integer' } },
      },
    },
  },
} as const;

/**
 * Public side: anyone may look up a code (status, agency, dates, the published answer) and search the
 * published answers, masked. No personal data leaves here. Rate-limited per address, since codes are
 * random but a fast enough prober could still walk them.
 */
export async function publicRoutes(app: FastifyInstance, opts: PublicRoutesOptions): Promise<void> {
  const queries = new PublicQueries({
    complaints: opts.deps.stores.complaints,
    agencies: opts.deps.stores.agencies,
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req, ctx) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      const err = new Error(tFor(req.locale)('errors.rate_limited', { seconds })) as Error & {
        statusCode: number;
      };
      err.statusCode = 429;
      return err;
    },
  });
  const tags = ['public'];

  app.get<{ Params: { code: string } }>(
    '/api/public/complaints/:code',
    {
      config: { rateLimit: { max: opts.lookupsPerMinute ?? 30, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Status of a PAKN by its tracking code (no personal data; the answer once published)',
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', minLength: 1, maxLength: 40 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              status: { type: 'string' },
              statusLabel: { type: 'string' },
              category: { type: 'string' },
              agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
              receivedAt: { type: 'string', format: 'date-time' },
              updatedAt: { type: 'string', format: 'date-time' },
              dueAt: { type: 'string', format: 'date-time' },
              answeredAt: { type: 'string', format: 'date-time' },
              rejection: {
                type: 'object',
                properties: {
                  reason: { type: 'string' },
                  reasonLabel: { type: 'string' },
                  duplicateOf: { type: 'string' },
                },
              },
              answer: answerSchema,
            },
          },
          400: errorResponseSchema,
          404: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (req, reply) => {
      const t = tFor(req.locale);
      const result = await queries.lookup(req.params.code);
      if (!result.ok) {
        // A typo (wrong check symbol) and an unknown code are told apart, so the citizen knows to re-read it.
        const key = `admin:public.code_${result.reason}`;
        return reply
          .status(result.reason === 'unknown' ? 404 : 400)
          .send({ error: result.reason === 'unknown' ? 'NotFound' : 'BadRequest', key, message: t(key) });
      }
      const v = result.view;
      return {
        ...v,
        statusLabel: t(`status.${v.status}`),
        ...(v.rejection
          ? { rejection: { ...v.rejection, reasonLabel: t(`admin:reject_reasons.${v.rejection.reason}`) } }
          : {}),
      };
    },
  );

  app.get<{ Querystring: { q?: string; category?: string; agency?: string; page?: number; limit?: number } }>(
    '/api/public/answers',
    {
      config: { rateLimit: { max: opts.searchesPerMinute ?? 60, timeWindow: 60_000 } },
      schema: {
        tags,
        summary:
          'Published answers, searchable; names per the citizen’s consent, contact details and ID numbers masked',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 200 },
            category: { type: 'string', maxLength: 40 },
            agency: { type: 'string', maxLength: 70, pattern: '^[a-z][a-z0-9.]*$' },
            page: { type: 'integer', minimum: 1, maximum: 500, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
            lang: { type: 'string', enum: ['vi', 'en'] },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              total: { type: 'integer' },
              totalCapped: {
                type: 'boolean',
                description: 'true when a search (q) matched more answers than `total` (shown as "1000+")',
              },
              page: { type: 'integer' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    code: { type: 'string' },
                    title: { type: 'string' },
                    content: { type: 'string' },
                    category: { type: 'string' },
                    sender: { type: 'string' },
                    receivedAt: { type: 'string', format: 'date-time' },
                    answer: answerSchema,
                  },
                },
              },
            },
          },
          400: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 20;
      const page = req.query.page ?? 1;
      const result = await queries.publishedAnswers(
        { q: req.query.q, category: req.query.category, agency: req.query.agency },
        { limit, offset: (page - 1) * limit },
      );
      return {
        total: result.total,
        ...(result.totalCapped ? { totalCapped: true } : {}),
        page,
        items: result.items,
      };
    },
  );
}
