'use strict';
// permessage-deflate through lws-echo with the npm `ws` client (version 8), for every combination
// of parameters a client can offer: context takeover on and off both ways, client_max_window_bits
// not offered / offered without a value / 9..15, server_max_window_bits not offered / 9..15.
// Each connection checks the Sec-WebSocket-Extensions answer it got, then echoes text and binary
// messages of 0 B, 1 B, 125 B and 64 KiB, whole and fragmented; the combinations in BIG also echo
// 16 MiB messages.
//
//   node ws-deflate-matrix.cjs ws://127.0.0.1:PORT/      (NODE_PATH must hold `ws`)
//
// Prints one line per failure and a summary; exits 1 if anything failed.
const WebSocket = require('ws');
const crypto = require('crypto');

const url = process.argv[2];
const SIZES = [0, 1, 125, 64 * 1024];
const BIG_SIZE = 16 * 1024 * 1024;
const TIMEOUT_MS = 60000;

// 16 MiB messages for a representative subset only (time): each takeover pair once, with different windows
const BIG = [[false, false, true, undefined], [true, false, 9, 9], [false, true, 12, 12], [true, true, 15, 15]];

function combos() {
  const out = [];
  for (const [snct, cnct] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const cbits of [false, true, 9, 10, 11, 12, 13, 14, 15]) {
      for (const sbits of [undefined, 9, 10, 11, 12, 13, 14, 15]) {
        const big = !process.env.NO_BIG && BIG.some((b) => b.join() === [snct, cnct, cbits, sbits].join());
        out.push({ snct, cnct, cbits, sbits, big });
      }
    }
  }
  return out;
}

function expectedAnswer(c) {
  let s = 'permessage-deflate';
  if (c.snct) s += '; server_no_context_takeover';
  if (c.cnct) s += '; client_no_context_takeover';
  if (c.sbits) s += '; server_max_window_bits=' + c.sbits;
  if (typeof c.cbits === 'number') s += '; client_max_window_bits=' + c.cbits;
  return s;
}

function name(c) {
  return `snct=${c.snct} cnct=${c.cnct} client_max_window_bits=${c.cbits} server_max_window_bits=${c.sbits}`;
}

// compressible text with some non-ASCII characters (JSON-like), and binary: half random, half pattern
const WORDS = ['{"id":', '"name":', '"value":', 'true', 'false', 'null', '"lws4j"', '"deflate"', ',', '}', ' ', '"été"', '"ω"', '42'];
function text(size) {
  const parts = [];
  let bytes = 0;
  for (;;) {
    const w = WORDS[Math.floor(Math.random() * WORDS.length)];
    const n = Buffer.byteLength(w);
    if (bytes + n > size) break;
    parts.push(w);
    bytes += n;
  }
  return parts.join('') + 'x'.repeat(size - bytes); // exactly size bytes, never a cut character
}
function binary(size) {
  const b = Buffer.alloc(size);
  crypto.randomFillSync(b, 0, Math.floor(size / 2));
  for (let i = Math.floor(size / 2); i < size; i++) b[i] = i & 0x3f;
  return b;
}

function open(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: {
        serverNoContextTakeover: c.snct || undefined,
        clientNoContextTakeover: c.cnct || undefined,
        serverMaxWindowBits: c.sbits,
        clientMaxWindowBits: c.cbits,
        threshold: 0, // compress every message, even the empty one
      },
      maxPayload: 0,
      handshakeTimeout: 10000,
    });
    let answer = null;
    ws.on('upgrade', (res) => { answer = res.headers['sec-websocket-extensions'] || ''; });
    ws.once('open', () => resolve({ ws, answer }));
    ws.once('error', reject);
  });
}

function echo(conn, payload, isBinary, fragmented) {
  const ws = conn.ws;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo within ' + TIMEOUT_MS + ' ms')), TIMEOUT_MS);
    const before = ws._socket.bytesRead;
    ws.once('message', (data, binary) => {
      clearTimeout(timer);
      ws.removeListener('close', onClose);
      resolve({ data, binary, wire: ws._socket.bytesRead - before });
    });
    const onClose = (code, reason) => { clearTimeout(timer); reject(new Error(`closed ${code} ${reason}`)); };
    ws.once('close', onClose);
    const opts = { binary: isBinary, compress: true };
    if (!fragmented) {
      ws.send(payload, { ...opts, fin: true });
    } else {
      // three fragments (a string is cut between characters, never inside one)
      const n = payload.length;
      const cuts = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
      for (let i = 0; i < 3; i++) {
        ws.send(payload.slice(cuts[i], cuts[i + 1]), { ...opts, fin: i === 2 });
      }
    }
  });
}

async function run(c) {
  const conn = await open(c);
  const want = expectedAnswer(c);
  if (conn.answer !== want) throw new Error(`Sec-WebSocket-Extensions "${conn.answer}", expected "${want}"`);
  const sizes = c.big ? SIZES.concat([BIG_SIZE]) : SIZES;
  for (const size of sizes) {
    for (const isBinary of [false, true]) {
      for (const fragmented of [false, true]) {
        const payload = isBinary ? binary(size) : text(size);
        const expected = isBinary ? payload : Buffer.from(payload);
        const what = `${isBinary ? 'binary' : 'text'} ${size} B${fragmented ? ' fragmented' : ''}`;
        if (process.env.DEBUG) console.log('sending ' + what);
        const r = await echo(conn, payload, isBinary, fragmented).catch((e) => { throw new Error(`${what}: ${e.message}`); });
        if (r.binary !== isBinary) throw new Error(`${what}: came back as ${r.binary ? 'binary' : 'text'}`);
        if (!Buffer.from(r.data).equals(expected)) throw new Error(`${what}: came back different (${r.data.length} B)`);
        // the echo was compressed by the server: compressible text takes far fewer bytes on the wire
        if (!isBinary && size >= 64 * 1024 && r.wire > size / 2) {
          throw new Error(`${what}: ${r.wire} bytes on the wire; the server did not compress`);
        }
      }
    }
  }
  await new Promise((resolve) => { conn.ws.once('close', resolve); conn.ws.close(1000); });
}

(async () => {
  const all = combos();
  const t0 = Date.now();
  let failed = 0;
  for (const c of all) {
    try {
      await run(c);
    } catch (e) {
      failed++;
      console.log(`FAIL ws ${name(c)}: ${e.message}`);
      if (failed >= 10) break;
    }
  }
  console.log(`ws ${require('ws/package.json').version}: ${all.length} parameter combinations, ${all.filter((c) => c.big).length} with 16 MiB messages, ${failed} failed, ${Date.now() - t0} ms`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log('FAIL ws: ' + (e && e.stack || e)); process.exit(1); });
