import { isGsm7, prepareSmsText, smsLength, stripDiacritics } from '../../../src/notify/sms-encoding';

describe('smsLength', () => {
  it('should count plain ASCII as GSM-7, 160 in one part and 153 per part after', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(smsLength('a'.repeat(306))).toEqual({ encoding: 'gsm7', units: 306, segments: 2 });
    expect(smsLength('a'.repeat(307))).toEqual({ encoding: 'gsm7', units: 307, segments: 3 });
  });

  it('should count GSM-7 extension characters as two septets', () => {
    expect(smsLength('{}').units).toBe(4);
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('€'.repeat(81)).segments).toBe(2);
  });

  it('should switch the whole message to UCS-2 for one Vietnamese letter, 70 then 67 per part', () => {
    const seventy = 'ệ' + 'a'.repeat(69);
    expect(smsLength(seventy)).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsLength(seventy + 'a')).toEqual({ encoding: 'ucs2', units: 71, segments: 2 });
    expect(smsLength('ệ' + 'a'.repeat(133)).segments).toBe(2);
    expect(smsLength('ệ' + 'a'.repeat(134)).segments).toBe(3);
  });

  it('should count an emoji as two UCS-2 units', () => {
    expect(smsLength('😀').units).toBe(2);
  });
});

describe('stripDiacritics', () => {
  it('should turn Vietnamese into GSM-7 text, đ→d', () => {
    const out = stripDiacritics('Đường phố Hà Nội bị ngập, đề nghị xử lý — “gấp”…');
    expect(out).toBe('Duong pho Ha Noi bi ngap, de nghi xu ly - "gap"...');
    expect(isGsm7(out)).toBe(true);
  });

  it('should handle decomposed input like composed input', () => {
    expect(stripDiacritics('Nguyễn'.normalize('NFD'))).toBe('Nguyen');
  });

  it('should replace what has no plain form with ?', () => {
    expect(stripDiacritics('ok 😀')).toBe('ok ?');
  });
});

describe('prepareSmsText', () => {
  const vi = 'PAKN ABCD-1234 đã được tiếp nhận. Hạn trả lời: 20/12/2026. Tra cứu: gửi mã ABCD-1234.';
  it('should keep diacritics as UCS-2 under the unicode setting', () => {
    const p = prepareSmsText(vi, 'unicode');
    expect(p.text).toBe(vi);
    expect(p.encoding).toBe('ucs2');
    expect(p.segments).toBe(Math.ceil(vi.length / 67));
  });
  it('should strip diacritics into one GSM-7 part under the ascii setting', () => {
    const p = prepareSmsText(vi, 'ascii');
    expect(p.text).toBe(
      'PAKN ABCD-1234 da duoc tiep nhan. Han tra loi: 20/12/2026. Tra cuu: gui ma ABCD-1234.',
    );
    expect(p).toMatchObject({ encoding: 'gsm7', segments: 1 });
  });
});
