import IORedis from 'ioredis';

/**
 * Deletes every key under `prefix:` (a test run's or a benchmark's queues). Scans in pages and unlinks,
 * so a large prefix never blocks Redis. For tests, benchmarks and operators; nothing in the service calls it.
 */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new IORedis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
