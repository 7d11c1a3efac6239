import { DEFAULT_LIMITS, type Limits } from '../domain/limits';
import type { Locale } from '../domain/complaint';
import { DEFAULT_DEADLINE_RULES, type DeadlineRules } from '../domain/deadlines';

/**
 * The only place that reads the environment. `loadConfig` validates everything once at start and
 * throws ConfigError naming each bad variable and what it expects.
 */
export interface TelegramConfig {
  botToken: string;
  apiRoot: string;
  webhookSecret?: string;
  /** `webhook`: Telegram posts to /webhooks/telegram; `polling`: this process calls getUpdates (local use). */
  mode: 'webhook' | 'polling';
}
export interface ZaloConfig {
  appId: string;
  appSecret?: string;
  oaSecretKey: string;
  accessToken?: string;
  refreshToken?: string;
  apiRoot: string;
  oauthRoot: string;
  /**
   * The OA's free reply rules (CHANNELS.md §3.4): at most `replyQuota` messages within
   * `replyWindowHours` of the citizen's last message; outside them notices fall back to SMS/e-mail.
   * Absent: 48 h and 8.
   */
  replyWindowHours?: number;
  replyQuota?: number;
}
export interface SmsConfig {
  gatewayUrl: string;
  provider: 'generic' | 'esms';
  apiKey?: string;
  secretKey?: string;
  brandName?: string;
  inboundSecret?: string;
  /** `unicode` sends UCS-2 with diacritics; `ascii` strips them (cheaper, 160 chars per segment). */
  encoding: 'unicode' | 'ascii';
}

/** The delivery routes whose rates can be set (src/jobs/workers DEFAULT_ROUTE_RATES has the defaults). */
export const DELIVERY_RATE_ROUTES = ['telegram', 'zalo', 'web', 'sms', 'email'] as const;
export interface RouteRateConfig {
  /** Messages per second for the whole route (one bot). 0 = no limit. */
  perSecond?: number;
  /** Messages per second per chat. 0 = no limit. */
  perChatPerSecond?: number;
  /** Jobs of the route one worker process runs at once. */
  concurrency?: number;
}

