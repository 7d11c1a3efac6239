import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps';

/**
 * The feature plugins mounted on the app: channels' webhooks and web chat (bots/), the officers' and
 * public API (admin/). Each feature owns its plugin; this list is the one place that mounts them.
 */
export async function registerFeatures(_app: FastifyInstance, _deps: AppDeps): Promise<void> {
  // Features register here as they land.
  await (await import('../../admin')).registerAdmin(_app, { deps: _deps });
  await _app.register((await import('../../admin/stats/stats-plugin')).default, { deps: _deps });
  await (await import('../../bots/channels-plugin')).registerChannels(_app, _deps);
  await _app.register((await import('../../bots/sms/sms-webhook')).smsWebhook, { deps: _deps });
}
