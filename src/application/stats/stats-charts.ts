import type { Granularity } from './period';
import type { StatsReport } from './stats-service';
import type { ChartSpec } from './svg-chart';

/** A translator bound to a language (i18next's `t`, or a stub in tests); the core does not import i18next. */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The charts a report can be drawn as; the names are the URL names (`/charts/:name.svg`). */
export const CHART_NAMES = [
  'received-answered',
  'by-agency',
  'by-channel',
  'by-status',
  'by-category',
  'on-time',
  'backlog-age',
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export function isChartName(value: string): value is ChartName {
  return (CHART_NAMES as readonly string[]).includes(value);
}

/** dd/mm/yyyy, as Vietnamese documents write dates. */
export function formatDate(isoDate: string): string {
  return `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
}

/** A short label for a series bucket: dd/mm for days and weeks (the Monday), mm/yyyy for months. */
export function bucketLabel(bucket: string, granularity: Granularity, multiYear: boolean): string {
  if (granularity === 'month') return `${bucket.slice(5, 7)}/${bucket.slice(0, 4)}`;
  const dm = `${bucket.slice(8, 10)}/${bucket.slice(5, 7)}`;
  return multiYear ? `${dm}/${bucket.slice(2, 4)}` : dm;
}

/** Labels of status, channel and category keys from the common namespace, the key itself when unknown. */
export function keyLabel(t: Translate, kind: 'status' | 'channels' | 'categories', key: string): string {
  return t(`common:${kind}.${key}`, { defaultValue: key });
}

/** The chart `name` of `report` in the language of `t`. */
export function chartSpec(name: ChartName, report: StatsReport, t: Translate): ChartSpec {
  const subtitle = t('stats:period.subtitle', {
    scope: report.scopeName,
    from: formatDate(report.period.from),
    to: formatDate(report.period.to),
  });
  const emptyText = t('stats:charts.empty');
  const common = { subtitle, emptyText };
  const received = t('stats:series.received');
  const answered = t('stats:series.answered');
  switch (name) {
    case 'received-answered': {
      const multiYear = report.period.from.slice(0, 4) !== report.period.to.slice(0, 4);
      return {
        ...common,
        kind: 'line',
        title: t('stats:charts.received_answered'),
        categories: report.series.map((p) => bucketLabel(p.bucket, report.period.granularity, multiYear)),
        series: [
          { name: received, values: report.series.map((p) => p.received) },
          { name: answered, values: report.series.map((p) => p.answered) },
        ],
        valueLabel: t('stats:series.count'),
      };
    }
    case 'by-agency':
      return {
        ...common,
        kind: 'bar',
        horizontal: true,
        title: t('stats:charts.by_agency'),
        categories: report.league.map((r) => r.name),
        series: [
          { name: received, values: report.league.map((r) => r.received) },
          { name: answered, values: report.league.map((r) => r.answered) },
          { name: t('stats:series.overdue'), values: report.league.map((r) => r.overdue), color: '#c23b3b' },
        ],
        valueLabel: t('stats:series.count'),
      };
    case 'by-channel':
      return {
        ...common,
        kind: 'bar',
        title: t('stats:charts.by_channel'),
        categories: report.byChannel.map((r) => keyLabel(t, 'channels', r.key)),
        series: [{ name: received, values: report.byChannel.map((r) => r.count) }],
        valueLabel: t('stats:series.count'),
      };
    case 'by-status':
      return {
        ...common,
        kind: 'bar',
        title: t('stats:charts.by_status'),
        categories: report.byStatus.map((r) => keyLabel(t, 'status', r.key)),
        series: [{ name: received, values: report.byStatus.map((r) => r.count) }],
        valueLabel: t('stats:series.count'),
      };
    case 'by-category':
      return {
        ...common,
        kind: 'bar',
        horizontal: true,
        title: t('stats:charts.by_category'),
        categories: report.byCategory.map((r) => keyLabel(t, 'categories', r.key)),
        series: [{ name: received, values: report.byCategory.map((r) => r.count) }],
        valueLabel: t('stats:series.count'),
      };
    case 'on-time': {
      const rows = report.league.filter((r) => r.answered > 0);
      return {
        ...common,
        kind: 'bar',
        horizontal: true,
        valueFormat: 'percent',
        title: t('stats:charts.on_time'),
        categories: rows.map((r) => r.name),
        series: [
          {
            name: t('stats:series.on_time_rate'),
            values: rows.map((r) => r.onTimeRate ?? 0),
            color: '#2e9e5b',
          },
        ],
        valueLabel: t('stats:series.on_time_rate'),
      };
    }
    case 'backlog-age':
      return {
        ...common,
        subtitle: report.scopeName,
        kind: 'bar',
        title: t('stats:charts.backlog_age'),
        categories: report.backlogByAge.map((b) => t(`stats:age.${b.key}`)),
        series: [
          {
            name: t('stats:series.count'),
            values: report.backlogByAge.map((b) => b.count),
            color: '#e07b24',
          },
        ],
        valueLabel: t('stats:series.count'),
      };
  }
}
