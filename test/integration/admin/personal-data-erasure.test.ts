import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  conversationStateKey,
  userStateKey,
  webSessionKey,
  zaloReplyWindowKey,
} from '../../../src/application/citizen/chat-state';
import { supplementComplaint } from '../../../src/application/citizen/supplement-complaint';
import { ERASED_CHAT_ID, type Complaint } from '../../../src/domain/complaint';
import { planDeliveries } from '../../../src/jobs/workers/plan-deliveries';
import { DELIVERY_ROUTES } from '../../../src/jobs/workers/delivery-types';
import { startAdminKit, type AdminKit } from './admin-kit';

// One citizen, three PAKN from three chats (SMS, web, Telegram), each with their data in every place we
// keep it; and a bystander whose data must survive.
const NAME = 'Đỗ Thị Hoa';
const PHONE = '+84911222333';
const EMAIL = 'hoa.do@example.vn';
const ADDRESS = 'Số 5 ngõ Tạm Thương, Hàng Gai';
const CCCD = '001234567890';
const WEB_SESSION = 'Hq3kP0aZ9xLm2Vb7Rt5Wc1';
const TELEGRAM_ID = '5550001';
const ZALO_ID = '8123456789012345678';
const NEEDLES = [
  NAME,
  'Thị Hoa',
  '911222333',
  '0911 222 333',
  EMAIL,
  'Tạm Thương',
  CCCD,
  WEB_SESSION,
  TELEGRAM_ID,
  ZALO_ID,
];

