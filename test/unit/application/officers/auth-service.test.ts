import bcrypt from 'bcryptjs';
import { AuthService, KeyValueRefreshTokenStore, LoginThrottle } from '../../../../src/application/auth';
import type { Account } from '../../../../src/domain/account';
import type { AccountStore } from '../../../../src/domain/ports';
import { FixedClock, InMemoryKv } from './fakes';

class Accounts implements AccountStore {
  rows = new Map<string, Account>();
  async create(a: Account) {
    this.rows.set(a.username, a);
    return a;
  }
  async get(u: string) {
    return this.rows.get(u) ?? null;
  }
  async list() {
    return [...this.rows.values()];
  }
  async update(u: string, patch: Partial<Account>) {
    const a = { ...this.rows.get(u)!, ...patch };
    this.rows.set(u, a);
    return a;
  }
}

function setup() {
  const accounts = new Accounts();
  const now = new Date('2026-03-03T03:00:00Z');
  void accounts.create({
    username: 'btc.nl',
    displayName: 'Tiếp nhận BTC',
    agency: 'btc',
    role: 'reception',
    passwordHash: bcrypt.hashSync('dung-mat-khau', 4),
    active: true,
    failedLogins: 0,
    lockedUntil: null,
    createdAt: now,
    updatedAt: now,
  });
  const clock = new FixedClock(now);
  const warnings: unknown[] = [];
  const svc = new AuthService({
    accounts,
    tokens: new KeyValueRefreshTokenStore(new InMemoryKv()),
    clock,
    logger: { warn: (o: unknown) => warnings.push(o), info: () => undefined } as never,
    sign: (claims) => `signed:${claims.sub}:${claims.role}`,
  });
  return { svc, clock, accounts, warnings };
}

describe('AuthService', () => {
  it('should log in, rotate the refresh token once, and revoke on replay and logout', async () => {
    const { svc } = setup();
    const t1 = await svc.login('btc.nl', 'dung-mat-khau', '10.0.0.1');
    expect(t1.accessToken).toBe('signed:btc.nl:reception');
    const t2 = await svc.refresh(t1.refreshToken);
    await expect(svc.refresh(t1.refreshToken)).rejects.toMatchObject({ status: 401 });
    // The replay revoked the family: the newer token is dead too.
    await expect(svc.refresh(t2.refreshToken)).rejects.toMatchObject({ status: 401 });
    const t3 = await svc.login('btc.nl', 'dung-mat-khau', '10.0.0.1');
    await svc.logout(t3.refreshToken);
    await expect(svc.refresh(t3.refreshToken)).rejects.toMatchObject({ status: 401 });
  });

  it('should slow down and then lock repeated failures, logging the lock without the address', async () => {
    const { svc, clock, accounts, warnings } = setup();
    for (let i = 0; i < 3; i++)
      await expect(svc.login('btc.nl', 'sai', '10.0.0.2')).rejects.toMatchObject({ status: 401 });
    await expect(svc.login('btc.nl', 'dung-mat-khau', '10.0.0.2')).rejects.toMatchObject({
      status: 429,
      key: 'admin:auth.slow_down',
    });
    for (let i = 0; i < 7; i++) {
      clock.advance(60_000);
      await expect(svc.login('btc.nl', 'sai', `10.0.1.${i}`)).rejects.toMatchObject({ status: 401 });
    }
    clock.advance(60_000);
    await expect(svc.login('btc.nl', 'dung-mat-khau', '10.0.9.9')).rejects.toMatchObject({
      status: 429,
      key: 'admin:auth.locked',
    });
    expect((await accounts.get('btc.nl'))!.lockedUntil).not.toBeNull();
    expect(JSON.stringify(warnings)).toContain('btc.nl');
    expect(JSON.stringify(warnings)).not.toContain('10.0.');
    clock.advance(16 * 60_000);
    await expect(svc.login('btc.nl', 'dung-mat-khau', '10.0.9.9')).resolves.toMatchObject({
      account: { username: 'btc.nl' },
    });
    expect((await accounts.get('btc.nl'))!.failedLogins).toBe(0);
  });

  it('should throttle one address across accounts, unknown ones included', () => {
    const th = new LoginThrottle({ freeFailures: 2, lockAfter: 4, lockMs: 1000, baseDelayMs: 100 });
    th.fail('ip:x', 0);
    th.fail('ip:x', 0);
    expect(th.check('ip:x', 50)).toEqual({ ok: false, kind: 'slow', retryAfterMs: 50 });
    expect(th.check('ip:x', 100)).toEqual({ ok: true });
    th.fail('ip:x', 100);
    expect(th.fail('ip:x', 400)).toBe(true);
    expect(th.check('ip:x', 500)).toMatchObject({ ok: false, kind: 'locked' });
    expect(th.check('ip:x', 1401)).toEqual({ ok: true });
  });
});
