/**
 * The text the Mongo text index sees, folded exactly as the SQLite adapter folds its FTS column
 * (lower case, no combining marks, đ→d), so a query typed without diacritics finds accented text in
 * both stores. MongoDB's own diacritic folding is not relied on: it leaves `đ` alone.
 */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** The words of a query, folded; only letters and digits survive, so no `$text` syntax (`-`, `"`) gets through. */
export function searchWords(q: string): string[] {
  return foldSearchText(q).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A `$text` search string that requires every word: each word is a quoted phrase, and MongoDB ANDs
 * phrases (unquoted terms would be ORed). Words contain only letters and digits, so the quotes
 * cannot be broken out of.
 */
export function textSearchString(words: readonly string[]): string {
  return words.map((w) => `"${w}"`).join(' ');
}
