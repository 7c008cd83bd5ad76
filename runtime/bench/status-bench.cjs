'use strict';
// N dumb-increment connections (each counter pushed at 20 Hz), then one lws-status viewer for S
// seconds: how many reports it gets per second, their average size, and what the last one says.
// Driven by status-bench.sh:  node status-bench.cjs ws://127.0.0.1:PORT/ N S
const WebSocket = require('ws');
const [url, n, secs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const socks = [];
let open = 0;
for (let i = 0; i < n; i++) {
  const s = new WebSocket(url, 'dumb-increment-protocol');
  s.on('open', () => { if (++open === n) watch(); });
  s.on('error', (e) => { console.error('dumb', e.message); process.exit(1); });
  socks.push(s);
}
function watch() {
  const v = new WebSocket(url, 'lws-status');
  let reports = 0, bytes = 0, last = null, t0 = 0;
  v.on('open', () => { t0 = Date.now(); setTimeout(done, secs * 1000); });
  v.on('message', (m) => { reports++; bytes += m.length; last = m; });
  function done() {
    const el = (Date.now() - t0) / 1000;
    const j = JSON.parse(last);
    console.log(JSON.stringify({ connections: n, seconds: el, reports, perSecond: +(reports / el).toFixed(2),
      avgBytes: Math.round(bytes / reports), listed: j.connections.length, omitted: j.omitted,
      total: j.server.connections.total, messagesOut: j.server.traffic.messages_out, limits: j.server.limits }));
    process.exit(0);
  }
}
