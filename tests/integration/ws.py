#!/usr/bin/env python3
"""WebSocket clients (IRCv3 websocket) against the real chatd.

Run by ws.sh, which starts chatd with a listen-ws and a listen-wss
listener and passes their ports in the environment. Prints TAP.
"""

import base64
import hashlib
import os
import random
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wslib import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG,  # noqa
                   OP_TEXT, TCP, WS, Closed, Reader, Tap, connect, has,
                   http_request, read_response, register)

host = os.environ.get("WS_HOST", "127.0.0.1")
tcp_port = int(os.environ["TCP_PORT"])
ws_port = int(os.environ["WS_PORT"])
wss_port = int(os.environ["WSS_PORT"])
conf = os.environ["CHATD_CONF"]
log = os.environ["CHATD_LOG"]
pid = int(os.environ["CHATD_PID"])
good_origin = "https://good.example"

t = Tap()


def ws(**kw):
    return WS(host, ws_port, **kw)


def raw_status(data, tls=False, port=None):
    """The HTTP status chatd answers raw request bytes with; it closes."""
    s = connect(host, port or ws_port, tls)
    try:
        s.sendall(data)
        r = Reader(s)
        status, _ = read_response(r)
        if not r.eof():
            return "status %d but the connection stayed open" % status
        return status
    finally:
        s.close()


def reload(line):
    """Append line to chatd.conf and wait for chatd to reload it."""
    with open(conf, "a") as f:
        f.write(line + "\n")
    before = open(log).read().count("configuration reloaded")
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while open(log).read().count("configuration reloaded") == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def status_is(want, data, **kw):
    got = raw_status(data, **kw)
    return True if got == want else "got %r, not %d" % (got, want)


def chat_text():
    """text.ircv3.net: register, join, chat both ways with a TCP client."""
    w = ws(protocols=["text.ircv3.net"])
    if not w.upgraded():
        return "no upgrade: %d %r" % (w.status, w.headers)
    if w.protocol != "text.ircv3.net":
        return "subprotocol %r" % w.protocol
    op, data = w.recv()
    if op != OP_TEXT or not data.startswith(b":") or data.endswith(b"\n"):
        return "first message %r (opcode %d)" % (data, op)
    register(w, "wendy")
    w.send("JOIN #ws")
    w.expect(has(" 366 wendy #ws "))
    p = TCP(host, tcp_port)
    register(p, "tom")
    p.send("JOIN #ws")
    p.expect(has(" 366 tom #ws "))
    w.expect(has("JOIN", "#ws", "tom"))
    p.send("PRIVMSG #ws :hello from TCP")
    w.expect(has(":tom!", "PRIVMSG #ws :hello from TCP"))
    w.send("PRIVMSG #ws :hello from WebSocket, caf\u00e9")
    p.expect(has(":wendy!", "PRIVMSG #ws :hello from WebSocket, caf\u00e9"))
    # A peer address, as for TCP: WHOIS shows the loopback host.
    p.send("WHOIS wendy")
    line = p.expect(has(" 311 tom wendy "))
    if host not in line:
        return "WHOIS host is not the peer address: %s" % line
    # A client that sends CR LF anyway is understood.
    w.send("PING :crlf\r\n")
    w.expect(has("PONG", "crlf"))
    w.send("QUIT :bye")
    p.expect(has(":wendy!", "QUIT"))
    w.expect(has("ERROR :Closing Link"))
    code = w.expect_close()
    if code != 1000:
        return "close code %r after QUIT" % code
    if not w.reader.eof():
        return "the TCP connection stayed open after the close frame"
    p.close()
    return True


