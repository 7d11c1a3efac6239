import type { Limits } from '../src/domain/limits';
import type { InboundDedupe } from '../src/domain/ports/inbound-dedupe';
import type { Logger } from '../src/shared/logger';
import type { PaknBot, TurnSerializer } from './bot-types';
import type { RetryPolicy, Sleep } from './send-retry';
import { tFor, isLocale } from '../src/i18n';

/** What every channel runs with: the bot, the per-conversation serializer, dedupe, logs. */
export interface ChannelRuntime {
  bot: PaknBot;
  serializer: TurnSerializer;
  dedupe: InboundDedupe;
  logger: Logger;
  limits: Limits;
  /** Overrides for tests and benches (no real waiting). */
  retry?: RetryPolicy;
  sleep?: Sleep;
}

/** How long an inbound event id is remembered: Telegram keeps undelivered updates 24 h, Zalo retries ~12 h. */
export const DEDUPE_TTL_MS = 26 * 60 * 60 * 1000;

/** A string of the `web` namespace (the channels' own few strings live there too). */
export function channelText(
  locale: string | undefined,
  key: string,
  params?: Record<string, unknown>,
): string {
  const l = locale?.slice(0, 2);
  return String(tFor(isLocale(l) ? l : 'vi', 'web')(key, params as never));
}