export interface AppConfig {
  port: number;
  host: string;
  publicBaseUrl: string;
  dataDir: string;
  mongodbUri?: string;
  mongodbWriteConcern: 'majority' | number;
  redisUrl?: string;
  /** Prefix for every Redis key, so deployments (and test runs) can share one Redis. */
  redisPrefix: string;
  /** Undefined means: generate one and keep it in DATA_DIR (embedded default). */
  jwtSecret?: string;
  defaultLocale: Locale;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  limits: Limits;
  telegram?: TelegramConfig;
  zalo?: ZaloConfig;
  smtpUrl?: string;
  mailFrom: string;
  sms?: SmsConfig;
  /** Minutes a half-finished chat dialog is kept before it expires. */
  dialogIdleMinutes: number;
  /** Hours an abandoned chat's state (a half-made PAKN with personal data) is kept before it is purged. */
  chatDraftRetentionHours: number;
  deadlines: DeadlineRules;
  /**
   * Only what the environment sets (`DELIVERY_<ROUTE>_PER_SECOND`, `…_PER_CHAT_PER_SECOND`,
   * `…_CONCURRENCY`); the workers' defaults fill the rest (Telegram 30/s per bot, 1/s per chat).
   */
  deliveryRates?: Partial<Record<(typeof DELIVERY_RATE_ROUTES)[number], RouteRateConfig>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }
  str(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }
  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}=${JSON.stringify(v)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }
  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(options as readonly string[]).includes(v)) {
      this.problems.push(`${name}=${JSON.stringify(v)}: expected one of ${options.join(', ')}`);
      return fallback;
    }
    return v as T;
  }
  url(name: string, protocols: string[], fallback?: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return v;
    } catch {
      // Never echo the value: URLs carry passwords.
      this.problems.push(
        `${name}: expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
      return fallback;
    }
  }
  /** All of `names` or none of them: a half-configured channel is a mistake, not "off". */
  group(label: string, required: string[]): boolean {
    const present = required.filter((n) => this.raw(n) !== undefined);
    if (present.length === 0) return false;
    if (present.length < required.length) {
      const missing = required.filter((n) => !present.includes(n));
      this.problems.push(
        `${label} is half configured: set ${missing.join(', ')} too, or unset ${present.join(', ')}`,
      );
      return false;
    }
    return true;
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const port = r.int('PORT', 3000, 0, 65535);
  const host = r.str('HOST', '0.0.0.0');
  const publicBaseUrl = r
    .url('PUBLIC_BASE_URL', ['http:', 'https:'], `http://localhost:${port}`)!
    .replace(/\/$/, '');
  const jwtSecret = r.raw('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    r.problems.push(
      'JWT_SECRET: expected at least 32 characters (leave it unset to have one generated in DATA_DIR)',
    );
  }
  const wc = r.str('MONGODB_WRITE_CONCERN', 'majority');
  let mongodbWriteConcern: 'majority' | number = 'majority';
  if (wc !== 'majority') {
    const n = Number(wc);
    if (!Number.isInteger(n) || n < 1)
      r.problems.push(`MONGODB_WRITE_CONCERN=${JSON.stringify(wc)}: expected "majority" or an integer ≥ 1`);
    else mongodbWriteConcern = n;
  }

  let telegram: TelegramConfig | undefined;
  const tgToken = r.raw('TELEGRAM_BOT_TOKEN');
  if (tgToken !== undefined) {
    if (!/^\d+:[A-Za-z0-9_-]{20,}$/.test(tgToken))
      r.problems.push('TELEGRAM_BOT_TOKEN: expected a token like 123456:ABC… from @BotFather');
    const secret = r.raw('TELEGRAM_WEBHOOK_SECRET');
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      r.problems.push('TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters A-Z, a-z, 0-9, _ or -');
    }
    telegram = {
      botToken: tgToken,
      apiRoot: r
        .url('TELEGRAM_API_ROOT', ['http:', 'https:'], 'https://api.telegram.org')!
        .replace(/\/$/, ''),
      webhookSecret: secret,
      mode: r.oneOf('TELEGRAM_MODE', ['webhook', 'polling'] as const, 'webhook'),
    };
  }

  let zalo: ZaloConfig | undefined;
  if (r.group('Zalo', ['ZALO_APP_ID', 'ZALO_OA_SECRET_KEY'])) {
    if (r.raw('ZALO_ACCESS_TOKEN') === undefined && r.raw('ZALO_REFRESH_TOKEN') === undefined) {
      r.problems.push(
        'Zalo: set ZALO_ACCESS_TOKEN or ZALO_REFRESH_TOKEN (with ZALO_APP_SECRET) so the OA can send',
      );
    }
    if (r.raw('ZALO_REFRESH_TOKEN') !== undefined && r.raw('ZALO_APP_SECRET') === undefined) {
      r.problems.push('ZALO_APP_SECRET: required with ZALO_REFRESH_TOKEN to refresh the access token');
    }
    zalo = {
      appId: r.raw('ZALO_APP_ID')!,
      appSecret: r.raw('ZALO_APP_SECRET'),
      oaSecretKey: r.raw('ZALO_OA_SECRET_KEY')!,
      accessToken: r.raw('ZALO_ACCESS_TOKEN'),
      refreshToken: r.raw('ZALO_REFRESH_TOKEN'),
      apiRoot: r.url('ZALO_API_ROOT', ['http:', 'https:'], 'https://openapi.zalo.me')!.replace(/\/$/, ''),
      oauthRoot: r
        .url('ZALO_OAUTH_ROOT', ['http:', 'https:'], 'https://oauth.zaloapp.com')!
        .replace(/\/$/, ''),
      replyWindowHours: r.int('ZALO_REPLY_WINDOW_HOURS', 48, 1, 7 * 24),
      replyQuota: r.int('ZALO_REPLY_QUOTA', 8, 1, 1000),
    };
  }

  let sms: SmsConfig | undefined;
  const smsUrl = r.url('SMS_GATEWAY_URL', ['http:', 'https:']);
  if (smsUrl !== undefined) {
    sms = {
      gatewayUrl: smsUrl,
      provider: r.oneOf('SMS_PROVIDER', ['generic', 'esms'] as const, 'generic'),
      apiKey: r.raw('SMS_API_KEY'),
      secretKey: r.raw('SMS_SECRET_KEY'),
      brandName: r.raw('SMS_BRAND_NAME'),
      inboundSecret: r.raw('SMS_INBOUND_SECRET'),
      encoding: r.oneOf('SMS_ENCODING', ['unicode', 'ascii'] as const, 'unicode'),
    };
  } else if (r.raw('SMS_INBOUND_SECRET') !== undefined || r.raw('SMS_API_KEY') !== undefined) {
    r.problems.push('SMS_GATEWAY_URL: required when other SMS_* settings are given');
  }

  const holidays = (r.raw('HOLIDAYS') ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const badDay = holidays.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)));
  if (badDay)
    r.problems.push(`HOLIDAYS: expected comma-separated dates YYYY-MM-DD, got ${JSON.stringify(badDay)}`);
  const deadlines: DeadlineRules = {
    answerDays: r.int('SLA_ANSWER_DAYS', DEFAULT_DEADLINE_RULES.answerDays, 1, 365),
    forwardDays: r.int('SLA_FORWARD_DAYS', DEFAULT_DEADLINE_RULES.forwardDays, 1, 365),
    calendar: r.oneOf('SLA_CALENDAR', ['working', 'calendar'] as const, DEFAULT_DEADLINE_RULES.calendar),
    holidays,
    overdueUpdateDays: r.int('SLA_OVERDUE_UPDATE_DAYS', DEFAULT_DEADLINE_RULES.overdueUpdateDays, 1, 60),
  };
  const deliveryRates: NonNullable<AppConfig['deliveryRates']> = {};
  for (const route of DELIVERY_RATE_ROUTES) {
    const name = `DELIVERY_${route.toUpperCase()}`;
    const set: RouteRateConfig = {};
    if (r.raw(`${name}_PER_SECOND`) !== undefined) set.perSecond = r.int(`${name}_PER_SECOND`, 0, 0, 100_000);
    if (r.raw(`${name}_PER_CHAT_PER_SECOND`) !== undefined)
      set.perChatPerSecond = r.int(`${name}_PER_CHAT_PER_SECOND`, 0, 0, 1000);
    if (r.raw(`${name}_CONCURRENCY`) !== undefined) set.concurrency = r.int(`${name}_CONCURRENCY`, 1, 1, 256);
    if (Object.keys(set).length) deliveryRates[route] = set;
  }
  const maxFileMb = r.int('MAX_FILE_MB', DEFAULT_LIMITS.maxFileBytes / 1024 / 1024, 1, 100);
  const config: AppConfig = {
    port,
    host,
    publicBaseUrl,
    dataDir: r.str('DATA_DIR', './data'),
    mongodbUri: r.url('MONGODB_URI', ['mongodb:', 'mongodb+srv:']),
    mongodbWriteConcern,
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: r.str('REDIS_PREFIX', 'pakn'),
    jwtSecret,
    defaultLocale: r.oneOf('DEFAULT_LOCALE', ['vi', 'en'] as const, 'vi'),
    logLevel: r.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    limits: { ...DEFAULT_LIMITS, maxFileBytes: maxFileMb * 1024 * 1024 },
    telegram,
    zalo,
    smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: r.str('MAIL_FROM', 'PAKN <no-reply@localhost>'),
    sms,
    dialogIdleMinutes: r.int('DIALOG_IDLE_MINUTES', 60, 1, 7 * 24 * 60),
    chatDraftRetentionHours: r.int('CHAT_DRAFT_RETENTION_HOURS', 24, 1, 90 * 24),
    deadlines,
    deliveryRates,
  };
  if (config.chatDraftRetentionHours * 60 < config.dialogIdleMinutes)
    r.problems.push(
      `CHAT_DRAFT_RETENTION_HOURS=${config.chatDraftRetentionHours}: must be at least DIALOG_IDLE_MINUTES (${config.dialogIdleMinutes} min)`,
    );
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}
