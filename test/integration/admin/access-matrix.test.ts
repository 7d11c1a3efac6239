import { OfficerWorkflow, type Officer } from '../../../src/application/officers';
import { addAccount, addAgency } from '../../../src/application/operator/directory';
import type { Complaint } from '../../../src/domain/complaint';
import { DEMO_PASSWORD, startAdminKit, type AdminKit } from './admin-kit';

type Outcome = 200 | 403 | 404;
/** Who holds the PAKN; `coordinated` is led by btc.tchq with btc.tct coordinating (a forward by btc). */
type Target = 'btc' | 'btc.tchq' | 'coordinated';
const TARGETS: Target[] = ['btc', 'btc.tchq', 'coordinated'];
const ownerOf = (t: Target) => (t === 'coordinated' ? 'btc.tchq' : t);

const OFFICERS: Record<string, Officer> = {
  'btc.nl': { username: 'btc.nl', agency: 'btc', role: 'reception' },
  'btc.qt': { username: 'btc.qt', agency: 'btc', role: 'admin' },
  'btc.xem': { username: 'btc.xem', agency: 'btc', role: 'viewer' },
  'btc.tchq.nl': { username: 'btc.tchq.nl', agency: 'btc.tchq', role: 'processing' },
  'hno.nl': { username: 'hno.nl', agency: 'hno', role: 'reception' },
  'hno.sxd.nl': { username: 'hno.sxd.nl', agency: 'hno.sxd', role: 'processing' },
  // A sibling unit of btc.tchq, coordinating on `coordinated` PAKN.
  'btc.tct.xl': { username: 'btc.tct.xl', agency: 'btc.tct', role: 'processing' },
};

interface ActionSpec {
  method: 'GET' | 'POST';
  path: (code: string) => string;
  body?: Record<string, unknown>;
  /** Brings a fresh PAKN into the state the action needs. */
  prepare?: (wf: OfficerWorkflow, c: Complaint) => Promise<Complaint>;
  targets?: Target[];
}

const tchq = OFFICERS['btc.tchq.nl']!;
const reception = OFFICERS['btc.nl']!;
const answered = (publish: boolean) => async (wf: OfficerWorkflow, c: Complaint) =>
  wf.answer(c.owner === 'btc' ? reception : tchq, c.code, c.version, { text: 'Trả lời', publish });

