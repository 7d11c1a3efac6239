import { formatTrackingCode } from '../../domain/tracking-code';
import type { AccountStore, AgencyStore, JobHandler } from '../../domain/ports';
import type { Locale } from '../../domain/complaint';
import { tFor } from '../../i18n';
import type { EmailSender } from '../../notify/email-sender';
import { formatDay } from '../../notify/render';
import type { Logger } from '../../shared/logger';
import { toJobError } from './deliver-processor';
import type { DeliveryLog } from './delivery-log';
import type { AgencyDigestJob, DigestItem } from './delivery-types';

export interface DigestDeps {
  accounts: AccountStore;
  agencies: AgencyStore;
  email?: EmailSender;
  log: DeliveryLog;
  logger: Logger;
  locale: Locale;
}

export function renderDigest(
  d: AgencyDigestJob,
  agencyName: string,
  locale: Locale,
): { subject: string; text: string } {
  const t = tFor(locale, 'notify');
  const [y, m, day] = d.date.split('-');
  const date = `${day}/${m}/${y}`;
  const lines = (items: DigestItem[]) =>
    items.map((i) =>
      t('digest.line', {
        code: formatTrackingCode(i.code),
        title: i.title,
        owner: i.owner,
        dueDate: formatDay(new Date(i.dueAt)),
      }),
    );
  const blocks: string[] = [t('digest.intro', { agency: agencyName, date })];
  if (d.overdue.length)
    blocks.push([t('digest.overdue', { count: d.overdue.length }), ...lines(d.overdue)].join('\n'));
  if (d.escalated.length)
    blocks.push([t('digest.escalated', { count: d.escalated.length }), ...lines(d.escalated)].join('\n'));
  if (d.dueSoon.length)
    blocks.push([t('digest.due_soon', { count: d.dueSoon.length }), ...lines(d.dueSoon)].join('\n'));
  return { subject: t('digest.subject', { agency: agencyName, date }), text: blocks.join('\n\n') };
}

/**
 * Sends an agency's daily digest to its active officers that have an e-mail. The digest job itself
 * (kept by the queue, id `digest-<agency>-<date>`) is the record of what was due; an agency whose
 * accounts have no e-mail gets nothing sent, which is logged.
 */
export function createDigestHandler(deps: DigestDeps): JobHandler<AgencyDigestJob> {
  const logger = deps.logger.child({ module: 'digest' });
  return async (info) => {
    const d = info.data;
    const agencyName = (await deps.agencies.get(d.agency))?.name ?? d.agency;
    const recipients = (await deps.accounts.list({ agency: d.agency })).filter(
      (a) => a.active && a.email && a.role !== 'viewer',
    );
    if (!deps.email || recipients.length === 0) {
      logger.info(
        {
          agency: d.agency,
          overdue: d.overdue.length,
          dueSoon: d.dueSoon.length,
          escalated: d.escalated.length,
        },
        'digest recorded; no account to mail',
      );
      return;
    }
    const { subject, text } = renderDigest(d, agencyName, deps.locale);
    for (const a of recipients) {
      const id = `${info.id}:${a.username}`;
      if (await deps.log.wasDelivered(id)) continue;
      try {
        await deps.email.send({ to: a.email!, subject, text, messageId: id });
      } catch (err) {
        throw toJobError(err);
      }
      await deps.log.markDelivered(id);
    }
    logger.info({ agency: d.agency, recipients: recipients.length }, 'digest sent');
  };
}
