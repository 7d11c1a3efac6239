/**
 * A worker process for the crash tests: same SQLite file and Redis prefix as the test, Telegram at the
 * fake server. PAKN_CRASH decides where it kills itself (SIGKILL, no cleanup, like a power cut):
 * - `before-send`: the first delivery dies before calling the Bot API;
 * - `after-mark`: the first delivery dies after the send and its delivered mark, before the queue ack.
 */
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import type { AppDeps } from '../../../src/deps';
import { systemClock, type ChannelSender, type InboundDedupe } from '../../../src/domain/ports';
import { LocalFileStore } from '../../../src/files';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { startWorkers } from '../../../src/jobs/workers';
import { openSqliteStores } from '../../../src/persistence/sqlite';
import { createLogger } from '../../../src/shared/logger';
import { telegramSender } from './worker-kit';

const env = process.env;
const dir = env.PAKN_TEST_DIR!;
const crash = env.PAKN_CRASH ?? '';
const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', TELEGRAM_BOT_TOKEN: env.PAKN_TG_TOKEN, TELEGRAM_API_ROOT: env.PAKN_TG_URL });
const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
const die = () => process.kill(process.pid, 'SIGKILL');

const claims = new Map<string, number>();
const inner = stores.dedupe;
const dedupe: InboundDedupe = {
  async claim(key, ttl) {
    const r = await inner.claim(key, ttl);
    const n = (claims.get(key) ?? 0) + 1;
    claims.set(key, n);
    // The delivered check claims and releases; the second claim of a key is the mark after the send.
    if (crash === 'after-mark' && key.startsWith('deliv:') && n === 2) die();
    return r;
  },
  release: (key) => inner.release(key),
  purgeExpired: () => inner.purgeExpired(),
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
const queue = new BullmqJobQueue({ connection: 'redis://127.0.0.1:6379', prefix: env.PAKN_PREFIX!, lockDurationMs: 2000, stalledIntervalMs: 1000 });
const deps: AppDeps = { config, stores: { ...stores, dedupe }, files, queue, logger: createLogger('silent'), clock: systemClock };

void startWorkers({ ...deps, senders: { telegram: sender } }, { deadlines: { enabled: false }, backoffMs: 200, attempts: 3 }).then(() => {
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => {
  void queue.close(2000).then(() => {
    stores.close();
    process.exit(0);
  });
});
