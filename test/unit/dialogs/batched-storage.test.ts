import { BatchedStorage } from '../../../dialogs/batched-storage';
import {
  ETagConflictError,
  type ConversationStorage,
  type StoreItems,
} from '../../../src/domain/ports/conversation-storage';

/** botbuilder MemoryStorage semantics, batch all-or-nothing, counting writes. */
class MemoryStore implements ConversationStorage {
  readonly data = new Map<string, Record<string, unknown>>();
  writes: string[][] = [];
  private n = 0;
  async read(keys: string[]): Promise<StoreItems> {
    return Object.fromEntries(keys.filter((k) => this.data.has(k)).map((k) => [k, { ...this.data.get(k)! }]));
  }
  async write(changes: StoreItems): Promise<void> {
    this.writes.push(Object.keys(changes));
    for (const [k, v] of Object.entries(changes)) {
      const cur = this.data.get(k);
      if (cur && v.eTag && v.eTag !== '*' && cur.eTag !== v.eTag) throw new ETagConflictError(k);
    }
    for (const [k, v] of Object.entries(changes)) this.data.set(k, { ...v, eTag: String(++this.n) });
  }
  async delete(keys: string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
  }
}

describe('BatchedStorage', () => {
  it('should write the changes of concurrent turns in one store write', async () => {
    const inner = new MemoryStore();
    const s = new BatchedStorage(inner);
    await Promise.all([
      s.write({ a: { v: 1 } }),
      s.write({ b: { v: 2 } }),
      s.write({ c: { v: 3 }, d: { v: 4 } }),
    ]);
    expect(inner.writes).toEqual([['a', 'b', 'c', 'd']]);
    expect(await s.read(['a', 'd'])).toMatchObject({ a: { v: 1 }, d: { v: 4 } });
  });

  it('should put two writes of one key in separate batches, in order', async () => {
    const inner = new MemoryStore();
    const s = new BatchedStorage(inner);
    await Promise.all([s.write({ a: { v: 1 } }), s.write({ a: { v: 2 } }), s.write({ b: { v: 3 } })]);
    expect(inner.writes).toEqual([['a', 'b'], ['a']]);
    expect(inner.data.get('a')).toMatchObject({ v: 2 });
  });

  it('should keep a multi-key write whole when another unit conflicts', async () => {
    const inner = new MemoryStore();
    await inner.write({ a: { v: 0 }, b: { v: 0 }, c: { v: 0 } });
    const s = new BatchedStorage(inner);
    const results = await Promise.allSettled([
      s.write({ a: { v: 1, eTag: inner.data.get('a')!.eTag as string }, b: { v: 1, eTag: 'stale' } }),
      s.write({ c: { v: 1, eTag: inner.data.get('c')!.eTag as string } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    // a was fine on its own, but its unit failed: it is not written either.
    expect(inner.data.get('a')).toMatchObject({ v: 0 });
    expect(inner.data.get('c')).toMatchObject({ v: 1 });
  });

  it('should fail only the write whose eTag is stale', async () => {
    const inner = new MemoryStore();
    await inner.write({ a: { v: 0 }, b: { v: 0 } });
    const s = new BatchedStorage(inner);
    const results = await Promise.allSettled([
      s.write({ a: { v: 1, eTag: 'stale' } }),
      s.write({ b: { v: 1, eTag: inner.data.get('b')!.eTag as string } }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(ETagConflictError) });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
    expect(inner.data.get('a')).toMatchObject({ v: 0 });
    expect(inner.data.get('b')).toMatchObject({ v: 1 });
  });
});
