"""A small WebSocket (RFC 6455) and IRC client for chatd's tests.

Python standard library only. Every read has a deadline, so a test that
waits for a line that never comes fails instead of hanging.
"""

import base64
import hashlib
import os
import socket
import ssl
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 10.0

OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA


class Closed(Exception):
    """The peer closed the TCP connection."""


def connect(host, port, tls=False, rcvbuf=None):
    """A TCP (or TLS, certificate not checked) socket to host:port."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        # Before connecting, so that the window stays that small.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(TIMEOUT)
    s.connect((host, port))
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s, server_hostname="localhost")
    s.settimeout(TIMEOUT)
    return s


def accept_value(key):
    """The Sec-WebSocket-Accept a server must answer key with."""
    digest = hashlib.sha1((key + GUID).encode()).digest()
    return base64.b64encode(digest).decode()


class Reader:
    """Buffered reads with a deadline on a socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            raise Closed("connection closed")
        self.buf += data

    def read(self, n, deadline):
        while len(self.buf) < n:
            self.fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def until(self, sep, deadline, limit=1 << 20):
        while sep not in self.buf:
            if len(self.buf) > limit:
                raise ValueError("no %r in %d bytes" % (sep, len(self.buf)))
            self.fill(deadline)
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def eof(self, timeout=TIMEOUT):
        """Whether the peer closes (discarding what comes before)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.buf = b""
                self.fill(deadline)
        except Closed:
            return True
        except (TimeoutError, socket.timeout):
            return False
        except OSError:
            return True


def http_request(path="/", protocols=None, origin=None, key=None,
                 version="13", extra=()):
    """The bytes of an upgrade request."""
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1",
             "Upgrade: websocket", "Connection: keep-alive, Upgrade",
             "Sec-WebSocket-Key: %s" % key]
    if version is not None:
        lines.append("Sec-WebSocket-Version: %s" % version)
    if protocols is not None:
        lines.append("Sec-WebSocket-Protocol: %s" % ", ".join(protocols))
    if origin is not None:
        lines.append("Origin: %s" % origin)
    lines.extend(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(reader, deadline=None):
    """(status, {header: value}, body so far) of an HTTP response."""
    if deadline is None:
        deadline = time.monotonic() + TIMEOUT
    head = reader.until(b"\r\n\r\n", deadline).decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return status, headers


class WS:
    """A WebSocket client connection carrying IRC lines."""

    def __init__(self, host, port, tls=False, protocols=None, origin=None,
                 raw=None, rcvbuf=None):
        self.sock = connect(host, port, tls, rcvbuf)
        self.reader = Reader(self.sock)
        self.key = base64.b64encode(os.urandom(16)).decode()
        req = raw if raw is not None else http_request(
            protocols=protocols, origin=origin, key=self.key)
        self.sock.sendall(req)
        self.status, self.headers = read_response(self.reader)
        self.protocol = self.headers.get("sec-websocket-protocol")
        self.close_code = None
        self.close_reason = None

    def upgraded(self):
        """Whether the server switched protocols with the right accept."""
        return (self.status == 101 and
                self.headers.get("sec-websocket-accept") ==
                accept_value(self.key))

    def send_frame(self, opcode, payload, fin=True, mask=True):
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        mbit = 0x80 if mask else 0
        if n < 126:
            head += bytes([mbit | n])
        elif n < 65536:
            head += bytes([mbit | 126]) + struct.pack("!H", n)
        else:
            head += bytes([mbit | 127]) + struct.pack("!Q", n)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            head += key
        self.sock.sendall(head + payload)

    def send(self, line, opcode=None):
        """Send one IRC line (str or bytes) as one message."""
        if isinstance(line, str):
            line = line.encode()
        if opcode is None:
            opcode = OP_BINARY if self.protocol == "binary.ircv3.net" \
                else OP_TEXT
        self.send_frame(opcode, line)

    def recv_frame(self, deadline=None):
        """(fin, opcode, payload) of the next frame."""
        if deadline is None:
            deadline = time.monotonic() + TIMEOUT
        b0, b1 = self.reader.read(2, deadline)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.reader.read(2, deadline))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.reader.read(8, deadline))[0]
        if b1 & 0x80:
            raise ValueError("the server masked a frame")
        return bool(b0 & 0x80), b0 & 0x0F, self.reader.read(n, deadline)

    def recv(self, deadline=None):
        """(opcode, payload) of the next message; close frames too."""
        while True:
            fin, op, data = self.recv_frame(deadline)
            if op == OP_CLOSE:
                self.close_code = (struct.unpack("!H", data[:2])[0]
                                   if len(data) >= 2 else 1005)
                self.close_reason = data[2:]
                return op, data
            if op in (OP_PING, OP_PONG):
                return op, data
            if not fin:
                raise ValueError("the server fragmented a message")
            return op, data

    def expect(self, pred, timeout=TIMEOUT):
        """The first IRC line (str) for which pred is true."""
        deadline = time.monotonic() + timeout
        while True:
            op, data = self.recv(deadline)
            if op == OP_CLOSE:
                raise Closed("close frame %s before the line" %
                             self.close_code)
            if op not in (OP_TEXT, OP_BINARY):
                continue
            line = data.decode("utf-8", "replace")
            if pred(line):
                return line

    def expect_close(self, timeout=TIMEOUT):
        """The code of the close frame that comes (lines before skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            op, data = self.recv(deadline)
            if op == OP_CLOSE:
                return self.close_code

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class TCP:
    """A plain IRC client over TCP."""

    def __init__(self, host, port):
        self.sock = connect(host, port)
        self.reader = Reader(self.sock)

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def seen(self, text):
        """Whether text is in what has arrived so far (without waiting)."""
        self.sock.settimeout(0)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.reader.buf += data
        except (BlockingIOError, socket.timeout):
            pass
        finally:
            self.sock.settimeout(TIMEOUT)
        return text in self.reader.buf

    def expect(self, pred, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            line = self.reader.until(b"\n", deadline).decode(
                "utf-8", "replace").rstrip("\r\n")
            if pred(line):
                return line

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def has(*words):
    """A predicate: the line contains every one of words."""
    return lambda line: all(w in line for w in words)


def register(client, nick):
    """NICK and USER, then wait for 001."""
    client.send("NICK %s" % nick)
    client.send("USER %s 0 * :%s" % (nick, nick))
    return client.expect(has(" 001 %s " % nick))


class Tap:
    """TAP output."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, desc), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc), flush=True)
            if diag:
                for line in str(diag).splitlines():
                    print("# " + line, flush=True)

    def run(self, desc, fn):
        """A test point: fn() returns true, or a message for failure."""
        try:
            r = fn()
        except Exception as e:  # any failure is this point's failure
            self.ok(False, desc, "%s: %s" % (type(e).__name__, e))
            return False
        if r is True or r is None:
            self.ok(True, desc)
            return True
        self.ok(False, desc, r)
        return False

    def done(self):
        print("1..%d" % self.n, flush=True)
        return 1 if self.failed else 0
