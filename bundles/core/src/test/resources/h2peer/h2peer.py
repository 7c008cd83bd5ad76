#!/usr/bin/python3
"""A frame-level HTTP/2 peer for lws4j's server tests, on Debian's python3-h2.

Usage: h2peer.py PORT CASE

Each CASE opens a connection to 127.0.0.1:PORT with h2's client-side state machine (the preface
and SETTINGS), then sends its well-formed or bad frames (raw socket writes where h2 would refuse
to send them) and prints what came back, one line a frame (HPACK blocks decoded by hpack, h2's own
HPACK layer, independent of the server's):

    SETTINGS MAX_CONCURRENT_STREAMS=100,...   SETTINGS ack
    HEADERS <stream> :status=200 [end]        DATA <stream> <length> [end]
    RST_STREAM <stream> <ERROR_NAME>          GOAWAY <last-stream-id> <ERROR_NAME>
    PING ack                                  WINDOW_UPDATE <stream> <increment>
    EOF (the server closed)   TIMEOUT (nothing more came)   RESET (the server reset the socket)

A run of identical lines is printed once with " *N" after it (floods get thousands of acks).
The last line is DONE. The Java test asserts on these lines.
"""
import socket
import struct
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.settings
import hpack

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIO = 0x1, 0x1, 0x4, 0x8, 0x20
MAX_WINDOW = 2 ** 31 - 1


def error_name(code):
    try:
        return h2.errors.ErrorCodes(code).name
    except ValueError:
        return "0x%x" % code


def frame(ftype, flags, sid, payload=b""):
    """A raw frame: the 9-octet header and the payload, whatever they say."""
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", sid) + payload


