import type { Activity, TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import {
  CAPTCHA_DEFAULTS,
  checkCaptcha,
  createCaptcha,
  type CaptchaState,
} from '../src/application/citizen/captcha';
import type { BotServices } from './services';
import { tOf } from './turn';
import { isNewCodeWord } from './vocabulary';

/** How many fresh codes a citizen gets (each with its own tries) before the submit is refused. */
export const CAPTCHA_MAX_ROUNDS = 3;

interface CaptchaDialogState {
  captcha: CaptchaState;
  rounds: number;
}

/**
 * The web chat's security code before a PAKN is submitted: the image goes out as an SVG data: URL
 * attachment; ends with `true` when solved, `false` when every round was used up.
 */
export class CaptchaDialog extends Dialog {
  constructor(
    dialogId: string,
    private readonly svc: BotServices,
  ) {
    super(dialogId);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    dc.activeDialog!.state = { rounds: 0 } as Partial<CaptchaDialogState>;
    await this.issue(dc.context, dc.activeDialog!.state as CaptchaDialogState, 'captcha.prompt');
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const ctx = dc.context;
    const t = tOf(ctx);
    const state = dc.activeDialog!.state as CaptchaDialogState;
    const text = ctx.activity.text?.trim() ?? '';
    if (!text) {
      await ctx.sendActivity(t('captcha.type_it'));
      return Dialog.EndOfTurn;
    }
    if (isNewCodeWord(text)) {
      // A new image costs a round, so asking for codes again and again does not buy unlimited guesses.
      if (state.rounds >= CAPTCHA_MAX_ROUNDS) return dc.endDialog(false);
      await this.issue(ctx, state, 'captcha.prompt');
      return Dialog.EndOfTurn;
    }
    const check = checkCaptcha(state.captcha, text, this.svc.deps.clock.now());
    if (check.ok) return dc.endDialog(true);
    if (check.reason === 'wrong') {
      state.captcha = check.state;
      await ctx.sendActivity(t('captcha.wrong', { left: check.state.triesLeft }));
      return Dialog.EndOfTurn;
    }
    if (check.reason === 'expired') {
      await this.issue(ctx, state, 'captcha.expired', false);
      return Dialog.EndOfTurn;
    }
    if (state.rounds >= CAPTCHA_MAX_ROUNDS) return dc.endDialog(false);
    await this.issue(ctx, state, 'captcha.no_tries');
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.issue(context, instance.state as CaptchaDialogState, 'captcha.prompt', false);
  }

  /** `countRound` false: a new image for an expired code, or the same step shown again, does not use up a round. */
  private async issue(
    ctx: TurnContext,
    state: CaptchaDialogState,
    key: string,
    countRound = true,
  ): Promise<void> {
    const t = tOf(ctx);
    const challenge = createCaptcha(this.svc.deps.clock.now(), {
      label: t('captcha.label'),
      random: this.svc.deps.captchaRandom,
    });
    state.captcha = challenge.state;
    if (countRound) state.rounds += 1;
    const activity: Partial<Activity> = {
      type: 'message',
      text: t(key, { minutes: Math.round(CAPTCHA_DEFAULTS.ttlMs / 60000), tries: CAPTCHA_DEFAULTS.maxTries }),
      attachments: [{ contentType: 'image/svg+xml', contentUrl: challenge.dataUrl, name: 'captcha.svg' }],
    };
    await ctx.sendActivity(activity);
  }
}
