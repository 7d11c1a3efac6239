import type { Database } from 'better-sqlite3';

/** One numbered, forward-only schema step. `up` runs inside the migration's transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * Applies the migrations of one `scope` that are not yet recorded in `schema_migrations`, in order, each
 * in its own immediate transaction, so a second process opening the same file at the same moment waits
 * (busy_timeout) and then sees them recorded. Scopes let other parts that share the file (the embedded
 * job queue) number their own steps without clashing with the stores'. Returns the versions applied.
 */
export function runMigrations(db: Database, scope: string, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    scope TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (scope, version)
  ) WITHOUT ROWID`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`duplicate migration version ${sorted[i]!.version} in scope ${scope}`);
    }
  }
  const isApplied = db.prepare<[string, number]>(
    'SELECT 1 FROM schema_migrations WHERE scope = ? AND version = ?',
  );
  const record = db.prepare<[string, number, string, number]>(
    'INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of sorted) {
    const step = db.transaction(() => {
      // Checked again inside the write lock: another process may have applied it meanwhile.
      if (isApplied.get(scope, m.version)) return false;
      m.up(db);
      record.run(scope, m.version, m.name, Date.now());
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
