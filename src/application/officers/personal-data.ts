import type { Complaint, Submitter } from '../../domain/complaint';
import { ValidationError, VersionConflictError } from '../../domain/errors';
import type { Clock, ComplaintStore } from '../../domain/ports';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from './audit-log';
import { normalizeVietnamesePhone } from '../citizen/contact';
import { maskForPublication } from './masking';
import { actorOf, assertAdmin, canSee, type Officer } from './officer';

export interface ContactQuery {
  phone?: string;
  email?: string;
  /** The citizen's request reference (letter number), kept in the audit log. */
  reference?: string;
}

export interface SubjectData {
  code: string;
  createdAt: Date;
  status: string;
  channel: string;
  submitter: Submitter;
  title: string;
  content: string;
  supplements: Array<{ at: Date; text: string }>;
  attachments: Array<{ name: string; mediaType: string; size: number }>;
}

export interface CorrectionPatch {
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
}

/** What the anonymised sender becomes. */
export const ERASED_NAME = '';

/**
 * Personal-data requests of a data subject across all their PAKN (NĐ 13/2023 → Luật 91/2025, NĐ 356/2025):
 * export, correct, erase. Only admins, only within their subtree; every request leaves an audit entry
 * without personal data, and corrections/erasures a history entry on each PAKN touched.
 */
export class PersonalDataService {
  constructor(
    private readonly deps: {
      complaints: ComplaintStore;
      clock: Clock;
      audit: AuditLog;
      newId?: () => string;
    },
  ) {}

  async export(
    officer: Officer,
    query: ContactQuery,
  ): Promise<{ complaints: SubjectData[]; auditId: string }> {
    const found = await this.find(officer, query);
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.export',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return {
      auditId: entry.id,
      complaints: found.map((c) => ({
        code: c.code,
        createdAt: c.createdAt,
        status: c.status,
        channel: c.channelRef.channel,
        submitter: c.submitter,
        title: c.title,
        content: c.content,
        supplements: c.supplements.map((s) => ({ at: s.at, text: s.text })),
        attachments: c.attachments.map((a) => ({ name: a.name, mediaType: a.mediaType, size: a.size })),
      })),
    };
  }

  async correct(
    officer: Officer,
    query: ContactQuery,
    patch: CorrectionPatch,
  ): Promise<{ codes: string[]; auditId: string }> {
    if (!Object.values(patch).some((v) => v !== undefined))
      throw new ValidationError('admin:errors.patch_empty');
    const found = await this.find(officer, query);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof CorrectionPatch] !== undefined);
    for (const c of found) {
      await this.retrying(officer, c, (cur) => ({
        submitter: { ...cur.submitter, ...stripUndefined(patch) },
        history: 'personal_data_corrected' as const,
        data: { fields },
      }));
    }
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.correct',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return { codes: found.map((c) => c.code), auditId: entry.id };
  }

  /** Erasure keeps each PAKN and its answer, anonymised: contact gone, name and numbers masked in every text. */
  async erase(officer: Officer, query: ContactQuery): Promise<{ codes: string[]; auditId: string }> {
    const found = await this.find(officer, query);
    for (const c of found) {
      await this.retrying(officer, c, (cur) => {
        const who = { name: cur.submitter.name, consentPublishName: false };
        return {
          submitter: {
            name: ERASED_NAME,
            consentProcessing: cur.submitter.consentProcessing,
            consentPublishName: false,
          },
          title: maskForPublication(cur.title, who),
          content: maskForPublication(cur.content, who),
          supplementsReplaced: cur.supplements.map((s) => ({ ...s, text: maskForPublication(s.text, who) })),
          ...(cur.answer
            ? { answer: { ...cur.answer, text: maskForPublication(cur.answer.text, who) } }
            : {}),
          history: 'personal_data_erased' as const,
          data: {},
        };
      });
    }
    const entry = await this.deps.audit.record({
      at: this.deps.clock.now(),
      actor: actorOf(officer),
      action: 'personal_data.erase',
      codes: found.map((c) => c.code),
      reference: query.reference,
    });
    return { codes: found.map((c) => c.code), auditId: entry.id };
  }

  private async find(officer: Officer, query: ContactQuery): Promise<Complaint[]> {
    assertAdmin(officer);
    const phone = query.phone?.trim() ? normalizedPhone(query.phone) : undefined;
    const email = query.email?.trim().toLowerCase();
    if (!phone && !email) throw new ValidationError('admin:errors.contact_required');
    const all = await this.deps.complaints.findBySubmitter({
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
    });
    return all.filter((c) => canSee(officer, c));
  }

  /** Applies a change computed from the current state, re-reading if a concurrent write got there first. */
  private async retrying(
    officer: Officer,
    first: Complaint,
    compute: (c: Complaint) => {
      history: 'personal_data_corrected' | 'personal_data_erased';
      data: Record<string, unknown>;
    } & Record<string, unknown>,
  ): Promise<void> {
    let c: Complaint | null = first;
    for (let attempt = 0; attempt < 5 && c; attempt++) {
      const { history, data, ...change } = compute(c);
      const at = this.deps.clock.now();
      try {
        await this.deps.complaints.update(c.code, c.version, {
          ...change,
          at,
          appendHistory: [
            { id: (this.deps.newId ?? randomUUID)(), at, type: history, actor: actorOf(officer), data },
          ],
        });
        return;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        c = await this.deps.complaints.getByCode(c.code);
      }
    }
    throw new VersionConflictError(first.code, first.version);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Phones are stored as the intake normalised them (`+84…`); a query in any usual spelling finds them. */
function normalizedPhone(phone: string): string {
  try {
    return normalizeVietnamesePhone(phone);
  } catch {
    return phone.trim();
  }
}
