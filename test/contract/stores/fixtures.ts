import { randomUUID } from 'node:crypto';
import type { Answer, Channel, HistoryEvent, NewComplaint } from '../../../src/domain/complaint';
import type { DomainEvent, DomainEventType } from '../../../src/domain/events';
import type { TrackingCode } from '../../../src/domain/tracking-code';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A fixed origin so no test depends on today's date. */
export const T0 = new Date('2025-03-03T02:00:00.000Z');
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

export interface DraftOverrides {
  title?: string;
  content?: string;
  category?: string;
  owner?: string;
  channel?: Channel;
  createdAt?: Date;
  dueAt?: Date;
  phone?: string;
  email?: string;
  requestedAgency?: string;
  location?: string;
}

export function receivedEvent(createdAt: Date, owner: string): HistoryEvent {
  return {
    id: randomUUID(),
    at: createdAt,
    type: 'received',
    actor: { kind: 'citizen' },
    toOwner: owner,
    status: 'received',
  };
}

export function draft(o: DraftOverrides = {}): NewComplaint {
  const createdAt = o.createdAt ?? T0;
  const owner = o.owner ?? 'vpcp';
  const d: NewComplaint = {
    title: o.title ?? 'Phản ánh về thủ tục cấp phép',
    content: o.content ?? 'Nội dung phản ánh mẫu',
    category: o.category ?? 'tthc',
    attachments: [],
    submitter: {
      name: 'Nguyễn Văn A',
      phone: o.phone,
      email: o.email,
      consentProcessing: true,
      consentPublishName: false,
    },
    channelRef: { channel: o.channel ?? 'telegram', userId: 'u1', conversationId: 'c1' },
    locale: 'vi',
    owner,
    dueAt: o.dueAt ?? new Date(createdAt.getTime() + 10 * DAY),
    createdAt,
    history: [receivedEvent(createdAt, owner)],
  };
  if (d.submitter.phone === undefined) delete d.submitter.phone;
  if (d.submitter.email === undefined) delete d.submitter.email;
  if (o.requestedAgency !== undefined) d.requestedAgency = o.requestedAgency;
  if (o.location !== undefined) d.location = o.location;
  return d;
}

export function event(
  code: string,
  type: DomainEventType = 'complaint.received',
  data: Record<string, unknown> = {},
): DomainEvent {
  return { id: randomUUID(), type, code: code as TrackingCode, at: T0, data };
}

export function answer(atDate: Date, published = false): Answer {
  return {
    text: 'Trả lời: đã xử lý',
    attachments: [],
    by: 'btc.tchq.nl',
    agency: 'btc.tchq',
    at: atDate,
    publishRequested: published,
    published,
    ...(published ? { publishedAt: atDate } : {}),
  };
}
