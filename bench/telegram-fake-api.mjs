// The fake Bot API for bench/telegram-bench.ts, in a worker thread of its own: it stands for Telegram's
// servers, which do not share the app's cores nor the load generator's thread (Telegram's sending of
// updates and its receiving of replies are different machines). Plain JS: worker threads do not go through
// the TS loader.
//
// The HTTP side is bench/fake-bot-api-server.mjs, shared with bench/delivery-fake-bot.mjs. Keeps, per chat,
// the arrival times of replies (ms since the epoch, from performance.timeOrigin, comparable across threads)
// and the last text, for the end-to-end latencies.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { serveFakeBotApi } from './fake-bot-api-server.mjs';

let replies = 0;
/** chat id → arrival times of its replies since the last reset. */
let arrivals = new Map();
const lastText = new Map();
const now = () => performance.timeOrigin + performance.now();

function record(body) {
  replies++;
  const at = now();
  try {
    const p = JSON.parse(body);
    if (p.chat_id === undefined) return;
    const chat = String(p.chat_id);
    lastText.set(chat, String(p.text));
    let list = arrivals.get(chat);
    if (!list) arrivals.set(chat, (list = []));
    list.push(at);
  } catch {
    /* not JSON: counted, not matched */
  }
}

const server = serveFakeBotApi(
  (buf, start, end) => record(buf.toString('utf8', start, end)),
  (port) => parentPort.postMessage({ type: 'ready', port }),
);

let elu = performance.eventLoopUtilization();
parentPort.on('message', (m) => {
  if (m.type === 'replies') {
    parentPort.postMessage({
      id: m.id,
      result: { replies, lastText: m.chats ? m.chats.map((c) => lastText.get(String(c)) ?? null) : [] },
    });
  } else if (m.type === 'arrivals') {
    // The replies since the last reset, per chat; then a fresh start.
    const out = Object.fromEntries(arrivals);
    arrivals = new Map();
    parentPort.postMessage({ id: m.id, result: out });
  } else if (m.type === 'busy') {
    // Time this thread spent working since the last ask.
    const cur = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(cur, elu);
    elu = cur;
    parentPort.postMessage({ id: m.id, result: { busyMs: d.active } });
  } else if (m.type === 'stop') {
    server.close(() => parentPort.postMessage({ id: m.id }));
  }
});
