"""permessage-deflate through lws-echo with Debian's python3-websockets (10.x) client.

For every combination of parameters a client can offer (context takeover on and off both ways,
client_max_window_bits not offered / offered without a value / 9..15, server_max_window_bits not
offered / 9..15): check the Sec-WebSocket-Extensions answer, then echo text and binary messages of
0 B, 1 B, 125 B and 64 KiB, whole and fragmented; the combinations in BIG also echo 16 MiB. The
client inflates with the window the server announced, and zlib checks every distance against it,
so a server that compressed with more than it agreed would fail here.

    /usr/bin/python3 python-deflate-matrix.py ws://127.0.0.1:PORT/

Prints one line per failure and a summary; exits 1 if anything failed.
"""
import asyncio
import os
import random
import sys
import time

import websockets
from websockets.extensions import permessage_deflate as pmd

URL = sys.argv[1]
SIZES = [0, 1, 125, 64 * 1024]
BIG = 16 * 1024 * 1024
TIMEOUT = 60
WORDS = ['{"id":', '"name":', '"value":', 'true', 'false', 'null', '"lws4j"', '"deflate"', ',', '}', ' ', '"été"', '"ω"', '42']

# count the compressed messages the server sends: frames arriving with RSV1
compressed_in = [0]
_decode = pmd.PerMessageDeflate.decode


def _counting_decode(self, frame, *, max_size=None):
    if frame.rsv1:
        compressed_in[0] += 1
    return _decode(self, frame, max_size=max_size)


pmd.PerMessageDeflate.decode = _counting_decode


def combos():
    out = []
    for snct, cnct in [(False, False), (True, False), (False, True), (True, True)]:
        for cbits in [None, True, 9, 10, 11, 12, 13, 14, 15]:
            for sbits in [None, 9, 10, 11, 12, 13, 14, 15]:
                big = (snct, cnct, cbits, sbits) in BIG_SET
                out.append((snct, cnct, cbits, sbits, big))
    return out


# 16 MiB for a representative subset: each takeover pair once, with different windows
BIG_SET = {(False, False, True, None), (True, False, 9, 9), (False, True, 12, 12), (True, True, 15, 15)}
if os.environ.get('NO_BIG'):
    BIG_SET = set()


def expected_answer(snct, cnct, cbits, sbits):
    s = 'permessage-deflate'
    if snct:
        s += '; server_no_context_takeover'
    if cnct:
        s += '; client_no_context_takeover'
    if sbits:
        s += '; server_max_window_bits=%d' % sbits
    if isinstance(cbits, int) and cbits is not True:
        s += '; client_max_window_bits=%d' % cbits
    return s


def text(size):
    parts, n = [], 0
    while True:
        w = random.choice(WORDS)
        b = len(w.encode())
        if n + b > size:
            break
        parts.append(w)
        n += b
    return ''.join(parts) + 'x' * (size - n)


def binary(size):
    half = size // 2
    return os.urandom(half) + bytes(i & 0x3f for i in range(half, size)) if size < 1 << 20 else \
        os.urandom(half) + (bytes(range(64)) * ((size - half) // 64 + 1))[:size - half]


def split3(m):
    n = len(m)
    return [m[0:n // 3], m[n // 3:2 * n // 3], m[2 * n // 3:]]


async def run(snct, cnct, cbits, sbits, big):
    factory = pmd.ClientPerMessageDeflateFactory(
        server_no_context_takeover=snct, client_no_context_takeover=cnct,
        server_max_window_bits=sbits, client_max_window_bits=cbits)
    async with websockets.connect(URL, compression=None, extensions=[factory], max_size=None,
                                  open_timeout=10, close_timeout=10) as ws:
        got = ws.response_headers.get('Sec-WebSocket-Extensions', '')
        want = expected_answer(snct, cnct, cbits, sbits)
        if got != want:
            raise AssertionError('Sec-WebSocket-Extensions "%s", expected "%s"' % (got, want))
        for size in SIZES + ([BIG] if big else []):
            for is_binary in (False, True):
                for fragmented in (False, True):
                    m = binary(size) if is_binary else text(size)
                    what = '%s %d B%s' % ('binary' if is_binary else 'text', size, ' fragmented' if fragmented else '')
                    before = compressed_in[0]
                    await asyncio.wait_for(ws.send(split3(m) if fragmented else m), TIMEOUT)
                    back = await asyncio.wait_for(ws.recv(), TIMEOUT)
                    if type(back) is not type(m):
                        raise AssertionError('%s: came back as %s' % (what, type(back).__name__))
                    if back != m:
                        raise AssertionError('%s: came back different (%d)' % (what, len(back)))
                    if compressed_in[0] == before:
                        raise AssertionError('%s: the echo was not compressed (no RSV1)' % what)


async def main():
    all_combos = combos()
    t0 = time.time()
    failed = 0
    for c in all_combos:
        try:
            await run(*c)
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            failed += 1
            print('FAIL python snct=%s cnct=%s client_max_window_bits=%s server_max_window_bits=%s: %r'
                  % (c[0], c[1], c[2], c[3], e), flush=True)
            if failed >= 10:
                break
    print('python-websockets %s: %d parameter combinations, %d with 16 MiB messages, %d failed, %d ms'
          % (websockets.__version__, len(all_combos), sum(1 for c in all_combos if c[4]), failed,
             (time.time() - t0) * 1000), flush=True)
    return 1 if failed else 0


sys.exit(asyncio.run(main()))
