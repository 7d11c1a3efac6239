import { foldVietnamese } from '../../domain/text-fold';

/**
 * Folds Vietnamese text for matching what people type: lower case, no tone marks or diacritics,
 * đ→d, collapsed spaces. "Hủy", "huỷ" and "HUY" all become "huy".
 */
export function foldText(text: string): string {
  return foldVietnamese(text).replace(/\s+/g, ' ').trim();
}

/** True when any of the folded phrases occurs in the folded text as whole words. */
export function mentionsAny(text: string, phrases: readonly string[]): boolean {
  const folded = ` ${foldText(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return phrases.some((p) => folded.includes(` ${foldText(p)} `));
}
