import type { BenchSuite } from './types';

/** Every benchmark suite, in the order they run. Each area adds its own line. */
export const suites: Array<() => Promise<BenchSuite>> = [
  () => import('./store-bench').then((m) => m.storeBench),
  () => import('./queue-bench').then((m) => m.queueBench),
  () => import('./telegram-bench').then((m) => m.telegramBench),
  () => import('./admin-bench').then((m) => m.adminBench),
  () => import('./stats-bench').then((m) => m.statsBench),
  () => import('./delivery-bench').then((m) => m.deliveryBench),
];
