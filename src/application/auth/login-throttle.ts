/**
 * Slows and then locks repeated login failures, per account and per client address. After `freeFailures`
 * failures each further attempt must wait a doubling delay (answered 429 at once, the password is not
 * even checked); after `lockAfter` failures the key is locked for `lockMs`.
 */
export interface LoginThrottleOptions {
  /** @defaultValue 3 */
  freeFailures?: number;
  /** @defaultValue 1000 */
  baseDelayMs?: number;
  /** @defaultValue 30000 */
  maxDelayMs?: number;
  /** @defaultValue 10 */
  lockAfter?: number;
  /** @defaultValue 15 minutes */
  lockMs?: number;
  /** Failures older than this are forgotten. @defaultValue 1 hour */
  windowMs?: number;
  /** Bound on remembered keys, so a spray of addresses cannot grow memory without end. @defaultValue 100000 */
  maxKeys?: number;
}

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export type ThrottleVerdict = { ok: true } | { ok: false; kind: 'slow' | 'locked'; retryAfterMs: number };

export class LoginThrottle {
  private readonly o: Required<LoginThrottleOptions>;
  private readonly entries = new Map<string, Entry>();

  constructor(options: LoginThrottleOptions = {}) {
    this.o = {
      freeFailures: 3,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      lockAfter: 10,
      lockMs: 15 * 60_000,
      windowMs: 60 * 60_000,
      maxKeys: 100_000,
      ...options,
    };
  }

  check(key: string, now: number): ThrottleVerdict {
    const e = this.live(key, now);
    if (!e) return { ok: true };
    if (e.lockedUntil > now) return { ok: false, kind: 'locked', retryAfterMs: e.lockedUntil - now };
    if (e.failures >= this.o.freeFailures) {
      const delay = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (e.failures - this.o.freeFailures));
      const wait = e.lastFailure + delay - now;
      if (wait > 0) return { ok: false, kind: 'slow', retryAfterMs: wait };
    }
    return { ok: true };
  }

  /** Records a failure; returns true when this failure locked the key. */
  fail(key: string, now: number): boolean {
    const e = this.live(key, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    e.failures++;
    e.lastFailure = now;
    let locked = false;
    if (e.failures >= this.o.lockAfter && e.lockedUntil <= now) {
      e.lockedUntil = now + this.o.lockMs;
      locked = true;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.o.maxKeys) this.entries.delete(this.entries.keys().next().value!);
    return locked;
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  lockedUntil(key: string): number {
    return this.entries.get(key)?.lockedUntil ?? 0;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.lockedUntil <= now && now - e.lastFailure > this.o.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    if (e.lockedUntil && e.lockedUntil <= now && e.failures >= this.o.lockAfter) {
      // The lock ran out: start counting again, but slowly (one free try, then delays).
      e.failures = this.o.freeFailures;
      e.lockedUntil = 0;
    }
    return e;
  }
}
