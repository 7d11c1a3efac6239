/**
 * Search words, folded exactly as the SQLite adapter folds its FTS column (lower case, no combining
 * marks, đ→d) and split the same way (runs of letters and digits), so both stores find the same PAKN.
 *
 * MongoDB's `$text` is deliberately not used for `q`: the port asks for every word, as a whole word,
 * with `đ` folded to `d`. `$text` ORs plain terms, matches quoted phrases as substrings (so `"tax"`
 * would match `syntax` once another word made the document a candidate), tokenizes differently
 * (`a_b` is one token there, two words here) and leaves `đ` alone. An indexed array of the folded
 * words with `$all` gives exactly the port's semantics.
 */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** The words of a text, folded; only letters and digits survive, so no query syntax of any kind gets through. */
export function searchWords(text: string): string[] {
  return foldSearchText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** What a PAKN is indexed under: the distinct folded words of its title and content. */
export function indexWords(title: string, content: string): string[] {
  return [...new Set([...searchWords(title), ...searchWords(content)])];
}
