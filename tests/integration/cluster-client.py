#!/usr/bin/env python3
"""Clients on several chatd nodes of one cluster (tests/integration/cluster.sh).

    cluster-client.py SCENARIO ARGS...

Each scenario connects real sockets to the nodes on 127.0.0.1, prints what
it checks as "# " lines and exits 0 if everything held, 1 if not. Every
wait is bounded (at most 10 s for a line, the liveness bound of 20 s where
the scenario says so); nothing sleeps to let time pass except the polls of
the kill -9 scenario. Only the standard library.
"""

import os
import re
import select
import signal
import socket
import sys
import time

LINE_WAIT = 10.0


class Failed(Exception):
    pass


class Client:
    """One connection, reading lines as they come."""

    def __init__(self, port, name):
        self.name = name
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setblocking(False)
        self.buf = b""
        self.lines = []  # received, not yet consumed by expect
        self.seen = []  # everything received
        self.closed = False

    def send(self, line):
        self.sock.setblocking(True)
        self.sock.sendall((line + "\r\n").encode())
        self.sock.setblocking(False)

    def _fill(self, timeout):
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BlockingIOError):
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        while b"\r\n" in self.buf:
            line, self.buf = self.buf.split(b"\r\n", 1)
            text = line.decode("utf-8", "replace")
            self.lines.append(text)
            self.seen.append(text)
        return True

    def expect(self, pattern, wait=LINE_WAIT):
        """The first unread line matching pattern (lines before it are consumed)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + wait
        while True:
            while self.lines:
                line = self.lines.pop(0)
                if rx.search(line):
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise Failed("%s: no line matching %r in %.0f s; last lines: %s"
                             % (self.name, pattern, wait, self.seen[-8:]))
            self._fill(left)

    def wait_seen(self, pattern, wait=LINE_WAIT):
        """Wait until any line received so far, consumed or not, matches."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + wait
        while not any(rx.search(line) for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise Failed("%s: never got %r; last lines: %s"
                             % (self.name, pattern, self.seen[-8:]))
            self._fill(left)

    def sync(self, token):
        """Everything the server sent before the PONG of a PING we send now."""
        self.send("PING :" + token)
        got = []
        deadline = time.monotonic() + LINE_WAIT
        while True:
            while self.lines:
                line = self.lines.pop(0)
                if re.search(r" PONG \S+ :?%s$" % re.escape(token), line):
                    return got
                got.append(line)
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise Failed("%s: no PONG %s" % (self.name, token))
            self._fill(left)

    def register(self, nick):
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        try:
            line = self.expect(r" (001|433) |FAIL NICK ")
        except Failed:
            if self.closed:
                return False  # closed by a node that is fencing itself
            raise
        return " 001 " in line

    def names(self, channel):
        self.send("NAMES " + channel)
        members = set()
        while True:
            line = self.expect(r" (353|366) ")
            if " 366 " in line:
                return members
            members.update(line.split(" :", 1)[1].split())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def say(msg):
    print("# " + msg)
    sys.stdout.flush()


def check(cond, msg):
    if not cond:
        raise Failed(msg)


def count(lines, pattern):
    rx = re.compile(pattern)
    return sum(1 for line in lines if rx.search(line))


def scenario_race(p1, p2, rounds):
    """Two clients on two nodes claim one nick: exactly one gets it."""
    rounds = int(rounds)
    for i in range(rounds):
        nick = "race%d" % i
        a, b = Client(int(p1), "a%d" % i), Client(int(p2), "b%d" % i)
        # Both lines go out before either answer is read.
        for c in (a, b):
            c.send("NICK " + nick)
        for c in (a, b):
            c.send("USER r 0 * :r")
        won = []
        for c in (a, b):
            line = c.expect(r" (001|433) ")
            won.append(" 001 " in line)
        check(won.count(True) == 1,
              "round %d: %d clients got %s (want exactly 1)"
              % (i, won.count(True), nick))
        # The loser can still pick another nick and register.
        loser = b if won[0] else a
        check(loser.register(nick + "x"), "round %d: the loser could not "
              "register with another nick" % i)
        for c in (a, b):
            c.send("QUIT")
            c.close()
    say("%d races, one winner each" % rounds)


def scenario_privmsg(p1, p2, tag):
    """PRIVMSG and NOTICE across nodes, each line once; WHOIS across."""
    a, b = Client(int(p1), "a"), Client(int(p2), "b")
    na, nb = "pa" + tag, "pb" + tag
    check(a.register(na), "%s did not register on node 1" % na)
    check(b.register(nb), "%s did not register on node 2" % nb)
    # The announcement of nb reaches node 1 soon after its 001.
    deadline = time.monotonic() + LINE_WAIT
    while True:
        a.send("WHOIS " + nb)
        line = a.expect(r" (311|401) ")
        if " 311 " in line:
            break
        check(time.monotonic() < deadline, "node 1 never learnt of " + nb)
        time.sleep(0.1)
    a.expect(r" 318 ")
    a.send("PRIVMSG %s :hello across" % nb)
    a.send("NOTICE %s :notice across" % nb)
    a.send("PRIVMSG %s :marker" % nb)
    b.expect(r"^:%s!\S+ PRIVMSG %s :marker$" % (na, nb))
    got = b.seen
    check(count(got, r"PRIVMSG %s :hello across$" % nb) == 1,
          "PRIVMSG arrived %d times" % count(got, "hello across"))
    check(count(got, r"NOTICE %s :notice across$" % nb) == 1,
          "NOTICE arrived %d times" % count(got, "notice across"))
    b.send("PRIVMSG %s :and back" % na)
    a.expect(r"^:%s!\S+ PRIVMSG %s :and back$" % (nb, na))
    # AWAY on node 2 shows in WHOIS on node 1 (the record is announced).
    b.send("AWAY :at lunch")
    b.expect(r" 306 ")
    deadline = time.monotonic() + LINE_WAIT
    while True:
        a.send("WHOIS " + nb)
        got = [a.expect(r" (301|318) ")]
        if " 301 " in got[0]:
            check(got[0].endswith(":at lunch"), "wrong away: " + got[0])
            a.expect(r" 318 ")
            break
        check(time.monotonic() < deadline, "node 1 never saw the AWAY")
        time.sleep(0.1)
    b.send("AWAY")
    b.expect(r" 305 ")
    # A nick change on node 2: node 1 reaches the user by the new nick.
    b.send("NICK %sn" % nb)
    b.expect(r"^:%s!\S+ NICK :%sn$" % (nb, nb))
    deadline = time.monotonic() + LINE_WAIT
    while True:
        a.send("PRIVMSG %sn :renamed" % nb)
        if count(a.sync("n"), r" 401 ") == 0:
            break
        check(time.monotonic() < deadline, "node 1 never saw the NICK")
        time.sleep(0.1)
    b.expect(r"PRIVMSG %sn :renamed$" % nb)
    for c in (a, b):
        c.send("QUIT")
        c.close()
    say("private messages both ways, once each; AWAY and NICK seen")


def wait_names(clients, channel, want):
    """Poll NAMES on every client until each shows want (bounded)."""
    deadline = time.monotonic() + LINE_WAIT
    while True:
        views = [c.names(channel) for c in clients]
        bare = [set(n.lstrip("@+") for n in v) for v in views]
        if all(v == want for v in bare) and all(v == views[0] for v in views):
            return views[0]
        if time.monotonic() > deadline:
            raise Failed("NAMES %s never agreed on %s: %s"
                         % (channel, sorted(want), [sorted(v) for v in views]))
        time.sleep(0.1)


def scenario_channel(p1, p2):
    """JOIN, NAMES, channel lines once each, PART and QUIT across nodes."""
    a = Client(int(p1), "a")
    c = Client(int(p1), "c")
    b = Client(int(p2), "b")
    for cl, n in ((a, "chana"), (c, "chanc"), (b, "chanb")):
        check(cl.register(n), n + " did not register")
    a.send("JOIN #multi")
    a.expect(r" 366 chana #multi ")
    # Node 2 hears of the channel (so chanb does not create it again).
    wait_names([b], "#multi", {"chana"})
    b.send("JOIN #multi")
    b.expect(r" 366 chanb #multi ")
    a.expect(r"^:chanb!\S+ JOIN #multi$")
    c.send("JOIN #multi")
    c.expect(r" 366 chanc #multi ")
    b.expect(r"^:chanc!\S+ JOIN #multi$")
    view = wait_names([a, b, c], "#multi", {"chana", "chanb", "chanc"})
    say("NAMES #multi on both nodes: %s" % " ".join(sorted(view)))
    check("@chana" in view, "the creator is not an operator: %s" % view)
    # Lines from node 1 and from node 2, then a marker each way.
    for i in range(5):
        a.send("PRIVMSG #multi :from a %d" % i)
        b.send("PRIVMSG #multi :from b %d" % i)
    a.send("PRIVMSG #multi :end a")
    b.send("PRIVMSG #multi :end b")
    # The two nodes' lines interleave: wait for both markers, any order.
    for cl in (a, b, c):
        if cl is not a:
            cl.wait_seen(r"PRIVMSG #multi :end a$")
        if cl is not b:
            cl.wait_seen(r"PRIVMSG #multi :end b$")
    for cl in (a, b, c):
        cl.sync("done")
        for i in range(5):
            for who in "ab":
                if cl.name == who:
                    continue
                n = count(cl.seen, r"PRIVMSG #multi :from %s %d$" % (who, i))
                check(n == 1, "%s got 'from %s %d' %d times"
                      % (cl.name, who, i, n))
    say("each channel line arrived exactly once at every other member")
    # Order: node 2 sees node 1's lines in the order they were sent.
    order = [l.rsplit(":", 1)[1] for l in b.seen
             if re.search(r"PRIVMSG #multi :from a \d$", l)]
    check(order == ["from a %d" % i for i in range(5)],
          "out of order on node 2: %s" % order)
    # KICK of a user of another node: it sees the KICK, and leaves.
    d = Client(int(p2), "d")
    check(d.register("chand"), "chand did not register")
    d.send("JOIN #multi")
    a.expect(r"^:chand!\S+ JOIN #multi$")
    a.send("KICK #multi chand :out")
    d.expect(r"^:chana!\S+ KICK #multi chand :out$")
    b.expect(r"^:chana!\S+ KICK #multi chand :out$")
    wait_names([a, b, c], "#multi", {"chana", "chanb", "chanc"})
    d.send("PRIVMSG #multi :still here?")
    d.expect(r" 404 chand #multi ")
    d.send("QUIT")
    d.close()
    c.send("PART #multi :bye now")
    b.expect(r"^:chanc!\S+ PART #multi :bye now$")
    wait_names([a, b], "#multi", {"chana", "chanb"})
    b.send("QUIT :gone home")
    a.expect(r"^:chanb!\S+ QUIT :Quit: gone home$")
    a.sync("q")
    check(count(a.seen, r"^:chanb!\S+ QUIT ") == 1, "QUIT seen more than once")
    check(count(c.seen, r"^:chanb!\S+ QUIT ") == 0,
          "a client without a common channel saw the QUIT")
    wait_names([a], "#multi", {"chana"})
    # The nick is free again on node 1.
    d = Client(int(p1), "d")
    deadline = time.monotonic() + LINE_WAIT
    while not d.register("chanb"):
        check(time.monotonic() < deadline, "chanb never became free")
        time.sleep(0.1)
        d.close()
        d = Client(int(p1), "d")
    for cl in (a, c, d):
        cl.send("QUIT")
        cl.close()
    say("PART and QUIT across nodes; NAMES follow; the nick is free again")


def scenario_kill(p1, p2, pid2):
    """kill -9 of node 2: node 1 sees QUIT and the nick is free, in 20 s."""
    e = Client(int(p1), "e")
    check(e.register("erin"), "erin did not register")
    d = Client(int(p2), "d")
    check(d.register("dave"), "dave did not register")
    e.send("JOIN #k")
    e.expect(r" 366 erin #k ")
    # Node 2 knows #k before dave joins, so node 1 hears the JOIN (see
    # the first moments of a channel in doc/CLUSTER.md).
    wait_names([d], "#k", {"erin"})
    d.send("JOIN #k")
    e.expect(r"^:dave!\S+ JOIN #k$")
    os.kill(int(pid2), signal.SIGKILL)
    killed = time.monotonic()
    line = e.expect(r"^:dave!\S+ QUIT ", wait=20.0)
    say("QUIT after %.1f s: %s" % (time.monotonic() - killed, line))
    # The nick: free within the same bound.
    while True:
        f = Client(int(p1), "f")
        if f.register("dave"):
            break
        f.close()
        check(time.monotonic() - killed < 20.0, "dave still taken after 20 s")
        time.sleep(0.2)
    say("dave free again after %.1f s" % (time.monotonic() - killed))
    wait_names([e], "#k", {"erin"})
    for cl in (e, f):
        cl.send("QUIT")
        cl.close()


def scenario_sigstop(p1, p2, pid2):
    """SIGSTOP of node 2 past the window: declared dead, it fences itself."""
    e = Client(int(p1), "e")
    check(e.register("stopper1"), "stopper1 did not register")
    s = Client(int(p2), "s")
    check(s.register("sleepy"), "sleepy did not register")
    e.send("JOIN #stop")
    e.expect(r" 366 stopper1 #stop ")
    wait_names([s], "#stop", {"stopper1"})
    s.send("JOIN #stop")
    e.expect(r"^:sleepy!\S+ JOIN #stop$")
    os.kill(int(pid2), signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        line = e.expect(r"^:sleepy!\S+ QUIT ", wait=20.0)
        say("QUIT after %.1f s: %s" % (time.monotonic() - stopped, line))
    finally:
        os.kill(int(pid2), signal.SIGCONT)
    # Woken up, node 2 learns it was declared dead and closes its clients.
    line = s.expect(r"^ERROR :.*Cluster", wait=10.0)
    say("node 2 closed its client: %s" % line)
    # It joins again: a new client there reaches node 1.
    deadline = time.monotonic() + 20.0
    while True:
        t = Client(int(p2), "t")
        if t.register("sleepy2"):
            break
        t.close()
        check(time.monotonic() < deadline, "node 2 never served again")
        time.sleep(0.2)
    while True:
        t.send("PRIVMSG stopper1 :awake")
        if count(t.sync("w"), r" 401 ") == 0:
            break
        check(time.monotonic() < deadline, "node 2 never learnt of stopper1")
        time.sleep(0.2)
    e.expect(r"^:sleepy2!\S+ PRIVMSG stopper1 :awake$")
    for cl in (e, t):
        cl.send("QUIT")
        cl.close()


def scenario_restore(p1, p2, flags):
    """Redis restarted empty: the nodes tell it their users again."""
    x = Client(int(p1), "x")
    check(x.register("keepx"), "keepx did not register")
    y = Client(int(p2), "y")
    check(y.register("keepy"), "keepy did not register")
    x.send("JOIN #r")
    x.expect(r" 366 keepx #r ")
    wait_names([y], "#r", {"keepx"})
    y.send("JOIN #r")
    wait_names([x, y], "#r", {"keepx", "keepy"})
    # The shell restarts Redis (empty) between these two files.
    open(os.path.join(flags, "ready"), "w").close()
    deadline = time.monotonic() + 30.0
    while not os.path.exists(os.path.join(flags, "restarted")):
        check(time.monotonic() < deadline, "Redis was not restarted")
        time.sleep(0.1)
    restarted = time.monotonic()
    # Lines sent before the nodes are back may be lost: send until one
    # arrives (bounded).
    i = 0
    while not any("PRIVMSG keepy :back" in l for l in y.seen):
        check(time.monotonic() - restarted < 20.0,
              "no message across nodes 20 s after Redis came back")
        x.send("PRIVMSG keepy :back %d" % i)
        i += 1
        y._fill(0.5)
    say("messages across again %.1f s after Redis came back"
        % (time.monotonic() - restarted))
    check(not x.closed and not y.closed, "a client was closed")
    # The nicks were claimed again: keepx is still taken on node 2.
    z = Client(int(p2), "z")
    check(not z.register("keepx"), "keepx could be taken on node 2")
    z.close()
    # Memberships were told again: a channel line still crosses.
    x.send("PRIVMSG #r :still a channel")
    y.expect(r"^:keepx!\S+ PRIVMSG #r :still a channel$")
    wait_names([x, y], "#r", {"keepx", "keepy"})
    say("nicks, users and memberships told to Redis again")
    for cl in (x, y):
        cl.send("QUIT")
        cl.close()


def scenario_ping(*ports):
    """Every node answers at once (its loop is not blocked)."""
    for p in ports:
        c = Client(int(p), "p" + p)
        c.send("PING :alive")
        c.expect(r" PONG \S+ :?alive$", wait=3.0)
        c.close()
    say("every node answers PING")


def scenario_cutoff(p1, redis_pid):
    """Redis goes away: the node stays up, then closes its clients."""
    a = Client(int(p1), "a")
    check(a.register("cutoff"), "cutoff did not register")
    os.kill(int(redis_pid), signal.SIGTERM)
    gone = time.monotonic()
    # Meanwhile the loop runs: PINGs are answered.
    for i in range(3):
        a.sync("still%d" % i)
        time.sleep(0.5)
    # Past the liveness window the node closes its clients (bounded).
    line = a.expect(r"^ERROR :.*Cluster", wait=20.0)
    say("closed after %.1f s: %s" % (time.monotonic() - gone, line))
    # A new client cannot take a nick while Redis is away.
    b = Client(int(p1), "b")
    b.send("NICK nobody")
    b.send("USER n 0 * :n")
    b.expect(r"FAIL NICK TEMPORARILY_UNAVAILABLE")
    b.close()


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: cluster-client.py SCENARIO ARGS...")
    fn = globals().get("scenario_" + sys.argv[1])
    if fn is None:
        sys.exit("unknown scenario " + sys.argv[1])
    try:
        fn(*sys.argv[2:])
    except (Failed, OSError) as e:
        say("FAILED: %s" % e)
        sys.exit(1)


if __name__ == "__main__":
    main()
