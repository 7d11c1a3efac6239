import { createHarness, fileActivity, inbound, PNG, type Harness } from './bot-harness';
import { walkTo } from './walk';

describe('album concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['through the turn serializer', false, 3],
    ['without it (optimistic state writes retried)', true, 3],
    ['without it, 5 at once', true, 5],
  ])('should keep every photo of an album arriving together, %s', async (_label, unserialized, size) => {
    const chat = h.chat({ unserialized });
    await walkTo(chat, 'files');
    const photos = Array.from({ length: size }, (_, k) => k + 1).map((i) =>
      fileActivity(inbound(PNG, { name: `album-${i}.png`, tag: `album${i}` })),
    );
    await Promise.all(photos.map((p) => chat.say(p)));
    const next = await chat.sayText('/done');
    expect(next).toContain('họ và tên');
    await chat.sayText('Trần Thị Bình');
    await chat.sayText('0987654321');
    const summary = await chat.sayText('/skip');
    expect(summary).toContain(`Tệp đính kèm (${size}/5)`);
    await chat.sayText('Gửi PAKN');
    const c = (await h.stores.complaints.getByCode(h.stored[0]!))!;
    expect(c.attachments.map((a) => a.name).sort()).toEqual(photos.map((_, k) => `album-${k + 1}.png`));
  });

  it('should run turns of one chat in order and others in parallel', async () => {
    const order: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await Promise.all([
      h.serializer.run('telegram/a', async () => {
        await sleep(30);
        order.push('a1');
      }),
      h.serializer.run('telegram/a', async () => {
        order.push('a2');
      }),
      h.serializer.run('telegram/b', async () => {
        order.push('b1');
      }),
    ]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    expect(h.serializer.activeKeys).toBe(0);
  });
});

describe('out of scope', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('should explain where a denunciation goes, and let the citizen stop or go on', async () => {
    const chat = h.chat();
    const reply = await chat.sayText('Tôi muốn tố cáo cán bộ xã nhận hối lộ');
    expect(reply).toContain('Luật Tố cáo');
    expect(reply).toContain('1. Đây là PAKN, tiếp tục');
    expect(await chat.sayText('Dừng lại')).toContain('Không có thông tin nào được lưu');
    await chat.sayText('/start');
    expect(await chat.sayText('Cần tư vấn pháp luật về thừa kế')).toContain('trợ giúp pháp lý');
    expect(await chat.sayText('1')).toContain('Bạn có đồng ý');
  });

  it('should show the menu again after text that is no menu option', async () => {
    const chat = h.chat();
    await chat.sayText('/start');
    const again = await chat.say('hôm nay trời đẹp');
    expect(again[0]!.text).toContain('chưa hiểu');
    expect(again[1]!.text).toContain('1. Gửi PAKN mới');
    expect(again[1]!.text).not.toContain('Xin chào');
  });

  it('should catch a complaint written as the content and still accept it as a PAKN', async () => {
    const chat = h.chat();
    await walkTo(chat, 'content');
    await chat.sayText('Tôi làm đơn khiếu nại quyết định thu hồi đất của huyện.');
    const explained = await chat.sayText('xong');
    expect(explained).toContain('Luật Khiếu nại');
    expect(await chat.sayText('Đây là PAKN, tiếp tục')).toContain('Bước 5/7');
  });

  it('should drop the draft when the citizen stops at the out-of-scope question', async () => {
    const chat = h.chat();
    await walkTo(chat, 'content');
    await chat.sayText('I need legal advice about my land');
    await chat.sayText('xong');
    expect(await chat.sayText('2')).toContain('Đã hủy');
    expect(await chat.sayText('/cancel')).toContain('Không có thao tác nào');
  });
});

describe('turn failures', () => {
  it('should still show the code when the chat state cannot be saved after the PAKN was stored', async () => {
    const h = await createHarness();
    try {
      const chat = h.chat();
      await walkTo(chat, 'review');
      h.stores.conversations.write = async () => {
        throw new Error('disk I/O error');
      };
      const reply = await chat.sayText('Gửi PAKN');
      expect(h.stored).toHaveLength(1);
      expect(reply).toContain(h.stored[0]!.slice(0, 4));
    } finally {
      await h.close();
    }
  });

  it('should apologise and keep the state of the previous turn when a store fails', async () => {
    const h = await createHarness();
    try {
      const chat = h.chat();
      await walkTo(chat, 'content');
      await chat.sayText('Phần một.');
      const original = h.files.put.bind(h.files);
      h.files.put = async () => {
        throw new Error('disk full');
      };
      await chat.sayText('xong');
      const failed = await chat.sayText(fileActivity(inbound(PNG, { name: 'a.png' })));
      expect(failed).toContain('hệ thống đang gặp sự cố');
      h.files.put = original;
      expect(await chat.sayText(fileActivity(inbound(PNG, { name: 'a.png' })))).toContain('(1/5)');
    } finally {
      await h.close();
    }
  });
});