class Peer:
    """One connection: h2's client state machine opens it; frames back are parsed raw."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        cfg = h2.config.H2Configuration(client_side=True, header_encoding="utf-8",
                                        validate_outbound_headers=False, normalize_outbound_headers=False,
                                        validate_inbound_headers=False)
        self.conn = h2.connection.H2Connection(config=cfg)
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())
        # the same HPACK context h2 would use, so every block stays in step with the server's table
        self.encoder = self.conn.encoder
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 24
        self.buf = b""
        self.block = None  # (stream, flags, fragments) while a field block spans CONTINUATIONs
        self.closed = False
        self.last = None
        self.repeat = 0

    # ---- sending --------------------------------------------------------------------------

    def send(self, data):
        """Writes raw octets; a server that already closed is not an error of the peer's."""
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def block_of(self, headers, huffman=True):
        return self.encoder.encode(headers, huffman=huffman)

    def headers(self, sid, headers, end_stream=True, flags=0, prefix=b""):
        return frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else 0) | flags, sid,
                     prefix + self.block_of(headers))

    def get(self, sid, path="/hello.txt", extra=()):
        return self.headers(sid, [(":method", "GET"), (":scheme", "http"), (":path", path),
                                  (":authority", "localhost")] + list(extra))

    def post(self, sid, path="/dyn/up"):
        return self.headers(sid, [(":method", "POST"), (":scheme", "http"), (":path", path),
                                  (":authority", "localhost")], end_stream=False)

    # ---- receiving ------------------------------------------------------------------------

    def emit(self, line):
        if line == self.last:
            self.repeat += 1
            return
        self.flush()
        self.last, self.repeat = line, 1

    def flush(self):
        if self.last is not None:
            print(self.last + (" *%d" % self.repeat if self.repeat > 1 else ""), flush=True)
        self.last, self.repeat = None, 0

    def read(self, until=None, timeout=None):
        """Prints frames until a line satisfies until, the server closes, or timeout seconds pass."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while not self.closed:
            while len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) < 9 + length:
                    break
                ftype, flags, sid = self.buf[3], self.buf[4], int.from_bytes(self.buf[5:9], "big") & MAX_WINDOW
                payload, self.buf = self.buf[9:9 + length], self.buf[9 + length:]
                line = self.describe(ftype, flags, sid, payload)
                if line:
                    self.emit(line)
                    if until and until(line):
                        return line
            left = deadline - time.monotonic()
            if left <= 0:
                self.emit("TIMEOUT")
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                self.emit("RESET")
                self.closed = True
                return None
            if not data:
                self.emit("EOF")
                self.closed = True
                return None
            self.buf += data
        return None

    def describe(self, ftype, flags, sid, payload):
        if ftype == SETTINGS:
            if flags & ACK:
                return "SETTINGS ack"
            self.send(frame(SETTINGS, ACK, 0))
            pairs = [struct.unpack(">HI", payload[i:i + 6]) for i in range(0, len(payload), 6)]
            return "SETTINGS " + ",".join("%s=%d" % (h2.settings.SettingCodes(k).name, v) for k, v in pairs)
        if ftype in (HEADERS, CONTINUATION):
            if ftype == HEADERS:
                body = payload
                if flags & PADDED:
                    body = body[1:len(body) - body[0]]
                if flags & PRIO:
                    body = body[5:]
                self.block = (sid, flags, [body])
            else:
                self.block[2].append(payload)
            if not flags & END_HEADERS:
                return None
            sid, first, parts = self.block
            self.block = None
            fields = self.decoder.decode(b"".join(parts))
            status = [v for k, v in fields if k in (":status", b":status")]
            extra = ["%s=%s" % (k, v) for k, v in fields if k in ("sec-websocket-protocol",)]
            return "HEADERS %d :status=%s%s%s" % (sid, status[0] if status else "?",
                                                 "".join(" " + e for e in extra),
                                                 " end" if first & END_STREAM else "")
        if ftype == DATA:
            self.on_data(sid, payload, flags)
            return "DATA %d %d%s" % (sid, len(payload), " end" if flags & END_STREAM else "")
        if ftype == RST_STREAM:
            return "RST_STREAM %d %s" % (sid, error_name(struct.unpack(">I", payload)[0]))
        if ftype == GOAWAY:
            last, code = struct.unpack(">II", payload[:8])
            return "GOAWAY %d %s" % (last & MAX_WINDOW, error_name(code))
        if ftype == PING:
            return "PING ack" if flags & ACK else "PING"
        if ftype == WINDOW_UPDATE:
            return "WINDOW_UPDATE %d %d" % (sid, struct.unpack(">I", payload)[0] & MAX_WINDOW)
        return "FRAME %d %d" % (ftype, sid)

    def on_data(self, sid, payload, flags):
        pass

    def done(self):
        self.flush()
        print("DONE", flush=True)
        self.sock.close()


def ended(sid):
    """A predicate: the line that ends stream sid (its last DATA or HEADERS, or its reset)."""
    return lambda l: (l.startswith("DATA %d " % sid) or l.startswith("HEADERS %d " % sid)) and l.endswith(" end") \
        or l.startswith("RST_STREAM %d " % sid)


def server_settings(line):
    return line.startswith("SETTINGS ") and line != "SETTINGS ack"


def goaway_then_eof(p, timeout=None):
    p.read(until=lambda l: l.startswith("GOAWAY"), timeout=timeout)
    p.read()  # on to the close: the connection ends


# ---- the cases ------------------------------------------------------------------------------

def case_get(port):
    """A well-behaved request, driven entirely by h2's state machine (strict validation on)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    conn.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":path", "/hello.txt"),
                          (":authority", "localhost")], end_stream=True)
    sock.sendall(conn.data_to_send())
    body = b""
    finished = False
    while not finished:
        data = sock.recv(65536)
        if not data:
            print("EOF")
            break
        for e in conn.receive_data(data):
            if isinstance(e, h2.events.ResponseReceived):
                print("RESPONSE %d %s" % (e.stream_id, dict(e.headers)[":status"]))
            elif isinstance(e, h2.events.DataReceived):
                body += e.data
                conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
            elif isinstance(e, h2.events.StreamEnded):
                print("BODY %d %r" % (e.stream_id, body.decode()))
                finished = True
            elif isinstance(e, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                print(type(e).__name__, e.error_code)
                finished = True
        sock.sendall(conn.data_to_send())
    conn.close_connection()
    sock.sendall(conn.data_to_send())
    sock.close()
    print("DONE")


def case_streams(port):
    """100 open streams (the limit the server announces); the 101st is refused, the others go on."""
    p = Peer(port)
    p.read(until=server_settings)
    p.send(b"".join(p.post(sid) for sid in range(1, 201, 2)))
    p.send(p.post(201))
    p.read(until=lambda l: l.startswith("RST_STREAM 201"))
    p.send(frame(DATA, END_STREAM, 1, b"abc"))
    p.read(until=ended(1))
    p.send(p.get(203))
    p.read(until=ended(203))
    p.done()


def case_hpack_bomb(port):
    """One 4000-octet table entry, then a block naming it 100 times: 400 KB of fields from 100 octets."""
    other = Peer(port)  # a connection open beside it all along
    other.read(until=server_settings)
    p = Peer(port)
    p.send(p.get(1, extra=[("x-big", "b" * 4000)]))  # indexed: the newest entry, 62
    p.read(until=ended(1))
    p.send(frame(HEADERS, END_HEADERS | END_STREAM, 3, bytes([0x80 | 62]) * 100))
    p.read(until=ended(3))
    p.send(p.get(5, extra=[("x-big", "b" * 4000)]))  # the table is still in step
    p.read(until=ended(5))
    p.flush()
    print("OTHER")
    other.send(other.get(1))
    other.read(until=ended(1))
    other.flush()
    p.done()


def case_big_header(port):
    """A 20,000-octet field (over the 16 KiB list limit) in HEADERS and CONTINUATION."""
    p = Peer(port)
    block = p.encoder.encode([(":method", "GET"), (":scheme", "http"), (":path", "/hello.txt"),
                              (":authority", "localhost"), ("x-long", "l" * 20000)], huffman=False)
    p.send(frame(HEADERS, END_STREAM, 1, block[:16384]) + frame(CONTINUATION, END_HEADERS, 1, block[16384:]))
    p.read(until=ended(1))
    p.send(p.get(3))
    p.read(until=ended(3))
    p.done()


def case_continuation_flood(port):
    """A field block that never ends: CONTINUATIONs of 16,000 octets past the block limit."""
    p = Peer(port)
    p.send(frame(HEADERS, 0, 1, b"\x82") + frame(CONTINUATION, 0, 1, b"\x82" * 16000) * 6)
    goaway_then_eof(p)
    p.done()


def case_empty_continuation_flood(port):
    p = Peer(port)
    p.send(frame(HEADERS, 0, 1, b"\x82") + frame(CONTINUATION, 0, 1) * 1000)
    goaway_then_eof(p)
    p.done()


def case_empty_data_flood(port):
    p = Peer(port)
    p.send(p.post(1) + frame(DATA, 0, 1) * 1000)
    goaway_then_eof(p)
    p.done()


def case_empty_headers_flood(port):
    """HEADERS with empty field blocks on new streams: each is malformed, and they count."""
    p = Peer(port)
    p.send(b"".join(frame(HEADERS, END_HEADERS | END_STREAM, sid) for sid in range(1, 2001, 2)))
    goaway_then_eof(p)
    p.done()


def case_rapid_reset(port):
    """CVE-2023-44487: requests reset as soon as they are sent."""
    p = Peer(port)
    p.read(until=server_settings)
    p.send(b"".join(p.get(sid) + frame(RST_STREAM, 0, sid, struct.pack(">I", 8)) for sid in range(1, 2001, 2)))
    goaway_then_eof(p, timeout=20)
    p.done()


def case_settings_flood(port):
    p = Peer(port)
    p.send(frame(SETTINGS, 0, 0) * 5000)
    goaway_then_eof(p)
    p.done()


def case_ping_flood(port):
    p = Peer(port)
    p.send(frame(PING, 0, 0, b"12345678") * 5000)
    goaway_then_eof(p)
    p.done()


def case_stall(port):
    """A peer that never opens its window: the response cannot be sent, the stream is given up."""
    p = Peer(port, timeout=60)
    p.send(frame(SETTINGS, 0, 0, struct.pack(">HI", 4, 0)))  # SETTINGS_INITIAL_WINDOW_SIZE 0
    p.send(p.get(1))
    p.read(until=lambda l: l.startswith("RST_STREAM 1") or l.startswith("GOAWAY"))
    p.read(until=lambda l: l.startswith("GOAWAY"))
    p.read()
    p.done()


def case_pseudo(port):
    """Malformed pseudo-header sections (RFC 9113 8.3): each stream reset, the connection goes on."""
    p = Peer(port)
    base = [(":method", "GET"), (":scheme", "http"), (":path", "/hello.txt"), (":authority", "localhost")]
    bad = [
        base[1:],                                             # no :method
        [base[0], base[1], base[3]],                          # no :path
        [base[0], base[1], (":path", ""), base[3]],           # empty :path
        base + [(":foo", "bar")],                             # an unknown pseudo-header
        base[:2] + [("accept", "*/*"), base[2], base[3]],     # a pseudo-header after a field
        base + [(":path", "/again")],                         # :path twice
        base + [(":status", "200")],                          # a response pseudo-header
        base + [("X-Upper", "1")],                            # an upper-case field name
        [(":method", "GET"), (":scheme", "http"), (":path", "/a b"), base[3]],  # white space in :path
    ]
    sid = 1
    for fields in bad:
        p.send(p.headers(sid, fields))
        p.read(until=ended(sid))
        sid += 2
    p.send(p.get(sid))
    p.read(until=ended(sid))
    p.done()


def case_connection_headers(port):
    """Connection-specific fields are malformed in HTTP/2 (8.2.2); te: trailers is the one allowed."""
    p = Peer(port)
    sid = 1
    for field in [("connection", "keep-alive"), ("keep-alive", "timeout=5"), ("proxy-connection", "keep-alive"),
                  ("transfer-encoding", "chunked"), ("upgrade", "websocket"), ("te", "gzip")]:
        p.send(p.get(sid, extra=[field]))
        p.read(until=ended(sid))
        sid += 2
    p.send(p.get(sid, extra=[("te", "trailers")]))
    p.read(until=ended(sid))
    p.done()


def case_closed_stream(port):
    """Frames on streams that are half-closed or closed (RFC 9113 5.1)."""
    p = Peer(port)
    p.send(frame(SETTINGS, 0, 0, struct.pack(">HI", 4, 0)))  # hold responses back: stream 1 stays open
    p.send(p.get(1))
    p.read(until=lambda l: l.startswith("HEADERS 1"))
    p.send(frame(DATA, 0, 1, b"x"))  # the peer ended stream 1: half-closed (remote)
    p.read(until=lambda l: l.startswith("RST_STREAM 1"))
    p.send(frame(DATA, 0, 1, b"x"))  # on a stream the server reset: ignored
    p.send(frame(SETTINGS, 0, 0, struct.pack(">HI", 4, 65535)))
    p.send(p.get(3))
    p.read(until=ended(3))
    p.send(p.get(3))  # HEADERS on a closed stream
    goaway_then_eof(p)
    p.done()


def case_flow(port):
    """WINDOW_UPDATE of 0 and past 2^31-1, on a stream (stream errors) and on the connection."""
    p = Peer(port)
    p.send(p.post(1))
    p.send(frame(WINDOW_UPDATE, 0, 1, struct.pack(">I", 0)))
    p.read(until=lambda l: l.startswith("RST_STREAM 1"))
    p.send(p.post(3))
    p.send(frame(WINDOW_UPDATE, 0, 3, struct.pack(">I", MAX_WINDOW)))
    p.read(until=lambda l: l.startswith("RST_STREAM 3"))
    p.send(p.get(5))
    p.read(until=ended(5))
    p.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 0)))
    goaway_then_eof(p)
    p.done()


