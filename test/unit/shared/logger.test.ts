import { Writable } from 'node:stream';
import { createLogger, scrubText } from '../../../src/shared/logger';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  it('redacts personal fields wherever they are nested', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.info(
      {
        code: 'ABCD1234',
        submitter: {
          name: 'Nguyễn Văn A',
          phone: '0912345678',
          email: 'a@example.vn',
          address: '1 Tràng Tiền',
        },
        job: { data: { phone: '+84912345678', token: 'tok' } },
        headers: { authorization: 'Bearer abc.def' },
      },
      'stored',
    );
    const out = lines.join('');
    expect(out).toContain('ABCD1234');
    for (const secret of [
      'Nguyễn',
      '0912345678',
      '84912345678',
      'a@example.vn',
      'Tràng Tiền',
      'abc.def',
      '"tok"',
    ]) {
      expect(out).not.toContain(secret);
    }
  });

  it('scrubs phones, e-mails, ID numbers and tokens out of free text and errors', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.error(
      { err: new Error('send to 0912 345 678 failed for bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAA') },
      'mail to x@y.vn, CCCD 001099012345',
    );
    const out = lines.join('');
    for (const secret of ['345 678', 'AAAAAAAAAAAAAAAAAAAA', 'x@y.vn', '001099012345'])
      expect(out).not.toContain(secret);
    expect(scrubText('gọi +84 912 345 678 nhé')).toBe('gọi [number] nhé');
    expect(scrubText('https://api/bot12:ABCDEFGHIJKLMNOPQRSTUVWX/getMe?access_token=zz')).toBe(
      'https://api/bot[REDACTED]/getMe?access_token=[REDACTED]',
    );
    expect(scrubText('/webhooks/sms?secret=hunter2&from=x&ApiKey=k1')).toBe(
      '/webhooks/sms?secret=[REDACTED]&from=x&ApiKey=[REDACTED]',
    );
  });
});
