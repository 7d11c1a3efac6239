import type { Locale } from '../src/domain/complaint';
import { foldText } from '../src/application/citizen/text-match';
import { looksLikeTrackingCode } from '../src/domain/tracking-code';

/**
 * The words the bot understands, in both languages. botbuilder has no Vietnamese culture, so choices
 * and yes/no are matched here rather than by its English recognisers. Matching is on folded text
 * (no diacritics, lower case) except where a folded word would collide with a common name ("Huy").
 */
export type Command =
  | { kind: 'start' }
  | { kind: 'new' }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'lang'; locale?: Locale }
  | { kind: 'status'; code?: string };

const CANCEL_EXACT = ['hủy', 'huỷ', 'hủy bỏ', 'huỷ bỏ', 'huy bo', 'cancel', 'thoát', 'thoat'];
const HELP = ['help', 'trợ giúp', 'tro giup', 'giúp', 'hướng dẫn', 'huong dan'];
const DONE = [
  'xong',
  'done',
  'hoàn tất',
  'hoan tat',
  'xong rồi',
  'xong roi',
  'finish',
  'finished',
  'hết',
  'het',
];
const SKIP = ['bỏ qua', 'bo qua', 'skip', 'không có', 'khong co', 'none', 'no email'];
const YES = [
  'có',
  'co',
  'đồng ý',
  'dong y',
  'ok',
  'okay',
  'yes',
  'y',
  'ừ',
  'vâng',
  'vang',
  'đúng',
  'dung',
  'agree',
  'i agree',
  'giữ',
  'giu',
  'keep',
];
const NO = [
  'không',
  'khong',
  'ko',
  'k',
  'no',
  'n',
  'không đồng ý',
  'khong dong y',
  'disagree',
  'bỏ',
  'bo',
  'xóa',
  'xoa',
  'discard',
];

/** Command words are short; longer messages (content) are never folded and compared. */
const MAX_WORD_CHARS = 40;

function normCommand(text: string): string {
  // Telegram appends the bot's name in groups: /status@pakn_bot ABC.
  return text.trim().replace(/^\/(\w+)@\w+/, '/$1');
}

export function parseCommand(raw: string | undefined): Command | undefined {
  if (!raw) return undefined;
  const text = normCommand(raw);
  const lower = text.toLowerCase();
  const slash = /^\/([a-z_]+)(?:\s+([\s\S]*))?$/i.exec(text);
  if (slash) {
    const name = slash[1]!.toLowerCase();
    const arg = slash[2]?.trim();
    switch (name) {
      case 'start':
      case 'menu':
        return { kind: 'start' };
      case 'new':
      case 'moi':
        return { kind: 'new' };
      case 'cancel':
      case 'huy':
        return { kind: 'cancel' };
      case 'help':
        return { kind: 'help' };
      case 'lang':
      case 'language':
      case 'ngonngu': {
        const l = arg ? foldText(arg) : '';
        if (l.startsWith('vi') || l === 'tieng viet') return { kind: 'lang', locale: 'vi' };
        if (l.startsWith('en') || l === 'english') return { kind: 'lang', locale: 'en' };
        return { kind: 'lang' };
      }
      case 'status':
      case 'tracuu':
        return { kind: 'status', code: arg || undefined };
      default:
        return undefined;
    }
  }
  if (CANCEL_EXACT.includes(lower)) return { kind: 'cancel' };
  if (HELP.includes(lower)) return { kind: 'help' };
  // "tra cứu ABCD-EFGH": only when what follows is code-shaped, so a sentence starting with
  // "tra cứu" typed as content is not taken for a command.
  const lookup =
    text.length <= MAX_WORD_CHARS ? /^(?:tra ?cuu|status)\s*[:-]?\s*(.*)$/.exec(foldText(text)) : null;
  if (lookup) {
    const rest = lookup[1]?.trim() ?? '';
    if (!rest) return { kind: 'status' };
    if (looksLikeTrackingCode(rest)) return { kind: 'status', code: rest };
  }
  return undefined;
}

function wordSet(list: readonly string[]): ReadonlySet<string> {
  return new Set(list.map((w) => foldText(w)));
}

function inSet(set: ReadonlySet<string>, text: string | undefined): boolean {
  if (!text || text.length > MAX_WORD_CHARS) return false;
  return set.has(foldText(text.replace(/^\//, '').replace(/[.!]+$/, '')));
}

const DONE_SET = wordSet(DONE);
const SKIP_SET = wordSet(SKIP);
const YES_SET = wordSet(YES);
const NO_SET = wordSet(NO);
const CLEAR_SET = wordSet(['xóa hết', 'xoa het', 'clear', 'remove all']);
const NEW_CODE_SET = wordSet([
  'đổi mã',
  'doi ma',
  'mã khác',
  'ma khac',
  'new code',
  'another code',
  'newcode',
]);

export const isDoneWord = (text: string | undefined): boolean =>
  !!text && (/^\/done\b/i.test(text.trim()) || inSet(DONE_SET, text));
export const isSkipWord = (text: string | undefined): boolean =>
  !!text && (/^\/skip\b/i.test(text.trim()) || inSet(SKIP_SET, text));
export const isYesWord = (text: string | undefined): boolean => inSet(YES_SET, text);
export const isNoWord = (text: string | undefined): boolean => inSet(NO_SET, text);
export const isClearWord = (text: string | undefined): boolean =>
  !!text && (/^\/clear\b/i.test(text.trim()) || inSet(CLEAR_SET, text));
export const isNewCodeWord = (text: string | undefined): boolean => inSet(NEW_CODE_SET, text);

export const YES_SYNONYMS = YES;
export const NO_SYNONYMS = NO;
export const SKIP_SYNONYMS = [...SKIP, '/skip'];

/** Maps the locale hint a channel gives (Telegram language_code, browser language) to ours. */
export function localeFromHint(hint: string | undefined): Locale | undefined {
  if (!hint) return undefined;
  const l = hint.toLowerCase();
  if (l.startsWith('vi')) return 'vi';
  if (l.startsWith('en')) return 'en';
  return undefined;
}
