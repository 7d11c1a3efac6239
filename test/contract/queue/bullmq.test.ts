import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { queueContract } from './queue-contract';
import { dropPrefix, REDIS_URL } from './redis-helpers';

queueContract('bullmq', async () => {
  const prefix = `test-queue-${process.pid}-${Date.now()}`;
  return {
    open: (o) =>
      new BullmqJobQueue({
        connection: REDIS_URL,
        prefix,
        ...(o?.fastRecovery ? { lockDurationMs: 1000, stalledIntervalMs: 500 } : {}),
      }),
    childArgs: () => ['bullmq', REDIS_URL, prefix],
    cleanup: () => dropPrefix(REDIS_URL, prefix),
  };
});
