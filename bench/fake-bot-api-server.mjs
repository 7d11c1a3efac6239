// The HTTP/1.1 side of the benchmarks' fake Bot APIs (bench/delivery-fake-bot.mjs, bench/telegram-fake-api.mjs),
// spoken directly over `net` (keep-alive, Content-Length bodies, pipelined requests), not node:http: it stands
// in for Telegram's servers, which do not share our cores, and node:http's server cost about as much CPU per
// message as the client side we measure. The client is unchanged: a full HTTP request through its own stack,
// answered with a well-formed sendMessage response. Plain JS: worker threads do not go through the TS loader.
import net from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /\r\ncontent-length:\s*(\d+)/i;
let nextId = 1;

function answer() {
  const body = `{"ok":true,"result":{"message_id":${nextId++},"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}`;
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n${body}`;
}

/**
 * Listens on a free port of 127.0.0.1 and answers every request with ok:true. `onRequest(buf, start, end)` sees
 * each request's body as `buf[start, end)` (decoded only by a caller that needs it); `onListening(port)` is
 * called once ready. `close(done)` stops listening and drops the open connections.
 */
export function serveFakeBotApi(onRequest, onListening) {
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
        onRequest(buf, end + 4, total);
        buf = buf.subarray(total);
        out += answer();
      }
      if (out) socket.write(out);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => onListening(server.address().port));
  return {
    close(done) {
      server.close(done);
      for (const s of sockets) s.destroy();
    },
  };
}
