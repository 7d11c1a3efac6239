import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { Clock } from '../../domain/ports/clock';
import type { InboundDedupe } from '../../domain/ports/inbound-dedupe';

export class SqliteInboundDedupe implements InboundDedupe {
  private readonly claimStmt: Statement;
  private readonly releaseStmt: Statement;
  private readonly purgeStmt: Statement;
  private readonly claimAll: Transaction<(claims: PendingClaim[]) => boolean[]>;
  private queue: PendingClaim[] = [];

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
    this.claimAll = db.transaction((claims: PendingClaim[]) => claims.map((c) => this.claimOne(c)));
  }

  /**
   * Group commit: the claims made in one event-loop turn (a burst of webhook calls) are written in one
   * transaction, not one commit each; every claim still gets its own answer, in order.
   */
  claim(key: string, ttlMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ key, ttlMs, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private claimOne(c: PendingClaim): boolean {
    const now = this.clock.now().getTime();
    return this.claimStmt.run(c.key, now + Math.max(1, Math.floor(c.ttlMs)), now).changes === 1;
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    try {
      const won = this.claimAll.immediate(batch);
      batch.forEach((c, i) => c.resolve(won[i]!));
    } catch {
      // The batch rolled back (the database busy or failing): each claim on its own, with its own error.
      for (const c of batch) {
        try {
          c.resolve(this.claimOne(c));
        } catch (err) {
          c.reject(err);
        }
      }
    }
  }

  async release(key: string): Promise<void> {
    this.releaseStmt.run(key);
  }

  async purgeExpired(): Promise<number> {
    return this.purgeStmt.run(this.clock.now().getTime()).changes;
  }
}

interface PendingClaim {
  key: string;
  ttlMs: number;
  resolve: (won: boolean) => void;
  reject: (err: unknown) => void;
}
