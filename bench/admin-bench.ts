import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import Fastify from 'fastify';
import { loadConfig } from '../src/config';
import type { AppDeps } from '../src/deps';
import { systemClock } from '../src/domain/ports';
import { LocalFileStore } from '../src/files';
import { buildApp } from '../src/http/app';
import { EmbeddedJobQueue } from '../src/jobs/embedded/embedded-job-queue';
import { openSqliteStores } from '../src/persistence/sqlite';
import { createLogger } from '../src/shared/logger';
import { ensureFixture } from './fixture';
import { percentile, type BenchFigure, type BenchSuite } from './types';

/**
 * The officers' API at scale: 1,000,000 PAKN (50,000 with BENCH_QUICK=1) in the embedded store, loaded
 * with the store benchmark's generator and bulk insert; then, over real HTTP on a port (keep-alive):
 * an officer's 20-row inbox page (views rotating) — latency one request at a time, and throughput with
 * concurrent clients as a ratio of a bare Fastify route measured in the same run; and the answer action
 * end to end (validate, version check, write with history and outbox event).
 */

const PASSWORD = 'bench-password-123';
const VIEWS = ['new', 'forwarded', 'direct', 'awaiting_info', 'answered', 'overdue', 'coordinating', ''];

interface Res {
  status: number;
  body: string;
}

function httpCall(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function timed(n: number, op: (i: number) => Promise<void>): Promise<number[]> {
  return (await timedEach(n, op)).slice().sort((a, b) => a - b);
}

/** Wall-clock ms of each call, in call order; with `cpu`, also the process's CPU ms of each call. */
async function timedEach(n: number, op: (i: number) => Promise<void>, cpu?: number[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    await op(i);
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (cpu) {
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return out;
}

/**
 * CPU ms of this process (user + system) per call of `run`'s `n` calls. Server and client share the
 * process, so this is both sides of each request; unlike wall clock, it does not grow with the load
 * other processes put on the shared machine.
 */
async function cpuPerCall<T>(n: number, run: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 / n };
}

/** Requests per second with `clients` keep-alive connections each sending back to back for `ms`. */
async function throughput(
  clients: number,
  ms: number,
  op: (agent: Agent, i: number) => Promise<void>,
): Promise<number> {
  let done = 0;
  const until = Date.now() + ms;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let i = c;
      while (Date.now() < until) {
        await op(agent, i);
        i += clients;
        done++;
      }
      agent.destroy();
    }),
  );
  return done / ((Date.now() - start) / 1000);
}

