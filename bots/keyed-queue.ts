/**
 * Runs tasks one after another per key (one chat) and concurrently across keys. Used for turns of one
 * conversation and for the replies to one chat, which must arrive in order.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    this.pending++;
    const result = prev.then(task, task);
    // The tail never rejects, so one failed task does not poison the chain of its key.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.pending--;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
    return result;
  }

  /** Number of tasks queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves when every queued task has finished. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
