import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suites } from './suites';
import type { BenchFigure } from './types';

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}

function write(sections: string[], quick: boolean, complete: boolean): void {
  const header = `# Benchmarks\n\nWritten by \`npm run bench\`${quick ? ' (BENCH_QUICK=1: reduced sizes, not the reference figures)' : ''} on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${complete ? '' : ' — run in progress or interrupted: suites below are complete, later ones missing'}.\n\n`;
  writeFileSync(
    join(__dirname, '..', 'docs', quick ? 'benchmarks-quick.md' : 'benchmarks-latest.md'),
    header + sections.join('\n'),
  );
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.argv[2];
  const workDir = mkdtempSync(join(tmpdir(), 'pakn-bench-'));
  const sections: string[] = [];
  let failures = 0;
  try {
    for (const load of suites) {
      const suite = await load();
      if (only && !suite.name.includes(only)) continue;
      process.stdout.write(`\n== ${suite.name}\n`);
      const started = Date.now();
      const figures: BenchFigure[] = await suite.run({ quick, workDir });
      const rows = figures.map((f) => {
        if (f.pass === false) failures++;
        const base = f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.value)} ${f.baseline.unit}` : '';
        const ratio = f.ratio !== undefined ? fmt(f.ratio) : '';
        const verdict = f.pass === undefined ? '' : f.pass ? 'met' : 'MISSED';
        process.stdout.write(
          `  ${f.name}: ${fmt(f.value)} ${f.unit}${ratio ? ` (ratio ${ratio} vs ${base})` : ''}${f.target ? ` target ${f.target} ${verdict}` : ''}\n`,
        );
        return `| ${f.name} | ${fmt(f.value)} ${f.unit} | ${base} | ${ratio} | ${f.target ?? ''} | ${verdict} | ${f.note ?? ''} |`;
      });
      sections.push(
        `## ${suite.name}\n\n(${((Date.now() - started) / 1000).toFixed(0)} s)\n\n| figure | value | baseline (same run) | ratio | target | | note |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
      );
      // Written after every suite, so a long run that is interrupted keeps what it measured.
      if (!only) write(sections, quick, false);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (!only) write(sections, quick, true);
  process.stdout.write(`\n${failures ? `${failures} figure(s) missed their target` : 'all targets met'}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
