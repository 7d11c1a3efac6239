import type { Account } from '../account';
import type { Agency } from '../agency';

export interface AgencyStore {
  /** Fails with AlreadyExistsError if the code is taken. */
  create(agency: Agency): Promise<Agency>;
  upsert(agency: Agency): Promise<Agency>;
  get(code: string): Promise<Agency | null>;
  list(): Promise<Agency[]>;
}

export interface AccountStore {
  /** Fails with AlreadyExistsError if the username is taken. */
  create(account: Account): Promise<Account>;
  get(username: string): Promise<Account | null>;
  list(filter?: { agency?: string }): Promise<Account[]>;
  /** Partial update of the mutable fields; NotFoundError for an unknown username. */
  update(
    username: string,
    patch: Partial<
      Pick<Account, 'displayName' | 'role' | 'passwordHash' | 'active' | 'failedLogins' | 'lockedUntil'>
    >,
  ): Promise<Account>;
}
