import { buildTestApp } from '../../helpers/build-test-app';
import { PRIVACY_NOTICE_VERSION } from '../../../dialogs';

describe('privacy notice page', () => {
  it('is served in Vietnamese by default and in English on request, with the notice version the bots cite', async () => {
    const t = await buildTestApp();
    try {
      const vi = await t.app.inject({ method: 'GET', url: '/privacy' });
      expect(vi.statusCode).toBe(200);
      expect(vi.headers['content-type']).toMatch(/text\/html/);
      expect(vi.body).toContain('<html lang="vi">');
      expect(vi.body).toContain('Thông báo xử lý dữ liệu cá nhân');
      expect(vi.body).toContain('2 ngày làm việc');
      expect(vi.body).toContain(PRIVACY_NOTICE_VERSION);
      const en = await t.app.inject({ method: 'GET', url: '/privacy?lang=en' });
      expect(en.body).toContain('<html lang="en">');
      expect(en.body).toContain('Personal data notice');
      const injected = await t.app.inject({ method: 'GET', url: '/privacy?lang=<script>' });
      expect(injected.statusCode).toBe(200);
      expect(injected.body).not.toContain('<script>');
    } finally {
      await t.close();
    }
  });
});
