import type { FastifyInstance } from 'fastify';
import { assertAdmin } from '../../src/application/officers';
import { addAccount, addAgency, toPublicAccount } from '../../src/application/operator/directory';
import { hashPassword } from '../../src/application/operator/password';
import { isInSubtree } from '../../src/domain/agency';
import { ROLES, type Role } from '../../src/domain/account';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors';
import type { AppDeps } from '../../src/deps';
import { errorResponseSchema } from '../shared/schemas';

const tags = ['directory'];
const security = [{ bearer: [] }];
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};
const agencyCode = { type: 'string', minLength: 2, maxLength: 70, pattern: '^[a-z][a-z0-9.]*$' } as const;

const agencySchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    parent: { type: ['string', 'null'] },
    reviewBeforePublish: { type: 'boolean' },
    active: { type: 'boolean' },
  },
} as const;
const accountSchema = {
  type: 'object',
  properties: {
    username: { type: 'string' },
    displayName: { type: 'string' },
    agency: { type: 'string' },
    role: { type: 'string' },
    active: { type: 'boolean' },
    failedLogins: { type: 'integer' },
    lockedUntil: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/**
 * Agencies and accounts: everyone signed in may read the agency tree (to choose where to forward or
 * transfer); only admins change it, and only inside their own subtree.
 */
export async function directoryRoutes(app: FastifyInstance, opts: { deps: AppDeps }): Promise<void> {
  const { deps } = opts;
  const dir = { agencies: deps.stores.agencies, accounts: deps.stores.accounts, clock: deps.clock };
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/admin/me',
    { schema: { tags, security, summary: 'The signed-in officer', response: { 200: accountSchema } } },
    async (req) => {
      const a = await deps.stores.accounts.get(req.officer.username);
      if (!a) throw new NotFoundError('account', req.officer.username);
      return toPublicAccount(a);
    },
  );

  app.get(
    '/api/admin/agencies',
    {
      schema: {
        tags,
        security,
        summary: 'The agency tree',
        response: { 200: { type: 'array', items: agencySchema } },
      },
    },
    async () => (await deps.stores.agencies.list()).sort((a, b) => a.code.localeCompare(b.code)),
  );

  app.post<{
    Body: {
      code: string;
      name: string;
      parent?: string;
      kind?: 'ministry' | 'province' | 'unit';
      reviewBeforePublish?: boolean;
    };
  }>(
    '/api/admin/agencies',
    {
      schema: {
        tags,
        security,
        summary: 'Add an agency inside the admin’s subtree',
        body: {
          type: 'object',
          required: ['code', 'name'],
          additionalProperties: false,
          properties: {
            code: agencyCode,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            parent: agencyCode,
            kind: { type: 'string', enum: ['ministry', 'province', 'unit'] },
            reviewBeforePublish: { type: 'boolean' },
          },
        },
        response: { 201: agencySchema, ...errors },
      },
    },
    async (req, reply) => {
      assertAdmin(req.officer);
      if (req.body.code === req.officer.agency || !isInSubtree(req.body.code, req.officer.agency))
        throw new ForbiddenError('agency outside subtree');
      if (req.body.parent && !isInSubtree(req.body.parent, req.officer.agency))
        throw new ForbiddenError('parent outside subtree');
      return reply.status(201).send(await addAgency(dir, req.body));
    },
  );

  app.patch<{
    Params: { code: string };
    Body: { name?: string; reviewBeforePublish?: boolean; active?: boolean };
  }>(
    '/api/admin/agencies/:code',
    {
      schema: {
        tags,
        security,
        summary: 'Rename an agency, set its review gate (QĐ 31/2021 Điều 46) or deactivate it',
        params: { type: 'object', properties: { code: agencyCode } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            reviewBeforePublish: { type: 'boolean' },
            active: { type: 'boolean' },
          },
        },
        response: { 200: agencySchema, ...errors },
      },
    },
    async (req) => {
      assertAdmin(req.officer);
      if (!isInSubtree(req.params.code, req.officer.agency))
        throw new NotFoundError('agency', req.params.code);
      const a = await deps.stores.agencies.get(req.params.code);
      if (!a) throw new NotFoundError('agency', req.params.code);
      if (req.body.active === false && a.code === req.officer.agency) throw new ForbiddenError('own agency');
      return deps.stores.agencies.upsert({
        ...a,
        ...req.body,
        ...(req.body.name ? { name: req.body.name.trim() } : {}),
      });
    },
  );

  app.get(
    '/api/admin/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'Accounts of the admin’s subtree',
        response: { 200: { type: 'array', items: accountSchema }, ...errors },
      },
    },
    async (req) => {
      assertAdmin(req.officer);
      return (await deps.stores.accounts.list())
        .filter((a) => isInSubtree(a.agency, req.officer.agency))
        .map(toPublicAccount);
    },
  );

  app.post<{
    Body: { username: string; displayName?: string; agency: string; role: Role; password: string };
  }>(
    '/api/admin/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'Add an account to an agency of the admin’s subtree',
        body: {
          type: 'object',
          required: ['username', 'agency', 'role', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 2, maxLength: 64 },
            displayName: { type: 'string', maxLength: 200 },
            agency: agencyCode,
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', minLength: 10, maxLength: 200 },
          },
        },
        response: { 201: accountSchema, ...errors },
      },
    },
    async (req, reply) => {
      assertAdmin(req.officer);
      if (!isInSubtree(req.body.agency, req.officer.agency))
        throw new ForbiddenError('agency outside subtree');
      return reply.status(201).send(await addAccount(dir, req.body));
    },
  );

  app.patch<{
    Params: { username: string };
    Body: { displayName?: string; role?: Role; active?: boolean; password?: string; unlock?: boolean };
  }>(
    '/api/admin/accounts/:username',
    {
      schema: {
        tags,
        security,
        summary: 'Change an account: name, role, active, password, or unlock after failed logins',
        params: { type: 'object', properties: { username: { type: 'string', maxLength: 64 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            displayName: { type: 'string', minLength: 1, maxLength: 200 },
            role: { type: 'string', enum: [...ROLES] },
            active: { type: 'boolean' },
            password: { type: 'string', minLength: 10, maxLength: 200 },
            unlock: { type: 'boolean' },
          },
        },
        response: { 200: accountSchema, ...errors },
      },
    },
    async (req) => {
      assertAdmin(req.officer);
      const a = await deps.stores.accounts.get(req.params.username);
      if (!a || !isInSubtree(a.agency, req.officer.agency))
        throw new NotFoundError('account', req.params.username);
      const { password, unlock, ...rest } = req.body;
      const patch = {
        ...rest,
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
        ...(unlock ? { failedLogins: 0, lockedUntil: null } : {}),
      };
      return toPublicAccount(await deps.stores.accounts.update(a.username, patch));
    },
  );
}
