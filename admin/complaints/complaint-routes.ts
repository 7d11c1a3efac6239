import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  INBOX_VIEWS,
  OfficerWorkflow,
  REJECT_REASONS,
  storeDocuments,
  type InboxView,
  type Officer,
} from '../../src/application/officers';
import type { Complaint } from '../../src/domain/complaint';
import { CHANNELS, type Channel } from '../../src/domain/complaint';
import { NotFoundError, ValidationError } from '../../src/domain/errors';
import { COMPLAINT_STATUSES, type ComplaintStatus } from '../../src/domain/status';
import { SHA256_KEY_RE } from '../../src/domain/ports';
import type { AppDeps } from '../../src/deps';
import { codeParamSchema, errorResponseSchema } from '../shared/schemas';
import { boolField, contentDisposition, field, readMultipart, versionOf } from '../shared/http-helpers';
import { detailSchema, filesOf, listItemSchema, toDetail, toListItem } from './complaint-view';
import { renderComplaintDocx } from './export-docx';

type CodeParams = { code: string };

const security = [{ bearer: [] }];
const tags = ['complaints'];
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

const versionProp = {
  version: {
    type: 'integer',
    minimum: 1,
    description: 'the version the action is based on (or If-Match header)',
  },
} as const;
const ifMatchHeader = {
  type: 'object',
  properties: { 'if-match': { type: 'string', maxLength: 20 } },
} as const;

function jsonBody(properties: Record<string, unknown>, required: string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: { ...properties, ...versionProp },
  } as const;
}

const shortText = (max = 2000) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const agencyCode = { type: 'string', minLength: 2, maxLength: 70, pattern: '^[a-z][a-z0-9.]*$' } as const;

function splitList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

function parseDay(v: string | undefined, endOfDay: boolean): Date | undefined {
  if (!v) return undefined;
  // A bare date is a local (Vietnam) day; `to` includes that whole day.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00+07:00`) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new ValidationError('errors.bad_request');
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(d.getTime() + 86400_000) : d;
}

interface ListQuery {
  view?: InboxView;
  status?: string | string[];
  category?: string | string[];
  channel?: string | string[];
  q?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
  page?: number;
  limit?: number;
  cursor?: string;
}

/**
 * The officers' PAKN routes: lists, detail, files, Word export and every action. Each action answers
 * with the new detail (and its version in `ETag`), or a localised error that changed nothing.
 */
