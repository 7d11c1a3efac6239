import { createHarness, fileActivity, inbound, PNG, type Harness } from './bot-harness';
import { WALK_EN, WALK_STEPS, walkTo } from './walk';

describe('intake in English on the web chat (captcha)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function walkToReview(chat: ReturnType<Harness['chat']>): Promise<string> {
    const start = await chat.sayText('/start');
    expect(start).toContain('Hello!');
    expect(await chat.sayText('Send a new PAKN')).toContain('Do you agree');
    expect(await chat.sayText('I agree')).toContain('Which area');
    expect(await chat.sayText('2')).toContain("Don't know");
    expect(await chat.sayText("don't know")).toContain('short title');
    expect(await chat.sayText('Business licence rules are unclear')).toContain('Describe your PAKN');
    expect(await chat.sayText('The rules for a household business licence differ by district.')).toContain(
      'characters',
    );
    expect(await chat.sayText('/done')).toContain('Step 5/7');
    expect(await chat.sayText(fileActivity(inbound(PNG, { name: 'rules.png' })))).toContain('(1/5)');
    expect(await chat.sayText('done')).toContain('full name');
    expect(await chat.sayText('Le Van Cuong')).toContain('mobile phone');
    expect(await chat.sayText('+84 (0) 912-345-678')).toContain('email');
    const summary = await chat.sayText('skip');
    expect(summary).toContain('Please check your PAKN');
    expect(summary).toContain('Government Office will route it');
    expect(summary).toContain('Email: (none)');
    return summary;
  }

  it('should ask for the security code before storing, refuse wrong codes, then store', async () => {
    const chat = h.chat({ channelId: 'web', locale: 'en-US' });
    await walkToReview(chat);
    const challenge = await chat.say('Send PAKN');
    expect(h.stored).toHaveLength(0);
    const img = challenge[0]!.attachments?.[0];
    expect(img?.contentType).toBe('image/svg+xml');
    expect(img?.contentUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(img!.contentUrl!.split(',')[1]!, 'base64').toString();
    expect(svg).toContain('<svg');
    // The answer is drawn, never written into the image as text.
    expect(svg).not.toContain('22222');
    expect(svg).not.toContain('<text');
    expect(await chat.sayText('33333')).toContain('2 tries left');
    // Status lookups still work while the captcha waits, and the step resumes.
    const mid = await chat.say('/help');
    expect(mid[1]?.attachments?.[0]?.contentType).toBe('image/svg+xml');
    const done = await chat.sayText('22222');
    expect(h.stored).toHaveLength(1);
    expect(done).toContain('Tracking code');
    const c = (await h.stores.complaints.getByCode(h.stored[0]!))!;
    expect(c.owner).toBe('vpcp');
    expect(c.locale).toBe('en');
    expect(c.channelRef.channel).toBe('web');
    expect(c.submitter.phone).toBe('+84912345678');
    expect(c.submitter.email).toBeUndefined();
  });

  it('should not store after the captcha rounds are used up, and keep the draft', async () => {
    const chat = h.chat({ channelId: 'web', locale: 'en-US' });
    await walkToReview(chat);
    await chat.say('Send PAKN');
    let last = '';
    for (let i = 0; i < 9; i++) last = await chat.sayText('wrong');
    expect(last).toContain('was not sent');
    expect(last).toContain('Please check your PAKN');
    expect(h.stored).toHaveLength(0);
    await chat.say('Send PAKN');
    await chat.sayText('22222');
    expect(h.stored).toHaveLength(1);
  });

  it('should give a fresh code when the captcha expired', async () => {
    const chat = h.chat({ channelId: 'web', locale: 'en-US' });
    await walkToReview(chat);
    await chat.say('Send PAKN');
    h.clock.advance(6 * 60_000);
    expect(await chat.sayText('22222')).toContain('expired');
    expect(h.stored).toHaveLength(0);
    await chat.sayText('22222');
    expect(h.stored).toHaveLength(1);
  });

  it('should cancel in English and keep nothing', async () => {
    const chat = h.chat({ channelId: 'zalo', locale: 'en' });
    await chat.sayText('/new');
    await chat.sayText('I agree');
    await chat.sayText('1');
    await chat.sayText('1');
    await chat.sayText('A title');
    await chat.sayText('Some content');
    expect(await chat.sayText('cancel')).toContain('Cancelled. Nothing from this session was kept');
    expect(await chat.sayText('/done')).toContain('1. Send a new PAKN');
    expect(h.stored).toHaveLength(0);
  });

  it.each(WALK_STEPS)('should keep nothing when cancelled at step %s (English)', async (step) => {
    const chat = h.chat({ channelId: 'telegram', locale: 'en-GB' });
    await walkTo(chat, step, WALK_EN);
    expect(await chat.sayText('/cancel')).toContain('Cancelled. Nothing from this session was kept');
    expect(await chat.sayText('hello')).toContain('1. Send a new PAKN');
    expect(h.stored).toHaveLength(0);
  });

  it('should not ask for a captcha on telegram', async () => {
    const chat = h.chat({ channelId: 'telegram', locale: 'en' });
    await walkToReview(chat);
    expect(await chat.sayText('1')).toContain('Tracking code');
    expect(h.stored).toHaveLength(1);
  });

  it('should greet in the language hinted by the channel, Vietnamese when the hint is neither', async () => {
    expect(await h.chat({ locale: 'en-US' }).sayText('/start')).toContain('Hello!');
    expect(await h.chat({ locale: 'fr-FR' }).sayText('/start')).toContain('Xin chào');
    expect(await h.chat({ locale: 'vi' }).sayText('/start')).toContain('Xin chào');
  });

  it('should switch language with /lang and remember it', async () => {
    const chat = h.chat({ channelId: 'zalo', locale: 'vi-VN' });
    expect(await chat.sayText('/start')).toContain('Xin chào');
    expect(await chat.sayText('/lang en')).toContain('Switched to English');
    expect(await chat.sayText('/start')).toContain('Hello!');
    expect(await chat.sayText('3')).toContain('Choose a language');
    expect(await chat.sayText('Tiếng Việt')).toContain('Đã chuyển sang tiếng Việt');
    expect(await chat.sayText('/new')).toContain('Bạn có đồng ý');
  });

  it('should ask the current question again in the new language after /lang mid-intake', async () => {
    const chat = h.chat({ channelId: 'telegram', locale: 'vi' });
    await chat.sayText('/new');
    await chat.sayText('Đồng ý');
    await chat.sayText('1');
    expect(await chat.sayText('1')).toContain('Bước 3/7');
    const switched = await chat.say('/lang en');
    expect(switched.map((a) => a.text)).toEqual([
      'Switched to English.',
      expect.stringContaining('Step 3/7'),
    ]);
    expect(await chat.sayText('Title in English')).toContain('Step 4/7');
    await chat.sayText('Some content');
    expect(await chat.sayText('/lang vi')).toContain('Bước 4/7');
    await chat.sayText('xong');
    const contact = await chat.say('/lang en');
    expect(contact[1]!.text).toContain('Step 5/7');
  });
});
