import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { PermanentJobError } from '../../../src/domain/ports';
import { EmbeddedJobQueue } from '../../../src/jobs/embedded/embedded-job-queue';
import { createLogger } from '../../../src/shared/logger';
import { waitFor } from '../../contract/queue/queue-contract';

describe('job queue logs', () => {
  it('log a dead-lettered job without the personal data its error quoted', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const db = new Database(':memory:');
    const queue = new EmbeddedJobQueue(db, { logger: createLogger('info', sink), pollIntervalMs: 10 });
    try {
      queue.process('mail', async () => {
        throw new PermanentJobError('550 mailbox an.nguyen@example.vn unknown; SMS 0912345678 refused');
      });
      await queue.enqueue('mail', 'send', {}, { jobId: 'mail-1' });
      await waitFor(() => out.includes('job dead-lettered'), 5000, 'dead-letter log');
      expect(out).toContain('mail-1');
      expect(out).not.toContain('an.nguyen@example.vn');
      expect(out).not.toContain('0912345678');
      // The reason itself stays whole for the operator who lists dead jobs.
      expect((await queue.listDead('mail'))[0]!.failedReason).toContain('an.nguyen@example.vn');
    } finally {
      await queue.close(500);
      db.close();
    }
  });
});
