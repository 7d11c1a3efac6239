import { createHarness, fileActivity, inbound, PDF, PNG, type Harness } from './bot-harness';
import { WALK_STEPS, walkTo } from './walk';

describe('intake rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ DIALOG_IDLE_MINUTES: '30' });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(WALK_STEPS)('should keep nothing when cancelled at step %s', async (step) => {
    const chat = h.chat();
    await walkTo(chat, step);
    const reply = await chat.sayText('hủy');
    expect(reply).toContain('Đã hủy');
    expect(h.stored).toHaveLength(0);
    // The next message starts afresh: the menu, not the step that was cancelled.
    expect(await chat.sayText('chào')).toContain('1. Gửi PAKN mới');
    const page = await h.stores.complaints.list({}, { limit: 10 });
    expect(page.total).toBe(0);
  });

  it('should refuse a content part that would cross 3000 characters whole and keep what was accepted', async () => {
    const chat = h.chat();
    await walkTo(chat, 'content');
    expect(await chat.sayText('a'.repeat(2000))).toContain('2000/3000');
    const refused = await chat.sayText('b'.repeat(1001));
    expect(refused).toContain('3002');
    expect(refused).toContain('3000');
    expect(refused).toContain('2000 ký tự');
    expect(await chat.sayText('c'.repeat(999))).toContain('3000/3000');
    expect(await chat.sayText('d')).toContain('vượt giới hạn 3000');
    await chat.sayText('xong');
    await chat.sayText('/skip');
    await chat.sayText('Trần Thị Bình');
    await chat.sayText('0987654321');
    await chat.sayText('/skip');
    await chat.sayText('1');
    const c = (await h.stores.complaints.getByCode(h.stored[0]!))!;
    expect(c.content).toBe(`${'a'.repeat(2000)}\n${'c'.repeat(999)}`);
  });

  it('should take an agency by part of its name, and /skip as "don\'t know"', async () => {
    const chat = h.chat();
    await walkTo(chat, 'agency');
    expect(await chat.sayText('ha noi')).toContain('Bước 3/7');
    await chat.sayText('/cancel');
    await walkTo(chat, 'agency');
    expect(await chat.sayText('Bộ')).toContain('chưa hiểu');
    expect(await chat.sayText('/skip')).toContain('Bước 3/7');
    await chat.sayText('Tiêu đề');
    await chat.sayText('Nội dung');
    await chat.sayText('xong');
    await chat.sayText('/skip');
    await chat.sayText('Trần Thị Bình');
    await chat.sayText('0987654321');
    expect(await chat.sayText('/skip')).toContain('Văn phòng Chính phủ sẽ chuyển');
  });

  it('should refuse an empty /done, a skipped title and a too long title with the numbers', async () => {
    const chat = h.chat();
    await walkTo(chat, 'title');
    expect(await chat.sayText('/skip')).toContain('bắt buộc');
    expect(await chat.sayText('t'.repeat(201))).toContain('201 ký tự, vượt quá giới hạn 200');
    expect(await chat.sayText('Tiêu đề đúng')).toContain('Bước 4/7');
    expect(await chat.sayText('xong')).toContain('đang trống');
  });

  it('should refuse files one by one with the reason: type, size, sixth file, duplicate', async () => {
    const chat = h.chat();
    await walkTo(chat, 'files');
    const exe = inbound(Buffer.from('MZ\x90\x00 not an image'), { name: 'virus.exe', kind: 'document' });
    expect(await chat.sayText(fileActivity(exe))).toMatch(
      /Không nhận tệp "virus.exe": Loại tệp không được chấp nhận/,
    );
    const big = inbound(PNG, { name: 'big.png', size: 11 * 1024 * 1024 });
    expect(await chat.sayText(fileActivity(big))).toContain('11 MB, vượt quá giới hạn 10 MB');
    for (let i = 1; i <= 5; i++) {
      expect(await chat.sayText(fileActivity(inbound(PNG, { name: `p${i}.png`, tag: `#${i}` })))).toContain(
        `(${i}/5)`,
      );
    }
    expect(await chat.sayText(fileActivity(inbound(PDF, { name: 'sixth.pdf' })))).toContain('tối đa 5 tệp');
    expect(await chat.sayText('/clear')).toContain('Đã bỏ tất cả');
    await chat.sayText(fileActivity(inbound(PNG, { name: 'p1.png', tag: '#1' })));
    expect(await chat.sayText(fileActivity(inbound(PNG, { name: 'again.png', tag: '#1' })))).toContain(
      'đã được đính kèm',
    );
    expect(await chat.sayText('/done')).toContain('họ và tên');
  });

  it('should accept Vietnamese phone formats, a shared contact, and refuse bad phones and emails', async () => {
    const chat = h.chat();
    await walkTo(chat, 'phone');
    expect(await chat.sayText('12345')).toContain('Số điện thoại không hợp lệ');
    expect(await chat.sayText('+84 20 1234 5678')).toContain('Số điện thoại không hợp lệ');
    expect(
      await chat.sayText({ text: undefined, channelData: { contact: { phoneNumber: '84987654321' } } }),
    ).toContain('email');
    expect(await chat.sayText('not-an-email')).toContain('Email không hợp lệ');
    const summary = await chat.sayText('binh@example.vn');
    expect(summary).toContain('+84987654321');
    expect(summary).toContain('binh@example.vn');
  });

  it('should refuse a name that is not one, and a file that turns out too large while downloading', async () => {
    const chat = h.chat();
    await walkTo(chat, 'files');
    const hidden = inbound(Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), { name: 'no-size.png' });
    expect(await chat.sayText(fileActivity(hidden))).toContain('Không nhận tệp "no-size.png"');
    await chat.sayText('/skip');
    expect(await chat.sayText('0912345678')).toContain('Họ tên không hợp lệ');
    expect(await chat.sayText(fileActivity(inbound(PNG)))).toContain('nhập bằng chữ');
    expect(await chat.sayText('Trần Thị Bình')).toContain('số điện thoại');
  });

  it('should expire an idle dialog with a message on the next contact', async () => {
    const chat = h.chat();
    await walkTo(chat, 'content');
    await chat.sayText('Một phần nội dung');
    h.clock.advance(31 * 60_000);
    const reply = await chat.sayText('phần tiếp theo');
    expect(reply).toContain('hết hạn sau 30 phút');
    expect(reply).toContain('1. Gửi PAKN mới');
    expect(await chat.sayText('/cancel')).toContain('Không có thao tác nào');
  });

  it('should not expire a dialog before the idle time', async () => {
    const chat = h.chat();
    await walkTo(chat, 'content');
    h.clock.advance(29 * 60_000);
    expect(await chat.sayText('phần nội dung')).toContain('/3000');
  });

  it('should let the citizen edit from the summary and submit the edited PAKN', async () => {
    const chat = h.chat();
    await walkTo(chat, 'review');
    expect(await chat.sayText('Sửa')).toContain('mục nào');
    expect(await chat.sayText('Tiêu đề')).toContain('Bước 3/7');
    const summary = await chat.sayText('Tiêu đề đã sửa');
    expect(summary).toContain('Tiêu đề đã sửa');
    await chat.sayText('1');
    const c = (await h.stores.complaints.getByCode(h.stored[0]!))!;
    expect(c.title).toBe('Tiêu đề đã sửa');
    expect(c.owner).toBe('vpcp');
  });

  it('should offer a returning citizen the contact details from last time', async () => {
    const chat = h.chat();
    await walkTo(chat, 'review');
    await chat.sayText('Gửi PAKN');
    expect(h.stored).toHaveLength(1);
    await chat.sayText('/new');
    await chat.sayText('Đồng ý');
    await chat.sayText('2');
    await chat.sayText('UBND TP Hà Nội');
    await chat.sayText('Tiêu đề lần hai');
    await chat.sayText('Nội dung lần hai');
    await chat.sayText('xong');
    const offer = await chat.sayText('/skip');
    expect(offer).toContain('Dùng lại thông tin liên hệ lần trước');
    expect(offer).toContain('Trần Thị Bình');
    expect(offer).not.toContain('0987654321');
    const summary = await chat.sayText('Dùng thông tin này');
    expect(summary).toContain('+84987654321');
    await chat.sayText('Gửi PAKN');
    const c = (await h.stores.complaints.getByCode(h.stored[1]!))!;
    expect(c.submitter.name).toBe('Trần Thị Bình');
    expect(c.owner).toBe('hno');
  });

  it('should warn before keeping a file the caption calls an identity document', async () => {
    const chat = h.chat();
    await walkTo(chat, 'files');
    const warn = await chat.say(fileActivity(inbound(PNG, { tag: 'id-front' }), 'ảnh CCCD mặt trước'));
    expect(warn[0]!.text).toContain('giấy tờ tùy thân');
    expect(warn[0]!.suggestedActions?.actions).toHaveLength(2);
    expect(await chat.sayText('Bỏ tệp này')).toContain('Đã bỏ tệp');
    await chat.sayText('đây là hộ chiếu của tôi');
    expect(await chat.sayText(fileActivity(inbound(PNG, { tag: 'passport' })))).toContain('giấy tờ tùy thân');
    expect(await chat.sayText('1')).toContain('(1/5)');
    const all = await chat.say('/done');
    expect(all.map((a) => a.text).join(' ')).not.toMatch(/số CCCD của bạn là|nhập số CCCD/i);
  });
});
