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
