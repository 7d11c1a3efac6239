import { ValidationError } from '../../domain/errors';
import { countChars, normalizeText } from '../../domain/limits';

/**
 * The citizen's contact details as the intake asks for them (NĐ 20 Điều 7: name and phone; email where
 * available). Pure checks, shared by every channel; errors carry `bot:`-namespace locale keys.
 */

// Vietnamese mobile numbers after the country code: 9 digits starting 3, 5, 7, 8 or 9 (the 2018 renumbering).
const VN_MOBILE_RE = /^[35789]\d{8}$/;

/**
 * Normalises a Vietnamese mobile number to `+84xxxxxxxxx`. Accepts `0912 345 678`, `091.234.5678`,
 * `+84 912345678`, `84912345678`, `0084912345678` and a shared contact's `+84…` or `84…`.
 */
export function normalizeVietnamesePhone(input: string): string {
  const compact = normalizeText(input)
    .trim()
    .replace(/[\s.\-()\u00a0]/g, '');
  let national: string | undefined;
  if (/^\+84\d+$/.test(compact)) national = compact.slice(3);
  else if (/^0084\d+$/.test(compact)) national = compact.slice(4);
  else if (/^84\d{9}$/.test(compact)) national = compact.slice(2);
  else if (/^0\d+$/.test(compact)) national = compact.slice(1);
  // A leading 0 after the country code ("+84 0912…") is a common slip; tolerate it.
  if (national?.startsWith('0')) national = national.slice(1);
  if (!national || !VN_MOBILE_RE.test(national)) throw new ValidationError('bot:errors.phone_invalid');
  return `+84${national}`;
}

/** `+84912345678` → `+84 91x xxx 678`, for showing back saved details without spelling them out. */
export function maskPhone(phone: string): string {
  if (!phone.startsWith('+84') || phone.length !== 12) return '***';
  return `+84 ${phone.slice(3, 5)}x xxx ${phone.slice(-3)}`;
}

export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  if (!local || !domain) return '***';
  return `${local.slice(0, 1)}***@${domain}`;
}

// Deliberately simple: one @, a dot in the domain, no spaces. Delivery is the real check.
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function checkEmail(input: string): string {
  const email = input.trim();
  if (email.length > 254 || !EMAIL_RE.test(email)) throw new ValidationError('bot:errors.email_invalid');
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}

export const NAME_MAX_CHARS = 100;

export function checkFullName(input: string): string {
  const name = normalizeText(input).replace(/\s+/g, ' ').trim();
  const n = countChars(name);
  if (n < 2 || n > NAME_MAX_CHARS || !/\p{L}/u.test(name) || /[<>{}@#/\\]|\d{3,}/.test(name)) {
    throw new ValidationError('bot:errors.name_invalid', { max: NAME_MAX_CHARS });
  }
  return name;
}
