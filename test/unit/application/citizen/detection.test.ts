import { mentionsIdentityDocument } from '../../../../src/application/citizen/identity-document';
import { detectOutOfScope } from '../../../../src/application/citizen/out-of-scope';
import { foldText } from '../../../../src/application/citizen/text-match';

describe('text detection', () => {
  it('should fold Vietnamese text', () => {
    expect(foldText('  Hủy   BỎ ')).toBe('huy bo');
    expect(foldText('Đồng ý')).toBe('dong y');
  });

  it.each([
    ['Tôi muốn khiếu nại quyết định xử phạt', 'complaint'],
    ['Đơn TỐ CÁO chủ tịch xã', 'denunciation'],
    ['to cao can bo', 'denunciation'],
    ['Xin tư vấn pháp luật về đất đai', 'legal_advice'],
    ['I need legal advice', 'legal_advice'],
    ['Thủ tục cấp giấy phép xây dựng quá chậm', undefined],
    ['Cán bộ tiếp dân thái độ không tốt', undefined],
    ['Cáo phó', undefined],
  ])('should classify "%s" as %s', (text, kind) => {
    expect(detectOutOfScope(text)).toBe(kind);
  });

  it.each([
    ['ảnh CCCD mặt trước', true],
    ['Căn cước công dân', true],
    ['hộ chiếu', true],
    ['my passport', true],
    ['ID card front', true],
    ['ảnh biên nhận hồ sơ', false],
    ['biên bản', false],
    [undefined, false],
  ])('should say whether "%s" names an identity document: %s', (text, expected) => {
    expect(mentionsIdentityDocument(text)).toBe(expected);
  });
});
