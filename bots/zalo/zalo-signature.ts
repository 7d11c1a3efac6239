import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo OA webhooks carry `X-ZEvent-Signature: mac=<hex>` with hex = SHA-256(app_id + raw body +
 * timestamp + OA secret key): a plain hash over the exact bytes received (not an HMAC, and the OA
 * secret, not the app secret). See docs CHANNELS.md §3.1.
 */
export function zaloSignature(
  appId: string,
  rawBody: Buffer | string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return (
    'mac=' +
    createHash('sha256').update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest('hex')
  );
}

/** Pulls `timestamp` out of the raw body without trusting the rest of it yet. */
export function timestampOf(rawBody: Buffer): string | undefined {
  try {
    const ts = (JSON.parse(rawBody.toString('utf8')) as { timestamp?: unknown }).timestamp;
    return typeof ts === 'string' || typeof ts === 'number' ? String(ts) : undefined;
  } catch {
    return undefined;
  }
}

export function verifyZaloSignature(
  header: string | undefined,
  appId: string,
  rawBody: Buffer,
  oaSecretKey: string,
): boolean {
  if (!header) return false;
  const ts = timestampOf(rawBody);
  if (ts === undefined) return false;
  const expected = Buffer.from(zaloSignature(appId, rawBody, ts, oaSecretKey));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
