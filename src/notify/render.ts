import type { Attachment, Complaint, Locale } from '../domain/complaint';
import { localDayDmy } from '../domain/deadlines';
import { formatTrackingCode } from '../domain/tracking-code';
import { tFor } from '../i18n';

/** What a citizen can be told about their PAKN; one locale block per kind in `locales/<lng>/notify.json`. */
export const NOTICE_KINDS = [
  'received',
  'info_requested',
  'answered',
  'published',
  'forwarded',
  'transferred',
  'returned',
  'rejected',
  'overdue_update',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface RenderInput {
  kind: NoticeKind;
  complaint: Complaint;
  locale: Locale;
  /** Display name of the agency the notice is about (new owner, answering agency). */
  agencyName: string;
  publicBaseUrl: string;
  /** The officer's message for `info_requested`. */
  message?: string;
  /** `published` carries the answer itself when the citizen did not get it at `answered` (review gate). */
  withAnswer?: boolean;
}

export interface RenderedNotice {
  /** E-mail subject. */
  subject: string;
  /** Chat text (Telegram, Zalo, web) and e-mail body without the footer. */
  text: string;
  /** E-mail body: `text` and a footer. */
  emailText: string;
  /** Short text for SMS (no answer bodies: they would be many billed parts). */
  sms: string;
  /** Answer documents to send along. */
  files: Attachment[];
}

/** `dd/mm/yyyy` of the Vietnamese calendar day. */
export function formatDay(at: Date): string {
  return localDayDmy(at);
}

export function publicLink(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl}/api/public/complaints/${code}`;
}

/** A reason code from RULES-VN (`out_of_scope`…) in words; free text is shown as written. */
export function rejectionReason(complaint: Complaint, locale: Locale): string {
  const r = complaint.rejection;
  if (!r) return '';
  const t = tFor(locale, 'notify');
  const key = `reject_reasons.${r.reason}`;
  const text = t(key, { duplicateOf: r.duplicateOf ? formatTrackingCode(r.duplicateOf) : '' });
  const base = text === key ? r.reason : text;
  return r.note ? `${base}. ${r.note}` : base;
}

function lastInfoRequest(c: Complaint): string {
  for (let i = c.history.length - 1; i >= 0; i--) {
    const h = c.history[i]!;
    if (h.type === 'info_requested')
      return h.note ?? (typeof h.data?.message === 'string' ? h.data.message : '');
  }
  return '';
}

export function renderNotice(input: RenderInput): RenderedNotice {
  const { kind, complaint: c, locale } = input;
  const t = tFor(locale, 'notify');
  const tc = tFor(locale, 'common');
  const link = publicLink(input.publicBaseUrl, c.code);
  const params = {
    code: formatTrackingCode(c.code),
    title: c.title,
    dueDate: formatDay(c.dueAt),
    agency: input.agencyName,
    status: tc(`status.${c.status}`),
    link,
    message: input.message ?? lastInfoRequest(c),
    answer: c.answer?.text ?? '',
    reason: rejectionReason(c, locale),
  };
  let text: string;
  let files: Attachment[] = [];
  if (kind === 'answered') {
    files = c.answer?.attachments ?? [];
    text = t('notices.answered.body', params);
    if (files.length) text += `\n\n${t('notices.answered.files')}`;
  } else if (kind === 'published' && input.withAnswer) {
    files = c.answer?.attachments ?? [];
    text = t('notices.published.body_with_answer', params);
  } else {
    text = t(`notices.${kind}.body`, params);
  }
  // Each route reads one or two of these (a chat message only `text`), and every translation call is
  // costly in i18next (it copies its options per call): the others are rendered when first read.
  let subject: string | undefined;
  let emailText: string | undefined;
  let sms: string | undefined;
  return {
    get subject() {
      return (subject ??= t(`notices.${kind}.subject`, params));
    },
    text,
    get emailText() {
      return (emailText ??= `${text}\n\n--\n${t('notices.footer', { link })}`);
    },
    get sms() {
      return (sms ??= t(`notices.${kind}.sms`, params));
    },
    files,
  };
}
