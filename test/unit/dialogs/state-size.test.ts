import { forgetChatState } from '../../../src/application/citizen/chat-state';
import { createHarness, type Harness } from './bot-harness';
import { walkTo } from './walk';

/** Bytes of every stored state item, by key. */
function stateSizes(h: Harness): Record<string, number> {
  const rows = h.stores.db
    .prepare('SELECT key, length(CAST(data AS BLOB)) AS n FROM conversation_state')
    .all() as Array<{ key: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

describe('conversation state', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('should stay under 2 KB per idle conversation (menu open, or after a PAKN was filed)', async () => {
    const chat = h.chat({ conversationId: 'c1', userId: 'u1' });
    await chat.say('/start');
    const menu = stateSizes(h);
    expect(menu['telegram/conversations/c1/ConversationState']).toBeLessThan(2048);
    await walkTo(chat, 'review');
    await chat.say('Gửi PAKN');
    const after = stateSizes(h);
    expect(after['telegram/conversations/c1/ConversationState']).toBeLessThan(256);
    expect(after['telegram/users/u1/UserState']).toBeLessThan(512);
    // No personal data is left in the conversation once the PAKN is stored.
    const row = h.stores.db
      .prepare('SELECT data FROM conversation_state WHERE key = ?')
      .get('telegram/conversations/c1/ConversationState') as { data: string };
    expect(row.data).not.toContain('Trần Thị Bình');
  });

  it('should forget the remembered contact details when the chat state is erased', async () => {
    const chat = h.chat({ conversationId: 'c9', userId: 'u9' });
    await walkTo(chat, 'review');
    await chat.say('Gửi PAKN');
    const c = (await h.stores.complaints.getByCode(h.stored[0]!))!;
    await forgetChatState(h.stores.conversations, c.channelRef);
    expect(Object.keys(stateSizes(h))).toEqual([]);
    // Asked afresh: no "use last time's details?" offer.
    expect(await walkTo(chat, 'name')).toContain('Nhập họ và tên');
  });

  it('should look a code up from the menu entry', async () => {
    const chat = h.chat();
    await walkTo(chat, 'review');
    await chat.say('Gửi PAKN');
    await chat.say('/start');
    expect(await chat.sayText('2')).toContain('Nhập mã tra cứu');
    expect(await chat.sayText(h.stored[0]!)).toContain('Trạng thái: Đã tiếp nhận');
    expect(await chat.sayText('tra cứu')).toContain('Nhập mã tra cứu');
    expect(await chat.sayText('ABCD')).toContain('không phải mã tra cứu hợp lệ');
  });
});

describe('writes', () => {
  it('should write no state for a repeated status lookup from a known chat', async () => {
    const h = await createHarness();
    try {
      const chat = h.chat();
      await walkTo(chat, 'review');
      await chat.say('Gửi PAKN');
      await chat.say(`/status ${h.stored[0]}`);
      const conversations = h.stores.conversations;
      const write = conversations.write.bind(conversations);
      let writes = 0;
      conversations.write = async (changes) => {
        writes++;
        return write(changes);
      };
      for (let i = 0; i < 5; i++)
        expect(await chat.sayText(`/status ${h.stored[0]}`)).toContain('Đã tiếp nhận');
      expect(writes).toBe(0);
      await chat.say('/new');
      expect(writes).toBe(1);
    } finally {
      await h.close();
    }
  });
});
