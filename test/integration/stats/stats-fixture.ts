import { randomUUID } from 'node:crypto';
import type { Agency } from '../../../src/domain/agency';
import type { Channel, Complaint, HistoryEvent, NewComplaint } from '../../../src/domain/complaint';
import type { ComplaintStore } from '../../../src/domain/ports/complaint-store';
import type { AgencyStore } from '../../../src/domain/ports/agency-store';
import type { ComplaintStatus } from '../../../src/domain/status';

/**
 * A small set of PAKN with known dates and outcomes, and the figures they must give (worked out by hand in
 * the comments of stats-report.test.ts). Times are local (UTC+7) so the day edges are visible: #13 was
 * received at 00:30 on 1 March local time (still 28 February in UTC), #14 at 23:30 on 28 February local.
 */
export const NOW = local('2026-03-31T10:00');

export function local(isoMinute: string): Date {
  return new Date(`${isoMinute}:00+07:00`);
}

export const AGENCIES: Agency[] = [
  {
    code: 'vpcp',
    name: 'Văn phòng Chính phủ',
    kind: 'central',
    parent: null,
    reviewBeforePublish: false,
    active: true,
  },
  {
    code: 'btc',
    name: 'Bộ Tài chính',
    kind: 'ministry',
    parent: 'vpcp',
    reviewBeforePublish: false,
    active: true,
  },
  {
    code: 'btc.tchq',
    name: 'Tổng cục Hải quan',
    kind: 'unit',
    parent: 'btc',
    reviewBeforePublish: false,
    active: true,
  },
  {
    code: 'btc.kbnn',
    name: 'Kho bạc Nhà nước',
    kind: 'unit',
    parent: 'btc',
    reviewBeforePublish: false,
    active: true,
  },
  {
    code: 'hno',
    name: 'UBND thành phố Hà Nội',
    kind: 'province',
    parent: 'vpcp',
    reviewBeforePublish: false,
    active: true,
  },
  {
    code: 'hno.sxd',
    name: 'Sở Xây dựng Hà Nội',
    kind: 'unit',
    parent: 'hno',
    reviewBeforePublish: false,
    active: true,
  },
  // A code that starts like `btc` but is not under it: a naive prefix match would count it for btc.
  {
    code: 'btcx',
    name: 'Cơ quan thử nghiệm',
    kind: 'ministry',
    parent: 'vpcp',
    reviewBeforePublish: false,
    active: true,
  },
  // Nothing filed: must still show as a zero row.
  {
    code: 'bct',
    name: 'Bộ Công Thương',
    kind: 'ministry',
    parent: 'vpcp',
    reviewBeforePublish: false,
    active: true,
  },
];

export interface FixtureRow {
  n: number;
  owner: string;
  channel: Channel;
  category: string;
  created: string;
  due: string;
  /** Final status; `answered` needs `answered`. */
  status: ComplaintStatus;
  answered?: string;
}

