import {
  ETagConflictError,
  STORED_JSON,
  WRITE_JSON,
  withWriteJson,
} from '../../../src/domain/ports/conversation-storage';
import type { StoreFactory } from './factories';
import { describeStores } from './run-contract';

export function conversationStorageContract(factory: StoreFactory): void {
  describeStores('ConversationStorage', factory, (h) => {
    const storage = () => h.stores.conversations;
    const KEY = 'telegram/conversations/12345';

    it('reads nothing for unknown keys', async () => {
      expect(await storage().read([KEY, 'other'])).toEqual({});
    });

    it('writes without an eTag, reads back with a fresh eTag, and keeps nested data', async () => {
      const state = {
        dialogStack: [{ id: 'intake', state: { step: 2, values: { title: 'Đường hỏng' } } }],
        locale: 'vi',
      };
      await storage().write({ [KEY]: state });
      const read = await storage().read([KEY, 'missing']);
      expect(Object.keys(read)).toEqual([KEY]);
      const { eTag, ...data } = read[KEY]!;
      expect(typeof eTag).toBe('string');
      expect(eTag).not.toBe('*');
      expect(data).toEqual(state);
    });

    it('gives each read item its stored JSON, unseen by spreads, JSON and comparisons', async () => {
      const state = { convo: { draft: { content: 'Đèn đường hỏng' } }, locale: 'vi' };
      await storage().write({ [KEY]: state });
      const item = (await storage().read([KEY]))[KEY]!;
      expect(JSON.parse(item[STORED_JSON]!)).toEqual(state);
      expect(Object.keys(item).sort()).toEqual(['convo', 'eTag', 'locale']);
      // An item spread from a read one and changed is written as changed, not as the text it was read from.
      const changed = { ...item, locale: 'en' };
      expect(changed[STORED_JSON]).toBeUndefined();
      await storage().write({ [KEY]: changed });
      expect((await storage().read([KEY]))[KEY]!.locale).toBe('en');
    });

    it('stores the JSON its writer attached with withWriteJson, and a spread of the item drops it', async () => {
      const state = { convo: { step: 3 }, locale: 'vi' };
      await storage().write({ [KEY]: withWriteJson({ ...state, eTag: '*' }, JSON.stringify(state)) });
      expect((await storage().read([KEY]))[KEY]).toMatchObject(state);
      const attached = withWriteJson({ n: 1 }, JSON.stringify({ n: 1 }));
      expect({ ...attached, n: 2 }[WRITE_JSON]).toBeUndefined();
      await storage().write({ [KEY]: { ...attached, n: 2 } });
      expect((await storage().read([KEY]))[KEY]!.n).toBe(2);
    });

    it('accepts the current eTag and issues a new one on every write', async () => {
      await storage().write({ [KEY]: { n: 1 } });
      const first = (await storage().read([KEY]))[KEY]!;
      await storage().write({ [KEY]: { ...first, n: 2 } });
      const second = (await storage().read([KEY]))[KEY]!;
      expect(second.n).toBe(2);
      expect(second.eTag).not.toBe(first.eTag);
      // Same data again still gets a new eTag.
      await storage().write({ [KEY]: { ...second } });
      const third = (await storage().read([KEY]))[KEY]!;
      expect(third.eTag).not.toBe(second.eTag);
    });

    it('refuses a stale eTag with ETagConflictError and keeps the stored item', async () => {
      await storage().write({ [KEY]: { n: 1 } });
      const stale = (await storage().read([KEY]))[KEY]!;
      await storage().write({ [KEY]: { ...stale, n: 2 } });
      const current = (await storage().read([KEY]))[KEY]!;
      await expect(storage().write({ [KEY]: { ...stale, n: 3 } })).rejects.toBeInstanceOf(ETagConflictError);
      expect((await storage().read([KEY]))[KEY]).toEqual(current);
    });

    it("overwrites whatever is stored when the eTag is '*' or missing", async () => {
      await storage().write({ [KEY]: { n: 1 } });
      await storage().write({ [KEY]: { n: 2, eTag: '*' } });
      expect((await storage().read([KEY]))[KEY]!.n).toBe(2);
      await storage().write({ [KEY]: { n: 3 } });
      expect((await storage().read([KEY]))[KEY]!.n).toBe(3);
    });

    it('lets exactly one of two concurrent writes based on one eTag win', async () => {
      await storage().write({ [KEY]: { n: 0 } });
      const base = (await storage().read([KEY]))[KEY]!;
      const results = await Promise.allSettled([
        storage().write({ [KEY]: { ...base, n: 1 } }),
        storage().write({ [KEY]: { ...base, n: 2 } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(ETagConflictError);
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      expect((await storage().read([KEY]))[KEY]!.n).toBe(winner);
    });

    it('writes and reads several keys, and deletes', async () => {
      await storage().write({ a: { v: 'a' }, b: { v: 'b' }, c: { v: 'c' } });
      const read = await storage().read(['a', 'b', 'c']);
      expect(Object.keys(read).sort()).toEqual(['a', 'b', 'c']);
      await storage().delete(['a', 'c', 'never-written']);
      expect(Object.keys(await storage().read(['a', 'b', 'c']))).toEqual(['b']);
    });

    it('purges conversation state idle since a time, and keeps user state and newer conversations', async () => {
      const user = 'telegram/users/12345/UserState';
      const other = 'zalo/conversations/777/ConversationState';
      await storage().write({ [KEY]: { draft: 'Nguyễn Văn An' }, [user]: { locale: 'en' } });
      const between = new Date(Date.now() + 5);
      while (Date.now() <= between.getTime() + 1) await new Promise((r) => setTimeout(r, 2));
      await storage().write({ [other]: { draft: 'mới' } });

      expect(await storage().purgeIdleConversations(new Date(between.getTime() - 10_000))).toBe(0);
      expect(await storage().purgeIdleConversations(between)).toBe(1);
      expect(Object.keys(await storage().read([KEY, user, other])).sort()).toEqual([user, other].sort());
    });

    it('purges records under a key prefix idle since a time, literally by prefix, and nothing else', async () => {
      const old = 'system/zalo/reply-window/u.1';
      const fresh = 'system/zalo/reply-window/u+2';
      const lookalike = 'system/zalo/reply-windowX/u3';
      await storage().write({ [old]: { lastInboundAt: 1 }, [lookalike]: { v: 1 }, [KEY]: { draft: 'x' } });
      const between = new Date(Date.now() + 5);
      while (Date.now() <= between.getTime() + 1) await new Promise((r) => setTimeout(r, 2));
      await storage().write({ [fresh]: { lastInboundAt: 2 } });

      expect(
        await storage().purgeIdleUnder('system/zalo/reply-window/', new Date(between.getTime() - 10_000)),
      ).toBe(0);
      expect(await storage().purgeIdleUnder('system/zalo/reply-window/', between)).toBe(1);
      expect(Object.keys(await storage().read([old, fresh, lookalike, KEY])).sort()).toEqual(
        [fresh, lookalike, KEY].sort(),
      );
      // Pattern characters in a prefix match themselves only.
      expect(await storage().purgeIdleUnder('system/zalo/reply-window/u.', new Date(Date.now() + 1000))).toBe(
        0,
      );
    });
  });
}
