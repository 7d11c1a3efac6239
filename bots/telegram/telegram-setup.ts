import type { TelegramChannel } from './telegram-adapter';

/**
 * In webhook mode, tells Telegram where to post (`setWebhook` with our secret), so a deployment needs
 * no manual step. Only for an https PUBLIC_BASE_URL (Telegram refuses others) and with a secret (the
 * webhook refuses unsigned calls). Returns whether it was set; failures are logged, not fatal.
 */
export async function ensureTelegramWebhook(
  channel: TelegramChannel,
  publicBaseUrl: string,
): Promise<boolean> {
  const { config, logger } = channel;
  if (config.mode !== 'webhook' || !config.webhookSecret || !publicBaseUrl.startsWith('https://'))
    return false;
  try {
    await channel.api.call('setWebhook', {
      url: `${publicBaseUrl}/webhooks/telegram`,
      secret_token: config.webhookSecret,
      allowed_updates: ['message', 'callback_query'],
      max_connections: 40,
    });
    logger.info('telegram webhook set');
    return true;
  } catch (err) {
    logger.error({ err }, 'telegram setWebhook failed; updates will not arrive until it is set');
    return false;
  }
}
