import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createStatsTestApp, PASSWORD, type StatsTestApp } from '../integration/stats/stats-app';

/**
 * The statistics pages in a real browser: Debian's Chromium driven by playwright-core (no browser download).
 * CI installs it with `apt-get install -y chromium`; where it is missing this suite says so and skips.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // The skip must be visible in the test output.
  console.warn(
    `skipped: browser tests need Chromium at ${CHROMIUM} (apt-get update && apt-get install -y chromium)`,
  );
}
const describeBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(90_000);

/** Pixels drawn on a canvas (alpha > 0): an empty chart has none. */
async function paintedPixels(page: Page, id: string): Promise<number> {
  // Page code as a string: the tests are compiled without the DOM library.
  return page.evaluate<number>(`(() => {
    const c = document.getElementById(${JSON.stringify(id)});
    if (!c || c.width === 0 || c.height === 0) return 0;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  })()`);
}

/** The category labels Chart.js drew on a chart of the page. */
function chartLabels(page: Page, id: string): Promise<string[]> {
  return page.evaluate<string[]>(`window.PaknStats.charts[${JSON.stringify(id)}].data.labels`);
}

describeBrowser('stats pages in Chromium', () => {
  let t: StatsTestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createStatsTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should let a ministry officer sign in, see the charts of their subtree and download an SVG and a CSV', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('pageerror', (e) => failed.push(String(e)));

    await page.goto(`${base}/admin`);
    await page.waitForSelector('body[data-state="login"]');
    await page.fill('#username', 'btc.nl');
    await page.fill('#password', 'wrong password');
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).toMatch(/\S/);

    await page.fill('#password', PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });

    // The default period ends on the server's today (the fixture clock), so the figures are the fixture's.
    expect(await page.inputValue('#to')).toBe('2026-03-31');
    const kpis = await page.locator('.kpi').allTextContents();
    expect(kpis.join(' | ')).toContain('Đang xử lý');
    expect(await page.textContent('#scope')).toBe('Phạm vi: Bộ Tài chính');

    for (const id of [
      'received-answered',
      'by-agency',
      'by-channel',
      'on-time',
      'backlog-age',
      'by-category',
      'by-status',
    ]) {
      expect(await paintedPixels(page, `chart-${id}`)).toBeGreaterThan(500);
    }
    const agencyLabels = await chartLabels(page, 'by-agency');
    expect(agencyLabels).toEqual(['Tổng cục Hải quan', 'Bộ Tài chính', 'Kho bạc Nhà nước']);
    expect(await page.locator('#league tbody tr').count()).toBe(3);

    await page.fill('#from', '2026-03-01');
    await page.selectOption('#granularity', 'week');
    await page.click('#filters button[type="submit"]');
    await page.waitForSelector('body[data-state="ready"]');
    const weeks = await chartLabels(page, 'received-answered');
    expect(weeks).toEqual(['23/02', '02/03', '09/03', '16/03', '23/03', '30/03']);

    await page.screenshot({ path: join(ARTIFACTS, 'stats-dashboard.png'), fullPage: true });

    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a.dl[data-name="by-agency"][data-ext="svg"]'),
    ]);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('>Tổng cục Hải quan</text>');

    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.click('a.dl[data-name="league"]'),
    ]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('btc.tchq,Tổng cục Hải quan,3,4,3,75,0');
    expect(csvDownload.suggestedFilename()).toBe('pakn-league-2026-03-01_2026-03-31.csv');

    // Drill down from the league table to a unit, and back up.
    await page.click('#league a.drill[data-agency="btc.tchq"]');
    // Selector engines run outside the page's CSP (script-src 'self' forbids the eval a string predicate needs).
    await page.locator('#scope:text-is("Phạm vi: Tổng cục Hải quan")').waitFor();
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#league tbody tr').count()).toBe(1);
    expect(await chartLabels(page, 'by-agency')).toEqual(['Tổng cục Hải quan']);
    await page.click('#drill-up');
    await page.locator('#scope:text-is("Phạm vi: Bộ Tài chính")').waitFor();
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#league tbody tr').count()).toBe(3);

    // Signing out forgets the token: a reload shows the sign-in form again.
    // Wait for the revocation to reach the server: a reload right after the click would abort it.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/admin/auth/logout')),
      page.click('#logout'),
    ]);
    await page.reload();
    await page.waitForSelector('body[data-state="login"]');
    expect(failed).toEqual([]);
    await context.close();
  });

  it('should show the public figures without signing in, and fit a phone screen', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: 'vi-VN',
    });
    const page = await context.newPage();
    await page.goto(`${base}/thong-ke`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    for (const id of ['received-answered', 'by-channel', 'by-category', 'by-agency']) {
      expect(await paintedPixels(page, `chart-${id}`)).toBeGreaterThan(500);
    }
    expect(await page.textContent('h1')).toBe('Thống kê tiếp nhận và trả lời PAKN');
    // Responsive: nothing wider than the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const text = await page.textContent('body');
    expect(text).not.toMatch(/PAKN thử nghiệm số|Nguyễn Văn A|0912345678/);
    await page.screenshot({ path: join(ARTIFACTS, 'stats-public-mobile.png'), fullPage: true });
    await context.close();
  });
});
