import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { waitFor } from '../../contract/queue/queue-contract';

describe('EmbeddedJobQueue leases', () => {
  let dir: string;
  const dbs: Database.Database[] = [];
  const queues: EmbeddedJobQueue[] = [];
  const open = (leaseMs: number) => {
    const db = new Database(join(dir, 'pakn.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    dbs.push(db);
    const q = new EmbeddedJobQueue(db, { leaseMs, pollIntervalMs: 10 });
    queues.push(q);
    return q;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-lease-'));
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close(500);
    for (const db of dbs.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renews the lease of a long job, so a second process never takes it while it runs', async () => {
    const a = open(300);
    const b = open(300);
    const runs: string[] = [];
    let finished = false;
    a.process('long', async () => {
      runs.push('a');
      await new Promise((r) => setTimeout(r, 1200)); // four leases long
      finished = true;
    });
    await a.enqueue('long', 'x', {}, { jobId: 'long-1' });
    await waitFor(() => runs.length === 1, 5000, 'a to start');
    b.process('long', async () => {
      runs.push('b');
    });
    await waitFor(() => finished, 5000, 'a to finish');
    await waitFor(async () => (await b.counts('long')).completed === 1, 5000, 'completed');
    expect(runs).toEqual(['a']);
  });

  it('keeps jobs in the same file as the stores: a table named jobs, created if missing', async () => {
    const q = open(1000);
    await q.enqueue('any', 'x', { v: 1 }, { jobId: 'j1' });
    const row = dbs[0]!.prepare("SELECT queue, id, state FROM jobs WHERE id = 'j1'").get();
    expect(row).toEqual({ queue: 'any', id: 'j1', state: 'waiting' });
  });
});