def chat_binary():
    """binary.ircv3.net, preferred first: binary frames both ways."""
    w = ws(protocols=["binary.ircv3.net", "text.ircv3.net"])
    if not w.upgraded() or w.protocol != "binary.ircv3.net":
        return "status %d, subprotocol %r" % (w.status, w.protocol)
    op, _ = w.recv()
    if op != OP_BINARY:
        return "opcode %d on binary.ircv3.net" % op
    register(w, "bella")
    w.send("JOIN #ws")
    w.expect(has(" 366 bella #ws "))
    p = TCP(host, tcp_port)
    register(p, "tim")
    p.send("JOIN #ws")
    p.expect(has(" 366 tim #ws "))
    w.send("PRIVMSG #ws :binary hello")
    p.expect(has(":bella!", "PRIVMSG #ws :binary hello"))
    # Any bytes in a binary frame: chatd answers them as a TCP client
    # would be answered, and the connection stays.
    w.send(b"PRIVMSG #ws :caf\xe9")
    w.send("PING :still-there")
    w.expect(has("PONG", "still-there"))
    # A text frame is fine too.
    w.send("PING :text-frame", OP_TEXT)
    w.expect(has("PONG", "text-frame"))
    p.send("PRIVMSG #ws :reply")
    w.expect(has(":tim!", "PRIVMSG #ws :reply"))
    w.close()
    p.send("PING :after")
    p.expect(has("PONG", "after"))
    p.close()
    return True


def text_order():
    """text.ircv3.net preferred first is chosen over binary."""
    w = ws(protocols=["text.ircv3.net", "binary.ircv3.net"])
    r = w.upgraded() and w.protocol == "text.ircv3.net"
    w.close()
    return True if r else "subprotocol %r" % w.protocol


def no_protocol():
    """No subprotocol offered (or none known): no header, text frames."""
    for offer in (None, ["chat.example"]):
        w = ws(protocols=offer)
        if not w.upgraded() or w.protocol is not None:
            return "offer %r: %d %r" % (offer, w.status, w.protocol)
        op, _ = w.recv()
        if op != OP_TEXT:
            return "opcode %d without a subprotocol" % op
        w.close()
    return True


def wss():
    """listen-wss: the same over TLS, and the connection counts as secure."""
    w = WS(host, wss_port, tls=True, protocols=["text.ircv3.net"])
    if not w.upgraded():
        return "status %d" % w.status
    register(w, "sally")
    w.send("WHOIS sally")
    w.expect(has(" 671 sally sally "))
    w.send("JOIN #ws")
    w.expect(has(" 366 sally #ws "))
    p = TCP(host, tcp_port)
    register(p, "ted")
    p.send("JOIN #ws")
    p.expect(has(" 366 ted #ws "))
    p.send("PRIVMSG #ws :to TLS")
    w.expect(has(":ted!", "PRIVMSG #ws :to TLS"))
    w.send("PRIVMSG #ws :from TLS")
    p.expect(has(":sally!", "PRIVMSG #ws :from TLS"))
    w.close()
    p.close()
    return True


def ping_pong():
    """A ping frame is answered with a pong carrying its payload."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.send_frame(OP_PING, b"are you there")
    deadline = time.monotonic() + 10
    while True:
        op, data = w.recv(deadline)
        if op == OP_PONG:
            w.close()
            return True if data == b"are you there" else repr(data)


def close_handshake():
    """A close frame is answered with a close frame, then TCP closes."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.send_frame(OP_CLOSE, struct.pack("!H", 1000) + b"done")
    code = w.expect_close()
    if code != 1000:
        return "close code %r" % code
    return True if w.reader.eof() else "TCP stayed open"


def lines_before_close():
    """Lines sent just before the close frame still run (QUIT reason)."""
    w = ws(protocols=["text.ircv3.net"])
    register(w, "quinn")
    w.send("JOIN #ws")
    w.expect(has(" 366 quinn #ws "))
    p = TCP(host, tcp_port)
    register(p, "tess")
    p.send("JOIN #ws")
    p.expect(has(" 366 tess #ws "))
    w.send("PRIVMSG #ws :last words")
    w.send_frame(OP_CLOSE, struct.pack("!H", 1001))
    p.expect(has(":quinn!", "PRIVMSG #ws :last words"))
    p.expect(has(":quinn!", "QUIT"))
    w.close()
    p.close()
    return True


