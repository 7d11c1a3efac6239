import {
  LimitError,
  ValidationError,
  appendContent,
  checkAttachmentCount,
  checkContent,
  checkFileSize,
  checkTitle,
  countChars,
  DEFAULT_LIMITS,
} from '../../../src/domain';

describe('limits', () => {
  const composed = 'Thủ tục cấp giấy phép xây dựng quá chậm.';
  const decomposed = composed.normalize('NFD');

  it('counts code points after NFC: decomposed Vietnamese counts as composed', () => {
    expect(decomposed.length).toBeGreaterThan(composed.length);
    expect(countChars(decomposed)).toBe(countChars(composed));
    expect(countChars('😀')).toBe(1);
  });

  it('accepts exactly 3000 characters and refuses 3001 with the numbers', () => {
    const ok = 'ế'.normalize('NFD').repeat(3000);
    expect(countChars(checkContent(ok))).toBe(3000);
    try {
      checkContent(ok + 'a');
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(LimitError);
      expect((err as LimitError).key).toBe('limits.content_too_long');
      expect((err as LimitError).params).toMatchObject({ limit: 3000, actual: 3001 });
    }
  });

  it('refuses a part that would cross the limit whole and keeps what was accepted', () => {
    const accepted = appendContent('', 'a'.repeat(2990));
    expect(() => appendContent(accepted, 'b'.repeat(20))).toThrow(LimitError);
    expect(countChars(accepted)).toBe(2990);
    const more = appendContent(accepted, 'c'.repeat(9));
    expect(countChars(more)).toBe(3000); // 2990 + newline + 9
  });

  it('checks titles and empties', () => {
    expect(() => checkTitle('x'.repeat(201))).toThrow(LimitError);
    expect(checkTitle('  Đường   hỏng  ')).toBe('Đường hỏng');
    expect(() => checkTitle('   ')).toThrow(ValidationError);
    expect(() => checkContent('')).toThrow(ValidationError);
  });

  it('allows 5 files and refuses the 6th', () => {
    expect(() => checkAttachmentCount(4, 1)).not.toThrow();
    expect(() => checkAttachmentCount(5, 1)).toThrow(
      expect.objectContaining({ key: 'limits.too_many_files', params: { limit: 5, actual: 6 } }),
    );
  });

  it('caps file size (configurable)', () => {
    expect(() => checkFileSize(DEFAULT_LIMITS.maxFileBytes)).not.toThrow();
    expect(() => checkFileSize(DEFAULT_LIMITS.maxFileBytes + 1)).toThrow(LimitError);
    expect(() => checkFileSize(2 * 1024 * 1024, { ...DEFAULT_LIMITS, maxFileBytes: 1024 * 1024 })).toThrow(
      LimitError,
    );
    expect(() => checkFileSize(0)).toThrow(ValidationError);
  });
});
