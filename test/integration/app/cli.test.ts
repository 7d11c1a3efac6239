import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the operator CLI as an operator would, against a fresh DATA_DIR. */
async function cli(dataDir: string, args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(TSX, [join(ROOT, 'scripts', 'cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('operator CLI', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pakn-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses seed:demo without DEMO_PASSWORD', async () => {
    const r = await cli(dataDir, ['seed-demo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DEMO_PASSWORD/);
  });

  it('seeds the demo directory once, then lists it', async () => {
    const first = await cli(dataDir, ['seed-demo'], { DEMO_PASSWORD: 'demo-password-1' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('agencies created: vpcp, btc, btc.tchq, hno, hno.sxd');
    expect(first.stdout).toContain(
      'accounts created: admin, vpcp.nl, btc.nl, btc.tchq.nl, hno.nl, hno.sxd.nl',
    );
    const again = await cli(dataDir, ['seed-demo'], { DEMO_PASSWORD: 'demo-password-1' });
    expect(again.stdout).toContain('(all existed)');

    const agencies = await cli(dataDir, ['agency:list']);
    expect(agencies.stdout).toMatch(/btc\.tchq\s+unit\s+btc/);
    const accounts = await cli(dataDir, ['account:list', '--agency', 'btc']);
    expect(accounts.stdout).toMatch(/btc\.nl\s+reception\s+btc/);
    expect(accounts.stdout).not.toMatch(/hno/);
    expect(accounts.stdout).not.toMatch(/\$2[aby]\$/); // no password hash leaks
  }, 60_000);

  it('adds agencies and accounts, resets passwords, and explains mistakes in Vietnamese', async () => {
    expect(
      (await cli(dataDir, ['agency:add', 'dng', '--name', 'UBND TP Đà Nẵng', '--kind', 'province'])).code,
    ).toBe(0);
    expect(
      (await cli(dataDir, ['agency:add', 'dng.stc', '--name', 'Sở Tài chính Đà Nẵng', '--review'])).stdout,
    ).toMatch(/dng\.stc \(unit, parent dng\)/);
    const add = await cli(dataDir, ['account:add', 'dng.nl', '--agency', 'dng', '--role', 'reception'], {
      PASSWORD: 'a-long-password',
    });
    expect(add.stdout).toContain('added account dng.nl (reception at dng)');
    const dup = await cli(dataDir, ['account:add', 'dng.nl', '--agency', 'dng', '--role', 'reception'], {
      PASSWORD: 'a-long-password',
    });
    expect(dup.code).toBe(1);
    const short = await cli(dataDir, ['account:password', 'dng.nl'], { PASSWORD: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('ít nhất 10 ký tự');
    expect((await cli(dataDir, ['account:password', 'dng.nl'], { PASSWORD: 'another-long-one' })).code).toBe(
      0,
    );
    const orphan = await cli(dataDir, ['agency:add', 'xyz.abc', '--name', 'Orphan']);
    expect(orphan.code).toBe(1);
    const bad = await cli(dataDir, ['agency:add', '../etc', '--name', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/không hợp lệ/);
    const unknown = await cli(dataDir, ['frobnicate']);
    expect(unknown.code).toBe(2);
  }, 60_000);
});
