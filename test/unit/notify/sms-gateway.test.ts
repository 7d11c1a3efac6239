import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SmsConfig } from '../../../src/config/config';
import { ChannelSendError } from '../../../src/domain/ports/channel-sender';
import { createSmsGateway, normalizeVnPhone } from '../../../src/notify/sms-gateway';

interface Seen {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

describe('createSmsGateway', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let respond: (res: ServerResponse) => void = (res) => res.end('{}');

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
        respond(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
  });

  const base = (over: Partial<SmsConfig>): SmsConfig => ({
    gatewayUrl: url,
    provider: 'generic',
    encoding: 'unicode',
    ...over,
  });
  const text = 'PAKN ABCD-1234 đã có trả lời. Xem chi tiết: http://x/y';

  it('should post the generic JSON shape with UCS-2 and its part count', async () => {
    respond = (res) => res.end(JSON.stringify({ id: 'm-1' }));
    const gw = createSmsGateway(base({ apiKey: 'k1' }));
    const out = await gw.send({ to: '+84 912 345 678', text, requestId: 'ev1:sms' });
    expect(out).toEqual({ messageId: 'm-1', encoding: 'ucs2', segments: 1 });
    expect(seen[0]!.headers.authorization).toBe('Bearer k1');
    expect(seen[0]!.body).toMatchObject({
      to: '0912345678',
      text,
      encoding: 'ucs2',
      segments: 1,
      requestId: 'ev1:sms',
    });
  });

  it('should post the eSMS shape, stripped to GSM-7 under the ascii setting', async () => {
    respond = (res) => res.end(JSON.stringify({ CodeResult: '100', SMSID: 'abc' }));
    const gw = createSmsGateway(
      base({ provider: 'esms', apiKey: 'AK', secretKey: 'SK', brandName: 'PAKN', encoding: 'ascii' }),
    );
    const out = await gw.send({ to: '0912345678', text, requestId: 'ev2:sms' });
    expect(out).toEqual({ messageId: 'abc', encoding: 'gsm7', segments: 1 });
    expect(seen[0]!.body).toEqual({
      ApiKey: 'AK',
      SecretKey: 'SK',
      Phone: '0912345678',
      Content: 'PAKN ABCD-1234 da co tra loi. Xem chi tiet: http://x/y',
      Brandname: 'PAKN',
      SmsType: '2',
      IsUnicode: '0',
      Sandbox: '0',
      RequestId: 'ev2:sms',
    });
  });

  it('should set IsUnicode=1 for eSMS when diacritics are kept', async () => {
    respond = (res) => res.end(JSON.stringify({ CodeResult: '100', SMSID: 'x' }));
    await createSmsGateway(base({ provider: 'esms' })).send({ to: '0912345678', text, requestId: 'r' });
    expect(seen[0]!.body).toMatchObject({ IsUnicode: '1', Content: text });
  });

  it.each([
    [
      'eSMS refusal',
      (res: ServerResponse) =>
        res.end(JSON.stringify({ CodeResult: '104', ErrorMessage: 'Brandname not registered' })),
      'esms',
      'permanent',
    ],
    [
      'eSMS unknown error',
      (res: ServerResponse) => res.end(JSON.stringify({ CodeResult: '99' })),
      'esms',
      'transient',
    ],
    ['HTTP 503', (res: ServerResponse) => ((res.statusCode = 503), res.end()), 'generic', 'transient'],
    ['HTTP 400', (res: ServerResponse) => ((res.statusCode = 400), res.end()), 'generic', 'permanent'],
    [
      'HTTP 429',
      (res: ServerResponse) => (res.writeHead(429, { 'retry-after': '7' }), res.end()),
      'generic',
      'rate_limited',
    ],
  ] as const)('should classify %s', async (_name, handler, provider, kind) => {
    respond = handler;
    const err = await createSmsGateway(base({ provider }))
      .send({ to: '0912345678', text, requestId: 'r' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelSendError);
    expect((err as ChannelSendError).kind).toBe(kind);
    if (kind === 'rate_limited') expect((err as ChannelSendError).retryAfterMs).toBe(7000);
  });

  it('should treat a timeout as transient', async () => {
    respond = () => undefined; // never answers
    const err = await createSmsGateway(base({}), { timeoutMs: 100 })
      .send({ to: '0912345678', text, requestId: 'r' })
      .catch((e: unknown) => e);
    expect((err as ChannelSendError).kind).toBe('transient');
  });

  it('should refuse a number that is not Vietnamese without calling the gateway', async () => {
    const err = await createSmsGateway(base({}))
      .send({ to: '12', text, requestId: 'r' })
      .catch((e: unknown) => e);
    expect((err as ChannelSendError).kind).toBe('permanent');
    expect(seen).toHaveLength(0);
  });

  it('should normalise Vietnamese numbers', () => {
    expect(normalizeVnPhone('+84 912-345-678')).toBe('0912345678');
    expect(normalizeVnPhone('84912345678')).toBe('0912345678');
    expect(normalizeVnPhone('0912.345.678')).toBe('0912345678');
  });
});
