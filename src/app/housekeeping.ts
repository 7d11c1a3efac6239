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
}

export interface HousekeepingResult {
  conversations: number;
  dedupe: number;
}

/**
 * One pass of housekeeping: abandoned chat drafts (personal data the citizen never submitted) and
 * expired webhook-dedupe records are deleted. Both are idempotent deletes, so every process may run it.
 */
export async function runHousekeeping(deps: HousekeepingDeps): Promise<HousekeepingResult> {
  const before = new Date(deps.clock.now().getTime() - deps.chatDraftRetentionHours * 3_600_000);
  const conversations = await deps.conversations.purgeIdleConversations(before);
  const dedupe = await deps.dedupe.purgeExpired();
  if (conversations || dedupe) deps.logger.info({ conversations, dedupe }, 'housekeeping purged');
  return { conversations, dedupe };
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
