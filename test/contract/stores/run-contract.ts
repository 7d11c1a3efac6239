import type { Stores } from '../../../src/domain/ports';
import type { StoreFactory } from './factories';

/** Fresh stores from one adapter for each test; closed after it. */
export interface StoresHandle {
  readonly stores: Stores;
}

/**
 * Declares one port's contract for one adapter. An adapter that cannot run here is shown as a skipped
 * test named after the reason and printed to the console, so a missing MongoDB is visible in the run
 * instead of passing silently.
 */
export function describeStores(port: string, factory: StoreFactory, body: (h: StoresHandle) => void): void {
  if (factory.skipReason) {
    describe(`${port} contract: ${factory.name}`, () => {
      it.skip(`skipped: ${factory.skipReason}`, () => undefined);
    });
    console.log(`${port} contract, ${factory.name}: skipped: ${factory.skipReason}`);
    return;
  }
  describe(`${port} contract: ${factory.name}`, () => {
    let current: Stores | null = null;
    const handle: StoresHandle = {
      get stores(): Stores {
        if (!current) throw new Error('stores not open');
        return current;
      },
    };
    beforeEach(async () => {
      current = await factory.create();
      if (!current) throw new Error(`${factory.name}: factory gave no stores although not marked skipped`);
    });
    afterEach(async () => {
      await current?.close();
      current = null;
    });
    body(handle);
  });
}
