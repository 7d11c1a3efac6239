import { startAdminKit, ifMatch, type AdminKit } from './admin-kit';
import { supplementComplaint } from '../../../src/application/citizen/supplement-complaint';

describe('demo flow over HTTP (issue 4 "Done when")', () => {
  let kit: AdminKit;
  beforeAll(async () => {
    kit = await startAdminKit();
  });
  afterAll(async () => kit?.close());

  it('should take a PAKN from btc.nl to btc.tchq, through a supplement, to a published masked answer; and hno.nl transfers and returns', async () => {
    const c = await kit.file('btc', {
      content: 'Tôi là Nguyễn Văn An, gọi 0912 345 678 hoặc an@example.vn. Hồ sơ thông quan bị chậm.',
    });

    // btc.nl sees it among the new ones and forwards it to Customs.
    const inbox = await kit.as('btc.nl', 'GET', '/api/admin/complaints?view=new');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().items.map((i: { code: string }) => i.code)).toContain(c.code);
    const fwd = await kit.as(
      'btc.nl',
      'POST',
      `/api/admin/complaints/${c.code}/forward`,
      { units: ['btc.tchq'], note: 'Đề nghị Tổng cục Hải quan xử lý' },
      ifMatch(c.version),
    );
    expect(fwd.statusCode).toBe(200);
    expect(fwd.json()).toMatchObject({ owner: 'btc.tchq', status: 'processing' });
    expect(
      (await kit.as('btc.nl', 'GET', '/api/admin/complaints?view=forwarded'))
        .json()
        .items.map((i: { code: string }) => i.code),
    ).toContain(c.code);

    // btc.tchq.nl handles it directly: asks for more information.
    const direct = await kit.as('btc.tchq.nl', 'GET', '/api/admin/complaints?view=direct');
    expect(direct.json().items.map((i: { code: string }) => i.code)).toContain(c.code);
    const ask = await kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/request-info`, {
      message: 'Xin cung cấp số tờ khai hải quan.',
      version: fwd.json().version,
    });
    expect(ask.statusCode).toBe(200);
    expect(ask.json().status).toBe('awaiting_info');
    expect(
      (await kit.as('btc.tchq.nl', 'GET', '/api/admin/complaints?view=awaiting_info')).json().total,
    ).toBe(1);

    // The citizen replies in the chat: same PAKN, same code.
    await supplementComplaint(
      { complaints: kit.deps.stores.complaints, clock: kit.deps.clock },
      {
        code: c.code,
        who: { channel: 'telegram', userId: '111', conversationId: '111' },
        text: 'Số tờ khai 10123456789.',
        attachments: [],
      },
    );
    const detail = await kit.as('btc.tchq.nl', 'GET', `/api/admin/complaints/${c.code}`);
    expect(detail.json()).toMatchObject({
      status: 'processing',
      supplements: [{ text: 'Số tờ khai 10123456789.' }],
    });

    // It answers and publishes.
    const ans = await kit.as(
      'btc.tchq.nl',
      'POST',
      `/api/admin/complaints/${c.code}/answer`,
      {
        text: 'Tổng cục Hải quan đã thông quan lô hàng của ông Nguyễn Văn An (ĐT 0912345678) ngày 05/03/2026.',
        publish: true,
      },
      ifMatch(detail.json().version),
    );
    expect(ans.statusCode).toBe(200);
    expect(ans.json()).toMatchObject({ status: 'answered', answer: { published: true } });

    // hno.nl: one transferred to btc, one returned to the central office.
    const h1 = await kit.file('hno');
    const h2 = await kit.file('hno');
    const tr = await kit.as('hno.nl', 'POST', `/api/admin/complaints/${h1.code}/transfer`, {
      agency: 'btc',
      reason: 'Thuộc thẩm quyền Bộ Tài chính',
      version: h1.version,
    });
    expect(tr.statusCode).toBe(200);
    expect(tr.json().owner).toBe('btc');
    const rt = await kit.as('hno.nl', 'POST', `/api/admin/complaints/${h2.code}/return`, {
      reason: 'Không thuộc thẩm quyền UBND TP',
      version: h2.version,
    });
    expect(rt.statusCode).toBe(200);
    expect(rt.json().owner).toBe('vpcp');
    expect((await kit.as('hno.nl', 'GET', `/api/admin/complaints/${h1.code}`)).statusCode).toBe(404);
    expect(
      (await kit.as('btc.nl', 'GET', '/api/admin/complaints?view=new'))
        .json()
        .items.map((i: { code: string }) => i.code),
    ).toContain(h1.code);
    expect(
      (await kit.as('vpcp.nl', 'GET', '/api/admin/complaints?view=new'))
        .json()
        .items.map((i: { code: string }) => i.code),
    ).toContain(h2.code);

    // Anyone: look up the code and read the masked published answer.
    const dashed = `${c.code.slice(0, 4)}-${c.code.slice(4)}`.toLowerCase();
    const pub = await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${dashed}` });
    expect(pub.statusCode).toBe(200);
    const body = pub.json();
    expect(body).toMatchObject({
      status: 'answered',
      agency: { code: 'btc.tchq', name: 'Tổng cục Hải quan' },
    });
    expect(body.answer.text).toContain('đã thông quan lô hàng');
    expect(pub.body).not.toMatch(/0912|an@example|Nguyễn Văn An|10123456789/);
    const search = await kit.app.inject({ method: 'GET', url: '/api/public/answers?q=th%C3%B4ng%20quan' });
    expect(search.statusCode).toBe(200);
    expect(search.json().items.map((i: { code: string }) => i.code)).toContain(dashed.toUpperCase());
    expect(search.body).not.toMatch(/0912|an@example|Nguyễn Văn An/);

    // Each action left exactly one event for the delivery workers.
    const types = (await kit.events(c.code)).map((e) => e.type);
    expect(types).toEqual([
      'complaint.received',
      'complaint.forwarded',
      'complaint.info_requested',
      'complaint.supplemented',
      'complaint.answered',
    ]);
  });
});
