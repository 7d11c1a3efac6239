import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * A small, dependency-free image captcha for the web chat (the seed's "mã bảo vệ" before a PAKN is
 * submitted). The characters are drawn as stroked line segments (a 14-segment style), each glyph
 * rotated, skewed and jittered, over noise lines: the SVG holds no text a script could read back.
 * Only a salted hash of the answer is kept; the answer is checked case-insensitively, expires, and allows
 * a limited number of tries.
 *
 * @remarks Not a defence against a determined OCR attacker; it raises the cost of scripted spam, which is
 * its job here. It is not accessible to blind users: the web channel should offer another path (a phone
 * call-back or SMS) if that matters for a deployment.
 */

// No 0/O/D, 1/I/L, 8/B, 6/G, S, J/U: shapes that look alike once drawn in segments and distorted.
export const CAPTCHA_ALPHABET = '234579ACEFHKMNPRTUWXYZ';

// Segment end points on a 2×4 grid.
// prettier-ignore
const P: Record<string, [number, number]> = {
  tl: [0, 0], tm: [1, 0], tr: [2, 0],
  ml: [0, 2], mm: [1, 2], mr: [2, 2],
  bl: [0, 4], bm: [1, 4], br: [2, 4],
};
// prettier-ignore
const SEG: Record<string, [string, string]> = {
  a1: ['tl', 'tm'], a2: ['tm', 'tr'], b: ['tr', 'mr'], c: ['mr', 'br'], d1: ['bl', 'bm'], d2: ['bm', 'br'],
  e: ['ml', 'bl'], f: ['tl', 'ml'], g1: ['ml', 'mm'], g2: ['mm', 'mr'], h: ['tl', 'mm'], i: ['tm', 'mm'],
  j: ['tr', 'mm'], k: ['mm', 'bl'], l: ['mm', 'bm'], m: ['mm', 'br'],
};
const GLYPHS: Record<string, string> = {
  '2': 'a1 a2 b g1 g2 e d1 d2',
  '3': 'a1 a2 b c g2 d1 d2',
  '4': 'f g1 g2 b c',
  '5': 'a1 a2 f g1 g2 c d1 d2',
  '7': 'a1 a2 b c',
  '9': 'a1 a2 f b g1 g2 c d1 d2',
  A: 'a1 a2 b c e f g1 g2',
  C: 'a1 a2 f e d1 d2',
  E: 'a1 a2 f e d1 d2 g1',
  F: 'a1 a2 f e g1',
  H: 'f e b c g1 g2',
  K: 'f e g1 j m',
  M: 'f e b c h j',
  N: 'f e b c h m',
  P: 'a1 a2 f e b g1 g2',
  R: 'a1 a2 f e b g1 g2 m',
  T: 'a1 a2 i l',
  U: 'f e b c d1 d2',
  W: 'f e b c k m',
  X: 'h j k m',
  Y: 'h j l',
  Z: 'a1 a2 j k d1 d2',
};

export interface CaptchaState {
  salt: string;
  answerHash: string;
  /** Epoch ms. */
  expiresAt: number;
  triesLeft: number;
}

export interface CaptchaChallenge {
  svg: string;
  /** `data:image/svg+xml;base64,…`, for an attachment's contentUrl. */
  dataUrl: string;
  state: CaptchaState;
}

export interface CaptchaOptions {
  length?: number;
  ttlMs?: number;
  maxTries?: number;
  /** Accessible name of the image (never the answer). */
  label?: string;
  /** Randomness source; `randomInt` by default. */
  random?: (max: number) => number;
}

export const CAPTCHA_DEFAULTS = { length: 5, ttlMs: 5 * 60_000, maxTries: 3 } as const;

function hashAnswer(salt: string, answer: string): string {
  return createHash('sha256').update(`${salt}:${answer}`).digest('hex');
}

function normalizeAnswer(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_.]/g, '');
}

/** The answer text for tests that render their own challenge (kept out of the state). */
export function createCaptchaText(length: number, random: (max: number) => number = randomInt): string {
  let text = '';
  for (let i = 0; i < length; i++) text += CAPTCHA_ALPHABET[random(CAPTCHA_ALPHABET.length)];
  return text;
}

