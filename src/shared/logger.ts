import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Personal data and secrets never reach the logs. Two layers: known field names are redacted by pino
 * wherever they appear (nested too), and free text in `msg` is scrubbed of phone numbers, e-mails and
 * ID numbers by `scrubText`.
 */
const SENSITIVE_KEYS = [
  'phone',
  'email',
  'address',
  'idNumber',
  'cccd',
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'secret',
  'authorization',
  'cookie',
  'x-telegram-bot-api-secret-token',
  'x-zevent-signature',
  'submitter',
  'name',
  'content',
  'text',
];
export const REDACT_PATHS = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((k) => `*.${k}`),
  ...SENSITIVE_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-zevent-signature"]',
];

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Vietnamese phone numbers (0xxxxxxxxx, +84…, 84…) and 9-12 digit runs (CMND/CCCD, account numbers).
const PHONE_OR_ID_RE = /(?:\+?84|0)[\s.-]?\d(?:[\s.-]?\d){7,9}\b|\b\d{9,12}\b/g;
// Telegram bot tokens inside URLs (…/bot123:ABC/…) and secrets in query parameters.
const TOKEN_RE =
  /(bot)\d+:[A-Za-z0-9_-]{20,}|((?:access_token|refresh_token|token|secret|secret_key|api_key|apikey|key|signature|sig)=)[^&\s]+/gi;

export function scrubText(text: string): string {
  return text
    .replace(TOKEN_RE, (_m, bot: string | undefined, q: string | undefined) => `${bot ?? q ?? ''}[REDACTED]`)
    .replace(EMAIL_RE, '[email]')
    .replace(PHONE_OR_ID_RE, '[number]');
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
        method.apply(this, scrubbed);
      },
    },
    serializers: {
      err: (err: Error) => {
        const s = pino.stdSerializers.err(err);
        return { ...s, message: scrubText(s.message ?? ''), stack: s.stack ? scrubText(s.stack) : undefined };
      },
      req: (req: { method?: string; url?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url ? scrubText(req.url) : req.url,
      }),
    },
  };
}

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
export type { Logger };