def case_flow_overflow(port):
    p = Peer(port)
    p.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", MAX_WINDOW)))
    goaway_then_eof(p)
    p.done()


def case_priority(port):
    """PRIORITY frames and HEADERS priorities are parsed and ignored; only a self-dependency is an error."""
    p = Peer(port)
    p.send(frame(PRIORITY, 0, 5, struct.pack(">IB", 0, 15)))       # on an idle stream
    p.send(frame(PRIORITY, 0, 1, struct.pack(">IB", 0x80000003, 200)))
    p.send(frame(HEADERS, END_HEADERS | END_STREAM | PRIO, 1, struct.pack(
        ">IB", 0x80000000, 255) + p.block_of([(":method", "GET"), (":scheme", "http"), (":path", "/hello.txt"),
                                              (":authority", "localhost")])))
    p.read(until=ended(1))
    p.send(frame(PRIORITY, 0, 1, struct.pack(">IB", 0, 16)))       # on a closed stream: allowed
    p.send(p.get(7))
    p.read(until=ended(7))
    p.send(frame(PRIORITY, 0, 9, struct.pack(">IB", 9, 16)))       # a stream depending on itself
    p.read(until=lambda l: l.startswith("RST_STREAM 9"))
    p.send(p.get(11))
    p.read(until=ended(11))
    p.done()


