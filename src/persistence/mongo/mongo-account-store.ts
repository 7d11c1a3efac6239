import type { Model } from 'mongoose';

import type { Account, Role } from '../../domain/account';
import { AlreadyExistsError, NotFoundError } from '../../domain/errors';
import type { AccountStore } from '../../domain/ports/agency-store';
import type { Clock } from '../../domain/ports/clock';
import type { AccountDocument } from './documents';
import { isDuplicateKeyError } from './mongo-errors';

const PROJECTION = { _id: 0 } as const;
type Patch = Parameters<AccountStore['update']>[1];

export function accountToDocument(a: Account): AccountDocument {
  const doc: AccountDocument = {
    username: a.username,
    displayName: a.displayName,
    agency: a.agency,
    role: a.role,
    passwordHash: a.passwordHash,
    active: a.active,
    failedLogins: a.failedLogins,
    lockedUntil: a.lockedUntil,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
  if (a.email) doc.email = a.email;
  return doc;
}

export function accountFromDocument(d: AccountDocument): Account {
  const a: Account = {
    username: d.username,
    displayName: d.displayName ?? '',
    agency: d.agency,
    role: d.role as Role,
    passwordHash: d.passwordHash,
    active: d.active,
    failedLogins: d.failedLogins,
    lockedUntil: d.lockedUntil ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
  if (d.email) a.email = d.email;
  return a;
}

export interface AccountUpdate {
  $set: Partial<AccountDocument>;
  $unset?: { email: 1 };
}

/**
 * Only the mutable fields the port names go into the update, whatever else an untyped caller put in
 * the patch. `email` is not in the port's patch type today but is honoured as the SQLite adapter
 * does: a string sets it, `null` or `''` removes it.
 */
export function accountPatchToUpdate(patch: Patch, now: Date): AccountUpdate {
  const set: Partial<AccountDocument> = { updatedAt: now };
  if (patch.displayName !== undefined) set.displayName = patch.displayName;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.passwordHash !== undefined) set.passwordHash = patch.passwordHash;
  if (patch.active !== undefined) set.active = patch.active;
  if (patch.failedLogins !== undefined) set.failedLogins = patch.failedLogins;
  if (patch.lockedUntil !== undefined) set.lockedUntil = patch.lockedUntil;
  const update: AccountUpdate = { $set: set };
  const email = (patch as { email?: unknown }).email;
  if (typeof email === 'string' && email !== '') set.email = email;
  else if (email === null || email === '') update.$unset = { email: 1 };
  return update;
}

export class MongoAccountStore implements AccountStore {
  constructor(
    private readonly model: Model<AccountDocument>,
    private readonly clock: Clock,
  ) {}

  async create(account: Account): Promise<Account> {
    try {
      await this.model.create(accountToDocument(account));
    } catch (err) {
      if (isDuplicateKeyError(err, 'username')) throw new AlreadyExistsError('account', account.username);
      throw err;
    }
    return { ...account };
  }

  async get(username: string): Promise<Account | null> {
    if (typeof username !== 'string') return null;
    const doc = await this.model.findOne({ username }, PROJECTION).lean<AccountDocument>();
    return doc ? accountFromDocument(doc) : null;
  }

  async list(filter: { agency?: string } = {}): Promise<Account[]> {
    const query = typeof filter.agency === 'string' ? { agency: filter.agency } : {};
    const docs = await this.model.find(query, PROJECTION).sort({ username: 1 }).lean<AccountDocument[]>();
    return docs.map(accountFromDocument);
  }

  async update(username: string, patch: Patch): Promise<Account> {
    if (typeof username !== 'string') throw new NotFoundError('account', String(username));
    const doc = await this.model
      .findOneAndUpdate({ username }, accountPatchToUpdate(patch, this.clock.now()), {
        returnDocument: 'after',
        runValidators: true,
        projection: PROJECTION,
      })
      .lean<AccountDocument>();
    if (!doc) throw new NotFoundError('account', username);
    return accountFromDocument(doc);
  }
}
