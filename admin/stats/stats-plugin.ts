import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isInSubtree } from '../../src/domain/agency';
import { localDate } from '../../src/domain/deadlines';
import { ForbiddenError } from '../../src/domain/errors';
import type { Locale } from '../../src/domain/complaint';
import { tFor } from '../../src/i18n';
import type { AppDeps } from '../../src/deps';
import {
  addIsoDays,
  allStatsTables,
  chartSpec,
  createStatsService,
  isChartName,
  isTableName,
  renderSvgChart,
  resolvePeriod,
  startOfLocalDay,
  statsTable,
  toCsv,
  toXlsx,
  type StatsPeriod,
  type StatsReport,
  type StatsService,
  type Translate,
} from '../../src/application/stats';
import { svgToPng } from './png';
import {
  ChartParamsSchema,
  PeriodQuerySchema,
  PublicQuerySchema,
  PublicStatsSchema,
  StatsReportSchema,
  TableParamsSchema,
} from './stats-schemas';
import { registerStatsPages } from './stats-pages';

export interface StatsPluginOptions {
  deps: AppDeps;
  /**
   * How long an officer's report is reused for the same scope and period.
   * @defaultValue 30000
   */
  cacheTtlMs?: number;
  /**
   * How long the public figures are reused; the public route is unauthenticated, so its cost must not
   * follow the request rate (and monthly figures need no minute-by-minute freshness).
   * @defaultValue 3600000
   */
  publicCacheTtlMs?: number;
}

/** Who is asking, from the verified access token's claims (`sub`, `agency`, `role`). */
export interface StatsPrincipal {
  username: string;
  agency: string;
  role: string;
}

type PeriodQuery = { from?: string; to?: string; granularity?: string; agency?: string };

function principalOf(req: FastifyRequest): StatsPrincipal | null {
  const user = (req as FastifyRequest & { user?: unknown }).user as
    { sub?: unknown; agency?: unknown; role?: unknown } | undefined;
  if (!user || typeof user.agency !== 'string' || typeof user.sub !== 'string') return null;
  return { username: user.sub, agency: user.agency, role: typeof user.role === 'string' ? user.role : '' };
}

/**
 * Authenticates with the officers' API `authenticate` decorator (admin/, JWT). Looked up per request because
 * feature plugins may be mounted in any order; when it is absent every statistics route answers 401: the
 * routes fail closed, never open.
 */
async function requireOfficer(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const server = req.server as FastifyInstance & {
    authenticate?: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  };
  if (typeof server.authenticate === 'function') {
    await server.authenticate(req, reply);
    if (reply.sent) return;
  }
  if (!principalOf(req)) {
    await reply.status(401).send({
      error: 'Unauthorized',
      key: 'errors.unauthorized',
      message: tFor(req.locale)('errors.unauthorized'),
    });
  }
}

/** The subtree a request covers: the caller's agency, or a narrower one inside it (`?agency=`). */
function scopeOf(req: FastifyRequest, q: PeriodQuery): string {
  const p = principalOf(req)!;
  if (q.agency === undefined || q.agency === p.agency) return p.agency;
  if (!isInSubtree(q.agency, p.agency)) throw new ForbiddenError(`stats of ${q.agency} outside ${p.agency}`);
  return q.agency;
}

function translator(locale: Locale): Translate {
  const t = tFor(locale);
  return (key, params) => String(t(key, params as never));
}

/** `received-answered.svg` → name and extension. */
function splitFile(file: string): { name: string; ext: string } {
  const dot = file.lastIndexOf('.');
  return { name: file.slice(0, dot), ext: file.slice(dot + 1) };
}

function attachmentName(base: string, report: StatsReport, ext: string): string {
  return `pakn-${base}-${report.scope}-${report.period.from}_${report.period.to}.${ext}`;
}

/**
 * Statistics: the officers' report (`/api/admin/stats`), its chart images, CSV and XLSX tables, the public
 * figures (`/api/public/stats`), and the pages (`/admin` dashboard, `/thong-ke` public page).
 */
