import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { Account, Role } from '../../domain/account';
import { AlreadyExistsError, NotFoundError } from '../../domain/errors';
import type { AccountStore } from '../../domain/ports/agency-store';
import type { Clock } from '../../domain/ports/clock';

interface AccountRow {
  username: string;
  display_name: string;
  agency: string;
  role: string;
  email: string | null;
  password_hash: string;
  active: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

const toRow = (a: Account): AccountRow => ({
  username: a.username,
  display_name: a.displayName,
  agency: a.agency,
  role: a.role,
  email: a.email ?? null,
  password_hash: a.passwordHash,
  active: a.active ? 1 : 0,
  failed_logins: a.failedLogins,
  locked_until: a.lockedUntil ? a.lockedUntil.getTime() : null,
  created_at: a.createdAt.getTime(),
  updated_at: a.updatedAt.getTime(),
});

const fromRow = (r: AccountRow): Account => {
  const a: Account = {
    username: r.username,
    displayName: r.display_name,
    agency: r.agency,
    role: r.role as Role,
    passwordHash: r.password_hash,
    active: r.active === 1,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until === null ? null : new Date(r.locked_until),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
  if (r.email !== null) a.email = r.email;
  return a;
};

type Patch = Parameters<AccountStore['update']>[1];

export class SqliteAccountStore implements AccountStore {
  private readonly insert: Statement;
  private readonly getStmt: Statement;
  private readonly listAll: Statement;
  private readonly listByAgency: Statement;
  private readonly save: Statement;
  private readonly updateTx: Transaction<(username: string, patch: Patch) => Account>;

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(`INSERT INTO accounts
      (username, display_name, agency, role, email, password_hash, active, failed_logins, locked_until, created_at, updated_at)
      VALUES (@username, @display_name, @agency, @role, @email, @password_hash, @active, @failed_logins, @locked_until, @created_at, @updated_at)
      ON CONFLICT (username) DO NOTHING`);
    this.getStmt = db.prepare('SELECT * FROM accounts WHERE username = ?');
    this.listAll = db.prepare('SELECT * FROM accounts ORDER BY username');
    this.listByAgency = db.prepare('SELECT * FROM accounts WHERE agency = ? ORDER BY username');
    this.save =
      db.prepare(`UPDATE accounts SET display_name = @display_name, role = @role, email = @email, password_hash = @password_hash,
      active = @active, failed_logins = @failed_logins, locked_until = @locked_until, updated_at = @updated_at
      WHERE username = @username`);
    this.updateTx = db.transaction((username: string, patch: Patch) => {
      const r = this.getStmt.get(username) as AccountRow | undefined;
      if (!r) throw new NotFoundError('account', username);
      const current = fromRow(r);
      const next: Account = { ...current, updatedAt: this.clock.now() };
      if (patch.displayName !== undefined) next.displayName = patch.displayName;
      if (patch.role !== undefined) next.role = patch.role;
      if (patch.passwordHash !== undefined) next.passwordHash = patch.passwordHash;
      if (patch.active !== undefined) next.active = patch.active;
      if (patch.failedLogins !== undefined) next.failedLogins = patch.failedLogins;
      if (patch.lockedUntil !== undefined) next.lockedUntil = patch.lockedUntil;
      // Not in the port's patch type today; honoured if a caller passes it (null or '' removes it).
      const email = (patch as { email?: string | null }).email;
      if (email !== undefined) {
        if (email) next.email = email;
        else delete next.email;
      }
      this.save.run(toRow(next));
      return next;
    });
  }

  async create(account: Account): Promise<Account> {
    if (this.insert.run(toRow(account)).changes === 0)
      throw new AlreadyExistsError('account', account.username);
    return { ...account };
  }

  async get(username: string): Promise<Account | null> {
    const r = this.getStmt.get(username) as AccountRow | undefined;
    return r ? fromRow(r) : null;
  }

  async list(filter: { agency?: string } = {}): Promise<Account[]> {
    const rows = filter.agency !== undefined ? this.listByAgency.all(filter.agency) : this.listAll.all();
    return (rows as AccountRow[]).map(fromRow);
  }

  async update(username: string, patch: Patch): Promise<Account> {
    return this.updateTx.immediate(username, patch);
  }
}
