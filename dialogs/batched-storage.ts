import type { ConversationStorage, StoreItems } from '../src/domain/ports/conversation-storage';
import { isETagConflict } from './state-bag';

interface PendingWrite {
  changes: StoreItems;
  keys: string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for conversation state: the `write`s of turns that finish in the same event-loop turn go
 * to the store as one `write` (one transaction, one fsync on SQLite) instead of one each. Each caller's
 * `write` stays a unit: when the batch fails on an eTag conflict, the units are written one by one, so only
 * the conflicting turn sees the error (and runs again) and no unit is ever half written. Two writes that
 * share a key never go in one batch: the later waits for the next one. Reads and deletes pass through.
 *
 * @remarks Only for a store whose multi-key `write` is all or nothing (SQLite: one transaction). With a
 * store that may write part of a batch before failing, a unit could be reported as conflicting after part
 * of it was written, and its turn would run twice.
 */
export class BatchedStorage implements ConversationStorage {
  private queue: PendingWrite[] = [];
  private scheduled = false;

  constructor(private readonly inner: ConversationStorage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ changes, keys, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch: PendingWrite[] = [];
    const later: PendingWrite[] = [];
    const taken = new Set<string>();
    for (const w of this.queue) {
      if (w.keys.some((k) => taken.has(k))) later.push(w);
      else {
        for (const k of w.keys) taken.add(k);
        batch.push(w);
      }
    }
    this.queue = later;
    if (later.length) this.schedule();
    if (batch.length === 0) return;
    try {
      await this.inner.write(Object.assign({}, ...batch.map((w) => w.changes)) as StoreItems);
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1 || !isETagConflict(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      for (const w of batch) {
        try {
          await this.inner.write(w.changes);
          w.resolve();
        } catch (one) {
          w.reject(one);
        }
      }
    }
  }
}
