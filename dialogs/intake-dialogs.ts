import type { Activity, TurnContext } from 'botbuilder';
import {
  TextPrompt,
  WaterfallDialog,
  type DialogSet,
  type FoundChoice,
  type PromptRecognizerResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import {
  checkEmail,
  checkFullName,
  maskEmail,
  maskPhone,
  normalizeVietnamesePhone,
} from '../src/application/citizen/contact';
import { detectOutOfScope } from '../src/application/citizen/out-of-scope';
import { submitComplaint } from '../src/application/citizen/submit-complaint';
import { CENTRAL_AGENCY } from '../src/domain/agency';
import { AppError } from '../src/domain/errors';
import { checkTitle, countChars } from '../src/domain/limits';
import { formatTrackingCode } from '../src/domain/tracking-code';
import { getI18n } from '../src/i18n';
import { CaptchaDialog } from './captcha-dialog';
import { choiceOptions, type ChoiceItem } from './choice';
import { CollectDialog } from './collect-dialog';
import { DialogIds as D, PromptIds as P } from './ids';
import { draftOf, dropDraft, MAX_REMEMBERED_CODES, type BotServices } from './services';
import { channelOf, channelRefOf, errorText, localeOf, tOf, TURN_COMMITTED } from './turn';
import { isSkipWord, NO_SYNONYMS, SKIP_SYNONYMS, YES_SYNONYMS } from './vocabulary';

/** Version of the personal-data notice shown at the consent step; stored with each consent. */
export const PRIVACY_NOTICE_VERSION = '2026-01';

const UNKNOWN_AGENCY = '__unknown';
const SUMMARY_CONTENT_PREVIEW = 400;

export function categoryKeys(): string[] {
  const bundle = getI18n().getResourceBundle('vi', 'common') as
    { categories?: Record<string, string> } | undefined;
  return Object.keys(bundle?.categories ?? {});
}

function yesNo(ctx: TurnContext, yesKey = 'choices.yes', noKey = 'choices.no'): ChoiceItem[] {
  const t = tOf(ctx);
  return [
    { value: 'yes', label: t(yesKey), synonyms: YES_SYNONYMS },
    { value: 'no', label: t(noKey), synonyms: NO_SYNONYMS },
  ];
}

export function ask(ctx: TurnContext, question: string, items: ChoiceItem[], extra?: Partial<Activity>) {
  return choiceOptions(question, items, tOf(ctx)('choices.retry'), extra);
}

/** A prompt for a phone number that also takes a shared contact (Telegram's request_contact button). */
class PhonePrompt extends TextPrompt {
  protected override async onRecognize(
    context: TurnContext,
    state: Record<string, unknown>,
    options: Parameters<TextPrompt['onRecognize']>[2],
  ): Promise<PromptRecognizerResult<string>> {
    const contact = (context.activity.channelData as { contact?: { phoneNumber?: unknown } } | undefined)
      ?.contact;
    if (typeof contact?.phoneNumber === 'string' && contact.phoneNumber) {
      return { succeeded: true, value: contact.phoneNumber };
    }
    return super.onRecognize(context, state, options);
  }
}

async function refuse(pc: PromptValidatorContext<string>, err: unknown): Promise<false> {
  const text = errorText(pc.context, err);
  if (text === undefined) throw err;
  await pc.context.sendActivity(text);
  return false;
}

export function addIntakeDialogs(set: DialogSet, svc: BotServices): void {
  const { deps, limits } = svc;
  const choice = (step: WaterfallStepContext): string | undefined =>
    (step.result as FoundChoice | undefined)?.value;

  set.add(
    new TextPrompt(P.Title, async (pc) => {
      const t = tOf(pc.context);
      if (!pc.recognized.succeeded) return (await pc.context.sendActivity(t('title.text_only')), false);
      if (isSkipWord(pc.recognized.value)) return (await pc.context.sendActivity(t('title.required')), false);
      try {
        checkTitle(pc.recognized.value!, limits);
        return true;
      } catch (err) {
        return refuse(pc, err);
      }
    }),
  );
  set.add(
    new TextPrompt(P.Name, async (pc) => {
      const t = tOf(pc.context);
      if (!pc.recognized.succeeded) return (await pc.context.sendActivity(t('contact.text_only')), false);
      try {
        checkFullName(pc.recognized.value!);
        return true;
      } catch (err) {
        return refuse(pc, err);
      }
    }),
  );
  set.add(
    new PhonePrompt(P.Phone, async (pc) => {
      const t = tOf(pc.context);
      if (!pc.recognized.succeeded) return (await pc.context.sendActivity(t('contact.text_only')), false);
      try {
        normalizeVietnamesePhone(pc.recognized.value!);
        return true;
      } catch (err) {
        return refuse(pc, err);
      }
    }),
  );
  set.add(
    new TextPrompt(P.Email, async (pc) => {
      const t = tOf(pc.context);
      if (!pc.recognized.succeeded) return (await pc.context.sendActivity(t('contact.text_only')), false);
      if (isSkipWord(pc.recognized.value)) return true;
      try {
        checkEmail(pc.recognized.value!);
        return true;
      } catch (err) {
        return refuse(pc, err);
      }
    }),
  );

  set.add(new CollectDialog(D.Content, 'content', svc));
  set.add(new CollectDialog(D.Files, 'files', svc));
  set.add(new CaptchaDialog(D.Captcha, svc));

  // The whole intake, in the order the rules ask for.
  set.add(
    new WaterfallDialog(D.Intake, [
      async (step) => {
        const convo = await svc.convo.get(step.context, {});
        convo.draft = { startedAt: deps.clock.now().toISOString(), content: '', attachments: [] };
        return step.beginDialog(D.Consent);
      },
      async (step) => {
        if (step.result !== true) {
          await dropDraft(svc, step.context);
          return step.endDialog();
        }
        return step.beginDialog(D.Category);
      },
      async (step) => step.beginDialog(D.Agency),
      async (step) => step.beginDialog(D.Title),
      async (step) => step.beginDialog(D.Content),
      async (step) => {
        const draft = await draftOf(svc, step.context);
        const kind = detectOutOfScope(`${draft.title ?? ''}\n${draft.content}`);
        if (kind) return step.beginDialog(D.OutOfScope, { kind });
        return step.next('continue');
      },
      async (step) => {
        if (step.result !== 'continue') {
          await dropDraft(svc, step.context);
          await step.context.sendActivity(tOf(step.context)('cancel.done'));
          return step.endDialog();
        }
        return step.beginDialog(D.Files);
      },
      async (step) => step.beginDialog(D.Contact),
      async (step) => step.replaceDialog(D.Review),
    ]),
  );

  set.add(
    new WaterfallDialog(D.Consent, [
      async (step) => {
        const t = tOf(step.context);
        const question = t('consent.notice', {
          url: `${deps.config.publicBaseUrl}/privacy`,
          version: PRIVACY_NOTICE_VERSION,
        });
        return step.prompt(
          P.Choice,
          ask(step.context, question, yesNo(step.context, 'consent.agree', 'consent.decline')),
        );
      },
      async (step) => {
        if (choice(step) !== 'yes') {
          await step.context.sendActivity(tOf(step.context)('consent.declined'));
          return step.endDialog(false);
        }
        const draft = await draftOf(svc, step.context);
        draft.consent = {
          at: deps.clock.now().toISOString(),
          noticeVersion: PRIVACY_NOTICE_VERSION,
          channel: channelOf(step.context),
        };
        return step.endDialog(true);
      },
    ]),
  );

  set.add(
    new WaterfallDialog(D.Category, [
      async (step) => {
        const t = tOf(step.context);
        const items = categoryKeys().map((k) => ({
          value: k,
          label: t(`common:categories.${k}`),
          synonyms: [k],
        }));
        return step.prompt(P.Choice, ask(step.context, t('category.prompt'), items));
      },
      async (step) => {
        (await draftOf(svc, step.context)).category = choice(step);
        return step.endDialog();
      },
    ]),
  );

  set.add(
    new WaterfallDialog(D.Agency, [
      async (step) => {
        const t = tOf(step.context);
        const agencies = (await deps.stores.agencies.list())
          .filter((a) => a.active && a.parent === CENTRAL_AGENCY)
          .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
        if (agencies.length === 0) return step.next({ value: UNKNOWN_AGENCY });
        const items: ChoiceItem[] = [
          {
            value: UNKNOWN_AGENCY,
            label: t('agency.unknown'),
            synonyms: [...SKIP_SYNONYMS, 'không rõ', 'không biết', "don't know", 'dont know', CENTRAL_AGENCY],
          },
          ...agencies.map((a) => ({ value: a.code, label: a.name, synonyms: [a.code] })),
        ];
        return step.prompt(P.Choice, ask(step.context, t('agency.prompt'), items));
      },
      async (step) => {
        const value = choice(step);
        (await draftOf(svc, step.context)).agency = !value || value === UNKNOWN_AGENCY ? null : value;
        return step.endDialog();
      },
    ]),
  );

  set.add(
    new WaterfallDialog(D.Title, [
      async (step) =>
        step.prompt(P.Title, { prompt: tOf(step.context)('title.prompt', { limit: limits.titleMaxChars }) }),
      async (step) => {
        (await draftOf(svc, step.context)).title = checkTitle(step.result as string, limits);
        return step.endDialog();
      },
    ]),
  );

  set.add(
    new WaterfallDialog(D.Contact, [
      async (step) => {
        const t = tOf(step.context);
        const profile = await svc.profile.get(step.context, {});
        const last = profile.lastContact;
        if (!last) return step.next();
        const question = t('contact.reuse', {
          name: last.name,
          phone: maskPhone(last.phone),
          email: last.email ? maskEmail(last.email) : t('summary.none'),
        });
        return step.prompt(
          P.Choice,
          ask(step.context, question, yesNo(step.context, 'contact.reuse_yes', 'contact.reuse_no')),
        );
      },
      async (step) => {
        if (choice(step) === 'yes') {
          const last = (await svc.profile.get(step.context, {})).lastContact!;
          const draft = await draftOf(svc, step.context);
          draft.name = last.name;
          draft.phone = last.phone;
          draft.email = last.email ?? null;
          return step.endDialog();
        }
        return step.beginDialog(D.Name);
      },
      async (step) => step.beginDialog(D.Phone),
      async (step) => step.beginDialog(D.Email),
      async (step) => step.endDialog(),
    ]),
  );
  set.add(
    new WaterfallDialog(D.Name, [
      async (step) => step.prompt(P.Name, { prompt: tOf(step.context)('contact.name_prompt') }),
      async (step) => {
        (await draftOf(svc, step.context)).name = checkFullName(step.result as string);
        return step.endDialog();
      },
    ]),
  );
  set.add(
    new WaterfallDialog(D.Phone, [
      async (step) => {
        const prompt: Partial<Activity> = {
          type: 'message',
          text: tOf(step.context)('contact.phone_prompt'),
          channelData: { requestContact: true },
        };
        return step.prompt(P.Phone, { prompt: prompt as Activity });
      },
      async (step) => {
        (await draftOf(svc, step.context)).phone = normalizeVietnamesePhone(step.result as string);
        return step.endDialog();
      },
    ]),
  );
  set.add(
    new WaterfallDialog(D.Email, [
      async (step) => step.prompt(P.Email, { prompt: tOf(step.context)('contact.email_prompt') }),
      async (step) => {
        const text = step.result as string;
        (await draftOf(svc, step.context)).email = isSkipWord(text) ? null : checkEmail(text);
        return step.endDialog();
      },
    ]),
  );

  set.add(
    new WaterfallDialog(D.OutOfScope, [
      async (step) => {
        const t = tOf(step.context);
        const kind = (step.options as { kind: string }).kind;
        const items: ChoiceItem[] = [
          { value: 'continue', label: t('scope.continue'), synonyms: ['tiếp tục', 'tiep tuc', 'continue'] },
          { value: 'stop', label: t('scope.stop'), synonyms: ['dừng', 'dung', 'stop', ...NO_SYNONYMS] },
        ];
        return step.prompt(
          P.Choice,
          ask(step.context, `${t(`scope.${kind}`)}\n\n${t('scope.question')}`, items),
        );
      },
      async (step) => step.endDialog(choice(step)),
    ]),
  );

  const EDITABLE: Record<string, string> = {
    category: D.Category,
    agency: D.Agency,
    title: D.Title,
    content: D.Content,
    files: D.Files,
    name: D.Name,
    phone: D.Phone,
    email: D.Email,
  };

  set.add(
    new WaterfallDialog(D.Review, [
      async (step) => {
        const t = tOf(step.context);
        const summary = await summaryText(svc, step.context);
        const items: ChoiceItem[] = [
          {
            value: 'submit',
            label: t('review.submit'),
            synonyms: ['gửi', 'gui', 'send', 'submit', ...YES_SYNONYMS],
          },
          { value: 'edit', label: t('review.edit'), synonyms: ['sửa', 'sua', 'edit'] },
          { value: 'cancel', label: t('review.cancel'), synonyms: ['hủy', 'huỷ', 'cancel'] },
        ];
        return step.prompt(P.Choice, ask(step.context, `${summary}\n\n${t('review.question')}`, items));
      },
      async (step) => {
        const t = tOf(step.context);
        const picked = choice(step);
        (step.values as Record<string, unknown>).mode = picked;
        if (picked === 'cancel') {
          await dropDraft(svc, step.context);
          await step.context.sendActivity(t('cancel.done'));
          return step.endDialog();
        }
        if (picked === 'edit') {
          const items: ChoiceItem[] = Object.keys(EDITABLE).map((k) => ({
            value: k,
            label: t(`review.fields.${k}`),
          }));
          return step.prompt(P.Choice, ask(step.context, t('review.edit_which'), items));
        }
        if (channelOf(step.context) === 'web') return step.beginDialog(D.Captcha);
        return step.next(true);
      },
      async (step) => {
        const t = tOf(step.context);
        if ((step.values as Record<string, unknown>).mode === 'edit') {
          const field = choice(step) ?? 'title';
          return step.beginDialog(EDITABLE[field] ?? D.Title, { edit: true });
        }
        if (step.result !== true) {
          await step.context.sendActivity(t('captcha.failed'));
          return step.replaceDialog(D.Review);
        }
        const stored = await submitDraft(svc, step.context);
        if (!stored) return step.replaceDialog(D.Review);
        return step.endDialog();
      },
      async (step) => step.replaceDialog(D.Review),
    ]),
  );
}

async function summaryText(svc: BotServices, ctx: TurnContext): Promise<string> {
  const t = tOf(ctx);
  const draft = await draftOf(svc, ctx);
  const agency = draft.agency ? await svc.deps.stores.agencies.get(draft.agency) : null;
  const content =
    countChars(draft.content) > SUMMARY_CONTENT_PREVIEW
      ? `${[...draft.content].slice(0, SUMMARY_CONTENT_PREVIEW).join('')}…`
      : draft.content;
  return [
    t('summary.header'),
    t('summary.category', { value: draft.category ? t(`common:categories.${draft.category}`) : '' }),
    t('summary.agency', { value: agency ? agency.name : t('agency.unknown_routed') }),
    t('summary.title', { value: draft.title ?? '' }),
    t('summary.content', {
      value: content,
      count: countChars(draft.content),
      limit: svc.limits.contentMaxChars,
    }),
    t('summary.files', {
      count: draft.attachments.length,
      max: svc.limits.maxAttachments,
      names: draft.attachments.map((a) => a.name).join(', ') || t('summary.none'),
    }),
    t('summary.name', { value: draft.name ?? '' }),
    t('summary.phone', { value: draft.phone ?? '' }),
    t('summary.email', { value: draft.email || t('summary.none') }),
  ].join('\n');
}

/** Stores the draft; true once stored (code shown), false when the citizen must fix something first. */
async function submitDraft(svc: BotServices, ctx: TurnContext): Promise<boolean> {
  const t = tOf(ctx);
  const { deps } = svc;
  const draft = await draftOf(svc, ctx);
  try {
    const complaint = await submitComplaint(
      {
        complaints: deps.stores.complaints,
        agencies: deps.stores.agencies,
        clock: deps.clock,
        deadlines: deps.config.deadlines,
        limits: svc.limits,
        categories: categoryKeys(),
      },
      {
        consent: draft.consent!,
        category: draft.category ?? '',
        agency: draft.agency ?? undefined,
        title: draft.title ?? '',
        content: draft.content,
        attachments: draft.attachments,
        name: draft.name ?? '',
        phone: draft.phone ?? '',
        email: draft.email ?? undefined,
        locale: localeOf(ctx),
        channelRef: channelRefOf(ctx),
      },
    );
    ctx.turnState.set(TURN_COMMITTED, true);
    const profile = await svc.profile.get(ctx, {});
    profile.lastContact = { name: complaint.submitter.name, phone: complaint.submitter.phone ?? '' };
    if (complaint.submitter.email) profile.lastContact.email = complaint.submitter.email;
    profile.codes = [complaint.code, ...(profile.codes ?? []).filter((c) => c !== complaint.code)].slice(
      0,
      MAX_REMEMBERED_CODES,
    );
    await dropDraft(svc, ctx);
    await ctx.sendActivity(t('submit.done', { code: formatTrackingCode(complaint.code) }));
    try {
      deps.onComplaintStored?.(complaint.code);
    } catch (err) {
      deps.logger.warn({ err }, 'onComplaintStored hook failed');
    }
    return true;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    deps.logger.info({ key: err.key }, 'intake submit refused');
    await ctx.sendActivity(`${errorText(ctx, err)}\n${t('submit.fix_and_retry')}`);
    return false;
  }
}
