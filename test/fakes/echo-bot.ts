import type { TurnContext } from 'botbuilder';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../../src/domain/inbound-file';
import type { PaknBot } from '../../bots/bot-types';

/**
 * A stand-in for the dialogs in channel tests: echoes text, downloads files and reports their size,
 * offers buttons for `menu`, asks for the phone for `phone`, answers `long` with 9000 characters,
 * throws for `boom`. Records every activity it saw.
 */
export class EchoBot implements PaknBot {
  readonly seen: TurnContext['activity'][] = [];
  delayMs = 0;

  async run(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    // Only messages: a web session opening (conversationUpdate) is not something the tests echo.
    if (a.type !== 'message') return;
    this.seen.push(a);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const contact = (a.channelData as { contact?: { phoneNumber?: string } } | undefined)?.contact;
    if (contact?.phoneNumber) {
      await ctx.sendActivity(`phone: ${contact.phoneNumber}`);
      return;
    }
    for (const att of a.attachments ?? []) {
      if (att.contentType !== INBOUND_FILE_CONTENT_TYPE) continue;
      try {
        const bytes = await (att.content as InboundFile).download(1024 * 1024);
        await ctx.sendActivity(`file ${att.name}: ${bytes.length} bytes`);
      } catch (err) {
        await ctx.sendActivity(`file refused: ${(err as { key?: string }).key ?? (err as Error).message}`);
      }
    }
    const text = a.text ?? '';
    if (text === 'boom') throw new Error('boom');
    if (text === 'menu') {
      await ctx.sendActivity({
        type: 'message',
        text: 'Chọn:',
        suggestedActions: {
          to: [],
          actions: ['Gửi PAKN', 'Tra cứu', 'Trợ giúp'].map((t) => ({ type: 'imBack', title: t, value: t })),
        },
      });
      return;
    }
    if (text === 'phone') {
      await ctx.sendActivity({
        type: 'message',
        text: 'Số điện thoại?',
        channelData: { requestContact: true },
      });
      return;
    }
    if (text === 'long') {
      const para = 'Đoạn văn dài. '.repeat(200).trim();
      await ctx.sendActivity([para, para, para, para].join('\n\n').slice(0, 9000));
      return;
    }
    if (text) await ctx.sendActivity(`echo: ${text}`);
  }
}
