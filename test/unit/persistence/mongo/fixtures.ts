import type { Complaint, NewComplaint } from '../../../../src/domain/complaint';
import type { DomainEvent } from '../../../../src/domain/events';
import type { TrackingCode } from '../../../../src/domain/tracking-code';

const t = (iso: string) => new Date(iso);

export const CODE = 'ABCD1234' as TrackingCode;

/** A draft with every optional field set. */
export function fullDraft(): NewComplaint {
  return {
    title: 'Đường Láng ngập nước',
    content: 'Đoạn đường trước số 1 Đường Láng ngập sâu sau mưa, xe máy chết máy.',
    category: 'ha-tang',
    requestedAgency: 'hno',
    location: 'Đống Đa, Hà Nội',
    attachments: [
      {
        name: 'anh.jpg',
        mediaType: 'image/jpeg',
        size: 1234,
        sha256: 'a'.repeat(64),
        storageKey: 'a'.repeat(64),
      },
    ],
    submitter: {
      name: 'Nguyễn Văn A',
      phone: '0912345678',
      email: 'NguyenA@Example.vn',
      address: '1 Đường Láng',
      consentProcessing: true,
      consentPublishName: false,
    },
    channelRef: { channel: 'telegram', userId: '42', conversationId: '42' },
    locale: 'vi',
    owner: 'hno',
    dueAt: t('2026-12-10T10:00:00Z'),
    createdAt: t('2026-11-28T03:00:00Z'),
    history: [
      {
        id: 'h1',
        at: t('2026-11-28T03:00:00Z'),
        type: 'received',
        actor: { kind: 'citizen' },
        toOwner: 'hno',
        data: {},
      },
    ],
  };
}

/** A draft with no optional field. */
export function minimalDraft(): NewComplaint {
  return {
    title: 'Tiêu đề',
    content: 'Nội dung',
    category: 'khac',
    attachments: [],
    submitter: { name: 'B', consentProcessing: true, consentPublishName: true },
    channelRef: { channel: 'web', userId: 's1', conversationId: 's1' },
    locale: 'en',
    owner: 'vpcp',
    dueAt: t('2026-12-10T10:00:00Z'),
    createdAt: t('2026-11-28T03:00:00Z'),
    history: [],
  };
}

/** A PAKN that went through most of its life: forwarded, supplemented, answered with review, noted. */
export function fullComplaint(): Complaint {
  const d = fullDraft();
  return {
    code: CODE,
    title: d.title,
    content: d.content,
    category: d.category,
    requestedAgency: d.requestedAgency,
    location: d.location,
    attachments: d.attachments,
    submitter: d.submitter,
    channelRef: d.channelRef,
    locale: d.locale,
    status: 'answered',
    owner: 'hno.sxd',
    coordinators: ['hno.gtvt'],
    dueAt: d.dueAt,
    supplements: [
      { at: t('2026-11-29T01:00:00Z'), text: 'Thêm ảnh', attachments: d.attachments, inReplyTo: 'h2' },
      { at: t('2026-11-29T02:00:00Z'), text: 'Không có gì thêm', attachments: [] },
    ],
    answer: {
      text: 'Đã khắc phục',
      attachments: [],
      by: 'hno.sxd.cv',
      agency: 'hno.sxd',
      at: t('2026-12-01T08:00:00Z'),
      publishRequested: true,
      published: true,
      publishedAt: t('2026-12-02T08:00:00Z'),
      review: { state: 'approved', reviewer: 'hno.nl', at: t('2026-12-02T07:00:00Z') },
    },
    rejection: { reason: 'duplicate', duplicateOf: 'ZZZZ9999', note: 'x' },
    notes: [{ id: 'n1', at: t('2026-11-30T00:00:00Z'), by: 'hno.nl', agency: 'hno', text: 'gọi lại' }],
    history: [
      ...d.history,
      {
        id: 'h2',
        at: t('2026-11-28T05:00:00Z'),
        type: 'forwarded',
        actor: { kind: 'officer', id: 'hno.nl', agency: 'hno' },
        fromOwner: 'hno',
        toOwner: 'hno.sxd',
        status: 'processing',
        note: 'chuyển',
        data: { units: ['hno.sxd', 'hno.gtvt'], nested: { a: 1 } },
      },
    ],
    version: 7,
    createdAt: d.createdAt,
    updatedAt: t('2026-12-02T08:00:00Z'),
    answeredAt: t('2026-12-01T08:00:00Z'),
  };
}

export function event(id: string, at = '2026-11-28T03:00:00Z'): DomainEvent {
  return { id, type: 'complaint.received', code: CODE, at: t(at), data: { locale: 'vi' } };
}
