import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { queueContract } from './queue-contract';

queueContract('embedded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakn-queue-'));
  const file = join(dir, 'pakn.db');
  const dbs: Database.Database[] = [];
  return {
    open: (o) => {
      // Each instance opens its own connection, as a restarted process would.
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      dbs.push(db);
      return new EmbeddedJobQueue(db, { pollIntervalMs: 20, ...(o?.fastRecovery ? { leaseMs: 1000 } : {}) });
    },
    childArgs: () => ['embedded', file],
    cleanup: async () => {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
