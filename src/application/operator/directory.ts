import type { Account, Role } from '../../domain/account';
import { isValidUsername } from '../../domain/account';
import {
  assertAgencyCode,
  impliedParent,
  CENTRAL_AGENCY,
  type Agency,
  type AgencyKind,
} from '../../domain/agency';
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { AccountStore, AgencyStore, Clock } from '../../domain/ports';
import { hashPassword } from './password';

/**
 * The operator's directory of agencies and accounts, used by the CLI and the admin API alike.
 * Accounts never carry plain passwords past this module.
 */
export interface DirectoryDeps {
  agencies: AgencyStore;
  accounts: AccountStore;
  clock: Clock;
}

export interface AddAgencyInput {
  code: string;
  name: string;
  kind?: AgencyKind;
  parent?: string | null;
  reviewBeforePublish?: boolean;
}

export async function addAgency(deps: DirectoryDeps, input: AddAgencyInput): Promise<Agency> {
  assertAgencyCode(input.code);
  const parent = input.parent === undefined ? impliedParent(input.code) : input.parent;
  if (input.code !== CENTRAL_AGENCY) {
    if (!parent) throw new ValidationError('operator:agency_parent_required', { code: input.code });
    if (!(await deps.agencies.get(parent))) throw new NotFoundError('agency', parent);
  }
  const kind: AgencyKind =
    input.kind ??
    (input.code === CENTRAL_AGENCY ? 'central' : parent === CENTRAL_AGENCY ? 'ministry' : 'unit');
  if (!input.name.trim()) throw new ValidationError('operator:agency_name_required');
  return deps.agencies.create({
    code: input.code,
    name: input.name.trim(),
    kind,
    parent: input.code === CENTRAL_AGENCY ? null : parent,
    reviewBeforePublish: input.reviewBeforePublish ?? false,
    active: true,
  });
}

export interface AddAccountInput {
  username: string;
  displayName?: string;
  agency: string;
  role: Role;
  password: string;
}

export type PublicAccount = Omit<Account, 'passwordHash'>;

export function toPublicAccount(a: Account): PublicAccount {
  const { passwordHash: _hidden, ...rest } = a;
  return rest;
}

export async function addAccount(deps: DirectoryDeps, input: AddAccountInput): Promise<PublicAccount> {
  if (!isValidUsername(input.username))
    throw new ValidationError('operator:username_invalid', { username: input.username });
  if (!(await deps.agencies.get(input.agency))) throw new NotFoundError('agency', input.agency);
  const now = deps.clock.now();
  const account = await deps.accounts.create({
    username: input.username,
    displayName: input.displayName?.trim() || input.username,
    agency: input.agency,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: now,
    updatedAt: now,
  });
  return toPublicAccount(account);
}

export async function resetPassword(deps: DirectoryDeps, username: string, password: string): Promise<void> {
  const existing = await deps.accounts.get(username);
  if (!existing) throw new NotFoundError('account', username);
  await deps.accounts.update(username, {
    passwordHash: await hashPassword(password),
    failedLogins: 0,
    lockedUntil: null,
  });
}

/** The demo directory of the seed deck: the central office, Finance with Customs, Hà Nội with Construction. */
export const DEMO_AGENCIES: AddAgencyInput[] = [
  { code: 'vpcp', name: 'Văn phòng Chính phủ', kind: 'central', parent: null },
  { code: 'btc', name: 'Bộ Tài chính', kind: 'ministry' },
  { code: 'btc.tchq', name: 'Tổng cục Hải quan', kind: 'unit', reviewBeforePublish: false },
  { code: 'hno', name: 'UBND thành phố Hà Nội', kind: 'province' },
  { code: 'hno.sxd', name: 'Sở Xây dựng Hà Nội', kind: 'unit' },
];

export const DEMO_ACCOUNTS: Array<Omit<AddAccountInput, 'password'>> = [
  { username: 'admin', displayName: 'Quản trị hệ thống', agency: 'vpcp', role: 'admin' },
  { username: 'vpcp.nl', displayName: 'Tiếp nhận VPCP', agency: 'vpcp', role: 'reception' },
  { username: 'btc.nl', displayName: 'Tiếp nhận Bộ Tài chính', agency: 'btc', role: 'reception' },
  { username: 'btc.tchq.nl', displayName: 'Xử lý Tổng cục Hải quan', agency: 'btc.tchq', role: 'processing' },
  { username: 'hno.nl', displayName: 'Tiếp nhận UBND Hà Nội', agency: 'hno', role: 'reception' },
  { username: 'hno.sxd.nl', displayName: 'Xử lý Sở Xây dựng Hà Nội', agency: 'hno.sxd', role: 'processing' },
];

/**
 * Creates the demo directory; idempotent (what exists is left as it is), so running it twice is safe.
 * Returns what was created.
 */
export async function seedDemo(
  deps: DirectoryDeps,
  password: string,
): Promise<{ agencies: string[]; accounts: string[] }> {
  const created = { agencies: [] as string[], accounts: [] as string[] };
  for (const a of DEMO_AGENCIES) {
    if (await deps.agencies.get(a.code)) continue;
    await addAgency(deps, a);
    created.agencies.push(a.code);
  }
  for (const a of DEMO_ACCOUNTS) {
    if (await deps.accounts.get(a.username)) continue;
    await addAccount(deps, { ...a, password });
    created.accounts.push(a.username);
  }
  return created;
}
