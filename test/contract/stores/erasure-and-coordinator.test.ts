import { ERASED_CHAT_ID } from '../../../src/domain/complaint';
import type { Stores } from '../../../src/domain/ports';
import { storeFactories, type StoreFactory } from './factories';
import { at, draft, event, HOUR } from './fixtures';

/**
 * The store side of personal-data erasure (chat ids, location, notes and history replaced in one
 * versioned write; the events it still holds rewritten) and of the officers' "coordinating" view (the
 * `coordinator` filter: coordinating units, never the lead).
 */
function suite(factory: StoreFactory) {
  let stores: Stores;
  beforeEach(async () => {
    stores = (await factory.create())!;
  });
  afterEach(async () => stores?.close());

  it('should replace chat ids, location, notes and history in one write, appending after the replacement', async () => {
    const store = stores.complaints;
    const c = await store.create({ ...draft({ phone: '+84911222333', location: 'Số 5 Hàng Gai' }) });
    const noted = await store.update(c.code, c.version, {
      at: at(HOUR),
      appendNotes: [{ id: 'n1', at: at(HOUR), by: 'x', agency: 'vpcp', text: 'gọi 0911222333' }],
      appendHistory: [{ id: 'h1', at: at(HOUR), type: 'note', actor: { kind: 'officer', id: 'x' } }],
    });
    const erased = await store.update(noted.code, noted.version, {
      at: at(2 * HOUR),
      channelRef: { channel: 'telegram', userId: ERASED_CHAT_ID, conversationId: ERASED_CHAT_ID },
      location: null,
      notesReplaced: [{ ...noted.notes[0]!, text: 'gọi ***' }],
      historyReplaced: noted.history.map((h) => ({ ...h, note: 'masked' })),
      appendHistory: [
        { id: 'h2', at: at(2 * HOUR), type: 'personal_data_erased', actor: { kind: 'officer', id: 'x' } },
      ],
    });
    const read = (await store.getByCode(c.code))!;
    expect(read).toEqual(erased);
    expect(read.channelRef).toEqual({
      channel: 'telegram',
      userId: ERASED_CHAT_ID,
      conversationId: ERASED_CHAT_ID,
    });
    expect(read.location).toBeUndefined();
    expect(read.notes.map((n) => n.text)).toEqual(['gọi ***']);
    expect(read.history.map((h) => [h.id, h.note])).toEqual([
      [c.history[0]!.id, 'masked'],
      ['h1', 'masked'],
      ['h2', undefined],
    ]);
  });

  it('should rewrite the events it holds for one PAKN only', async () => {
    const store = stores.complaints;
    const a = await store.create(draft(), (code) => [
      event(code, 'complaint.received', { message: 'bà Hoa' }),
    ]);
    const b = await store.create(draft(), (code) => [
      event(code, 'complaint.received', { message: 'bà Hoa' }),
    ]);
    await store.redactEvents!(a.code, (data) => ({ ...data, message: '***' }));
    const pending = (await store.pendingEvents(10)).map((p) => p.event);
    expect(pending.find((e) => e.code === a.code)!.data).toEqual({ message: '***' });
    expect(pending.find((e) => e.code === b.code)!.data).toEqual({ message: 'bà Hoa' });
  });

  it('should list by coordinator the PAKN a unit coordinates, not those it leads', async () => {
    const store = stores.complaints;
    const coordinated = await store.create(draft({ owner: 'btc.tchq', createdAt: at(0) }));
    await store.update(coordinated.code, coordinated.version, { at: at(HOUR), coordinators: ['btc.tct'] });
    await store.create(draft({ owner: 'btc.tct', createdAt: at(HOUR) }));
    const other = await store.create(draft({ owner: 'btc.tchq', createdAt: at(2 * HOUR) }));
    await store.update(other.code, other.version, { at: at(HOUR), coordinators: ['btc.kbnn'] });
    const page = await store.list({ coordinator: 'btc.tct' }, { limit: 20 });
    expect(page.items.map((i) => i.code)).toEqual([coordinated.code]);
    expect(page.total).toBe(1);
    expect((await store.list({ coordinator: 'btc.tct', status: ['answered'] }, { limit: 20 })).total).toBe(0);
  });
}

for (const factory of storeFactories) {
  if (factory.skipReason) {
    describe(`erasure writes and the coordinator filter on ${factory.name}`, () => {
      it.skip(`skipped: ${factory.skipReason}`, () => undefined);
    });
  } else {
    describe(`erasure writes and the coordinator filter on ${factory.name}`, () => suite(factory));
  }
}
