import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitReady(url: string, child: ChildProcess, deadlineMs: number): Promise<Response> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      return await fetch(url);
    } catch {
      if (Date.now() > until) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('npm start (the real process, embedded defaults)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pakn-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with nothing configured, reports ready with channels off, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(TSX, [join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    try {
      const health = await waitReady(`http://127.0.0.1:${port}/healthz`, child, 30_000);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        checks: Record<string, string>;
        channels: Record<string, string>;
      };
      expect(body.checks).toEqual({ 'store:sqlite': 'ok', 'queue:embedded': 'ok' });
      expect(body.channels).toMatchObject({
        telegram: 'off',
        zalo: 'off',
        web: 'configured',
        sms: 'off',
        email: 'off',
      });
      expect(existsSync(join(dataDir, 'pakn.sqlite'))).toBe(true);
      // The generated signing secret is readable by its owner only.
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o077).toBe(0);
      const docs = await fetch(`http://127.0.0.1:${port}/docs/json`);
      expect(docs.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await waitForExit(child)).toBe(0);
    expect(output).not.toMatch(/error/i);
  }, 60_000);

  it('refuses to start on a bad setting and names it', async () => {
    const child = spawn(TSX, [join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    expect(await waitForExit(child)).toBe(1);
    expect(stderr).toContain('PORT="eighty": expected an integer from 0 to 65535');
  }, 30_000);
});
