import type { Activity, TurnContext } from 'botbuilder';
import type { ZaloConfig } from '../../src/config/config';
import type { Clock } from '../../src/domain/ports/clock';
import type { ConversationStorage } from '../../src/domain/ports/conversation-storage';
import type { Logger } from '../../src/shared/logger';
import { conversationKey } from '../bot-types';
import { ChannelAdapter } from '../channel-adapter';
import { channelText, type ChannelRuntime } from '../channel-runtime';
import { ChatOutbox } from '../outbox';
import { ZaloClient } from './zalo-client';
import { renderTurnForZalo } from './zalo-format';
import { zaloEventToActivity } from './zalo-mapper';
import { ZaloReplyWindow, zaloReplyRules } from './zalo-reply-window';
import { ZaloTokenStore } from './zalo-token-store';
import type { ZaloEvent } from './zalo-types';

const TURN_BUFFER = Symbol('zaloTurnBuffer');

/**
 * Zalo OA as a botbuilder adapter. The replies of a turn are collected and sent when the turn ends,
 * merged into as few CS messages as possible, through the per-chat outbox (ordered, retried).
 */
export class ZaloAdapter extends ChannelAdapter {
  readonly channel = 'zalo' as const;

  protected async deliver(): Promise<string> {
    throw new Error('zalo: deliver is done per turn');
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]) {
    const buffer = context.turnState.get(TURN_BUFFER) as Array<Partial<Activity>> | undefined;
    if (!buffer) throw new Error('zalo: sendActivities outside a turn');
    for (const a of activities) if (a.type === 'message') buffer.push(a);
    return activities.map(() => ({ id: '' }));
  }

  /** Runs a turn and returns the message activities it sent. */
  async runTurn(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<Array<Partial<Activity>>> {
    const sent: Array<Partial<Activity>> = [];
    await this.processActivity(activity, async (ctx) => {
      ctx.turnState.set(TURN_BUFFER, sent);
      await logic(ctx);
    });
    return sent;
  }
}

export class ZaloChannel {
  readonly client: ZaloClient;
  readonly adapter = new ZaloAdapter();
  readonly outbox: ChatOutbox;
  readonly logger: Logger;
  /** The citizen's free reply window (CHANNELS.md §3.4): opened by each message, counted by each send. */
  readonly replyWindow: ZaloReplyWindow;

  constructor(
    readonly config: ZaloConfig,
    readonly runtime: ChannelRuntime,
    storage: ConversationStorage,
    clock: Clock,
  ) {
    this.logger = runtime.logger.child({ module: 'channel:zalo' });
    this.replyWindow = new ZaloReplyWindow(storage, clock, zaloReplyRules(config));
    this.client = new ZaloClient(
      config,
      new ZaloTokenStore(storage),
      clock,
      this.logger,
      undefined,
      this.replyWindow,
    );
    this.outbox = new ChatOutbox({ logger: this.logger, policy: runtime.retry, sleep: runtime.sleep });
  }

  async handleEvent(event: ZaloEvent): Promise<void> {
    const activity = zaloEventToActivity(this.client, event);
    if (!activity) return;
    const userId = activity.conversation!.id;
    // A lost record only makes the window unknown (Zalo's own answer decides then): never drop the turn.
    await this.replyWindow
      .inbound(userId)
      .catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).name }, 'zalo: reply window not recorded'),
      );
    const { bot, serializer } = this.runtime;
    await serializer.run(conversationKey('zalo', userId), async () => {
      const sent = await this.adapter.runTurn(activity, (ctx) => bot.run(ctx));
      const hint = channelText(sent[0]?.locale ?? activity.locale, 'channel.choose_number');
      for (const text of renderTurnForZalo(sent, hint))
        this.outbox.push(userId, () => this.client.sendText(userId, text));
    });
  }
}
