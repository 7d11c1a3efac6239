import { createHash, randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Account, Role } from '../../domain/account';
import { AppError } from '../../domain/errors';
import type { AccountStore, Clock } from '../../domain/ports';
import type { Logger } from '../../shared/logger';
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle';
import type { RefreshTokenStore } from './refresh-token-store';

/** Claims of an access token. */
export interface AccessClaims {
  sub: string;
  agency: string;
  role: Role;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
  account: { username: string; displayName: string; agency: string; role: Role };
}

/** Failed authentication; `status` is the HTTP status the edge answers with. */
export class AuthError extends AppError {
  constructor(
    readonly key: string,
    readonly status: 401 | 403 | 423 | 429,
    readonly retryAfterMs?: number,
  ) {
    super(`auth failed: ${key}`, retryAfterMs ? { seconds: Math.ceil(retryAfterMs / 1000) } : {});
  }
}

export interface AuthServiceOptions {
  /** @defaultValue 900 (15 minutes) */
  accessTtlSeconds?: number;
  /** @defaultValue 7 days */
  refreshTtlMs?: number;
  /** Per account. */
  throttle?: LoginThrottleOptions;
  /** Per client address: looser, since one office's officers may share an address behind NAT. */
  addressThrottle?: LoginThrottleOptions;
}

// Compared against when the username is unknown, so a miss costs as much as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('pakn-not-a-password', 10);

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Officers' sign-in: password check (bcrypt), short-lived access tokens (signed by the edge's `sign`),
 * rotating refresh tokens stored hashed, throttling of repeated failures per account and per address.
 */
export class AuthService {
  private readonly throttle: LoginThrottle;
  private readonly addressThrottle: LoginThrottle;
  private readonly accessTtlSeconds: number;
  private readonly refreshTtlMs: number;

  constructor(
    private readonly deps: {
      accounts: AccountStore;
      tokens: RefreshTokenStore;
      clock: Clock;
      logger: Pick<Logger, 'warn' | 'info'>;
      sign: (claims: AccessClaims, expiresInSeconds: number) => string;
    },
    options: AuthServiceOptions = {},
  ) {
    this.throttle = new LoginThrottle(options.throttle);
    this.addressThrottle = new LoginThrottle({ freeFailures: 10, lockAfter: 50, ...options.addressThrottle });
    this.accessTtlSeconds = options.accessTtlSeconds ?? 900;
    this.refreshTtlMs = options.refreshTtlMs ?? 7 * 24 * 3600_000;
  }

  async login(username: string, password: string, address: string): Promise<TokenPair> {
    const now = this.deps.clock.now();
    const t = now.getTime();
    const userKey = `u:${username.toLowerCase()}`;
    // Addresses are personal data: keyed and logged only as a short hash.
    const ipKey = `ip:${sha256(address).slice(0, 16)}`;
    for (const [th, key] of [
      [this.throttle, userKey],
      [this.addressThrottle, ipKey],
    ] as const) {
      const v = th.check(key, t);
      if (!v.ok)
        throw new AuthError(
          v.kind === 'locked' ? 'admin:auth.locked' : 'admin:auth.slow_down',
          429,
          v.retryAfterMs,
        );
    }
    const account = await this.deps.accounts.get(username);
    if (account?.lockedUntil && account.lockedUntil.getTime() > t) {
      throw new AuthError('admin:auth.locked', 429, account.lockedUntil.getTime() - t);
    }
    const ok = await bcrypt.compare(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok || !account.active) {
      await this.recordFailure(account, userKey, ipKey, t);
      throw new AuthError('admin:auth.invalid_credentials', 401);
    }
    this.throttle.succeed(userKey);
    if (account.failedLogins !== 0 || account.lockedUntil) {
      await this.deps.accounts.update(account.username, { failedLogins: 0, lockedUntil: null });
    }
    return this.issue(account, randomUUID(), now);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const taken = await this.deps.tokens.take(sha256(refreshToken));
    if (!taken) throw new AuthError('admin:auth.refresh_invalid', 401);
    const { record, reused } = taken;
    if (reused) {
      // A rotated token came back: someone holds a copy. End every session of this login.
      await this.deps.tokens.revokeFamily(record.family);
      this.deps.logger.warn(
        { account: record.username, family: record.family.slice(0, 8) },
        'refresh token replayed; session revoked',
      );
      throw new AuthError('admin:auth.refresh_invalid', 401);
    }
    const now = this.deps.clock.now();
    if (record.expiresAt.getTime() <= now.getTime()) throw new AuthError('admin:auth.refresh_invalid', 401);
    const account = await this.deps.accounts.get(record.username);
    if (!account?.active) throw new AuthError('admin:auth.refresh_invalid', 401);
    return this.issue(account, record.family, now);
  }

  async logout(refreshToken: string): Promise<void> {
    const taken = await this.deps.tokens.take(sha256(refreshToken));
    if (taken) await this.deps.tokens.revokeFamily(taken.record.family);
  }

  private async issue(account: Account, family: string, now: Date): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.deps.tokens.save(sha256(refreshToken), {
      username: account.username,
      family,
      expiresAt: new Date(now.getTime() + this.refreshTtlMs),
    });
    return {
      accessToken: this.deps.sign(
        { sub: account.username, agency: account.agency, role: account.role },
        this.accessTtlSeconds,
      ),
      refreshToken,
      expiresIn: this.accessTtlSeconds,
      account: {
        username: account.username,
        displayName: account.displayName,
        agency: account.agency,
        role: account.role,
      },
    };
  }

  private async recordFailure(
    account: Account | null,
    userKey: string,
    ipKey: string,
    t: number,
  ): Promise<void> {
    const userLocked = this.throttle.fail(userKey, t);
    const ipLocked = this.addressThrottle.fail(ipKey, t);
    if (account) {
      const lockedUntil = userLocked ? new Date(this.throttle.lockedUntil(userKey)) : account.lockedUntil;
      await this.deps.accounts.update(account.username, {
        failedLogins: account.failedLogins + 1,
        lockedUntil,
      });
    }
    // Logged without the address or the password; the account name is an office's role account.
    if (userLocked)
      this.deps.logger.warn(
        {
          account: account?.username ?? '(unknown)',
          until: new Date(this.throttle.lockedUntil(userKey)).toISOString(),
        },
        'login locked for account',
      );
    if (ipLocked)
      this.deps.logger.warn(
        { client: ipKey, until: new Date(this.addressThrottle.lockedUntil(ipKey)).toISOString() },
        'login locked for client address',
      );
  }
}
