import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FakeTelegramServer } from '../../fakes/fake-telegram-server';
import { deliverQueue } from '../../../src/jobs/workers';
import {
  bullmq,
  createComplaint,
  deleteRedisPrefix,
  emit,
  makeKit,
  sleep,
  uniquePrefix,
  type WorkerKit,
} from './worker-kit';

const ROOT = join(__dirname, '..', '..', '..');
// Each case starts two worker processes (tsx compiles on start): slow on a loaded 2-core machine.
jest.setTimeout(120_000);

function startChild(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker-child.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, exited };
}

describe('a worker killed mid-job (real Redis, separate processes)', () => {
  let tg: FakeTelegramServer;
  let kit: WorkerKit;
  let prefix: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    tg = await new FakeTelegramServer().start();
    prefix = uniquePrefix('crash');
    kit = makeKit({ TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.url }, bullmq(prefix));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await kit.close();
    await tg.stop();
    await deleteRedisPrefix(prefix);
  });

  const childEnv = (crash: string, log: string) => ({
    PAKN_TEST_DIR: kit.dir,
    PAKN_PREFIX: prefix,
    PAKN_TG_TOKEN: tg.token,
    PAKN_TG_URL: tg.url,
    PAKN_CRASH: crash,
    PAKN_LOG: log,
  });

  async function waitCompleted(queue: string, n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await kit.deps.queue.counts(queue)).completed < n) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} completed on ${queue}`);
      await sleep(200);
    }
  }

  it.each([
    ["after the send and its mark (the queue's, in Redis), before the ack", 'after-mark', 'queue', 1],
    [
      'after the send and its mark (delivery log in SQLite dedupe), before the ack',
      'after-mark',
      'dedupe',
      1,
    ],
    ['before the send', 'before-send', 'queue', 0],
  ])('should deliver exactly once when killed %s', async (_label, crash, log, sentBeforeRestart) => {
    const c = await createComplaint(kit, { chatId: '3030' });
    await emit(kit.deps.queue, c.code, 'complaint.info_requested', {
      message: 'Vui lòng gửi bản chụp giấy hẹn',
    });

    const first = startChild(childEnv(crash, log));
    children.push(first.child);
    expect(await first.exited).toBe('SIGKILL');
    expect(tg.sentCount).toBe(sentBeforeRestart);

    const second = startChild(childEnv('', log));
    children.push(second.child);
    // The dead worker's lock expires (2 s here), the stalled check hands the job to the new worker.
    await waitCompleted(deliverQueue('telegram'), 1, 60_000);
    await sleep(500);
    expect(tg.textsTo('3030')).toHaveLength(1);
    expect(tg.textsTo('3030')[0]).toContain('Vui lòng gửi bản chụp giấy hẹn');
    const counts = await kit.deps.queue.counts(deliverQueue('telegram'));
    expect(counts).toMatchObject({ dead: 0, waiting: 0, active: 0, delayed: 0 });
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
