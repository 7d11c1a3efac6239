/**
 * Run by the contract suite as a separate process: enqueues two jobs of one key, starts the first,
 * says STARTED and hangs until the test kills it with SIGKILL (a crash, not a shutdown).
 * argv: bullmq <redisUrl> <prefix> <queue> | embedded <dbFile> <queue>
 * PAKN_CHILD_MARK=1: processes with done marks, and marks the job done (and lets the turn end) before
 * saying STARTED (its effect happened; the process dies before the queue hears it finished).
 */
import Database from 'better-sqlite3';
import type { JobQueue } from '../../../src/domain/ports';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';

async function main(): Promise<void> {
  const [kind, a, b, c] = process.argv.slice(2);
  let queue: JobQueue;
  let name: string;
  if (kind === 'bullmq') {
    queue = new BullmqJobQueue({ connection: a!, prefix: b!, lockDurationMs: 1000, stalledIntervalMs: 500 });
    name = c!;
  } else {
    const db = new Database(a!);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    queue = new EmbeddedJobQueue(db, { leaseMs: 1000, pollIntervalMs: 20 });
    name = b!;
  }
  await queue.enqueue(name, 'x', { v: 'x' }, { jobId: 'crash-1', attempts: 1, rateKey: 'chat-9' });
  // Behind it in its key: must wait for crash-1's second run, then follow it.
  await queue.enqueue(name, 'x', { v: 'y' }, { jobId: 'crash-2', attempts: 1, rateKey: 'chat-9' });
  const mark = process.env.PAKN_CHILD_MARK === '1';
  queue.process(
    name,
    async (job) => {
      if (mark) {
        await job.markDone!();
        // A mark is stored by the end of the turn markDone was called in (JobInfo.markDone): the process
        // dies after that, as the test wants (BullMQ writes it with the ack, which never comes here).
        await new Promise((r) => setImmediate(r));
      }
      process.stdout.write('STARTED\n');
      await new Promise(() => undefined);
    },
    mark ? { doneMarks: { ttlMs: 60_000 } } : {},
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
