/**
 * Search words, folded and split by the one rule both stores use (src/domain/text-fold.ts), so both
 * stores find the same PAKN.
 *
 * MongoDB's `$text` is deliberately not used for `q`: the port asks for every word, as a whole word,
 * with `đ` folded to `d`. `$text` ORs plain terms, matches quoted phrases as substrings (so `"tax"`
 * would match `syntax` once another word made the document a candidate), tokenizes differently
 * (`a_b` is one token there, two words here) and leaves `đ` alone. An indexed array of the folded
 * words with `$all` gives exactly the port's semantics.
 */
import { foldVietnamese, foldedWords } from '../../domain/text-fold';

export { foldVietnamese as foldSearchText, foldedWords as searchWords };

/** What a PAKN is indexed under: the distinct folded words of its title and content. */
export function indexWords(title: string, content: string): string[] {
  return [...new Set([...foldedWords(title), ...foldedWords(content)])];
}
