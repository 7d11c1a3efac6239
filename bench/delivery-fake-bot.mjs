// A minimal fake Bot API for bench/delivery-bench.ts, in a worker thread so that the workers under test
// have the main thread to themselves. Plain JS: worker threads do not go through the TS loader.
// Answers every request with ok:true and keeps the arrival time of each message.
// The HTTP side is bench/fake-bot-api-server.mjs.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { serveFakeBotApi } from './fake-bot-api-server.mjs';

let times = [];
const server = serveFakeBotApi(
  () => times.push(Date.now()),
  (port) => parentPort.postMessage({ port }),
);

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
  }
});
