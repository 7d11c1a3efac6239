import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../domain/ports/clock';
import type { InboundDedupe } from '../../domain/ports/inbound-dedupe';

export class SqliteInboundDedupe implements InboundDedupe {
  private readonly claimStmt: Statement;
  private readonly releaseStmt: Statement;
  private readonly purgeStmt: Statement;

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    // One statement: a fresh key is inserted, an expired one is taken over, a live one is left alone
    // (changes = 0). SQLite runs it under the write lock, so two claims cannot both see "free".
    this.claimStmt = db.prepare(`INSERT INTO inbound_dedupe (key, expires_at) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE inbound_dedupe.expires_at <= ?`);
    this.releaseStmt = db.prepare('DELETE FROM inbound_dedupe WHERE key = ?');
    this.purgeStmt = db.prepare('DELETE FROM inbound_dedupe WHERE expires_at <= ?');
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now().getTime();
    return this.claimStmt.run(key, now + Math.max(1, Math.floor(ttlMs)), now).changes === 1;
  }

  async release(key: string): Promise<void> {
    this.releaseStmt.run(key);
  }

  async purgeExpired(): Promise<number> {
    return this.purgeStmt.run(this.clock.now().getTime()).changes;
  }
}
