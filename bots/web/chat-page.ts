import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Locale } from '../../src/domain/complaint';
import { isLocale, tFor } from '../../src/i18n';

const PUBLIC_DIR = join(__dirname, 'public');

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Same rule as the API: `?lang=`, then Accept-Language, then the default. */
function pageLocale(query: unknown, acceptLanguage: string | undefined, fallback: Locale): Locale {
  const lang = (query as { lang?: unknown } | undefined)?.lang;
  if (isLocale(lang)) return lang;
  const first = acceptLanguage?.split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return isLocale(first) ? first : fallback;
}

const PAGE_KEYS = [
  'you',
  'bot',
  'uploading',
  'uploaded',
  'upload_failed',
  'file_too_large',
  'choices_label',
  'connecting',
  'connected',
  'reconnecting',
  'send_failed',
  'session_expired',
  'captcha_alt',
] as const;

export function renderChatPage(locale: Locale, maxFileBytes: number): string {
  const t = tFor(locale, 'web');
  const s = (key: string, params?: Record<string, unknown>) =>
    escapeHtml(String(t(`page.${key}`, params as never)));
  const maxMb = Math.round((maxFileBytes / 1024 / 1024) * 10) / 10;
  const strings = Object.fromEntries(PAGE_KEYS.map((k) => [k, String(t(`page.${k}`, { maxMb } as never))]));
  // JSON inside <script type="application/json">: "<" escaped so no string can close the element.
  const config = JSON.stringify({ locale, maxFileBytes, strings }).replace(/</g, '\\u003c');
  const other: Locale = locale === 'vi' ? 'en' : 'vi';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${s('title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/chat/chat.css">
</head>
<body>
<a class="skip" href="#chat-input">${s('skip')}</a>
<header class="top">
  <h1>${s('heading')}</h1>
  <nav aria-label="${s('language')}"><a href="/chat?lang=${other}" hreflang="${other}" lang="${other}">${other === 'vi' ? 'Tiếng Việt' : 'English'}</a></nav>
</header>
<main class="chat">
  <p class="intro">${s('intro')}</p>
  <div id="chat-log" class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="${s('log_label')}" tabindex="0"></div>
  <div id="chat-choices" class="choices" role="group" aria-label="${s('choices_label')}" hidden></div>
  <p id="chat-status" class="status" role="status" aria-live="polite">${s('connecting')}</p>
  <form id="chat-form" class="composer" autocomplete="off">
    <label for="chat-input">${s('input_label')}</label>
    <div class="row">
      <textarea id="chat-input" name="text" rows="2" maxlength="4000" placeholder="${s('input_placeholder')}" required></textarea>
      <button type="submit">${s('send')}</button>
    </div>
    <div class="row file">
      <label for="chat-file" class="file-label">${s('attach')}</label>
      <input id="chat-file" name="file" type="file" accept="image/*,.pdf,.doc,.docx,.xls,.xlsx" aria-describedby="chat-file-hint">
    </div>
    <p id="chat-file-hint" class="hint">${s('attach_hint', { maxMb })}</p>
  </form>
  <p class="privacy">${s('privacy')}</p>
  <noscript><p>${s('noscript')}</p></noscript>
</main>
<script type="application/json" id="chat-config">${config}</script>
<script src="/chat/chat.js" defer></script>
</body>
</html>
`;
}

/** `GET /chat`: the page (strings rendered server side), its script and style; nothing from a CDN. */
export function registerChatPage(
  app: FastifyInstance,
  options: { defaultLocale: Locale; maxFileBytes: number },
): void {
  const js = readFileSync(join(PUBLIC_DIR, 'chat.js'));
  const css = readFileSync(join(PUBLIC_DIR, 'chat.css'));
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  app.get('/chat', { schema: { hide: true } }, async (req, reply) => {
    const locale = pageLocale(req.query, req.headers['accept-language'], options.defaultLocale);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(renderChatPage(locale, options.maxFileBytes));
  });
  app.get('/chat/chat.js', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(js),
  );
  app.get('/chat/chat.css', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(css),
  );
}
