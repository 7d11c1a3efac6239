import type { ConversationStorage, StoreItem, StoreItems } from '../src/domain/ports/conversation-storage';
import { isETagConflict } from './state-bag';

interface PendingWrite {
  key: string;
  item: StoreItem;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for conversation state: the state writes of turns that finish in the same event-loop
 * turn go to the store as one `write` (one transaction, one fsync on SQLite) instead of one each. When the
 * batch fails on an eTag conflict, its items are written one by one so only the conflicting turn sees the
 * error (and runs again). Two writes of one key never share a batch: the second waits for the next one.
 * Reads and deletes pass straight through.
 *
 * @remarks Only for a store whose multi-key `write` is all or nothing (SQLite: one transaction). With a
 * store that may write part of a batch before failing, the one-by-one retry could report a conflict for
 * an item that was in fact written, and its turn would run twice.
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
    const entries = Object.entries(changes);
    if (entries.length === 0) return Promise.resolve();
    return Promise.all(
      entries.map(
        ([key, item]) =>
          new Promise<void>((resolve, reject) => {
            this.queue.push({ key, item, resolve, reject });
            this.schedule();
          }),
      ),
    ).then(() => undefined);
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
    const keys = new Set<string>();
    for (const w of this.queue) {
      if (keys.has(w.key)) later.push(w);
      else {
        keys.add(w.key);
        batch.push(w);
      }
    }
    this.queue = later;
    if (later.length) this.schedule();
    if (batch.length === 0) return;
    try {
      await this.inner.write(Object.fromEntries(batch.map((w) => [w.key, w.item])));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1 || !isETagConflict(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      for (const w of batch) {
        try {
          await this.inner.write({ [w.key]: w.item });
          w.resolve();
        } catch (one) {
          w.reject(one);
        }
      }
    }
  }
}
