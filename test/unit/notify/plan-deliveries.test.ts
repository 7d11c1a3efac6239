import type { Complaint } from '../../../src/domain/complaint';
import type { DomainEvent, DomainEventType } from '../../../src/domain/events';
import type { TrackingCode } from '../../../src/domain/tracking-code';
import {
  deliveryJobId,
  noticeFor,
  planDeliveries,
  rateKeyFor,
  type DeliveryRoute,
} from '../../../src/jobs/workers';
import { renderNotice } from '../../../src/notify/render';

const ALL = new Set<DeliveryRoute>(['telegram', 'zalo', 'web', 'sms', 'email']);

function complaint(over: Partial<Complaint> = {}): Complaint {
  const at = new Date('2026-11-02T03:00:00Z');
  return {
    code: 'ABCD1234' as TrackingCode,
    title: 'Đường ngập',
    content: 'Nội dung',
    category: 'khac',
    attachments: [],
    submitter: {
      name: 'Nguyễn Văn An',
      phone: '0912345678',
      email: 'an@example.vn',
      consentProcessing: true,
      consentPublishName: false,
    },
    channelRef: { channel: 'telegram', userId: '7', conversationId: '7' },
    locale: 'vi',
    status: 'processing',
    owner: 'hno.sxd',
    coordinators: [],
    dueAt: new Date('2026-11-30T16:59:59.999Z'),
    supplements: [],
    notes: [],
    history: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
const ev = (type: DomainEventType, data: Record<string, unknown> = {}): DomainEvent => ({
  id: 'e1',
  type,
  code: 'ABCD1234' as TrackingCode,
  at: new Date(),
  data,
});
const routes = (c: Complaint, type: DomainEventType, data?: Record<string, unknown>, available = ALL) => {
  const intent = noticeFor(ev(type, data), c);
  return intent
    ? planDeliveries(intent, c, available)
        .map((j) => j.route)
        .sort()
    : null;
};

describe('noticeFor / planDeliveries', () => {
  it('should acknowledge receipt by e-mail and SMS but not in the chat that already showed the code', () => {
    expect(routes(complaint(), 'complaint.received')).toEqual(['email', 'sms']);
  });

  it('should send an answer everywhere the citizen can be reached', () => {
    const c = complaint({
      history: [
        { id: 'h', at: new Date(), type: 'answered', actor: { kind: 'officer' }, data: { published: false } },
      ],
    });
    expect(routes(c, 'complaint.answered')).toEqual(['email', 'sms', 'telegram']);
  });

  it('should hold an answer waiting for review until it is published, then send it with its text once', () => {
    const c = complaint({
      history: [
        {
          id: 'h',
          at: new Date(),
          type: 'answered',
          actor: { kind: 'officer' },
          data: { reviewAgency: 'hno' },
        },
      ],
    });
    expect(routes(c, 'complaint.answered')).toBeNull();
    const intent = noticeFor(ev('complaint.published'), c)!;
    expect(intent.withAnswer).toBe(true);
    expect(
      planDeliveries(intent, c, ALL)
        .map((j) => j.route)
        .sort(),
    ).toEqual(['email', 'sms', 'telegram']);
  });

  it('should not text a publication notice when the answer itself was already sent', () => {
    const c = complaint({
      history: [{ id: 'h', at: new Date(), type: 'answered', actor: { kind: 'officer' }, data: {} }],
    });
    expect(routes(c, 'complaint.published')).toEqual(['email', 'telegram']);
  });

  it('should tell moves between agencies in chat and by e-mail only, naming the new owner', () => {
    expect(routes(complaint(), 'complaint.transferred', { owner: 'btc' })).toEqual(['email', 'telegram']);
    expect(noticeFor(ev('complaint.transferred', { owner: 'btc' }), complaint())!.agency).toBe('btc');
    expect(noticeFor(ev('complaint.returned', { owner: 'vpcp' }), complaint())!.agency).toBe('vpcp');
    expect(noticeFor(ev('complaint.forwarded', { owner: 'hno.sxd' }), complaint())!.agency).toBe('hno.sxd');
  });

  it('should ignore internal events', () => {
    for (const t of ['complaint.supplemented', 'complaint.review_returned', 'complaint.unpublished'] as const)
      expect(routes(complaint(), t)).toBeNull();
  });

  it('should skip routes that are off or contacts that are missing', () => {
    const c = complaint({ submitter: { name: 'X', consentProcessing: true, consentPublishName: false } });
    expect(routes(c, 'complaint.info_requested', {}, new Set(['telegram', 'email']))).toEqual(['telegram']);
    expect(routes(complaint(), 'complaint.info_requested', {}, new Set(['zalo']))).toEqual([]);
  });

  it('should send one SMS to a citizen who filed by SMS', () => {
    const c = complaint({
      channelRef: { channel: 'sms', userId: '0912345678', conversationId: '0912345678' },
    });
    expect(routes(c, 'complaint.received')).toEqual(['email', 'sms']);
  });

  it('should key chat jobs by chat and others by PAKN, with ids per event and route', () => {
    const c = complaint();
    expect(rateKeyFor('telegram', c)).toBe('telegram:7');
    expect(rateKeyFor('email', c)).toBe('email:ABCD1234');
    expect(deliveryJobId({ eventId: 'e1', route: 'sms' })).toBe('e1:sms');
    expect(deliveryJobId({ eventId: 'e1', route: 'sms', fallbackFrom: 'zalo' })).toBe('e1:zalo-sms');
  });
});

describe('renderNotice', () => {
  it('should render a rejection reason in the citizen language', () => {
    const c = complaint({ status: 'rejected', rejection: { reason: 'duplicate', duplicateOf: 'WXYZ5678' } });
    const vi = renderNotice({
      kind: 'rejected',
      complaint: c,
      locale: 'vi',
      agencyName: 'Sở Xây dựng',
      publicBaseUrl: 'https://x',
    });
    expect(vi.text).toContain('trùng với PAKN WXYZ-5678');
    expect(vi.subject).toBe('PAKN ABCD-1234 không được tiếp nhận');
    const en = renderNotice({
      kind: 'rejected',
      complaint: { ...c, locale: 'en' },
      locale: 'en',
      agencyName: 'x',
      publicBaseUrl: 'https://x',
    });
    expect(en.text).toContain('duplicate of feedback WXYZ-5678');
  });

  it('should give the Vietnamese due date and link', () => {
    const r = renderNotice({
      kind: 'received',
      complaint: complaint(),
      locale: 'vi',
      agencyName: 'x',
      publicBaseUrl: 'https://pakn.gov.vn',
    });
    expect(r.text).toContain('30/11/2026');
    expect(r.emailText).toContain('https://pakn.gov.vn/api/public/complaints/ABCD1234');
    expect(r.sms).toBe(
      'PAKN ABCD-1234 đã được tiếp nhận. Hạn trả lời: 30/11/2026. Tra cứu: gửi mã ABCD-1234.',
    );
  });
});
