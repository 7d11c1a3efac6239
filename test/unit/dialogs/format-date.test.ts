import { formatDate } from '../../../dialogs/turn';

describe('formatDate', () => {
  const intl = (locale: string) =>
    new Intl.DateTimeFormat(locale, {
      timeZone: 'Asia/Ho_Chi_Minh',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    });

  it('should give the Vietnam-time day on both sides of midnight there (the per-day cache)', () => {
    expect(formatDate('2026-01-01T16:59:59.999Z', 'vi')).toBe('01/01/2026');
    expect(formatDate('2026-01-01T17:00:00.000Z', 'vi')).toBe('02/01/2026');
    expect(formatDate(new Date('2026-01-01T16:59:59.999Z'), 'en')).toBe('01/01/2026');
  });

  it('should agree with Intl for every few hours over years, in vi and en', () => {
    const vi = intl('vi-VN');
    const en = intl('en-GB');
    for (let ms = Date.UTC(2000, 0, 1); ms < Date.UTC(2040, 0, 1); ms += 5 * 3600_000 + 17_000) {
      const d = new Date(ms);
      if (formatDate(d, 'vi') !== vi.format(d) || formatDate(d, 'en') !== en.format(d))
        throw new Error(`differs at ${d.toISOString()}`);
    }
  });
});
