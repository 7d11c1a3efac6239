import { Writable } from 'node:stream';
import { startAdminKit, DEMO_PASSWORD, type AdminKit } from './admin-kit';
import { tFor } from '../../../src/i18n';

describe('officers’ sign-in over HTTP', () => {
  let kit: AdminKit;
  beforeAll(async () => {
    kit = await startAdminKit();
  });
  afterAll(async () => kit?.close());

  const login = (username: string, password: string, remoteAddress = '10.1.1.1') =>
    kit.app.inject({
      method: 'POST',
      url: '/api/admin/auth/login',
      payload: { username, password },
      remoteAddress,
    });

  it('should sign in, refresh with rotation, and log out', async () => {
    const res = await login('btc.nl', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const t1 = res.json();
    expect(t1).toMatchObject({
      expiresIn: 900,
      account: { username: 'btc.nl', agency: 'btc', role: 'reception' },
    });
    expect(JSON.stringify(t1)).not.toContain('passwordHash');
    const me = await kit.app.inject({
      method: 'GET',
      url: '/api/admin/me',
      headers: { authorization: `Bearer ${t1.accessToken}` },
    });
    expect(me.json()).toMatchObject({ username: 'btc.nl', agency: 'btc' });
    const r = await kit.app.inject({
      method: 'POST',
      url: '/api/admin/auth/refresh',
      payload: { refreshToken: t1.refreshToken },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().refreshToken).not.toBe(t1.refreshToken);
    expect(
      (
        await kit.app.inject({
          method: 'POST',
          url: '/api/admin/auth/refresh',
          payload: { refreshToken: t1.refreshToken },
        })
      ).statusCode,
    ).toBe(401);
    const t3 = (await login('btc.nl', DEMO_PASSWORD)).json();
    expect(
      (
        await kit.app.inject({
          method: 'POST',
          url: '/api/admin/auth/logout',
          payload: { refreshToken: t3.refreshToken },
        })
      ).statusCode,
    ).toBe(204);
    const after = await kit.app.inject({
      method: 'POST',
      url: '/api/admin/auth/refresh',
      payload: { refreshToken: t3.refreshToken },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().key).toBe('admin:auth.refresh_invalid');
  });

  it('should refuse an expired access token and a deactivated account', async () => {
    const t = (await login('hno.sxd.nl', DEMO_PASSWORD)).json();
    const auth = { authorization: `Bearer ${t.accessToken}` };
    expect(
      (await kit.app.inject({ method: 'GET', url: '/api/admin/complaints', headers: auth })).statusCode,
    ).toBe(200);
    const forged = kit.app.jwt.sign({ sub: 'hno.sxd.nl', agency: 'vpcp', role: 'admin' }, { expiresIn: -10 });
    expect(
      (
        await kit.app.inject({
          method: 'GET',
          url: '/api/admin/complaints',
          headers: { authorization: `Bearer ${forged}` },
        })
      ).statusCode,
    ).toBe(401);
    await kit.as('admin', 'PATCH', '/api/admin/accounts/hno.sxd.nl', { active: false });
    // The account cache lives 5 s; a fresh app would see it at once. Here: a claim of an unknown account.
    const ghost = kit.app.jwt.sign({ sub: 'khong.co', agency: 'vpcp', role: 'admin' });
    expect(
      (
        await kit.app.inject({
          method: 'GET',
          url: '/api/admin/complaints',
          headers: { authorization: `Bearer ${ghost}` },
        })
      ).statusCode,
    ).toBe(401);
    expect((await login('hno.sxd.nl', DEMO_PASSWORD)).statusCode).toBe(401);
    await kit.as('admin', 'PATCH', '/api/admin/accounts/hno.sxd.nl', { active: true });
  });

  it('should slow down and then lock repeated failures, and log the lock without personal data', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const { createLogger } = await import('../../../src/shared/logger');
    const own = await startAdminKit({ logger: createLogger('info', sink) });
    const kit = own;
    const login = (username: string, password: string, remoteAddress = '10.1.1.1') =>
      kit.app.inject({
        method: 'POST',
        url: '/api/admin/auth/login',
        payload: { username, password },
        remoteAddress,
      });
    for (let i = 0; i < 3; i++)
      expect((await login('hno.nl', 'sai-mat-khau', '10.2.2.2')).statusCode).toBe(401);
    const slow = await login('hno.nl', DEMO_PASSWORD, '10.2.2.2');
    expect(slow.statusCode).toBe(429);
    expect(slow.json().key).toBe('admin:auth.slow_down');
    expect(Number(slow.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 7; i++) {
      kit.clock.advance(60_000);
      expect((await login('hno.nl', 'sai-mat-khau', `10.3.3.${i}`)).statusCode).toBe(401);
    }
    kit.clock.advance(60_000);
    const locked = await login('hno.nl', DEMO_PASSWORD, '10.4.4.4');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().key).toBe('admin:auth.locked');
    expect(locked.json().message).toContain('giây');
    expect((await kit.deps.stores.accounts.get('hno.nl'))!.lockedUntil).not.toBeNull();
    expect(
      (await kit.as('admin', 'PATCH', '/api/admin/accounts/hno.nl', { unlock: true })).json(),
    ).toMatchObject({ failedLogins: 0, lockedUntil: null });
    kit.clock.advance(16 * 60_000);
    expect((await login('hno.nl', DEMO_PASSWORD, '10.4.4.4')).statusCode).toBe(200);
    const lockLines = lines.filter((l) => l.includes('login locked'));
    expect(lockLines).toHaveLength(1);
    expect(lockLines[0]).toContain('hno.nl');
    expect(lines.join('')).not.toMatch(/10\.[234]\.|sai-mat-khau|mat-khau-demo/);
    await own.close();
  });
});

describe('public lookup and answers', () => {
  let kit: AdminKit;
  beforeAll(async () => {
    kit = await startAdminKit();
  });
  afterAll(async () => kit?.close());

  it('should tell a mistyped code from an unknown one, in the caller’s language', async () => {
    const c = await kit.put({ owner: 'btc' });
    const last = c.code[7]!;
    const typo = c.code.slice(0, 7) + (last === 'X' ? 'Y' : 'X');
    const t = await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${typo}` });
    expect(t.statusCode).toBe(400);
    expect(t.json()).toMatchObject({
      key: 'admin:public.code_checksum',
      message: tFor('vi')('admin:public.code_checksum'),
    });
    const swapped = c.code.slice(0, 2) + c.code[3] + c.code[2] + c.code.slice(4);
    if (swapped !== c.code)
      expect(
        (await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${swapped}` })).json().key,
      ).toBe('admin:public.code_checksum');
    const notACode = await kit.app.inject({
      method: 'GET',
      url: '/api/public/complaints/hello',
      headers: { 'accept-language': 'en-US,en;q=0.8' },
    });
    expect(notACode.json()).toMatchObject({
      key: 'admin:public.code_format',
      message: tFor('en')('admin:public.code_format'),
    });
    // A well-formed code (valid check symbol) nobody was given.
    let unknown = '';
    for (const ch of '0123456789ABCDEFGHJKMNPQRSTVWXYZ') {
      const candidate = `0000000${ch}`;
      const res = await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${candidate}` });
      if (res.json().key !== 'admin:public.code_checksum') {
        unknown = candidate;
        expect(res.statusCode).toBe(404);
        expect(res.json().key).toBe('admin:public.code_unknown');
        break;
      }
    }
    expect(unknown).not.toBe('');
    const ok = await kit.app.inject({
      method: 'GET',
      url: `/api/public/complaints/${c.code.toLowerCase().replace(/0/g, 'o')}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'received',
      statusLabel: 'Đã tiếp nhận',
      agency: { code: 'btc', name: 'Bộ Tài chính' },
    });
    expect(ok.body).not.toMatch(/Trần Thị Bình|0987654321|Nội dung phản ánh/);
  });

  it('should rate-limit lookups per address against code enumeration', async () => {
    const limited = await startAdminKit({});
    try {
      const codes: number[] = [];
      for (let i = 0; i < 32; i++) {
        const res = await limited.app.inject({
          method: 'GET',
          url: '/api/public/complaints/ABCDEFGH',
          remoteAddress: '192.0.2.7',
        });
        codes.push(res.statusCode);
      }
      expect(codes.slice(0, 30).every((s) => s !== 429)).toBe(true);
      expect(codes.slice(30)).toEqual([429, 429]);
      const last = await limited.app.inject({
        method: 'GET',
        url: '/api/public/complaints/ABCDEFGH',
        remoteAddress: '192.0.2.7',
      });
      expect(last.json().key).toBe('errors.rate_limited');
      expect(last.json().message).toMatch(/giây/);
      expect(
        (
          await limited.app.inject({
            method: 'GET',
            url: '/api/public/complaints/ABCDEFGH',
            remoteAddress: '192.0.2.8',
          })
        ).statusCode,
      ).not.toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('should list only published answers, masked per consent, and ignore contact details in the search', async () => {
    const shown = await kit.put({
      owner: 'btc.tchq',
      title: 'Hỏi về thuế nhập khẩu linh kiện',
      content:
        'Tôi là Lê Văn Cường, CCCD 001203004567, email cuong.le@mail.vn, SĐT 0903 123 456. Xin hỏi thuế suất linh kiện.',
      submitter: {
        name: 'Lê Văn Cường',
        phone: '+84903123456',
        email: 'cuong.le@mail.vn',
        consentProcessing: true,
        consentPublishName: true,
      },
    });
    const hidden = await kit.put({
      owner: 'btc.tchq',
      title: 'Hỏi về thuế nhập khẩu ô tô',
      content: 'Tôi là Phạm Thị Dung, hỏi thuế suất ô tô.',
      submitter: {
        name: 'Phạm Thị Dung',
        phone: '+84904000111',
        consentProcessing: true,
        consentPublishName: false,
      },
    });
    const unpublished = await kit.put({ owner: 'btc.tchq', title: 'Hỏi về thuế nhập khẩu máy móc' });
    for (const [c, publish] of [
      [shown, true],
      [hidden, true],
      [unpublished, false],
    ] as const) {
      const r = await kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, {
        text: `Trả lời ${c.submitter.name} (ĐT ${c.submitter.phone}): thuế suất theo biểu thuế hiện hành.`,
        publish,
        version: 1,
      });
      expect(r.statusCode).toBe(200);
    }
    const res = await kit.app.inject({
      method: 'GET',
      url: `/api/public/answers?q=${encodeURIComponent('thuế nhập khẩu')}&agency=btc`,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{
      code: string;
      sender?: string;
      content: string;
      answer: { text: string };
    }>;
    const codes = items.map((i) => i.code.replace('-', ''));
    expect(codes.sort()).toEqual([shown.code, hidden.code].sort());
    expect(res.body).not.toMatch(
      /001203004567|cuong\.le@mail\.vn|0903|903123456|904000111|Lê Văn Cường|Phạm Thị Dung/,
    );
    const s = items.find((i) => i.code.replace('-', '') === shown.code)!;
    const h = items.find((i) => i.code.replace('-', '') === hidden.code)!;
    expect(s.sender).toBe('L. V. C.');
    expect(s.content).toContain('Tôi là L. V. C.');
    expect(h.sender).toBeUndefined();
    expect(h.content).toContain('Tôi là ***');
    // Searching by a phone number finds nothing more than searching without it.
    const byPhone = await kit.app.inject({
      method: 'GET',
      url: `/api/public/answers?q=${encodeURIComponent('0903 123 456')}`,
    });
    const all = await kit.app.inject({ method: 'GET', url: '/api/public/answers' });
    expect(byPhone.json().total).toBe(all.json().total);
    expect(
      (await kit.app.inject({ method: 'GET', url: '/api/public/answers?agency=hno' })).json().total,
    ).toBe(0);
    expect((await kit.app.inject({ method: 'GET', url: '/api/public/answers?agency=../x' })).statusCode).toBe(
      400,
    );
  });

  it('should export, correct and erase a citizen’s data across their PAKN, with an audit log', async () => {
    const a = await kit.file('btc', {
      phone: '0911 222 333',
      email: 'hoa@example.vn',
      name: 'Đỗ Thị Hoa',
      content: 'Tôi là Đỗ Thị Hoa, số 0911222333.',
    });
    const b = await kit.file('hno', {
      phone: '+84 911 222 333',
      email: 'hoa@example.vn',
      name: 'Đỗ Thị Hoa',
    });
    const exp = await kit.as('admin', 'POST', '/api/admin/personal-data/export', {
      phone: '0911.222.333',
      reference: 'Đơn 01/2026',
    });
    expect(exp.statusCode).toBe(200);
    expect(
      exp
        .json()
        .complaints.map((c: { code: string }) => c.code)
        .sort(),
    ).toEqual([a.code, b.code].sort());
    const fix = await kit.as('admin', 'POST', '/api/admin/personal-data/correct', {
      email: 'hoa@example.vn',
      patch: { address: 'Số 2 Hàng Bài, Hà Nội' },
    });
    expect(fix.json().codes.sort()).toEqual([a.code, b.code].sort());
    expect((await kit.deps.stores.complaints.getByCode(b.code))!.submitter.address).toBe(
      'Số 2 Hàng Bài, Hà Nội',
    );
    expect(
      (await kit.as('admin', 'POST', '/api/admin/personal-data/erase', { phone: '0911222333' })).statusCode,
    ).toBe(400);
    const er = await kit.as('admin', 'POST', '/api/admin/personal-data/erase', {
      phone: '0911222333',
      confirm: true,
    });
    expect(er.statusCode).toBe(200);
    const erased = (await kit.deps.stores.complaints.getByCode(a.code))!;
    expect(erased.submitter).toMatchObject({ name: '' });
    expect(erased.submitter.phone).toBeUndefined();
    expect(erased.content).not.toMatch(/Đỗ Thị Hoa|0911222333/);
    expect(erased.status).toBe('received');
    expect(
      (await kit.as('admin', 'POST', '/api/admin/personal-data/export', { phone: '0911222333' })).json()
        .complaints,
    ).toEqual([]);
    const day = kit.clock.now().toISOString().slice(0, 10);
    const audit = await kit.as('admin', 'GET', `/api/admin/personal-data/audit?day=${day}`);
    expect(audit.json().map((e: { action: string }) => e.action)).toEqual([
      'personal_data.export',
      'personal_data.correct',
      'personal_data.erase',
      'personal_data.export',
    ]);
    expect(audit.body).not.toMatch(/0911|hoa@example/);
    expect(audit.json()[0]).toMatchObject({ actor: { id: 'admin' }, reference: 'Đơn 01/2026' });
  });
});
