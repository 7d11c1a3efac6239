import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { conversationStateKey, userStateKey } from '../src/application/citizen/chat-state';
import type { ConversationStorage, StoreItem } from '../src/domain/ports/conversation-storage';

interface Slot {
  key: string;
  data: Record<string, unknown>;
  eTag?: string;
  json: string;
}

/**
 * Turn-cached state over the ConversationStorage port (botbuilder's Storage shape), like botbuilder's
 * ConversationState/UserState and with the same keys, but saved with the eTag it was read with: botbuilder's
 * BotState writes with eTag `*` (last writer wins), which silently loses one of two concurrent turns. Here
 * the second save fails with an eTag conflict and PaknBot runs that turn again on fresh state.
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
    const { eTag, ...data } = (items[key] ?? {}) as StoreItem;
    const slot: Slot = { key, data, eTag, json: JSON.stringify(data) };
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
   * Writes the turn's state if it changed. `optimistic` names the eTag read at the start of the turn,
   * so a concurrent write in between makes this one fail; `force` overwrites.
   */
  async save(ctx: TurnContext, mode: 'optimistic' | 'force'): Promise<void> {
    const slot = ctx.turnState.get(this.slotKey) as Slot | undefined;
    if (!slot) return;
    const json = JSON.stringify(slot.data);
    if (json === slot.json) return;
    const eTag = mode === 'force' || slot.eTag === undefined ? '*' : slot.eTag;
    await this.storage.write({ [slot.key]: { ...(JSON.parse(json) as Record<string, unknown>), eTag } });
    slot.json = json;
  }
}

export function isETagConflict(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ETagConflictError' || /etag/i.test(err.message));
}