def closes_with(want, frames, protocols=("text.ircv3.net",), register_as=None):
    """Send frames (opcode, payload, fin); the server closes with want."""
    w = ws(protocols=list(protocols))
    w.recv()
    if register_as:
        register(w, register_as)
    try:
        for op, data, fin in frames:
            w.send_frame(op, data, fin=fin)
    except OSError:
        pass  # the server may close while we still send
    try:
        code = w.expect_close()
    except Closed:
        return "TCP closed without a close frame"
    if code != want:
        return "close code %r, not %d" % (code, want)
    return True if w.reader.eof() else "TCP stayed open"


def raw_close(want, data):
    """Send raw bytes after the upgrade; the server closes with want."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.sock.sendall(data)
    code = w.expect_close()
    if code != want:
        return "close code %r, not %d" % (code, want)
    return True if w.reader.eof() else "TCP stayed open"


def binary_on_text():
    """On text.ircv3.net a binary frame of UTF-8 is taken as a line."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.send("PING :bin-utf8-\u00e9", OP_BINARY)
    w.expect(has("PONG", "bin-utf8-\u00e9"))
    w.close()
    return True


def sendfile():
    """SENDFILE both ways: DATA lines past the line limit fit a message."""
    data = bytes(random.Random(7).randrange(256) for _ in range(30000))
    digest = hashlib.sha256(data).hexdigest()
    chunk = base64.b64encode(data).decode()
    w = ws(protocols=["text.ircv3.net"])
    register(w, "wfile")
    p = TCP(host, tcp_port)
    register(p, "tfile")
    for sender, receiver, rnick in ((w, p, "tfile"), (p, w, "wfile")):
        sender.send("SENDFILE %s blob.bin %d %s" % (rnick, len(data), digest))
        fid = sender.expect(has(" SENDFILE UPLOAD ")).split()[3]
        sender.send("SENDFILE DATA %s 0 %s" % (fid, chunk))
        sender.expect(has(" SENDFILE STORED %s %d " % (fid, len(data))))
        receiver.expect(has(" SENDFILE OFFER %s " % fid))
        receiver.send("SENDFILE ACCEPT %s" % fid)
        got = b""
        while len(got) < len(data):
            line = receiver.expect(has(" SENDFILE DATA %s " % fid))
            got += base64.b64decode(line.split()[-1])
        receiver.send("SENDFILE ACK %s %d" % (fid, len(got)))
        receiver.expect(has(" SENDFILE STATUS %s %s COMPLETE" % (fid, rnick)))
        if got != data:
            return "the file arrived changed (%d bytes)" % len(got)
    w.close()
    p.close()
    return True


def origins():
    """ws-origin: listed Origins pass, others get 403, none given passes."""
    w = ws(origin=good_origin)
    if not w.upgraded():
        return "the listed Origin got %d" % w.status
    w.close()
    w = ws(origin=good_origin.upper())
    if not w.upgraded():
        return "the listed Origin in capitals got %d" % w.status
    w.close()
    w = ws(origin=None)
    if not w.upgraded():
        return "no Origin (not a browser) got %d" % w.status
    w.close()
    w = ws(origin="https://evil.example")
    if w.status != 403:
        return "an unlisted Origin got %d" % w.status
    if not w.reader.eof():
        return "the connection stayed open after 403"
    return True


