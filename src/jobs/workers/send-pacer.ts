import IORedis from 'ioredis';

/** At most `max` sends under `key` in any window of `windowMs`. */
export interface PaceLimit {
  key: string;
  max: number;
  windowMs: number;
}

/**
 * Spaces sends right before the channel call. The queue's limiters count job *starts*; what happens
 * between a start and the request reaching Telegram (reading the PAKN, the delivered check, a busy
 * event loop on a loaded machine) shifts messages by up to hundreds of milliseconds, enough to put 31
 * into some second at Telegram. Reserving the slot just before the request leaves only the request's
 * own transit as jitter; a small margin on the window covers that.
 */
export interface SendPacer {
  /** Resolves when every limit has room, having taken a slot in each (all or none). */
  acquire(limits: readonly PaceLimit[], member: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Sliding windows over Redis' own clock (one clock for every worker process): checks all keys, then
// takes a slot in all of them, or answers how long to wait.
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, k in ipairs(KEYS) do
  local max = tonumber(ARGV[2 * i])
  local win = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - win)
  if redis.call('ZCARD', k) >= max then
    local oldest = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + win - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, k in ipairs(KEYS) do
  redis.call('ZADD', k, now, ARGV[1])
  redis.call('PEXPIRE', k, tonumber(ARGV[2 * i + 1]) + 1000)
end
return 0`;

interface PacerCommands {
  paknPace(numKeys: number, ...args: Array<string | number>): Promise<number>;
}

/** Shared by every worker process on one Redis (BullMQ deployments). */
export class RedisSendPacer implements SendPacer {
  private readonly redis: IORedis & PacerCommands;

  /**
   * @param staleMs A slot whose answer took longer than this to come back (a stalled event loop, a slow
   * Redis) may already be history by the time we send; another is taken and the stale one still
   * counts, so a stall never lets sends bunch up. @defaultValue 50
   */
  constructor(
    url: string,
    private readonly prefix: string,
    private readonly staleMs = 50,
  ) {
    this.redis = new IORedis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true }) as IORedis &
      PacerCommands;
    this.redis.on('error', () => undefined); // the queue adapter reports Redis trouble
    this.redis.defineCommand('paknPace', { lua: ACQUIRE_LUA });
  }

  async acquire(limits: readonly PaceLimit[], member: string): Promise<void> {
    const active = limits.filter((l) => l.max > 0);
    if (active.length === 0) return;
    const keys = active.map((l) => `${this.prefix}:pace:${l.key}`);
    const args = active.flatMap((l) => [l.max, l.windowMs]);
    for (;;) {
      const asked = performance.now();
      const wait = await this.redis.paknPace(
        keys.length,
        ...keys,
        `${member}:${Math.random().toString(36).slice(2, 8)}`,
        ...args,
      );
      if (wait <= 0) {
        if (performance.now() - asked <= this.staleMs) return;
        continue;
      }
      await sleep(Math.max(1, wait));
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One process (the embedded queue): the same windows in memory. */
export class LocalSendPacer implements SendPacer {
  private readonly windows = new Map<string, number[]>();

  async acquire(limits: readonly PaceLimit[]): Promise<void> {
    const active = limits.filter((l) => l.max > 0);
    for (;;) {
      const now = Date.now();
      let wait = 0;
      for (const l of active) {
        const w = (this.windows.get(l.key) ?? []).filter((t) => t > now - l.windowMs);
        this.windows.set(l.key, w);
        if (w.length >= l.max) wait = Math.max(wait, w[0]! + l.windowMs - now);
      }
      if (wait <= 0) {
        for (const l of active) this.windows.get(l.key)!.push(now);
        if (this.windows.size > 50_000)
          for (const [k, v] of this.windows)
            if (v.length === 0 || v[v.length - 1]! < now - 60_000) this.windows.delete(k);
        return;
      }
      await sleep(Math.max(1, wait));
    }
  }

  async close(): Promise<void> {}
}
