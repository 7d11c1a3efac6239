import {
  DEFAULT_ROUTING_RULES,
  foldVietnamese,
  parseRoutingRules,
  suggestRouting,
} from '../../../src/application/routing';

describe('suggestRouting', () => {
  it('should suggest customs and administrative procedures from Vietnamese with diacritics', () => {
    const s = suggestRouting(
      'Thủ tục thông quan hàng nhập khẩu tại cửa khẩu quá chậm',
      DEFAULT_ROUTING_RULES,
    );
    expect(s).toMatchObject({ agency: 'btc.tchq', category: 'tthc' });
    expect(s!.keywords).toEqual(expect.arrayContaining(['thủ tục', 'thông quan', 'nhập khẩu']));
  });

  it('should match the same text typed without diacritics', () => {
    const s = suggestRouting(
      'thu tuc thong quan hang nhap khau tai cua khau qua cham',
      DEFAULT_ROUTING_RULES,
    );
    expect(s).toMatchObject({ agency: 'btc.tchq', category: 'tthc' });
  });

  it('should match whole words only', () => {
    // "phí" must not match inside "phía"; "luật" must not match "luậtsư"-like run-ons.
    expect(suggestRouting('Con đường phía trước nhà tôi', [{ agency: 'btc', keywords: ['phí'] }])).toBeNull();
  });

  it('should prefer the rule whose diacritics agree when the citizen typed them', () => {
    const rules = [
      { agency: 'btc', keywords: ['thuế'] },
      { agency: 'hno.sxd', keywords: ['thuê'] },
    ];
    expect(suggestRouting('Tôi muốn hỏi về thuế nhà đất', rules)!.agency).toBe('btc');
    expect(suggestRouting('Tôi đi thuê nhà', rules)!.agency).toBe('hno.sxd');
    // Without diacritics both fold to "thue": a tie, broken by code order, but still a suggestion.
    expect(suggestRouting('toi hoi ve thue', rules)).not.toBeNull();
  });

  it('should suggest officials conduct for harassment in either spelling', () => {
    expect(suggestRouting('Cán bộ phường nhũng nhiễu, gây khó dễ', DEFAULT_ROUTING_RULES)!.category).toBe(
      'can_bo',
    );
    expect(suggestRouting('can bo phuong nhung nhieu, gay kho de', DEFAULT_ROUTING_RULES)!.category).toBe(
      'can_bo',
    );
  });

  it('should return null when nothing matches', () => {
    expect(suggestRouting('xin chào', DEFAULT_ROUTING_RULES)).toBeNull();
  });

  it('should fold đ and decomposed input', () => {
    expect(foldVietnamese('Đường ĐÊ'.normalize('NFD'))).toBe('duong de');
  });

  it('should validate rules from an operator file', () => {
    expect(parseRoutingRules([{ agency: 'x', keywords: ['a'] }])).toEqual([{ agency: 'x', keywords: ['a'] }]);
    expect(() => parseRoutingRules([{ keywords: ['a'] }])).toThrow(/rule 0/);
    expect(() => parseRoutingRules([{ agency: 'x', keywords: [] }])).toThrow(/rule 0/);
    expect(() => parseRoutingRules({})).toThrow(/array/);
  });
});