export async function complaintRoutes(
  app: FastifyInstance,
  opts: { deps: AppDeps; workflow: OfficerWorkflow },
): Promise<void> {
  const { deps, workflow } = opts;
  const now = () => deps.clock.now();
  app.addHook('preHandler', app.authenticate);

  const reply200 = (reply: FastifyReply, c: Complaint) => {
    reply.header('etag', `"${c.version}"`);
    return toDetail(c, now(), deps.config.deadlines);
  };

  app.get<{ Querystring: ListQuery }>(
    '/api/admin/complaints',
    {
      schema: {
        tags,
        security,
        summary:
          'List PAKN of a view (new, forwarded, direct, awaiting_info, answered, overdue, coordinating), filtered and paged',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            view: {
              type: 'string',
              enum: [...INBOX_VIEWS],
              description:
                'new: received by my agency; forwarded: held by my units; direct: my agency handles it; awaiting_info, answered, overdue: in my subtree; coordinating: led by another unit, my agency coordinating (read and notes only). None: everything in my subtree.',
            },
            status: {
              anyOf: [
                { type: 'string', maxLength: 100 },
                { type: 'array', items: { type: 'string', enum: [...COMPLAINT_STATUSES] }, maxItems: 5 },
              ],
            },
            category: {
              anyOf: [
                { type: 'string', maxLength: 200 },
                { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 20 },
              ],
            },
            channel: {
              anyOf: [
                { type: 'string', maxLength: 40 },
                { type: 'array', items: { type: 'string', enum: [...CHANNELS] }, maxItems: 4 },
              ],
            },
            q: { type: 'string', maxLength: 200 },
            from: {
              type: 'string',
              maxLength: 30,
              description: 'YYYY-MM-DD (local day) or ISO time; createdAt ≥ from',
            },
            to: {
              type: 'string',
              maxLength: 30,
              description: 'YYYY-MM-DD (that whole local day included) or ISO time',
            },
            overdue: { type: 'boolean' },
            page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            cursor: { type: 'string', maxLength: 200 },
            lang: { type: 'string', enum: ['vi', 'en'] },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: listItemSchema },
              total: { type: 'integer' },
              totalCapped: {
                type: 'boolean',
                description: 'true when a search (q) matched more PAKN than `total` (shown as "1000+")',
              },
              page: { type: 'integer' },
              limit: { type: 'integer' },
              nextCursor: { type: 'string' },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const status = splitList(q.status);
      if (status?.some((s) => !(COMPLAINT_STATUSES as readonly string[]).includes(s)))
        throw new ValidationError('errors.bad_request');
      const channel = splitList(q.channel);
      if (channel?.some((s) => !(CHANNELS as readonly string[]).includes(s)))
        throw new ValidationError('errors.bad_request');
      const limit = q.limit ?? 20;
      const page = q.page ?? 1;
      const result = await workflow.list(
        req.officer,
        {
          view: q.view,
          status: status as ComplaintStatus[] | undefined,
          category: splitList(q.category),
          channel: channel as Channel[] | undefined,
          from: parseDay(q.from, false),
          to: parseDay(q.to, true),
          overdue: q.overdue,
          q: q.q,
        },
        { limit, ...(q.cursor ? { cursor: q.cursor } : { offset: (page - 1) * limit }) },
      );
      const t = now();
      return {
        items: result.items.map((s) => toListItem(s, t)),
        total: result.total,
        ...(result.totalCapped ? { totalCapped: true } : {}),
        page,
        limit,
        ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
      };
    },
  );

  app.get<{ Params: CodeParams }>(
    '/api/admin/complaints/:code',
    {
      schema: {
        tags,
        security,
        summary: 'One PAKN with everything: submitter, files, supplements, history, notes, owner, due date',
        params: codeParamSchema,
        response: { 200: detailSchema, ...errors },
      },
    },
    async (req, reply) => reply200(reply, await workflow.get(req.officer, req.params.code)),
  );

  app.get<{ Params: CodeParams & { key: string } }>(
    '/api/admin/complaints/:code/files/:key',
    {
      schema: {
        tags,
        security,
        summary:
          'Download a file of the PAKN (citizen attachments, supplements, answer and request documents)',
        params: {
          type: 'object',
          required: ['code', 'key'],
          properties: {
            code: codeParamSchema.properties.code,
            key: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          },
        },
        response: { 404: errorResponseSchema },
      },
    },
    async (req, reply) => {
      const c = await workflow.get(req.officer, req.params.code);
      const file = filesOf(c).find((f) => f.storageKey === req.params.key);
      const bytes =
        file && SHA256_KEY_RE.test(file.storageKey) ? await deps.files.get(file.storageKey) : null;
      if (!file || !bytes) throw new NotFoundError('file', req.params.key);
      return reply
        .header('content-type', file.mediaType)
        .header('content-disposition', contentDisposition(file.name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );

  app.get<{ Params: CodeParams }>(
    '/api/admin/complaints/:code/export.docx',
    {
      schema: {
        tags,
        security,
        summary: 'The PAKN as a Word file (details, supplements, history, answer)',
        params: codeParamSchema,
        response: { 404: errorResponseSchema },
      },
    },
    async (req, reply) => {
      const c = await workflow.get(req.officer, req.params.code);
      const agencies = new Map((await deps.stores.agencies.list()).map((a) => [a.code, a.name]));
      const bytes = await renderComplaintDocx(c, {
        locale: req.locale,
        agencyName: (code) => agencies.get(code) ?? code,
        now: now(),
      });
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', contentDisposition(`PAKN-${c.code}.docx`))
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );

  // ---- actions ----

  function action<B extends object>(
    name: string,
    summary: string,
    body: object,
    run: (officer: Officer, code: string, version: number, body: B) => Promise<Complaint>,
  ): void {
    app.post<{ Params: CodeParams; Body: B & { version?: number } }>(
      `/api/admin/complaints/:code/${name}`,
      {
        schema: {
          tags,
          security,
          summary,
          params: codeParamSchema,
          headers: ifMatchHeader,
          body,
          response: { 200: detailSchema, ...errors },
        },
      },
      async (req, reply) => {
        const b = (req.body ?? {}) as B & { version?: number };
        const version = versionOf(req, b.version);
        return reply200(reply, await run(req.officer, req.params.code, version, b));
      },
    );
  }

  const multipartOr = (schema: object) => ({
    content: {
      'application/json': { schema },
      'multipart/form-data': { schema: { description: 'the same fields as form fields, plus the files' } },
    },
  });

  app.post<{ Params: CodeParams; Body: { units: string[]; lead?: string; note?: string; version?: number } }>(
    '/api/admin/complaints/:code/forward',
    {
      schema: {
        tags,
        security,
        summary:
          'Forward to units of the own subtree (one lead, others coordinating); multipart to attach the signed request document (field `document`)',
        params: codeParamSchema,
        headers: ifMatchHeader,
        body: multipartOr(
          jsonBody(
            {
              units: { type: 'array', minItems: 1, maxItems: 20, items: agencyCode },
              lead: agencyCode,
              note: shortText(),
            },
            ['units'],
          ),
        ),
        response: { 200: detailSchema, ...errors },
      },
    },
    async (req, reply) => {
      if (req.isMultipart()) {
        const form = await readMultipart(req, deps.config.limits);
        const version = versionOf(req, field(form, 'version'));
        if (form.files.length > 1) throw new ValidationError('admin:errors.one_document');
        const units = (form.fields.units ?? [])
          .flatMap((u) => u.split(','))
          .map((u) => u.trim())
          .filter(Boolean);
        const [document] = form.files.length
          ? await storeDocuments(deps.files, form.files, deps.config.limits)
          : [];
        const c = await workflow.forward(req.officer, req.params.code, version, {
          units,
          lead: field(form, 'lead'),
          note: field(form, 'note'),
          document,
        });
        return reply200(reply, c);
      }
      const version = versionOf(req, req.body.version);
      return reply200(reply, await workflow.forward(req.officer, req.params.code, version, req.body));
    },
  );

  action<{ agency: string; reason: string }>(
    'transfer',
    'Transfer to another ministry, sector or province, with a reason',
    jsonBody({ agency: agencyCode, reason: shortText() }, ['agency', 'reason']),
    (o, code, v, b) => workflow.transfer(o, code, v, b),
  );
  action<{ reason: string }>(
    'return',
    'Return to the central office (VPCP), with a reason',
    jsonBody({ reason: shortText() }, ['reason']),
    (o, code, v, b) => workflow.returnToCentral(o, code, v, b),
  );
  action<{ message: string }>(
    'request-info',
    'Ask the citizen for more information (status awaiting_info)',
    jsonBody({ message: shortText() }, ['message']),
    (o, code, v, b) => workflow.requestInfo(o, code, v, b),
  );

  app.post<{ Params: CodeParams; Body: { text: string; publish?: boolean; version?: number } }>(
    '/api/admin/complaints/:code/answer',
    {
      schema: {
        tags,
        security,
        summary:
          'Answer (text, and documents as multipart field `documents`); `publish` asks for publication (through review where the agency requires it)',
        params: codeParamSchema,
        headers: ifMatchHeader,
        body: multipartOr(
          jsonBody({ text: shortText(10000), publish: { type: 'boolean', default: false } }, ['text']),
        ),
        response: { 200: detailSchema, ...errors },
      },
    },
    async (req, reply) => {
      if (req.isMultipart()) {
        const form = await readMultipart(req, deps.config.limits);
        const version = versionOf(req, field(form, 'version'));
        const text = field(form, 'text');
        if (!text) throw new ValidationError('errors.bad_request');
        const publish = boolField(form, 'publish');
        // Checked before the files are stored, so a refused answer leaves no orphan files behind.
        await workflow.get(req.officer, req.params.code);
        const attachments = await storeDocuments(deps.files, form.files, deps.config.limits);
        return reply200(
          reply,
          await workflow.answer(req.officer, req.params.code, version, { text, publish, attachments }),
        );
      }
      const version = versionOf(req, req.body.version);
      return reply200(
        reply,
        await workflow.answer(req.officer, req.params.code, version, {
          text: req.body.text,
          publish: req.body.publish ?? false,
        }),
      );
    },
  );

  action<{ decision: 'approve' | 'return'; reason?: string }>(
    'review',
    'Review gate (QĐ 31/2021 Điều 46): approve the answer (published) or return it to the unit with a reason',
    jsonBody({ decision: { type: 'string', enum: ['approve', 'return'] }, reason: shortText() }, [
      'decision',
    ]),
    (o, code, v, b) => workflow.review(o, code, v, b),
  );
  action<object>(
    'publish',
    'Publish the answer (through review where required)',
    jsonBody({}),
    (o, code, v) => workflow.publish(o, code, v),
  );
  action<{ reason?: string }>(
    'unpublish',
    'Withdraw a published answer',
    jsonBody({ reason: shortText() }),
    (o, code, v, b) => workflow.unpublish(o, code, v, b),
  );
  action<{ reason: (typeof REJECT_REASONS)[number]; duplicateOf?: string; note?: string }>(
    'reject',
    'Refuse the PAKN with a reason (RULES-VN); `duplicateOf` names the existing code for `duplicate`',
    jsonBody(
      {
        reason: { type: 'string', enum: [...REJECT_REASONS] },
        duplicateOf: { type: 'string', minLength: 8, maxLength: 20 },
        note: shortText(),
      },
      ['reason'],
    ),
    (o, code, v, b) => workflow.reject(o, code, v, b),
  );
  action<{ text: string }>(
    'notes',
    'Add an internal note (officers only, never shown to the citizen)',
    jsonBody({ text: shortText() }, ['text']),
    (o, code, v, b) => workflow.addNote(o, code, v, b),
  );
}

export type { FastifyRequest };
