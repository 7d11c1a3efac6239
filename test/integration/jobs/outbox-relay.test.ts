import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewComplaint } from '../../../src/domain/complaint';
import type { DomainEvent, DomainEventType } from '../../../src/domain/events';
import type { ComplaintStore, JobInfo, JobQueue } from '../../../src/domain/ports';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { EVENTS_QUEUE, OutboxRelay } from '../../../src/jobs';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import { dropPrefix, REDIS_URL } from '../../contract/queue/redis-helpers';
import { sleep, waitFor } from '../../contract/queue/queue-contract';

function draft(): NewComplaint {
  const now = new Date();
  return {
    title: 'Đèn đường hỏng',
    content: 'Đèn đường trước số 12 phố Huế hỏng đã hai tuần.',
    category: 'hatang',
    attachments: [],
    submitter: { name: 'Trần Thị Bình', consentProcessing: true, consentPublishName: false },
    channelRef: { channel: 'telegram', userId: '77', conversationId: '77' },
    locale: 'vi',
    owner: 'hno',
    dueAt: new Date(now.getTime() + 10 * 24 * 3600 * 1000),
    createdAt: now,
    history: [{ id: randomUUID(), at: now, type: 'received', actor: { kind: 'citizen' } }],
  } as NewComplaint;
}

function eventsFor(types: DomainEventType[]): (code: string) => DomainEvent[] {
  return (code) =>
    types.map((type) => ({
      id: randomUUID(),
      type,
      code: code as DomainEvent['code'],
      at: new Date(),
      data: { n: types.indexOf(type) },
    }));
}

