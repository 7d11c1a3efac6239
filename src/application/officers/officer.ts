import type { Actor, Complaint } from '../../domain/complaint';
import type { Role } from '../../domain/account';
import { isInSubtree } from '../../domain/agency';
import { ForbiddenError, NotFoundError } from '../../domain/errors';

/** The signed-in officer a use case acts for (from a verified access token, never from the request body). */
export interface Officer {
  username: string;
  agency: string;
  role: Role;
}

export function actorOf(officer: Officer): Actor {
  return { kind: 'officer', id: officer.username, agency: officer.agency };
}

/**
 * Whether the officer may see the PAKN at all: its owner, or one of its coordinating units, lies in the
 * officer's subtree. Outside it, the PAKN does not exist for them (404, so codes cannot be probed).
 */
export function canSee(officer: Officer, c: Pick<Complaint, 'owner' | 'coordinators'>): boolean {
  return isInSubtree(c.owner, officer.agency) || c.coordinators.some((u) => isInSubtree(u, officer.agency));
}

export function assertCanSee(officer: Officer, c: Complaint): void {
  if (!canSee(officer, c)) throw new NotFoundError('complaint', c.code);
}

/**
 * Triage (forward, transfer, return, reject, request information): a reception officer or an admin whose
 * subtree holds the PAKN. Called after assertCanSee, so a refusal here may say 403.
 */
export function assertCanTriage(officer: Officer, c: Complaint): void {
  if (officer.role !== 'reception' && officer.role !== 'admin')
    throw new ForbiddenError('triage needs reception');
  if (!isInSubtree(c.owner, officer.agency)) throw new ForbiddenError('not owned by your subtree');
}

/**
 * Handling (answer, request information, notes): the processing unit that owns it, or reception/admin
 * above it (a ministry may answer what it holds itself).
 */
export function assertCanHandle(officer: Officer, c: Complaint): void {
  if (officer.role === 'viewer') throw new ForbiddenError('viewers read only');
  if (!isInSubtree(c.owner, officer.agency)) throw new ForbiddenError('not owned by your subtree');
}

/** Internal notes: any officer who can see it, except read-only viewers. */
export function assertCanNote(officer: Officer, c: Complaint): void {
  if (officer.role === 'viewer') throw new ForbiddenError('viewers read only');
  assertCanSee(officer, c);
}

export function assertAdmin(officer: Officer): void {
  if (officer.role !== 'admin') throw new ForbiddenError('admin only');
}
