import {
  applyChange,
  type Complaint,
  type NewComplaint,
  type ComplaintSummary,
  toSummary,
} from '../../../../src/domain/complaint';
import type { Agency } from '../../../../src/domain/agency';
import { isInSubtree } from '../../../../src/domain/agency';
import { NotFoundError, VersionConflictError } from '../../../../src/domain/errors';
import type { DomainEvent } from '../../../../src/domain/events';
import type {
  AgencyStore,
  ComplaintFilter,
  ComplaintStore,
  ConversationStorage,
  OutboxEntry,
  Page,
  PageRequest,
  StoreItems,
} from '../../../../src/domain/ports';
import { ETagConflictError } from '../../../../src/domain/ports';
import { generateTrackingCode, type TrackingCode } from '../../../../src/domain/tracking-code';

/** An in-memory ComplaintStore with the port's semantics, for unit tests of the use cases. */
export class InMemoryComplaintStore implements ComplaintStore {
  readonly rows = new Map<string, Complaint>();
  readonly outbox: DomainEvent[] = [];
  writes = 0;

  async create(draft: NewComplaint, events?: (code: string) => DomainEvent[]): Promise<Complaint> {
    const code = generateTrackingCode() as TrackingCode;
    const c: Complaint = {
      ...draft,
      code,
      status: 'received',
      coordinators: [],
      supplements: [],
      notes: [],
      version: 1,
      updatedAt: draft.createdAt,
    };
    this.rows.set(code, structuredClone(c));
    this.outbox.push(...(events?.(code) ?? []));
    return structuredClone(c);
  }
  async getByCode(code: string): Promise<Complaint | null> {
    const c = this.rows.get(code);
    return c ? structuredClone(c) : null;
  }
  async list(filter: ComplaintFilter, page: PageRequest): Promise<Page<ComplaintSummary>> {
    const all = [...this.rows.values()]
      .filter((c) => matches(c, filter))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const offset = page.offset ?? 0;
    return { items: all.slice(offset, offset + page.limit).map(toSummary), total: all.length };
  }
  async update(
    code: string,
    expectedVersion: number,
    change: Parameters<ComplaintStore['update']>[2],
    events: DomainEvent[] = [],
  ): Promise<Complaint> {
    const c = this.rows.get(code);
    if (!c) throw new NotFoundError('complaint', code);
    if (c.version !== expectedVersion) throw new VersionConflictError(code, expectedVersion, c.version);
    const next = applyChange(c, change);
    this.rows.set(code, structuredClone(next));
    this.outbox.push(...events);
    this.writes++;
    return structuredClone(next);
  }
  async findBySubmitter(contact: { phone?: string; email?: string }): Promise<Complaint[]> {
    return [...this.rows.values()]
      .filter(
        (c) =>
          (contact.phone && c.submitter.phone === contact.phone) ||
          (contact.email && c.submitter.email === contact.email),
      )
      .map((c) => structuredClone(c));
  }
  async countBy(): Promise<Array<{ key: string; count: number }>> {
    return [];
  }
  async countByDay(): Promise<Array<{ day: string; count: number }>> {
    return [];
  }
  async answerTimes() {
    return { answered: 0, onTime: 0, p50Ms: null, p90Ms: null };
  }
  async periodStats() {
    return {
      receivedByDay: [],
      byStatus: [],
      byChannel: [],
      byCategory: [],
      byOwner: [],
      answeredByDay: [],
      answeredByOwner: [],
      answered: 0,
      onTime: 0,
      p50Ms: null,
      p90Ms: null,
    };
  }
  async backlogStats() {
    return { open: 0, recentByDay: [], overdueByOwner: [] };
  }
  async pendingEvents(limit: number): Promise<OutboxEntry[]> {
    return this.outbox.slice(0, limit).map((event) => ({ event }));
  }
  async markEventsDispatched(): Promise<void> {}
}

function matches(c: Complaint, f: ComplaintFilter): boolean {
  if (f.ownerSubtree && !isInSubtree(c.owner, f.ownerSubtree)) return false;
  if (f.owners && !f.owners.includes(c.owner)) return false;
  if (f.coordinator && !c.coordinators.includes(f.coordinator)) return false;
  if (f.status && !f.status.includes(c.status)) return false;
  if (f.category && !f.category.includes(c.category)) return false;
  if (f.published !== undefined && (c.answer?.published ?? false) !== f.published) return false;
  if (
    f.overdueAt &&
    !(['received', 'processing', 'awaiting_info'].includes(c.status) && c.dueAt < f.overdueAt)
  )
    return false;
  if (f.q && !`${c.title} ${c.content}`.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

export class InMemoryAgencyStore implements AgencyStore {
  readonly rows = new Map<string, Agency>();
  constructor(agencies: Agency[] = []) {
    for (const a of agencies) this.rows.set(a.code, a);
  }
  async create(a: Agency) {
    this.rows.set(a.code, a);
    return a;
  }
  async upsert(a: Agency) {
    this.rows.set(a.code, a);
    return a;
  }
  async get(code: string) {
    return this.rows.get(code) ?? null;
  }
  async list() {
    return [...this.rows.values()];
  }
}

export class InMemoryKv implements ConversationStorage {
  private readonly items = new Map<string, Record<string, unknown>>();
  private seq = 0;
  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const k of keys) {
      const v = this.items.get(k);
      if (v) out[k] = structuredClone(v);
    }
    return out;
  }
  async write(changes: StoreItems): Promise<void> {
    for (const [k, v] of Object.entries(changes)) {
      const old = this.items.get(k);
      if (old && v.eTag && v.eTag !== '*' && v.eTag !== old.eTag) throw new ETagConflictError(k);
      this.items.set(k, { ...structuredClone(v), eTag: String(++this.seq) });
    }
  }
  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.items.delete(k);
  }
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
    code: 'hno',
    name: 'UBND TP Hà Nội',
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
];

export function newComplaint(overrides: Partial<NewComplaint> = {}): NewComplaint {
  const at = new Date('2026-03-02T03:00:00Z');
  return {
    title: 'Chậm cấp giấy phép xây dựng',
    content:
      'Tôi là Nguyễn Văn An, nộp hồ sơ đã 2 tháng chưa có kết quả. Liên hệ 0912 345 678 hoặc an@example.vn.',
    category: 'tthc',
    attachments: [],
    submitter: {
      name: 'Nguyễn Văn An',
      phone: '+84912345678',
      email: 'an@example.vn',
      consentProcessing: true,
      consentPublishName: true,
    },
    channelRef: { channel: 'telegram', userId: '111', conversationId: '111' },
    locale: 'vi',
    owner: 'btc',
    dueAt: new Date('2026-03-30T16:59:59.999Z'),
    createdAt: at,
    history: [{ id: 'h0', at, type: 'received', actor: { kind: 'citizen' } }],
    ...overrides,
  };
}

export class FixedClock {
  constructor(public t = new Date('2026-03-03T03:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}
