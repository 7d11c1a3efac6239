import type { EnqueueOptions, JobQueue } from '../../../src/domain/ports';
import {
  createDeadlinesHandler,
  seedDeadlineScan,
  slotOf,
} from '../../../src/jobs/workers/deadlines-processor';
import { createLogger } from '../../../src/shared/logger';

describe('the repeatable deadline scan', () => {
  it('should seed the current slot and have each run enqueue the next one first, at the slot boundary', async () => {
    const enqueued: Array<{ queue: string; data: unknown; options?: EnqueueOptions }> = [];
    const queue = {
      kind: 'embedded',
      enqueue: async (q: string, _n: string, data: unknown, options?: EnqueueOptions) => {
        enqueued.push({ queue: q, data, options });
        return options?.jobId ?? 'x';
      },
    } as unknown as JobQueue;
    const now = new Date('2026-12-01T10:20:00Z');
    const clock = { now: () => now };
    const options = { intervalMs: 3600_000, dueSoonMs: 86_400_000, overdueUpdateDays: 7 };
    await seedDeadlineScan({ queue, clock }, options);
    const slot = slotOf(now, options.intervalMs);
    expect(enqueued[0]).toMatchObject({
      queue: 'deadlines',
      data: { slot },
      options: { jobId: `scan-${slot}` },
    });

    let listed = 0;
    const handler = createDeadlinesHandler(
      {
        complaints: { list: async () => (listed++, { items: [], total: 0 }) } as never,
        agencies: { list: async () => [] } as never,
        dedupe: {} as never,
        queue,
        clock,
        logger: createLogger('silent'),
        available: new Set(),
        attempts: 1,
        backoffMs: 1,
        routingRules: [],
      },
      options,
    );
    await handler({
      id: `scan-${slot}`,
      queue: 'deadlines',
      name: 'scan',
      data: { slot },
      attempt: 1,
      maxAttempts: 3,
    });
    expect(enqueued[1]).toMatchObject({
      data: { slot: slot + 1 },
      options: { jobId: `scan-${slot + 1}`, delayMs: 40 * 60_000 },
    });
    expect(listed).toBe(1);
  });
});