export const ROWS: FixtureRow[] = [
  {
    n: 1,
    owner: 'btc.tchq',
    channel: 'telegram',
    category: 'tthc',
    created: '2026-03-02T09:00',
    due: '2026-03-20T23:59',
    status: 'answered',
    answered: '2026-03-05T09:00',
  },
  {
    n: 2,
    owner: 'btc.tchq',
    channel: 'zalo',
    category: 'tthc',
    created: '2026-03-03T09:00',
    due: '2026-03-20T23:59',
    status: 'answered',
    answered: '2026-03-13T09:00',
  },
  {
    n: 3,
    owner: 'btc.tchq',
    channel: 'web',
    category: 'chinh_sach',
    created: '2026-03-04T09:00',
    due: '2026-03-10T23:59',
    status: 'answered',
    answered: '2026-03-24T09:00',
  },
  {
    n: 4,
    owner: 'btc',
    channel: 'telegram',
    category: 'can_bo',
    created: '2026-03-10T09:00',
    due: '2026-04-10T23:59',
    status: 'processing',
  },
  {
    n: 5,
    owner: 'btc.kbnn',
    channel: 'sms',
    category: 'tthc',
    created: '2026-03-15T09:00',
    due: '2026-03-25T23:59',
    status: 'received',
  },
  {
    n: 6,
    owner: 'hno.sxd',
    channel: 'web',
    category: 'khac',
    created: '2026-03-16T09:00',
    due: '2026-04-15T23:59',
    status: 'answered',
    answered: '2026-03-17T09:00',
  },
  {
    n: 7,
    owner: 'hno',
    channel: 'zalo',
    category: 'tthc',
    created: '2026-03-20T09:00',
    due: '2026-04-20T23:59',
    status: 'rejected',
  },
  {
    n: 8,
    owner: 'btc.tchq',
    channel: 'web',
    category: 'tthc',
    created: '2026-02-20T09:00',
    due: '2026-03-15T23:59',
    status: 'answered',
    answered: '2026-03-01T06:00',
  },
  {
    n: 9,
    owner: 'hno.sxd',
    channel: 'telegram',
    category: 'sang_kien',
    created: '2026-01-05T09:00',
    due: '2026-02-05T23:59',
    status: 'awaiting_info',
  },
  {
    n: 10,
    owner: 'btc',
    channel: 'web',
    category: 'tthc',
    created: '2026-03-31T08:00',
    due: '2026-04-28T23:59',
    status: 'received',
  },
  {
    n: 11,
    owner: 'vpcp',
    channel: 'web',
    category: 'khac',
    created: '2026-03-25T09:00',
    due: '2026-04-22T23:59',
    status: 'received',
  },
  {
    n: 12,
    owner: 'btcx',
    channel: 'web',
    category: 'tthc',
    created: '2026-03-05T09:00',
    due: '2026-03-25T23:59',
    status: 'answered',
    answered: '2026-03-06T09:00',
  },
  {
    n: 13,
    owner: 'hno',
    channel: 'web',
    category: 'khac',
    created: '2026-03-01T00:30',
    due: '2026-03-29T23:59',
    status: 'rejected',
  },
  {
    n: 14,
    owner: 'hno',
    channel: 'web',
    category: 'khac',
    created: '2026-02-28T23:30',
    due: '2026-03-28T23:59',
    status: 'rejected',
  },
];

function history(
  type: HistoryEvent['type'],
  at: Date,
  owner: string,
  status?: ComplaintStatus,
): HistoryEvent {
  return {
    id: randomUUID(),
    at,
    type,
    actor: type === 'received' ? { kind: 'citizen' } : { kind: 'officer', id: 'test', agency: owner },
    toOwner: owner,
    status,
  };
}

function draftOf(r: FixtureRow): NewComplaint {
  const createdAt = local(r.created);
  return {
    title: `PAKN thử nghiệm số ${r.n}`,
    content: `Nội dung PAKN thử nghiệm số ${r.n}, không được xuất hiện trong thống kê công khai.`,
    category: r.category,
    attachments: [],
    submitter: {
      name: 'Nguyễn Văn A',
      phone: '0912345678',
      consentProcessing: true,
      consentPublishName: false,
    },
    channelRef: { channel: r.channel, userId: `u${r.n}`, conversationId: `c${r.n}` },
    locale: 'vi',
    owner: r.owner,
    dueAt: local(r.due),
    createdAt,
    history: [history('received', createdAt, r.owner, 'received')],
  };
}

/** Writes one PAKN through the store's public API and moves it to its final status by allowed steps. */
export async function writeRow(store: ComplaintStore, r: FixtureRow): Promise<Complaint> {
  let c = await store.create(draftOf(r));
  const step = new Date(local(r.created).getTime() + 3_600_000);
  if (r.status === 'answered') {
    const at = local(r.answered!);
    c = await store.update(c.code, c.version, {
      status: 'answered',
      answeredAt: at,
      answer: {
        text: 'Trả lời thử nghiệm',
        attachments: [],
        by: 'test',
        agency: r.owner,
        at,
        publishRequested: false,
        published: false,
      },
      appendHistory: [history('answered', at, r.owner, 'answered')],
      at,
    });
  } else if (r.status === 'rejected') {
    c = await store.update(c.code, c.version, {
      status: 'rejected',
      rejection: { reason: 'out_of_scope' },
      appendHistory: [history('rejected', step, r.owner, 'rejected')],
      at: step,
    });
  } else if (r.status !== 'received') {
    c = await store.update(c.code, c.version, {
      status: r.status,
      appendHistory: [history('note', step, r.owner, r.status)],
      at: step,
    });
  }
  return c;
}

export async function loadFixture(stores: {
  complaints: ComplaintStore;
  agencies: AgencyStore;
}): Promise<void> {
  for (const a of AGENCIES) await stores.agencies.upsert(a);
  for (const r of ROWS) await writeRow(stores.complaints, r);
}
