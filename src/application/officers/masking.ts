/**
 * Masking for anything published (RULES-VN: publishing is processing; the sender is shown as initials or
 * not at all, per their choice, and phone numbers, e-mails and ID numbers inside any text are masked).
 */

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Vietnamese phones in their usual spellings (0912 345 678, +84 912.345.678, 84-912-345-678).
const PHONE_RE = /(?<![\p{N}])(?:\+?84|0)[\s.-]?\d(?:[\s.()-]?\d){7,9}(?![\p{N}])/gu;
// CMND (9 digits), CCCD (12), passport-like letter + 7-8 digits, bank/other long digit runs (9-19).
const ID_RE = /(?<![\p{L}\p{N}])(?:[A-Z]\d{7,8}|\d{9,19})(?![\p{L}\p{N}])/gu;

export const MASK = '***';

/** Masks phone numbers, e-mails and ID numbers inside free text. */
export function maskPersonalText(text: string): string {
  return text.replace(EMAIL_RE, MASK).replace(PHONE_RE, MASK).replace(ID_RE, MASK);
}

/**
 * The name shown with a published PAKN: initials when the citizen consented to show their name,
 * otherwise nothing (the caller shows "a citizen").
 */
export function publicName(name: string, consentPublishName: boolean): string | undefined {
  if (!consentPublishName) return undefined;
  const words = name.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  return words.map((w) => `${[...w][0]!.toLocaleUpperCase('vi')}.`).join(' ');
}

/**
 * Also masks the sender's own name parts when they appear in text (a citizen often signs their message),
 * unless they consented to publication of the name; then it becomes initials.
 */
export function maskNameInText(text: string, name: string, consentPublishName: boolean): string {
  const full = name.normalize('NFC').trim();
  if (full.length < 2) return text;
  const replacement = publicName(full, consentPublishName) ?? MASK;
  const escaped = full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return text.normalize('NFC').replace(new RegExp(escaped, 'giu'), replacement);
}

export function maskForPublication(
  text: string,
  submitter: { name: string; consentPublishName: boolean },
): string {
  return maskPersonalText(maskNameInText(text, submitter.name, submitter.consentPublishName));
}
