import fc from 'fast-check';

import { foldSearchText, indexWords, searchWords } from '../../../../src/persistence/mongo/search-text';
import * as sqlite from '../../../../src/persistence/sqlite/complaint-rows';

describe('mongo search text', () => {
  it('should fold exactly as the SQLite adapter does, so both stores find the same PAKN', () => {
    const vietnamese = fc.constantFrom(
      ...'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ -."\'$',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(vietnamese).map((a) => a.join('')),
        ),
        (s) => {
          expect(foldSearchText(s)).toBe(sqlite.foldSearchText(s));
          expect(foldSearchText(s.normalize('NFD'))).toBe(sqlite.foldSearchText(s.normalize('NFC')));
          expect(searchWords(s)).toEqual(sqlite.searchWords(s));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('should fold diacritics and đ, in composed and decomposed input alike', () => {
    expect(foldSearchText('Đường LÁNG')).toBe('duong lang');
    expect(searchWords('Nước  ngập, đường!'.normalize('NFD'))).toEqual(['nuoc', 'ngap', 'duong']);
  });

  it('should keep only letters and digits, so no query syntax survives', () => {
    expect(searchWords('"ngập nước" -đường \\" $where a_b {"$ne":1}')).toEqual([
      'ngap',
      'nuoc',
      'duong',
      'where',
      'a',
      'b',
      'ne',
      '1',
    ]);
  });

  it('should index the distinct words of title and content together', () => {
    expect(indexWords('Đường Láng ngập', 'Ngập nước đường LÁNG 2')).toEqual([
      'duong',
      'lang',
      'ngap',
      'nuoc',
      '2',
    ]);
    expect(indexWords('', '')).toEqual([]);
  });

  it('should give no words for punctuation only', () => {
    expect(searchWords('-- "" $$ ..')).toEqual([]);
  });
});
