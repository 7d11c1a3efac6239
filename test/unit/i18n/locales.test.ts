import { flatKeys, loadResources, LOCALES_DIR, tFor } from '../../../src/i18n';

describe('locales', () => {
  const resources = loadResources(LOCALES_DIR);

  it('has the same namespaces and keys in vi and en, none empty', () => {
    const vi = resources.vi!;
    const en = resources.en!;
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const ns of Object.keys(vi)) {
      const viKeys = flatKeys(vi[ns]).sort();
      const enKeys = flatKeys(en[ns]).sort();
      expect({ ns, keys: enKeys }).toEqual({ ns, keys: viKeys });
      for (const lng of ['vi', 'en'] as const) {
        for (const key of viKeys) {
          const value = key
            .split('.')
            .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], resources[lng]![ns]);
          expect(typeof value === 'string' && value.trim().length > 0 ? 'ok' : `${lng}:${ns}:${key}`).toBe(
            'ok',
          );
        }
      }
    }
  });

  it('translates with interpolation in both languages', () => {
    expect(tFor('vi')('limits.too_many_files', { limit: 5, actual: 6 })).toContain('tối đa 5 tệp');
    expect(tFor('en')('limits.too_many_files', { limit: 5, actual: 6 })).toContain('at most 5 files');
    expect(tFor('en')('status.awaiting_info')).toBe('Waiting for more information');
  });
});
