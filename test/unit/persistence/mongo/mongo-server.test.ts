import { randomUUID } from 'node:crypto';

import type { Clock } from '../../../../src/domain/ports/clock';
import { ETagConflictError } from '../../../../src/domain/ports/conversation-storage';
import { IllegalTransitionError, NotFoundError, VersionConflictError } from '../../../../src/domain/errors';
import { generateTrackingCode, type TrackingCode } from '../../../../src/domain/tracking-code';
import { connectMongoStores, type MongoStores } from '../../../../src/persistence/mongo';
import { event, fullDraft, minimalDraft } from './fixtures';

/**
 * What only a real MongoDB can show about this adapter (the shared store contract covers the port):
 * the indexes exist and list queries use them, the outbox lives in the PAKN document, a dedupe record
 * past its expiry counts as free before the TTL monitor reaps it, code collisions are retried.
 * Runs where MONGODB_URI is set, in a database of its own that is dropped afterwards.
 */
const uri = process.env.MONGODB_URI;
if (!uri) {
  console.log('mongo adapter server tests: skipped: no MongoDB reachable');
}
const describeMongo = uri ? describe : describe.skip;

/** Starts a day ahead of the server, so the real TTL monitor never reaps what a test is still looking at. */
class ManualClock implements Clock {
  constructor(private t = Date.now() + 86_400_000) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

describeMongo('MongoDB adapter against a server', () => {
  let stores: MongoStores;
  let clock: ManualClock;
  let codes: TrackingCode[];

  beforeEach(async () => {
    clock = new ManualClock();
    codes = [];
    stores = await connectMongoStores({
      uri: uri!,
      writeConcern: 'majority',
      dbName: `pakn_test_${randomUUID().replace(/-/g, '')}`,
      clock,
      generateCode: () => codes.shift() ?? generateTrackingCode(),
    });
  });
  afterEach(async () => {
    await stores.connection.dropDatabase();
    await stores.close();
  });

  it('should build the unique, word and TTL indexes at connect', async () => {
    const db = stores.connection.db!;
    const complaintIdx = await db.collection('complaints').indexes();
    expect(complaintIdx).toContainEqual(expect.objectContaining({ key: { code: 1 }, unique: true }));
    expect(complaintIdx).toContainEqual(expect.objectContaining({ key: { searchWords: 1 } }));
    expect(complaintIdx).toContainEqual(
      expect.objectContaining({
        key: { 'outbox.at': 1 },
        partialFilterExpression: { 'outbox.at': { $exists: true } },
      }),
    );
    const dedupeIdx = await db.collection('inbound_dedupe').indexes();
    expect(dedupeIdx).toContainEqual(
      expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
    );
    await stores.ping();
    expect(stores.connection.getClient().writeConcern?.w).toBe('majority');
  });

  it('should retry a colliding tracking code', async () => {
    const first = await stores.complaints.create(minimalDraft());
    const fresh = generateTrackingCode();
    codes.push(first.code, first.code, fresh);
    const second = await stores.complaints.create(minimalDraft());
    expect(second.code).toBe(fresh);
  });

  it('should keep pending events inside the PAKN document and $pull them once dispatched', async () => {
    const c = await stores.complaints.create(fullDraft(), (code) => [
      { ...event('e1'), code: code as TrackingCode },
    ]);
    const raw = await stores.connection.db!.collection('complaints').findOne({ code: c.code });
    expect(raw?.outbox).toHaveLength(1);
    await stores.complaints.update(c.code, 1, { at: clock.now(), status: 'processing' }, [
      { ...event('e2', '2026-11-28T04:00:00Z'), code: c.code },
    ]);
    expect((await stores.complaints.pendingEvents(10)).map((e) => e.event.id)).toEqual(['e1', 'e2']);
    await stores.complaints.markEventsDispatched(['e1', 'unknown']);
    expect((await stores.complaints.pendingEvents(10)).map((e) => e.event.id)).toEqual(['e2']);
    const back = await stores.complaints.getByCode(c.code);
    expect(back && 'outbox' in back).toBe(false);
    expect(back && 'searchWords' in back).toBe(false);
  });

  it('should tell a stale version, an illegal move and an unknown code apart', async () => {
    const c = await stores.complaints.create(minimalDraft());
    await stores.complaints.update(c.code, 1, {
      at: clock.now(),
      status: 'rejected',
      rejection: { reason: 'spam' },
    });
    await expect(
      stores.complaints.update(c.code, 1, { at: clock.now(), owner: 'btc' }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    await expect(
      stores.complaints.update(c.code, 2, { at: clock.now(), status: 'processing' }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(stores.complaints.update('ZZZZZZZZ', 1, { at: clock.now() })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await stores.complaints.getByCode(c.code))?.version).toBe(2);
  });

  it('should let exactly one of two concurrent updates of one version win', async () => {
    const c = await stores.complaints.create(minimalDraft());
    const results = await Promise.allSettled(
      ['btc', 'hno'].map((owner) => stores.complaints.update(c.code, 1, { at: clock.now(), owner })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(VersionConflictError);
  });

  it('should find accented text from a query typed without diacritics, all words required', async () => {
    const hit = await stores.complaints.create(fullDraft());
    await stores.complaints.create({ ...minimalDraft(), title: 'Đường khác', content: 'không liên quan' });
    const page = await stores.complaints.list({ q: 'duong lang' }, { limit: 10 });
    expect(page.items.map((i) => i.code)).toEqual([hit.code]);
    expect(page.total).toBe(1);
    // Whole words only: `lan` is not `lang`.
    expect((await stores.complaints.list({ q: 'duong lan' }, { limit: 10 })).total).toBe(0);
  });

  it('should walk the owner index for a subtree page instead of scanning the collection', async () => {
    await stores.complaints.create({ ...minimalDraft(), owner: 'btc.tchq' });
    const model = stores.connection.model('Complaint');
    const plan = JSON.stringify(
      await model
        .find({ owner: { $regex: '^btc(?:\\.|$)' } })
        .sort({ createdAt: -1, code: -1 })
        .limit(21)
        .explain(),
    );
    expect(plan).toContain('IXSCAN');
    expect(plan).not.toContain('COLLSCAN');
  });

  it('should treat an expired dedupe record as free before the TTL monitor reaps it', async () => {
    expect(await stores.dedupe.claim('tg:1', 1000)).toBe(true);
    expect(await stores.dedupe.claim('tg:1', 1000)).toBe(false);
    clock.advance(1001);
    expect(await stores.dedupe.claim('tg:1', 1000)).toBe(true);
    const claims = await Promise.all(Array.from({ length: 10 }, () => stores.dedupe.claim('tg:2', 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    clock.advance(120_000);
    expect(await stores.dedupe.purgeExpired()).toBe(2);
  });

  it('should guard conversation writes with eTags', async () => {
    await stores.conversations.write({ k: { dialog: { 'a.b': 1, $c: 2 } } });
    const { k } = await stores.conversations.read(['k', 'missing']);
    expect(k).toMatchObject({ dialog: { 'a.b': 1, $c: 2 } });
    await stores.conversations.write({ k: { ...k, n: 1 } });
    await expect(stores.conversations.write({ k: { ...k, n: 2 } })).rejects.toBeInstanceOf(ETagConflictError);
    await stores.conversations.write({ k: { n: 3, eTag: '*' } });
    expect((await stores.conversations.read(['k'])).k).toMatchObject({ n: 3 });
  });
});
