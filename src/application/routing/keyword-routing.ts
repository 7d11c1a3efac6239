/**
 * Routing suggestions from keyword rules: on receipt, the text of a PAKN is matched against rules
 * that name an agency and/or a category. The result is a suggestion for reception, never applied.
 *
 * Citizens type Vietnamese with and without diacritics ("thuế" / "thue"). Both sides are folded
 * (NFD, marks removed, đ→d) so either form matches; a match that also agrees on the diacritics scores
 * higher, so "thuê nhà" (rent) does not outrank "thuế" (tax) when the citizen typed the marks.
 */
export interface RoutingRule {
  /** Agency code to suggest (`btc.tchq`). */
  agency?: string;
  /** Category id to suggest (`tthc`). */
  category?: string;
  /** Words or phrases; matched on whole words. */
  keywords: string[];
}

export interface RoutingSuggestion {
  agency?: string;
  category?: string;
  /** The keywords that matched, as written in the rules. */
  keywords: string[];
  score: number;
}

/** Lower case, no diacritics, `đ → d`, runs of non-letters collapsed to one space. */
import { foldToPhrase as foldVietnamese } from '../../domain/text-fold';

export { foldVietnamese };

function exactForm(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function hasDiacritics(text: string): boolean {
  return /[\u0300-\u036f]|[đĐ]/.test(text.normalize('NFD'));
}

function containsPhrase(haystack: string, phrase: string): boolean {
  return phrase !== '' && ` ${haystack} `.includes(` ${phrase} `);
}

/**
 * The best agency and the best category over all rules (they may come from different rules). Scores:
 * an exact match (diacritics agree) counts 2, a folded-only match 1, and only when the citizen wrote
 * without diacritics or the keyword has none; longer phrases break ties.
 */
export function suggestRouting(text: string, rules: readonly RoutingRule[]): RoutingSuggestion | null {
  const folded = foldVietnamese(text);
  const exact = exactForm(text);
  const textHasMarks = hasDiacritics(text);
  const agencyScores = new Map<string, number>();
  const categoryScores = new Map<string, number>();
  const matched = new Set<string>();
  for (const rule of rules) {
    let score = 0;
    for (const kw of rule.keywords) {
      const kwExact = exactForm(kw);
      const kwFolded = foldVietnamese(kw);
      const words = kwFolded.split(' ').length;
      if (containsPhrase(exact, kwExact)) {
        score += 2 * words;
        matched.add(kw);
      } else if ((!textHasMarks || !hasDiacritics(kw)) && containsPhrase(folded, kwFolded)) {
        score += words;
        matched.add(kw);
      }
    }
    if (score === 0) continue;
    if (rule.agency) agencyScores.set(rule.agency, (agencyScores.get(rule.agency) ?? 0) + score);
    if (rule.category) categoryScores.set(rule.category, (categoryScores.get(rule.category) ?? 0) + score);
  }
  if (matched.size === 0) return null;
  const best = (m: Map<string, number>): [string, number] | undefined =>
    [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const agency = best(agencyScores);
  const category = best(categoryScores);
  return {
    ...(agency ? { agency: agency[0] } : {}),
    ...(category ? { category: category[0] } : {}),
    keywords: [...matched],
    score: Math.max(agency?.[1] ?? 0, category?.[1] ?? 0),
  };
}

/**
 * Rules for the demo agencies (`npm run seed:demo`) and the suggested categories. A deployment
 * replaces them with its own file (see `loadRoutingRules`).
 */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = Object.freeze([
  { agency: 'btc', keywords: ['thuế', 'ngân sách', 'hóa đơn', 'phí', 'lệ phí', 'kho bạc', 'tài chính'] },
  { agency: 'btc.tchq', keywords: ['hải quan', 'thông quan', 'xuất khẩu', 'nhập khẩu', 'tờ khai hải quan'] },
  { agency: 'hno', keywords: ['hà nội', 'ubnd thành phố hà nội'] },
  {
    agency: 'hno.sxd',
    keywords: ['xây dựng', 'giấy phép xây dựng', 'công trình', 'trật tự xây dựng', 'quy hoạch'],
  },
  {
    category: 'tthc',
    keywords: ['thủ tục', 'hồ sơ', 'giấy phép', 'cấp phép', 'đăng ký', 'dịch vụ công', 'giấy tờ'],
  },
  { category: 'chinh_sach', keywords: ['chính sách', 'quy định', 'nghị định', 'thông tư', 'luật', 'cơ chế'] },
  {
    category: 'can_bo',
    keywords: ['cán bộ', 'công chức', 'nhũng nhiễu', 'gây khó dễ', 'chậm trễ', 'thái độ', 'hách dịch'],
  },
  { category: 'sang_kien', keywords: ['sáng kiến', 'đề xuất', 'kiến nghị bổ sung', 'cải tiến'] },
]) as readonly RoutingRule[];

/** Validates rules read from an operator's file; throws with the index of the first bad rule. */
export function parseRoutingRules(raw: unknown): RoutingRule[] {
  if (!Array.isArray(raw)) throw new Error('routing rules: expected a JSON array');
  return raw.map((r: unknown, i) => {
    const o = r as Partial<RoutingRule> | null;
    const ok =
      o !== null &&
      typeof o === 'object' &&
      Array.isArray(o.keywords) &&
      o.keywords.length > 0 &&
      o.keywords.every((k) => typeof k === 'string' && k.trim() !== '') &&
      (o.agency === undefined || typeof o.agency === 'string') &&
      (o.category === undefined || typeof o.category === 'string') &&
      (o.agency !== undefined || o.category !== undefined);
    if (!ok)
      throw new Error(
        `routing rules: rule ${i} needs keywords (non-empty strings) and an agency or a category`,
      );
    return {
      ...(o!.agency ? { agency: o!.agency } : {}),
      ...(o!.category ? { category: o!.category } : {}),
      keywords: o!.keywords as string[],
    };
  });
}
