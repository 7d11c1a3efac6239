import type { Limits } from '../src/domain/limits';
import type { InboundDedupe } from '../src/domain/ports/inbound-dedupe';
import type { Logger } from '../src/shared/logger';
import type { PaknBot, TurnSerializer } from './bot-types';
import type { RetryPolicy, Sleep } from './send-retry';
import type { TFunction } from 'i18next';
import { getI18n, isLocale } from '../src/i18n';
import { fastFixedT } from '../dialogs/fast-t';

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
  const lng = isLocale(l) ? l : 'vi';
  let t = WEB_T.get(lng);
  if (!t) WEB_T.set(lng, (t = fastFixedT(getI18n(), lng, ['web'])));
  return String(t(key, params as never));
}

const WEB_T = new Map<string, TFunction>();
