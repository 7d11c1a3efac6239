// The fake Bot API for bench/telegram-bench.ts, in a worker thread of its own: it stands for Telegram's
// servers, which do not share the app's cores nor the load generator's thread (Telegram's sending of
// updates and its receiving of replies are different machines). Plain JS: worker threads do not go through
// the TS loader.
//
// HTTP/1.1 spoken directly over `net` (keep-alive, Content-Length bodies, pipelined requests), as
// bench/delivery-fake-bot.mjs: node:http's server cost about as much CPU per message as the client side we
// measure. The app's client is unchanged: a full HTTP request through its own stack, answered with a
// well-formed response. Keeps, per chat, the arrival times of replies (ms since the epoch, from
// performance.timeOrigin, comparable across threads) and the last text, for the end-to-end latencies.
import { parentPort } from 'node:worker_threads';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

let replies = 0;
/** chat id → arrival times of its replies since the last reset. */
let arrivals = new Map();
const lastText = new Map();
let nextId = 1;
const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /\r\ncontent-length:\s*(\d+)/i;
const now = () => performance.timeOrigin + performance.now();

function answer() {
  const body = `{"ok":true,"result":{"message_id":${nextId++},"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}`;
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n${body}`;
}

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

const sockets = new Set();
const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let out = '';
    for (;;) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) break;
      const head = buf.toString('latin1', 0, end);
      const len = Number(LENGTH.exec(head)?.[1] ?? 0);
      const total = end + 4 + len;
      if (buf.length < total) break;
      record(buf.toString('utf8', end + 4, total));
      buf = buf.subarray(total);
      out += answer();
    }
    if (out) socket.write(out);
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'ready', port: server.address().port }));

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
    for (const s of sockets) s.destroy();
  }
});
