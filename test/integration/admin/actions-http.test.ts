import mammoth from 'mammoth';
import { tFor } from '../../../src/i18n';
import { startAdminKit, ifMatch, type AdminKit } from './admin-kit';
import { SEARCH_TOTAL_CAP } from '../../../src/domain/ports/complaint-store';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);

function multipart(
  fields: Record<string, string | string[]>,
  files: Array<{ field: string; name: string; type: string; bytes: Buffer }>,
) {
  const boundary = `----pakn${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const one of Array.isArray(v) ? v : [v])
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${one}\r\n`),
      );
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('officers’ actions over HTTP', () => {
  let kit: AdminKit;
  beforeAll(async () => {
    kit = await startAdminKit();
  });
  afterAll(async () => kit?.close());

  async function unchangedAfter(
    code: string,
    run: () => Promise<{ statusCode: number; json: () => { key?: string; message?: string } }>,
    status: number,
    key?: string,
  ) {
    const before = JSON.stringify(await kit.deps.stores.complaints.getByCode(code));
    const events = (await kit.events(code)).length;
    const res = await run();
    expect(res.statusCode).toBe(status);
    if (key) expect(res.json().key).toBe(key);
    expect(JSON.stringify(await kit.deps.stores.complaints.getByCode(code))).toBe(before);
    expect((await kit.events(code)).length).toBe(events);
    return res;
  }

  it('should refuse a stale version with 409 and accept If-Match or a version field', async () => {
    const c = await kit.put({ owner: 'btc' });
    const n1 = await kit.as(
      'btc.nl',
      'POST',
      `/api/admin/complaints/${c.code}/notes`,
      { text: 'một' },
      ifMatch(1),
    );
    expect(n1.statusCode).toBe(200);
    expect(n1.headers.etag).toBe('"2"');
    await unchangedAfter(
      c.code,
      () =>
        kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/forward`, {
          units: ['btc.tchq'],
          version: 1,
        }),
      409,
      'errors.version_conflict',
    );
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/forward`, { units: ['btc.tchq'] }),
      400,
      'admin:errors.version_required',
    );
    const ok = await kit.as(
      'btc.nl',
      'POST',
      `/api/admin/complaints/${c.code}/forward`,
      { units: ['btc.tchq'] },
      { 'if-match': 'W/"2"' },
    );
    expect(ok.statusCode).toBe(200);
  });

  it('should let one of two officers acting at once win and tell the other 409', async () => {
    const c = await kit.put({ owner: 'btc' });
    const [a, b] = await Promise.all([
      kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/forward`, {
        units: ['btc.tchq'],
        version: 1,
      }),
      kit.as('btc.qt', 'POST', `/api/admin/complaints/${c.code}/reject`, { reason: 'spam', version: 1 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const after = (await kit.deps.stores.complaints.getByCode(c.code))!;
    expect(after.version).toBe(2);
    expect((await kit.events(c.code)).length).toBe(1);
  });

  it('should refuse malformed JSON, wrong types, unknown fields, too-long text and unknown codes with localised 4xx, changing nothing', async () => {
    const c = await kit.put({ owner: 'btc' });
    const url = `/api/admin/complaints/${c.code}/request-info`;
    const raw = await unchangedAfter(
      c.code,
      async () =>
        kit.app.inject({
          method: 'POST',
          url,
          payload: '{"message": "thiếu ngoặc',
          headers: {
            authorization: `Bearer ${await kit.token('btc.nl')}`,
            'content-type': 'application/json',
          },
        }),
      400,
      'errors.malformed_json',
    );
    expect(raw.json().message).toBe('Dữ liệu gửi lên không phải JSON hợp lệ.');
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', url, { message: { text: 'x' }, version: 1 }),
      400,
      'errors.bad_request',
    );
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', url, { message: 'x', version: 'một' }),
      400,
      'errors.bad_request',
    );
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', url, { message: 'x', version: 1, status: 'answered' }),
      400,
      'errors.bad_request',
    );
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', url, { message: 'x'.repeat(2001), version: 1 }),
      400,
      'errors.bad_request',
    );
    await unchangedAfter(
      c.code,
      () => kit.as('btc.nl', 'POST', url, { message: '   ', version: 1 }),
      400,
      'limits.content_empty',
    );
    const en = await kit.as('btc.nl', 'POST', `${url}?lang=en`, { message: { a: 1 }, version: 1 });
    expect(en.json().message).toBe(tFor('en')('errors.bad_request'));
    expect(en.json().message).not.toBe(tFor('vi')('errors.bad_request'));
    const unknown = await kit.as('btc.nl', 'POST', '/api/admin/complaints/ABCD-EFGH/request-info', {
      message: 'x',
      version: 1,
    });
    expect(unknown.statusCode).toBe(404);
    await unchangedAfter(
      c.code,
      () =>
        kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/transfer`, {
          agency: 'btc.tchq',
          reason: 'x',
          version: 1,
        }),
      400,
      'admin:errors.transfer_inside',
    );
    await unchangedAfter(
      c.code,
      () =>
        kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/transfer`, {
          agency: 'bnn',
          reason: 'x',
          version: 1,
        }),
      400,
      'admin:errors.agency_unknown',
    );
    await unchangedAfter(
      c.code,
      () =>
        kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/reject`, {
          reason: 'duplicate',
          duplicateOf: 'ZZZZ-ZZZZ',
          version: 1,
        }),
      400,
      'admin:errors.duplicate_unknown',
    );
    await unchangedAfter(
      c.code,
      () =>
        kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/reject`, { reason: 'rude', version: 1 }),
      400,
      'errors.bad_request',
    );
  });

  it('should treat injection attempts in q as words', async () => {
    const c = await kit.put({ owner: 'btc', title: 'Cấp phép xây dựng chậm' });
    for (const q of [
      `' OR 1=1 --`,
      '"; DROP TABLE complaints; --',
      'xây dựng" OR "1"="1',
      '*',
      'NEAR(a b)',
      '%_%',
      '\\',
      '{"$gt":""}',
    ]) {
      const res = await kit.as('btc.nl', 'GET', `/api/admin/complaints?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(200);
      expect(
        res.json().items.every((i: { owner: string }) => i.owner === 'btc' || i.owner.startsWith('btc.')),
      ).toBe(true);
    }
    // Operators as plain words: nothing matches a PAKN that lacks them.
    expect(
      (await kit.as('btc.nl', 'GET', `/api/admin/complaints?q=${encodeURIComponent(`' OR 1=1 --`)}`)).json()
        .total,
    ).toBe(0);
    const hit = await kit.as('btc.nl', 'GET', `/api/admin/complaints?q=${encodeURIComponent('xây dựng')}`);
    expect(hit.json().items.map((i: { code: string }) => i.code)).toContain(c.code);
    expect((await kit.deps.stores.complaints.getByCode(c.code))!.version).toBe(1);
  });

  it('should say when a search total is a lower bound (more matches than SEARCH_TOTAL_CAP)', async () => {
    await Promise.all(
      Array.from({ length: SEARCH_TOTAL_CAP + 1 }, (_, i) =>
        kit.put({ owner: 'btc', title: `Karaoke ồn ${i}` }),
      ),
    );
    const many = (await kit.as('btc.nl', 'GET', '/api/admin/complaints?q=karaoke&limit=5')).json();
    expect(many.items).toHaveLength(5);
    expect(many.total).toBe(SEARCH_TOTAL_CAP);
    expect(many.totalCapped).toBe(true);
    const one = (
      await kit.as('btc.nl', 'GET', `/api/admin/complaints?q=${encodeURIComponent('karaoke 7')}`)
    ).json();
    expect(one.total).toBe(1);
    expect(one).not.toHaveProperty('totalCapped');
  });

  it('should filter lists by status, category, channel, dates and overdue, and page them', async () => {
    kit.clock.set('2026-04-01T03:00:00Z');
    const a = await kit.put({
      owner: 'hno.sxd',
      category: 'can_bo',
      createdAt: kit.clock.now(),
      dueAt: new Date('2026-04-02T00:00:00Z'),
    });
    kit.clock.set('2026-04-10T03:00:00Z');
    const b = await kit.put({
      owner: 'hno.sxd',
      category: 'tthc',
      createdAt: kit.clock.now(),
      dueAt: new Date('2026-05-10T00:00:00Z'),
    });
    const list = async (qs: string) =>
      (await kit.as('hno.nl', 'GET', `/api/admin/complaints?${qs}`))
        .json()
        .items.map((i: { code: string }) => i.code);
    expect(await list('category=can_bo')).toEqual([a.code]);
    expect(await list('view=overdue')).toEqual([a.code]);
    expect(await list('overdue=true&category=tthc')).toEqual([]);
    expect(await list('from=2026-04-05&to=2026-04-10')).toEqual([b.code]);
    expect(await list('to=2026-04-01')).toEqual([a.code]);
    expect(await list('channel=web&status=received')).toEqual([b.code, a.code]);
    expect(await list('view=forwarded&limit=1&page=2')).toEqual([a.code]);
    const first = (await kit.as('hno.nl', 'GET', '/api/admin/complaints?view=forwarded&limit=1')).json();
    expect(first).toMatchObject({ total: 2, page: 1, limit: 1 });
    expect(first.items[0]).toMatchObject({
      code: b.code,
      overdue: false,
      displayCode: `${b.code.slice(0, 4)}-${b.code.slice(4)}`,
    });
    expect((await kit.as('hno.nl', 'GET', '/api/admin/complaints?view=bogus')).statusCode).toBe(400);
    expect((await kit.as('hno.nl', 'GET', '/api/admin/complaints?status=closed')).statusCode).toBe(400);
    expect((await kit.as('hno.nl', 'GET', '/api/admin/complaints?limit=1000')).statusCode).toBe(400);
  });

  it('should answer with documents (multipart), check their bytes, and serve them only through the authorised route', async () => {
    const c = await kit.put({ owner: 'btc.tchq' });
    const exe = multipart({ text: 'Trả lời', version: '1' }, [
      {
        field: 'documents',
        name: 'tra-loi.pdf',
        type: 'application/pdf',
        bytes: Buffer.from('MZ\x90\x00 not a pdf'),
      },
    ]);
    await unchangedAfter(
      c.code,
      async () =>
        kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, exe.payload, exe.headers),
      422,
      'limits.file_type_not_allowed',
    );
    const big = multipart({ text: 'Trả lời', version: '1' }, [
      {
        field: 'documents',
        name: 'lon.pdf',
        type: 'application/pdf',
        bytes: Buffer.concat([PDF, Buffer.alloc(kit.deps.config.limits.maxFileBytes)]),
      },
    ]);
    await unchangedAfter(
      c.code,
      async () =>
        kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, big.payload, big.headers),
      413,
      'limits.file_too_large',
    );
    const six = multipart(
      { text: 'Trả lời', version: '1' },
      Array.from({ length: 6 }, (_, i) => ({
        field: 'documents',
        name: `${i}.pdf`,
        type: 'application/pdf',
        bytes: PDF,
      })),
    );
    await unchangedAfter(
      c.code,
      async () =>
        kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, six.payload, six.headers),
      422,
      'limits.too_many_files',
    );

    const ok = multipart({ text: 'Trả lời kèm văn bản', publish: 'true', version: '1' }, [
      {
        field: 'documents',
        name: '../../etc/Công văn số 12.pdf',
        type: 'application/octet-stream',
        bytes: PDF,
      },
      { field: 'documents', name: 'anh.jpg', type: 'image/jpeg', bytes: PNG },
    ]);
    const res = await kit.as(
      'btc.tchq.nl',
      'POST',
      `/api/admin/complaints/${c.code}/answer`,
      ok.payload,
      ok.headers,
    );
    expect(res.statusCode).toBe(200);
    const files = res.json().answer.attachments as Array<{ name: string; mediaType: string; url: string }>;
    expect(files.map((f) => [f.name, f.mediaType])).toEqual([
      ['Công văn số 12.pdf', 'application/pdf'],
      ['anh.png', 'image/png'],
    ]);
    const dl = await kit.as('btc.nl', 'GET', files[0]!.url);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''C%C3%B4ng%20v%C4%83n");
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect((await kit.as('hno.nl', 'GET', files[0]!.url)).statusCode).toBe(404);
    // A file that exists, but belongs to another PAKN, is not served through this one.
    const other = await kit.put({ owner: 'btc.tchq' });
    expect((await kit.as('btc.nl', 'GET', files[0]!.url.replace(c.code, other.code))).statusCode).toBe(404);
    expect((await kit.events(c.code)).map((e) => e.type)).toEqual(['complaint.answered']);
  });

  it('should forward with the signed request document attached', async () => {
    const c = await kit.put({ owner: 'hno' });
    const form = multipart({ units: ['hno.sxd'], note: 'Theo văn bản số 15/UBND', version: '1' }, [
      { field: 'document', name: 'VB-15.pdf', type: 'application/pdf', bytes: PDF },
    ]);
    const res = await kit.as(
      'hno.nl',
      'POST',
      `/api/admin/complaints/${c.code}/forward`,
      form.payload,
      form.headers,
    );
    expect(res.statusCode).toBe(200);
    const h = res.json().history.at(-1);
    expect(h).toMatchObject({
      type: 'forwarded',
      toOwner: 'hno.sxd',
      note: 'Theo văn bản số 15/UBND',
      data: { document: { name: 'VB-15.pdf' } },
    });
    expect((await kit.as('hno.sxd.nl', 'GET', h.data.document.url)).rawPayload.equals(PDF)).toBe(true);
  });

  it('should run the review gate over HTTP when the agency requires it', async () => {
    expect(
      (await kit.as('admin', 'PATCH', '/api/admin/agencies/hno', { reviewBeforePublish: true })).statusCode,
    ).toBe(200);
    const c = await kit.put({ owner: 'hno.sxd' });
    const a = await kit.as('hno.sxd.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, {
      text: 'Trả lời',
      publish: true,
      version: 1,
    });
    expect(a.json().answer).toMatchObject({ published: false, review: { state: 'pending' } });
    expect(
      (await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${c.code}` })).json().answer,
    ).toBeUndefined();
    const back = await kit.as('hno.nl', 'POST', `/api/admin/complaints/${c.code}/review`, {
      decision: 'return',
      reason: 'Chưa trả lời đúng trọng tâm',
      version: 2,
    });
    expect(back.json()).toMatchObject({
      status: 'processing',
      answer: { review: { state: 'returned', reason: 'Chưa trả lời đúng trọng tâm' } },
    });
    const again = await kit.as('hno.sxd.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, {
      text: 'Trả lời đầy đủ',
      publish: true,
      version: 3,
    });
    const ok = await kit.as('hno.nl', 'POST', `/api/admin/complaints/${c.code}/review`, {
      decision: 'approve',
      version: again.json().version,
    });
    expect(ok.json().answer).toMatchObject({ published: true, text: 'Trả lời đầy đủ' });
    expect(
      (await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${c.code}` })).json().answer.text,
    ).toBe('Trả lời đầy đủ');
    const un = await kit.as('hno.sxd.nl', 'POST', `/api/admin/complaints/${c.code}/unpublish`, {
      version: ok.json().version,
    });
    expect(un.json().answer.published).toBe(false);
    expect(
      (await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${c.code}` })).json().answer,
    ).toBeUndefined();
    expect((await kit.events(c.code)).map((e) => e.type)).toEqual([
      'complaint.answered',
      'complaint.review_returned',
      'complaint.answered',
      'complaint.published',
      'complaint.unpublished',
    ]);
    await kit.as('admin', 'PATCH', '/api/admin/agencies/hno', { reviewBeforePublish: false });
  });

  it('should reject with a reason shown to the public, and a duplicate of an existing code', async () => {
    const first = await kit.put({ owner: 'btc' });
    const c = await kit.put({ owner: 'btc' });
    const r = await kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/reject`, {
      reason: 'duplicate',
      duplicateOf: `${first.code.slice(0, 4)}-${first.code.slice(4)}`,
      version: 1,
    });
    expect(r.statusCode).toBe(200);
    const pub = (await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${c.code}` })).json();
    expect(pub).toMatchObject({
      status: 'rejected',
      statusLabel: 'Không tiếp nhận',
      rejection: { reason: 'duplicate', reasonLabel: 'Trùng với PAKN đã gửi' },
    });
    expect((await kit.events(c.code)).map((e) => e.type)).toEqual(['complaint.rejected']);
  });

  it('should export a PAKN to a Word file with correct Vietnamese text', async () => {
    const c = await kit.file('btc', {
      title: 'Thủ tục hoàn thuế giá trị gia tăng',
      content: 'Đề nghị rút ngắn thời gian hoàn thuế GTGT cho doanh nghiệp xuất khẩu.\nTrân trọng.',
    });
    const f = await kit.as('btc.nl', 'POST', `/api/admin/complaints/${c.code}/forward`, {
      units: ['btc.tchq'],
      note: 'Giao Tổng cục Hải quan chủ trì',
      version: c.version,
    });
    await kit.as('btc.tchq.nl', 'POST', `/api/admin/complaints/${c.code}/answer`, {
      text: 'Bộ Tài chính đã sửa đổi quy định về hoàn thuế.',
      publish: true,
      version: f.json().version,
    });
    const res = await kit.as('btc.nl', 'GET', `/api/admin/complaints/${c.code}/export.docx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const { value } = await mammoth.extractRawText({ buffer: res.rawPayload });
    for (const s of [
      'PHIẾU THÔNG TIN PHẢN ÁNH, KIẾN NGHỊ',
      `${c.code.slice(0, 4)}-${c.code.slice(4)}`,
      'Thủ tục hoàn thuế giá trị gia tăng',
      'Đề nghị rút ngắn thời gian hoàn thuế GTGT cho doanh nghiệp xuất khẩu.',
      'Trân trọng.',
      'Nguyễn Văn An',
      'Tổng cục Hải quan',
      'Bộ Tài chính đã sửa đổi quy định về hoàn thuế.',
      'Chuyển xử lý → Tổng cục Hải quan — btc.nl (Bộ Tài chính): Giao Tổng cục Hải quan chủ trì',
      'Thủ tục hành chính',
      'Đã trả lời',
    ]) {
      expect(value).toContain(s);
    }
    const en = await kit.as('btc.nl', 'GET', `/api/admin/complaints/${c.code}/export.docx?lang=en`);
    expect((await mammoth.extractRawText({ buffer: en.rawPayload })).value).toContain(
      'FEEDBACK AND PETITION RECORD',
    );
  });

  it('should serve the OpenAPI document with the admin and public routes', async () => {
    const res = await kit.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of [
      '/api/admin/auth/login',
      '/api/admin/complaints',
      '/api/admin/complaints/{code}/forward',
      '/api/admin/complaints/{code}/answer',
      '/api/admin/complaints/{code}/export.docx',
      '/api/public/complaints/{code}',
      '/api/public/answers',
    ]) {
      expect(paths).toContain(p);
    }
    expect(
      res.json().paths['/api/admin/complaints/{code}/reject'].post.requestBody.content['application/json']
        .schema.properties.reason.enum,
    ).toContain('out_of_scope');
  });
});
