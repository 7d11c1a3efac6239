export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under the prefix. */
export { dropRedisPrefix as dropPrefix } from '../../../src/jobs/bullmq/drop-redis-prefix';
