import {
  formatTrackingCode,
  generateTrackingCode,
  CROCKFORD_ALPHABET,
} from '../../../src/domain/tracking-code';
import { createHarness, fileActivity, inbound, PDF, PNG, type Chat, type Harness } from './bot-harness';
import { walkTo } from './walk';

async function fileOne(h: Harness, chat: Chat): Promise<string> {
  await walkTo(chat, 'review');
  await chat.sayText('Gửi PAKN');
  return h.stored[h.stored.length - 1]!;
}

function typo(code: string): string {
  const last = code[7]!;
  const other = CROCKFORD_ALPHABET[(CROCKFORD_ALPHABET.indexOf(last) + 1) % 32]!;
  return code.slice(0, 7) + other;
}

describe('status by code', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('should tell a typo from an unknown code and a non-code', async () => {
    const chat = h.chat();
    const code = await fileOne(h, chat);
    expect(await chat.sayText(`/status ${typo(code)}`)).toContain('gõ nhầm');
    // With the menu open, a mistyped code is still a lookup, not a wrong menu pick.
    await chat.sayText('/start');
    expect(await chat.sayText(typo(code))).toContain('gõ nhầm');
    let unknown = generateTrackingCode();
    while (unknown === code) unknown = generateTrackingCode();
    expect(await chat.sayText(unknown.toLowerCase())).toContain(
      `Không tìm thấy PAKN có mã ${formatTrackingCode(unknown)}`,
    );
    expect(await chat.sayText('/status hello')).toContain('không phải mã tra cứu hợp lệ');
    const found = await chat.sayText(formatTrackingCode(code).replace('0', 'O'));
    expect(found).toContain('Trạng thái: Đã tiếp nhận');
    expect(found).toContain('Cơ quan đang xử lý: Văn phòng Chính phủ');
    expect(found).toContain('Ngày tiếp nhận: 02/03/2026');
    expect(found).toMatch(/Hạn trả lời: \d\d\/\d\d\/2026/);
  });

  it('should answer a lookup in the middle of the intake and then resume the step', async () => {
    const chat = h.chat();
    const code = await fileOne(h, chat);
    await walkTo(chat, 'content');
    await chat.sayText('Phần đầu của nội dung.');
    const mid = await chat.say(`tra cứu ${code}`);
    expect(mid[0]!.text).toContain(`PAKN ${formatTrackingCode(code)}`);
    expect(mid[1]!.text).toContain('Trình bày nội dung PAKN');
    expect(await chat.sayText('Phần hai.')).toContain('/3000');
    await chat.sayText('xong');
    await chat.sayText('/skip');
    await chat.sayText('1'); // reuse last contact details
    await chat.sayText('Gửi PAKN');
    const c = (await h.stores.complaints.getByCode(h.stored[1]!))!;
    expect(c.content).toBe('Phần đầu của nội dung.\nPhần hai.');
  });

  it('should answer lookups from an idle chat without writing its state, in its language, and resume an open dialog', async () => {
    const code = await fileOne(h, h.chat());
    const chat = h.chat({ locale: 'en-GB', conversationId: 'looker', userId: 'looker-user' });
    const keys = ['telegram/conversations/looker/ConversationState', 'telegram/users/looker-user/UserState'];
    const eTags = async () => {
      const items = await h.stores.conversations.read(keys);
      return keys.map((k) => items[k]?.eTag);
    };
    // The first turn remembers the language; later lookups leave the state as it is.
    expect(await chat.sayText(`/status ${code}`)).toContain('Status: Received');
    const before = await eTags();
    expect(before.every(Boolean)).toBe(true);
    for (const text of [`/status ${code}`, `tra cứu ${formatTrackingCode(code)}`, code.toLowerCase()]) {
      const replies = await chat.say(text);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain(`PAKN ${formatTrackingCode(code)}`);
      expect(replies[0]!.text).toContain('Handled by: Văn phòng Chính phủ');
    }
    expect(await chat.sayText(`/status ${typo(code)}`)).toContain('typo');
    expect(await eTags()).toEqual(before);
    // With a dialog open, the lookup is answered and the question asked again.
    await chat.sayText('/new');
    const mid = await chat.say(code);
    expect(mid[0]!.text).toContain('Status: Received');
    expect(mid[1]!.text).toContain('personal data');
  });

  it('should show the answer only to the submitting chat until it is published', async () => {
    const mine = h.chat();
    const code = await fileOne(h, mine);
    const c = (await h.stores.complaints.getByCode(code))!;
    const at = h.clock.now();
    const answer = {
      text: 'Bộ đã sửa quy trình.',
      attachments: [],
      by: 'officer1',
      agency: 'vpcp',
      at,
      publishRequested: false,
      published: false,
    };
    const answered = await h.stores.complaints.update(code, c.version, {
      at,
      status: 'answered',
      answer,
      answeredAt: at,
    });
    const other = h.chat();
    const seenByOther = await other.sayText(`/status ${code}`);
    expect(seenByOther).toContain('Đã trả lời');
    expect(seenByOther).not.toContain('Bộ đã sửa quy trình.');
    expect(seenByOther).not.toContain('Tiêu đề thử nghiệm');
    expect(await mine.sayText(`/status ${code}`)).toContain('Bộ đã sửa quy trình.');
    await h.stores.complaints.update(code, answered.version, {
      at,
      answer: { ...answer, published: true, publishedAt: at },
    });
    expect(await other.sayText(`/status ${code}`)).toContain('Bộ đã sửa quy trình.');
  });
});

