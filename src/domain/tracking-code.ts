import { randomInt } from 'node:crypto';

/**
 * Tracking codes (mã tra cứu): 7 random Crockford base32 symbols (35 bits) and one check symbol,
 * shown as `XXXX-XXXX`.
 *
 * The check symbol is chosen so that sum(α^i · d_i) = 0 over GF(32), i = 0..7, with α a primitive
 * element. Because every position has a distinct non-zero weight, any single substituted symbol changes
 * the sum; swapping adjacent symbols a,b at i,i+1 changes it by α^i·(1+α)·(a+b), also non-zero. So every
 * single-symbol typo and every adjacent transposition is caught, while the check stays inside the
 * base32 alphabet (Crockford's own mod-37 check would need the extra symbols *~$=U).
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_LENGTH = 7;
export const CODE_LENGTH = DATA_LENGTH + 1;

// GF(2^5) with the primitive polynomial x^5 + x^2 + 1.
const EXP: number[] = new Array<number>(62);
const LOG: number[] = new Array<number>(32).fill(0);
{
  let x = 1;
  for (let i = 0; i < 31; i++) {
    EXP[i] = x;
    EXP[i + 31] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x20) x ^= 0x25;
  }
}
function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

const VALUE_OF: Record<string, number> = {};
for (let i = 0; i < CROCKFORD_ALPHABET.length; i++) VALUE_OF[CROCKFORD_ALPHABET[i]!] = i;

function weightedSum(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum ^= gfMul(EXP[i]!, values[i]!);
  return sum;
}

function checkValueFor(data: readonly number[]): number {
  // Solve s + α^7·c = 0  ⇒  c = s · α^(31-7)   (addition is xor in GF(2^n)).
  return gfMul(weightedSum(data), EXP[31 - DATA_LENGTH]!);
}

/** The canonical stored form: 8 upper-case symbols, no dash. */
export type TrackingCode = string & { readonly __brand: 'TrackingCode' };

export function generateTrackingCode(random: (max: number) => number = randomInt): TrackingCode {
  const data: number[] = [];
  for (let i = 0; i < DATA_LENGTH; i++) data.push(random(32));
  data.push(checkValueFor(data));
  return data.map((v) => CROCKFORD_ALPHABET[v]).join('') as TrackingCode;
}

/** `ABCD-EFGH` for people; stored codes are undashed. */
export function formatTrackingCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export type ParsedCode =
  { ok: true; code: TrackingCode } | { ok: false; reason: 'format' | 'checksum'; normalized: string };

/**
 * Reads what a person typed: case, spaces and dashes are ignored; O→0, I/L→1 as Crockford says.
 * `checksum` means the text had the right shape but a typo; `format` means it is not a code at all.
 */
export function parseTrackingCode(input: string): ParsedCode {
  const normalized = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (normalized.length !== CODE_LENGTH) return { ok: false, reason: 'format', normalized };
  const values: number[] = [];
  for (const ch of normalized) {
    const v = VALUE_OF[ch];
    if (v === undefined) return { ok: false, reason: 'format', normalized };
    values.push(v);
  }
  if (weightedSum(values) !== 0) return { ok: false, reason: 'checksum', normalized };
  return { ok: true, code: normalized as TrackingCode };
}

/** True when a whole message looks like nothing but a tracking code (with or without a dash). */
export function looksLikeTrackingCode(text: string): boolean {
  return /^\s*[0-9A-Za-z]{4}[\s-]?[0-9A-Za-z]{4}\s*$/.test(text);
}
