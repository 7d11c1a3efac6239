import { LimitError, ValidationError } from './errors';

/** The PAKN rules of the seed (slides 16, 21): one module, used by every channel and the API. */
export interface Limits {
  contentMaxChars: number;
  titleMaxChars: number;
  maxAttachments: number;
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  contentMaxChars: 3000,
  titleMaxChars: 200,
  maxAttachments: 5,
  maxFileBytes: 10 * 1024 * 1024,
});

/** Text as we store and count it: NFC, so "ế" typed decomposed counts as one character. */
export function normalizeText(text: string): string {
  return text.normalize('NFC');
}

/** Length in Unicode code points after NFC normalisation. */
export function countChars(text: string): number {
  let n = 0;
  // Iterating a string yields code points, not UTF-16 units: an emoji counts once.
  for (const _ of normalizeText(text)) n++;
  return n;
}

export function checkContent(text: string, limits: Limits = DEFAULT_LIMITS): string {
  const normalized = normalizeText(text).trim();
  const actual = countChars(normalized);
  if (actual === 0) throw new ValidationError('limits.content_empty');
  if (actual > limits.contentMaxChars) {
    throw new LimitError('limits.content_too_long', { limit: limits.contentMaxChars, actual });
  }
  return normalized;
}

/**
 * For content that arrives in several chat messages: refuse the part that would cross the limit
 * whole, so what was accepted before stays as it was.
 */
export function appendContent(accepted: string, part: string, limits: Limits = DEFAULT_LIMITS): string {
  const addition = normalizeText(part).trim();
  if (!addition) return accepted;
  const joined = accepted ? `${accepted}\n${addition}` : addition;
  const actual = countChars(joined);
  if (actual > limits.contentMaxChars) {
    throw new LimitError('limits.content_part_too_long', {
      limit: limits.contentMaxChars,
      actual,
      accepted: countChars(accepted),
      remaining: Math.max(0, limits.contentMaxChars - countChars(accepted) - (accepted ? 1 : 0)),
    });
  }
  return joined;
}

export function checkTitle(text: string, limits: Limits = DEFAULT_LIMITS): string {
  const normalized = normalizeText(text).replace(/\s+/g, ' ').trim();
  const actual = countChars(normalized);
  if (actual === 0) throw new ValidationError('limits.title_empty');
  if (actual > limits.titleMaxChars) {
    throw new LimitError('limits.title_too_long', { limit: limits.titleMaxChars, actual });
  }
  return normalized;
}

/** `existing` files are already on the PAKN; `adding` is how many more are offered now. */
export function checkAttachmentCount(existing: number, adding = 1, limits: Limits = DEFAULT_LIMITS): void {
  const actual = existing + adding;
  if (actual > limits.maxAttachments) {
    throw new LimitError('limits.too_many_files', { limit: limits.maxAttachments, actual });
  }
}

export function checkFileSize(bytes: number, limits: Limits = DEFAULT_LIMITS): void {
  if (bytes > limits.maxFileBytes) {
    throw new LimitError('limits.file_too_large', {
      limit: limits.maxFileBytes,
      actual: bytes,
      limitMb: Math.round((limits.maxFileBytes / 1024 / 1024) * 10) / 10,
      actualMb: Math.round((bytes / 1024 / 1024) * 10) / 10,
    });
  }
  if (bytes === 0) throw new ValidationError('limits.file_empty');
}
