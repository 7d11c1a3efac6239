import { addDays, type DeadlineRules } from '../../src/domain/deadlines';
import type { Attachment, Complaint, ComplaintSummary } from '../../src/domain/complaint';
import { OPEN_STATUSES } from '../../src/domain/status';
import { formatTrackingCode } from '../../src/domain/tracking-code';

export function fileUrl(code: string, key: string): string {
  return `/api/admin/complaints/${code}/files/${key}`;
}

function withUrls(code: string, files: readonly Attachment[]) {
  return files.map((f) => ({
    name: f.name,
    mediaType: f.mediaType,
    size: f.size,
    sha256: f.sha256,
    url: fileUrl(code, f.storageKey),
  }));
}

function historyDocument(data: Record<string, unknown> | undefined): Attachment | undefined {
  const d = data?.document as Attachment | undefined;
  return d && typeof d.storageKey === 'string' ? d : undefined;
}

/** Every stored file the PAKN refers to, so the download route serves nothing else. */
export function filesOf(c: Complaint): Attachment[] {
  return [
    ...c.attachments,
    ...c.supplements.flatMap((s) => s.attachments),
    ...(c.answer?.attachments ?? []),
    ...c.history.map((h) => historyDocument(h.data)).filter((d): d is Attachment => !!d),
  ];
}

export function isOverdue(c: Pick<Complaint, 'status' | 'dueAt'>, now: Date): boolean {
  return OPEN_STATUSES.includes(c.status) && c.dueAt.getTime() < now.getTime();
}

/** The officers' detail view: everything the citizen gave, the files behind authorised URLs, the history. */
export function toDetail(c: Complaint, now: Date, rules?: DeadlineRules) {
  // NĐ 20 Điều 9: outside the agency's competence, transfer within `forwardDays` of receipt.
  const transferDueAt = rules ? addDays(c.createdAt, rules.forwardDays, rules) : undefined;
  return {
    code: c.code,
    displayCode: formatTrackingCode(c.code),
    version: c.version,
    status: c.status,
    title: c.title,
    content: c.content,
    category: c.category,
    requestedAgency: c.requestedAgency,
    location: c.location,
    owner: c.owner,
    coordinators: c.coordinators,
    dueAt: c.dueAt,
    overdue: isOverdue(c, now),
    transferDueAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    answeredAt: c.answeredAt,
    channel: c.channelRef.channel,
    locale: c.locale,
    submitter: c.submitter,
    attachments: withUrls(c.code, c.attachments),
    supplements: c.supplements.map((s) => ({
      at: s.at,
      text: s.text,
      inReplyTo: s.inReplyTo,
      attachments: withUrls(c.code, s.attachments),
    })),
    answer: c.answer ? { ...c.answer, attachments: withUrls(c.code, c.answer.attachments) } : undefined,
    rejection: c.rejection,
    notes: c.notes,
    history: c.history.map((h) => {
      const doc = historyDocument(h.data);
      return doc ? { ...h, data: { ...h.data, document: withUrls(c.code, [doc])[0] } } : h;
    }),
  };
}

export function toListItem(s: ComplaintSummary, now: Date) {
  return {
    code: s.code,
    displayCode: formatTrackingCode(s.code),
    title: s.title,
    category: s.category,
    status: s.status,
    owner: s.owner,
    channel: s.channel,
    dueAt: s.dueAt.toISOString(),
    overdue: isOverdue(s, now),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    answeredAt: s.answeredAt?.toISOString(),
    published: s.published,
    version: s.version,
  };
}

export const listItemSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    displayCode: { type: 'string' },
    title: { type: 'string' },
    category: { type: 'string' },
    status: { type: 'string' },
    owner: { type: 'string' },
    channel: { type: 'string' },
    dueAt: { type: 'string', format: 'date-time' },
    overdue: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    answeredAt: { type: 'string', format: 'date-time' },
    published: { type: 'boolean' },
    version: { type: 'integer' },
  },
} as const;

export const detailSchema = {
  type: 'object',
  additionalProperties: true,
  description:
    'The whole PAKN as officers see it: submitter, files (with authorised download URLs), supplements, answer, notes, history, owner, dueAt, version',
  properties: {
    code: { type: 'string' },
    version: { type: 'integer' },
    status: { type: 'string' },
    owner: { type: 'string' },
    dueAt: { type: 'string', format: 'date-time' },
  },
} as const;
