import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../src/domain/complaint';
import { localDate } from '../../src/domain/deadlines';
import type { Clock } from '../../src/domain/ports/clock';
import { getI18n, tFor } from '../../src/i18n';

/**
 * The dashboard (`/admin`) and the public statistics page (`/thong-ke`, `/stats`): server-rendered HTML shells
 * whose strings come from locales/, plus their static assets. Chart.js is served from the installed package
 * (no CDN): the pages work on a closed government network.
 */
interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const ASSET_DIR = join(__dirname, 'assets');

function loadAssets(): Map<string, Asset> {
  const files: Array<[string, string, string]> = [
    // chart.js's package exports do not expose dist/ files; its main entry sits in dist/, next to the UMD build.
    [
      'chart.umd.min.js',
      join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
      'text/javascript; charset=utf-8',
    ],
    ['dashboard.js', join(ASSET_DIR, 'dashboard.js'), 'text/javascript; charset=utf-8'],
    ['public.js', join(ASSET_DIR, 'public.js'), 'text/javascript; charset=utf-8'],
    ['charts-common.js', join(ASSET_DIR, 'charts-common.js'), 'text/javascript; charset=utf-8'],
    ['stats.css', join(ASSET_DIR, 'stats.css'), 'text/css; charset=utf-8'],
  ];
  const out = new Map<string, Asset>();
  for (const [name, path, type] of files) {
    const body = readFileSync(path);
    out.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return out;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** JSON inside a <script type="application/json">: `<` escaped so no text can close the element. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The strings a page's script needs: the stats namespace and the common labels of statuses, channels, categories. */
function pageStrings(locale: Locale, today: string): Record<string, unknown> {
  const i18n = getI18n();
  const stats = i18n.getResourceBundle(locale, 'stats') ?? i18n.getResourceBundle('vi', 'stats');
  const common = (i18n.getResourceBundle(locale, 'common') ?? {}) as Record<string, unknown>;
  const fallback = (i18n.getResourceBundle('vi', 'common') ?? {}) as Record<string, unknown>;
  const pick = (k: string) => ({ ...((fallback[k] as object) ?? {}), ...((common[k] as object) ?? {}) });
  // `today` is the server's local date (Asia/Ho_Chi_Minh): the default period must not depend on the browser's zone.
  return {
    locale,
    today,
    stats,
    status: pick('status'),
    channels: pick('channels'),
    categories: pick('categories'),
  };
}

function langLinks(path: string, locale: Locale): string {
  return (['vi', 'en'] as const)
    .map((l) =>
      l === locale
        ? `<strong>${l.toUpperCase()}</strong>`
        : `<a href="${path}?lang=${l}" hreflang="${l}">${l.toUpperCase()}</a>`,
    )
    .join(' · ');
}

const CHART_CARDS: Array<[string, string]> = [
  ['received-answered', 'received_answered'],
  ['by-agency', 'by_agency'],
  ['by-channel', 'by_channel'],
  ['on-time', 'on_time'],
  ['backlog-age', 'backlog_age'],
  ['by-category', 'by_category'],
  ['by-status', 'by_status'],
];

export function dashboardHtml(locale: Locale, today: string): string {
  const t = tFor(locale, 'stats');
  const e = (k: string) => escapeHtml(t(k));
  const cards = CHART_CARDS.map(
    ([name, key]) => `
      <figure class="card chart-card" data-chart="${name}">
        <figcaption><h2>${e(`charts.${key}`)}</h2>
          <span class="card-links"><a href="#" class="dl" data-kind="chart" data-name="${name}" data-ext="svg">SVG</a> · <a href="#" class="dl" data-kind="chart" data-name="${name}" data-ext="png">PNG</a></span>
        </figcaption>
        <div class="chart-box${name === 'by-agency' || name === 'on-time' || name === 'by-category' ? ' tall' : ''}"><canvas id="chart-${name}" role="img" aria-label="${e(`charts.${key}`)}"></canvas></div>
      </figure>`,
  ).join('');
  const tables = ['summary', 'series', 'league', 'by-status', 'by-channel', 'by-category', 'backlog-age']
    .map(
      (n) =>
        `<li><a href="#" class="dl" data-kind="table" data-name="${n}" data-ext="csv">${e(`tables.${n.replace('-', '_')}`)} (CSV)</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e('dashboard.title')}</title>
<link rel="stylesheet" href="/stats-assets/stats.css">
</head>
<body data-state="init">
<script type="application/json" id="i18n">${jsonForHtml(pageStrings(locale, today))}</script>
<header class="top">
  <h1>${e('dashboard.title')}</h1>
  <nav><span id="who"></span> <button type="button" id="logout" hidden>${e('dashboard.logout')}</button> <span class="lang">${langLinks('/admin', locale)}</span></nav>
</header>
<section id="login" class="card login" hidden>
  <h2>${e('dashboard.login_title')}</h2>
  <form id="login-form" autocomplete="on">
    <label>${e('dashboard.username')} <input name="username" id="username" autocomplete="username" required maxlength="64"></label>
    <label>${e('dashboard.password')} <input name="password" id="password" type="password" autocomplete="current-password" required maxlength="200"></label>
    <button type="submit">${e('dashboard.login')}</button>
    <p id="login-error" class="error" role="alert" hidden></p>
  </form>
</section>
<main id="dashboard" hidden>
  <form id="filters" class="filters">
    <label>${e('dashboard.from')} <input type="date" id="from" name="from" required></label>
    <label>${e('dashboard.to')} <input type="date" id="to" name="to" required></label>
    <label>${e('dashboard.granularity')}
      <select id="granularity" name="granularity">
        <option value="day">${e('period.day')}</option><option value="week">${e('period.week')}</option><option value="month">${e('period.month')}</option>
      </select></label>
    <button type="submit">${e('dashboard.apply')}</button>
    <span id="scope" class="scope"></span>
    <a href="#" id="drill-up" hidden>${e('dashboard.whole_scope')}</a>
    <span id="status" class="status" role="status"></span>
  </form>
  <section id="kpis" class="kpis"></section>
  <section class="grid">${cards}
  </section>
  <section class="card">
    <h2>${e('dashboard.league')}</h2>
    <div class="table-wrap"><table id="league"><thead></thead><tbody></tbody></table></div>
  </section>
  <section class="card">
    <h2>${e('dashboard.downloads')}</h2>
    <ul class="downloads">${tables}<li><a href="#" class="dl" data-kind="xlsx" data-name="report" data-ext="xlsx">${e('dashboard.download_xlsx')}</a></li></ul>
  </section>
</main>
<script src="/stats-assets/chart.umd.min.js"></script>
<script src="/stats-assets/charts-common.js"></script>
<script src="/stats-assets/dashboard.js"></script>
</body>
</html>`;
}

export function publicHtml(locale: Locale, path: string, today: string): string {
  const t = tFor(locale, 'stats');
  const e = (k: string) => escapeHtml(t(k));
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e('public.title')}</title>
<link rel="stylesheet" href="/stats-assets/stats.css">
</head>
<body data-state="init" class="public">
<script type="application/json" id="i18n">${jsonForHtml(pageStrings(locale, today))}</script>
<header class="top">
  <h1>${e('public.title')}</h1>
  <nav><span class="lang">${langLinks(path, locale)}</span></nav>
</header>
<main>
  <p class="intro">${e('public.intro')}</p>
  <form id="filters" class="filters">
    <label>${e('public.months')}
      <select id="months" name="months"><option value="3">3</option><option value="6">6</option><option value="12" selected>12</option><option value="24">24</option><option value="36">36</option></select>
    </label>
    <span id="period" class="scope"></span>
    <span id="status" class="status" role="status"></span>
  </form>
  <section id="kpis" class="kpis"></section>
  <section class="grid">
    <figure class="card chart-card"><figcaption><h2>${e('charts.received_answered')}</h2></figcaption><div class="chart-box"><canvas id="chart-received-answered" role="img" aria-label="${e('charts.received_answered')}"></canvas></div></figure>
    <figure class="card chart-card"><figcaption><h2>${e('charts.by_channel')}</h2></figcaption><div class="chart-box"><canvas id="chart-by-channel" role="img" aria-label="${e('charts.by_channel')}"></canvas></div></figure>
    <figure class="card chart-card"><figcaption><h2>${e('charts.by_category')}</h2></figcaption><div class="chart-box tall"><canvas id="chart-by-category" role="img" aria-label="${e('charts.by_category')}"></canvas></div></figure>
    <figure class="card chart-card"><figcaption><h2>${e('charts.by_agency')}</h2></figcaption><div class="chart-box tall"><canvas id="chart-by-agency" role="img" aria-label="${e('charts.by_agency')}"></canvas></div></figure>
  </section>
  <p id="updated" class="muted"></p>
</main>
<script src="/stats-assets/chart.umd.min.js"></script>
<script src="/stats-assets/charts-common.js"></script>
<script src="/stats-assets/public.js"></script>
</body>
</html>`;
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(html);
}

export function registerStatsPages(app: FastifyInstance, clock: Clock): void {
  const assets = loadAssets();
  const hide = { schema: { hide: true } };

  app.get('/admin', hide, async (req, reply) =>
    sendPage(reply, dashboardHtml(req.locale, localDate(clock.now()))),
  );
  for (const path of ['/thong-ke', '/stats']) {
    app.get(path, hide, async (req, reply) =>
      sendPage(reply, publicHtml(req.locale, path, localDate(clock.now()))),
    );
  }
  app.get<{ Params: { file: string } }>(
    '/stats-assets/:file',
    hide,
    async (req: FastifyRequest<{ Params: { file: string } }>, reply) => {
      const asset = assets.get(req.params.file);
      if (!asset) return reply.callNotFound();
      reply
        .header('etag', asset.etag)
        .header('cache-control', 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff');
      if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
      return reply.type(asset.type).send(asset.body);
    },
  );
}
