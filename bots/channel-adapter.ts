import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Channel } from '../src/domain/complaint';

/**
 * The shared shape of our channels: a botbuilder `BotAdapter` whose inbound side is a webhook or a
 * poller (which calls `processActivity`) and whose outbound side is `deliver`, one message Activity at
 * a time. `processActivity` is not part of BotAdapter; this is the small version every channel uses.
 */
export abstract class ChannelAdapter extends BotAdapter {
  abstract readonly channel: Channel;

  async processActivity(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Sends (or queues, in order, for sending) one message; returns the channel's message id when known. */
  protected abstract deliver(activity: Partial<Activity>): Promise<string>;

  async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const out: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        // A pause the bot asked for between messages; the outboxes keep order, so no wait is needed here.
        out.push({ id: '' });
        continue;
      }
      if (activity.type !== 'message') {
        out.push({ id: '' }); // typing, trace, endOfConversation: nothing to send on our channels
        continue;
      }
      out.push({ id: await this.deliver(activity) });
    }
    return out;
  }

  async updateActivity(): Promise<void> {
    throw new Error(`${this.channel}: updating a sent message is not supported`);
  }

  async deleteActivity(): Promise<void> {
    throw new Error(`${this.channel}: deleting a sent message is not supported`);
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: 'event', name: 'continueConversation' },
      reference,
      true,
    );
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}

/** Reads the text of the buttons the bot offered (suggestedActions), in order. */
export function suggestedTitles(activity: Partial<Activity>): string[] {
  const actions = activity.suggestedActions?.actions ?? [];
  return actions.map((a) => String(a.title ?? a.value ?? '').trim()).filter((t) => t.length > 0);
}

/** `channelData.requestContact`: true, or the label of the share-phone button. */
export function requestedContactLabel(activity: Partial<Activity>): string | true | undefined {
  const data = activity.channelData as { requestContact?: unknown } | undefined;
  const v = data?.requestContact;
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (v === true || (typeof v === 'object' && v !== null)) {
    const label = (v as { label?: unknown }).label;
    return typeof label === 'string' && label.trim() ? label.trim() : true;
  }
  return undefined;
}

/** Maps a channel's language code (`vi`, `en-GB`) to one of ours, or undefined. */
export function toLocale(code: string | undefined): 'vi' | 'en' | undefined {
  const c = code?.slice(0, 2).toLowerCase();
  return c === 'vi' || c === 'en' ? c : undefined;
}
