import type { TurnContext } from 'botbuilder';
import { lookupComplaint, type LookupResult } from '../src/application/citizen/lookup-complaint';
import { formatTrackingCode } from '../src/domain/tracking-code';
import type { BotServices } from './services';
import { channelRefOf, formatDate, localeOf, tOf } from './turn';

/** The reply to a status request: status, holder, dates; the answer only where the lookup allows it. */
export function statusText(ctx: TurnContext, result: LookupResult): string {
  const t = tOf(ctx);
  const locale = localeOf(ctx);
  if (result.kind === 'invalid') return t(result.reason === 'checksum' ? 'status.typo' : 'status.bad_format');
  if (result.kind === 'not_found') return t('status.not_found', { code: formatTrackingCode(result.code) });
  const v = result.view;
  const lines = [t('status.header', { code: formatTrackingCode(v.code) })];
  if (v.title) lines.push(t('status.title', { title: v.title }));
  lines.push(t('status.status', { status: t(`common:status.${v.status}`) }));
  lines.push(t('status.owner', { owner: v.ownerName }));
  lines.push(t('status.received', { date: formatDate(v.receivedAt, locale) }));
  if (v.status === 'answered' && v.answeredAt)
    lines.push(t('status.answered_at', { date: formatDate(v.answeredAt, locale) }));
  else if (v.status !== 'rejected') lines.push(t('status.due', { date: formatDate(v.dueAt, locale) }));
  if (v.rejectionReason) lines.push(t('status.rejected_reason', { reason: v.rejectionReason }));
  if (v.infoRequest !== undefined || (v.isSubmitterChat && v.status === 'awaiting_info')) {
    lines.push(t('status.info_request', { request: v.infoRequest ?? '' }));
  }
  if (v.answer) lines.push(t('status.answer', { text: v.answer.text }));
  else if (v.status === 'answered') lines.push(t('status.answer_not_public'));
  return lines.join('\n');
}

export async function replyStatus(svc: BotServices, ctx: TurnContext, code: string): Promise<void> {
  const result = await lookupComplaint(
    { complaints: svc.deps.stores.complaints, agencies: svc.deps.stores.agencies },
    code,
    channelRefOf(ctx),
  );
  await ctx.sendActivity(statusText(ctx, result));
}
