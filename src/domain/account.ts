export const Role = {
  Admin: 'admin',
  Reception: 'reception',
  Processing: 'processing',
  Viewer: 'viewer',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

export interface Account {
  /** Login name, e.g. `btc.nl` (reception of the Ministry of Finance), `btc.tchq.nl`. */
  username: string;
  displayName: string;
  agency: string;
  role: Role;
  /** Optional work e-mail for deadline digests; accounts without one get no digest mail. */
  email?: string;
  /** bcrypt hash; never leaves the account store except to the password check. */
  passwordHash: string;
  active: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const USERNAME_RE = /^[a-z][a-z0-9._-]{1,63}$/;
export function isValidUsername(username: string): boolean {
  return USERNAME_RE.test(username);
}
