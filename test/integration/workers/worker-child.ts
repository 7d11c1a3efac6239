/**
 * A worker process for the crash tests: same SQLite file and Redis prefix as the test, Telegram at the
 * fake server. PAKN_CRASH decides where it kills itself (SIGKILL, no cleanup, like a power cut):
 * - `before-send`: the first delivery dies before calling the Bot API;
 * - `after-mark`: the first delivery dies after the send and its delivered mark, before the queue ack.
 * PAKN_LOG picks where the marks are kept: `queue` (default, as in production: the queue's done marks,
 * checked in its per-chat gate) or `dedupe` (the delivery log in the SQLite store).
 */
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import type { AppDeps } from '../../../src/deps';
import {
  systemClock,
  type ChannelSender,
  type JobHandler,
  type JobInfo,
  type ProcessOptions,
} from '../../../src/domain/ports';
import { LocalFileStore } from '../../../src/files';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import {
  DedupeDeliveryLog,
  RedisDeliveryLog,
  startWorkers,
  type DeliveryLog,
} from '../../../src/jobs/workers';
import { openSqliteStores } from '../../../src/persistence/sqlite';
import { createLogger } from '../../../src/shared/logger';
import { telegramSender } from './worker-kit';

const env = process.env;
const dir = env.PAKN_TEST_DIR!;
const crash = env.PAKN_CRASH ?? '';
const config = loadConfig({
  DATA_DIR: dir,
  LOG_LEVEL: 'silent',
  TELEGRAM_BOT_TOKEN: env.PAKN_TG_TOKEN,
  TELEGRAM_API_ROOT: env.PAKN_TG_URL,
});
const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
const die = () => process.kill(process.pid, 'SIGKILL');

// The delivered marks: the queue's (as in production) or the delivery log in the store's dedupe records.
const viaLog = env.PAKN_LOG === 'dedupe';
const inner: DeliveryLog = viaLog
  ? new DedupeDeliveryLog(stores.dedupe)
  : new RedisDeliveryLog('redis://127.0.0.1:6379', env.PAKN_PREFIX!);
const deliveryLog: DeliveryLog = {
  wasDelivered: (id) => inner.wasDelivered(id),
  async markDelivered(id) {
    await inner.markDelivered(id);
    if (crash === 'after-mark') die();
  },
  close: () => inner.close(),
};
const files = new LocalFileStore(join(dir, 'files'));
const tg = telegramSender(config, files);
const sender: ChannelSender = {
  channel: 'telegram',
  async send(to, message) {
    if (crash === 'before-send') die();
    return tg.send(to, message);
  },
};
const queue = new BullmqJobQueue({
  connection: 'redis://127.0.0.1:6379',
  prefix: env.PAKN_PREFIX!,
  lockDurationMs: 2000,
  stalledIntervalMs: 1000,
});
// With the queue's marks: die right after a delivery's mark is written, before the handler returns.
const process_ = queue.process.bind(queue);
queue.process = <T>(name: string, handler: JobHandler<T>, options?: ProcessOptions) =>
  process_<T>(
    name,
    async (job: JobInfo<T>) =>
      handler(
        job.markDone
          ? {
              ...job,
              async markDone() {
                await job.markDone!();
                if (crash === 'after-mark') {
                  // The queue writes a mark by the end of the tick markDone was called in (with the
                  // job's ack when the handler returns in it): let that write go, then die with the
                  // handler unreturned, so no ack is sent.
                  await new Promise((r) => setImmediate(r));
                  die();
                }
              },
            }
          : job,
      ),
    options,
  );
const deps: AppDeps = { config, stores, files, queue, logger: createLogger('silent'), clock: systemClock };

void startWorkers(
  { ...deps, senders: { telegram: sender } },
  {
    deadlines: { enabled: false },
    backoffMs: 200,
    attempts: 3,
    deliveryLog,
    deliveryMarks: viaLog ? 'log' : 'queue',
  },
).then(() => {
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => {
  void queue.close(2000).then(() => {
    stores.close();
    process.exit(0);
  });
});
