import { formatTrackingCode } from '../../../src/domain/tracking-code';
import { createHarness, fileActivity, inbound, PDF, PNG, type Harness } from './bot-harness';

describe('intake in Vietnamese (telegram)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('should walk from /start to a stored PAKN and show its code only after it is stored', async () => {
    const chat = h.chat();
    const start = await chat.say('/start');
    expect(start).toHaveLength(1);
    expect(start[0]!.text).toContain('Xin chào');
    expect(start[0]!.text).toContain('1. Gửi PAKN mới');
    expect(start[0]!.suggestedActions?.actions.map((a) => a.title)).toContain('Gửi PAKN mới');
    // The "supplement" entry is only there when one of theirs awaits information.
    expect(start[0]!.text).not.toContain('Bổ sung');

    expect(await chat.sayText('1')).toContain('đồng ý cho chúng tôi xử lý dữ liệu cá nhân');
    expect(await chat.sayText('Đồng ý')).toContain('lĩnh vực');
    const agencyPrompt = await chat.sayText('thu tuc hanh chinh');
    expect(agencyPrompt).toContain('Bộ Tài chính');
    expect(agencyPrompt).not.toContain('Tổng cục Hải quan');
    expect(await chat.sayText('Bộ Tài chính')).toContain('tiêu đề');
    expect(await chat.sayText('Thủ tục hoàn thuế quá chậm')).toContain('Trình bày nội dung');
    expect(await chat.sayText('Hồ sơ hoàn thuế nộp từ tháng 1')).toContain('/3000');
    expect(await chat.sayText('vẫn chưa được giải quyết.')).toContain('/3000');
    expect(await chat.sayText('xong')).toContain('Bước 5/7');
    expect(await chat.sayText(fileActivity(inbound(PNG, { name: 'bien-nhan.png' })))).toContain('(1/5)');
    expect(
      await chat.sayText(fileActivity(inbound(PDF, { name: 'to-khai.pdf', kind: 'document' }))),
    ).toContain('(2/5)');
    expect(await chat.sayText('/done')).toContain('họ và tên');
    const phonePrompt = await chat.say('Nguyễn Văn An');
    expect(phonePrompt[0]!.channelData).toEqual({ requestContact: true });
    expect(await chat.sayText('0912 345 678')).toContain('email');
    const summary = await chat.sayText('an.nguyen@example.vn');
    expect(summary).toContain('Thủ tục hoàn thuế quá chậm');
    expect(summary).toContain('+84912345678');
    expect(summary).toContain('Bộ Tài chính');
    expect(summary).toContain('bien-nhan.png');
    expect(h.stored).toHaveLength(0);

    const done = await chat.sayText('Gửi PAKN');
    expect(h.stored).toHaveLength(1);
    const code = h.stored[0]!;
    expect(done).toContain(formatTrackingCode(code));
    const c = (await h.stores.complaints.getByCode(code))!;
    expect(c.owner).toBe('btc');
    expect(c.category).toBe('tthc');
    expect(c.content).toBe('Hồ sơ hoàn thuế nộp từ tháng 1\nvẫn chưa được giải quyết.');
    expect(c.attachments.map((a) => a.mediaType)).toEqual(['image/png', 'application/pdf']);
    expect(c.submitter).toMatchObject({
      name: 'Nguyễn Văn An',
      phone: '+84912345678',
      email: 'an.nguyen@example.vn',
      consentProcessing: true,
    });
    expect(c.channelRef).toMatchObject({ channel: 'telegram' });
    expect(c.locale).toBe('vi');
    expect(c.history[0]!.data).toMatchObject({
      consent: { noticeVersion: expect.any(String), channel: 'telegram' },
    });
    expect(c.dueAt.getTime()).toBeGreaterThan(c.createdAt.getTime());
    const events = await h.stores.complaints.pendingEvents(10);
    expect(events.map((e) => e.event.type)).toEqual(['complaint.received']);

    const status = await chat.sayText(`tra cứu ${formatTrackingCode(code)}`);
    expect(status).toContain('Đã tiếp nhận');
    expect(status).toContain('Bộ Tài chính');
  });
});
