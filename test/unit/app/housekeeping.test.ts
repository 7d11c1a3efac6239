import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runHousekeeping } from '../../../src/app/housekeeping';
import { ZALO_REPLY_WINDOW_PREFIX, zaloReplyWindowKey } from '../../../src/application/citizen/chat-state';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import type { Clock } from '../../../src/domain/ports/clock';

describe('housekeeping', () => {
  let dir: string;
  let stores: SqliteStores;
  let nowMs: number;
  const clock: Clock = { now: () => new Date(nowMs) };

  beforeEach(() => {
    nowMs = Date.now();
    dir = mkdtempSync(join(tmpdir(), 'pakn-housekeeping-'));
    stores = openSqliteStores({ file: join(dir, 'pakn.db'), clock });
  });
  afterEach(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = () =>
    runHousekeeping({
      conversations: stores.conversations,
      dedupe: stores.dedupe,
      clock,
      logger: pino({ level: 'silent' }),
      chatDraftRetentionHours: 24,
      expiring: [{ keyPrefix: ZALO_REPLY_WINDOW_PREFIX, maxAgeMs: 48 * 3_600_000 }],
    });

  it('deletes abandoned drafts and expired dedupe records after the retention, and keeps the rest', async () => {
    const draft = 'telegram/conversations/42/ConversationState';
    const user = 'telegram/users/42/UserState';
    await stores.conversations.write({
      [draft]: { dialogStack: [{ id: 'intake', state: { name: 'Nguyễn Văn An', phone: '0912345678' } }] },
      [user]: { locale: 'vi' },
    });
    await stores.dedupe.claim('telegram:1', 60_000);

    // An hour later: nothing is old enough.
    nowMs += 3_600_000;
    expect(await run()).toEqual({ conversations: 0, dedupe: 1, expired: 0 });
    expect(Object.keys(await stores.conversations.read([draft, user])).sort()).toEqual([draft, user].sort());

    // A day and a bit later the draft, with the personal data in it, is gone; the language stays.
    nowMs += 24 * 3_600_000;
    expect(await run()).toEqual({ conversations: 1, dedupe: 0, expired: 0 });
    expect(Object.keys(await stores.conversations.read([draft, user]))).toEqual([user]);
    // The expired dedupe record no longer blocks a (new) claim of the key.
    expect(await stores.dedupe.claim('telegram:1', 60_000)).toBe(true);
  });

  it('deletes Zalo reply windows (OA user ids) once not written for the window, and not before', async () => {
    const windows = [zaloReplyWindowKey('8123'), zaloReplyWindowKey('8124')];
    // Stored with the wall clock's time of writing; the housekeeping clock is moved instead.
    await stores.conversations.write({
      [windows[0]!]: { lastInboundAt: nowMs, sentSince: 2 },
      [windows[1]!]: { lastInboundAt: nowMs, sentSince: 0 },
      'telegram/users/42/UserState': { locale: 'vi' },
    });
    nowMs += 47 * 3_600_000;
    expect(await run()).toMatchObject({ expired: 0 });
    expect(Object.keys(await stores.conversations.read(windows))).toHaveLength(2);
    nowMs += 2 * 3_600_000;
    expect(await run()).toMatchObject({ expired: 2 });
    expect(await stores.conversations.read(windows)).toEqual({});
    expect(Object.keys(await stores.conversations.read(['telegram/users/42/UserState']))).toHaveLength(1);
  });
});
