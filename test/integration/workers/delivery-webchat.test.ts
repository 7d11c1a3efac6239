import { createChannelSenders } from '../../../bots/registry';
import { WebChatStore } from '../../../bots/web/webchat-store';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { startWorkers, type Workers } from '../../../src/jobs/workers';
import { createComplaint, emit, makeKit, sleep, type WorkerKit } from './worker-kit';

describe('delivery to the web chat (production WebSender, embedded queue)', () => {
  let kit: WorkerKit;
  let workers: Workers;

  beforeAll(async () => {
    kit = makeKit({}, (_c, stores) => new EmbeddedJobQueue(stores.db, { pollIntervalMs: 20 }));
    workers = await startWorkers(
      { ...kit.deps, senders: createChannelSenders(kit.deps) },
      { deadlines: { enabled: false }, backoffMs: 50, attempts: 2 },
    );
  });
  afterAll(async () => {
    await workers.stop();
    await kit.close();
  });

  it('should store the request in the session, in order, for when the visitor comes back', async () => {
    const store = new WebChatStore(kit.stores.conversations, kit.deps.clock);
    const session = await store.create('vi');
    const c = await createComplaint(kit, { channel: 'web', chatId: session.id });
    await emit(kit.deps.queue, c.code, 'complaint.info_requested', { message: 'Xin gửi thêm ảnh chụp.' });
    await emit(kit.deps.queue, c.code, 'complaint.transferred', { owner: 'btc' });
    const end = Date.now() + 8000;
    while (((await store.get(session.id))?.messages.length ?? 0) < 2 && Date.now() < end) await sleep(50);
    const messages = (await store.get(session.id))!.messages;
    expect(messages.map((m) => m.from)).toEqual(['bot', 'bot']);
    expect(messages[0]!.text).toContain('Xin gửi thêm ảnh chụp.');
    expect(messages[1]!.text).toContain('đã được chuyển đến btc');
  });

  it('should dead-letter a delivery to a session that no longer exists', async () => {
    const c = await createComplaint(kit, { channel: 'web', chatId: 'AAAAAAAAAAAAAAAAAAAAAAAA' });
    await emit(kit.deps.queue, c.code, 'complaint.info_requested', { message: 'x' });
    const end = Date.now() + 8000;
    while ((await kit.deps.queue.counts('deliver-web')).dead < 1 && Date.now() < end) await sleep(50);
    const dead = await kit.deps.queue.listDead('deliver-web');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempt).toBe(1); // permanent: no retries spent
  });
});
