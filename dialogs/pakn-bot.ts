import { ActivityTypes, TurnContext, type Activity, type ResourceResponse } from 'botbuilder';
import {
  DialogSet,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogState,
  type DialogStateManagerConfiguration,
  type FoundChoice,
  type Choice,
} from 'botbuilder-dialogs';
import { conversationStateKey, userStateKey } from '../src/application/citizen/chat-state';
import { detectOutOfScope } from '../src/application/citizen/out-of-scope';
import { findAwaitingInfo, supplementComplaint } from '../src/application/citizen/supplement-complaint';
import { AppError } from '../src/domain/errors';
import { looksLikeTrackingCode, parseTrackingCode, formatTrackingCode } from '../src/domain/tracking-code';
import { matchChoice, PaknChoicePrompt, type ChoiceItem } from './choice';
import { CollectDialog, inboundFiles, type CollectResult } from './collect-dialog';
import { DialogIds as D, PromptIds as P } from './ids';
import { addIntakeDialogs, ask } from './intake-dialogs';
import type { BotServices, ConvoData, PaknBotDeps, Profile } from './services';
import { dropDraft } from './services';
import type { ConversationStorage } from '../src/domain/ports/conversation-storage';
import { BatchedStorage } from './batched-storage';
import { StateBag, isETagConflict } from './state-bag';
import { replyStatus } from './status-reply';
import { channelRefOf, errorText, tOf, TURN_COMMITTED, TURN_LOCALE } from './turn';
import { localeFromHint, parseCommand, type Command } from './vocabulary';

/** The turnState key botbuilder-dialogs' DialogStateManager looks for its configuration under. */
const STATE_MANAGER_CONFIG = 'DialogStateManagerConfiguration';

/** How often a turn is run again after its state write lost an eTag race (one of N racing turns wins per round). */
const MAX_TURN_ATTEMPTS = 10;

/**
 * The PAKN conversation, the same for every channel. `run` takes one incoming activity: global
 * commands (/start, /cancel, /status, /lang, /help, a bare code) are handled first at any point, then the
 * active dialog continues, else the citizen gets the menu.
 *
 * Each turn's replies are held until its state is saved with the eTag it read; if another turn of the same
 * conversation wrote in between (two processes, or a channel that did not serialise), the turn is run
 * again on the fresh state and only then are replies sent. A turn that stored a PAKN or a supplement is
 * never re-run; its state is written over (the PAKN and its code are what matter).
 */
export class PaknBot {
  private readonly dialogs: DialogSet;
  private readonly convoState: StateBag;
  private readonly userState: StateBag;
  private readonly svc: BotServices;
  private readonly storage: ConversationStorage;
  /**
   * botbuilder builds the memory scopes and path resolvers of a DialogContext anew each turn (a service
   * collection resolved through a dependency graph, with schema checks): a twentieth of a turn's CPU. They
   * hold no state of their own (what they read lives in turnState), so the first turn's set is reused.
   */
  private stateManagerConfig: DialogStateManagerConfiguration | undefined;

  constructor(readonly deps: PaknBotDeps) {
    // Group commit needs all-or-nothing batches, which the SQLite store gives (one transaction); the
    // MongoDB store writes a batch key by key, so its writes are not grouped.
    const storage =
      deps.stores.kind === 'sqlite'
        ? new BatchedStorage(deps.stores.conversations)
        : deps.stores.conversations;
    this.storage = storage;
    this.convoState = StateBag.conversation(storage);
    this.userState = StateBag.user(storage);
    this.svc = {
      deps,
      limits: deps.config.limits,
      convo: this.convoState.property<ConvoData>('convo'),
      profile: this.userState.property<Profile>('profile'),
      pendingIdFiles: new Map(),
    };
    this.dialogs = new DialogSet(this.convoState.property<DialogState>('dialogState'));
    this.dialogs.add(new PaknChoicePrompt(P.Choice));
    this.dialogs.add(new TextPrompt(P.Code));
    addIntakeDialogs(this.dialogs, this.svc);
    this.addOtherDialogs();
  }

