import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Complaint, Locale } from '../../src/domain/complaint';
import { formatTrackingCode } from '../../src/domain/tracking-code';
import { tFor } from '../../src/i18n';

export interface DocxOptions {
  locale: Locale;
  agencyName: (code: string) => string;
  now: Date;
}

/** Dates as officers write them: dd/mm/yyyy hh:mm, Vietnam time. */
function when(d: Date | undefined): string {
  if (!d) return '';
  return new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

const cellBorder = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const borders = { top: cellBorder, bottom: cellBorder, left: cellBorder, right: cellBorder };

function row(label: string, value: string): TableRow {
  return new TableRow({
    children: [
      new TableCell({
        borders,
        width: { size: 30, type: WidthType.PERCENTAGE },
        children: [new Paragraph({ children: [new TextRun({ text: label, bold: true })] })],
      }),
      new TableCell({ borders, width: { size: 70, type: WidthType.PERCENTAGE }, children: lines(value) }),
    ],
  });
}

/** Keeps the citizen's line breaks; Word needs one paragraph per line. */
function lines(text: string): Paragraph[] {
  const parts = text.split(/\r?\n/);
  return parts.map((p) => new Paragraph({ children: [new TextRun(p)] }));
}

/**
 * The PAKN as a Word file (slide 26: attached to the official request to the competent body): the
 * details, the citizen's text and supplements, the answer and the history, in the officer's language.
 */
export async function renderComplaintDocx(c: Complaint, o: DocxOptions): Promise<Buffer> {
  const t = tFor(o.locale, 'admin');
  const tc = tFor(o.locale, 'common');
  const s = c.submitter;
  const details = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      row(t('export.code'), formatTrackingCode(c.code)),
      row(t('export.title_field'), c.title),
      row(t('export.category'), tc(`categories.${c.category}`, { defaultValue: c.category })),
      row(t('export.status'), tc(`status.${c.status}`)),
      row(t('export.owner'), o.agencyName(c.owner)),
      ...(c.coordinators.length
        ? [row(t('export.coordinators'), c.coordinators.map(o.agencyName).join(', '))]
        : []),
      row(t('export.received_at'), when(c.createdAt)),
      row(t('export.due_at'), when(c.dueAt)),
      row(t('export.channel'), tc(`channels.${c.channelRef.channel}`)),
      row(t('export.sender'), s.name),
      row(t('export.phone'), s.phone ?? ''),
      row(t('export.email'), s.email ?? ''),
      ...(s.address ? [row(t('export.address'), s.address)] : []),
      ...(c.location ? [row(t('export.location'), c.location)] : []),
      ...(c.rejection
        ? [
            row(
              t('export.rejection'),
              t(`reject_reasons.${c.rejection.reason}`, { defaultValue: c.rejection.reason }) +
                (c.rejection.duplicateOf ? ` (${formatTrackingCode(c.rejection.duplicateOf)})` : ''),
            ),
          ]
        : []),
    ],
  });

  const children: Array<Paragraph | Table> = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      heading: HeadingLevel.TITLE,
      children: [new TextRun({ text: t('export.heading'), bold: true })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: t('export.printed_at', { at: when(o.now) }), italics: true })],
    }),
    details,
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t('export.content'))] }),
    ...lines(c.content),
  ];
  if (c.attachments.length) {
    children.push(
      new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(t('export.attachments'))] }),
    );
    for (const a of c.attachments)
      children.push(
        new Paragraph({
          bullet: { level: 0 },
          children: [new TextRun(`${a.name} (${Math.ceil(a.size / 1024)} KB)`)],
        }),
      );
  }
  if (c.supplements.length) {
    children.push(
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t('export.supplements'))] }),
    );
    for (const sup of c.supplements) {
      children.push(
        new Paragraph({ children: [new TextRun({ text: when(sup.at), bold: true })] }),
        ...lines(sup.text),
      );
      for (const a of sup.attachments)
        children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(a.name)] }));
    }
  }
  if (c.answer) {
    const a = c.answer;
    children.push(
      new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t('export.answer'))] }),
      new Paragraph({
        children: [
          new TextRun({
            text: t('export.answer_by', { agency: o.agencyName(a.agency), at: when(a.at) }),
            italics: true,
          }),
        ],
      }),
      ...lines(a.text),
      new Paragraph({
        children: [
          new TextRun({
            text: a.published
              ? t('export.published', { at: when(a.publishedAt) })
              : t('export.not_published'),
            italics: true,
          }),
        ],
      }),
    );
    for (const f of a.attachments)
      children.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(f.name)] }));
  }
  children.push(
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(t('export.history'))] }),
  );
  for (const h of c.history) {
    const who =
      h.actor.kind === 'officer'
        ? `${h.actor.id ?? ''}${h.actor.agency ? ` (${o.agencyName(h.actor.agency)})` : ''}`
        : t(`export.actor_${h.actor.kind}`);
    const move = h.toOwner ? ` → ${o.agencyName(h.toOwner)}` : '';
    const note = h.note ? `: ${h.note}` : '';
    children.push(
      new Paragraph({
        bullet: { level: 0 },
        children: [
          new TextRun({ text: `${when(h.at)} `, bold: true }),
          new TextRun(`${t(`history.${h.type}`, { defaultValue: h.type })}${move} — ${who}${note}`),
        ],
      }),
    );
  }

  const doc = new Document({
    creator: 'PAKN',
    title: `PAKN ${formatTrackingCode(c.code)}`,
    styles: { default: { document: { run: { font: 'Times New Roman', size: 26 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
