import { ConfigError, loadConfig } from '../../../src/config';

describe('loadConfig', () => {
  it('runs on the embedded defaults with nothing set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./data');
    expect(c.mongodbUri).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.defaultLocale).toBe('vi');
    expect(c.telegram).toBeUndefined();
    expect(c.zalo).toBeUndefined();
    expect(c.limits.maxFileBytes).toBe(10 * 1024 * 1024);
    expect(c.deadlines.answerDays).toBe(20);
  });

  it('reads delivery rates per route and the Zalo reply rules, validated', () => {
    expect(loadConfig({}).deliveryRates).toEqual({});
    const c = loadConfig({
      DELIVERY_TELEGRAM_PER_SECOND: '20',
      DELIVERY_TELEGRAM_PER_CHAT_PER_SECOND: '0',
      DELIVERY_SMS_CONCURRENCY: '3',
      ZALO_APP_ID: '1',
      ZALO_OA_SECRET_KEY: 'k',
      ZALO_ACCESS_TOKEN: 't',
      ZALO_REPLY_QUOTA: '5',
    });
    expect(c.deliveryRates).toEqual({
      telegram: { perSecond: 20, perChatPerSecond: 0 },
      sms: { concurrency: 3 },
    });
    expect(c.zalo).toMatchObject({ replyQuota: 5, replyWindowHours: 48 });
    expect(() => loadConfig({ DELIVERY_ZALO_PER_SECOND: 'fast', DELIVERY_EMAIL_CONCURRENCY: '0' })).toThrow(
      /DELIVERY_ZALO_PER_SECOND="fast": expected an integer[\s\S]*DELIVERY_EMAIL_CONCURRENCY="0"/,
    );
  });

  it('names each bad variable and what it expects, without echoing secrets', () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        MONGODB_URI: 'postgres://user:s3cret@host/db',
        DEFAULT_LOCALE: 'fr',
        JWT_SECRET: 'short',
        HOLIDAYS: '2026-01-01,tet',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toMatch(/PORT="abc": expected an integer/);
    expect(msg).toMatch(/MONGODB_URI: expected a URL starting with mongodb:\/\//);
    expect(msg).toMatch(/DEFAULT_LOCALE="fr": expected one of vi, en/);
    expect(msg).toMatch(/JWT_SECRET: expected at least 32 characters/);
    expect(msg).toMatch(/HOLIDAYS: .*"tet"/);
    expect(msg).not.toContain('s3cret');
    expect((err as ConfigError).problems).toHaveLength(5);
  });

  it('turns a channel on only when fully configured', () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9999/',
    });
    expect(c.telegram).toEqual({
      botToken: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      apiRoot: 'http://127.0.0.1:9999',
      webhookSecret: undefined,
      mode: 'webhook',
    });
    expect(() => loadConfig({ ZALO_APP_ID: '1' })).toThrow(/Zalo is half configured: set ZALO_OA_SECRET_KEY/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'nope' })).toThrow(/TELEGRAM_BOT_TOKEN/);
    const z = loadConfig({
      ZALO_APP_ID: '1',
      ZALO_OA_SECRET_KEY: 'k',
      ZALO_REFRESH_TOKEN: 'r',
      ZALO_APP_SECRET: 's',
    });
    expect(z.zalo?.apiRoot).toBe('https://openapi.zalo.me');
  });

  it('accepts the production settings', () => {
    const c = loadConfig({
      MONGODB_URI: 'mongodb://mongo:27017/pakn?replicaSet=rs0',
      REDIS_URL: 'redis://redis:6379',
      JWT_SECRET: 'x'.repeat(40),
      MONGODB_WRITE_CONCERN: '1',
      SLA_CALENDAR: 'calendar',
      HOLIDAYS: '2026-04-30, 2026-05-01',
    });
    expect(c.mongodbWriteConcern).toBe(1);
    expect(c.deadlines).toMatchObject({ calendar: 'calendar', holidays: ['2026-04-30', '2026-05-01'] });
  });
});
