import type { FastifyInstance } from 'fastify';
import type { Locale } from '../src/domain/complaint';
import { tFor, isLocale } from '../src/i18n';
import { PRIVACY_NOTICE_VERSION } from '../dialogs';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const SECTIONS = ['collected', 'purpose', 'access', 'rights', 'retention'] as const;

/** The privacy notice the bots link to before asking for consent (`/privacy?lang=vi|en`). */
export function renderPrivacyPage(locale: Locale): string {
  const t = tFor(locale, 'privacy');
  const other: Locale = locale === 'vi' ? 'en' : 'vi';
  const body = SECTIONS.map((s) => `<h2>${escapeHtml(t(`${s}_h`))}</h2>\n<p>${escapeHtml(t(s))}</p>`).join(
    '\n',
  );
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t('title'))}</title>
<style>
body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1b1b1b}
h1{font-size:1.5rem;color:#8b0000}h2{font-size:1.15rem;margin-top:1.5rem}
a{color:#0b4f9c}.meta{color:#555}
</style>
</head>
<body>
<main>
<p><a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(t('other_language'))}</a></p>
<h1>${escapeHtml(t('title'))}</h1>
<p class="meta">${escapeHtml(t('version', { version: PRIVACY_NOTICE_VERSION }))}</p>
<p>${escapeHtml(t('intro'))}</p>
${body}
<p class="meta">${escapeHtml(t('basis'))}</p>
</main>
</body>
</html>`;
}

export async function privacyPage(app: FastifyInstance): Promise<void> {
  app.get('/privacy', { schema: { hide: true } } as object, async (req, reply) => {
    const lang = (req.query as { lang?: unknown }).lang;
    const locale: Locale = isLocale(lang) ? lang : req.locale;
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(renderPrivacyPage(locale));
  });
}
