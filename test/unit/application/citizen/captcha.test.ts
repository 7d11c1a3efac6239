import {
  CAPTCHA_ALPHABET,
  checkCaptcha,
  createCaptcha,
  createCaptchaText,
  renderCaptchaSvg,
} from '../../../../src/application/citizen/captcha';

const seq = (values: number[]) => {
  let i = 0;
  return (max: number) => values[i++ % values.length]! % max;
};

describe('captcha', () => {
  const now = new Date('2026-03-02T02:00:00Z');

  it('should draw every alphabet symbol without writing the answer as text', () => {
    const text = CAPTCHA_ALPHABET;
    const svg = renderCaptchaSvg(text, seq([3, 500, 999, 1]), 'Mã bảo vệ');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('<text');
    expect(svg).not.toContain(text);
    expect(svg).toContain('aria-label="Mã bảo vệ"');
  });

  it('should be random: two challenges differ', () => {
    const a = createCaptcha(now);
    const b = createCaptcha(now);
    expect(a.svg).not.toBe(b.svg);
    expect(a.state.answerHash).not.toBe(b.state.answerHash);
    expect(createCaptchaText(5)).toMatch(new RegExp(`^[${CAPTCHA_ALPHABET}]{5}$`));
  });

  it('should accept the answer in any case and with spaces, and keep no plain answer', () => {
    const c = createCaptcha(now, { random: seq([10]) });
    const answer = CAPTCHA_ALPHABET[10]!.repeat(5);
    expect(JSON.stringify(c.state)).not.toContain(answer);
    expect(checkCaptcha(c.state, answer.toLowerCase().split('').join(' '), now)).toEqual({ ok: true });
  });

  it('should count wrong tries down and refuse after the last one', () => {
    const c = createCaptcha(now, { random: seq([0]), maxTries: 3 });
    const first = checkCaptcha(c.state, 'AAAAA', now);
    expect(first).toMatchObject({ ok: false, reason: 'wrong', state: { triesLeft: 2 } });
    const second = checkCaptcha((first as { state: typeof c.state }).state, 'AAAAA', now);
    expect(second).toMatchObject({ ok: false, reason: 'wrong', state: { triesLeft: 1 } });
    expect(checkCaptcha((second as { state: typeof c.state }).state, 'AAAAA', now)).toEqual({
      ok: false,
      reason: 'no_tries',
    });
    expect(checkCaptcha({ ...c.state, triesLeft: 0 }, '22222', now)).toEqual({
      ok: false,
      reason: 'no_tries',
    });
  });

  it('should expire', () => {
    const c = createCaptcha(now, { random: seq([0]), ttlMs: 60_000 });
    expect(checkCaptcha(c.state, '22222', new Date(now.getTime() + 60_000))).toEqual({ ok: true });
    expect(checkCaptcha(c.state, '22222', new Date(now.getTime() + 60_001))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});
