import type { FastifyInstance } from 'fastify';
import type { InboundDedupe } from '../../src/domain/ports/inbound-dedupe';
import { DEDUPE_TTL_MS } from '../channel-runtime';
import { processOnce, secretChecker } from '../inbound-once';
import type { TelegramChannel } from './telegram-adapter';
import type { TgUpdate } from './telegram-types';

/**
 * `POST /webhooks/telegram`. Telegram signs nothing: the secret set with setWebhook comes back in
 * `X-Telegram-Bot-Api-Secret-Token`, compared in constant time; without a configured secret every
 * call is refused (use polling locally). A 2xx is sent only after the turn ran; a failed turn gets a
 * 500 and its update_id claim is released, so Telegram's redelivery is processed.
 */
export function registerTelegramWebhook(
  app: FastifyInstance,
  channel: TelegramChannel,
  dedupe: InboundDedupe,
): void {
  const secret = channel.config.webhookSecret;
  const secretMatches = secret ? secretChecker(secret) : () => false;
  const log = app.log.child({ module: 'channel:telegram' });
  if (!secret)
    log.warn(
      'TELEGRAM_WEBHOOK_SECRET is not set: the Telegram webhook refuses every call (polling still works)',
    );

  app.post(
    '/webhooks/telegram',
    {
      schema: { hide: true },
      config: { rateLimit: false },
    },
    async (req, reply) => {
      const given = req.headers['x-telegram-bot-api-secret-token'];
      if (!secretMatches(Array.isArray(given) ? given[0] : given)) {
        return reply.code(401).send({ error: 'Unauthorized' });
      }
      const update = req.body as TgUpdate | undefined;
      if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) {
        return reply.code(400).send({ error: 'BadRequest' });
      }
      try {
        const outcome = await processOnce(dedupe, `tg:${update.update_id}`, DEDUPE_TTL_MS, () =>
          channel.handleUpdate(update),
        );
        return reply.code(200).send({ ok: true, duplicate: outcome === 'duplicate' });
      } catch (err) {
        req.log.error({ err, updateId: update.update_id }, 'telegram update failed');
        return reply.code(500).send({ ok: false });
      }
    },
  );
}
