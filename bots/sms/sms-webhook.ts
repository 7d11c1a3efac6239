import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Complaint, Locale } from '../../src/domain/complaint';
import { localDate } from '../../src/domain/deadlines';
import { parseTrackingCode, formatTrackingCode } from '../../src/domain/tracking-code';
import type { AppDeps } from '../../src/deps';
import { tFor } from '../../src/i18n';
import { deliverQueue, type SmsReplyJob } from '../../src/jobs/workers/delivery-types';
import { foldVietnamese } from '../../src/application/routing/keyword-routing';
import { formatDay, publicLink } from '../../src/notify/render';

/** Inbound SMS ids are remembered this long (gateways retry for minutes, not days). */
const INBOUND_TTL_MS = 48 * 3600 * 1000;

export interface SmsWebhookOptions {
  deps: AppDeps;
  /** Lookups per sender per window, against guessing codes by SMS. @defaultValue 10 */
  maxLookupsPerSender?: number;
  /** @defaultValue 10 minutes */
  lookupWindowMs?: number;
}

/** What gateways post: eSMS MO (`sender`, `content`, `smsid`), Twilio (`From`, `Body`, `MessageSid`) or a generic JSON shape. */
export interface InboundSms {
  from: string;
  text: string;
  id?: string;
}

function pick(o: Record<string, unknown>, names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

export function readInboundSms(body: unknown): InboundSms | null {
  if (!body || typeof body !== 'object') return null;
  const o = body as Record<string, unknown>;
  const from = pick(o, ['from', 'sender', 'From', 'phone', 'msisdn']);
  const text = pick(o, ['text', 'content', 'Body', 'message', 'body']);
  if (!from || text === undefined) return null;
  return { from, text, id: pick(o, ['id', 'smsid', 'MessageSid', 'messageId', 'message_id']) };
}

function safeEqual(a: string, b: string): boolean {
  // Hash both so the comparison is constant-time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Authenticates a gateway call: `X-SMS-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, or the
 * shared secret itself in `X-SMS-Secret` (or `?secret=` for gateways that can only call a URL).
 */
export function isAuthentic(
  secret: string,
  raw: Buffer,
  headers: Record<string, unknown>,
  query: Record<string, unknown>,
): boolean {
  const sig = headers['x-sms-signature'];
  if (typeof sig === 'string' && sig !== '') {
    const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    return safeEqual(sig.trim().toLowerCase(), expected);
  }
  const given = headers['x-sms-secret'] ?? query.secret;
  return typeof given === 'string' && given !== '' && safeEqual(given, secret);
}

/** Words citizens put before a code: "TRA CUU ABCD1234", "PAKN ABCD-1234", "/status …". */
const PREFIX_WORDS = /^(?:\/?status|tra ?cuu|tracuu|pakn|ma|ma so|code|tc)\b\s*/;

/** The code a message carries, if any: the whole text minus prefix words, else the first 8-symbol group. */
export function findCode(text: string): ReturnType<typeof parseTrackingCode> | null {
  const rest = foldVietnamese(text).replace(PREFIX_WORDS, '').replace(PREFIX_WORDS, '').trim();
  if (rest !== '') {
    const whole = parseTrackingCode(rest);
    if (whole.ok || whole.reason === 'checksum') return whole;
  }
  const m = /(?:^|[^0-9A-Za-z])([0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4})(?![0-9A-Za-z])/.exec(text);
  return m ? parseTrackingCode(m[1]!) : null;
}

export function statusReply(
  c: Complaint | null,
  parsed: ReturnType<typeof parseTrackingCode> | null,
  input: string,
  ctx: { locale: Locale; agencyName: string; publicBaseUrl: string },
): string {
  const t = tFor(ctx.locale, 'notify');
  if (!parsed) return t('sms_inbound.help');
  if (!parsed.ok)
    return parsed.reason === 'checksum'
      ? t('sms_inbound.typo', { input: input.trim().slice(0, 20) })
      : t('sms_inbound.help');
  if (!c) return t('sms_inbound.unknown', { code: formatTrackingCode(parsed.code) });
  const status = tFor(ctx.locale, 'common')(`status.${c.status}`);
  const code = formatTrackingCode(c.code);
  if (c.status === 'answered' && c.answeredAt) {
    return t('sms_inbound.status_answered', {
      code,
      status,
      answeredDate: formatDay(c.answeredAt),
      link: publicLink(ctx.publicBaseUrl, c.code),
    });
  }
  return t('sms_inbound.status', {
    code,
    status,
    agency: ctx.agencyName,
    receivedDate: formatDay(c.createdAt),
    dueDate: formatDay(c.dueAt),
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    smsRawBody?: Buffer;
  }
}

/**
 * `POST /webhooks/sms`: an inbound SMS (a citizen texting a tracking code) gets the status back by
 * SMS. The route exists only when SMS is configured with `SMS_INBOUND_SECRET`. Encapsulated: its
 * body parsers keep the raw bytes for the HMAC check and touch no other route.
 */
export async function smsWebhook(app: FastifyInstance, options: SmsWebhookOptions): Promise<void> {
  const { deps } = options;
  const secret = deps.config.sms?.inboundSecret;
  if (!secret) return;
  const max = options.maxLookupsPerSender ?? 10;
  const windowMs = options.lookupWindowMs ?? 10 * 60_000;
  const lookups = new Map<string, { start: number; n: number }>();
  const logger = deps.logger.child({ module: 'channel:sms' });

  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.smsRawBody = body;
    try {
      done(null, body.length ? JSON.parse(body.toString('utf8')) : {});
    } catch {
      const err = Object.assign(new Error('malformed JSON'), { statusCode: 400 });
      done(err, undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (req, body: Buffer, done) => {
      req.smsRawBody = body;
      done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    },
  );

  const refuse = (reply: FastifyReply, status: number, key: string) =>
    reply.status(status).send({ ok: false, error: key });

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    if (
      !isAuthentic(
        secret,
        req.smsRawBody ?? Buffer.alloc(0),
        req.headers as Record<string, unknown>,
        (req.query ?? {}) as Record<string, unknown>,
      )
    ) {
      logger.warn('inbound SMS refused: bad secret or signature');
      return refuse(reply, 401, 'unauthorized');
    }
    const sms = readInboundSms(req.body);
    if (!sms) return refuse(reply, 400, 'bad_request');
    const id =
      sms.id ??
      createHash('sha256')
        .update(`${sms.from}\n${sms.text}\n${Math.floor(Date.now() / 60_000)}`)
        .digest('hex')
        .slice(0, 32);
    const dedupeKey = `sms-in:${id}`;
    if (!(await deps.stores.dedupe.claim(dedupeKey, INBOUND_TTL_MS))) return { ok: true, duplicate: true };

    const now = Date.now();
    const senderKey = createHash('sha256').update(sms.from).digest('hex');
    const w = lookups.get(senderKey);
    const slot = w && now - w.start < windowMs ? w : { start: now, n: 0 };
    slot.n++;
    lookups.set(senderKey, slot);
    if (lookups.size > 100_000) lookups.clear();
    if (slot.n > max) {
      logger.warn('inbound SMS: sender over its lookup limit; no reply');
      return { ok: true, limited: true };
    }

    const parsed = findCode(sms.text);
    const complaint = parsed?.ok ? await deps.stores.complaints.getByCode(parsed.code) : null;
    const locale: Locale = complaint?.locale ?? deps.config.defaultLocale;
    const agencyName = complaint
      ? ((await deps.stores.agencies.get(complaint.owner))?.name ?? complaint.owner)
      : '';
    const text = statusReply(complaint, parsed, sms.text, {
      locale,
      agencyName,
      publicBaseUrl: deps.config.publicBaseUrl,
    });
    const job: SmsReplyJob = { type: 'sms_reply', to: sms.from, text };
    try {
      await deps.queue.enqueue(deliverQueue('sms'), 'reply', job, {
        jobId: `sms-reply-${id}`,
        rateKey: `sms:${senderKey.slice(0, 16)}`,
        attempts: 4,
        backoffMs: 2000,
      });
    } catch (err) {
      // Let the gateway retry later rather than lose the reply.
      await deps.stores.dedupe.release(dedupeKey);
      logger.error({ err }, 'inbound SMS: could not enqueue the reply');
      return refuse(reply, 503, 'unavailable');
    }
    logger.info({ found: Boolean(complaint), day: localDate(new Date(now)) }, 'inbound SMS answered');
    return { ok: true };
  };
  // Request logs off (warn and above only): the GET form carries the secret in its URL, and the
  // shared request serializer does not scrub `secret=`.
  app.post('/webhooks/sms', { schema: { hide: true }, logLevel: 'warn' }, handle);
  // eSMS delivers inbound (MO) messages as a GET with query fields and no documented signature
  // (CHANNELS.md §4.3): the secret goes in the URL (`?secret=`).
  app.get('/webhooks/sms', { schema: { hide: true }, logLevel: 'warn' }, (req, reply) => {
    const { secret: _secret, ...fields } = (req.query ?? {}) as Record<string, unknown>;
    req.body = fields;
    return handle(req, reply);
  });
}
