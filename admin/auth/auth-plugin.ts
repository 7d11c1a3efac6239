import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AuthError,
  AuthService,
  KeyValueRefreshTokenStore,
  type AccessClaims,
  type AuthServiceOptions,
} from '../../src/application/auth';
import type { Officer } from '../../src/application/officers';
import type { Account } from '../../src/domain/account';
import type { AppDeps } from '../../src/deps';
import { tFor } from '../../src/i18n';
import { errorResponseSchema } from '../shared/schemas';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler for every `/api/admin` route: a valid access token of an active account, else 401. */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    authService: AuthService;
  }
  interface FastifyRequest {
    /** The signed-in officer, set by `authenticate`, with role and agency as stored now. */
    officer: Officer;
  }
}

export interface AuthPluginOptions {
  deps: AppDeps;
  auth?: AuthServiceOptions;
  /** How long an account's role/agency/active flag read from the store is reused. @defaultValue 5000 */
  accountCacheMs?: number;
}

/** Sends a localised auth refusal; `Retry-After` on throttling. */
export function sendAuthError(req: FastifyRequest, reply: FastifyReply, err: AuthError): FastifyReply {
  if (err.retryAfterMs) reply.header('retry-after', Math.ceil(err.retryAfterMs / 1000));
  return reply.status(err.status).send({
    error: err.name,
    key: err.key,
    message: tFor(req.locale)(err.key, err.params),
    params: err.params,
  });
}

const tokensSchema = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'expiresIn'],
  properties: {
    accessToken: { type: 'string' },
    refreshToken: { type: 'string' },
    expiresIn: { type: 'integer', description: 'seconds' },
    account: {
      type: 'object',
      properties: {
        username: { type: 'string' },
        displayName: { type: 'string' },
        agency: { type: 'string' },
        role: { type: 'string' },
      },
    },
  },
} as const;

const refreshBody = {
  type: 'object',
  required: ['refreshToken'],
  additionalProperties: false,
  properties: { refreshToken: { type: 'string', minLength: 20, maxLength: 200 } },
} as const;

/**
 * Officers' authentication: JWT access tokens (@fastify/jwt), rotating refresh tokens, and the
 * `authenticate` decorator other admin plugins (statistics) use. Not encapsulated, so the decorator is
 * visible to every plugin mounted after it.
 */
async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { deps } = options;
  let secret = deps.config.jwtSecret;
  if (!secret) {
    // main.ts resolves a persistent secret; this only happens in hand-built apps (tokens die with the process).
    secret = randomBytes(48).toString('base64url');
    deps.logger.warn('JWT secret not configured: using a per-process random one');
  }
  await app.register(jwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });

  const service = new AuthService(
    {
      accounts: deps.stores.accounts,
      tokens: new KeyValueRefreshTokenStore(deps.stores.conversations),
      clock: deps.clock,
      logger: deps.logger.child({ module: 'admin:auth' }),
      sign: (claims, expiresIn) => app.jwt.sign(claims, { expiresIn }),
    },
    options.auth,
  );
  app.decorate('authService', service);
  app.decorateRequest('officer', null as unknown as Officer);

  const cacheMs = options.accountCacheMs ?? 5000;
  const cache = new Map<string, { at: number; account: Account | null }>();
  async function currentAccount(username: string): Promise<Account | null> {
    const now = Date.now();
    const hit = cache.get(username);
    if (hit && now - hit.at < cacheMs) return hit.account;
    const account = await deps.stores.accounts.get(username);
    if (cache.size > 10_000) cache.clear();
    cache.set(username, { at: now, account });
    return account;
  }

  const verified = new Map<string, { claims: AccessClaims; expMs: number }>();
  const unauthorized = (req: FastifyRequest, reply: FastifyReply) =>
    reply.status(401).send({
      error: 'Unauthorized',
      key: 'errors.unauthorized',
      message: tFor(req.locale)('errors.unauthorized'),
    });

  app.decorate('authenticate', async (req: FastifyRequest, reply: FastifyReply) => {
    let claims: AccessClaims;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const hit = token ? verified.get(token) : undefined;
    if (hit && hit.expMs > Date.now()) {
      claims = hit.claims;
    } else {
      try {
        claims = await req.jwtVerify<AccessClaims>();
      } catch {
        return unauthorized(req, reply);
      }
      const exp = (claims as AccessClaims & { exp?: number }).exp;
      if (token && exp) {
        // An officer's client sends the same token many times a minute: remember it verified until it expires.
        if (verified.size >= 10_000) verified.clear();
        verified.set(token, { claims, expMs: exp * 1000 });
      }
    }
    const account = await currentAccount(claims.sub);
    if (!account?.active) return unauthorized(req, reply);
    // Role and agency as stored now: a moved or demoted officer loses rights without waiting for expiry.
    req.officer = { username: account.username, agency: account.agency, role: account.role };
    req.user = { sub: account.username, agency: account.agency, role: account.role };
  });

  const tags = ['auth'];
  app.post<{ Body: { username: string; password: string } }>(
    '/api/admin/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in: short-lived access token and a refresh token',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: tokensSchema, 401: errorResponseSchema, 429: errorResponseSchema },
      },
    },
    async (req, reply) => {
      try {
        return await service.login(req.body.username, req.body.password, req.ip);
      } catch (err) {
        if (err instanceof AuthError) return sendAuthError(req, reply, err);
        throw err;
      }
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/admin/auth/refresh',
    {
      schema: {
        tags,
        summary: 'Exchange a refresh token for new tokens (the old one stops working)',
        body: refreshBody,
        response: { 200: tokensSchema, 401: errorResponseSchema },
      },
    },
    async (req, reply) => {
      try {
        return await service.refresh(req.body.refreshToken);
      } catch (err) {
        if (err instanceof AuthError) return sendAuthError(req, reply, err);
        throw err;
      }
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/admin/auth/logout',
    {
      schema: {
        tags,
        summary: 'Sign out: revokes the refresh token and its rotations',
        body: refreshBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (req, reply) => {
      await service.logout(req.body.refreshToken);
      return reply.status(204).send();
    },
  );
}

export default fp(authPlugin, { name: 'pakn-admin-auth', fastify: '5.x' });
