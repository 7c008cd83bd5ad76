#!/usr/bin/python3
"""Writes the HPACK corpus HpackCorpusTest replays: header blocks produced by real encoders,
each with the list an independent decoder (Python's hpack, as Debian's python3-hpack ships it)
reads from it.

Sources:
  python-hpack-*  the hpack Encoder over realistic request and response lists, with and
                  without Huffman, and with table size changes;
  nghttp-*, curl-*, h2load-*  request blocks that Debian's nghttp, curl and h2load (all
                  libnghttp2) send to a capture server on 127.0.0.1, several requests on one
                  connection so the dynamic table is used; the capture server's responses
                  (python3-h2) are recorded as well.

One file per connection: blocks separated by a blank line; a block is its hex on one line,
then one "name<TAB>value" line per field. Run: /usr/bin/python3 make_corpus.py (needs
python3-h2, nghttp2-client, curl).
"""
import socket, subprocess, threading, sys, os
from hpack import Encoder, Decoder
import h2.connection, h2.config, h2.events

OUT = os.path.dirname(os.path.abspath(__file__))

def write(name, blocks):
    dec = Decoder()
    dec.max_header_list_size = 1 << 20
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        for i, b in enumerate(blocks):
            if i:
                f.write("\n")
            f.write(b.hex() + "\n")
            for n, v in dec.decode(b, raw=True):
                f.write(n.decode("latin-1") + "\t" + v.decode("latin-1") + "\n")

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
def requests():
    base = [(":method", "GET"), (":scheme", "https"), (":authority", "localhost:7682"),
            ("user-agent", UA), ("accept-encoding", "gzip, deflate, br"), ("accept-language", "en-GB,en;q=0.9")]
    out = []
    for path, accept in [("/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                         ("/lws-common.js", "*/*"), ("/test.css", "text/css,*/*;q=0.1"),
                         ("/libwebsockets.org-logo.svg", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
                         ("/favicon.ico", "image/*")]:
        out.append(base[:2] + [(":path", path)] + base[2:] + [("accept", accept),
                   ("cookie", "session=0123456789abcdef0123456789abcdef"), ("sec-fetch-dest", "document"),
                   ("referer", "https://localhost:7682/")])
    out.append([(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", "/"),
                (":authority", "localhost:7682"), ("sec-websocket-version", "13"),
                ("sec-websocket-protocol", "dumb-increment-protocol"),
                ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits"), ("origin", "https://localhost:7682")])
    out.append([(":method", "POST"), (":scheme", "https"), (":path", "/formtest"), (":authority", "localhost:7682"),
                ("content-type", "application/x-www-form-urlencoded"), ("content-length", "27"),
                ("authorization", "Basic dXNlcjpwYXNzd29yZA==")])
    return out

def responses():
    date = "Tue, 05 Mar 2024 10:%02d:%02d GMT"
    out = []
    for i, (status, ctype, length) in enumerate([("200", "text/html", "9871"), ("200", "application/javascript", "3345"),
                                                 ("304", None, None), ("404", "text/html", "120"), ("200", "image/svg+xml", "7345")]):
        l = [(":status", status), ("server", "lws4j"), ("date", date % (i, 7 * i))]
        if ctype:
            l += [("content-type", ctype), ("content-length", length)]
        l += [("cache-control", "no-store"), ("etag", '"%08x"' % (0x5f3a1 * (i + 1))),
              ("set-cookie", "id=a3fWa%d; Max-Age=2592000; Secure; HttpOnly" % i)]
        out.append(l)
    out.append([(":status", "200"), ("sec-websocket-protocol", "dumb-increment-protocol"),
                ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits=15")])
    return out

def python_hpack():
    for huff in (True, False):
        for kind, lists in (("requests", requests()), ("responses", responses())):
            enc = Encoder()
            blocks = []
            for i, l in enumerate(lists):
                if i == 3:
                    enc.header_table_size = 256
                if i == 5:
                    enc.header_table_size = 4096
                blocks.append(enc.encode(l, huffman=huff))
            write("python-hpack-%s%s" % (kind, "" if huff else "-raw"), blocks)

def frames(data):
    """Splits bytes into (type, flags, stream, payload); returns frames and the rest."""
    out = []
    while len(data) >= 9:
        n = int.from_bytes(data[0:3], "big")
        if len(data) < 9 + n:
            break
        out.append((data[3], data[4], int.from_bytes(data[5:9], "big") & 0x7fffffff, data[9:9 + n]))
        data = data[9 + n:]
    return out, data

def fragment(t, flags, payload):
    if flags & 0x8:
        pad = payload[0]
        payload = payload[1:len(payload) - pad]
    if t == 1 and flags & 0x20:
        payload = payload[5:]
    return payload

def serve(conn, sink):
    h2c = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    h2c.initiate_connection()
    conn.sendall(h2c.data_to_send())
    buf, rest, block, sent = b"", b"", b"", []
    preface = False
    while True:
        d = conn.recv(65536)
        if not d:
            break
        rest += d
        if not preface:
            if len(rest) < 24:
                continue
            rest, preface = rest[24:], True
        fs, rest = frames(rest)
        for t, flags, sid, payload in fs:
            if t in (1, 9):
                block += fragment(t, flags, payload)
                if flags & 0x4:
                    sink["requests"].append(block)
                    block = b""
        events = h2c.receive_data(d)
        for e in events:
            if isinstance(e, h2.events.RequestReceived):
                h2c.send_headers(e.stream_id, [(":status", "200"), ("content-type", "text/plain"),
                                               ("content-length", "2"), ("server", "capture")])
                h2c.send_data(e.stream_id, b"ok", end_stream=True)
        out = h2c.data_to_send()
        if out:
            fs2, _ = frames(out)
            for t, flags, sid, payload in fs2:
                if t == 1:
                    sink["responses"].append(fragment(t, flags, payload))
            conn.sendall(out)
    conn.close()

def accept(sock, sinks, threads):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        sink = {"requests": [], "responses": []}
        sinks.append(sink)
        t = threading.Thread(target=serve, args=(conn, sink))
        threads.append(t)
        t.start()

def capture(name, argv_for_port):
    """Runs a client against the capture server; one pair of files per connection it opened."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    port = sock.getsockname()[1]
    sinks, threads = [], []
    acceptor = threading.Thread(target=accept, args=(sock, sinks, threads))
    acceptor.start()
    subprocess.run(argv_for_port(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    acceptor.join(30)
    for t in threads:
        t.join(30)
    for i, sink in enumerate(sinks):
        suffix = "" if len(sinks) == 1 else "-%d" % (i + 1)
        write(name + suffix + "-requests", sink["requests"])
        write(name + suffix + "-responses", sink["responses"])

def main():
    python_hpack()
    paths = ["/", "/lws-common.js", "/test.css", "/favicon.ico", "/formtest?a=1&b=%C3%A9"]
    capture("nghttp", lambda p: ["nghttp", "-n", "-H", "user-agent: nghttp-corpus", "-H", "accept-language: en",
                                 "-H", "cookie: a=b; c=d"] + ["http://127.0.0.1:%d%s" % (p, x) for x in paths])
    capture("curl", lambda p: ["curl", "-s", "-o", "/dev/null", "--http2-prior-knowledge",
                               "-H", "x-request-id: 7f0c2a", "-H", "accept: application/json"]
            + ["http://127.0.0.1:%d%s" % (p, x) for x in paths])
    capture("h2load", lambda p: ["h2load", "-n", "12", "-c", "1", "-m", "4",
                                 "-H", "cookie: session=42", "http://127.0.0.1:%d/bench" % p])

if __name__ == "__main__":
    main()
