import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { conversationStateKey, userStateKey } from '../src/application/citizen/chat-state';
import {
  STORED_JSON,
  withWriteJson,
  type ConversationStorage,
  type StoreItem,
  type StoreItems,
} from '../src/domain/ports/conversation-storage';

interface Slot {
  key: string;
  data: Record<string, unknown>;
  eTag?: string;
  json: string;
  /** The JSON of the change handed to the store by `changes`, taken as saved by `saved`. */
  pending?: string;
}

/**
 * Turn-cached state over the ConversationStorage port (botbuilder's Storage shape), like botbuilder's
 * ConversationState/UserState and with the same keys, but saved with the eTag it was read with: botbuilder's
 * BotState writes with eTag `*` (last writer wins), which silently loses one of two concurrent turns. Here
 * the second save fails with an eTag conflict and PaknBot runs that turn again on fresh state. PaknBot
 * writes the conversation's and the user's changes of a turn in one `write`, so they land together or not at all.
 */
export class StateBag {
  private readonly slotKey = Symbol('pakn.state');

  constructor(
    private readonly storage: ConversationStorage,
    private readonly keyOf: (ctx: TurnContext) => string,
  ) {}

  /** `${channelId}/conversations/${conversationId}/${namespace}`, as ConversationState. */
  static conversation(storage: ConversationStorage, namespace = 'ConversationState'): StateBag {
    return new StateBag(storage, (ctx) => {
      const a = ctx.activity;
      if (!a.channelId || !a.conversation?.id)
        throw new Error('activity has no channelId or conversation.id');
      return namespace === 'ConversationState'
        ? conversationStateKey(a.channelId, a.conversation.id)
        : `${a.channelId}/conversations/${a.conversation.id}/${namespace}`;
    });
  }

  /** `${channelId}/users/${userId}/${namespace}`, as UserState. */
  static user(storage: ConversationStorage, namespace = 'UserState'): StateBag {
    return new StateBag(storage, (ctx) => {
      const a = ctx.activity;
      if (!a.channelId || !a.from?.id) throw new Error('activity has no channelId or from.id');
      return namespace === 'UserState'
        ? userStateKey(a.channelId, a.from.id)
        : `${a.channelId}/users/${a.from.id}/${namespace}`;
    });
  }

  async load(ctx: TurnContext): Promise<Record<string, unknown>> {
    const cached = ctx.turnState.get(this.slotKey) as Slot | undefined;
    if (cached) return cached.data;
    const key = this.keyOf(ctx);
    const items = await this.storage.read([key]);
    const { eTag, [STORED_JSON]: stored, ...data } = (items[key] ?? {}) as StoreItem;
    const slot: Slot = { key, data, eTag, json: stored ?? JSON.stringify(data) };
    ctx.turnState.set(this.slotKey, slot);
    return data;
  }

  property<T>(name: string): StatePropertyAccessor<T> {
    return {
      get: async (ctx: TurnContext, defaultValue?: T): Promise<T> => {
        const data = await this.load(ctx);
        if (data[name] === undefined && defaultValue !== undefined) {
          data[name] = JSON.parse(JSON.stringify(defaultValue)) as unknown;
        }
        return data[name] as T;
      },
      set: async (ctx: TurnContext, value: T): Promise<void> => {
        const data = await this.load(ctx);
        data[name] = value;
      },
      delete: async (ctx: TurnContext): Promise<void> => {
        const data = await this.load(ctx);
        delete data[name];
      },
    };
  }

  /**
   * The turn's change to write, if the state changed: `{ key: item }` or `{}`. `optimistic` names the
   * eTag read at the start of the turn, so a write in between makes the store refuse this one; `force`
   * overwrites. Call `saved` once the store took it.
   */
  changes(ctx: TurnContext, mode: 'optimistic' | 'force'): StoreItems {
    const slot = ctx.turnState.get(this.slotKey) as Slot | undefined;
    if (!slot) return {};
    const json = JSON.stringify(slot.data);
    slot.pending = json;
    if (json === slot.json) return {};
    const eTag = mode === 'force' || slot.eTag === undefined ? '*' : slot.eTag;
    // A shallow copy, not a deep one: PaknBot saves at the end of the turn and awaits the write before
    // anything runs on this state again (a re-run reads fresh state into a new slot).
    return { [slot.key]: withWriteJson({ ...slot.data, eTag }, json) };
  }

  saved(ctx: TurnContext): void {
    const slot = ctx.turnState.get(this.slotKey) as Slot | undefined;
    if (!slot) return;
    slot.json = slot.pending ?? JSON.stringify(slot.data);
    slot.pending = undefined;
  }
}

export function isETagConflict(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ETagConflictError' || /etag/i.test(err.message));
}
