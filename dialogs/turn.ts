import type { TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import { CHANNELS, type Channel, type ChannelRef, type Locale } from '../src/domain/complaint';
import { AppError } from '../src/domain/errors';
import { getI18n } from '../src/i18n';
import { fastFixedT } from './fast-t';

/** Per-turn values the bot sets before any dialog runs. */
export const TURN_LOCALE = Symbol('pakn.locale');
/** Set when the turn did something that must not be repeated (a PAKN stored, a supplement appended). */
export const TURN_COMMITTED = Symbol('pakn.committed');

export function localeOf(ctx: TurnContext): Locale {
  return (ctx.turnState.get(TURN_LOCALE) as Locale | undefined) ?? 'vi';
}

/** `t` fixed to the citizen's language; looks in `bot` first, then `common` (limits, statuses, categories). */
const FIXED_T = new Map<Locale, TFunction>();

export function tOf(ctx: TurnContext): TFunction {
  const locale = localeOf(ctx);
  let t = FIXED_T.get(locale);
  if (!t) {
    t = fastFixedT(getI18n(), locale, ['bot', 'common']);
    FIXED_T.set(locale, t);
  }
  return t;
}

/** The localised message of a domain error, or undefined for anything else (bugs, outages). */
export function errorText(ctx: TurnContext, err: unknown): string | undefined {
  if (err instanceof AppError) return tOf(ctx)(err.key, err.params as Record<string, unknown>);
  return undefined;
}

export function channelOf(ctx: TurnContext): Channel {
  const id = ctx.activity.channelId ?? '';
  if ((CHANNELS as readonly string[]).includes(id)) return id as Channel;
  if (id.startsWith('zalo')) return 'zalo';
  // Other hosts (the test adapter, an emulator) behave like the web chat, captcha included.
  return 'web';
}

export function channelRefOf(ctx: TurnContext): ChannelRef {
  return {
    channel: channelOf(ctx),
    userId: ctx.activity.from?.id ?? '',
    conversationId: ctx.activity.conversation?.id ?? '',
  };
}

/** Dates as citizens read them: dd/mm/yyyy in Vietnam time. */
// Building an Intl formatter costs far more than using one.
const DATE_FORMATS: Record<Locale, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }),
};

/**
 * Formatting is still a few microseconds a call, and a status reply has two or three dates: formatted
 * dates are kept per day. Vietnam keeps UTC+7 all year (no daylight saving), so a day there is a fixed span
 * of epoch milliseconds. Bounded: cleared when full (a few thousand distinct days).
 */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const FORMATTED = new Map<string, string>();
const FORMATTED_MAX = 4096;

export function formatDate(d: Date | string, locale: Locale): string {
  const date = new Date(d);
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return DATE_FORMATS[locale].format(date);
  const key = `${locale}${Math.floor((ms + VN_OFFSET_MS) / DAY_MS)}`;
  let text = FORMATTED.get(key);
  if (text === undefined) {
    text = DATE_FORMATS[locale].format(date);
    if (FORMATTED.size >= FORMATTED_MAX) FORMATTED.clear();
    FORMATTED.set(key, text);
  }
  return text;
}
