import type { ChannelRef } from '../../domain/complaint';
import type { ConversationStorage } from '../../domain/ports/conversation-storage';

/**
 * Where the chat bot keeps a conversation's state (dialog, unsent draft) and a chat user's profile
 * (language, last contact details, codes filed): the same keys botbuilder's ConversationState and
 * UserState use.
 */
export function conversationStateKey(channel: string, conversationId: string): string {
  return `${channel}/conversations/${conversationId}/ConversationState`;
}

export function userStateKey(channel: string, userId: string): string {
  return `${channel}/users/${userId}/UserState`;
}

/** A web chat session: its messages as the page shows them (bots/web/webchat-store.ts). */
export function webSessionKey(sessionId: string): string {
  return `web/sessions/${sessionId}`;
}

/**
 * Zalo's reply window for one OA user (bots/zalo/zalo-reply-window.ts): when they last wrote and how
 * many messages went to them since. Holds the OA-scoped user id, so erasure removes it and housekeeping
 * purges it once the window is over (after that it decides nothing).
 */
export const ZALO_REPLY_WINDOW_PREFIX = 'system/zalo/reply-window/';
export function zaloReplyWindowKey(userId: string): string {
  return `${ZALO_REPLY_WINDOW_PREFIX}${userId}`;
}

/**
 * Erases what the bot remembers about a chat (personal-data erasure, NĐ 356/2025): the remembered name,
 * phone and email, any unsent draft, the codes list, for web chat the stored messages, and for Zalo
 * the reply-window record. The PAKN themselves are not touched here.
 */
export async function forgetChatState(storage: ConversationStorage, who: ChannelRef): Promise<void> {
  await storage.delete([
    conversationStateKey(who.channel, who.conversationId),
    userStateKey(who.channel, who.userId),
    ...(who.channel === 'web' ? [webSessionKey(who.conversationId)] : []),
    ...(who.channel === 'zalo' ? [zaloReplyWindowKey(who.userId)] : []),
  ]);
}
