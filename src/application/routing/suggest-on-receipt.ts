import type { Complaint, HistoryEvent } from '../../domain/complaint';
import { VersionConflictError } from '../../domain/errors';
import type { Clock, ComplaintStore } from '../../domain/ports';
import { suggestRouting, type RoutingRule, type RoutingSuggestion } from './keyword-routing';

export interface SuggestOnReceiptDeps {
  complaints: ComplaintStore;
  clock: Clock;
  rules: readonly RoutingRule[];
}

/** The history event id is fixed per PAKN, so a redelivered `received` event suggests once. */
export function suggestionEventId(code: string): string {
  return `routing-${code}`;
}

export function existingSuggestion(c: Complaint): HistoryEvent | undefined {
  return c.history.find((h) => h.type === 'routing_suggested');
}

/**
 * Computes a routing suggestion for a newly received PAKN and records it as a `routing_suggested`
 * history event. Owner and category are never changed. Returns the suggestion (or null when no rule
 * matched, or the PAKN is gone). Retries a few times when an officer wrote at the same moment.
 */
export async function suggestOnReceipt(
  deps: SuggestOnReceiptDeps,
  code: string,
  note?: (s: RoutingSuggestion) => string,
): Promise<RoutingSuggestion | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await deps.complaints.getByCode(code);
    if (!c) return null;
    const prior = existingSuggestion(c);
    if (prior) return (prior.data as unknown as RoutingSuggestion | undefined) ?? null;
    const suggestion = suggestRouting(`${c.title}\n${c.content}`, deps.rules);
    if (!suggestion) return null;
    const at = deps.clock.now();
    const event: HistoryEvent = {
      id: suggestionEventId(code),
      at,
      type: 'routing_suggested',
      actor: { kind: 'system' },
      ...(note ? { note: note(suggestion) } : {}),
      data: { ...suggestion },
    };
    try {
      await deps.complaints.update(code, c.version, { appendHistory: [event], at });
      return suggestion;
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  throw new Error(`routing suggestion for ${code}: too many concurrent writes`);
}