  /**
   * One incoming activity: a message, or a conversationUpdate that adds the citizen (a web chat session
   * just opened), which is greeted with the menu as `/start` would. Anything else is ignored.
   */
  async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.type === ActivityTypes.Message) {
      if (await this.quickStatus(context)) return;
      return this.runTurn(context, (turn) => this.onMessage(turn));
    }
    if (
      a.type === ActivityTypes.ConversationUpdate &&
      (a.membersAdded ?? []).some((m) => m.id && m.id !== a.recipient?.id)
    ) {
      return this.runTurn(context, (turn) => this.onWelcome(turn));
    }
  }

  private async runTurn(context: TurnContext, handle: (turn: TurnContext) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outbox: Partial<Activity>[] = [];
      const turn = new TurnContext(context.adapter, context.activity);
      turn.onSendActivities(async (ctx, activities): Promise<ResourceResponse[]> => {
        outbox.push(...activities);
        ctx.responded = true;
        return activities.map(() => ({ id: '' }));
      });
      try {
        await handle(turn);
      } catch (err) {
        this.deps.logger.error({ err, channel: context.activity.channelId }, 'bot turn failed');
        if (turn.turnState.get(TURN_COMMITTED) === true) {
          // Failed after a PAKN was stored: what was said (its code) still goes out.
          await this.save(turn, 'force').catch(() => undefined);
          if (outbox.length) await context.sendActivities(outbox);
          return;
        }
        // State is not saved: the citizen keeps everything given before this message.
        await context.sendActivity(tOf(turn)('errors.turn_failed'));
        return;
      }
      await this.forgetIdleClock(turn);
      const committed = turn.turnState.get(TURN_COMMITTED) === true;
      try {
        await this.save(turn, committed ? 'force' : 'optimistic');
      } catch (err) {
        if (committed) {
          // The PAKN (or supplement) is durably stored: its code must reach the citizen even if the
          // chat state could not be written.
          this.deps.logger.error({ err }, 'state not saved after a stored PAKN; sending its replies anyway');
          if (outbox.length) await context.sendActivities(outbox);
          return;
        }
        if (!isETagConflict(err)) throw err;
        if (attempt < MAX_TURN_ATTEMPTS) {
          this.deps.logger.debug({ attempt }, 'state changed during the turn; running it again');
          // A little jitter, so turns that lost together do not collide again in lockstep.
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3 * attempt)));
          continue;
        }
        // Overwriting would silently lose another turn's change: give up on this one, visibly.
        this.deps.logger.warn({ attempts: attempt }, 'state kept changing during the turn; dropped');
        await context.sendActivity(tOf(turn)('errors.turn_failed'));
        return;
      }
      if (outbox.length) await context.sendActivities(outbox);
      this.pruneHeldFiles();
      return;
    }
  }

  /**
   * The most frequent turn that needs no dialog: a status lookup (`/status CODE`, `tra cứu CODE`, a bare
   * code) from a chat with no dialog open. It is answered from one read of the chat's state, with no
   * dialog context, no held replies and no state write. Only when the full turn would leave the state as it
   * is: with a dialog open (it must be re-asked after the reply), on the chat's first turns (the language
   * and the idle clock are still written) or with files, the full turn runs instead.
   */
  private async quickStatus(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    const text = a.text?.trim();
    if (!text || !a.channelId || !a.conversation?.id || !a.from?.id) return false;
    if (inboundFiles(a).length) return false;
    const command = parseCommand(text);
    const code =
      command?.kind === 'status' ? command.code : !command && looksLikeTrackingCode(text) ? text : undefined;
    if (!code) return false;
    const convoKey = conversationStateKey(a.channelId, a.conversation.id);
    const userKey = userStateKey(a.channelId, a.from.id);
    const items = await this.storage.read([convoKey, userKey]);
    const convoState = items[convoKey] as { convo?: ConvoData; dialogState?: DialogState } | undefined;
    const locale = (items[userKey] as { profile?: Profile } | undefined)?.profile?.locale;
    if (
      !convoState?.convo ||
      convoState.convo.lastActivityAt !== undefined ||
      (convoState.dialogState?.dialogStack?.length ?? 0) > 0 ||
      !locale
    )
      return false;
    context.turnState.set(TURN_LOCALE, locale);
    try {
      await replyStatus(this.svc, context, code);
    } catch (err) {
      this.deps.logger.error({ err, channel: a.channelId }, 'bot turn failed');
      await context.sendActivity(tOf(context)('errors.turn_failed'));
    }
    return true;
  }

  /** Conversation and user state of the turn in one write: both land, or neither does. */
  private async save(turn: TurnContext, mode: 'optimistic' | 'force'): Promise<void> {
    const changes = { ...this.convoState.changes(turn, mode), ...this.userState.changes(turn, mode) };
    if (Object.keys(changes).length) await this.storage.write(changes);
    this.convoState.saved(turn);
    this.userState.saved(turn);
  }

  /**
   * The idle clock only matters while a dialog is open. Dropping it otherwise leaves the state of a chat
   * that only looks codes up unchanged, so such turns write nothing.
   */
  private async forgetIdleClock(ctx: TurnContext): Promise<void> {
    const data = await this.convoState.load(ctx);
    const stack = (data.dialogState as DialogState | undefined)?.dialogStack ?? [];
    const convo = data.convo as ConvoData | undefined;
    if (stack.length === 0 && convo) delete convo.lastActivityAt;
  }

  private async onMessage(ctx: TurnContext): Promise<void> {
    const { clock, config } = this.deps;
    const now = clock.now().getTime();
    const convo = await this.svc.convo.get(ctx, {});
    const profile = await this.svc.profile.get(ctx, {});
    if (!profile.locale) profile.locale = localeFromHint(ctx.activity.locale) ?? config.defaultLocale;
    ctx.turnState.set(TURN_LOCALE, profile.locale);
    const t = tOf(ctx);

    // Fast path for the most frequent idle turn, a status lookup: no dialog context is built.
    const stack =
      ((await this.convoState.load(ctx)).dialogState as DialogState | undefined)?.dialogStack ?? [];
    if (stack.length === 0 && !inboundFiles(ctx.activity).length) {
      const quick = parseCommand(ctx.activity.text?.trim());
      if (quick?.kind === 'status' && quick.code) {
        await replyStatus(this.svc, ctx, quick.code);
        return;
      }
    }

    if (this.stateManagerConfig) ctx.turnState.set(STATE_MANAGER_CONFIG, this.stateManagerConfig);
    const dc = await this.dialogs.createContext(ctx);
    this.stateManagerConfig ??= dc.state.configuration;
    if (
      dc.activeDialog &&
      convo.lastActivityAt !== undefined &&
      now - convo.lastActivityAt > config.dialogIdleMinutes * 60_000
    ) {
      await dc.cancelAllDialogs();
      await dropDraft(this.svc, ctx);
      await ctx.sendActivity(t('idle.expired', { minutes: config.dialogIdleMinutes }));
    }
    convo.lastActivityAt = now;

    const text = ctx.activity.text?.trim() ?? '';
    const hasFiles = inboundFiles(ctx.activity).length > 0;
    const command = hasFiles ? undefined : parseCommand(text);
    if (command) return this.onCommand(dc, command);

    // The menu waiting for a pick is not work in progress: a message that is not one of its options is
    // handled as if nothing were open (a code, a reply to a request for information, free text).
    const menuOpen = dc.stack[0]?.id === D.Menu;
    if (menuOpen && this.menuPick(dc, text) < 0) await dc.cancelAllDialogs();
    const busy = !!dc.activeDialog;

    // A message that is only a code: a lookup, at any point. Inside a dialog only a code with a valid
    // check symbol counts, so an 8-letter word typed as a title is not taken for one.
    if (!hasFiles && looksLikeTrackingCode(text) && dc.activeDialog?.id !== P.Code) {
      if (!busy || parseTrackingCode(text).ok) {
        await replyStatus(this.svc, ctx, text);
        if (busy) await dc.repromptDialog();
        return;
      }
    }

    if (busy) {
      await dc.continueDialog();
      return;
    }

    // No dialog running: a reply to a request for information, an out-of-scope request, or the menu.
    if (text || hasFiles) {
      const awaiting = await this.awaiting(ctx);
      if (awaiting.length === 1) {
        await dc.beginDialog(D.Supplement, { seed: true });
        return;
      }
      const kind = detectOutOfScope(text);
      if (kind) {
        await dc.beginDialog(D.ScopeGate, { kind });
        return;
      }
    }
    if (menuOpen) await ctx.sendActivity(t('choices.retry'));
    await dc.beginDialog(D.Menu, { greet: !menuOpen });
  }

  /** The greeting and menu of a conversation that opens, unless one is already under way. */
  private async onWelcome(ctx: TurnContext): Promise<void> {
    const convo = await this.svc.convo.get(ctx, {});
    const profile = await this.svc.profile.get(ctx, {});
    if (!profile.locale)
      profile.locale = localeFromHint(ctx.activity.locale) ?? this.deps.config.defaultLocale;
    ctx.turnState.set(TURN_LOCALE, profile.locale);
    if (this.stateManagerConfig) ctx.turnState.set(STATE_MANAGER_CONFIG, this.stateManagerConfig);
    const dc = await this.dialogs.createContext(ctx);
    if (dc.activeDialog) return;
    convo.lastActivityAt = this.deps.clock.now().getTime();
    await dc.beginDialog(D.Menu, { greet: true });
  }

  /** Which menu option the text picks (number, label, synonym), -1 if none. */
  private menuPick(dc: DialogContext, text: string): number {
    const prompt = dc.activeDialog;
    const choices = (prompt?.state as { options?: { choices?: Choice[] } } | undefined)?.options?.choices;
    if (!text || !choices || prompt?.id !== P.Choice) return -1;
    return matchChoice(text, choices);
  }

  private async onCommand(dc: DialogContext, command: Command): Promise<void> {
    const ctx = dc.context;
    const t = tOf(ctx);
    switch (command.kind) {
      case 'start':
        if (dc.activeDialog) await dc.cancelAllDialogs();
        await dropDraft(this.svc, ctx);
        await dc.beginDialog(D.Menu, { greet: true });
        return;
      case 'new':
        if (dc.activeDialog) await dc.cancelAllDialogs();
        await dc.beginDialog(D.Intake);
        return;
      case 'cancel': {
        // Leaving the menu or a lookup is not worth a "cancelled, nothing kept" message.
        const wasWriting = dc.stack.some((d) => d.id === D.Supplement || d.id === D.ScopeGate);
        if (dc.activeDialog) await dc.cancelAllDialogs();
        const hadDraft = await dropDraft(this.svc, ctx);
        await ctx.sendActivity(t(wasWriting || hadDraft ? 'cancel.done' : 'cancel.nothing'));
        return;
      }
      case 'help':
        await ctx.sendActivity(t('help.text'));
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      case 'lang':
        if (command.locale) {
          const profile = await this.svc.profile.get(ctx, {});
          profile.locale = command.locale;
          ctx.turnState.set(TURN_LOCALE, command.locale);
          await ctx.sendActivity(tOf(ctx)('lang.changed'));
          if (dc.activeDialog) await this.askAgain(dc);
          return;
        }
        if (dc.activeDialog) {
          await ctx.sendActivity(t('lang.usage'));
          await dc.repromptDialog();
          return;
        }
        await dc.beginDialog(D.Lang);
        return;
      case 'status':
        if (command.code) {
          await replyStatus(this.svc, ctx, command.code);
          if (dc.activeDialog) await dc.repromptDialog();
          return;
        }
        if (dc.activeDialog) {
          await ctx.sendActivity(t('status.usage'));
          await dc.repromptDialog();
          return;
        }
        await dc.beginDialog(D.Lookup);
        return;
    }
  }

  /**
   * Asks the current question again in the language just chosen. A prompt keeps its rendered text in
   * the state, so re-prompting would repeat the old language: when the prompt is the first step of its
   * waterfall, that waterfall is started again with its options instead. Collectors render on each ask.
   */
  private async askAgain(dc: DialogContext): Promise<void> {
    // The active dialog is the last entry of the stack.
    const top = dc.stack[dc.stack.length - 1];
    const parent = dc.stack[dc.stack.length - 2];
    const parentState = parent?.state as { stepIndex?: number; options?: object } | undefined;
    const promptIds: readonly string[] = Object.values(P);
    if (
      top &&
      parent &&
      promptIds.includes(top.id) &&
      dc.findDialog(parent.id) instanceof WaterfallDialog &&
      parentState?.stepIndex === 0
    ) {
      dc.stack.splice(dc.stack.length - 2, 2);
      await dc.beginDialog(parent.id, parentState.options);
      return;
    }
    await dc.repromptDialog();
  }

  private async awaiting(ctx: TurnContext) {
    const profile = await this.svc.profile.get(ctx, {});
    if (!profile.codes?.length) return [];
    return findAwaitingInfo({ complaints: this.deps.stores.complaints }, profile.codes, channelRefOf(ctx));
  }

  private pruneHeldFiles(): void {
    const cutoff = this.deps.clock.now().getTime() - this.deps.config.dialogIdleMinutes * 60_000;
    for (const [key, held] of this.svc.pendingIdFiles)
      if (held.at < cutoff) this.svc.pendingIdFiles.delete(key);
  }

  private addOtherDialogs(): void {
    const svc = this.svc;
    const choice = (r: unknown): string | undefined => (r as FoundChoice | undefined)?.value;

    this.dialogs.add(
      new WaterfallDialog(D.Menu, [
        async (step) => {
          const t = tOf(step.context);
          const awaiting = await this.awaiting(step.context);
          const items: ChoiceItem[] = [
            { value: 'new', label: t('menu.new'), synonyms: ['/new', 'gửi pakn', 'pakn', 'new'] },
            {
              value: 'lookup',
              label: t('menu.lookup'),
              synonyms: ['tra cứu', 'tra cuu', 'lookup', 'status'],
            },
          ];
          if (awaiting.length) {
            items.push({
              value: 'supplement',
              label: t('menu.supplement', { count: awaiting.length }),
              synonyms: ['bổ sung', 'bo sung', 'reply'],
            });
          }
          items.push({
            value: 'lang',
            label: t('menu.lang'),
            synonyms: ['ngôn ngữ', 'language', 'english', 'tiếng việt'],
          });
          items.push({ value: 'help', label: t('menu.help'), synonyms: ['trợ giúp', 'help'] });
          const greet = (step.options as { greet?: boolean } | undefined)?.greet;
          const question = greet ? `${t('menu.greeting')}\n\n${t('menu.question')}` : t('menu.question');
          return step.prompt(P.Choice, ask(step.context, question, items));
        },
        async (step) => {
          switch (choice(step.result)) {
            case 'new':
              return step.replaceDialog(D.Intake);
            case 'lookup':
              return step.replaceDialog(D.Lookup);
            case 'supplement':
              return step.replaceDialog(D.Supplement);
            case 'lang':
              return step.replaceDialog(D.Lang);
            default:
              await step.context.sendActivity(tOf(step.context)('help.text'));
              return step.endDialog();
          }
        },
      ]),
    );

    this.dialogs.add(
      new WaterfallDialog(D.Lookup, [
        async (step) => step.prompt(P.Code, { prompt: tOf(step.context)('status.ask_code') }),
        async (step) => {
          await replyStatus(svc, step.context, String(step.result ?? ''));
          return step.endDialog();
        },
      ]),
    );

    this.dialogs.add(
      new WaterfallDialog(D.Lang, [
        async (step) => {
          const items: ChoiceItem[] = [
            { value: 'vi', label: 'Tiếng Việt', synonyms: ['vi', 'viet', 'vietnamese'] },
            { value: 'en', label: 'English', synonyms: ['en', 'tiếng anh', 'anh'] },
          ];
          return step.prompt(P.Choice, ask(step.context, tOf(step.context)('lang.prompt'), items));
        },
        async (step) => {
          const locale = choice(step.result) === 'en' ? 'en' : 'vi';
          const profile = await svc.profile.get(step.context, {});
          profile.locale = locale;
          step.context.turnState.set(TURN_LOCALE, locale);
          await step.context.sendActivity(tOf(step.context)('lang.changed'));
          return step.endDialog();
        },
      ]),
    );

    this.dialogs.add(
      new WaterfallDialog(D.ScopeGate, [
        async (step) => step.beginDialog(D.OutOfScope, step.options),
        async (step) => {
          if (step.result === 'continue') return step.replaceDialog(D.Intake);
          await step.context.sendActivity(tOf(step.context)('scope.bye'));
          return step.endDialog();
        },
      ]),
    );

    this.dialogs.add(new CollectDialog(D.SupplementCollect, 'supplement', svc));
    this.dialogs.add(
      new WaterfallDialog(D.Supplement, [
        async (step) => {
          const t = tOf(step.context);
          const awaiting = await this.awaiting(step.context);
          const v = step.values as Record<string, unknown>;
          v.requests = Object.fromEntries(awaiting.map((a) => [a.code, a.request ?? '']));
          if (awaiting.length === 0) {
            await step.context.sendActivity(t('supplement.none'));
            return step.endDialog();
          }
          if (awaiting.length === 1) return step.next({ value: awaiting[0]!.code });
          const items = awaiting.map((a) => ({
            value: a.code,
            label: `${formatTrackingCode(a.code)} — ${a.title}`,
            synonyms: [a.code, formatTrackingCode(a.code)],
          }));
          return step.prompt(P.Choice, ask(step.context, t('supplement.which'), items));
        },
        async (step) => {
          const t = tOf(step.context);
          const v = step.values as Record<string, unknown>;
          const code = choice(step.result)!;
          v.code = code;
          const request = (v.requests as Record<string, string>)[code] ?? '';
          const intro = t('supplement.intro', {
            code: formatTrackingCode(code),
            request: request || t('supplement.no_note'),
          });
          const seed = (step.options as { seed?: boolean } | undefined)?.seed === true;
          return step.beginDialog(D.SupplementCollect, { intro, seed });
        },
        async (step) => {
          const t = tOf(step.context);
          const code = (step.values as Record<string, unknown>).code as string;
          const reply = step.result as CollectResult;
          try {
            await supplementComplaint(
              { complaints: svc.deps.stores.complaints, clock: svc.deps.clock, limits: svc.limits },
              { code, who: channelRefOf(step.context), text: reply.text, attachments: reply.attachments },
            );
            step.context.turnState.set(TURN_COMMITTED, true);
            await step.context.sendActivity(
              t('supplement.done', { code: formatTrackingCode(code), status: t('common:status.processing') }),
            );
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            await step.context.sendActivity(errorText(step.context, err) ?? t('errors.turn_failed'));
          }
          return step.endDialog();
        },
      ]),
    );
  }
}
