import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../../src/shared/logger';
import { lazyChildLogger } from '../../../src/http/lazy-child-logger';

/** Lines written by a real pino logger with our redaction rules, parsed. */
function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const logger = createLogger(level, stream);
  const child = jest.spyOn(logger, 'child');
  return { logger, lines, child };
}

async function appWith(logger: FastifyBaseLogger) {
  const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLogger });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/loud', async (req) => {
    req.log.error({ phone: '0912345678', code: 'AB12-CD34' }, 'something failed');
    return { ok: true };
  });
  app.get('/debug', { logLevel: 'debug' }, async (req) => {
    req.log.debug('route-level debug');
    return { ok: true };
  });
  await app.ready();
  return app;
}

describe('lazyChildLogger (Fastify per-request logger)', () => {
  it('makes no child for a request that writes nothing at an enabled level', async () => {
    const { logger, lines, child } = capture('warn');
    const app = await appWith(logger as unknown as FastifyBaseLogger);
    child.mockClear();
    for (let i = 0; i < 3; i++) expect((await app.inject('/quiet')).statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    await app.close();
  });

  it('writes with the request id bound and personal data redacted, as a real child would', async () => {
    const { logger, lines, child } = capture('warn');
    const app = await appWith(logger as unknown as FastifyBaseLogger);
    child.mockClear();
    expect((await app.inject('/loud')).statusCode).toBe(200);
    expect(child).toHaveBeenCalledTimes(1);
    const line = lines.find((l) => l.msg === 'something failed');
    expect(line).toMatchObject({ level: 50, phone: '[REDACTED]', code: 'AB12-CD34' });
    expect(typeof line?.reqId).toBe('string');
    expect(JSON.stringify(lines)).not.toContain('0912345678');
    await app.close();
  });

  it("keeps Fastify's request logs at info, each with its request id", async () => {
    const { logger, lines } = capture('info');
    const app = await appWith(logger as unknown as FastifyBaseLogger);
    await app.inject('/quiet');
    const incoming = lines.find((l) => l.msg === 'incoming request');
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(incoming?.reqId).toBeDefined();
    expect(completed?.reqId).toBe(incoming?.reqId);
    await app.close();
  });

  it("honours a route's own log level", async () => {
    const { logger, lines } = capture('warn');
    const app = await appWith(logger as unknown as FastifyBaseLogger);
    await app.inject('/debug');
    expect(lines.some((l) => l.msg === 'route-level debug')).toBe(true);
    await app.close();
  });
});
