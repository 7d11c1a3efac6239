import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import { lazyChildLogger } from './lazy-child-logger';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  AppError,
  ForbiddenError,
  LimitError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
  IllegalTransitionError,
  AlreadyExistsError,
} from '../domain/errors';
import type { AppDeps } from '../deps';
import { tFor, isLocale } from '../i18n';
import type { Locale } from '../domain/complaint';
import { registerFeatures } from './features';

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyRequest {
    locale: Locale;
  }
}

/** The language of a request: `?lang=`, then Accept-Language, then the configured default. */
function pickLocale(query: unknown, acceptLanguage: string | undefined, fallback: Locale): Locale {
  const lang = (query as { lang?: unknown } | undefined)?.lang;
  if (isLocale(lang)) return lang;
  const first = acceptLanguage?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return isLocale(first) ? first : fallback;
}

function statusFor(err: AppError): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof VersionConflictError || err instanceof AlreadyExistsError) return 409;
  if (err instanceof IllegalTransitionError) return 409;
  if (err instanceof LimitError) return err.key === 'limits.file_too_large' ? 413 : 422;
  if (err instanceof ValidationError) return 400;
  return 500;
}

/**
 * Builds the whole HTTP application from its dependencies; `npm start` and the tests use the same
 * factory. Nothing here listens: the caller decides (`listen` or `inject`).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    genReqId: () => Math.random().toString(36).slice(2, 12),
    childLoggerFactory: lazyChildLogger,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorate('deps', deps);
  app.decorateRequest('locale', 'vi');
  app.addHook('onRequest', async (req) => {
    req.locale = pickLocale(req.query, req.headers['accept-language'], deps.config.defaultLocale);
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    const t = tFor(req.locale);
    if (err instanceof AppError) {
      const status = statusFor(err);
      if (status >= 500) req.log.error({ err }, 'request failed');
      return reply
        .status(status)
        .send({ error: err.name, key: err.key, message: t(err.key, err.params), params: err.params });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
      return reply
        .status(400)
        .send({ error: 'BadRequest', key: 'errors.malformed_json', message: t('errors.malformed_json') });
    }
    if (fe.validation) {
      return reply.status(400).send({
        error: 'BadRequest',
        key: 'errors.bad_request',
        message: t('errors.bad_request'),
        details: fe.message,
      });
    }
    if (fe.statusCode === 429) {
      return reply
        .status(429)
        .send({ error: 'TooManyRequests', key: 'errors.rate_limited', message: fe.message });
    }
    if (fe.statusCode && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({
        error: fe.name,
        key: 'errors.bad_request',
        message: t('errors.bad_request'),
        details: fe.message,
      });
    }
    req.log.error({ err }, 'request failed');
    return reply
      .status(500)
      .send({ error: 'Internal', key: 'errors.internal', message: t('errors.internal') });
  });

  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: 'NotFound', key: 'errors.not_found', message: tFor(req.locale)('errors.not_found') });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'PAKN API',
        version: '1',
        description: 'Phản ánh, kiến nghị: officers, public and channel routes',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    const check = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
        checks[name] = 'ok';
      } catch {
        checks[name] = 'down';
        ready = false;
      }
    };
    await check(`store:${deps.stores.kind}`, () => deps.stores.ping());
    await check(`queue:${deps.queue.kind}`, () => deps.queue.ping());
    const c = deps.config;
    const channels = {
      telegram: c.telegram ? 'configured' : 'off',
      zalo: c.zalo ? 'configured' : 'off',
      web: 'configured',
      sms: c.sms ? 'configured' : 'off',
      email: c.smtpUrl ? 'configured' : 'off',
    };
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks, channels });
  });

  await registerFeatures(app, deps);
  return app;
}
