import { zaloReplyWindowKey } from '../../src/application/citizen/chat-state';
import type { ZaloConfig } from '../../src/config/config';
import type { Clock } from '../../src/domain/ports/clock';
import { ETagConflictError, type ConversationStorage } from '../../src/domain/ports/conversation-storage';

/**
 * Zalo OA reply rules (CHANNELS.md §3.4): after a citizen messages the OA, it may send `quota` messages
 * (8) within `windowMs` (48 h) for free; the quota starts again with the citizen's next message. More,
 * or later, would be paid proactive messages (or refused: -230 after 7 days).
 */
export interface ZaloReplyRules {
  windowMs: number;
  quota: number;
}

export const DEFAULT_ZALO_REPLY_RULES: ZaloReplyRules = { windowMs: 48 * 3600_000, quota: 8 };

export function zaloReplyRules(config: Pick<ZaloConfig, 'replyWindowHours' | 'replyQuota'>): ZaloReplyRules {
  return {
    windowMs: (config.replyWindowHours ?? 48) * 3600_000,
    quota: config.replyQuota ?? DEFAULT_ZALO_REPLY_RULES.quota,
  };
}

/** Why a message may not go out on Zalo now. */
export type ZaloWindowVerdict = 'ok' | 'unknown' | 'window_expired' | 'quota_used';

interface WindowItem {
  /** ms since the epoch of the citizen's last message to the OA. */
  lastInboundAt: number;
  /** Messages the OA sent this citizen since then. */
  sentSince: number;
}

/**
 * Per Zalo user: when they last wrote and how many messages went to them since. Kept in the
 * conversation storage (SQLite or MongoDB, shared by the web process that sees inbound messages and
 * the worker processes that send notices); eTag writes, so concurrent updates retry rather than lose
 * a count. The key holds the OA-scoped user id and two numbers, nothing else.
 */
export class ZaloReplyWindow {
  constructor(
    private readonly storage: ConversationStorage,
    private readonly clock: Clock,
    readonly rules: ZaloReplyRules = DEFAULT_ZALO_REPLY_RULES,
  ) {}

  static key(userId: string): string {
    return zaloReplyWindowKey(userId);
  }

  /** The citizen wrote to the OA: a new window with a full quota. */
  async inbound(userId: string, at: Date = this.clock.now()): Promise<void> {
    await this.update(userId, (cur) =>
      cur && cur.lastInboundAt > at.getTime() ? cur : { lastInboundAt: at.getTime(), sentSince: 0 },
    );
  }

  /** `n` messages went out to the citizen. Not known inbound: nothing to count against. */
  async sent(userId: string, n = 1): Promise<void> {
    await this.update(userId, (cur) => (cur ? { ...cur, sentSince: cur.sentSince + n } : undefined));
  }

  /**
   * Whether `messages` more may go out for free now. `unknown` when no inbound message was ever seen
   * for this user (a conversation older than this record): the send is tried and Zalo's own answer
   * (-230/-213 outside its window) decides.
   */
  async check(userId: string, messages: number): Promise<ZaloWindowVerdict> {
    const cur = await this.read(userId);
    if (!cur) return 'unknown';
    if (this.clock.now().getTime() - cur.item.lastInboundAt > this.rules.windowMs) return 'window_expired';
    if (cur.item.sentSince + messages > this.rules.quota) return 'quota_used';
    return 'ok';
  }

  private async read(userId: string): Promise<{ item: WindowItem; eTag?: string } | undefined> {
    const key = ZaloReplyWindow.key(userId);
    const raw = (await this.storage.read([key]))[key];
    if (!raw || typeof raw.lastInboundAt !== 'number') return undefined;
    return {
      item: { lastInboundAt: raw.lastInboundAt, sentSince: Number(raw.sentSince) || 0 },
      eTag: raw.eTag,
    };
  }

  private async update(
    userId: string,
    change: (cur: WindowItem | undefined) => WindowItem | undefined,
  ): Promise<void> {
    const key = ZaloReplyWindow.key(userId);
    for (let i = 0; ; i++) {
      const cur = await this.read(userId);
      const next = change(cur?.item);
      if (!next || (cur && next === cur.item)) return;
      try {
        // eTag '*' only when there was nothing: a record written meanwhile makes this a conflict.
        await this.storage.write({ [key]: { ...next, eTag: cur?.eTag ?? '*' } });
        return;
      } catch (err) {
        if (!(err instanceof ETagConflictError) && (err as Error).name !== 'ETagConflictError') throw err;
        if (i >= 10) throw err;
      }
    }
  }
}
