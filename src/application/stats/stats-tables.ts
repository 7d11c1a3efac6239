import { formatDate, keyLabel, type Translate } from './stats-charts';
import type { StatsReport } from './stats-service';

export type Cell = string | number | null;

/** One table of a report, with localised headers: what CSV and XLSX exports write. */
export interface StatsTable {
  name: TableName;
  title: string;
  columns: string[];
  rows: Cell[][];
}

export const TABLE_NAMES = [
  'summary',
  'series',
  'league',
  'by-status',
  'by-channel',
  'by-category',
  'backlog-age',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export function isTableName(value: string): value is TableName {
  return (TABLE_NAMES as readonly string[]).includes(value);
}

/** Shares as percentages with one decimal, as a report table shows them; empty when undefined. */
function pct(rate: number | null): Cell {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

function days(v: number | null): Cell {
  return v === null ? null : Math.round(v * 10) / 10;
}

export function statsTable(name: TableName, r: StatsReport, t: Translate): StatsTable {
  const col = (k: string) => t(`stats:tables.col.${k}`);
  const title = t(`stats:tables.${name.replaceAll('-', '_')}`);
  switch (name) {
    case 'summary': {
      const row = (k: string, v: Cell): Cell[] => [t(`stats:tables.row.${k}`), v];
      return {
        name,
        title,
        columns: [col('indicator'), col('value')],
        rows: [
          row('scope', r.scopeName),
          row('from', formatDate(r.period.from)),
          row('to', formatDate(r.period.to)),
          row('received', r.totals.received),
          row('answered', r.totals.answered),
          row('on_time', r.totals.onTime),
          row('on_time_rate', pct(r.totals.onTimeRate)),
          row('p50_days', days(r.answerTime.p50Days)),
          row('p90_days', days(r.answerTime.p90Days)),
          row('open', r.totals.open),
          row('overdue', r.totals.overdueNow),
        ],
      };
    }
    case 'series':
      return {
        name,
        title,
        columns: [
          `${col('period')} (${t(`stats:period.${r.period.granularity}`)})`,
          col('received'),
          col('answered'),
        ],
        rows: r.series.map((p) => [
          r.period.granularity === 'month' ? p.bucket : formatDate(p.bucket),
          p.received,
          p.answered,
        ]),
      };
    case 'league':
      return {
        name,
        title,
        columns: [
          col('agency_code'),
          col('agency'),
          col('received'),
          col('answered'),
          col('on_time'),
          col('on_time_rate'),
          col('overdue'),
        ],
        rows: r.league.map((l) => [
          l.agency,
          l.name,
          l.received,
          l.answered,
          l.onTime,
          pct(l.onTimeRate),
          l.overdue,
        ]),
      };
    case 'by-status':
      return {
        name,
        title,
        columns: [col('status'), col('count')],
        rows: r.byStatus.map((k) => [keyLabel(t, 'status', k.key), k.count]),
      };
    case 'by-channel':
      return {
        name,
        title,
        columns: [col('channel'), col('count')],
        rows: r.byChannel.map((k) => [keyLabel(t, 'channels', k.key), k.count]),
      };
    case 'by-category':
      return {
        name,
        title,
        columns: [col('category'), col('count')],
        rows: r.byCategory.map((k) => [keyLabel(t, 'categories', k.key), k.count]),
      };
    case 'backlog-age':
      return {
        name,
        title,
        columns: [col('age'), col('count')],
        rows: r.backlogByAge.map((b) => [t(`stats:age.${b.key}`), b.count]),
      };
  }
}

export function allStatsTables(r: StatsReport, t: Translate): StatsTable[] {
  return TABLE_NAMES.map((n) => statsTable(n, r, t));
}
