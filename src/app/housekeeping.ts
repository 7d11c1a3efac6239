import type { Logger } from 'pino';
import type { Clock } from '../domain/ports/clock';
import type { PurgeableConversationStorage } from '../domain/ports/conversation-storage';
import type { InboundDedupe } from '../domain/ports/inbound-dedupe';

export interface HousekeepingDeps {
  conversations: PurgeableConversationStorage;
  dedupe: InboundDedupe;
  clock: Clock;
  logger: Logger;
  /** Conversation state untouched for this long is deleted. */
  chatDraftRetentionHours: number;
  /**
   * Records kept only while they matter, by key prefix: each is deleted once not written for `maxAgeMs`
   * (e.g. the Zalo reply windows, which hold the OA user id and decide nothing after the window).
   */
  expiring?: ReadonlyArray<{ keyPrefix: string; maxAgeMs: number }>;
}

export interface HousekeepingResult {
  conversations: number;
  dedupe: number;
  /** Records purged under the `expiring` prefixes. */
  expired: number;
}

/**
 * One pass of housekeeping: abandoned chat drafts (personal data the citizen never submitted), expired
 * webhook-dedupe records and records past their use (`expiring`) are deleted. Both are idempotent deletes, so every process may run it.
 */
export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingResult> {
  const before = new Date(deps.clock.now().getTime() - deps.chatDraftRetentionHours * 3_600_000);
  const conversations = await deps.conversations.purgeIdleConversations(before);
  const dedupe = await deps.dedupe.purgeExpired();
  let expired = 0;
  for (const { keyPrefix, maxAgeMs } of deps.expiring ?? [])
    expired += await deps.conversations.purgeIdleUnder(
      keyPrefix,
      new Date(deps.clock.now().getTime() - maxAgeMs),
    );
  if (conversations || dedupe || expired)
    deps.logger.info({ conversations, dedupe, expired }, 'housekeeping purged');
  return { conversations, dedupe, expired };
}

/** Runs `runHousekeeping` now and then every `intervalMs`; a failed pass is logged and retried next time. */
export function startHousekeeping(deps: HousekeepingDeps, intervalMs = 3_600_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = runHousekeeping(deps).catch((err: unknown) => deps.logger.warn({ err }, 'housekeeping failed'));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
