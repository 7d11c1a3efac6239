import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  CROCKFORD_ALPHABET,
  formatTrackingCode,
  generateTrackingCode,
  looksLikeTrackingCode,
  parseTrackingCode,
} from '../../../src/domain/tracking-code';

describe('tracking codes', () => {
  /** A deterministic stream of uniform integers (SHA-256 in counter mode), so the test cannot be lucky or unlucky. */
  function seededRandom(seed: string): (max: number) => number {
    let counter = 0;
    let pool: number[] = [];
    return (max: number) => {
      if (pool.length === 0) {
        pool = [...createHash('sha256').update(`${seed}:${counter++}`).digest()];
      }
      return pool.pop()! % max; // max is 32: 256 is a multiple, so no modulo bias
    };
  }

  it('200,000 generated codes are distinct and parse back', () => {
    const random = seededRandom('pakn-property-test');
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const code = generateTrackingCode(random);
      if (seen.has(code)) throw new Error(`duplicate ${code}`);
      seen.add(code);
      const shown = formatTrackingCode(code);
      const parsed = parseTrackingCode(shown);
      if (!parsed.ok || parsed.code !== code) throw new Error(`${shown} did not parse back`);
    }
    expect(seen.size).toBe(200_000);
  });

  it('with system randomness, collisions stay at the birthday bound (the store retries those)', () => {
    // 35 bits: among 200,000 codes about n²/2N ≈ 0.58 collisions are expected; more than 8 has a
    // probability below 1e-7 and would mean the generator lost entropy.
    const seen = new Set<string>();
    let collisions = 0;
    for (let i = 0; i < 200_000; i++) {
      const code = generateTrackingCode();
      if (seen.has(code)) collisions++;
      seen.add(code);
    }
    expect(collisions).toBeLessThanOrEqual(8);
  });

  it('is shown as XXXX-XXXX in Crockford base32', () => {
    const shown = formatTrackingCode(generateTrackingCode());
    expect(shown).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('carries at least 35 bits of randomness (7 free symbols of 5 bits)', () => {
    // Every data position takes every symbol value: nothing is fixed or derived but the check.
    const perPosition = Array.from({ length: 7 }, () => new Set<string>());
    for (let i = 0; i < 20_000; i++) {
      const c = generateTrackingCode();
      for (let p = 0; p < 7; p++) perPosition[p]!.add(c[p]!);
    }
    for (const s of perPosition) expect(s.size).toBe(32);
  });

  it('rejects every single-character substitution', () => {
    for (let n = 0; n < 2000; n++) {
      const code = generateTrackingCode();
      for (let pos = 0; pos < 8; pos++) {
        for (const sym of CROCKFORD_ALPHABET) {
          if (sym === code[pos]) continue;
          const typo = code.slice(0, pos) + sym + code.slice(pos + 1);
          const r = parseTrackingCode(typo);
          if (r.ok || r.reason !== 'checksum') throw new Error(`substitution ${code} → ${typo} not caught`);
        }
      }
    }
  });

  it('rejects every adjacent transposition of different symbols', () => {
    for (let n = 0; n < 3000; n++) {
      const code = generateTrackingCode();
      for (let pos = 0; pos < 7; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        if (parseTrackingCode(swapped).ok) throw new Error(`transposition ${code} → ${swapped} not caught`);
      }
    }
  });

  it('ignores case, spaces and dashes and maps O→0, I/L→1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), () => {
        const code = generateTrackingCode();
        const messy =
          ` ${code.slice(0, 2).toLowerCase()} ${code.slice(2, 4)} - ${code.slice(4).toLowerCase()} `
            .replace(/0/g, 'o')
            .replace(/1/g, () => (Math.random() < 0.5 ? 'i' : 'L'));
        const r = parseTrackingCode(messy);
        return r.ok && r.code === code;
      }),
      { numRuns: 2000 },
    );
  });

  it('tells a typo from something that is not a code', () => {
    expect(parseTrackingCode('hello')).toMatchObject({ ok: false, reason: 'format' });
    expect(parseTrackingCode('ABCD-EFGU')).toMatchObject({ ok: false, reason: 'format' }); // U is not Crockford
    expect(parseTrackingCode("ABCD'; DROP")).toMatchObject({ ok: false, reason: 'format' });
    expect(looksLikeTrackingCode('abcd-efgh')).toBe(true);
    expect(looksLikeTrackingCode('xin chào bạn')).toBe(false);
  });
});
