import type { FastifyInstance } from 'fastify';
import type { InboundDedupe } from '../../src/domain/ports/inbound-dedupe';
import { DEDUPE_TTL_MS } from '../channel-runtime';
import { processOnce } from '../inbound-once';
import type { ZaloChannel } from './zalo-adapter';
import { zaloEventKey } from './zalo-mapper';
import { verifyZaloSignature } from './zalo-signature';
import type { ZaloEvent } from './zalo-types';

/**
 * `POST /webhooks/zalo`: the signature is checked over the raw bytes (this route keeps them: its own
 * JSON parser, in its own plugin scope), then the event is deduplicated and run. Zalo wants a 200
 * within about 2 s; the turn runs before the answer, replies are sent afterwards by the outbox.
 */
export async function registerZaloWebhook(
  app: FastifyInstance,
  channel: ZaloChannel,
  dedupe: InboundDedupe,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );

    scope.post('/webhooks/zalo', { schema: { hide: true } }, async (req, reply) => {
      const raw = req.body;
      if (!Buffer.isBuffer(raw)) return reply.code(415).send({ error: 'UnsupportedMediaType' });
      const sig = req.headers['x-zevent-signature'];
      if (
        !verifyZaloSignature(
          Array.isArray(sig) ? sig[0] : sig,
          channel.config.appId,
          raw,
          channel.config.oaSecretKey,
        )
      ) {
        return reply.code(401).send({ error: 'Unauthorized' });
      }
      let event: ZaloEvent;
      try {
        event = JSON.parse(raw.toString('utf8')) as ZaloEvent;
      } catch {
        return reply.code(400).send({ error: 'BadRequest' });
      }
      if (!event || typeof event.event_name !== 'string' || event.timestamp === undefined) {
        return reply.code(400).send({ error: 'BadRequest' });
      }
      if (event.app_id !== undefined && String(event.app_id) !== channel.config.appId) {
        return reply.code(401).send({ error: 'Unauthorized' });
      }
      try {
        const outcome = await processOnce(dedupe, zaloEventKey(event), DEDUPE_TTL_MS, () =>
          channel.handleEvent(event),
        );
        return reply.code(200).send({ ok: true, duplicate: outcome === 'duplicate' });
      } catch (err) {
        req.log.error({ err, eventName: event.event_name }, 'zalo event failed');
        return reply.code(500).send({ ok: false });
      }
    });
  });
}
