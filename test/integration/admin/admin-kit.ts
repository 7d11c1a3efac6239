import type { LightMyRequestResponse } from 'fastify';
import { submitComplaint } from '../../../src/application/citizen/submit-complaint';
import bcrypt from 'bcryptjs';
import { addAgency, DEMO_ACCOUNTS, DEMO_AGENCIES } from '../../../src/application/operator/directory';
import type { Complaint, NewComplaint } from '../../../src/domain/complaint';
import { answerDueAt } from '../../../src/domain/deadlines';
import type { DomainEvent } from '../../../src/domain/events';
import { buildTestApp, type TestApp, type TestAppOverrides } from '../../helpers/build-test-app';

export const DEMO_PASSWORD = 'mat-khau-demo-2026';

export interface AdminKit extends TestApp {
  /** Access token per demo username (logged in lazily, cached). */
  token(username: string): Promise<string>;
  as(
    username: string,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** A PAKN filed the way the intake files it (submitComplaint), then optionally moved to `owner`. */
  file(
    agency?: string,
    overrides?: Partial<{ title: string; content: string; phone: string; email: string; name: string }>,
  ): Promise<Complaint>;
  /** A PAKN stored directly with the given fields (for owners and consent the intake would not set). */
  put(draft: Partial<NewComplaint>): Promise<Complaint>;
  /** Outbox events of one PAKN, oldest first. */
  events(code: string): Promise<DomainEvent[]>;
}

export async function startAdminKit(overrides: TestAppOverrides = {}): Promise<AdminKit> {
  const t = await buildTestApp(overrides);
  const { deps } = t;
  // The demo seed's agencies and accounts (npm run seed:demo), plus a viewer and an agency admin for the
  // access matrix; hashed at a low bcrypt cost so the suite stays fast (the cost is not under test here).
  for (const a of DEMO_AGENCIES)
    await addAgency({ agencies: deps.stores.agencies, accounts: deps.stores.accounts, clock: deps.clock }, a);
  const hash = bcrypt.hashSync(DEMO_PASSWORD, 4);
  const now = deps.clock.now();
  for (const a of [
    ...DEMO_ACCOUNTS,
    { username: 'btc.xem', agency: 'btc', role: 'viewer' as const },
    { username: 'btc.qt', agency: 'btc', role: 'admin' as const },
  ]) {
    await deps.stores.accounts.create({
      displayName: a.username,
      ...a,
      passwordHash: hash,
      active: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
    });
  }
  const tokens = new Map<string, string>();
  const kit: AdminKit = {
    ...t,
    async token(username) {
      let tok = tokens.get(username);
      if (!tok) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/admin/auth/login',
          payload: { username, password: DEMO_PASSWORD },
        });
        if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
        tok = res.json<{ accessToken: string }>().accessToken;
        tokens.set(username, tok);
      }
      return tok;
    },
    async as(username, method, url, payload, headers = {}) {
      return t.app.inject({
        method,
        url,
        payload: payload as never,
        headers: { authorization: `Bearer ${await kit.token(username)}`, ...headers },
      });
    },
    async file(agency, o = {}) {
      return submitComplaint(
        {
          complaints: deps.stores.complaints,
          agencies: deps.stores.agencies,
          clock: deps.clock,
          deadlines: deps.config.deadlines,
        },
        {
          consent: { at: deps.clock.now().toISOString(), noticeVersion: '1', channel: 'telegram' },
          category: 'tthc',
          agency,
          title: o.title ?? 'Chậm giải quyết thủ tục hải quan',
          content: o.content ?? 'Tôi đã nộp hồ sơ thông quan từ tháng trước nhưng chưa được giải quyết.',
          attachments: [],
          name: o.name ?? 'Nguyễn Văn An',
          phone: o.phone ?? '0912 345 678',
          email: o.email ?? 'an@example.vn',
          locale: 'vi',
          channelRef: { channel: 'telegram', userId: '111', conversationId: '111' },
        },
      );
    },
    async put(d) {
      const now = deps.clock.now();
      return deps.stores.complaints.create({
        title: 'Phản ánh',
        content: 'Nội dung phản ánh',
        category: 'tthc',
        attachments: [],
        submitter: {
          name: 'Trần Thị Bình',
          phone: '+84987654321',
          consentProcessing: true,
          consentPublishName: false,
        },
        channelRef: { channel: 'web', userId: 's1', conversationId: 's1' },
        locale: 'vi',
        owner: 'btc',
        dueAt: answerDueAt(now, deps.config.deadlines),
        createdAt: now,
        history: [{ id: `h-${Math.random()}`, at: now, type: 'received', actor: { kind: 'citizen' } }],
        ...d,
      });
    },
    async events(code) {
      const pending = await deps.stores.complaints.pendingEvents(100000);
      return pending.map((p) => p.event).filter((e) => e.code === code);
    },
  };
  return kit;
}

/** The `If-Match` header of a version. */
export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
