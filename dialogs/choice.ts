import { ActionTypes, type Activity, type TurnContext } from 'botbuilder';
import {
  ChoicePrompt,
  ListStyle,
  type Choice,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { foldText } from '../src/application/citizen/text-match';

export interface ChoiceItem {
  value: string;
  label: string;
  synonyms?: readonly string[];
}

/**
 * The list separators botbuilder would use; it has no Vietnamese culture, so `vi-vn` is supplied here.
 * (Our prompts render their own numbered list, so these only matter if a caller picks another style.)
 */
export const CHOICE_DEFAULTS = {
  'vi-vn': { inlineSeparator: ', ', inlineOr: ' hoặc ', inlineOrMore: ', hoặc ', includeNumbers: true },
  'en-us': { inlineSeparator: ', ', inlineOr: ' or ', inlineOrMore: ', or ', includeNumbers: true },
};

/**
 * Prompt options for a choice: the text lists the options numbered (so a channel without buttons
 * works), and the same options go out as suggested actions (keyboards/buttons where the channel has them).
 */
export function choiceOptions(
  question: string,
  items: readonly ChoiceItem[],
  retryIntro: string,
  extra: Partial<Activity> = {},
): PromptOptions {
  const list = items.map((it, i) => `${i + 1}. ${it.label}`).join('\n');
  // The label is matched through the button's title, so it is not repeated in the synonyms: prompt
  // options are kept in the conversation state, and every byte there is per open conversation.
  const choices: Choice[] = items.map((it) => ({
    value: it.value,
    action: { type: ActionTypes.ImBack, title: it.label, value: it.label },
    ...(it.synonyms?.length ? { synonyms: [...it.synonyms] } : {}),
  }));
  return {
    prompt: { type: 'message', text: `${question}\n${list}`, ...extra } as Partial<Activity> as Activity,
    // The retry repeats the options, not the question (which may be a whole summary).
    retryPrompt: {
      type: 'message',
      text: `${retryIntro}\n${list}`,
      ...extra,
    } as Partial<Activity> as Activity,
    choices,
    style: ListStyle.suggestedAction,
  };
}

/**
 * Index of the choice the text names: its number, its label, value or a synonym (folded), or whole words
 * of exactly one label; -1 if none.
 */
export function matchChoice(text: string, choices: readonly Choice[]): number {
  const t = text.trim();
  const num = /^(\d{1,2})[.)]?$/.exec(t);
  if (num) {
    const i = Number(num[1]) - 1;
    return i >= 0 && i < choices.length ? i : -1;
  }
  const folded = foldText(t.replace(/[.!?]+$/, ''));
  if (!folded) return -1;
  const exact = choices.findIndex(
    (c) =>
      foldText(c.value) === folded ||
      (typeof c.action?.title === 'string' && foldText(c.action.title) === folded) ||
      (c.synonyms ?? []).some((s) => foldText(s) === folded),
  );
  if (exact >= 0 || folded.length < 3) return exact;
  // Part of one option's text ("Hà Nội" for "UBND TP Hà Nội"), when no other option contains it too.
  const partial = choices
    .map((c, i) =>
      typeof c.action?.title === 'string' && ` ${foldText(c.action.title)} `.includes(` ${folded} `) ? i : -1,
    )
    .filter((i) => i >= 0);
  return partial.length === 1 ? partial[0]! : -1;
}

/**
 * botbuilder's ChoicePrompt with our recogniser: the option's number, its text (with or without
 * diacritics) or the button's text. botbuilder's own recogniser is skipped: with no Vietnamese model it
 * would read numbers inside sentences ("2 giờ") as picks.
 */
export class PaknChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>) {
    super(dialogId, validator, 'vi-vn', CHOICE_DEFAULTS);
    this.style = ListStyle.suggestedAction;
  }

  protected override async onRecognize(
    context: TurnContext,
    _state: Record<string, unknown>,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<FoundChoice>> {
    const text = context.activity.text;
    const choices = (options.choices ?? []) as Choice[];
    if (!text) return { succeeded: false };
    const index = matchChoice(text, choices);
    if (index < 0) return { succeeded: false };
    return { succeeded: true, value: { value: choices[index]!.value, index, score: 1, synonym: text } };
  }
}
