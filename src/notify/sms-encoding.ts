/**
 * SMS length rules (CHANNELS.md §4.1). One character outside the GSM 03.38 alphabet forces the whole
 * message into UCS-2: 70 UTF-16 units single, 67 per part when concatenated; GSM-7 gives 160 / 153,
 * and the extension characters (`^ { } [ ] ~ \ | €` and form feed) cost two septets each.
 * Vietnamese with diacritics is never GSM-7, so `stripDiacritics` exists for the cheaper `ascii` setting.
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** How the text will travel and how many parts it is billed as. An empty text is one (empty) part. */
export function smsLength(text: string): SmsLength {
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += EXTENSION.has(ch) ? 2 : 1;
    return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  // UCS-2 counts UTF-16 units: a character outside the BMP (emoji) takes two.
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/**
 * Vietnamese without diacritics: NFD, drop combining marks, `đ→d`, `Đ→D`; anything still outside
 * GSM-7 (curly quotes, emoji) becomes a plain equivalent or `?`, so the result is always GSM-7.
 */
export function stripDiacritics(text: string): string {
  const plain = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\u00a0/g, ' ')
    .normalize('NFC');
  let out = '';
  for (const ch of plain) out += BASIC.has(ch) || EXTENSION.has(ch) ? ch : '?';
  return out;
}

/** The text as it will be sent under the configured encoding. */
export function prepareSmsText(text: string, setting: 'unicode' | 'ascii'): { text: string } & SmsLength {
  const body = setting === 'ascii' ? stripDiacritics(text) : text.normalize('NFC');
  return { text: body, ...smsLength(body) };
}
