import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../../src/shared/logger';
import { conversationKey } from '../bot-types';
import { ChannelAdapter, suggestedTitles } from '../channel-adapter';
import type { ChannelRuntime } from '../channel-runtime';
import type { WebChatHub } from './webchat-hub';
import type { WebChatStore, WebMessage } from './webchat-store';

/**
 * Image attachments a web page may show: base64 data: URLs of images only (the captcha is an SVG; shown
 * through <img>, where an SVG's scripts never run). No remote URL: the page loads nothing from elsewhere.
 */
export function imagesOf(activity: Partial<Activity>): Array<{ src: string; alt?: string }> {
  return (activity.attachments ?? [])
    .filter(
      (a) =>
        typeof a.contentUrl === 'string' &&
        /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(a.contentUrl),
    )
    .map((a) => ({ src: a.contentUrl!, alt: a.name }));
}

export function webMessageOf(activity: Partial<Activity>): Omit<WebMessage, 'seq' | 'at'> | undefined {
  const text = activity.text?.trim() ? activity.text : undefined;
  const choices = suggestedTitles(activity);
  const images = imagesOf(activity);
  if (!text && !choices.length && !images.length) return undefined;
  return {
    from: 'bot',
    text,
    choices: choices.length ? choices : undefined,
    images: images.length ? images : undefined,
  };
}

/** The web chat as a botbuilder adapter: a reply is appended to the session's messages and pushed live. */
export class WebAdapter extends ChannelAdapter {
  readonly channel = 'web' as const;

  constructor(
    private readonly store: WebChatStore,
    private readonly hub: WebChatHub,
  ) {
    super();
  }

  protected async deliver(activity: Partial<Activity>): Promise<string> {
    const sessionId = activity.conversation?.id;
    if (!sessionId) throw new Error('web: outgoing activity without conversation.id');
    const msg = webMessageOf(activity);
    if (!msg) return '';
    const added = await this.store.append(sessionId, [msg]);
    this.hub.publish(sessionId, added);
    return String(added[0]?.seq ?? '');
  }
}

export class WebChannel {
  readonly adapter: WebAdapter;
  readonly logger: Logger;

  constructor(
    readonly runtime: ChannelRuntime,
    readonly store: WebChatStore,
    readonly hub: WebChatHub,
  ) {
    this.logger = runtime.logger.child({ module: 'channel:web' });
    this.adapter = new WebAdapter(store, hub);
  }

  /**
   * Opens a new session's conversation: a conversationUpdate adding the visitor, to which the bot answers
   * with its greeting and menu (as to `/start`); nothing is shown as sent by the visitor.
   */
  async greet(activity: Partial<Activity>): Promise<void> {
    const sessionId = activity.conversation!.id;
    const { bot, serializer } = this.runtime;
    const opened: Partial<Activity> = {
      ...activity,
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: activity.from ? [activity.from] : [],
    };
    await serializer.run(conversationKey('web', sessionId), () =>
      this.adapter.processActivity(opened, (ctx: TurnContext) => bot.run(ctx)),
    );
  }

  /** Records what the citizen sent, then runs the turn (the replies land in the session as they are sent). */
  async handle(activity: Partial<Activity>, shown: Omit<WebMessage, 'seq' | 'at'>): Promise<void> {
    const sessionId = activity.conversation!.id;
    const { bot, serializer } = this.runtime;
    await serializer.run(conversationKey('web', sessionId), async () => {
      const added = await this.store.append(sessionId, [shown], true);
      this.hub.publish(sessionId, added);
      await this.adapter.processActivity(activity, (ctx: TurnContext) => bot.run(ctx));
    });
  }
}
