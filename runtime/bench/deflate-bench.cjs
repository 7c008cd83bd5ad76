'use strict';
// Benchmark (not a test): typical 2 KiB JSON messages echoed by lws-echo, one at a time, with and
// without permessage-deflate. Per message: bytes on the wire each way (frame headers included, as
// counted by the client's socket), the server's CPU time (utime+stime of its process, from
// /proc/PID/stat), and the round trip.
//
//   node deflate-bench.cjs ws://127.0.0.1:PORT/ SERVER_PID [messages]      (NODE_PATH must hold `ws`)
const WebSocket = require('ws');
const fs = require('fs');

const url = process.argv[2];
const pid = process.argv[3];
const N = Number(process.argv[4] || 20000);
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

function serverCpuUs() {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_US; // utime, stime
}

// same shape as DeflateMicroBench.json: an update with a dozen records, about 2 KiB
let seed = 42;
function rnd(n) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; }
function json(seq) {
  const units = ['C', 'kPa', '%', 'lx', 'ppm'];
  const states = ['ok', 'warning', 'stale', 'ok', 'ok'];
  let s = `{"type":"update","seq":${seq},"ts":"2026-11-25T10:${10 + rnd(50)}:${10 + rnd(50)}.${100 + rnd(900)}Z","items":[`;
  for (let i = 0; s.length < 1950; i++) {
    const id = rnd(5000);
    s += (i ? ',' : '') + `{"id":${id},"name":"sensor-${id % 300}","value":${rnd(10000) / 100},"unit":"${units[rnd(5)]}",`
      + `"state":"${states[rnd(5)]}","tags":["floor-${rnd(9)}","zone-${String.fromCharCode(97 + rnd(6))}"]}`;
  }
  return s + '],"more":false}';
}
const MESSAGES = Array.from({ length: 1000 }, (_, i) => json(i));

async function run(name, perMessageDeflate) {
  const ws = new WebSocket(url, { perMessageDeflate });
  let answer = '';
  ws.on('upgrade', (res) => { answer = res.headers['sec-websocket-extensions'] || '(none)'; });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const echo = (m) => new Promise((resolve) => { ws.once('message', resolve); ws.send(m); });
  for (let i = 0; i < 2000; i++) await echo(MESSAGES[i % MESSAGES.length]); // warm up both JITs
  const w0 = ws._socket.bytesWritten;
  const r0 = ws._socket.bytesRead;
  const c0 = serverCpuUs();
  const t0 = process.hrtime.bigint();
  let payload = 0;
  for (let i = 0; i < N; i++) {
    const m = MESSAGES[i % MESSAGES.length];
    payload += Buffer.byteLength(m);
    const back = await echo(m);
    if (back.length !== Buffer.byteLength(m)) throw new Error('echo of a different size');
  }
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpu = serverCpuUs() - c0;
  console.log(`${name.padEnd(34)} ${(payload / N).toFixed(0).padStart(7)} ${((ws._socket.bytesWritten - w0) / N).toFixed(0).padStart(9)} `
    + `${((ws._socket.bytesRead - r0) / N).toFixed(0).padStart(9)} ${(cpu / N).toFixed(1).padStart(13)} ${(us / N).toFixed(1).padStart(9)}   ${answer}`);
  ws.close();
}

(async () => {
  console.log(`${N} messages per row, one at a time`);
  console.log(`${'client offer'.padEnd(34)} ${'payload'.padStart(7)} ${'wire c>s'.padStart(9)} ${'wire s>c'.padStart(9)} ${'server us/msg'.padStart(13)} ${'rtt us'.padStart(9)}   answer`);
  await run('none', false);
  await run('permessage-deflate', { threshold: 0 });
  await run('permessage-deflate, no takeover', { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true });
  await run('permessage-deflate, 9-bit windows', { threshold: 0, serverMaxWindowBits: 9, clientMaxWindowBits: 9 });
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
