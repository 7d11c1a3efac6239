// Load generator (Telegram sending updates) for bench/telegram-bench.ts, in a worker thread so that the app
// under test has the main thread to itself; the fake Bot API that receives the replies is in a thread of its
// own (telegram-fake-api.mjs). Plain JS: worker threads do not go through the TS loader.
import { parentPort } from 'node:worker_threads';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

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
 * Fixed arrival rate, whatever the server does; latency counted from the scheduled send time. Returns the
 * webhook-only summary and, per update, its scheduled time, the time its webhook call was answered (ms since
 * the epoch, comparable with the fake Bot API's thread) and whether it succeeded: the bench matches them
 * with the replies' arrival times for the end-to-end figure.
 */
function openLoop(spec) {
  const total = Math.floor((spec.rate * spec.durationMs) / 1000);
  const webhookLat = new Float64Array(total);
  const scheduledAt = new Float64Array(total);
  const answeredAt = new Float64Array(total);
  const ok = new Uint8Array(total);
  let errors = 0;
  let done = 0;
  let i = 0;
  const t0 = performance.now() + 2;
  const origin = performance.timeOrigin;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * spec.rate) / 1000) + 1);
      while (i < due) {
        const k = i++;
        const scheduled = t0 + (k * 1000) / spec.rate;
        scheduledAt[k] = origin + scheduled;
        void send(spec, k).then((code) => {
          const t = performance.now();
          webhookLat[k] = t - scheduled;
          answeredAt[k] = origin + t;
          if (code === 200) ok[k] = 1;
          else errors++;
          if (++done === total) {
            const w = summary(webhookLat, errors, t - t0);
            resolve({ ...w, scheduledAt, answeredAt, ok });
          }
        });
      }
      if (i < total) setTimeout(tick, 1);
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
  } else if (msg.type === 'stop') {
    agent.destroy();
    parentPort.postMessage({ id: msg.id });
  }
});

parentPort.postMessage({ type: 'ready' });
