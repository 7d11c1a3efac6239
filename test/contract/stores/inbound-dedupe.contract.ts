import type { StoreFactory } from './factories';
import { describeStores } from './run-contract';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

export function inboundDedupeContract(factory: StoreFactory): void {
  describeStores('InboundDedupe', factory, (h) => {
    const dedupe = () => h.stores.dedupe;

    it('claims a key once while its record lives; other keys are independent', async () => {
      expect(await dedupe().claim('telegram:1001', HOUR)).toBe(true);
      expect(await dedupe().claim('telegram:1001', HOUR)).toBe(false);
      expect(await dedupe().claim('telegram:1002', HOUR)).toBe(true);
      expect(await dedupe().claim('zalo:1001', HOUR)).toBe(true);
    });

    it('gives exactly one of many concurrent claims of one key', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => dedupe().claim('zalo:evt-7', HOUR)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('answers each claim of a burst on its own (one group commit on SQLite)', async () => {
      const keys = ['burst:a', 'burst:b', 'burst:a', 'burst:c', 'burst:b'];
      const won = await Promise.all(keys.map((k) => dedupe().claim(k, HOUR)));
      const wins = (key: string) => keys.filter((k, i) => k === key && won[i]).length;
      expect([wins('burst:a'), wins('burst:b'), wins('burst:c')]).toEqual([1, 1, 1]);
      expect(await dedupe().claim('burst:c', HOUR)).toBe(false);
    });

    it('lets a key be claimed again after its record expires', async () => {
      expect(await dedupe().claim('telegram:9', 30)).toBe(true);
      await sleep(80);
      expect(await dedupe().claim('telegram:9', HOUR)).toBe(true);
      expect(await dedupe().claim('telegram:9', HOUR)).toBe(false);
    });

    it('forgets a released claim, so a failed delivery can be processed on redelivery', async () => {
      expect(await dedupe().claim('telegram:42', HOUR)).toBe(true);
      await dedupe().release('telegram:42');
      expect(await dedupe().claim('telegram:42', HOUR)).toBe(true);
      await dedupe().release('never-claimed');
    });

    it('purges only expired records and says how many', async () => {
      await dedupe().claim('short:1', 20);
      await dedupe().claim('short:2', 20);
      await dedupe().claim('long:1', HOUR);
      await sleep(70);
      expect(await dedupe().purgeExpired()).toBe(2);
      expect(await dedupe().purgeExpired()).toBe(0);
      expect(await dedupe().claim('long:1', HOUR)).toBe(false);
      expect(await dedupe().claim('short:1', HOUR)).toBe(true);
    });
  });
}