describe('OutboxRelay', () => {
  let dir: string;
  let stores: SqliteStores;
  let queue: JobQueue;
  const toClose: Array<() => Promise<void>> = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-relay-'));
    stores = openSqliteStores({ file: join(dir, 'pakn.db') });
    queue = new EmbeddedJobQueue(stores.db, { pollIntervalMs: 10 });
  });
  afterEach(async () => {
    for (const c of toClose.splice(0).reverse()) await c();
    await queue.close(500);
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each pending event to the events queue once (id = event id, name = type) and empties the outbox', async () => {
    const a = await stores.complaints.create(draft(), eventsFor(['complaint.received']));
    await stores.complaints.create(draft(), eventsFor(['complaint.received']));
    const pending = (await stores.complaints.pendingEvents(10)).map((p) => p.event);
    expect(pending).toHaveLength(2);
    const relay = new OutboxRelay(stores.complaints, queue, { batchSize: 1 });
    expect(await relay.relayPending()).toBe(2);
    expect(await relay.relayPending()).toBe(0);
    expect(await stores.complaints.pendingEvents(10)).toEqual([]);
    expect((await queue.counts(EVENTS_QUEUE)).waiting).toBe(2);
    const seen: JobInfo<DomainEvent>[] = [];
    queue.process<DomainEvent>(EVENTS_QUEUE, async (job) => {
      seen.push(job);
    });
    await waitFor(() => seen.length === 2, 5000, 'events processed');
    const first = seen.find((j) => j.data.code === a.code)!;
    const original = pending.find((e) => e.code === a.code)!;
    expect(first).toMatchObject({ id: original.id, name: 'complaint.received', rateKey: a.code });
    expect(first.data).toMatchObject({
      id: original.id,
      type: 'complaint.received',
      code: a.code,
      at: original.at.toISOString(),
    });
  });

  it('a relay that fails between enqueue and mark enqueues each event once when it runs again', async () => {
    await stores.complaints.create(draft(), eventsFor(['complaint.received', 'complaint.forwarded']));
    let failMark = true;
    const flaky: Pick<ComplaintStore, 'pendingEvents' | 'markEventsDispatched'> = {
      pendingEvents: (n) => stores.complaints.pendingEvents(n),
      markEventsDispatched: async (ids) => {
        if (failMark) {
          failMark = false;
          throw new Error('crashed before mark');
        }
        await stores.complaints.markEventsDispatched(ids);
      },
    };
    const relay = new OutboxRelay(flaky, queue);
    await expect(relay.relayPending()).rejects.toThrow('crashed before mark');
    expect(await stores.complaints.pendingEvents(10)).toHaveLength(2);
    expect(await relay.relayPending()).toBe(2);
    expect((await queue.counts(EVENTS_QUEUE)).waiting).toBe(2);
    expect(await stores.complaints.pendingEvents(10)).toEqual([]);
  });

  it('keeps events in the outbox while the queue is down and relays them by itself when it is back', async () => {
    let down = true;
    const outage: JobQueue = {
      kind: 'embedded',
      enqueue: (q, n, d, o) => (down ? Promise.reject(new Error('ECONNREFUSED')) : queue.enqueue(q, n, d, o)),
      enqueueMany: (q, jobs) =>
        down ? Promise.reject(new Error('ECONNREFUSED')) : queue.enqueueMany!(q, jobs),
      process: () => undefined,
      listDead: (q) => queue.listDead(q),
      retryDead: (q, id) => queue.retryDead(q, id),
      counts: (q) => queue.counts(q),
      ping: () => queue.ping(),
      close: async () => undefined,
    };
    const relay = new OutboxRelay(stores.complaints, outage, { intervalMs: 20, maxBackoffMs: 100 });
    relay.start();
    toClose.push(() => relay.stop());
    // Writes do not wait for the queue.
    await stores.complaints.create(draft(), eventsFor(['complaint.received']));
    relay.kick();
    await sleep(300);
    expect(await stores.complaints.pendingEvents(10)).toHaveLength(1);
    expect((await queue.counts(EVENTS_QUEUE)).waiting).toBe(0);
    down = false;
    await waitFor(
      async () => (await queue.counts(EVENTS_QUEUE)).waiting === 1,
      5000,
      'relay after the outage',
    );
    expect(await stores.complaints.pendingEvents(10)).toEqual([]);
  });

  it('kick relays at once instead of at the next interval', async () => {
    const relay = new OutboxRelay(stores.complaints, queue, { intervalMs: 60_000 });
    relay.start();
    toClose.push(() => relay.stop());
    await sleep(50);
    await stores.complaints.create(draft(), eventsFor(['complaint.received']));
    await sleep(200);
    // Not yet: the next interval is a minute away.
    expect((await queue.counts(EVENTS_QUEUE)).waiting).toBe(0);
    relay.kick();
    await waitFor(async () => (await queue.counts(EVENTS_QUEUE)).waiting === 1, 2000, 'kicked relay');
  });

  it('relays into BullMQ on real Redis, events of one PAKN in the order written', async () => {
    const prefix = `test-relay-${process.pid}-${Date.now()}`;
    const bull = new BullmqJobQueue({ connection: REDIS_URL, prefix });
    toClose.push(async () => {
      await bull.close(500);
      await dropPrefix(REDIS_URL, prefix);
    });
    const types: DomainEventType[] = [
      'complaint.received',
      'complaint.forwarded',
      'complaint.info_requested',
      'complaint.answered',
    ];
    const c = await stores.complaints.create(draft(), eventsFor(types));
    const pending = (await stores.complaints.pendingEvents(10)).map((p) => p.event);
    const relay = new OutboxRelay(stores.complaints, bull);
    expect(await relay.relayPending()).toBe(4);
    const seen: string[] = [];
    bull.process<DomainEvent>(
      EVENTS_QUEUE,
      async (job) => {
        await sleep(job.data.type === 'complaint.received' ? 30 : 0);
        seen.push(job.data.type);
        expect(job.data.code).toBe(c.code);
      },
      { concurrency: 4 },
    );
    await waitFor(() => seen.length === 4, 10_000, 'events from BullMQ');
    expect(seen).toEqual(types);
    // The same events enqueued again (a relay that crashed before marking) do not run again.
    await bull.enqueueMany(
      EVENTS_QUEUE,
      pending.map((e) => ({ name: e.type, data: e, options: { jobId: e.id, rateKey: e.code } })),
    );
    await bull.enqueue(
      EVENTS_QUEUE,
      'complaint.published',
      { ...pending[0]!, id: 'sentinel', type: 'complaint.published' },
      { jobId: 'sentinel', rateKey: c.code },
    );
    await waitFor(() => seen.length === 5, 10_000, 'sentinel');
    expect(seen).toEqual([...types, 'complaint.published']);
  });
});
