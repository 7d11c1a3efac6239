import { flatKeys, getI18n, tFor } from '../../../src/i18n';
import { LOCALES } from '../../../src/domain/complaint';

// tFor answers plain keys from compiled templates (src/i18n/fast-t.ts): every key of every namespace,
// in every language, must read exactly as i18next itself renders it, with and without its values.
describe('tFor (compiled templates)', () => {
  const i18n = getI18n();
  const namespaces = Object.keys(i18n.getDataByLanguage('vi') ?? {});

  it('renders every key of every namespace exactly as i18next does', () => {
    let checked = 0;
    for (const lng of LOCALES) {
      for (const ns of namespaces) {
        const fast = tFor(lng, ns);
        const slow = i18n.getFixedT(lng, ns);
        for (const key of flatKeys(i18n.getResourceBundle('vi', ns))) {
          const source = String(i18n.getResource(lng, ns, key) ?? i18n.getResource('vi', ns, key) ?? '');
          const names = [...source.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
          const params = Object.fromEntries(names.map((n, i) => [n, `«${n}-${i}» Đà Nẵng`]));
          expect([lng, ns, key, fast(key, params)]).toEqual([lng, ns, key, slow(key, params)]);
          // A value missing, a number, and the key unknown: i18next's answer either way.
          if (names.length) expect(fast(key, { [names[0]!]: 7 })).toBe(slow(key, { [names[0]!]: 7 }));
          checked++;
        }
        expect(fast('no.such.key', { a: 1 })).toBe(slow('no.such.key', { a: 1 }));
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('keeps the default namespace (common) and namespaced keys', () => {
    expect(tFor('en')('status.received')).toBe(i18n.getFixedT('en')('status.received'));
    expect(tFor('vi', 'notify')('common:status.answered')).toBe(
      i18n.getFixedT('vi', 'notify')('common:status.answered'),
    );
    expect(tFor('en', 'notify')).toBe(tFor('en', 'notify'));
  });
});
