// Load generator and fake Bot API for bench/telegram-bench.ts, in a worker thread so that the app under
// test has the main thread to itself. Plain JS: worker threads do not go through the TS loader.
import { parentPort } from 'node:worker_threads';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

let replies = 0;
const lastText = new Map();
/**
 * End-to-end measurement (open loop): per chat, the updates sent whose reply has not reached this fake
 * Bot API yet, oldest first. Replies to one chat arrive in order and a mid-dialog text step gets exactly
 * one reply, so the next reply for a chat answers its oldest waiting update.
 */
let awaiting = null;
const api = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    replies++;
    try {
      const p = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (p.chat_id !== undefined) {
        lastText.set(String(p.chat_id), String(p.text));
        awaiting?.get(String(p.chat_id))?.shift()?.();
      }
    } catch {
      /* not JSON: ignored */
    }
    const body = '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
api.keepAliveTimeout = 60_000;

let target;
// At most 100 connections, as Telegram itself: setWebhook's max_connections is 1–100 (default 40). Updates
// beyond them wait in this client, and that wait counts in their latency (measured from the scheduled
// send). Without the cap a stall of the app made the generator open hundreds of connections at once, which
// overflowed the listen backlog: the dropped SYNs came back 1 or 3 s later, as no Telegram load would.
const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });

function updateBody(spec, i) {
  const chat = spec.chats[i % spec.chats.length];
  const text = spec.texts[Math.floor(i / spec.chats.length) % spec.texts.length];
  return JSON.stringify({
    update_id: spec.firstUpdateId + i,
    message: {
      message_id: spec.firstUpdateId + i,
      date: Math.floor(Date.now() / 1000),
      from: { id: chat, is_bot: false, first_name: 'An', language_code: 'vi' },
      chat: { id: chat, type: 'private' },
      text,
    },
  });
}

function send(spec, i) {
  return new Promise((resolve) => {
    const isBare = spec.kind === 'bare';
    const body = isBare ? undefined : updateBody(spec, i);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: spec.port ?? target.port,
        path: isBare ? '/bare' : '/webhooks/telegram',
        method: isBare ? 'GET' : 'POST',
        agent,
        headers: isBare
          ? {}
          : {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'x-telegram-bot-api-secret-token': target.secret,
            },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function summary(lat, errors, elapsedMs) {
  const sorted = Array.from(lat).sort((a, b) => a - b);
  const pct = (p) =>
    sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    count: sorted.length,
    errors,
    p50: pct(50),
    p99: pct(99),
    max: sorted[sorted.length - 1],
    rate: (sorted.length / elapsedMs) * 1000,
  };
}

/**
 * Fixed arrival rate, whatever the server does; latency counted from the scheduled send time. With
 * `endToEnd`, an update is done when both its webhook call has been answered and its reply has reached
 * the fake Bot API (the webhook answers once the turn ran and its state is saved; the reply goes out after,
 * through the outbox); a reply still missing `graceMs` after the last send counts as an error.
 */
function openLoop(spec) {
  const total = Math.floor((spec.rate * spec.durationMs) / 1000);
  const lat = new Float64Array(total);
  const webhookLat = new Float64Array(total);
  let errors = 0;
  let missing = 0;
  let done = 0;
  let i = 0;
  const t0 = performance.now() + 2;
  if (spec.endToEnd) awaiting = new Map();
  return new Promise((resolve) => {
    const finish = () => {
      awaiting = null;
      const r = summary(lat, errors, performance.now() - t0);
      const w = summary(webhookLat, 0, 1);
      resolve({ ...r, missing, webhookP50: w.p50, webhookP99: w.p99 });
    };
    const complete = () => {
      if (++done === total) finish();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * spec.rate) / 1000) + 1);
      while (i < due) {
        const k = i++;
        const scheduled = t0 + (k * 1000) / spec.rate;
        let parts = spec.endToEnd ? 2 : 1;
        const part = () => {
          if (--parts === 0) {
            lat[k] = performance.now() - scheduled;
            complete();
          }
        };
        if (spec.endToEnd) {
          const chat = String(spec.chats[k % spec.chats.length]);
          let q = awaiting.get(chat);
          if (!q) awaiting.set(chat, (q = []));
          q.push(part);
        }
        void send(spec, k).then((code) => {
          webhookLat[k] = performance.now() - scheduled;
          if (code !== 200) {
            errors++;
            // No reply will come for a refused update: it is done (as an error) now.
            if (spec.endToEnd) {
              const q = awaiting?.get(String(spec.chats[k % spec.chats.length]));
              const at = q ? q.indexOf(part) : -1;
              if (at >= 0) q.splice(at, 1);
              parts = 1;
            }
          }
          part();
        });
      }
      if (i < total) setTimeout(tick, 1);
      else if (spec.endToEnd)
        setTimeout(() => {
          if (done === total || !awaiting) return;
          // Replies that never came: counted as errors at the grace limit.
          for (const q of awaiting.values())
            for (const p of q.splice(0)) {
              missing++;
              errors++;
              p();
            }
        }, spec.graceMs ?? 5000);
    };
    tick();
  });
}

/** `concurrency` requests in flight until `count` are done or `durationMs` is over. */
async function closedLoop(spec) {
  const lat = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const end = spec.durationMs ? t0 + spec.durationMs : Infinity;
  const count = spec.count ?? Infinity;
  const lane = async () => {
    while (next < count && performance.now() < end) {
      const k = next++;
      const s = performance.now();
      const code = await send(spec, k);
      lat.push(performance.now() - s);
      if (code !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  return summary(lat, errors, performance.now() - t0);
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'target') {
    target = msg;
    parentPort.postMessage({ id: msg.id });
  } else if (msg.type === 'open') {
    parentPort.postMessage({ id: msg.id, result: await openLoop(msg.spec) });
  } else if (msg.type === 'closed') {
    parentPort.postMessage({ id: msg.id, result: await closedLoop(msg.spec) });
  } else if (msg.type === 'replies') {
    parentPort.postMessage({
      id: msg.id,
      result: { replies, lastText: msg.chats ? msg.chats.map((c) => lastText.get(String(c)) ?? null) : [] },
    });
  } else if (msg.type === 'stop') {
    agent.destroy();
    api.closeAllConnections();
    api.close(() => parentPort.postMessage({ id: msg.id }));
  }
});

api.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'ready', port: api.address().port }));
