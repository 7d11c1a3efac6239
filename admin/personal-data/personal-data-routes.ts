import type { FastifyInstance } from 'fastify';
import { KeyValueAuditLog, PersonalDataService } from '../../src/application/officers';
import { assertAdmin } from '../../src/application/officers';
import { ValidationError } from '../../src/domain/errors';
import type { AppDeps } from '../../src/deps';
import { errorResponseSchema } from '../shared/schemas';

const tags = ['personal-data'];
const security = [{ bearer: [] }];
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const contact = {
  phone: { type: 'string', minLength: 6, maxLength: 30 },
  email: { type: 'string', minLength: 3, maxLength: 254 },
  reference: {
    type: 'string',
    maxLength: 100,
    description: 'the citizen’s request reference, kept in the audit log',
  },
} as const;
const result = {
  type: 'object',
  properties: { codes: { type: 'array', items: { type: 'string' } }, auditId: { type: 'string' } },
} as const;

/**
 * Personal-data requests of a data subject (NĐ 356/2025: answer within 2 working days): export, correct
 * or erase one citizen's data across their PAKN. Admins only, within their subtree; each is audited.
 */
export async function personalDataRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { deps } = opts;
  const audit = new KeyValueAuditLog(deps.stores.conversations);
  const service = new PersonalDataService({
    complaints: deps.stores.complaints,
    clock: deps.clock,
    audit,
    conversations: deps.stores.conversations,
  });
  app.addHook('preHandler', app.authenticate);

  app.post<{ Body: { phone?: string; email?: string; reference?: string } }>(
    '/api/admin/personal-data/export',
    {
      schema: {
        tags,
        security,
        summary: 'Everything stored about one citizen (by phone or e-mail) across their PAKN',
        body: { type: 'object', additionalProperties: false, properties: contact },
        response: { 200: { type: 'object', additionalProperties: true }, ...errors },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.export(req.officer, req.body);
    },
  );

  app.post<{
    Body: {
      phone?: string;
      email?: string;
      reference?: string;
      patch: { name?: string; phone?: string; email?: string; address?: string };
    };
  }>(
    '/api/admin/personal-data/correct',
    {
      schema: {
        tags,
        security,
        summary: 'Correct one citizen’s contact details across their PAKN',
        body: {
          type: 'object',
          required: ['patch'],
          additionalProperties: false,
          properties: {
            ...contact,
            patch: {
              type: 'object',
              additionalProperties: false,
              minProperties: 1,
              properties: {
                name: { type: 'string', minLength: 2, maxLength: 100 },
                phone: { type: 'string', minLength: 6, maxLength: 30 },
                email: { type: 'string', minLength: 3, maxLength: 254 },
                address: { type: 'string', minLength: 1, maxLength: 300 },
              },
            },
          },
        },
        response: { 200: result, ...errors },
      },
    },
    async (req) => service.correct(req.officer, req.body, req.body.patch),
  );

  app.post<{ Body: { phone?: string; email?: string; reference?: string; confirm: boolean } }>(
    '/api/admin/personal-data/erase',
    {
      schema: {
        tags,
        security,
        summary: 'Erase one citizen’s data: each PAKN and its answer are kept, anonymised',
        body: {
          type: 'object',
          required: ['confirm'],
          additionalProperties: false,
          properties: { ...contact, confirm: { type: 'boolean', const: true } },
        },
        response: { 200: result, ...errors },
      },
    },
    async (req) => service.erase(req.officer, req.body),
  );

  app.get<{ Querystring: { day: string } }>(
    '/api/admin/personal-data/audit',
    {
      schema: {
        tags,
        security,
        summary: 'The audit log of personal-data requests of one day (UTC date)',
        querystring: {
          type: 'object',
          required: ['day'],
          properties: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        },
        response: {
          200: { type: 'array', items: { type: 'object', additionalProperties: true } },
          ...errors,
        },
      },
    },
    async (req) => {
      assertAdmin(req.officer);
      if (Number.isNaN(Date.parse(req.query.day))) throw new ValidationError('errors.bad_request');
      return audit.listDay(req.query.day);
    },
  );
}
