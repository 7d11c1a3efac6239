import { foldVietnamese } from '../../domain/text-fold';

/**
 * Folds Vietnamese text for matching what people type: lower case, no tone marks or diacritics,
 * đ→d, collapsed spaces. "Hủy", "huỷ" and "HUY" all become "huy".
 */
export function foldText(text: string): string {
  if (text.length > MEMO_MAX_CHARS) return fold(text);
  let folded = MEMO.get(text);
  if (folded === undefined) {
    folded = fold(text);
    if (MEMO.size >= MEMO_MAX_ENTRIES) MEMO.clear();
    MEMO.set(text, folded);
  }
  return folded;
}

function fold(text: string): string {
  // Plain ASCII has nothing to decompose: lower case is the whole fold (normalize + \p{M} cost microseconds).
  const base = /^[\x20-\x7e]*$/.test(text) ? text.toLowerCase() : foldVietnamese(text);
  return base.replace(/\s+/g, ' ').trim();
}

/**
 * A turn folds the same few strings many times (the message against each command word list, every
 * choice's synonyms): short strings are remembered. Bounded; cleared when full.
 */
const MEMO = new Map<string, string>();
const MEMO_MAX_CHARS = 120;
const MEMO_MAX_ENTRIES = 2048;

/** True when any of the folded phrases occurs in the folded text as whole words. */
export function mentionsAny(text: string, phrases: readonly string[]): boolean {
  const folded = ` ${foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return phrases.some((p) => folded.includes(` ${foldText(p)} `));
}
