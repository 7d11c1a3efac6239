import type { FastifyInstance } from 'fastify';
import { registerAdmin } from '../../admin';
import { privacyPage } from '../../admin/privacy-page';
import statsPlugin from '../../admin/stats/stats-plugin';
import { registerChannels } from '../../bots/channels-plugin';
import { smsWebhook } from '../../bots/sms/sms-webhook';
import type { AppDeps } from '../deps';
import { deliveryAdminRoutes } from '../jobs/workers/admin-routes';

/**
 * The feature plugins mounted on the app: the officers' and public API (admin/, which also provides the
 * `authenticate` decorator the later plugins use), statistics, delivery dead letters, the chat channels'
 * webhooks and web chat (bots/), and inbound SMS. This list is the one place that mounts them.
 */
export async function registerFeatures(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await registerAdmin(app, { deps });
  await app.register(statsPlugin, { deps });
  await app.register(deliveryAdminRoutes, { queue: deps.queue });
  await registerChannels(app, deps);
  await app.register(smsWebhook, { deps });
  await app.register(privacyPage);
}