const ACTIONS: Record<string, ActionSpec> = {
  read: { method: 'GET', path: (c) => `/api/admin/complaints/${c}` },
  export: { method: 'GET', path: (c) => `/api/admin/complaints/${c}/export.docx` },
  forward: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/forward`,
    body: { units: ['btc.tchq'] },
  },
  transfer: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/transfer`,
    body: { agency: 'hno', reason: 'Không thuộc thẩm quyền' },
  },
  return: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/return`,
    body: { reason: 'Không thuộc thẩm quyền' },
  },
  'request-info': {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/request-info`,
    body: { message: 'Xin bổ sung' },
  },
  answer: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/answer`,
    body: { text: 'Trả lời', publish: false },
  },
  review: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/review`,
    body: { decision: 'approve' },
    prepare: answered(true),
    targets: ['btc.tchq', 'coordinated'],
  },
  publish: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/publish`,
    body: {},
    prepare: answered(false),
  },
  unpublish: {
    method: 'POST',
    path: (c) => `/api/admin/complaints/${c}/unpublish`,
    body: {},
    prepare: async (wf, c) => {
      const a = await answered(false)(wf, c);
      const p = await wf.publish(a.owner === 'btc' ? reception : tchq, a.code, a.version);
      return p.answer?.published ? p : wf.review(reception, p.code, p.version, { decision: 'approve' });
    },
  },
  reject: { method: 'POST', path: (c) => `/api/admin/complaints/${c}/reject`, body: { reason: 'spam' } },
  notes: { method: 'POST', path: (c) => `/api/admin/complaints/${c}/notes`, body: { text: 'Ghi chú' } },
};

const TRIAGE = ['forward', 'transfer', 'return', 'reject'];
const HANDLE = ['request-info', 'answer', 'publish', 'unpublish', 'notes'];

/** The policy under test, written out independently of the code that enforces it. */
function expected(username: string, action: string, target: Target): Outcome {
  const o = OFFICERS[username]!;
  const owner = ownerOf(target);
  const holds = owner === o.agency || owner.startsWith(`${o.agency}.`);
  const coordinates = target === 'coordinated' && o.agency === 'btc.tct';
  if (!holds && !coordinates) return 404;
  if (action === 'read' || action === 'export') return 200;
  if (o.role === 'viewer') return 403;
  // A coordinating unit reads and adds internal notes; the lead unit (or those above it) acts.
  if (!holds) return action === 'notes' ? 200 : 403;
  if (action === 'review') return o.role === 'reception' || o.role === 'admin' ? 200 : 403;
  if (TRIAGE.includes(action)) return o.role === 'reception' || o.role === 'admin' ? 200 : 403;
  if (HANDLE.includes(action)) return 200;
  throw new Error(`no policy for ${action}`);
}

describe('access matrix: role × action × own/other subtree', () => {
  let kit: AdminKit;
  let wf: OfficerWorkflow;
  beforeAll(async () => {
    kit = await startAdminKit();
    const a = (await kit.deps.stores.agencies.get('btc'))!;
    await kit.deps.stores.agencies.upsert({ ...a, reviewBeforePublish: true });
    const directory = {
      agencies: kit.deps.stores.agencies,
      accounts: kit.deps.stores.accounts,
      clock: kit.clock,
    };
    await addAgency(directory, { code: 'btc.tct', name: 'Tổng cục Thuế', kind: 'unit' });
    await addAccount(directory, {
      username: 'btc.tct.xl',
      displayName: 'Xử lý Tổng cục Thuế',
      agency: 'btc.tct',
      role: 'processing',
      password: DEMO_PASSWORD,
    });
    wf = new OfficerWorkflow({
      complaints: kit.deps.stores.complaints,
      agencies: kit.deps.stores.agencies,
      clock: kit.deps.clock,
      deadlines: kit.deps.config.deadlines,
      limits: kit.deps.config.limits,
    });
    for (const u of Object.keys(OFFICERS)) await kit.token(u);
  });
  afterAll(async () => kit?.close());

  const cells: Array<[string, string, Target, Outcome]> = [];
  for (const username of Object.keys(OFFICERS)) {
    for (const [action, spec] of Object.entries(ACTIONS)) {
      for (const target of spec.targets ?? TARGETS)
        cells.push([username, action, target, expected(username, action, target)]);
    }
  }

  it.each(cells)('%s %s on a PAKN of %s → %i', async (username, action, target, outcome) => {
    const spec = ACTIONS[action]!;
    let c = await kit.put({ owner: 'btc' });
    if (target !== 'btc') {
      c = await wf.forward(reception, c.code, c.version, {
        units: target === 'coordinated' ? ['btc.tchq', 'btc.tct'] : ['btc.tchq'],
        lead: 'btc.tchq',
      });
    }
    if (spec.prepare) c = await spec.prepare(wf, c);
    const before = JSON.stringify(await kit.deps.stores.complaints.getByCode(c.code));
    const eventsBefore = (await kit.events(c.code)).length;
    const res = await kit.as(
      username,
      spec.method,
      spec.path(c.code),
      spec.body ? { ...spec.body, version: c.version } : undefined,
    );
    expect({ status: res.statusCode, body: outcome === 200 ? undefined : res.json().key }).toEqual({
      status: outcome,
      body: outcome === 403 ? 'errors.forbidden' : outcome === 404 ? 'errors.not_found' : undefined,
    });
    const after = await kit.deps.stores.complaints.getByCode(c.code);
    if (outcome !== 200 || spec.method === 'GET') {
      // Every refusal (and every read) leaves the PAKN and its outbox exactly as they were.
      expect(JSON.stringify(after)).toBe(before);
      expect((await kit.events(c.code)).length).toBe(eventsBefore);
    } else {
      expect(after!.version).toBe(c.version + 1);
      // Notes and a publication held for review tell the citizen nothing; every other action one event.
      const held = action === 'publish' && ownerOf(target) === 'btc.tchq';
      expect((await kit.events(c.code)).length - eventsBefore).toBe(action === 'notes' || held ? 0 : 1);
      expect(after!.history.at(-1)!.actor).toMatchObject({ kind: 'officer', id: username });
    }
  });

  it('should refuse the directory and personal-data routes to non-admins and outside the admin subtree', async () => {
    const agencyBody = { code: 'btc.kbnn', name: 'Kho bạc Nhà nước' };
    expect((await kit.as('btc.nl', 'POST', '/api/admin/agencies', agencyBody)).statusCode).toBe(403);
    expect(
      (await kit.as('btc.qt', 'POST', '/api/admin/agencies', { code: 'hno.stc', name: 'Sở Tài chính' }))
        .statusCode,
    ).toBe(403);
    expect(await kit.deps.stores.agencies.get('hno.stc')).toBeNull();
    expect((await kit.as('btc.qt', 'POST', '/api/admin/agencies', agencyBody)).statusCode).toBe(201);
    const acct = { username: 'hno.moi', agency: 'hno', role: 'reception', password: 'mot-mat-khau-dai' };
    expect((await kit.as('btc.qt', 'POST', '/api/admin/accounts', acct)).statusCode).toBe(403);
    expect(await kit.deps.stores.accounts.get('hno.moi')).toBeNull();
    expect(
      (await kit.as('btc.nl', 'PATCH', '/api/admin/accounts/btc.xem', { role: 'admin' })).statusCode,
    ).toBe(403);
    expect(
      (await kit.as('btc.qt', 'PATCH', '/api/admin/accounts/hno.nl', { active: false })).statusCode,
    ).toBe(404);
    expect((await kit.deps.stores.accounts.get('hno.nl'))!.active).toBe(true);
    expect(
      (await kit.as('btc.nl', 'POST', '/api/admin/personal-data/export', { phone: '0987654321' })).statusCode,
    ).toBe(403);
    expect(
      (
        await kit.as('btc.tchq.nl', 'POST', '/api/admin/personal-data/erase', {
          phone: '0987654321',
          confirm: true,
        })
      ).statusCode,
    ).toBe(403);
    expect((await kit.as('btc.xem', 'GET', '/api/admin/accounts')).statusCode).toBe(403);
  });

  it('should list only what the subtree holds', async () => {
    const other = await kit.put({ owner: 'hno.sxd' });
    const res = await kit.as('btc.nl', 'GET', '/api/admin/complaints?limit=100');
    expect(
      res.json().items.every((i: { owner: string }) => i.owner === 'btc' || i.owner.startsWith('btc.')),
    ).toBe(true);
    expect(
      (await kit.as('hno.nl', 'GET', `/api/admin/complaints?q=${encodeURIComponent('Phản ánh')}&limit=100`))
        .json()
        .items.map((i: { code: string }) => i.code),
    ).toContain(other.code);
  });

  it('should list for a coordinating unit what it coordinates, and nothing it does not', async () => {
    // A word of their own, so the views of the busy agencies can be searched for them.
    const first = await kit.put({ owner: 'btc', content: 'Phối hợp phoihopthue' });
    const led = await wf.forward(reception, first.code, first.version, {
      units: ['btc.tchq', 'btc.tct'],
      lead: 'btc.tchq',
    });
    const alone = await kit.put({ owner: 'btc', content: 'Một đơn vị phoihopthue' });
    await wf.forward(reception, alone.code, alone.version, { units: ['btc.tchq'] });
    const codes = async (user: string, query: string) => {
      const res = await kit.as(user, 'GET', `/api/admin/complaints?${query}&limit=100`);
      expect(res.statusCode).toBe(200);
      return res.json().items.map((i: { code: string }) => i.code) as string[];
    };
    const coordinated = await codes('btc.tct.xl', 'view=coordinating');
    expect(coordinated).toContain(led.code);
    expect(coordinated).not.toContain(alone.code);
    // Only PAKN it coordinates: each is led by another unit and names btc.tct among its coordinators.
    for (const code of coordinated) {
      const c = (await kit.deps.stores.complaints.getByCode(code))!;
      expect(c.coordinators).toContain('btc.tct');
      expect(c.owner).not.toBe('btc.tct');
    }
    expect(await codes('btc.tct.xl', 'view=coordinating&status=answered')).not.toContain(led.code);
    // Its own views stay its own; the lead and the forwarding agency see it where they did.
    expect(await codes('btc.tct.xl', 'view=direct')).not.toContain(led.code);
    expect(await codes('btc.tchq.nl', 'view=direct&q=phoihopthue')).toContain(led.code);
    expect(await codes('btc.nl', 'view=forwarded&q=phoihopthue')).toContain(led.code);
    expect(await codes('btc.tchq.nl', 'view=coordinating')).not.toContain(led.code);
    expect(await codes('hno.nl', 'view=coordinating')).toEqual([]);
  });

  it('should answer 401 without a valid token, and change nothing', async () => {
    const c = await kit.put({ owner: 'btc' });
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${(await kit.token('btc.nl')).slice(0, -2)}xx` },
    ]) {
      const res = await kit.app.inject({
        method: 'POST',
        url: `/api/admin/complaints/${c.code}/reject`,
        payload: { reason: 'spam', version: 1 },
        headers,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().key).toBe('errors.unauthorized');
    }
    expect((await kit.deps.stores.complaints.getByCode(c.code))!.version).toBe(1);
    expect((await kit.app.inject({ method: 'GET', url: '/api/admin/complaints' })).statusCode).toBe(401);
  });
});