async function statsPlugin(app: FastifyInstance, options: StatsPluginOptions): Promise<void> {
  const { deps } = options;
  const listAgencies = () => deps.stores.agencies.list();
  const service: StatsService = createStatsService({
    complaints: deps.stores.complaints,
    listAgencies,
    clock: deps.clock,
    cacheTtlMs: options.cacheTtlMs ?? 30_000,
  });
  const publicService: StatsService = createStatsService({
    complaints: deps.stores.complaints,
    listAgencies,
    clock: deps.clock,
    cacheTtlMs: options.publicCacheTtlMs ?? 3_600_000,
    cacheMaxEntries: 50,
  });

  async function reportFor(req: FastifyRequest<{ Querystring: PeriodQuery }>): Promise<StatsReport> {
    const scope = scopeOf(req, req.query);
    const period = resolvePeriod(req.query, deps.clock.now());
    return service.report(scope, period);
  }

  const adminRoute = { preHandler: requireOfficer };
  const tags = ['stats'];
  const security = [{ bearer: [] }];

  app.get<{ Querystring: PeriodQuery }>(
    '/api/admin/stats',
    {
      ...adminRoute,
      schema: {
        tags,
        security,
        summary: 'Statistics of the caller’s subtree for a period',
        querystring: PeriodQuerySchema,
        response: { 200: StatsReportSchema },
      },
    },
    async (req) => reportFor(req),
  );

  app.get<{ Querystring: PeriodQuery; Params: { file: string } }>(
    '/api/admin/stats/charts/:file',
    {
      ...adminRoute,
      schema: {
        tags,
        security,
        summary:
          'A chart of the report as an SVG or PNG image (received-answered, by-agency, by-channel, by-status, by-category, on-time, backlog-age)',
        params: ChartParamsSchema,
        querystring: PeriodQuerySchema,
      },
    },
    async (req, reply) => {
      const { name, ext } = splitFile(req.params.file);
      if (!isChartName(name)) return notFound(req, reply, 'stats:errors.chart_unknown', name);
      const report = await reportFor(req);
      const svg = renderSvgChart(chartSpec(name, report, translator(req.locale)));
      reply.header('cache-control', 'private, no-store');
      reply.header('content-disposition', `inline; filename="${attachmentName(name, report, ext)}"`);
      if (ext === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(svg);
      const png = svgToPng(svg);
      if (!png)
        return reply.status(501).send({
          error: 'NotImplemented',
          key: 'stats:errors.png_unavailable',
          message: translator(req.locale)('stats:errors.png_unavailable'),
        });
      return reply.type('image/png').send(png);
    },
  );

  app.get<{ Querystring: PeriodQuery; Params: { file: string } }>(
    '/api/admin/stats/tables/:file',
    {
      ...adminRoute,
      schema: {
        tags,
        security,
        summary:
          'A table of the report as CSV (UTF-8 with BOM): summary, series, league, by-status, by-channel, by-category, backlog-age',
        params: TableParamsSchema,
        querystring: PeriodQuerySchema,
      },
    },
    async (req, reply) => {
      const { name } = splitFile(req.params.file);
      if (!isTableName(name)) return notFound(req, reply, 'stats:errors.table_unknown', name);
      const report = await reportFor(req);
      const csv = toCsv(statsTable(name, report, translator(req.locale)));
      return reply
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${attachmentName(name, report, 'csv')}"`)
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  app.get<{ Querystring: PeriodQuery }>(
    '/api/admin/stats/report.xlsx',
    {
      ...adminRoute,
      schema: {
        tags,
        security,
        summary: 'Every table of the report as one Excel workbook, a sheet per table',
        querystring: PeriodQuerySchema,
      },
    },
    async (req, reply) => {
      const report = await reportFor(req);
      const xlsx = toXlsx(allStatsTables(report, translator(req.locale)));
      return reply
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="${attachmentName('report', report, 'xlsx')}"`)
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(Buffer.from(xlsx));
    },
  );

  app.get<{ Querystring: { months?: number } }>(
    '/api/public/stats',
    {
      schema: {
        tags: ['public'],
        summary:
          'Aggregate figures for everyone: counts, on-time share, answer times, per month and per agency; no PAKN content',
        querystring: PublicQuerySchema,
        response: { 200: PublicStatsSchema },
      },
    },
    async (req, reply) => {
      const report = await publicService.report(
        'vpcp',
        publicPeriod(req.query.months ?? 12, deps.clock.now()),
      );
      reply.header('cache-control', 'public, max-age=300');
      return {
        period: report.period,
        generatedAt: report.generatedAt,
        totals: {
          received: report.totals.received,
          answered: report.totals.answered,
          onTimeRate: report.totals.onTimeRate,
          open: report.totals.open,
          overdueNow: report.totals.overdueNow,
        },
        answerTime: report.answerTime,
        byStatus: report.byStatus,
        byChannel: report.byChannel,
        byCategory: report.byCategory,
        series: report.series,
        agencies: report.league.map((l) => ({
          agency: l.agency,
          name: l.name,
          received: l.received,
          answered: l.answered,
          onTimeRate: l.onTimeRate,
          overdue: l.overdue,
        })),
      };
    },
  );

  registerStatsPages(app, deps.clock);
}

/** The last `months` whole months, the current one included (to today), by month. */
export function publicPeriod(months: number, now: Date): StatsPeriod {
  const today = localDate(now);
  let first = `${today.slice(0, 7)}-01`;
  for (let i = 1; i < months; i++) first = `${addIsoDays(first, -1).slice(0, 7)}-01`;
  return {
    from: first,
    to: today,
    granularity: 'month',
    start: startOfLocalDay(first),
    end: startOfLocalDay(addIsoDays(today, 1)),
  };
}

function notFound(req: FastifyRequest, reply: FastifyReply, key: string, name: string): FastifyReply {
  return reply
    .status(404)
    .send({ error: 'NotFound', key, message: translator(req.locale)(key, { name }), params: { name } });
}

export default fp(statsPlugin, { name: 'pakn-stats', fastify: '5.x' });
export { statsPlugin };
