import type { SmsConfig } from '../config/config';
import { ChannelSendError } from '../domain/ports/channel-sender';
import { prepareSmsText, type SmsEncoding } from './sms-encoding';

/** One outbound SMS. `requestId` is deterministic per message so a gateway that dedupes can do so. */
export interface SmsMessage {
  to: string;
  text: string;
  requestId: string;
}

export interface SmsSendResult {
  messageId?: string;
  encoding: SmsEncoding;
  segments: number;
}

/**
 * Sends SMS through an HTTP gateway. Failures are ChannelSendError (channel `sms`): 429 → rate_limited
 * (with Retry-After), 5xx, timeouts and network errors → transient, anything else → permanent.
 */
export interface SmsGateway {
  send(message: SmsMessage): Promise<SmsSendResult>;
}

export interface SmsGatewayOptions {
  /** Per-request timeout. @defaultValue 10000 */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Vietnamese numbers as gateways take them: digits only, `+84`/`84` → `0`. */
export function normalizeVnPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+84')) return `0${digits.slice(3)}`;
  if (digits.startsWith('84') && digits.length === 11) return `0${digits.slice(2)}`;
  return digits.replace(/\+/g, '');
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

// eSMS result codes that mean "try again later" rather than "this message is wrong" (99: unknown error).
const ESMS_TRANSIENT = new Set(['99']);

/**
 * @param config `config.sms`: `provider` picks the request shape; `encoding` picks UCS-2 or stripped text.
 * @see CHANNELS.md §4.3 for the eSMS shape.
 */
export function createSmsGateway(config: SmsConfig, options: SmsGatewayOptions = {}): SmsGateway {
  const doFetch = options.fetchImpl ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function post(body: unknown, headers: Record<string, string>): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(config.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new ChannelSendError(
        'sms',
        'transient',
        (err as Error).name === 'TimeoutError' ? 'gateway timeout' : 'gateway unreachable',
        undefined,
        { cause: err },
      );
    }
    if (res.status === 429)
      throw new ChannelSendError(
        'sms',
        'rate_limited',
        'gateway 429',
        retryAfterMs(res.headers.get('retry-after')) ?? 1000,
      );
    if (res.status >= 500 || res.status === 408)
      throw new ChannelSendError('sms', 'transient', `gateway HTTP ${res.status}`);
    if (res.status >= 400) throw new ChannelSendError('sms', 'permanent', `gateway HTTP ${res.status}`);
    const raw = await res.text();
    try {
      return raw ? (JSON.parse(raw) as unknown) : {};
    } catch {
      throw new ChannelSendError('sms', 'transient', 'gateway answered non-JSON');
    }
  }

  return {
    async send(message) {
      const prepared = prepareSmsText(message.text, config.encoding);
      const to = normalizeVnPhone(message.to);
      if (!/^0\d{9,10}$/.test(to))
        throw new ChannelSendError('sms', 'permanent', 'not a Vietnamese phone number');
      if (config.provider === 'esms') {
        const body = {
          ApiKey: config.apiKey,
          SecretKey: config.secretKey,
          Phone: to,
          Content: prepared.text,
          Brandname: config.brandName,
          SmsType: '2',
          IsUnicode: prepared.encoding === 'ucs2' ? '1' : '0',
          Sandbox: '0',
          RequestId: message.requestId,
        };
        const out = (await post(body, {})) as { CodeResult?: unknown; SMSID?: unknown };
        const code = String(out.CodeResult ?? '');
        if (code !== '100') {
          throw new ChannelSendError(
            'sms',
            ESMS_TRANSIENT.has(code) ? 'transient' : 'permanent',
            `eSMS CodeResult ${code || 'missing'}`,
          );
        }
        return {
          messageId: out.SMSID === undefined ? undefined : String(out.SMSID),
          encoding: prepared.encoding,
          segments: prepared.segments,
        };
      }
      const headers: Record<string, string> = config.apiKey
        ? { authorization: `Bearer ${config.apiKey}` }
        : {};
      const out = (await post(
        {
          to,
          text: prepared.text,
          encoding: prepared.encoding,
          segments: prepared.segments,
          requestId: message.requestId,
          from: config.brandName,
        },
        headers,
      )) as { id?: unknown; messageId?: unknown };
      const id = out.id ?? out.messageId;
      return {
        messageId: id === undefined ? undefined : String(id),
        encoding: prepared.encoding,
        segments: prepared.segments,
      };
    },
  };
}
