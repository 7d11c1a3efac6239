import { ValidationError } from '../../domain/errors';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw new ValidationError('errors.bad_request', { field: 'timeZone' });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The offset of `timeZone` from UTC at instant `ms`, in milliseconds. */
export function offsetAt(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

/** `YYYY-MM-DD` of instant `ms` in `timeZone`. */
export function localDay(timeZone: string, ms: number): string {
  const d = new Date(ms + offsetAt(timeZone, ms));
  return d.toISOString().slice(0, 10);
}

const fixedOffsets = new Map<string, number | null>();

/**
 * The zone's offset if it has not changed between 2000 and 2040 (sampled twice a month: DST, Ramadan
 * suspensions and permanent moves all show), else null. Zones with a fixed offset, such as
 * Asia/Ho_Chi_Minh, can be bucketed into days entirely in SQL; the others are bucketed by quarter hour
 * in SQL and the buckets summed into local days here.
 */
export function fixedOffset(timeZone: string): number | null {
  if (fixedOffsets.has(timeZone)) return fixedOffsets.get(timeZone)!;
  let offset: number | null = offsetAt(timeZone, Date.UTC(2000, 0, 1));
  outer: for (let y = 2000; y <= 2040; y++) {
    for (let m = 0; m < 12; m++) {
      for (const d of [1, 15]) {
        if (offsetAt(timeZone, Date.UTC(y, m, d)) !== offset) {
          offset = null;
          break outer;
        }
      }
    }
  }
  fixedOffsets.set(timeZone, offset);
  return offset;
}
