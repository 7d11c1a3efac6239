// A minimal fake Bot API for bench/delivery-bench.ts, in a worker thread so that the workers under test
// have the main thread to themselves. Plain JS: worker threads do not go through the TS loader.
// Answers sendMessage/sendDocument with ok:true and keeps the arrival time of each message.
import { parentPort } from 'node:worker_threads';
import http from 'node:http';

let times = [];
let nextId = 1;
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    times.push(Date.now());
    const body = `{"ok":true,"result":{"message_id":${nextId++},"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}`;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));

parentPort.on('message', (m) => {
  if (m === 'count') parentPort.postMessage({ count: times.length });
  else if (m === 'times') parentPort.postMessage({ times });
  else if (m === 'reset') {
    times = [];
    parentPort.postMessage({ count: 0 });
  } else if (m === 'stop') server.close(() => parentPort.postMessage({ stopped: true }));
});
