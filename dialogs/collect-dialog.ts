import { ActionTypes, type Activity, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { acceptInboundFile } from '../src/application/citizen/accept-file';
import { mentionsIdentityDocument } from '../src/application/citizen/identity-document';
import type { Attachment } from '../src/domain/complaint';
import { LimitError } from '../src/domain/errors';
import { INBOUND_FILE_CONTENT_TYPE, type InboundFile } from '../src/domain/inbound-file';
import { appendContent, countChars } from '../src/domain/limits';
import { draftOf, type BotServices } from './services';
import { turnKey } from './turn-serializer';
import { errorText, tOf } from './turn';
import { matchChoice } from './choice';
import { isClearWord, isDoneWord, isSkipWord, NO_SYNONYMS, YES_SYNONYMS } from './vocabulary';

/**
 * What the citizen sends over several messages until /done (xong):
 * - `content`: the PAKN text; a message that would cross the limit is refused whole, the rest is kept;
 * - `files`: up to the file limit, each checked (count, size, type by its bytes) and refused one by one;
 * - `supplement`: a reply to a request for information, text and files together, same limits.
 * A file declared (caption or previous message) to show an identity document is held until the citizen
 * confirms keeping it, after a warning that it is sensitive data.
 */
export type CollectMode = 'content' | 'files' | 'supplement';

export interface CollectOptions {
  /** Start empty (editing from the summary replaces the content). */
  edit?: boolean;
  /** Take the message that started the dialog as the first part (a reply typed straight after a request). */
  seed?: boolean;
  /** Shown above the prompt (the officer's request, for a supplement). */
  intro?: string;
}

interface CollectState {
  text: string;
  attachments: Attachment[];
  /** The next file is declared an identity document. */
  nextIsId?: boolean;
  awaitingIdConfirm?: boolean;
}

export interface CollectResult {
  text: string;
  attachments: Attachment[];
}

export function inboundFiles(activity: Partial<Activity>): InboundFile[] {
  return (activity.attachments ?? [])
    .filter((a) => a.contentType === INBOUND_FILE_CONTENT_TYPE && a.content)
    .map((a) => ({ ...(a.content as InboundFile), name: (a.content as InboundFile).name ?? a.name }));
}

export class CollectDialog extends Dialog<CollectOptions> {
  constructor(
    dialogId: string,
    private readonly mode: CollectMode,
    private readonly svc: BotServices,
  ) {
    super(dialogId);
  }

  override async beginDialog(dc: DialogContext, options?: CollectOptions): Promise<DialogTurnResult> {
    const state: CollectState = { text: '', attachments: [] };
    dc.activeDialog!.state = state;
    if (this.mode !== 'supplement' && options?.edit) {
      const draft = await draftOf(this.svc, dc.context);
      if (this.mode === 'content') draft.content = '';
    }
    if (options?.intro) await dc.context.sendActivity(options.intro);
    if (options?.seed) return this.continueDialog(dc);
    await this.sendPrompt(dc.context, state);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const t = tOf(ctx);
    const state = dc.activeDialog!.state as CollectState;
    const text = ctx.activity.text?.trim() ?? '';
    const files = inboundFiles(ctx.activity);

    if (state.awaitingIdConfirm && files.length === 0) {
      const answer = this.idAnswer(ctx, text);
      if (answer !== undefined) return this.resolveIdFiles(dc, state, answer);
      if (!isDoneWord(text)) {
        await ctx.sendActivity(this.idQuestion(ctx));
        return Dialog.EndOfTurn;
      }
      // /done while a file waits: the held file is dropped, which the reply says.
      await this.resolveIdFiles(dc, state, false);
    }

    if (files.length === 0 && isDoneWord(text)) return this.finish(dc, state);
    if (files.length === 0 && isSkipWord(text)) {
      if (this.mode === 'files') return this.finish(dc, state);
      await ctx.sendActivity(t(this.mode === 'content' ? 'content.required' : 'supplement.required'));
      return Dialog.EndOfTurn;
    }
    if (files.length === 0 && this.mode !== 'content' && isClearWord(text)) {
      const list = await this.fileList(dc, state);
      list.splice(0, list.length);
      await ctx.sendActivity(t('files.cleared', { max: this.svc.limits.maxAttachments }));
      return Dialog.EndOfTurn;
    }

    if (files.length > 0) {
      if (this.mode === 'content') {
        await ctx.sendActivity(t('content.files_later'));
      } else {
        if (mentionsIdentityDocument(text) || state.nextIsId) {
          state.nextIsId = false;
          this.svc.pendingIdFiles.set(this.pendingKey(ctx), {
            files,
            at: this.svc.deps.clock.now().getTime(),
          });
          state.awaitingIdConfirm = true;
          await ctx.sendActivity(this.idQuestion(ctx));
          return Dialog.EndOfTurn;
        }
        await this.acceptFiles(dc, state, files);
      }
      // A caption is content (content mode) or part of the reply (supplement); in files mode it is a label.
      if (text && this.mode !== 'files') await this.addText(dc, state, text);
      return Dialog.EndOfTurn;
    }

    if (!text) {
      await this.sendPrompt(ctx, state);
      return Dialog.EndOfTurn;
    }
    if (this.mode === 'files') {
      if (mentionsIdentityDocument(text)) {
        state.nextIsId = true;
        await ctx.sendActivity(t('files.id_noted'));
      } else {
        await ctx.sendActivity(t('files.text_hint', { max: this.svc.limits.maxAttachments }));
      }
      return Dialog.EndOfTurn;
    }
    await this.addText(dc, state, text);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as CollectState;
    if (state.awaitingIdConfirm) await context.sendActivity(this.idQuestion(context));
    else await this.sendPrompt(context, state);
  }

  private pendingKey(ctx: TurnContext): string {
    return `${turnKey(ctx.activity)}/${this.id}`;
  }

  /** true = keep, false = discard, undefined = not an answer. Number, button text or yes/no words. */
  private idAnswer(ctx: TurnContext, text: string): boolean | undefined {
    const t = tOf(ctx);
    const index = matchChoice(text, [
      { value: 'keep', synonyms: [t('choices.keep'), ...YES_SYNONYMS] },
      { value: 'discard', synonyms: [t('choices.discard'), ...NO_SYNONYMS] },
    ]);
    return index < 0 ? undefined : index === 0;
  }

  private idQuestion(ctx: TurnContext): Partial<Activity> {
    const t = tOf(ctx);
    const yes = t('choices.keep');
    const no = t('choices.discard');
    return {
      type: 'message',
      text: `${t('files.id_warning')}\n1. ${yes}\n2. ${no}`,
      suggestedActions: {
        to: [],
        actions: [
          { type: ActionTypes.ImBack, title: yes, value: yes },
          { type: ActionTypes.ImBack, title: no, value: no },
        ],
      },
    };
  }

  private async resolveIdFiles(
    dc: DialogContext,
    state: CollectState,
    keep: boolean,
  ): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const t = tOf(ctx);
    state.awaitingIdConfirm = false;
    const key = this.pendingKey(ctx);
    const pending = this.svc.pendingIdFiles.get(key);
    this.svc.pendingIdFiles.delete(key);
    if (!keep) {
      await ctx.sendActivity(t('files.id_discarded'));
    } else if (!pending) {
      await ctx.sendActivity(t('files.id_resend'));
    } else {
      await this.acceptFiles(dc, state, pending.files);
    }
    return Dialog.EndOfTurn;
  }

  private async fileList(dc: DialogContext, state: CollectState): Promise<Attachment[]> {
    if (this.mode === 'supplement') return state.attachments;
    return (await draftOf(this.svc, dc.context)).attachments;
  }

  private async acceptFiles(dc: DialogContext, state: CollectState, files: InboundFile[]): Promise<void> {
    const ctx = dc.context;
    const t = tOf(ctx);
    const list = await this.fileList(dc, state);
    const max = this.svc.limits.maxAttachments;
    for (const file of files) {
      const label = file.name ?? t(file.kind === 'photo' ? 'files.a_photo' : 'files.a_file');
      try {
        const att = await acceptInboundFile(this.svc.deps.files, file, list, this.svc.limits);
        list.push(att);
        await ctx.sendActivity(t('files.received', { name: att.name, count: list.length, max }));
      } catch (err) {
        const reason = errorText(ctx, err);
        if (!reason) throw err;
        await ctx.sendActivity(t('files.refused', { name: label, reason }));
      }
    }
  }

  private async addText(dc: DialogContext, state: CollectState, text: string): Promise<void> {
    const ctx = dc.context;
    const t = tOf(ctx);
    const limit = this.svc.limits.contentMaxChars;
    const holder = this.mode === 'content' ? await draftOf(this.svc, ctx) : undefined;
    const before = holder ? holder.content : state.text;
    try {
      const after = appendContent(before, text, this.svc.limits);
      if (holder) holder.content = after;
      else state.text = after;
      await ctx.sendActivity(t('content.part_received', { count: countChars(after), limit }));
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      await ctx.sendActivity(`${errorText(ctx, err)}\n${t('content.part_refused_hint')}`);
    }
  }

  private async finish(dc: DialogContext, state: CollectState): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const t = tOf(ctx);
    if (this.mode === 'content') {
      const draft = await draftOf(this.svc, ctx);
      if (!draft.content.trim()) {
        await ctx.sendActivity(t('content.empty_done'));
        return Dialog.EndOfTurn;
      }
      return dc.endDialog(draft.content);
    }
    if (this.mode === 'files') return dc.endDialog((await draftOf(this.svc, ctx)).attachments.length);
    if (!state.text.trim() && state.attachments.length === 0) {
      await ctx.sendActivity(t('supplement.empty_done'));
      return Dialog.EndOfTurn;
    }
    const result: CollectResult = { text: state.text, attachments: state.attachments };
    return dc.endDialog(result);
  }

  private async sendPrompt(ctx: TurnContext, state: CollectState): Promise<void> {
    const t = tOf(ctx);
    const l = this.svc.limits;
    if (this.mode === 'content') {
      const draft = await draftOf(this.svc, ctx);
      await ctx.sendActivity(
        t('content.prompt', { limit: l.contentMaxChars, count: countChars(draft.content) }),
      );
    } else if (this.mode === 'files') {
      const draft = await draftOf(this.svc, ctx);
      await ctx.sendActivity(
        t('files.prompt', {
          max: l.maxAttachments,
          maxMb: Math.round(l.maxFileBytes / 1024 / 1024),
          count: draft.attachments.length,
        }),
      );
    } else {
      await ctx.sendActivity(
        t('supplement.prompt', {
          limit: l.contentMaxChars,
          max: l.maxAttachments,
          maxMb: Math.round(l.maxFileBytes / 1024 / 1024),
          count: countChars(state.text),
          files: state.attachments.length,
        }),
      );
    }
  }
}
