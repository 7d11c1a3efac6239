import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../../src/config';
import type { AppDeps } from '../../src/deps';
import type { Clock, JobQueue } from '../../src/domain/ports';
import { LocalFileStore } from '../../src/files';
import { buildApp } from '../../src/http/app';
import { EmbeddedJobQueue } from '../../src/jobs/embedded/embedded-job-queue';
import { openSqliteStores } from '../../src/persistence/sqlite';
import { createLogger } from '../../src/shared/logger';

/** A clock tests move by hand: nothing depends on wall-clock luck. */
export class TestClock implements Clock {
  constructor(private t: Date = new Date('2026-03-02T02:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string): void {
    this.t = new Date(at);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

export interface TestAppOverrides {
  /** Environment as `loadConfig` reads it (DATA_DIR, LOG_LEVEL and JWT_SECRET are set by default). */
  env?: Record<string, string>;
  config?: Partial<AppConfig>;
  clock?: TestClock;
  /** Replaces the silent logger (to assert what is logged). */
  logger?: import('../../src/shared/logger').Logger;
  queue?: (deps: Omit<AppDeps, 'queue'> & { db: import('better-sqlite3').Database }) => JobQueue;
}

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  clock: TestClock;
  /** The temporary DATA_DIR (SQLite file, files); removed by `close`. */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The whole HTTP app on the embedded defaults: a real SQLite file in a temporary folder, the embedded
 * job queue in the same file (no workers started), LocalFileStore, a TestClock, silent logs.
 */
export async function buildTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pakn-test-'));
  const config: AppConfig = {
    ...loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-secret-'.padEnd(48, 'x'),
      ...overrides.env,
    }),
    ...overrides.config,
  };
  const clock = overrides.clock ?? new TestClock();
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const stores = openSqliteStores({ file: join(dataDir, 'pakn.db'), clock, logger });
  const files = new LocalFileStore(join(dataDir, 'files'));
  const base = { config, stores, files, logger, clock };
  const queue = overrides.queue
    ? overrides.queue({ ...base, db: stores.db })
    : new EmbeddedJobQueue(stores.db, { logger });
  const deps: AppDeps = { ...base, queue };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    dataDir,
    async close() {
      await app.close();
      await queue.close(1000);
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
