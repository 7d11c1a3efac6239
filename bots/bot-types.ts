import type { TurnContext } from 'botbuilder';

/** What a channel needs from the conversation (dialogs/ `createPaknBot`): one turn at a time. */
export interface PaknBot {
  run(context: TurnContext): Promise<void>;
}

/**
 * Runs the turns of one conversation one after another (botbuilder saves state with eTag `*`, so two
 * turns of one chat running together would overwrite each other's state).
 */
export interface TurnSerializer {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** The key turns are serialised on: channel + conversation (the same as dialogs' `turnKey`). */
export function conversationKey(channel: string, conversationId: string): string {
  return `${channel}/${conversationId}`;
}
