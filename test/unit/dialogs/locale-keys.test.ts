import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatKeys, loadResources, LOCALES_DIR } from '../../../src/i18n';

const SOURCES = [join(__dirname, '../../../dialogs'), join(__dirname, '../../../src/application/citizen')];

function usedKeys(): string[] {
  const keys = new Set<string>();
  for (const dir of SOURCES) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(join(dir, file), 'utf8');
      // t('key'), t(`key`) without interpolation, and error keys 'bot:errors.x'.
      for (const m of src.matchAll(/\bt\(\s*['`]([a-z_]+(?::[a-z_]+)?(?:\.[a-z_]+)+)['`]/g)) keys.add(m[1]!);
      for (const m of src.matchAll(/['`](bot:[a-z_]+(?:\.[a-z_]+)+)['`]/g)) keys.add(m[1]!);
      for (const m of src.matchAll(/\b(?:yesKey|noKey|key)\s*=\s*'([a-z_.]+)'/g)) keys.add(m[1]!);
    }
  }
  return [...keys];
}

describe('bot strings', () => {
  const resources = loadResources(LOCALES_DIR);

  it.each(['vi', 'en'])('should define every key the dialogs use in %s', (lng) => {
    const known = new Set([
      ...flatKeys(resources[lng]!.bot).map((k) => `bot:${k}`),
      ...flatKeys(resources[lng]!.common).map((k) => `common:${k}`),
    ]);
    const keys = usedKeys();
    expect(keys.length).toBeGreaterThan(50);
    const missing = keys.filter((k) => {
      const full = k.includes(':') ? k : `bot:${k}`;
      return !known.has(full) && !known.has(`common:${k}`);
    });
    expect(missing).toEqual([]);
  });

  it('should have the same keys in vi and en, none empty', () => {
    const vi = flatKeys(resources.vi!.bot).sort();
    const en = flatKeys(resources.en!.bot).sort();
    expect(en).toEqual(vi);
    const empty = vi.filter((k) => {
      const get = (o: unknown) =>
        k.split('.').reduce<unknown>((acc, p) => (acc as Record<string, unknown>)?.[p], o);
      return !get(resources.vi!.bot) || !get(resources.en!.bot);
    });
    expect(empty).toEqual([]);
  });
});
