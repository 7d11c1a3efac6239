/**
 * Exact sliding-window limit: at most `max` events in any window of `durationMs` (an event at time t
 * stops counting at t + durationMs). Kept in memory by the embedded queue's workers.
 */
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly durationMs: number,
  ) {}

  private trim(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.durationMs) this.times.shift();
  }

  hasRoom(now: number): boolean {
    this.trim(now);
    return this.times.length < this.max;
  }

  /** 0 when there is room now. */
  msUntilRoom(now: number): number {
    this.trim(now);
    if (this.times.length < this.max) return 0;
    return this.times[this.times.length - this.max]! + this.durationMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }

  isEmpty(now: number): boolean {
    this.trim(now);
    return this.times.length === 0;
  }
}
