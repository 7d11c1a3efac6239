import type { DomainEvent } from '../domain/events';
import type { ComplaintStore, JobQueue, NewJob } from '../domain/ports';
import { createLogger, type Logger } from '../shared/logger';
import { logSafeMessage } from './job-defaults';
import { EVENTS_QUEUE } from './queue-names';

export interface OutboxRelayOptions {
  /** How often the outbox is checked when nobody kicks. Default 1000 ms. */
  intervalMs?: number;
  /** Events read and enqueued per round trip. Default 100. */
  batchSize?: number;
  /** Attempts for each event job (the fan-out must survive a store or Redis hiccup). Default 10. */
  attempts?: number;
  /** First retry delay of an event job, doubling. Default 1000 ms. */
  backoffMs?: number;
  /** Longest pause between tries while the queue is unreachable. Default 30 s. */
  maxBackoffMs?: number;
  logger?: Logger;
}

/**
 * Moves domain events from the store's outbox to the `events` queue. The job id is the event id, so a
 * relay that dies between the enqueue and the mark enqueues each event once; the rate key is the PAKN
 * code, so the events of one PAKN are handled in the order they were written. While the queue is down
 * the events simply stay in the outbox (writes to the store never wait for the queue) and are relayed
 * when it is back. Job data is the DomainEvent as JSON (`at` arrives as an ISO string).
 */
export class OutboxRelay {
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private failures = 0;

  constructor(
    private readonly store: Pick<ComplaintStore, 'pendingEvents' | 'markEventsDispatched'>,
    private readonly queue: JobQueue,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.intervalMs = Math.max(10, options.intervalMs ?? 1000);
    this.batchSize = Math.max(1, options.batchSize ?? 100);
    this.logger = options.logger ?? createLogger('silent');
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Relay now (after a write), instead of at the next interval. */
  kick(): void {
    if (!this.started) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Relays everything pending; returns how many events were handed to the queue. Throws if the queue or store fails. */
  async relayPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const pending = await this.store.pendingEvents(this.batchSize);
      if (pending.length === 0) return total;
      const jobs: Array<NewJob<DomainEvent>> = pending.map(({ event }) => ({
        name: event.type,
        data: event,
        options: {
          jobId: event.id,
          rateKey: event.code,
          attempts: this.options.attempts ?? 10,
          backoffMs: this.options.backoffMs ?? 1000,
        },
      }));
      if (this.queue.enqueueMany) await this.queue.enqueueMany(EVENTS_QUEUE, jobs);
      else for (const j of jobs) await this.queue.enqueue(EVENTS_QUEUE, j.name, j.data, j.options);
      await this.store.markEventsDispatched(pending.map((p) => p.event.id));
      total += pending.length;
      if (pending.length < this.batchSize) return total;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), ms);
  }

  private async round(): Promise<void> {
    if (!this.started || this.running) return;
    let next = this.intervalMs;
    this.running = (async () => {
      try {
        const n = await this.relayPending();
        if (n > 0) this.logger.debug({ events: n }, 'outbox events relayed');
        if (this.failures > 0) this.logger.info({ afterFailures: this.failures }, 'outbox relay recovered');
        this.failures = 0;
      } catch (err) {
        this.failures++;
        next = Math.min(
          this.options.maxBackoffMs ?? 30_000,
          this.intervalMs * 2 ** Math.min(this.failures - 1, 10),
        );
        // First failure and then every tenth, so an outage does not flood the log.
        if (this.failures === 1 || this.failures % 10 === 0) {
          this.logger.warn(
            { err: logSafeMessage(err), failures: this.failures, retryInMs: next },
            'outbox relay failed; events stay in the outbox',
          );
        }
      }
    })();
    await this.running;
    this.running = undefined;
    if (!this.started) return;
    if (this.again && this.failures === 0) {
      this.again = false;
      this.schedule(0);
    } else {
      this.again = false;
      this.schedule(next);
    }
  }
}
