import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../../src/config/config';
import type { AppDeps } from '../../../src/deps';
import type { Channel, ChannelRef, Complaint, NewComplaint } from '../../../src/domain/complaint';
import type { DomainEvent, DomainEventType } from '../../../src/domain/events';
import { systemClock, type ChannelSender, type FileStore, type JobQueue } from '../../../src/domain/ports';
import { LocalFileStore } from '../../../src/files';
import { BullmqJobQueue } from '../../../src/jobs/bullmq/bullmq-job-queue';
import { EVENTS_QUEUE } from '../../../src/jobs/workers';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import { createLogger } from '../../../src/shared/logger';
import { TelegramApi } from '../../../bots/telegram/telegram-api';
import { TelegramSender } from '../../../bots/registry';
import { dropRedisPrefix } from '../../../src/jobs/bullmq/drop-redis-prefix';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A unique key prefix per test file run, so parallel files and earlier runs never meet. */
export function uniquePrefix(name: string): string {
  return `pakn-test-${name}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** The production Telegram sender (bots/registry.ts) pointed at the fake Bot API, with a short timeout. */
export function telegramSender(config: AppConfig, files: FileStore): ChannelSender {
  return new TelegramSender(new TelegramApi(config.telegram!, 3000), files);
}

export interface WorkerKit {
  dir: string;
  config: AppConfig;
  stores: SqliteStores;
  deps: AppDeps;
  close(): Promise<void>;
}

export function makeKit(
  env: Record<string, string>,
  queue: (config: AppConfig, stores: SqliteStores) => JobQueue,
): WorkerKit {
  const dir = mkdtempSync(join(tmpdir(), 'pakn-workers-'));
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'https://pakn.example.vn',
    ...env,
  });
  const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps: AppDeps = {
    config,
    stores,
    files: new LocalFileStore(join(dir, 'files')),
    queue: queue(config, stores),
    logger,
    clock: systemClock,
  };
  return {
    dir,
    config,
    stores,
    deps,
    async close() {
      await deps.queue.close(2000);
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Config so the workers' delivered marks go to the same Redis prefix as the queue. */
export function redisEnv(prefix: string, url = REDIS_URL): Record<string, string> {
  return { REDIS_URL: url, REDIS_PREFIX: prefix };
}

export function bullmq(
  prefix: string,
  extra: Partial<ConstructorParameters<typeof BullmqJobQueue>[0]> = {},
): (config: AppConfig) => JobQueue {
  return () =>
    new BullmqJobQueue({
      connection: REDIS_URL,
      prefix,
      lockDurationMs: 2000,
      stalledIntervalMs: 1000,
      ...extra,
    });
}

export function draft(
  over: Partial<NewComplaint> & { channel?: Channel; chatId?: string } = {},
): NewComplaint {
  const now = new Date();
  const channelRef: ChannelRef = over.channelRef ?? {
    channel: over.channel ?? 'telegram',
    userId: over.chatId ?? '1001',
    conversationId: over.chatId ?? '1001',
  };
  return {
    title: 'Thủ tục cấp giấy phép xây dựng quá chậm',
    content: 'Hồ sơ xin giấy phép xây dựng nộp từ tháng trước nhưng cán bộ chưa trả lời.',
    category: 'tthc',
    attachments: [],
    submitter: {
      name: 'Nguyễn Văn An',
      phone: '0912345678',
      consentProcessing: true,
      consentPublishName: false,
    },
    channelRef,
    locale: 'vi',
    owner: 'hno.sxd',
    dueAt: new Date(now.getTime() + 20 * 24 * 3600 * 1000),
    createdAt: now,
    history: [{ id: randomUUID(), at: now, type: 'received', actor: { kind: 'citizen' } }],
    ...over,
  };
}

export async function createComplaint(
  kit: WorkerKit,
  over: Parameters<typeof draft>[0] = {},
): Promise<Complaint> {
  return kit.stores.complaints.create(draft(over));
}

/** Puts an event on the `events` queue as the outbox relay does (job id = event id). */
export async function emit(
  queue: JobQueue,
  code: string,
  type: DomainEventType,
  data: Record<string, unknown> = {},
  id: string = randomUUID(),
): Promise<DomainEvent> {
  const event: DomainEvent = { id, type, code: code as DomainEvent['code'], at: new Date(), data };
  await queue.enqueue(EVENTS_QUEUE, type, event, { jobId: id });
  return event;
}

/** Sets an answer on the PAKN as the officers' action would (status answered). */
export async function answer(kit: WorkerKit, code: string, text: string): Promise<Complaint> {
  const c = (await kit.stores.complaints.getByCode(code))!;
  const at = new Date();
  return kit.stores.complaints.update(code, c.version, {
    status: 'answered',
    answeredAt: at,
    answer: {
      text,
      attachments: [],
      by: 'hno.sxd.nl',
      agency: 'hno.sxd',
      at,
      publishRequested: false,
      published: false,
    },
    appendHistory: [
      {
        id: randomUUID(),
        at,
        type: 'answered',
        actor: { kind: 'officer', id: 'hno.sxd.nl', agency: 'hno.sxd' },
      },
    ],
    at,
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Largest number of timestamps inside any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export function deleteRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  return dropRedisPrefix(url, prefix);
}
