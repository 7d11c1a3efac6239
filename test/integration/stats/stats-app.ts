import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import type { AppDeps } from '../../../src/deps';
import type { Role } from '../../../src/domain/account';
import type { FileStore, JobQueue } from '../../../src/domain/ports';
import { buildApp } from '../../../src/http/app';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import { createLogger } from '../../../src/shared/logger';
import { loadFixture, NOW } from './stats-fixture';

export const PASSWORD = 'mat-khau-thu-nghiem-1';

/** Officers of the fixture's agencies: a ministry's reception, a unit's processing, the central viewer. */
export const ACCOUNTS: Array<{ username: string; agency: string; role: Role }> = [
  { username: 'vpcp.ld', agency: 'vpcp', role: 'viewer' },
  { username: 'btc.nl', agency: 'btc', role: 'reception' },
  { username: 'btc.tchq.nl', agency: 'btc.tchq', role: 'processing' },
  { username: 'hno.nl', agency: 'hno', role: 'reception' },
];

export interface StatsTestApp {
  app: FastifyInstance;
  stores: SqliteStores;
  deps: AppDeps;
  /** Signs in through the real login route and returns the bearer header. */
  login(username: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

// The statistics routes use neither files nor jobs; anything touching them here is a bug in the test.
const unused = new Proxy(
  {},
  {
    get: (_t, p) =>
      p === 'kind' ? 'embedded' : () => Promise.reject(new Error(`unused in stats tests: ${String(p)}`)),
  },
);

/** The whole HTTP app (buildApp: admin auth + stats plugin) over a fixture-filled SQLite store, the clock at NOW. */
export async function createStatsTestApp(options: { clock?: () => Date } = {}): Promise<StatsTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'pakn-stats-http-'));
  const config = loadConfig({
    DATA_DIR: dir,
    JWT_SECRET: 'stats-test-secret-0123456789abcdefghijkl',
    LOG_LEVEL: 'silent',
  });
  const stores = openSqliteStores({ file: join(dir, 'pakn.db') });
  await loadFixture(stores);
  const hash = bcrypt.hashSync(PASSWORD, 4);
  for (const a of ACCOUNTS) {
    await stores.accounts.create({
      ...a,
      displayName: a.username,
      passwordHash: hash,
      active: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
  }
  const deps: AppDeps = {
    config,
    stores,
    files: unused as FileStore,
    queue: unused as JobQueue,
    logger: createLogger('silent'),
    clock: { now: options.clock ?? (() => NOW) },
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    stores,
    deps,
    async login(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/auth/login',
        payload: { username, password: PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      return { authorization: `Bearer ${res.json<{ accessToken: string }>().accessToken}` };
    },
    async close() {
      await app.close();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
