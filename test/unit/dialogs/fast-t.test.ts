import i18next from 'i18next';
import { fastFixedT } from '../../../dialogs/fast-t';
import { flatKeys, getI18n, loadResources, LOCALES_DIR } from '../../../src/i18n';

/** Every placeholder of a string, given a value (numbers for some, to cover non-string values). */
function paramsFor(text: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  let n = 0;
  for (const m of text.matchAll(/\{\{(\w+)\}\}/g)) params[m[1]!] = n++ % 2 ? 1234 : `v-${m[1]}`;
  return params;
}

describe('fastFixedT', () => {
  const resources = loadResources(LOCALES_DIR);
  const i18n = getI18n();

  it.each(['vi', 'en'])(
    'should give what i18next gives for every bot, common and web string in %s',
    (lng) => {
      for (const namespaces of [['bot', 'common'], ['web']]) {
        const fast = fastFixedT(i18n, lng, namespaces);
        const slow = i18n.getFixedT(lng, namespaces);
        let checked = 0;
        for (const ns of namespaces) {
          for (const key of flatKeys(resources.vi![ns])) {
            const full = ns === namespaces[0] ? key : `${ns}:${key}`;
            const text = String(slow(full));
            const params = paramsFor(text);
            expect(fast(full, params)).toBe(slow(full, params));
            expect(fast(full, { ...params, count: 3 })).toBe(slow(full, { ...params, count: 3 }));
            // Twice: the second answer comes from the compiled template.
            expect(fast(full, params)).toBe(slow(full, params));
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(20);
      }
    },
  );

  it('should leave to i18next what it does not compile: plurals, nesting, formats, missing values and keys', () => {
    const inst = i18next.createInstance();
    void inst.init({
      initAsync: false,
      lng: 'en',
      fallbackLng: 'vi',
      ns: ['a', 'b'],
      defaultNS: 'a',
      interpolation: { escapeValue: false },
      resources: {
        vi: { a: { only_vi: 'chỉ {{x}}', files: 'tệp {{count}}' }, b: { later: 'trong b' } },
        en: {
          a: {
            files_one: 'one file',
            files_other: '{{count}} files',
            nest: 'see $t(a:plain)',
            plain: 'plain {{x}}',
            fmt: 'on {{d, datetime}}',
          },
          b: { later: 'in b' },
        },
      },
    });
    const fast = fastFixedT(inst, 'en', ['a', 'b']);
    const slow = inst.getFixedT('en', ['a', 'b']);
    const cases: Array<[string, Record<string, unknown> | undefined]> = [
      ['files', { count: 1 }],
      ['files', { count: 5 }],
      ['nest', { x: 'y' }],
      ['plain', undefined],
      ['plain', { x: 'y' }],
      ['plain', { x: 'y', lng: 'vi' }],
      ['only_vi', { x: 'y' }],
      ['later', undefined],
      ['b:later', undefined],
      ['missing.key', undefined],
      ['fmt', { d: new Date(0) }],
    ];
    for (const [key, params] of cases) expect([key, fast(key, params)]).toEqual([key, slow(key, params)]);
    expect(fast('files', { count: 1 })).toBe('one file');
    expect(fast('only_vi', { x: 'y' })).toBe('chỉ y');
  });
});
