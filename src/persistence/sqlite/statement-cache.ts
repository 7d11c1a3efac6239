import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepared statements by SQL text. Statements whose text depends on the shape of a filter (never on its
 * values: those are bound) are prepared once per shape and reused.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
