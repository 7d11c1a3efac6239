import { splitText, renderForTelegram } from '../../../bots/telegram/telegram-format';
import { renderTurnForZalo, withNumberedChoices } from '../../../bots/zalo/zalo-format';
import { largestPhoto } from '../../../bots/telegram/telegram-mapper';
import { zaloSignature, verifyZaloSignature } from '../../../bots/zalo/zalo-signature';
import { safeEqual } from '../../../bots/inbound-once';
import { toChannelSendError } from '../../../bots/telegram/telegram-api';
import { TelegramError } from 'telegraf';

describe('channel formatting', () => {
  it('should split without separators at the limit and never inside a surrogate pair', () => {
    const emoji = '😀'.repeat(3000); // 6000 UTF-16 units
    const parts = splitText(emoji, 4096);
    expect(parts.join('')).toBe(emoji);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p.charCodeAt(p.length - 1)).not.toBe(0xd83d); // no lone high surrogate at the end
    }
    expect(splitText('ngắn')).toEqual(['ngắn']);
    expect(splitText('a'.repeat(4096))).toEqual(['a'.repeat(4096)]);
  });

  it('should prefer a paragraph break over a line break over a space', () => {
    const text = `${'a'.repeat(3000)}\n\n${'b'.repeat(900)}\n${'c'.repeat(500)}`;
    expect(splitText(text).map((p) => p.length)).toEqual([3000, 1401]);
  });

  it('should put the keyboard on the last part only', () => {
    const payloads = renderForTelegram(
      {
        text: 'x '.repeat(3000),
        suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Có', value: 'Có' }] },
      },
      '1',
      () => 'share',
    );
    expect(payloads).toHaveLength(2);
    expect(payloads[0]!.reply_markup).toBeUndefined();
    expect(payloads[1]!.reply_markup).toMatchObject({ keyboard: [[{ text: 'Có' }]] });
  });

  it('should not number Zalo choices twice when the prompt already lists them', () => {
    const listed = 'Chọn:\n1. Có\n2. Không';
    expect(withNumberedChoices(listed, ['Có', 'Không'], 'hint')).toBe(listed);
    expect(withNumberedChoices('Chọn:', ['Có', 'Không'], 'Gõ số:')).toBe('Chọn:\n\nGõ số:\n1. Có\n2. Không');
    expect(renderTurnForZalo([{ text: 'một' }, { text: 'hai' }], 'h')).toEqual(['một\n\nhai']);
  });

  it('should pick the largest photo by size, then by pixels', () => {
    const p = (id: string, w: number, size?: number) => ({
      file_id: id,
      file_unique_id: id,
      width: w,
      height: w,
      file_size: size,
    });
    expect(largestPhoto([p('a', 90, 100), p('b', 1280, 9000), p('c', 320, 3000)])!.file_id).toBe('b');
    expect(largestPhoto([p('a', 90), p('b', 1280), p('c', 320)])!.file_id).toBe('b');
  });

  it('should verify a Zalo signature over the exact bytes, and compare secrets in constant time', () => {
    const body = Buffer.from('{"app_id":"1","event_name":"user_send_text","timestamp":"1718000000000"}');
    const sig = zaloSignature('1', body, '1718000000000', 'oa-key');
    expect(sig).toMatch(/^mac=[0-9a-f]{64}$/);
    expect(verifyZaloSignature(sig, '1', body, 'oa-key')).toBe(true);
    expect(verifyZaloSignature(sig, '1', body, 'other-key')).toBe(false);
    expect(verifyZaloSignature(sig.toUpperCase(), '1', body, 'oa-key')).toBe(false);
    expect(verifyZaloSignature(sig, '1', Buffer.from('{"timestamp":"1718000000000"}'), 'oa-key')).toBe(false);
    expect(verifyZaloSignature(undefined, '1', body, 'oa-key')).toBe(false);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(undefined, 'abc')).toBe(false);
  });

  it('should keep the citizen’s text and the token out of Telegram send errors (they get logged)', () => {
    const raw = new TelegramError(
      { error_code: 400, description: 'Bad Request: chat not found' },
      { method: 'sendMessage', payload: { chat_id: 1, text: 'SĐT của tôi 0912345678' } },
    );
    const err = toChannelSendError(raw);
    expect(err.kind).toBe('permanent');
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain('0912345678');
  });
});