describe('personal-data erasure over HTTP (real SQLite)', () => {
  let kit: AdminKit;
  beforeAll(async () => {
    kit = await startAdminKit();
  });
  afterAll(async () => kit?.close());

  /** Every row of every table of the SQLite file (the FTS index is checked through search). */
  function dumpDatabase(): string {
    const db = new Database(join(kit.dataDir, 'pakn.db'), { readonly: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'complaints_fts%'")
        .pluck()
        .all() as string[];
      return tables
        .map((t) => `${t}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).raw().all())}`)
        .join('\n');
    } finally {
      db.close();
    }
  }

  async function act(user: string, code: string, action: string, body: Record<string, unknown>) {
    const c = (await kit.deps.stores.complaints.getByCode(code))!;
    const res = await kit.as(user, 'POST', `/api/admin/complaints/${code}/${action}`, {
      ...body,
      version: c.version,
    });
    expect(res.statusCode).toBe(200);
  }

  it('should leave no personal data of the citizen anywhere, keeping each PAKN and its answer anonymised', async () => {
    const submitter = {
      name: NAME,
      phone: PHONE,
      email: EMAIL,
      address: ADDRESS,
      consentProcessing: true,
      consentPublishName: true,
    };
    const text = `Tôi là ${NAME}, ở ${ADDRESS}, điện thoại 0911 222 333, CCCD ${CCCD}. Hồ sơ hải quan chậm.`;
    const sms = await kit.put({
      owner: 'btc.tchq',
      title: `Đơn của ${NAME}`,
      content: text,
      location: ADDRESS,
      submitter,
      channelRef: { channel: 'sms', userId: PHONE, conversationId: PHONE },
    });
    const web = await kit.put({
      owner: 'hno.sxd',
      content: `Phản ánh về giấy phép xây dựng. Liên hệ ${EMAIL}.`,
      submitter: { ...submitter, phone: undefined },
      channelRef: { channel: 'web', userId: WEB_SESSION, conversationId: WEB_SESSION },
    });
    const tg = await kit.put({
      owner: 'hno.sxd',
      content: 'Xin hỏi về thủ tục cấp phép sửa nhà.',
      submitter: { ...submitter, email: undefined },
      channelRef: { channel: 'telegram', userId: TELEGRAM_ID, conversationId: TELEGRAM_ID },
    });
    const zl = await kit.put({
      owner: 'hno.sxd',
      content: 'Hỏi về lịch tiếp công dân.',
      submitter: { ...submitter, email: undefined },
      channelRef: { channel: 'zalo', userId: ZALO_ID, conversationId: ZALO_ID },
    });
    const other = await kit.put({
      owner: 'hno.sxd',
      submitter: {
        name: 'Lê Văn Tám',
        phone: '+84977000111',
        consentProcessing: true,
        consentPublishName: false,
      },
      channelRef: { channel: 'telegram', userId: '7770001', conversationId: '7770001' },
    });

    // Officers' texts that name the citizen: a request for information (outbox event and history), an
    // internal note, an answer; the citizen's supplement.
    await act('btc.tchq.nl', sms.code, 'request-info', {
      message: `Đề nghị bà ${NAME} gửi bản chụp CCCD ${CCCD}.`,
    });
    await supplementComplaint(
      { complaints: kit.deps.stores.complaints, clock: kit.clock },
      { code: sms.code, who: sms.channelRef, text: `Tôi là ${NAME}, gọi lại 0911222333.`, attachments: [] },
    );
    await act('btc.tchq.nl', sms.code, 'notes', { text: `Đã gọi bà Hoa theo số 0911 222 333 (${EMAIL}).` });
    await act('hno.sxd.nl', tg.code, 'answer', {
      text: `Trả lời bà ${NAME}: hồ sơ đã được cấp phép.`,
      publish: true,
    });
    // Half the events handed to the queue already (kept in the SQLite outbox), half still waiting.
    const pending = await kit.deps.stores.complaints.pendingEvents(1000);
    await kit.deps.stores.complaints.markEventsDispatched(
      pending.filter((_, i) => i % 2 === 0).map((p) => p.event.id),
    );

    // What the chat bot and the web chat remember.
    const conversations = kit.deps.stores.conversations;
    const remembered = { name: NAME, phone: PHONE, email: EMAIL, codes: [sms.code, web.code, tg.code] };
    await conversations.write({
      [userStateKey('sms', PHONE)]: { profile: remembered },
      [conversationStateKey('sms', PHONE)]: { draft: { content: text } },
      [userStateKey('web', WEB_SESSION)]: { profile: remembered },
      [conversationStateKey('web', WEB_SESSION)]: { draft: { name: NAME } },
      [webSessionKey(WEB_SESSION)]: { messages: [{ seq: 1, from: 'user', text }] },
      [userStateKey('telegram', TELEGRAM_ID)]: { profile: remembered },
      [conversationStateKey('telegram', TELEGRAM_ID)]: { draft: { phone: PHONE } },
      [userStateKey('telegram', '7770001')]: { profile: { name: 'Lê Văn Tám' } },
      // Zalo's reply window (bots/zalo/zalo-reply-window.ts): keyed by the OA user id.
      [zaloReplyWindowKey(ZALO_ID)]: { lastInboundAt: Date.now(), sentSince: 1 },
    });
    for (const n of NEEDLES) expect(dumpDatabase()).toContain(n);

    const res = await kit.as('admin', 'POST', '/api/admin/personal-data/erase', {
      phone: '0911 222 333',
      email: EMAIL,
      reference: 'Đơn xoá dữ liệu 07/2026',
      confirm: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().codes.sort()).toEqual([sms.code, web.code, tg.code, zl.code].sort());

    // Nowhere in the database: PAKN rows and documents, indexed contact columns, outbox (waiting and
    // dispatched), conversation state and its keys, web chat messages, the audit log, the job tables.
    const dump = dumpDatabase();
    for (const n of NEEDLES) expect(dump).not.toContain(n);
    expect(await conversations.read([userStateKey('telegram', '7770001')])).not.toEqual({});
    expect(dump).toContain('Lê Văn Tám');
    // Not in the search index either: searching the citizen's name or address finds nothing.
    for (const q of ['Đỗ Thị Hoa', 'Tạm Thương']) {
      const list = await kit.as('admin', 'GET', `/api/admin/complaints?q=${encodeURIComponent(q)}`);
      expect(list.statusCode).toBe(200);
      expect(list.json().total).toBe(0);
    }

    // Each PAKN is still there, with its status, history and answer, anonymised.
    const get = async (code: string) => (await kit.deps.stores.complaints.getByCode(code)) as Complaint;
    const a = await get(sms.code);
    expect(a.status).toBe('processing');
    expect(a.submitter).toEqual({ name: '', consentProcessing: true, consentPublishName: false });
    expect(a.channelRef).toEqual({ channel: 'sms', userId: ERASED_CHAT_ID, conversationId: ERASED_CHAT_ID });
    expect(a.content).toContain('Hồ sơ hải quan chậm.');
    expect(a.supplements).toHaveLength(1);
    expect(a.notes).toHaveLength(1);
    expect(a.history.map((h) => h.type)).toEqual([
      'received',
      'info_requested',
      'supplemented',
      'note',
      'personal_data_erased',
    ]);
    const c = await get(tg.code);
    expect(c.answer).toMatchObject({ published: true });
    expect(c.answer!.text).toContain('hồ sơ đã được cấp phép');
    const pub = await kit.app.inject({ method: 'GET', url: `/api/public/complaints/${tg.code}` });
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('hồ sơ đã được cấp phép');
    expect(await get(other.code)).toEqual(other);

    // Nothing can be sent to the citizen any more: no chat, SMS or e-mail route is planned.
    for (const p of [a, await get(web.code), c]) {
      expect(planDeliveries({ eventId: 'e1', kind: 'answered' }, p, new Set(DELIVERY_ROUTES))).toEqual([]);
    }
    expect(
      planDeliveries(
        { eventId: 'e2', kind: 'answered' },
        await get(other.code),
        new Set(DELIVERY_ROUTES),
      ).map((j) => j.route),
    ).toContain('telegram');

    // The erasure is in the audit log, without the data that was searched.
    const day = kit.clock.now().toISOString().slice(0, 10);
    const audit = await kit.as('admin', 'GET', `/api/admin/personal-data/audit?day=${day}`);
    expect(audit.json()).toEqual([
      expect.objectContaining({
        action: 'personal_data.erase',
        actor: expect.objectContaining({ id: 'admin' }),
        reference: 'Đơn xoá dữ liệu 07/2026',
        codes: expect.arrayContaining([sms.code, web.code, tg.code]),
      }),
    ]);
  });
});
