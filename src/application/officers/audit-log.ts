import { randomUUID } from 'node:crypto';
import type { ConversationStorage } from '../../domain/ports';
import { ETagConflictError } from '../../domain/ports';
import type { Actor } from '../../domain/complaint';

/**
 * The audit log of personal-data requests (NĐ 13/2023, NĐ 356/2025: the data subject may see, correct or
 * erase their data; operators must be able to show what was done). Entries hold no personal data: who
 * acted, what, when, and which PAKN codes were touched — never the phone or e-mail that was searched.
 */
export interface AuditEntry {
  id: string;
  at: Date;
  actor: Actor;
  action: 'personal_data.export' | 'personal_data.correct' | 'personal_data.erase';
  codes: string[];
  /** The reference of the citizen's request (a letter number), as the operator typed it. */
  reference?: string;
}

export interface AuditLog {
  record(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Entries of one local day (YYYY-MM-DD), oldest first. */
  listDay(day: string): Promise<AuditEntry[]>;
}

/**
 * An AuditLog on any key-value store with eTags (the ConversationStorage port, which both persistence
 * adapters provide): one item per day, appended with an eTag-guarded write retried on conflict, so two
 * concurrent entries are both kept.
 */
export class KeyValueAuditLog implements AuditLog {
  constructor(
    private readonly kv: ConversationStorage,
    private readonly prefix = 'audit/personal-data/',
  ) {}

  async record(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: randomUUID(), ...entry };
    const key = this.prefix + full.at.toISOString().slice(0, 10);
    for (let attempt = 0; attempt < 20; attempt++) {
      const items = await this.kv.read([key]);
      const current = items[key];
      const entries = (current?.entries as unknown[] | undefined) ?? [];
      try {
        await this.kv.write({
          [key]: {
            entries: [...entries, { ...full, at: full.at.toISOString() }],
            eTag: current?.eTag ?? '*',
          },
        });
        return full;
      } catch (err) {
        if (!(err instanceof ETagConflictError) && !(err instanceof Error && /etag/i.test(err.message)))
          throw err;
      }
    }
    throw new Error('audit log: too many concurrent writers');
  }

  async listDay(day: string): Promise<AuditEntry[]> {
    const key = this.prefix + day;
    const items = await this.kv.read([key]);
    const entries = (items[key]?.entries as Array<AuditEntry & { at: string }> | undefined) ?? [];
    return entries.map((e) => ({ ...e, at: new Date(e.at) }));
  }
}