class WsPeer(Peer):
    """Keeps each stream's DATA so that WebSocket frames can be read back."""

    def __init__(self, port):
        super().__init__(port)
        self.received = {}

    def on_data(self, sid, payload, flags):
        self.received[sid] = self.received.get(sid, b"") + payload


def ws_frame(opcode, payload, mask=b"\x11\x22\x33\x44"):
    """A masked client frame (RFC 6455 5.2; RFC 8441 keeps the framing as it is)."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([0x80 | len(payload)])
    else:
        head += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_read(p, sid, start):
    """The server's next WebSocket frame on stream sid (unmasked, under 126 octets), from offset start."""
    while True:
        got = p.received.get(sid, b"")[start:]
        if len(got) >= 2 and len(got) >= 2 + (got[1] & 0x7f):
            return got[:2 + (got[1] & 0x7f)]
        if p.read(until=lambda l: l.startswith("DATA %d" % sid)) is None:
            return b"\x00\x00"


def case_ws(port):
    """RFC 8441: an extended CONNECT runs a WebSocket on a stream; :protocol elsewhere is malformed."""
    p = WsPeer(port)
    p.read(until=server_settings)
    connect = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"), (":path", "/"),
               (":authority", "localhost"), ("sec-websocket-version", "13"), ("sec-websocket-protocol", "echo")]
    p.send(p.headers(1, connect, end_stream=False))
    p.read(until=lambda l: l.startswith("HEADERS 1"))
    p.send(frame(DATA, 0, 1, ws_frame(0x1, b"hello over h2 from python")))
    got = ws_read(p, 1, 0)
    print("WS 1 opcode=%d text=%s" % (got[0] & 0x0f, got[2:].decode()))
    p.send(p.headers(3, [(":method", "GET"), (":protocol", "websocket"), (":scheme", "http"), (":path", "/"),
                         (":authority", "localhost")]))                 # :protocol on GET
    p.read(until=ended(3))
    p.send(p.headers(5, [(":method", "CONNECT"), (":protocol", "websocket"), (":authority", "localhost")],
                     end_stream=False))                                 # extended CONNECT without :path, :scheme
    p.read(until=ended(5))
    before = len(p.received[1])
    p.send(frame(DATA, END_STREAM, 1, ws_frame(0x8, struct.pack(">H", 1000) + b"bye")))
    close = ws_read(p, 1, before)
    p.read(until=ended(1))
    print("WS 1 opcode=%d code=%d" % (close[0] & 0x0f, struct.unpack(">H", close[2:4])[0]))
    p.done()


