import { randomUUID } from 'node:crypto';
import type { EnqueueOptions } from '../domain/ports';
import { scrubText } from '../shared/logger';

/** Defaults shared by both adapters, so a job behaves the same whichever queue runs it. */
export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;
/**
 * How long a finished job's id is remembered, so that a late duplicate enqueue is still a no-op
 * (an outbox relay that crashed between enqueue and mark, a webhook redelivered the next day).
 */
export const DEFAULT_KEEP_COMPLETED_MS = 24 * 3600 * 1000;
/** Dead jobs wait this long for an operator before they are purged. */
export const DEFAULT_KEEP_DEAD_MS = 30 * 24 * 3600 * 1000;

export interface ResolvedEnqueue {
  id: string;
  delayMs: number;
  attempts: number;
  backoffMs: number;
  rateKey?: string;
}

export function resolveEnqueue(options: EnqueueOptions | undefined): ResolvedEnqueue {
  const attempts = Math.max(1, Math.floor(options?.attempts ?? DEFAULT_ATTEMPTS));
  return {
    id: options?.jobId ?? randomUUID(),
    delayMs: Math.max(0, Math.floor(options?.delayMs ?? 0)),
    attempts,
    backoffMs: Math.max(0, Math.floor(options?.backoffMs ?? DEFAULT_BACKOFF_MS)),
    rateKey: options?.rateKey === undefined || options.rateKey === '' ? undefined : options.rateKey,
  };
}

/** Exponential backoff: the delay before try `attemptsMade + 1`, as BullMQ's 'exponential' computes it. */
export function backoffDelay(backoffMs: number, attemptsMade: number): number {
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * backoffMs);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * The window a limiter actually enforces: a little wider than asked. Limits are checked when a job
 * starts, but what they protect (a chat API counting requests per second) sees the request a few
 * milliseconds later, with jitter from Redis round trips and a busy event loop; without a margin two
 * starts exactly one window apart can arrive less than a window apart. 5 % of the window, at most 50 ms.
 */
export function enforcedWindowMs(durationMs: number): number {
  return Math.ceil(durationMs + Math.min(50, durationMs * 0.05));
}

/** An error's message fit for the logs: handler errors may quote an address or a phone number. */
export function logSafeMessage(err: unknown): string {
  return scrubText(errorMessage(err));
}
