import { ValidationError } from './errors';

/** The central receiver (Văn phòng Chính phủ); root of the agency tree. */
export const CENTRAL_AGENCY = 'vpcp';

export type AgencyKind = 'central' | 'ministry' | 'province' | 'unit';

export interface Agency {
  /** Dotted code: `btc`, `btc.tchq`. A unit's code starts with its parent's code and a dot. */
  code: string;
  name: string;
  kind: AgencyKind;
  /** `null` only for the central office. Ministries and provinces have `vpcp` as parent. */
  parent: string | null;
  /** QĐ 31/2021 Điều 46: answers of this agency's units are reviewed before they are published. */
  reviewBeforePublish: boolean;
  active: boolean;
}

const CODE_RE = /^[a-z][a-z0-9]{1,15}(\.[a-z][a-z0-9]{1,15}){0,3}$/;

export function assertAgencyCode(code: string): void {
  if (!CODE_RE.test(code)) throw new ValidationError('errors.agency_code_invalid', { code });
}

/**
 * The parent implied by a dotted code (`btc.tchq` → `btc`); top-level agencies hang under the
 * central office, which has no parent.
 */
export function impliedParent(code: string): string | null {
  if (code === CENTRAL_AGENCY) return null;
  const dot = code.lastIndexOf('.');
  return dot === -1 ? CENTRAL_AGENCY : code.slice(0, dot);
}

/**
 * Whether `owner` lies in the subtree rooted at `root`. The central office's subtree is everything.
 */
export function isInSubtree(owner: string, root: string): boolean {
  return root === CENTRAL_AGENCY || owner === root || owner.startsWith(`${root}.`);
}