export const adminBench: BenchSuite = {
  name: 'Officers’ admin API (HTTP)',
  async run({ quick, workDir }) {
    const log = (msg: string) => process.stdout.write(`  … ${msg}\n`);
    const figures: BenchFigure[] = [];
    const dataDir = join(workDir, 'admin-bench');

    // A copy of the shared fixture (bench/fixture.ts: the store benchmark's generator and bulk insert).
    const fixture = await ensureFixture({ quick, workDir: dataDir, name: 'pakn' });
    const { total } = fixture;
    const stores = openSqliteStores({ file: fixture.file });
    // Open PAKN held by a processing unit, in load order: each is answered by that unit's account.
    const answerable = stores.db
      .prepare(
        "SELECT code, version, owner FROM complaints WHERE status IN ('received', 'processing') AND instr(owner, '.') > 0 ORDER BY id",
      )
      .all() as Array<{ code: string; version: number; owner: string }>;
    log(`${total} PAKN; ${answerable.length} answerable PAKN held by units`);
    // The generator forwards to one unit only; for the "coordinating" view, every 10th PAKN of each
    // ministry's sxd and stc units gets its tchq unit as a coordinator (the table and the document).
    const coordinated = stores.db.transaction(() => {
      const rows = stores.db
        .prepare(
          "SELECT id, owner_root AS root FROM complaints WHERE owner_root || '.sxd' = owner OR owner_root || '.stc' = owner",
        )
        .all() as Array<{ id: number; root: string }>;
      const add = stores.db.prepare(
        'INSERT OR IGNORE INTO complaint_coordinators (agency, complaint_id) VALUES (?, ?)',
      );
      const doc = stores.db.prepare(
        "UPDATE complaint_docs SET doc = json_set(doc, '$.coordinators', json_array(?)) WHERE id = ?",
      );
      let n = 0;
      for (const [i, r] of rows.entries()) {
        if (i % 10 !== 0) continue;
        add.run(`${r.root}.tchq`, r.id);
        doc.run(`${r.root}.tchq`, r.id);
        n++;
      }
      return n;
    })();
    log(`${coordinated} PAKN coordinated by a tchq unit`);

    // The agency tree the generator uses, and two officers.
    const tops = [
      ...new Set((await stores.complaints.countBy('owner', {})).map((r) => r.key.split('.')[0]!)),
    ].filter((c) => c !== 'vpcp');
    await stores.agencies.create({
      code: 'vpcp',
      name: 'Văn phòng Chính phủ',
      kind: 'central',
      parent: null,
      reviewBeforePublish: false,
      active: true,
    });
    for (const top of tops) {
      await stores.agencies.create({
        code: top,
        name: top.toUpperCase(),
        kind: 'ministry',
        parent: 'vpcp',
        reviewBeforePublish: false,
        active: true,
      });
      for (const u of ['tchq', 'sxd', 'stc'])
        await stores.agencies.create({
          code: `${top}.${u}`,
          name: `${top}.${u}`,
          kind: 'unit',
          parent: top,
          reviewBeforePublish: false,
          active: true,
        });
    }
    const hash = bcrypt.hashSync(PASSWORD, 4);
    const now = new Date();
    const units = (await stores.agencies.list()).filter((a) => a.kind === 'unit').map((a) => a.code);
    for (const [username, agency, role] of [
      ['btc.nl', 'btc', 'reception'] as const,
      ...units.map((u) => [`${u}.nl`, u, 'processing'] as const),
    ]) {
      await stores.accounts.create({
        username,
        displayName: username,
        agency,
        role,
        passwordHash: hash,
        active: true,
        failedLogins: 0,
        lockedUntil: null,
        createdAt: now,
        updatedAt: now,
      });
    }

    const logger = createLogger('silent');
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'admin-bench-secret-0123456789abcdefghij',
    });
    const queue = new EmbeddedJobQueue(stores.db, { logger });
    const deps: AppDeps = {
      config,
      stores,
      files: new LocalFileStore(join(dataDir, 'files')),
      queue,
      logger,
      clock: systemClock,
    };
    const app = await buildApp(deps);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;

    const bare = Fastify({ logger: false });
    bare.get('/bare', async () => ({ items: [], total: 0 }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const barePort = (bare.server.address() as AddressInfo).port;

    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const tokenOf = async (username: string) => {
        const r = await httpCall(
          agent,
          port,
          'POST',
          '/api/admin/auth/login',
          {},
          JSON.stringify({ username, password: PASSWORD }),
        );
        if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
        return `Bearer ${(JSON.parse(r.body) as { accessToken: string }).accessToken}`;
      };
      const reception = await tokenOf('btc.nl');
      const processing = await tokenOf('btc.tchq.nl');
      const unitTokens = new Map<string, string>();
      for (const u of units) unitTokens.set(u, await tokenOf(`${u}.nl`));
      // Request i: view i mod 8, officer alternating per round of views (so each view is asked by both).
      const viewOf = (i: number) => VIEWS[i % VIEWS.length]!;
      const officerOf = (i: number) => (Math.floor(i / VIEWS.length) % 2 ? 'btc.nl' : 'btc.tchq.nl');
      const inboxPath = (i: number) =>
        `/api/admin/complaints?limit=20${viewOf(i) ? `&view=${viewOf(i)}` : ''}`;
      const inbox = async (a: Agent, i: number) => {
        const r = await httpCall(a, port, 'GET', inboxPath(i), {
          authorization: officerOf(i) === 'btc.nl' ? reception : processing,
        });
        if (r.status !== 200) throw new Error(`inbox ${inboxPath(i)}: ${r.status} ${r.body}`);
      };
      const first = JSON.parse(
        (
          await httpCall(agent, port, 'GET', '/api/admin/complaints?view=new&limit=20', {
            authorization: reception,
          })
        ).body,
      ) as { items: unknown[]; total: number };
      log(`btc.nl "new" view: ${first.total} PAKN, ${first.items.length} on the first page`);

      // Warm up both servers (JIT, page cache), then measure.
      for (let i = 0; i < 200; i++) await inbox(agent, i);
      for (let i = 0; i < 200; i++) await httpCall(agent, barePort, 'GET', '/bare');
      const n = quick ? 800 : 4_000;
      const cpuEach: number[] = [];
      const { result: each, cpuMs } = await cpuPerCall(n, () =>
        timedEach(n, (i) => inbox(agent, i), cpuEach),
      );
      const samples = each.slice().sort((a, b) => a - b);
      const bareOne = await cpuPerCall(n, () =>
        timed(n, async () => {
          const r = await httpCall(agent, barePort, 'GET', '/bare');
          if (r.status !== 200) throw new Error('bare');
        }),
      );
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      figures.push({
        name: 'inbox page (20 rows, views rotating) p50',
        value: p50,
        unit: 'ms',
        note: `${n} requests over HTTP, one at a time`,
      });
      figures.push({
        name: 'inbox page (20 rows, views rotating) p99',
        value: p99,
        unit: 'ms',
        target: '< 20',
        pass: p99 < 20,
        baseline: {
          name: 'bare Fastify route p99, same way',
          value: percentile(bareOne.result, 99),
          unit: 'ms',
        },
        ratio: p99 / percentile(bareOne.result, 99),
        note: `${total} PAKN in the embedded store; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
      });
      figures.push({
        name: 'inbox page CPU per request',
        value: cpuMs,
        unit: 'ms',
        baseline: { name: 'bare Fastify route CPU per request', value: bareOne.cpuMs, unit: 'ms' },
        ratio: cpuMs / bareOne.cpuMs,
        note: 'user + system CPU of the process (server and client) over the latency run, per request',
      });
      // Each view (both officers) on its own, from the same run.
      for (const view of VIEWS) {
        const own = each.filter((_, i) => viewOf(i) === view).sort((a, b) => a - b);
        const ownCpu = cpuEach.filter((_, i) => viewOf(i) === view).sort((a, b) => a - b);
        const v99 = percentile(own, 99);
        log(
          `view ${view || '(none)'}: wall p50 ${percentile(own, 50).toFixed(2)} p99 ${v99.toFixed(2)} ms; CPU p50 ${percentile(ownCpu, 50).toFixed(2)} p99 ${percentile(ownCpu, 99).toFixed(2)} ms`,
        );
        figures.push({
          name: `inbox view ${view || '(none)'} p99`,
          value: v99,
          unit: 'ms',
          target: '< 20',
          pass: v99 < 20,
          note: `p50 ${percentile(own, 50).toFixed(2)} ms; CPU per request p50 ${percentile(ownCpu, 50).toFixed(2)} ms, p99 ${percentile(ownCpu, 99).toFixed(2)} ms; ${own.length} requests`,
        });
      }

      const seconds = quick ? 3_000 : 10_000;
      const clients = 8;
      const bareRps = await throughput(clients, seconds, async (a) => {
        const r = await httpCall(a, barePort, 'GET', '/bare');
        if (r.status !== 200) throw new Error('bare');
      });
      const inboxRps = await throughput(clients, seconds, inbox);
      figures.push({
        name: 'inbox page throughput',
        value: inboxRps,
        unit: 'req/s',
        baseline: { name: 'bare Fastify route', value: bareRps, unit: 'req/s' },
        ratio: inboxRps / bareRps,
        note: `${clients} keep-alive clients, ${seconds / 1000} s each; includes JWT check, store list + total, serialisation`,
      });

      // The answer action end to end, each on a fresh PAKN, one at a time.
      const an = Math.min(quick ? 500 : 2_000, Math.floor(answerable.length / 2));
      let k = 0;
      const { result: answerSamples, cpuMs: answerCpu } = await cpuPerCall(an, () =>
        timed(an, async () => {
          const target = answerable[k++]!;
          const r = await httpCall(
            agent,
            port,
            'POST',
            `/api/admin/complaints/${target.code}/answer`,
            { authorization: unitTokens.get(target.owner)!, 'if-match': `"${target.version}"` },
            JSON.stringify({
              text: 'Tổng cục Hải quan đã xem xét và trả lời như sau: hồ sơ đã được giải quyết theo quy định.',
              publish: true,
            }),
          );
          if (r.status !== 200) throw new Error(`answer ${target.code}: ${r.status} ${r.body}`);
        }),
      );
      const ap99 = percentile(answerSamples, 99);
      // The floor under it: the same kind of durable write through the store alone, no HTTP, no checks.
      const rest = answerable.slice(k, k + an);
      let j = 0;
      const storeSamples = rest.length
        ? await timed(rest.length, async () => {
            const target = rest[j++]!;
            const at = new Date();
            await stores.complaints.update(
              target.code,
              target.version,
              {
                status: 'answered',
                answeredAt: at,
                at,
                appendHistory: [{ id: `b${j}`, at, type: 'note', actor: { kind: 'system' } }],
              },
              [{ id: `bench-${j}`, type: 'complaint.unpublished', code: target.code as never, at, data: {} }],
            );
          })
        : [];
      figures.push({
        name: 'answer action CPU per request',
        value: answerCpu,
        unit: 'ms',
        note: 'user + system CPU of the process per answer (the durable commit waits for fsync without CPU)',
      });
      figures.push({
        name: 'answer action end to end p50',
        value: percentile(answerSamples, 50),
        unit: 'ms',
        note: `${an} answers over HTTP`,
      });
      figures.push({
        name: 'answer action end to end p99',
        value: ap99,
        unit: 'ms',
        target: '< 20',
        pass: ap99 < 20,
        note: 'validate, rights, version, write + history + outbox event (durable commit)',
        ...(storeSamples.length
          ? {
              baseline: { name: 'store.update alone p99', value: percentile(storeSamples, 99), unit: 'ms' },
              ratio: ap99 / percentile(storeSamples, 99),
            }
          : {}),
      });
      const outbox = (await stores.complaints.pendingEvents(an + 10)).filter(
        (e) => e.event.type === 'complaint.answered',
      ).length;
      if (outbox !== an) throw new Error(`expected ${an} answered events in the outbox, found ${outbox}`);
      agent.destroy();
    } finally {
      await bare.close();
      await app.close();
      await queue.close(1000);
      await stores.close();
    }
    return figures;
  },
};

export default adminBench;
