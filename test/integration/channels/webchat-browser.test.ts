import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { EchoBot } from '../../fakes/echo-bot';
import { channelKit, type ChannelKit } from './channel-test-kit';

/**
 * The web chat page in a real browser (Debian's Chromium via playwright-core), on a 320 px wide screen:
 * keyboard only, the bot's buttons, a returning visitor seeing the history. Skipped, visibly, without Chromium.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipped: the web chat browser test needs Chromium at ${CHROMIUM}`);
const describeBrowser = haveChromium ? describe : describe.skip;

jest.setTimeout(90_000);

describeBrowser('web chat page in Chromium (320 px)', () => {
  let kit: ChannelKit;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    kit = await channelKit({}, { bot: new EchoBot(), webPollMs: 200 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await kit?.close();
  });

  it('should chat with the keyboard, offer buttons, fit 320 px and show the history to a returning visitor', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'vi-VN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${kit.url}/chat`);
    // Waits use selector engines: the page's CSP (script-src 'self') forbids the eval a string predicate needs.
    await page.locator('#chat-status', { hasText: 'Đã kết nối' }).waitFor();

    // Keyboard only: Tab from the top reaches the skip link, then the message box.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement.className`)).toBe('skip');
    await page.keyboard.press('Enter');
    await page.focus('#chat-input');
    await page.keyboard.type('xin chào');
    await page.keyboard.press('Enter');
    await page.locator('#chat-log .msg.bot').first().waitFor();
    expect(await page.textContent('#chat-log .msg.bot')).toContain('echo: xin chào');

    await page.keyboard.type('menu');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#chat-choices button');
    const buttons = await page.$$eval('#chat-choices button', (els) => els.map((e) => e.textContent));
    expect(buttons).toEqual(['Gửi PAKN', 'Tra cứu', 'Trợ giúp']);
    await page.click('#chat-choices button:nth-child(2)');
    await page.locator('#chat-log .msg.bot', { hasText: 'echo: Tra cứu' }).first().waitFor();

    // Nothing wider than the screen.
    expect(await page.evaluate<number>(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(320);
    expect(await page.getAttribute('#chat-log', 'aria-live')).toBe('polite');
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-320.png'), fullPage: true });

    // A returning visitor (same browser storage) sees what was said, and an answer pushed while away.
    const sessionId = await page.evaluate<string>(`localStorage.getItem('pakn.webchat.session')`);
    await page.close();
    await kit.channels.web.store.append(sessionId, [{ from: 'bot', text: 'Cơ quan đã trả lời.' }]);
    const again = await context.newPage();
    await again.goto(`${kit.url}/chat`);
    await again.locator('#chat-log', { hasText: 'Cơ quan đã trả lời.' }).waitFor();
    expect(await again.textContent('#chat-log')).toContain('echo: xin chào');
    expect(errors).toEqual([]);
    await context.close();
  });
});
