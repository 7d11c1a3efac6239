import type { Agency } from '../../domain/agency';
import type { Complaint } from '../../domain/complaint';
import type { AgencyStore, ComplaintStore } from '../../domain/ports';
import type { ComplaintStatus } from '../../domain/status';
import { formatTrackingCode, parseTrackingCode } from '../../domain/tracking-code';
import { maskForPublication, maskPersonalText, publicName } from './masking';

/** What anyone may read about a PAKN by its code: no personal data, the answer only once published. */
export interface PublicComplaintView {
  code: string;
  status: ComplaintStatus;
  category: string;
  agency: { code: string; name: string };
  receivedAt: Date;
  updatedAt: Date;
  dueAt: Date;
  answeredAt?: Date;
  rejection?: { reason: string; duplicateOf?: string };
  answer?: PublicAnswer;
}

export interface PublicAnswer {
  text: string;
  agency: { code: string; name: string };
  publishedAt?: Date;
  attachments: Array<{ name: string; mediaType: string; size: number }>;
}

export interface PublishedItem {
  code: string;
  title: string;
  content: string;
  category: string;
  /** Initials when the citizen allowed their name to be shown. */
  sender?: string;
  receivedAt: Date;
  answer: PublicAnswer;
}

export type LookupResult =
  { ok: true; view: PublicComplaintView } | { ok: false; reason: 'format' | 'checksum' | 'unknown' };

/** Read side for citizens and the public portal (NĐ 20 Điều 12 and 19). */
export class PublicQueries {
  constructor(private readonly deps: { complaints: ComplaintStore; agencies: AgencyStore }) {}

  async lookup(input: string): Promise<LookupResult> {
    const parsed = parseTrackingCode(input);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    const c = await this.deps.complaints.getByCode(parsed.code);
    if (!c) return { ok: false, reason: 'unknown' };
    const agency = await this.agencyRef(c.owner);
    const view: PublicComplaintView = {
      code: formatTrackingCode(c.code),
      status: c.status,
      category: c.category,
      agency,
      receivedAt: c.createdAt,
      updatedAt: c.updatedAt,
      dueAt: c.dueAt,
      ...(c.answeredAt ? { answeredAt: c.answeredAt } : {}),
      ...(c.rejection
        ? {
            rejection: {
              reason: c.rejection.reason,
              ...(c.rejection.duplicateOf
                ? { duplicateOf: formatTrackingCode(c.rejection.duplicateOf) }
                : {}),
            },
          }
        : {}),
    };
    if (c.answer?.published) view.answer = await this.publicAnswer(c);
    return { ok: true, view };
  }

  async publishedAnswers(
    query: { q?: string; category?: string; agency?: string },
    page: { limit: number; offset: number },
  ): Promise<{ items: PublishedItem[]; total: number; totalCapped?: boolean }> {
    const q = query.q ? safeSearchText(query.q) : undefined;
    const result = await this.deps.complaints.list(
      {
        published: true,
        ...(q ? { q } : {}),
        ...(query.category ? { category: [query.category] } : {}),
        ...(query.agency ? { ownerSubtree: query.agency } : {}),
      },
      page,
    );
    const items: PublishedItem[] = [];
    for (const row of result.items) {
      const c = await this.deps.complaints.getByCode(row.code);
      if (!c?.answer?.published) continue;
      const sender = publicName(c.submitter.name, c.submitter.consentPublishName);
      items.push({
        code: formatTrackingCode(c.code),
        title: maskForPublication(c.title, c.submitter),
        content: maskForPublication(c.content, c.submitter),
        category: c.category,
        ...(sender ? { sender } : {}),
        receivedAt: c.createdAt,
        answer: await this.publicAnswer(c),
      });
    }
    return { items, total: result.total, ...(result.totalCapped ? { totalCapped: true } : {}) };
  }

  private async publicAnswer(c: Complaint): Promise<PublicAnswer> {
    const a = c.answer!;
    return {
      text: maskForPublication(a.text, c.submitter),
      agency: await this.agencyRef(a.agency),
      ...(a.publishedAt ? { publishedAt: a.publishedAt } : {}),
      attachments: a.attachments.map((f) => ({ name: f.name, mediaType: f.mediaType, size: f.size })),
    };
  }

  private readonly agencyCache = new Map<string, { at: number; agency: Agency | null }>();
  private async agencyRef(code: string): Promise<{ code: string; name: string }> {
    const hit = this.agencyCache.get(code);
    let agency = hit && Date.now() - hit.at < 60_000 ? hit.agency : undefined;
    if (agency === undefined) {
      agency = await this.deps.agencies.get(code);
      this.agencyCache.set(code, { at: Date.now(), agency });
    }
    return { code, name: agency?.name ?? code };
  }
}

/**
 * The public search must not become a way to ask "did this phone number write to you?": phone numbers,
 * e-mails and ID numbers are dropped from the query before it reaches the store.
 */
export function safeSearchText(q: string): string | undefined {
  const cleaned = maskPersonalText(q.normalize('NFC'))
    .replace(/\*\*\*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length ? cleaned : undefined;
}
