/**
 * The PAKN conversation for every channel. Channels build an Activity per inbound message and call
 * `bot.run(context)` inside `serializer.run(turnKey(activity), …)`:
 *
 * ```ts
 * const bot = createPaknBot({ stores, files, clock, config, logger });
 * const serializer = new TurnSerializer();
 * await serializer.run(turnKey(activity), () => adapter.processActivity(activity, (ctx) => bot.run(ctx)));
 * ```
 *
 * Activity contract: `channelId` telegram|zalo|web|sms; `from.id` the channel user; `conversation.id` the
 * chat; `locale` an optional language hint; `text`; files as attachments
 * `{ contentType: INBOUND_FILE_CONTENT_TYPE, name, content: InboundFile }`; a shared contact as
 * `channelData.contact.phoneNumber`. Replies are plain message activities; choices carry
 * `suggestedActions` (the text also numbers them); the phone prompt sets `channelData.requestContact`;
 * the web captcha is an `image/svg+xml` attachment with a data: URL.
 */
import { PaknBot } from './pakn-bot';
import type { PaknBotDeps } from './services';

export { PaknBot } from './pakn-bot';
export type { PaknBotDeps } from './services';
export { TurnSerializer, turnKey } from './turn-serializer';
export { PRIVACY_NOTICE_VERSION } from './intake-dialogs';

export function createPaknBot(deps: PaknBotDeps): PaknBot {
  return new PaknBot(deps);
}
