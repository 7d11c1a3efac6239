import { randomUUID } from 'node:crypto';
import type { Attachment, ChannelRef, Complaint } from '../../domain/complaint';
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from '../../domain/errors';
import type { DomainEvent } from '../../domain/events';
import { checkAttachmentCount, checkContent, DEFAULT_LIMITS, type Limits } from '../../domain/limits';
import type { Clock } from '../../domain/ports/clock';
import type { ComplaintStore } from '../../domain/ports/complaint-store';
import { assertTransition } from '../../domain/status';
import { isSameChat, latestInfoRequest } from './lookup-complaint';

export interface SupplementDeps {
  complaints: ComplaintStore;
  clock: Clock;
  limits?: Limits;
}

export interface AwaitingInfo {
  code: string;
  title: string;
  request?: string;
}

/** Which of these codes (the ones this chat filed) wait for the citizen's information. */
export async function findAwaitingInfo(
  deps: Pick<SupplementDeps, 'complaints'>,
  codes: readonly string[],
  who: ChannelRef,
): Promise<AwaitingInfo[]> {
  const out: AwaitingInfo[] = [];
  for (const code of codes) {
    const c = await deps.complaints.getByCode(code);
    if (c && c.status === 'awaiting_info' && isSameChat(c, who)) {
      out.push({ code: c.code, title: c.title, request: latestInfoRequest(c) });
    }
  }
  return out;
}

export interface SupplementInput {
  code: string;
  who: ChannelRef;
  /** All the text of the reply; may be empty when files were sent. */
  text: string;
  attachments: Attachment[];
}

/**
 * Appends the citizen's reply to the same PAKN (same code), puts it back to `processing` and records
 * a `complaint.supplemented` event with it. The reply obeys the intake limits: its text at most the
 * content limit, at most the file limit. Only the chat that filed it may supplement.
 */
export async function supplementComplaint(deps: SupplementDeps, input: SupplementInput): Promise<Complaint> {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const text = input.text.trim() ? checkContent(input.text, limits) : '';
  if (!text && input.attachments.length === 0) throw new ValidationError('bot:errors.supplement_empty');
  checkAttachmentCount(0, input.attachments.length, limits);

  for (let attempt = 0; ; attempt++) {
    const c = await deps.complaints.getByCode(input.code);
    if (!c) throw new NotFoundError('complaint', input.code);
    if (!isSameChat(c, input.who)) throw new ForbiddenError('not the submitting chat');
    if (c.status !== 'awaiting_info') throw new ValidationError('bot:errors.supplement_not_awaiting');
    assertTransition(c.status, 'processing');
    const now = deps.clock.now();
    const requestId = [...c.history].reverse().find((h) => h.type === 'info_requested')?.id;
    const event: DomainEvent = {
      id: randomUUID(),
      type: 'complaint.supplemented',
      code: c.code,
      at: now,
      data: { owner: c.owner, files: input.attachments.length },
    };
    try {
      return await deps.complaints.update(
        c.code,
        c.version,
        {
          at: now,
          status: 'processing',
          appendSupplements: [
            { at: now, text, attachments: input.attachments.map((a) => ({ ...a })), inReplyTo: requestId },
          ],
          appendHistory: [
            {
              id: randomUUID(),
              at: now,
              type: 'supplemented',
              actor: { kind: 'citizen' },
              status: 'processing',
            },
          ],
        },
        [event],
      );
    } catch (err) {
      // An officer wrote at the same moment: read again and re-check, a few times at most.
      if (err instanceof VersionConflictError && attempt < 3) continue;
      throw err;
    }
  }
}
