/**
 * MongoDB reports a unique-index violation as error code 11000 with `keyPattern` naming the index
 * fields. `field` narrows the check to one index (a code collision is not an e-mail collision).
 */
export function isDuplicateKeyError(err: unknown, field?: string): boolean {
  const e = err as { code?: unknown; keyPattern?: Record<string, unknown> } | null;
  if (e?.code !== 11000) return false;
  return field === undefined || e.keyPattern === undefined || field in e.keyPattern;
}