def case_ws_h2(port):
    """The same WebSocket over h2's own state machine, which checks our SETTINGS and responses strictly."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    settings = {}
    opened = closing = False
    echo = b""
    while True:
        data = sock.recv(65536)
        if not data:
            print("EOF")
            break
        for e in conn.receive_data(data):
            if isinstance(e, h2.events.RemoteSettingsChanged):
                settings.update({k: v.new_value for k, v in e.changed_settings.items()})
                print("ENABLE_CONNECT_PROTOCOL=%s" % settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL))
                if not opened:
                    opened = True
                    conn.send_headers(1, [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
                                          (":path", "/"), (":authority", "localhost"),
                                          ("sec-websocket-version", "13"), ("sec-websocket-protocol", "echo")])
            elif isinstance(e, h2.events.ResponseReceived):
                print("RESPONSE %d %s" % (e.stream_id, dict(e.headers)[":status"]))
                conn.send_data(1, ws_frame(0x2, bytes(range(200))))
            elif isinstance(e, h2.events.DataReceived):
                conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                echo += e.data
                if len(echo) == 4 + 200 and not closing:  # an unmasked binary frame: 2 octets, a 16-bit length, 200
                    print("ECHO %d binary=%s" % (e.stream_id, echo[4:] == bytes(range(200))))
                    conn.send_data(1, ws_frame(0x8, struct.pack(">H", 1000)), end_stream=True)
                    closing = True
            elif isinstance(e, h2.events.StreamEnded):
                print("ENDED %d" % e.stream_id)
                conn.close_connection()
                sock.sendall(conn.data_to_send())
                sock.close()
                print("DONE")
                return
            elif isinstance(e, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                print(type(e).__name__, e.error_code)
        sock.sendall(conn.data_to_send())
    print("DONE")


if __name__ == "__main__":
    globals()["case_" + sys.argv[2].replace("-", "_")](int(sys.argv[1]))
