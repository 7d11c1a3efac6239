/**
 * Each area's benchmark is a BenchSuite listed in bench/suites.ts; `npm run bench` runs them all,
 * prints the figures and writes docs/benchmarks.md. A figure compared with a baseline measured in the
 * same run carries the ratio; a figure with a target says whether it met it.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "≥ 2000", "< 1" — shown as written. */
  target?: string;
  pass?: boolean;
  /** The baseline measured in the same run, and value/baseline. */
  baseline?: { name: string; value: number; unit: string };
  ratio?: number;
  note?: string;
}

export interface BenchOptions {
  /** Smaller data sets and shorter runs (for CI smoke runs): `BENCH_QUICK=1`. */
  quick: boolean;
  /** A scratch directory for data files. */
  workDir: string;
}

export interface BenchSuite {
  name: string;
  run(options: BenchOptions): Promise<BenchFigure[]>;
}

/** Latency percentiles from samples in milliseconds. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, i)]!;
}
