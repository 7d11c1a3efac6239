/**
 * Vietnamese text folded for matching what people type: no tone marks or diacritics, `đ → d`, lower
 * case. "Đường", "đường" and "duong" fold alike, and so do composed and decomposed input. One rule used
 * by search (both stores), command words in chats, and routing keywords, so they never disagree.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** The folded words of a text: runs of letters and digits, so no query syntax of any kind survives. */
export function foldedWords(text: string): string[] {
  return foldVietnamese(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Folded, with every run of other characters collapsed to one space and the ends trimmed. */
export function foldToPhrase(text: string): string {
  return foldedWords(text).join(' ');
}
