import { unzipSync, strFromU8 } from 'fflate';
import { createStatsTestApp, type StatsTestApp } from './stats-app';

const MARCH = 'from=2026-03-01&to=2026-03-31';

describe('stats over HTTP (buildApp, real login, SQLite fixture)', () => {
  let t: StatsTestApp;
  let btc: { authorization: string };
  let tchq: { authorization: string };
  let vpcp: { authorization: string };

  beforeAll(async () => {
    t = await createStatsTestApp();
    btc = await t.login('btc.nl');
    tchq = await t.login('btc.tchq.nl');
    vpcp = await t.login('vpcp.ld');
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  describe('access', () => {
    it('should refuse every officers’ statistics route without a valid token', async () => {
      for (const url of [
        `/api/admin/stats?${MARCH}`,
        '/api/admin/stats/charts/by-agency.svg',
        '/api/admin/stats/tables/league.csv',
        '/api/admin/stats/report.xlsx',
      ]) {
        expect((await get(url)).statusCode).toBe(401);
        expect((await get(url, { authorization: 'Bearer not.a.token' })).statusCode).toBe(401);
      }
    });

    it('should scope a ministry’s reception to its subtree', async () => {
      const res = await get(`/api/admin/stats?${MARCH}&granularity=week`, btc);
      expect(res.statusCode).toBe(200);
      const r = res.json();
      expect(r.scope).toBe('btc');
      expect(r.totals).toEqual({
        received: 6,
        answered: 4,
        onTime: 3,
        onTimeRate: 0.75,
        open: 3,
        overdueNow: 1,
      });
      expect(r.league.map((l: { agency: string }) => l.agency)).toEqual(['btc.tchq', 'btc', 'btc.kbnn']);
      expect(res.body).not.toMatch(/hno|btcx|vpcp"/);
    });

    it('should scope a unit to itself', async () => {
      const r = (await get(`/api/admin/stats?${MARCH}`, tchq)).json();
      expect(r.scope).toBe('btc.tchq');
      expect(r.totals.received).toBe(3);
      expect(r.totals.answered).toBe(4);
      expect(r.league).toEqual([
        {
          agency: 'btc.tchq',
          name: 'Tổng cục Hải quan',
          received: 3,
          answered: 4,
          onTime: 3,
          onTimeRate: 0.75,
          overdue: 0,
        },
      ]);
    });

    it('should let the central office see everything and narrow to a subtree', async () => {
      expect((await get(`/api/admin/stats?${MARCH}`, vpcp)).json().totals.received).toBe(11);
      expect((await get(`/api/admin/stats?${MARCH}&agency=hno`, vpcp)).json().totals.received).toBe(3);
    });

    it('should let an agency narrow to its units but not widen or step aside', async () => {
      expect((await get(`/api/admin/stats?${MARCH}&agency=btc.kbnn`, btc)).json().totals.received).toBe(1);
      for (const agency of ['hno', 'btcx', 'vpcp']) {
        const res = await get(`/api/admin/stats?${MARCH}&agency=${agency}`, btc);
        expect(res.statusCode).toBe(403);
      }
      expect((await get(`/api/admin/stats?${MARCH}&agency=btc`, tchq)).statusCode).toBe(403);
      expect((await get(`/api/admin/stats/charts/by-agency.svg?agency=hno`, btc)).statusCode).toBe(403);
      expect((await get(`/api/admin/stats/tables/league.csv?agency=hno`, btc)).statusCode).toBe(403);
    });
  });

  describe('validation', () => {
    it('should explain a bad period in Vietnamese', async () => {
      const reversed = await get('/api/admin/stats?from=2026-03-31&to=2026-03-01', btc);
      expect(reversed.statusCode).toBe(400);
      expect(reversed.json().message).toBe('Ngày bắt đầu (2026-03-31) sau ngày kết thúc (2026-03-01).');
      const impossible = await get('/api/admin/stats?from=2026-02-30', btc);
      expect(impossible.statusCode).toBe(400);
      expect(impossible.json().key).toBe('stats:errors.date_invalid');
      const tooMany = await get('/api/admin/stats?from=2024-01-01&to=2026-03-31&granularity=day', btc);
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().key).toBe('stats:errors.too_many_points');
      expect((await get('/api/admin/stats?granularity=year', btc)).statusCode).toBe(400);
    });

    it('should default to the last 30 days', async () => {
      const r = (await get('/api/admin/stats', btc)).json();
      expect(r.period).toEqual({
        from: '2026-03-02',
        to: '2026-03-31',
        granularity: 'day',
        timeZone: 'Asia/Ho_Chi_Minh',
      });
      expect(r.series).toHaveLength(30);
    });
  });

  describe('downloads', () => {
    it('should serve a chart as SVG with the scope’s own agencies only', async () => {
      const res = await get(`/api/admin/stats/charts/by-agency.svg?${MARCH}`, btc);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(res.body).toContain('>Tổng cục Hải quan</text>');
      expect(res.body).toContain('>Kho bạc Nhà nước</text>');
      expect(res.body).not.toContain('Hà Nội');
      expect(res.headers['content-disposition']).toBe(
        'inline; filename="pakn-by-agency-btc-2026-03-01_2026-03-31.svg"',
      );
    });

    it('should serve English labels on ?lang=en', async () => {
      const res = await get(`/api/admin/stats/charts/received-answered.svg?${MARCH}&lang=en`, btc);
      expect(res.body).toContain('>PAKN received and answered</text>');
    });

    it('should render the same chart as PNG', async () => {
      const res = await get(`/api/admin/stats/charts/backlog-age.png?${MARCH}`, btc);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.rawPayload.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      // 900 × 460 at twice the size.
      expect(res.rawPayload.readUInt32BE(16)).toBe(1800);
      expect(res.rawPayload.readUInt32BE(20)).toBe(920);
    });

    it('should answer 404 for an unknown chart or table', async () => {
      expect((await get('/api/admin/stats/charts/pie.svg', btc)).statusCode).toBe(404);
      expect((await get('/api/admin/stats/tables/secrets.csv', btc)).statusCode).toBe(404);
      expect((await get('/api/admin/stats/charts/by-agency.gif', btc)).statusCode).toBe(400);
    });

    it('should serve a table as CSV with a BOM', async () => {
      const res = await get(`/api/admin/stats/tables/by-channel.csv?${MARCH}`, btc);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="pakn-by-channel-btc-2026-03-01_2026-03-31.csv"',
      );
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(res.body.slice(1)).toBe('Kênh,Số PAKN\r\nTelegram,2\r\nZalo,1\r\nWeb,2\r\nSMS,1\r\n');
    });

    it('should serve every table in one XLSX workbook', async () => {
      const res = await get(`/api/admin/stats/report.xlsx?${MARCH}`, btc);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      const files = unzipSync(new Uint8Array(res.rawPayload));
      expect(strFromU8(files['xl/workbook.xml']!)).toContain('name="Tổng hợp"');
      expect(strFromU8(files['xl/worksheets/sheet3.xml']!)).toContain('Tổng cục Hải quan');
    });
  });

  describe('public figures', () => {
    it('should give aggregates for everyone without a token and without any PAKN content', async () => {
      const res = await get('/api/public/stats?months=12');
      expect(res.statusCode).toBe(200);
      const r = res.json();
      expect(r.period).toEqual({
        from: '2025-04-01',
        to: '2026-03-31',
        granularity: 'month',
        timeZone: 'Asia/Ho_Chi_Minh',
      });
      expect(r.totals).toEqual({ received: 14, answered: 6, onTimeRate: 5 / 6, open: 5, overdueNow: 2 });
      expect(r.series).toHaveLength(12);
      expect(r.series.slice(-3)).toEqual([
        { bucket: '2026-01', received: 1, answered: 0 },
        { bucket: '2026-02', received: 2, answered: 0 },
        { bucket: '2026-03', received: 11, answered: 6 },
      ]);
      expect(r.agencies.map((a: { agency: string }) => a.agency)).toEqual([
        'btc',
        'hno',
        'btcx',
        'vpcp',
        'bct',
      ]);
      expect(Object.keys(r).sort()).toEqual([
        'agencies',
        'answerTime',
        'byCategory',
        'byChannel',
        'byStatus',
        'generatedAt',
        'period',
        'series',
        'totals',
      ]);
      expect(res.body).not.toMatch(
        /PAKN thử nghiệm|Nội dung|Nguyễn|0912345678|Trả lời thử nghiệm|btc\.tchq|code/,
      );
      expect(res.headers['cache-control']).toBe('public, max-age=300');
    });

    it('should bound the public period', async () => {
      expect((await get('/api/public/stats?months=120')).statusCode).toBe(400);
      expect((await get('/api/public/stats?from=2020-01-01')).statusCode).toBe(400);
    });
  });

  describe('pages and assets', () => {
    it('should serve the dashboard shell with the sign-in form, Vietnamese strings and a strict CSP', async () => {
      const res = await get('/admin');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('<form id="login-form"');
      expect(res.body).toContain('Đăng nhập cán bộ');
      expect(res.body).toContain('<script src="/stats-assets/chart.umd.min.js"></script>');
      expect(res.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    });

    it('should serve the public page at /thong-ke and /stats, in English on request', async () => {
      expect((await get('/thong-ke')).body).toContain('<h1>Thống kê tiếp nhận và trả lời PAKN</h1>');
      expect((await get('/stats?lang=en')).body).toContain('<h1>PAKN received and answered: statistics</h1>');
    });

    it('should serve Chart.js from the installed package, with revalidation', async () => {
      const res = await get('/stats-assets/chart.umd.min.js');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(res.body).toMatch(/Chart\.js v4\.\d+\.\d+/);
      expect(
        (await get('/stats-assets/chart.umd.min.js', { 'if-none-match': String(res.headers.etag) }))
          .statusCode,
      ).toBe(304);
      expect((await get('/stats-assets/..%2Fstats-plugin.ts')).statusCode).toBe(404);
    });

    it('should describe the statistics routes in the OpenAPI document', async () => {
      const doc = (await get('/docs/json')).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/admin/stats',
          '/api/admin/stats/charts/{file}',
          '/api/admin/stats/tables/{file}',
          '/api/admin/stats/report.xlsx',
          '/api/public/stats',
        ]),
      );
    });
  });
});