export function renderCaptchaSvg(
  text: string,
  random: (max: number) => number = randomInt,
  label = 'captcha',
): string {
  const cell = 34;
  const width = text.length * cell + 30;
  const height = 70;
  const rnd = (lo: number, hi: number): number => lo + (random(1000) / 1000) * (hi - lo);
  // Each channel drawn from a range: dark glyphs, lighter noise, so the text keeps its contrast.
  const color = (lo: number, hi: number): string =>
    `#${[0, 1, 2].map(() => Math.round(rnd(lo, hi)).toString(16).padStart(2, '0')).join('')}`;
  const parts: string[] = [];
  for (let n = 0; n < 7; n++) {
    parts.push(
      `<path d="M${rnd(0, width).toFixed(1)} ${rnd(0, height).toFixed(1)} Q${rnd(0, width).toFixed(1)} ${rnd(0, height).toFixed(1)} ${rnd(0, width).toFixed(1)} ${rnd(0, height).toFixed(1)}" stroke="${color(0x80, 0xc8)}" stroke-width="${rnd(1, 1.8).toFixed(1)}" fill="none"/>`,
    );
  }
  [...text].forEach((ch, idx) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no glyph for ${ch}`);
    const sx = rnd(8, 11);
    const sy = rnd(9, 11.5);
    const ox = 15 + idx * cell + rnd(0, 6);
    const oy = rnd(8, height - 4 * sy - 6);
    const rot = rnd(-18, 18);
    const skew = rnd(-12, 12);
    const lines = glyph.split(' ').map((s) => {
      const [from, to] = SEG[s]!;
      const [x1, y1] = P[from]!;
      const [x2, y2] = P[to]!;
      const j = (): string => rnd(-1.6, 1.6).toFixed(1);
      return `<line x1="${(x1 * sx).toFixed(1)}" y1="${(y1 * sy).toFixed(1)}" x2="${(x2 * sx).toFixed(1)}" y2="${(y2 * sy).toFixed(1)}" transform="translate(${j()} ${j()})"/>`;
    });
    const ink = color(0x08, 0x68);
    parts.push(
      `<g transform="translate(${ox.toFixed(1)} ${oy.toFixed(1)}) rotate(${rot.toFixed(1)} ${sx} ${2 * sy}) skewX(${skew.toFixed(1)})" stroke="${ink}" stroke-width="${rnd(2.6, 3.6).toFixed(1)}" stroke-linecap="round">${lines.join('')}</g>`,
    );
  });
  for (let n = 0; n < 40; n++) {
    parts.push(
      `<circle cx="${rnd(0, width).toFixed(1)}" cy="${rnd(0, height).toFixed(1)}" r="${rnd(0.5, 1.6).toFixed(1)}" fill="#777"/>`,
    );
  }
  const safeLabel = label.replace(/[<>&"]/g, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${safeLabel}"><rect width="100%" height="100%" fill="#f4f1ea"/>${parts.join('')}</svg>`;
}

export function createCaptcha(now: Date, options: CaptchaOptions = {}): CaptchaChallenge {
  const random = options.random ?? randomInt;
  const text = createCaptchaText(options.length ?? CAPTCHA_DEFAULTS.length, random);
  const svg = renderCaptchaSvg(text, random, options.label);
  const salt = randomBytes(12).toString('hex');
  return {
    svg,
    dataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    state: {
      salt,
      answerHash: hashAnswer(salt, text),
      expiresAt: now.getTime() + (options.ttlMs ?? CAPTCHA_DEFAULTS.ttlMs),
      triesLeft: options.maxTries ?? CAPTCHA_DEFAULTS.maxTries,
    },
  };
}

export type CaptchaCheck =
  | { ok: true }
  | { ok: false; reason: 'expired' | 'no_tries' }
  | { ok: false; reason: 'wrong'; state: CaptchaState };

/** Checks an answer; a wrong one costs a try. An expired or used-up challenge never passes. */
export function checkCaptcha(state: CaptchaState, input: string, now: Date): CaptchaCheck {
  if (now.getTime() > state.expiresAt) return { ok: false, reason: 'expired' };
  if (state.triesLeft <= 0) return { ok: false, reason: 'no_tries' };
  const given = Buffer.from(hashAnswer(state.salt, normalizeAnswer(input)), 'hex');
  const want = Buffer.from(state.answerHash, 'hex');
  if (given.length === want.length && timingSafeEqual(given, want)) return { ok: true };
  const next = { ...state, triesLeft: state.triesLeft - 1 };
  if (next.triesLeft <= 0) return { ok: false, reason: 'no_tries' };
  return { ok: false, reason: 'wrong', state: next };
}
