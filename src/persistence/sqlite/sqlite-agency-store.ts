import type { Database, Statement } from 'better-sqlite3';
import type { Agency, AgencyKind } from '../../domain/agency';
import { AlreadyExistsError } from '../../domain/errors';
import type { AgencyStore } from '../../domain/ports/agency-store';

interface AgencyRow {
  code: string;
  name: string;
  kind: string;
  parent: string | null;
  review_before_publish: number;
  active: number;
}

const toRow = (a: Agency): AgencyRow => ({
  code: a.code,
  name: a.name,
  kind: a.kind,
  parent: a.parent,
  review_before_publish: a.reviewBeforePublish ? 1 : 0,
  active: a.active ? 1 : 0,
});

const fromRow = (r: AgencyRow): Agency => ({
  code: r.code,
  name: r.name,
  kind: r.kind as AgencyKind,
  parent: r.parent,
  reviewBeforePublish: r.review_before_publish === 1,
  active: r.active === 1,
});

export class SqliteAgencyStore implements AgencyStore {
  private readonly insert: Statement;
  private readonly upsertStmt: Statement;
  private readonly getStmt: Statement;
  private readonly listStmt: Statement;

  constructor(db: Database) {
    const cols = '(code, name, kind, parent, review_before_publish, active)';
    const vals = '(@code, @name, @kind, @parent, @review_before_publish, @active)';
    this.insert = db.prepare(`INSERT INTO agencies ${cols} VALUES ${vals} ON CONFLICT (code) DO NOTHING`);
    this.upsertStmt = db.prepare(`INSERT INTO agencies ${cols} VALUES ${vals} ON CONFLICT (code) DO UPDATE SET
      name = excluded.name, kind = excluded.kind, parent = excluded.parent,
      review_before_publish = excluded.review_before_publish, active = excluded.active`);
    this.getStmt = db.prepare('SELECT * FROM agencies WHERE code = ?');
    this.listStmt = db.prepare('SELECT * FROM agencies ORDER BY code');
  }

  async create(agency: Agency): Promise<Agency> {
    if (this.insert.run(toRow(agency)).changes === 0) throw new AlreadyExistsError('agency', agency.code);
    return { ...agency };
  }

  async upsert(agency: Agency): Promise<Agency> {
    this.upsertStmt.run(toRow(agency));
    return { ...agency };
  }

  async get(code: string): Promise<Agency | null> {
    const r = this.getStmt.get(code) as AgencyRow | undefined;
    return r ? fromRow(r) : null;
  }

  async list(): Promise<Agency[]> {
    return (this.listStmt.all() as AgencyRow[]).map(fromRow);
  }
}
