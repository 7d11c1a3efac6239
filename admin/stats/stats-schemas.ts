/** JSON schemas of the statistics routes: Fastify validates queries with them and /docs shows them. */
const nullableNumber = { type: ['number', 'null'] } as const;
const keyCounts = {
  type: 'array',
  items: {
    type: 'object',
    properties: { key: { type: 'string' }, count: { type: 'integer' } },
    required: ['key', 'count'],
  },
} as const;

export const PeriodQuerySchema = {
  type: 'object',
  properties: {
    from: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'First local day (Asia/Ho_Chi_Minh), YYYY-MM-DD; default 29 days before `to`',
    },
    to: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'Last local day, included; default today',
    },
    granularity: {
      type: 'string',
      enum: ['day', 'week', 'month'],
      description: 'Series buckets; default by the length of the period',
    },
    agency: {
      type: 'string',
      maxLength: 80,
      description: 'Narrow to this agency, which must be in the caller’s subtree',
    },
    lang: { type: 'string', enum: ['vi', 'en'] },
  },
  additionalProperties: false,
} as const;

export const PublicQuerySchema = {
  type: 'object',
  properties: {
    months: {
      type: 'integer',
      minimum: 1,
      maximum: 36,
      default: 12,
      description: 'Whole months up to and including the current one',
    },
    lang: { type: 'string', enum: ['vi', 'en'] },
  },
  additionalProperties: false,
} as const;

const leagueRow = {
  type: 'object',
  properties: {
    agency: { type: 'string' },
    name: { type: 'string' },
    received: { type: 'integer' },
    answered: { type: 'integer' },
    onTime: { type: 'integer' },
    onTimeRate: nullableNumber,
    overdue: { type: 'integer' },
  },
  required: ['agency', 'name', 'received', 'answered', 'onTime', 'onTimeRate', 'overdue'],
} as const;

const period = {
  type: 'object',
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    granularity: { type: 'string', enum: ['day', 'week', 'month'] },
    timeZone: { type: 'string' },
  },
  required: ['from', 'to', 'granularity', 'timeZone'],
} as const;

const series = {
  type: 'array',
  items: {
    type: 'object',
    properties: { bucket: { type: 'string' }, received: { type: 'integer' }, answered: { type: 'integer' } },
    required: ['bucket', 'received', 'answered'],
  },
} as const;

const answerTime = {
  type: 'object',
  properties: {
    p50Ms: nullableNumber,
    p90Ms: nullableNumber,
    p50Days: nullableNumber,
    p90Days: nullableNumber,
  },
  required: ['p50Ms', 'p90Ms', 'p50Days', 'p90Days'],
} as const;

const backlogByAge = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      key: { type: 'string' },
      minDays: { type: 'integer' },
      maxDays: { type: ['integer', 'null'] },
      count: { type: 'integer' },
    },
    required: ['key', 'minDays', 'maxDays', 'count'],
  },
} as const;

export const StatsReportSchema = {
  type: 'object',
  properties: {
    scope: { type: 'string' },
    scopeName: { type: 'string' },
    period,
    generatedAt: { type: 'string' },
    totals: {
      type: 'object',
      properties: {
        received: { type: 'integer' },
        answered: { type: 'integer' },
        onTime: { type: 'integer' },
        onTimeRate: nullableNumber,
        open: { type: 'integer' },
        overdueNow: { type: 'integer' },
      },
      required: ['received', 'answered', 'onTime', 'onTimeRate', 'open', 'overdueNow'],
    },
    answerTime,
    byStatus: keyCounts,
    byChannel: keyCounts,
    byCategory: keyCounts,
    byOwner: keyCounts,
    topCategories: keyCounts,
    series,
    backlogByAge,
    league: { type: 'array', items: leagueRow },
  },
  required: [
    'scope',
    'scopeName',
    'period',
    'generatedAt',
    'totals',
    'answerTime',
    'byStatus',
    'byChannel',
    'byCategory',
    'byOwner',
    'topCategories',
    'series',
    'backlogByAge',
    'league',
  ],
} as const;

/** The public figures: the same aggregates for everything, without per-owner unit detail. */
export const PublicStatsSchema = {
  type: 'object',
  properties: {
    period,
    generatedAt: { type: 'string' },
    totals: {
      type: 'object',
      properties: {
        received: { type: 'integer' },
        answered: { type: 'integer' },
        onTimeRate: nullableNumber,
        open: { type: 'integer' },
        overdueNow: { type: 'integer' },
      },
      required: ['received', 'answered', 'onTimeRate', 'open', 'overdueNow'],
    },
    answerTime,
    byStatus: keyCounts,
    byChannel: keyCounts,
    byCategory: keyCounts,
    series,
    agencies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          agency: { type: 'string' },
          name: { type: 'string' },
          received: { type: 'integer' },
          answered: { type: 'integer' },
          onTimeRate: nullableNumber,
          overdue: { type: 'integer' },
        },
        required: ['agency', 'name', 'received', 'answered', 'onTimeRate', 'overdue'],
      },
    },
  },
  required: [
    'period',
    'generatedAt',
    'totals',
    'answerTime',
    'byStatus',
    'byChannel',
    'byCategory',
    'series',
    'agencies',
  ],
} as const;

export const ChartParamsSchema = {
  type: 'object',
  properties: { file: { type: 'string', pattern: '^[a-z-]+\\.(svg|png)$' } },
  required: ['file'],
} as const;

export const TableParamsSchema = {
  type: 'object',
  properties: { file: { type: 'string', pattern: '^[a-z-]+\\.csv$' } },
  required: ['file'],
} as const;
