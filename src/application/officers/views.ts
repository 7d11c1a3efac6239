import type { Agency } from '../../domain/agency';
import { isInSubtree } from '../../domain/agency';
import type { Channel } from '../../domain/complaint';
import type { ComplaintStatus } from '../../domain/status';
import type { ComplaintFilter } from '../../domain/ports';
import type { Officer } from './officer';

/** The officers' lists (slides 24, 31, 32): each is a filter over what the officer's subtree holds. */
export const InboxView = {
  New: 'new',
  Forwarded: 'forwarded',
  Direct: 'direct',
  AwaitingInfo: 'awaiting_info',
  Answered: 'answered',
  Overdue: 'overdue',
  /** Led by another unit, with my unit among the coordinating units of a forward. */
  Coordinating: 'coordinating',
} as const;
export type InboxView = (typeof InboxView)[keyof typeof InboxView];
export const INBOX_VIEWS: readonly InboxView[] = Object.values(InboxView);

export interface InboxQuery {
  view?: InboxView;
  status?: ComplaintStatus[];
  category?: string[];
  channel?: Channel[];
  from?: Date;
  to?: Date;
  overdue?: boolean;
  q?: string;
}

/**
 * Builds the store filter of a view. `units` are the agencies strictly below the officer's (for
 * "forwarded"); returns `null` when the view is empty by construction (no sub-units).
 *
 * Every view stays inside the officer's subtree except "coordinating": there the lead owner is another
 * unit (a sibling), and what bounds it is my agency being a coordinator — exactly what `canSee` allows.
 */
export function inboxFilter(
  officer: Officer,
  query: InboxQuery,
  now: Date,
  agencies: readonly Agency[],
): ComplaintFilter | null {
  const me = officer.agency;
  // The subtree stays in every filter, also where `owners` narrows it: it is what the store's indexes
  // serve best (owner root + status), and it keeps a view from ever reaching outside the subtree.
  const base: ComplaintFilter = query.view === 'coordinating' ? { coordinator: me } : { ownerSubtree: me };
  switch (query.view) {
    case 'new':
      Object.assign(base, { owners: [me], status: ['received'] });
      break;
    case 'forwarded': {
      const units = agencies.filter((a) => a.code !== me && isInSubtree(a.code, me)).map((a) => a.code);
      if (units.length === 0) return null;
      Object.assign(base, { owners: units });
      break;
    }
    case 'direct':
      Object.assign(base, { owners: [me], status: ['processing'] });
      break;
    case 'awaiting_info':
      base.status = ['awaiting_info'];
      break;
    case 'answered':
      base.status = ['answered'];
      break;
    case 'overdue':
      base.overdueAt = now;
      break;
    default:
      break;
  }
  if (query.status?.length) {
    // A status filter narrows a view; it never widens it.
    base.status = base.status ? base.status.filter((s) => query.status!.includes(s)) : [...query.status];
    if (base.status.length === 0) return null;
  }
  if (query.category?.length) base.category = [...query.category];
  if (query.channel?.length) base.channel = [...query.channel];
  if (query.from) base.from = query.from;
  if (query.to) base.to = query.to;
  if (query.overdue) base.overdueAt = now;
  if (query.q?.trim()) base.q = query.q.trim();
  return base;
}
