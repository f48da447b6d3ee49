#!/usr/bin/env python3
"""The far side of gchat's GUI benchmark: "bob" on a chatd on loopback.

    peer.py PORT recv SHA256   take the file alice offers, check its hash
    peer.py PORT send PATH     send PATH to alice, until she has it all

Prints "ready" once registered and "done BYTES SECONDS" at the end; exits 0
only when the file went through whole (recv: the bytes hash to SHA256).
Python's standard library only; every wait is bounded by --timeout.
"""
import base64
import hashlib
import os
import socket
import sys
import time

CHUNK = 49152
WINDOW = 8


class Peer:
    """One registered connection, read line by line."""

    def __init__(self, port, deadline):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rb")
        self.deadline = deadline

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def lines(self):
        """Lines from the server, PING answered, until the deadline."""
        while True:
            if time.monotonic() > self.deadline:
                raise SystemExit("peer: timed out")
            self.sock.settimeout(max(0.1, self.deadline - time.monotonic()))
            raw = self.file.readline()
            if not raw:
                raise SystemExit("peer: the server closed the connection")
            words = raw.decode("utf-8", "replace").rstrip("\r\n").split(" ")
            if words[0] == "PING":
                self.send("PONG " + " ".join(words[1:]))
                continue
            if len(words) >= 2 and words[1] == "FAIL":
                raise SystemExit("peer: " + " ".join(words))
            yield words


def receive(peer, want):
    """Accept the first file offered, acknowledge every chunk, check it."""
    digest = hashlib.sha256()
    got = 0
    size = -1
    fid = None
    start = None
    for w in peer.lines():
        if w[1:3] == ["SENDFILE", "OFFER"] and fid is None:
            fid, size = w[3], int(w[6])
            start = time.monotonic()
            peer.send("SENDFILE ACCEPT " + fid)
        elif w[1:3] == ["SENDFILE", "DATA"] and w[3] == fid:
            if int(w[4]) != got:
                raise SystemExit("peer: chunk at %s, expected %d" % (w[4], got))
            chunk = base64.b64decode(w[5].lstrip(":"))
            digest.update(chunk)
            got += len(chunk)
            peer.send("SENDFILE ACK %s %d" % (fid, got))
            if got == size:
                break
    if digest.hexdigest() != want:
        raise SystemExit("peer: SHA-256 %s, expected %s" % (digest.hexdigest(), want))
    return got, time.monotonic() - start


def upload(peer, path):
    """Offer PATH to alice, keep WINDOW chunks in flight, wait for her copy."""
    with open(path, "rb") as f:
        content = f.read()
    sha = hashlib.sha256(content).hexdigest()
    name = os.path.basename(path)
    start = time.monotonic()
    peer.send("SENDFILE alice %s %d %s" % (name, len(content), sha))
    fid = None
    sent = acked = 0
    stored = False
    for w in peer.lines():
        if w[1:3] == ["SENDFILE", "UPLOAD"] and fid is None:
            fid = w[3]
            sent = acked = int(w[4])
        elif w[1:3] == ["SENDFILE", "ACK"] and w[3] == fid:
            acked = int(w[4])
        elif w[1:3] == ["SENDFILE", "STORED"] and w[3] == fid:
            stored = True
        elif w[1:3] == ["SENDFILE", "STATUS"] and w[3] == fid and w[5] == "COMPLETE":
            if not stored:
                raise SystemExit("peer: complete before stored")
            return len(content), time.monotonic() - start
        if fid is None:
            continue
        while sent < len(content) and sent - acked < WINDOW * CHUNK:
            n = min(CHUNK, len(content) - sent)
            data = base64.b64encode(content[sent:sent + n]).decode()
            peer.send("SENDFILE DATA %s %d %s" % (fid, sent, data))
            sent += n


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("recv", "send"):
        sys.exit(__doc__)
    peer = Peer(int(sys.argv[1]), time.monotonic() + 600)
    peer.send("NICK bob")
    peer.send("USER bob 0 * :Bob Peer")
    for w in peer.lines():
        if w[1] == "001":
            break
    print("ready", flush=True)
    if sys.argv[2] == "recv":
        n, secs = receive(peer, sys.argv[3])
    else:
        n, secs = upload(peer, sys.argv[3])
    print("done %d %.3f" % (n, secs), flush=True)
    peer.send("QUIT :done")


if __name__ == "__main__":
    main()
