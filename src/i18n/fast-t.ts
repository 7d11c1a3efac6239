import type { i18n, TFunction } from 'i18next';

/**
 * A `t` fixed to one language and a list of namespaces that answers the common case from a cache of
 * compiled templates and hands everything else to i18next's own fixed `t`.
 *
 * Why: i18next resolves each call anew (key parsing, namespace × language fallback walk, plural and
 * context probing, option objects); with a handful of calls per turn that was a tenth of a bot turn's CPU.
 * The cached case is exactly i18next's result for it: a key whose value is a plain string, with only
 * `{{name}}` placeholders, no plural or context variants and no nesting, called without i18next options
 * (`count` is fine: without plural variants i18next falls back to the plain key), with every placeholder given. The template is looked up in i18next's order (each namespace in turn,
 * within it the language then the fallback language), so fallbacks resolve the same way.
 */
export function fastFixedT(instance: i18n, locale: string, namespaces: string[]): TFunction {
  const slow = instance.getFixedT(locale, namespaces);
  const fallbacks = [locale, ...toList(instance.options.fallbackLng).filter((l) => l !== locale)];
  const cache = new Map<string, Template | null>();

  const t = (key: unknown, params?: unknown, ...rest: unknown[]): string => {
    if (typeof key !== 'string' || rest.length > 0 || !plainParams(params))
      return call(slow, key, params, rest);
    let template = cache.get(key);
    if (template === undefined) {
      template = compile(instance, key, namespaces, fallbacks);
      cache.set(key, template);
    }
    if (template === null) return call(slow, key, params, rest);
    const out = template(params);
    return out ?? call(slow, key, params, rest);
  };
  return t as unknown as TFunction;
}

type Template = (params: Record<string, unknown> | undefined) => string | undefined;

function call(slow: TFunction, key: unknown, params: unknown, rest: unknown[]): string {
  return (slow as unknown as (...args: unknown[]) => string)(key, params, ...rest);
}

function toList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** i18next call options that change how a key resolves: such calls always go to i18next. */
const OPTION_KEYS = new Set([
  'lng',
  'lngs',
  'fallbackLng',
  'ns',
  'context',
  'ordinal',
  'defaultValue',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'keyPrefix',
  'replace',
  'skipInterpolation',
  'nsSeparator',
  'keySeparator',
]);

function plainParams(params: unknown): params is Record<string, unknown> | undefined {
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  for (const k in params) if (OPTION_KEYS.has(k)) return false;
  return true;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** The template for `key`, or null when i18next must answer it (see fastFixedT). */
function compile(instance: i18n, key: string, namespaces: string[], languages: string[]): Template | null {
  const nsSep = instance.options.nsSeparator;
  let nsList = namespaces;
  let path = key;
  if (typeof nsSep === 'string' && nsSep && key.includes(nsSep)) {
    const at = key.indexOf(nsSep);
    nsList = [key.slice(0, at)];
    path = key.slice(at + nsSep.length);
  }
  const keySep = instance.options.keySeparator;
  const parts = typeof keySep === 'string' && keySep ? path.split(keySep) : [path];
  const leaf = parts[parts.length - 1]!;
  let found: string | undefined;
  for (const ns of nsList) {
    for (const lng of languages) {
      const parent =
        parts.length > 1
          ? (instance.getResource(lng, ns, parts.slice(0, -1).join(keySep as string)) as unknown)
          : instance.getResourceBundle(lng, ns);
      if (typeof parent !== 'object' || parent === null) continue;
      // Plural or context variants (`leaf_one`, `leaf_male`): i18next picks among them.
      if (Object.keys(parent).some((k) => k.startsWith(`${leaf}_`))) return null;
      const value = (parent as Record<string, unknown>)[leaf];
      if (value === undefined) continue;
      if (typeof value !== 'string') return null;
      found = value;
      break;
    }
    if (found !== undefined) break;
  }
  if (found === undefined) return null;
  // Nesting, formats, unescaped or dotted placeholders: i18next's interpolator.
  if (found.includes('$t(') || /\{\{(?!\w+\}\})/.test(found)) return null;
  const pieces = found.split(PLACEHOLDER);
  if (pieces.length === 1) return () => found;
  return (params) => {
    let out = pieces[0]!;
    for (let i = 1; i < pieces.length; i += 2) {
      const value = params?.[pieces[i]!];
      // A missing value, or one i18next would format or stringify its own way: i18next answers.
      if (value === undefined || value === null || (typeof value === 'object' && !(value instanceof String)))
        return undefined;
      out += String(value) + pieces[i + 1]!;
    }
    return out;
  };
}