describe('supplement', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function requestInfo(code: string): Promise<void> {
    const c = (await h.stores.complaints.getByCode(code))!;
    const at = h.clock.now();
    await h.stores.complaints.update(code, c.version, {
      at,
      status: 'awaiting_info',
      appendHistory: [
        {
          id: 'req-1',
          at,
          type: 'info_requested',
          actor: { kind: 'officer', id: 'o1', agency: 'vpcp' },
          note: 'Vui lòng gửi ảnh biên nhận hồ sơ.',
        },
      ],
    });
  }

  it('should append the reply (text and files) to the same PAKN and put it back to processing', async () => {
    const chat = h.chat();
    const code = await fileOne(h, chat);
    expect(await chat.sayText('/start')).not.toContain('Bổ sung');
    await requestInfo(code);
    expect(await chat.sayText('/start')).toContain('Bổ sung thông tin cho PAKN đang chờ (1)');

    // The menu is open; a free-text reply still goes to the PAKN that awaits it.
    const first = await chat.sayText('Tôi gửi biên nhận ạ.');
    expect(first).toContain(`Bổ sung cho PAKN ${formatTrackingCode(code)}`);
    expect(first).toContain('Vui lòng gửi ảnh biên nhận hồ sơ.');
    expect(first).toContain('/3000');
    expect(await chat.sayText(fileActivity(inbound(PNG, { name: 'bien-nhan.png' }), 'Biên nhận'))).toContain(
      '(1/5)',
    );
    expect(await chat.sayText(fileActivity(inbound(PDF, { name: 'x.exe' })))).toContain('(2/5)');
    const done = await chat.sayText('xong');
    expect(done).toContain(`Đã bổ sung thông tin vào PAKN ${formatTrackingCode(code)}`);
    expect(done).toContain('Đang xử lý');

    const c = (await h.stores.complaints.getByCode(code))!;
    expect(c.status).toBe('processing');
    expect(c.supplements).toHaveLength(1);
    expect(c.supplements[0]!.text).toBe('Tôi gửi biên nhận ạ.\nBiên nhận');
    expect(c.supplements[0]!.attachments.map((a) => a.name)).toEqual(['bien-nhan.png', 'x.pdf']);
    expect(c.supplements[0]!.inReplyTo).toBe('req-1');
    expect(c.history.at(-1)).toMatchObject({ type: 'supplemented', status: 'processing' });
    const events = (await h.stores.complaints.pendingEvents(10)).map((e) => e.event.type);
    expect(events).toEqual(['complaint.received', 'complaint.supplemented']);
    const page = await h.stores.complaints.list({}, { limit: 10 });
    expect(page.total).toBe(1);
    // Nothing awaits any more: free text goes back to the menu.
    expect(await chat.sayText('cảm ơn')).toContain('1. Gửi PAKN mới');
  });

  it('should apply the limits to the reply and let another chat see no supplement entry', async () => {
    const chat = h.chat();
    const code = await fileOne(h, chat);
    await requestInfo(code);
    await chat.sayText('/start');
    expect(await chat.sayText('Bổ sung')).toContain('Gửi nội dung bổ sung');
    expect(await chat.sayText('/done')).toContain('chưa gửi nội dung');
    expect(await chat.sayText('x'.repeat(3001))).toContain('vượt giới hạn 3000');
    for (let i = 1; i <= 5; i++) await chat.sayText(fileActivity(inbound(PNG, { tag: `s${i}` })));
    expect(await chat.sayText(fileActivity(inbound(PNG, { tag: 's6' })))).toContain('tối đa 5 tệp');
    await chat.sayText('xong');
    const c = (await h.stores.complaints.getByCode(code))!;
    expect(c.supplements[0]!.attachments).toHaveLength(5);
    expect(c.supplements[0]!.text).toBe('');

    const stranger = h.chat();
    expect(await stranger.sayText('/start')).not.toContain('Bổ sung');
  });

  it('should keep nothing when the supplement is cancelled', async () => {
    const chat = h.chat();
    const code = await fileOne(h, chat);
    await requestInfo(code);
    await chat.sayText('Nội dung bổ sung dở dang');
    expect(await chat.sayText('hủy')).toContain('Đã hủy');
    const c = (await h.stores.complaints.getByCode(code))!;
    expect(c.status).toBe('awaiting_info');
    expect(c.supplements).toHaveLength(0);
  });
});
