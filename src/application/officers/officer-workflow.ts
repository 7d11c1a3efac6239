import { randomUUID } from 'node:crypto';
import { CENTRAL_AGENCY, impliedParent, isInSubtree, type Agency } from '../../domain/agency';
import type { Answer, Attachment, Complaint, ComplaintChange, HistoryEvent } from '../../domain/complaint';
import { answerDueAt, type DeadlineRules } from '../../domain/deadlines';
import { ForbiddenError, NotFoundError, ValidationError, VersionConflictError } from '../../domain/errors';
import type { DomainEvent, DomainEventType } from '../../domain/events';
import { checkContent, type Limits } from '../../domain/limits';
import type { AgencyStore, Clock, ComplaintStore, Page } from '../../domain/ports';
import { assertTransition, type ComplaintStatus } from '../../domain/status';
import { parseTrackingCode, type TrackingCode } from '../../domain/tracking-code';
import type { ComplaintSummary } from '../../domain/complaint';
import {
  actorOf,
  assertCanHandle,
  assertCanNote,
  assertCanSee,
  assertCanTriage,
  type Officer,
} from './officer';
import { inboxFilter, type InboxQuery } from './views';

/** Reasons an officer may refuse a PAKN (RULES-VN: "Refusal reasons to offer"). */
export const REJECT_REASONS = [
  'not_vietnamese',
  'unclear',
  'missing_contact',
  'out_of_scope',
  'duplicate',
  'spam',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Answers may be longer than what citizens write; short messages (reasons, requests) shorter. */
export const ANSWER_MAX_CHARS = 10000;
export const REASON_MAX_CHARS = 2000;

export interface OfficerWorkflowDeps {
  complaints: ComplaintStore;
  agencies: AgencyStore;
  clock: Clock;
  deadlines: DeadlineRules;
  limits: Limits;
  newId?: () => string;
}

export interface ForwardInput {
  units: string[];
  lead?: string;
  note?: string;
  /** The signed request document (văn bản yêu cầu xử lý), already checked and stored. */
  document?: Attachment;
}
export interface AnswerInput {
  text: string;
  publish: boolean;
  attachments?: Attachment[];
}
export interface ReviewInput {
  decision: 'approve' | 'return';
  reason?: string;
}
export interface RejectInput {
  reason: RejectReason;
  duplicateOf?: string;
  note?: string;
}

/**
 * The officers' use cases (slides 22-35). Each: loads the PAKN, refuses what the caller may not do or
 * what the status table forbids, and applies one change guarded by the version the caller saw, with the
 * history entry and the citizen-facing domain event in the same write (the outbox).
 */
export class OfficerWorkflow {
  private readonly newId: () => string;
  constructor(private readonly deps: OfficerWorkflowDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  // ---- reading ----

  async list(
    officer: Officer,
    query: InboxQuery,
    page: { limit: number; offset?: number; cursor?: string },
  ): Promise<Page<ComplaintSummary>> {
    const agencies = query.view === 'forwarded' ? await this.agencyList() : [];
    const filter = inboxFilter(officer, query, this.deps.clock.now(), agencies);
    if (!filter) return { items: [], total: 0 };
    return this.deps.complaints.list(filter, page);
  }

  /** The PAKN if the officer may see it; NotFoundError otherwise (existence does not leak). */
  async get(officer: Officer, code: string): Promise<Complaint> {
    const c = await this.load(code);
    assertCanSee(officer, c);
    return c;
  }

  // ---- actions ----

  async forward(officer: Officer, code: string, version: number, input: ForwardInput): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanTriage(officer, c);
    this.assertOpen(c, ['received', 'processing']);
    const units = [...new Set(input.units)];
    if (units.length === 0) throw new ValidationError('admin:errors.units_required');
    const lead = input.lead ?? units[0]!;
    if (!units.includes(lead)) throw new ValidationError('admin:errors.lead_not_in_units', { lead });
    for (const unit of units) {
      if (unit === officer.agency || !isInSubtree(unit, officer.agency)) {
        throw new ForbiddenError(`unit ${unit} outside the caller's subtree`);
      }
      await this.requireAgency(unit);
    }
    const now = this.deps.clock.now();
    const status = this.moveTo(c, 'processing');
    const coordinators = units.filter((u) => u !== lead);
    const note = input.note ? this.checkShortText(input.note) : undefined;
    return this.write(c, officer, {
      change: { owner: lead, coordinators, ...(status ? { status } : {}) },
      history: {
        type: 'forwarded',
        fromOwner: c.owner,
        toOwner: lead,
        status: status ?? c.status,
        note,
        data: { units, lead, coordinators, ...(input.document ? { document: input.document } : {}) },
      },
      event: { type: 'complaint.forwarded', data: { owner: lead } },
      now,
    });
  }

  async transfer(
    officer: Officer,
    code: string,
    version: number,
    input: { agency: string; reason: string },
  ): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanTriage(officer, c);
    this.assertOpen(c, ['received', 'processing']);
    const target = input.agency;
    if (target === CENTRAL_AGENCY) throw new ValidationError('admin:errors.use_return');
    if (isInSubtree(target, officer.agency))
      throw new ValidationError('admin:errors.transfer_inside', { agency: target });
    await this.requireAgency(target);
    return this.changeOwner(
      c,
      officer,
      target,
      this.checkShortText(input.reason),
      'transferred',
      'complaint.transferred',
    );
  }

  async returnToCentral(
    officer: Officer,
    code: string,
    version: number,
    input: { reason: string },
  ): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanTriage(officer, c);
    this.assertOpen(c, ['received', 'processing']);
    if (c.owner === CENTRAL_AGENCY || officer.agency === CENTRAL_AGENCY)
      throw new ValidationError('admin:errors.already_central');
    return this.changeOwner(
      c,
      officer,
      CENTRAL_AGENCY,
      this.checkShortText(input.reason),
      'returned',
      'complaint.returned',
    );
  }

  async requestInfo(
    officer: Officer,
    code: string,
    version: number,
    input: { message: string },
  ): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanHandle(officer, c);
    const message = this.checkShortText(input.message);
    const status = this.moveTo(c, 'awaiting_info')!;
    const historyId = this.newId();
    return this.write(c, officer, {
      change: { status },
      history: { id: historyId, type: 'info_requested', status, note: message },
      // The message is what the citizen is asked; workers deliver it in the citizen's language as typed.
      event: { type: 'complaint.info_requested', data: { message, requestId: historyId, locale: c.locale } },
    });
  }

  async answer(officer: Officer, code: string, version: number, input: AnswerInput): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanHandle(officer, c);
    const text = checkContent(input.text, { ...this.deps.limits, contentMaxChars: ANSWER_MAX_CHARS });
    const status = this.moveTo(c, 'answered')!;
    const now = this.deps.clock.now();
    const reviewer = input.publish ? await this.reviewAgencyFor(c.owner) : undefined;
    const published = input.publish && !reviewer;
    const answer: Answer = {
      text,
      attachments: input.attachments ?? [],
      by: officer.username,
      agency: c.owner,
      at: now,
      publishRequested: input.publish,
      published,
      ...(published ? { publishedAt: now } : {}),
      ...(reviewer ? { review: { state: 'pending' as const } } : {}),
    };
    return this.write(c, officer, {
      change: { status, answer, answeredAt: now },
      history: {
        type: 'answered',
        status,
        data: {
          publishRequested: input.publish,
          published,
          ...(reviewer ? { reviewAgency: reviewer.code } : {}),
        },
      },
      event: { type: 'complaint.answered', data: { published, agency: c.owner } },
      now,
    });
  }

  async review(officer: Officer, code: string, version: number, input: ReviewInput): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    const answer = c.answer;
    if (c.status !== 'answered' || !answer || answer.review?.state !== 'pending') {
      throw new ValidationError('admin:errors.nothing_to_review');
    }
    const reviewAgency = await this.reviewAgencyFor(answer.agency);
    if (!reviewAgency) throw new ValidationError('admin:errors.nothing_to_review');
    if (
      (officer.role !== 'reception' && officer.role !== 'admin') ||
      !isInSubtree(reviewAgency.code, officer.agency)
    ) {
      throw new ForbiddenError('not the reviewing agency');
    }
    const now = this.deps.clock.now();
    if (input.decision === 'approve') {
      const published = answer.publishRequested;
      return this.write(c, officer, {
        change: {
          answer: {
            ...answer,
            published,
            ...(published ? { publishedAt: now } : {}),
            review: { state: 'approved', reviewer: officer.username, at: now },
          },
        },
        history: { type: 'review_approved', data: { published } },
        event: published ? { type: 'complaint.published', data: { agency: answer.agency } } : undefined,
        now,
      });
    }
    if (!input.reason) throw new ValidationError('admin:errors.reason_required');
    const reason = this.checkShortText(input.reason);
    const status = this.moveTo(c, 'processing')!;
    return this.write(c, officer, {
      change: {
        status,
        answeredAt: null,
        answer: {
          ...answer,
          published: false,
          publishedAt: undefined,
          review: { state: 'returned', reviewer: officer.username, reason, at: now },
        },
      },
      history: { type: 'review_returned', status, note: reason, toOwner: answer.agency },
      // Tells the handling unit (and the citizen that the answer is being reworked); no answer text.
      event: { type: 'complaint.review_returned', data: { agency: answer.agency } },
      now,
    });
  }

  async publish(officer: Officer, code: string, version: number): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanHandle(officer, c);
    const answer = c.answer;
    if (c.status !== 'answered' || !answer) throw new ValidationError('admin:errors.no_answer');
    if (answer.published) throw new ValidationError('admin:errors.already_published');
    const now = this.deps.clock.now();
    const reviewer = await this.reviewAgencyFor(answer.agency);
    if (reviewer && answer.review?.state !== 'approved') {
      if (answer.review?.state === 'pending' && answer.publishRequested)
        throw new ValidationError('admin:errors.review_pending');
      // Publication waits for the reviewing agency; the citizen hears when it is approved.
      return this.write(c, officer, {
        change: { answer: { ...answer, publishRequested: true, review: { state: 'pending' } } },
        history: { type: 'review_requested', data: { reviewAgency: reviewer.code } },
        now,
      });
    }
    return this.write(c, officer, {
      change: { answer: { ...answer, publishRequested: true, published: true, publishedAt: now } },
      history: { type: 'published' },
      event: { type: 'complaint.published', data: { agency: answer.agency } },
      now,
    });
  }

  async unpublish(
    officer: Officer,
    code: string,
    version: number,
    input: { reason?: string } = {},
  ): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanHandle(officer, c);
    const answer = c.answer;
    if (!answer?.published) throw new ValidationError('admin:errors.not_published');
    const note = input.reason ? this.checkShortText(input.reason) : undefined;
    return this.write(c, officer, {
      change: { answer: { ...answer, published: false, publishedAt: undefined, publishRequested: false } },
      history: { type: 'unpublished', note },
      event: { type: 'complaint.unpublished', data: {} },
    });
  }

  async reject(officer: Officer, code: string, version: number, input: RejectInput): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanTriage(officer, c);
    if (!(REJECT_REASONS as readonly string[]).includes(input.reason))
      throw new ValidationError('admin:errors.reject_reason_invalid');
    let duplicateOf: TrackingCode | undefined;
    if (input.reason === 'duplicate') {
      if (!input.duplicateOf) throw new ValidationError('admin:errors.duplicate_required');
      const parsed = parseTrackingCode(input.duplicateOf);
      if (!parsed.ok || parsed.code === c.code || !(await this.deps.complaints.getByCode(parsed.code))) {
        throw new ValidationError('admin:errors.duplicate_unknown', { code: input.duplicateOf.slice(0, 20) });
      }
      duplicateOf = parsed.code;
    } else if (input.duplicateOf) {
      throw new ValidationError('admin:errors.duplicate_only_for_duplicate');
    }
    const note = input.note ? this.checkShortText(input.note) : undefined;
    const status = this.moveTo(c, 'rejected')!;
    return this.write(c, officer, {
      change: {
        status,
        rejection: {
          reason: input.reason,
          ...(duplicateOf ? { duplicateOf } : {}),
          ...(note ? { note } : {}),
        },
      },
      history: {
        type: 'rejected',
        status,
        note,
        data: { reason: input.reason, ...(duplicateOf ? { duplicateOf } : {}) },
      },
      event: {
        type: 'complaint.rejected',
        data: { reason: input.reason, ...(duplicateOf ? { duplicateOf } : {}) },
      },
    });
  }

  /** Internal notes: officers only, never sent to the citizen, so no domain event. */
  async addNote(
    officer: Officer,
    code: string,
    version: number,
    input: { text: string },
  ): Promise<Complaint> {
    const c = await this.loadFor(officer, code, version);
    assertCanNote(officer, c);
    const text = this.checkShortText(input.text);
    const now = this.deps.clock.now();
    const id = this.newId();
    return this.write(c, officer, {
      change: { appendNotes: [{ id, at: now, by: officer.username, agency: officer.agency, text }] },
      history: { type: 'note', data: { noteId: id } },
      now,
    });
  }

  // ---- helpers ----

  private agencyCache?: { at: number; list: Agency[] };
  /** The agency tree changes rarely; inbox pages read it often, so it is reused for a few seconds. */
  private async agencyList(): Promise<Agency[]> {
    const t = Date.now();
    if (!this.agencyCache || t - this.agencyCache.at > 5000)
      this.agencyCache = { at: t, list: await this.deps.agencies.list() };
    return this.agencyCache.list;
  }

  private async load(code: string): Promise<Complaint> {
    const parsed = parseTrackingCode(code);
    const c = parsed.ok ? await this.deps.complaints.getByCode(parsed.code) : null;
    if (!c) throw new NotFoundError('complaint', code.slice(0, 20));
    return c;
  }

  /** Loads, hides what the officer may not see, and refuses a stale version before any other check. */
  private async loadFor(officer: Officer, code: string, version: number): Promise<Complaint> {
    const c = await this.load(code);
    assertCanSee(officer, c);
    if (officer.role === 'viewer') throw new ForbiddenError('viewers read only');
    if (c.version !== version) throw new VersionConflictError(c.code, version, c.version);
    return c;
  }

  private async requireAgency(code: string): Promise<Agency> {
    const a = await this.deps.agencies.get(code);
    if (!a || !a.active)
      throw new ValidationError('admin:errors.agency_unknown', { agency: code.slice(0, 40) });
    return a;
  }

  /** The nearest strictly higher agency that reviews its units' answers (QĐ 31/2021 Điều 46), if any. */
  private async reviewAgencyFor(answeringAgency: string): Promise<Agency | undefined> {
    let code = impliedParent(answeringAgency);
    while (code) {
      const a = await this.deps.agencies.get(code);
      if (a?.reviewBeforePublish) return a;
      code = a?.parent ?? impliedParent(code);
    }
    return undefined;
  }

  private assertOpen(c: Complaint, allowed: ComplaintStatus[]): void {
    if (!allowed.includes(c.status))
      throw new ValidationError('admin:errors.wrong_status', { status: c.status });
  }

  /** The new status, or undefined when it stays; illegal moves throw IllegalTransitionError. */
  private moveTo(c: Complaint, to: ComplaintStatus): ComplaintStatus | undefined {
    if (c.status === to && to === 'processing') return undefined;
    assertTransition(c.status, to);
    return to;
  }

  private checkShortText(text: string): string {
    return checkContent(text, { ...this.deps.limits, contentMaxChars: REASON_MAX_CHARS });
  }

  private async changeOwner(
    c: Complaint,
    officer: Officer,
    target: string,
    reason: string,
    type: 'transferred' | 'returned',
    eventType: DomainEventType,
  ): Promise<Complaint> {
    const now = this.deps.clock.now();
    // The receiving agency gets the full answering period from when it receives the PAKN.
    const dueAt = answerDueAt(now, this.deps.deadlines);
    return this.write(c, officer, {
      change: { owner: target, coordinators: [], dueAt },
      history: {
        type,
        fromOwner: c.owner,
        toOwner: target,
        note: reason,
        data: { dueAt: dueAt.toISOString() },
      },
      event: { type: eventType, data: { owner: target, reason } },
      now,
    });
  }

  private async write(
    c: Complaint,
    officer: Officer,
    w: {
      change: Omit<ComplaintChange, 'at' | 'appendHistory'>;
      history: Omit<HistoryEvent, 'id' | 'at' | 'actor'> & { id?: string };
      event?: { type: DomainEventType; data: Record<string, unknown> };
      now?: Date;
    },
  ): Promise<Complaint> {
    const at = w.now ?? this.deps.clock.now();
    const history: HistoryEvent = {
      id: this.newId(),
      at,
      actor: actorOf(officer),
      ...stripUndefined(w.history),
    };
    const events: DomainEvent[] = w.event
      ? [{ id: this.newId(), type: w.event.type, code: c.code, at, data: w.event.data }]
      : [];
    return this.deps.complaints.update(
      c.code,
      c.version,
      { ...w.change, appendHistory: [history], at },
      events,
    );
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
