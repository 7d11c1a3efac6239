import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LOCALES, type Locale } from '../domain/complaint';
import { fastFixedT } from './fast-t';

export { fastFixedT } from './fast-t';

/**
 * Every user-facing string lives in `locales/<lng>/<namespace>.json`. Each feature owns a namespace
 * (common, bot, admin, notify, …); keys are used as `ns:key.path` or through a namespaced `t`.
 * Vietnamese is the fallback: a key missing in English shows the Vietnamese text, never the key.
 */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');

function loadResources(dir: string): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lng, file), 'utf8'));
    }
  }
  return resources;
}

let shared: i18n | undefined;

/** One initialised i18next instance per process (synchronous: resources are bundled files). */
export function getI18n(): i18n {
  if (shared) return shared;
  const resources = loadResources(LOCALES_DIR);
  const instance = i18next.createInstance();
  void instance.init({
    resources: resources as never,
    lng: 'vi',
    fallbackLng: 'vi',
    supportedLngs: [...LOCALES],
    ns: Object.keys(resources.vi ?? {}),
    defaultNS: 'common',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  shared = instance;
  return instance;
}

const fixed = new Map<string, TFunction>();

/**
 * A `t` fixed to a language and namespace (default: `common`). Compiled templates answer the plain
 * cases (exactly i18next's result, see fast-t.ts), i18next the rest; one per (language, namespace) per
 * process, so notices rendered per delivered message do not pay i18next's per-call resolution.
 */
export function tFor(locale: Locale, ns?: string): TFunction {
  const instance = getI18n();
  const namespace =
    ns ?? (typeof instance.options.defaultNS === 'string' ? instance.options.defaultNS : 'common');
  const key = `${locale}\u0000${namespace}`;
  let t = fixed.get(key);
  if (!t) fixed.set(key, (t = fastFixedT(instance, locale, [namespace])));
  return t;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Every key of a namespace in one language, flattened (`a.b.c`), for the completeness test. */
export function flatKeys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => flatKeys(v, prefix ? `${prefix}.${k}` : k));
}
export { loadResources };
