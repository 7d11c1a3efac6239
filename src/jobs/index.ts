import type { Database } from 'better-sqlite3';
import type { AppConfig } from '../config';
import type { JobQueue } from '../domain/ports';
import type { Logger } from '../shared/logger';
import { BullmqJobQueue } from './bullmq/bullmq-job-queue';
import { EmbeddedJobQueue } from './embedded/embedded-job-queue';

export { BullmqJobQueue, type BullmqJobQueueOptions } from './bullmq/bullmq-job-queue';
export { EmbeddedJobQueue, type EmbeddedJobQueueOptions } from './embedded/embedded-job-queue';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { EVENTS_QUEUE } from './queue-names';

/*
 * Job queue, in short (details on each adapter):
 * - Same semantics in both adapters; the contract suite in test/contract/queue runs against both.
 * - A job id is unique per queue while the job exists and for 24 h after it completed (30 days after
 *   it died); a duplicate enqueue in that window is a no-op. Without `jobId` a random id is used.
 * - Attempts default to 5 with exponential backoff from 1 s. RetryLaterError delays without using an
 *   attempt; PermanentJobError dead-letters at once. Dead jobs: `listDead` / `retryDead`.
 * - Jobs with a `rateKey` run one at a time per key, in enqueue order; a job that is retrying, delayed
 *   by RetryLaterError or enqueued with a delay holds back the later jobs of its key, and a dead one
 *   lets them go. Jobs waiting for their key's turn count as `delayed` in BullMQ's counts.
 * - Limits (`limiter`, `perKeyLimiter`) are sliding windows over job starts, 5 % (≤ 50 ms) wider than
 *   asked so that jitter between a start and the request it makes cannot break the limit.
 * - `close(timeoutMs)` stops fetching, lets running jobs finish until the timeout and puts the rest
 *   back to waiting without using an attempt. A process that dies mid-job: BullMQ takes the job again
 *   after its lock expires (30 s), the embedded queue after its lease expires (30 s).
 */

/**
 * BullMQ when REDIS_URL is set (keys under REDIS_PREFIX), otherwise the embedded queue in the SQLite
 * file of the stores. MongoDB without Redis has nowhere to keep jobs, so that is refused.
 */
export function createJobQueue(config: AppConfig, sqliteDb?: Database, logger?: Logger): JobQueue {
  if (config.redisUrl)
    return new BullmqJobQueue({ connection: config.redisUrl, prefix: config.redisPrefix, logger });
  if (!sqliteDb) {
    throw new Error(
      'REDIS_URL is required when the store is MongoDB: the embedded job queue lives in the SQLite file',
    );
  }
  return new EmbeddedJobQueue(sqliteDb, { logger });
}