def origins_any():
    """With no ws-origin configured (after a reload), any Origin passes."""
    with open(conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write("".join(line + "\n" for line in text.splitlines()
                        if not line.startswith("ws-origin")))
    if not reload("# no ws-origin"):
        return "chatd did not reload"
    w = ws(origin="https://evil.example")
    r = w.upgraded()
    w.close()
    return True if r else "status %d" % w.status


def flood():
    """The flood budget and recvq apply: a burst of lines is Excess Flood."""
    w = ws(protocols=["text.ircv3.net"])
    register(w, "fred")
    w.send("JOIN #flood")
    w.expect(has(" 366 fred #flood "))
    try:
        for i in range(400):
            w.send("PRIVMSG #flood :%d %s" % (i, "x" * 80))
    except OSError:
        pass
    line = w.expect(has("ERROR :Closing Link", "Excess Flood"))
    code = w.expect_close()
    if code != 1000 or w.close_reason != b"Excess Flood":
        return "close %r %r after %s" % (code, w.close_reason, line)
    return True


def random_input():
    """Random requests and frames (a fixed seed) leave chatd answering."""
    rnd = random.Random(15)
    lines = [b"NICK r%d", b"USER r 0 * :r", b"JOIN #r", b"PRIVMSG #r :hi",
             b"PING :x", b"QUIT", b"CAP LS 302", b"\xff\xfe", b"@a=b TAGMSG #r",
             b"SENDFILE DATA 1 0 " + b"A" * 100]

    def frame(op, payload, fin=True, mask=True):
        head = bytes([(0x80 if fin else 0) | op |
                      (rnd.randrange(8) << 4 if rnd.random() < 0.05 else 0)])
        n = len(payload)
        m = 0x80 if mask else 0
        if n < 126:
            head += bytes([m | n])
        elif n < 65536:
            head += bytes([m | 126]) + struct.pack("!H", n)
        else:
            head += bytes([m | 127]) + struct.pack("!Q", n)
        if mask:
            head += b"\0\0\0\0"  # a key of zeros: the payload as it is
        return head + payload

    for i in range(300):
        req = http_request(key="dGhlIHNhbXBsZSBub25jZQ==", protocols=rnd.choice(
            [None, ["text.ircv3.net"], ["binary.ircv3.net"]]))
        if rnd.random() < 0.2:
            b = bytearray(req)
            for _ in range(rnd.randrange(1, 10)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            req = bytes(b)
        data = b""
        for _ in range(rnd.randrange(0, 20)):
            r = rnd.random()
            if r < 0.5:
                p = rnd.choice(lines)
                data += frame(rnd.choice([1, 2]), p.replace(b"%d", b"%d" % i))
            elif r < 0.65:
                data += frame(rnd.randrange(16),
                              rnd.randbytes(rnd.randrange(0, 200)),
                              fin=rnd.random() < 0.7)
            elif r < 0.75:
                data += frame(rnd.choice([0, 1, 2]),
                              rnd.randbytes(rnd.randrange(0, 3000)),
                              fin=rnd.random() < 0.5)
            elif r < 0.85:
                data += frame(rnd.choice([8, 9, 10]),
                              rnd.randbytes(rnd.randrange(0, 130)))
            elif r < 0.9:
                data += rnd.randbytes(rnd.randrange(1, 50))
            else:
                data += frame(1, b"PRIVMSG #r :" +
                              b"y" * rnd.randrange(400, 10000))
        data = req + data
        if rnd.random() < 0.3:
            data = data[:rnd.randrange(len(data) + 1)]
        s = connect(host, ws_port)
        try:
            s.sendall(data)
            s.settimeout(0.1)
            if rnd.random() < 0.5:
                while s.recv(65536):
                    pass
        except OSError:
            pass
        finally:
            s.close()
    w = ws(protocols=["text.ircv3.net"])
    register(w, "after")
    p = TCP(host, tcp_port)
    register(p, "after2")
    w.close()
    p.close()
    return True


def per_ip():
    """max-per-ip counts WebSocket clients; over it, HTTP 503."""
    if not reload("max-per-ip 3"):
        return "chatd did not reload"
    held = []
    try:
        for i in range(10):
            w = ws()
            if w.status == 503:
                if i > 3:
                    return "%d connections admitted, max-per-ip 3" % i
                if not w.reader.eof():
                    return "the refused connection stayed open"
                return True
            if not w.upgraded():
                return "status %d" % w.status
            w.recv()
            held.append(w)
        return "10 connections admitted, max-per-ip 3"
    finally:
        for w in held:
            w.close()


def trusted_burst():
    """A trusted client's burst beyond its read watermark all runs."""
    if not reload("trusted-host %s" % host):
        return "chatd did not reload"
    w = ws(protocols=["binary.ircv3.net"])
    register(w, "trudy")
    n = 8000
    pad = "z" * 90
    batch = b""
    for i in range(n):
        line = ("PING :%d-%s" % (i, pad)).encode()
        # Masked with a key of zeros: the payload as it is.
        batch += bytes([0x82, 0x80 | len(line)]) + b"\0\0\0\0" + line
    w.sock.sendall(batch)
    w.expect(has("PONG", ":%d-" % (n - 1)), timeout=60)
    w.close()
    return True


def sendq():
    """sendq applies: a WebSocket client that stops reading is dropped."""
    if not reload("sendq 65536"):
        return "chatd did not reload"
    # A small receive buffer, so that the kernel holds little for it.
    w = ws(protocols=["text.ircv3.net"], rcvbuf=4096)
    register(w, "slow")
    w.send("JOIN #sq")
    w.expect(has(" 366 slow #sq "))
    p = TCP(host, tcp_port)
    register(p, "fast")
    p.send("JOIN #sq")
    p.expect(has(" 366 fast #sq "))
    # fast is trusted (trusted_burst): no flood control to wait for. At
    # most 8 MB, far past sendq and what the kernel buffers.
    batch = ("PRIVMSG #sq :" + "s" * 400 + "\r\n").encode() * 100
    for i in range(200):
        p.sock.sendall(batch)
        if p.seen(b"Max SendQ exceeded"):
            break
    p.expect(has(":slow!", "QUIT", "Max SendQ exceeded"))
    w.close()
    p.close()
    return True


def fragment_ok():
    """A fragmented message under the limit is one line."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.send_frame(OP_TEXT, b"PING :fr", fin=False)
    w.send_frame(OP_CONT, b"ag", fin=True)
    w.expect(has("PONG", "frag"))
    w.close()
    return True


def long_line():
    """A line over 512 bytes (but under the limit) gets 417, as over TCP."""
    w = ws(protocols=["text.ircv3.net"])
    register(w, "lena")
    w.send("PRIVMSG lena :" + "y" * 600)
    w.expect(has(" 417 lena "))
    w.send("PING :after-417")
    w.expect(has("PONG", "after-417"))
    w.close()
    return True


def unmasked():
    """A client frame without a mask: close 1002."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.send_frame(OP_TEXT, b"PING :x", mask=False)
    code = w.expect_close()
    return True if code == 1002 else "close %r" % code


def abrupt():
    """A client that vanishes mid-frame leaves chatd running."""
    w = ws(protocols=["text.ircv3.net"])
    w.recv()
    w.sock.sendall(b"\x81\xfe\x10")  # a frame header cut short
    w.close()
    s = ws()
    r = s.upgraded()
    s.close()
    return True if r else "chatd stopped answering"


key = "dGhlIHNhbXBsZSBub25jZQ=="
t.run("text.ircv3.net: register, join and chat with a TCP client", chat_text)
t.run("binary.ircv3.net: binary frames, any bytes", chat_binary)
t.run("the client's order of subprotocols is kept", text_order)
t.run("without a subprotocol: no header, text frames", no_protocol)
t.run("listen-wss: WebSocket over TLS, secure (671)", wss)
t.run("a ping frame gets a pong", ping_pong)
t.run("close handshake", close_handshake)
t.run("lines before the close frame run first", lines_before_close)
t.run("binary frame of UTF-8 on text.ircv3.net is a line", binary_on_text)
t.run("IRC on the WebSocket port: 400",
      lambda: status_is(400, b"NICK x\r\nUSER x 0 * :x\r\n"))
t.run("a plain HTTP GET: 426",
      lambda: status_is(426, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
t.run("POST: 400", lambda: status_is(
    400, http_request(key=key).replace(b"GET", b"POST", 1)))
t.run("HTTP/1.0: 400", lambda: status_is(
    400, http_request(key=key).replace(b"HTTP/1.1", b"HTTP/1.0", 1)))
t.run("a bad Sec-WebSocket-Key: 400",
      lambda: status_is(400, http_request(key="short")))
t.run("no Sec-WebSocket-Key: 400", lambda: status_is(
    400, http_request(key=key).replace(b"Sec-WebSocket-Key", b"X-Key")))
t.run("two Sec-WebSocket-Key headers: 400", lambda: status_is(
    400, http_request(key=key, extra=["Sec-WebSocket-Key: " + key])))
t.run("Sec-WebSocket-Version 8: 426",
      lambda: status_is(426, http_request(key=key, version="8")))
t.run("a header line without a colon: 400", lambda: status_is(
    400, http_request(key=key, extra=["no colon here"])))
t.run("headers over 8 KiB: 431", lambda: status_is(
    431, http_request(key=key, extra=["X-Pad: " + "a" * 9000])))
t.run("headers over 8 KiB, never ended: 431", lambda: status_is(
    431, b"GET / HTTP/1.1\r\nX-Pad: " + b"a" * 9000))
t.run("over TLS too: 426", lambda: status_is(
    426, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", tls=True, port=wss_port))
t.run("a frame over the line limit: close 1009", lambda: closes_with(
    1009, [(OP_TEXT, b"PRIVMSG #ws :" + b"x" * 9000, True)]))
t.run("a huge frame: close 1009, not buffered", lambda: closes_with(
    1009, [(OP_TEXT, b"x" * 70000, True)]))
t.run("a fragmented message over the line limit: close 1009",
      lambda: closes_with(1009, [(OP_TEXT, b"PRIVMSG #ws :" + b"x" * 4000,
                                  False),
                                 (OP_CONT, b"x" * 4000, False),
                                 (OP_CONT, b"x" * 4000, True)]))
t.run("fragments that never end: close 1009", lambda: closes_with(
    1009, [(OP_TEXT, b"x" * 30000, False), (OP_CONT, b"x" * 30000, False),
           (OP_CONT, b"x" * 30000, False)]))
t.run("a fragmented line under the limit is one line", fragment_ok)
t.run("invalid UTF-8 in a text frame: close 1007", lambda: closes_with(
    1007, [(OP_TEXT, b"PRIVMSG #ws :caf\xe9", True)]))
t.run("invalid UTF-8 in a binary frame on text.ircv3.net: close 1007",
      lambda: closes_with(1007, [(OP_BINARY, b"PING :\xff\xfe", True)]))
t.run("invalid UTF-8 in a text frame on binary.ircv3.net: close 1007",
      lambda: closes_with(1007, [(OP_TEXT, b"PING :\xff", True)],
                          protocols=["binary.ircv3.net"]))
t.run("a line over 512 bytes: 417, the connection stays", long_line)
t.run("an unmasked frame: close 1002", unmasked)
t.run("an unknown opcode: close 1002", lambda: closes_with(
    1002, [(0x3, b"x", True)]))
t.run("a ping over 125 bytes: close 1002", lambda: closes_with(
    1002, [(OP_PING, b"p" * 200, True)]))
t.run("a fragmented ping: close 1002", lambda: closes_with(
    1002, [(OP_PING, b"p", False)]))
t.run("a continuation without a first fragment: close 1002",
      lambda: closes_with(1002, [(OP_CONT, b"PING :x", True)]))
t.run("a 64-bit length with its top bit set: close 1002", lambda: raw_close(
    1002, bytes([0x81, 0xff]) + struct.pack("!Q", 1 << 63) + b"\0" * 4))
t.run("SENDFILE to and from a WebSocket client", sendfile)
t.run("ws-origin allow-list", origins)
t.run("no ws-origin: any Origin", origins_any)
t.run("flood control and recvq apply to WebSocket lines", flood)
t.run("a client cut off mid-frame", abrupt)
t.run("300 connections of random requests and frames", random_input)
t.run("max-per-ip applies; over it, HTTP 503", per_ip)
t.run("a trusted client's burst past its read watermark all runs",
      trusted_burst)
t.run("a WebSocket client that stops reading: Max SendQ exceeded", sendq)
sys.exit(t.done())
