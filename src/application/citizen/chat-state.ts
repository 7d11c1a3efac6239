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
 * Erases what the bot remembers about a chat (personal-data erasure, NĐ 356/2025): the remembered name,
 * phone and email, any unsent draft, the codes list, and for web chat the stored messages. The PAKN
 * themselves are not touched here.
 */
export async function forgetChatState(storage: ConversationStorage, who: ChannelRef): Promise<void> {
  await storage.delete([
    conversationStateKey(who.channel, who.conversationId),
    userStateKey(who.channel, who.userId),
    ...(who.channel === 'web' ? [webSessionKey(who.conversationId)] : []),
  ]);
}
