// A minimal fake Bot API for bench/delivery-bench.ts, in a worker thread so that the workers under test
// have the main thread to themselves. Plain JS: worker threads do not go through the TS loader.
// Answers every request with ok:true and keeps the arrival time of each message.
//
// HTTP/1.1 spoken directly over `net` (keep-alive, Content-Length bodies, pipelined requests), not
// node:http: this stands in for Telegram's servers, which do not share our cores; node:http's server
// cost about as much CPU per message as the client side we measure. The client is unchanged: a full
// HTTP request through node:http and its parser, answered with a well-formed response.
import { parentPort } from 'node:worker_threads';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

let times = [];
let nextId = 1;
const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /\r\ncontent-length:\s*(\d+)/i;

function answer() {
  const body = `{"ok":true,"result":{"message_id":${nextId++},"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}`;
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n${body}`;
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
      buf = buf.subarray(total);
      times.push(Date.now());
      out += answer();
    }
    if (out) socket.write(out);
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));

let elu = performance.eventLoopUtilization();
parentPort.on('message', (m) => {
  if (m === 'count') parentPort.postMessage({ count: times.length });
  else if (m === 'times') parentPort.postMessage({ times });
  else if (m === 'busy') {
    // Time this thread spent working since the last ask (its share of the process' CPU).
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, elu);
    elu = now;
    parentPort.postMessage({ busyMs: d.active });
  } else if (m === 'reset') {
    times = [];
    parentPort.postMessage({ count: 0 });
  } else if (m === 'stop') {
    server.close(() => parentPort.postMessage({ stopped: true }));
    for (const s of sockets) s.destroy();
  }
});
