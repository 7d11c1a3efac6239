import type { ChannelRef, Complaint } from '../../domain/complaint';
import type { AgencyStore } from '../../domain/ports/agency-store';
import type { ComplaintStore } from '../../domain/ports/complaint-store';
import type { ComplaintStatus } from '../../domain/status';
import { parseTrackingCode, type TrackingCode } from '../../domain/tracking-code';

/** What a citizen may see of a PAKN when they give its code. */
export interface StatusView {
  code: TrackingCode;
  status: ComplaintStatus;
  owner: string;
  ownerName: string;
  receivedAt: Date;
  dueAt: Date;
  answeredAt?: Date;
  /** True when the asking chat is the one the PAKN was filed from. */
  isSubmitterChat: boolean;
  /** Shown to the submitting chat only. */
  title?: string;
  /** The answer: to the submitting chat, or to anyone once published. */
  answer?: { text: string; at: Date; published: boolean };
  /** The officer's latest request for information, to the submitting chat while awaiting it. */
  infoRequest?: string;
  rejectionReason?: string;
}

export type LookupResult =
  | { kind: 'invalid'; reason: 'format' | 'checksum' }
  | { kind: 'not_found'; code: TrackingCode }
  | { kind: 'found'; view: StatusView };

export interface LookupDeps {
  complaints: ComplaintStore;
  agencies: AgencyStore;
}

export function isSameChat(c: Complaint, who: ChannelRef): boolean {
  return c.channelRef.channel === who.channel && c.channelRef.conversationId === who.conversationId;
}

export function latestInfoRequest(c: Complaint): string | undefined {
  for (let i = c.history.length - 1; i >= 0; i--) {
    const h = c.history[i]!;
    if (h.type === 'info_requested')
      return h.note ?? (typeof h.data?.message === 'string' ? h.data.message : undefined);
  }
  return undefined;
}

/**
 * Status by code (NĐ 20 Điều 12: the sender may ask at any time). A code with the right shape but a
 * wrong check symbol is a typo (`checksum`), told apart from a well-formed code that is not on file.
 */
export async function lookupComplaint(
  deps: LookupDeps,
  input: string,
  who: ChannelRef,
): Promise<LookupResult> {
  const parsed = parseTrackingCode(input);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const c = await deps.complaints.getByCode(parsed.code);
  if (!c) return { kind: 'not_found', code: parsed.code };
  const mine = isSameChat(c, who);
  const agency = await deps.agencies.get(c.owner);
  const view: StatusView = {
    code: c.code,
    status: c.status,
    owner: c.owner,
    ownerName: agency?.name ?? c.owner,
    receivedAt: c.createdAt,
    dueAt: c.dueAt,
    answeredAt: c.answeredAt,
    isSubmitterChat: mine,
  };
  if (mine) view.title = c.title;
  if (c.answer && c.status === 'answered' && (mine || c.answer.published)) {
    view.answer = { text: c.answer.text, at: c.answer.at, published: c.answer.published };
  }
  if (mine && c.status === 'awaiting_info') view.infoRequest = latestInfoRequest(c);
  if (mine && c.status === 'rejected') view.rejectionReason = c.rejection?.reason;
  return { kind: 'found', view };
}
