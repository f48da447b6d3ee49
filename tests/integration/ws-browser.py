#!/usr/bin/env python3
"""A real browser's WebSocket against chatd: headless Chromium.

Run by ws-browser.sh with chatd's ports in the environment. A private
http.server on 127.0.0.1 serves one page whose script uses the browser's
own WebSocket (text.ircv3.net) to register as "webby", join #x and say
hello; a plain TCP client here checks that the hello arrives and
replies; the page writes the reply into its DOM and posts the DOM's text
back to the server. The page's Origin is added to ws-origin first (a
reload), so the allow-list passes a listed browser; a frame in the page,
served from localhost (another origin), must be refused. Prints TAP.
"""

import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wslib import TCP, Tap, has, register  # noqa: E402

host = "127.0.0.1"
tcp_port = int(os.environ["TCP_PORT"])
ws_port = int(os.environ["WS_PORT"])
conf = os.environ["CHATD_CONF"]
log = os.environ["CHATD_LOG"]
pid = int(os.environ["CHATD_PID"])
chromium = os.environ.get("CHROMIUM", "chromium")
WAIT = 90  # seconds for the browser, which starts slowly on a busy machine

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>chatd WebSocket test</title></head>
<body><h1>chatd</h1><pre id="log"></pre><p id="reply"></p>
<iframe src="http://localhost:%(http)d/evil"></iframe>
<script>
const log = document.getElementById("log");
function post(what, text) {
  fetch("/result", {method: "POST",
    body: JSON.stringify({what: what, text: text,
                          dom: document.body.innerText})});
}
function note(s) { log.textContent += s + "\\n"; }
const ws = new WebSocket("ws://127.0.0.1:%(port)d/", ["text.ircv3.net"]);
ws.onopen = () => {
  note("open " + ws.protocol);
  ws.send("NICK webby");
  ws.send("USER webby 0 * :Web Browser");
};
ws.onerror = () => post("error", "WebSocket error");
ws.onclose = (e) => note("close " + e.code);
ws.onmessage = (e) => {
  const line = e.data;
  if (typeof line !== "string") { post("error", "not a text frame"); return; }
  if (line.endsWith("\\n")) { post("error", "CR LF in a message"); return; }
  note("< " + line);
  const w = line.split(" ");
  if (w[0] === "PING") ws.send("PONG " + w.slice(1).join(" "));
  else if (w[1] === "001") ws.send("JOIN #x");
  else if (w[1] === "366") {
    ws.send("PRIVMSG #x :hello from the browser");
    post("joined", line);
  } else if (w[1] === "PRIVMSG" && w[0].startsWith(":tcpuser!")) {
    document.getElementById("reply").textContent =
      "reply: " + line.slice(line.indexOf(" :") + 2);
    post("reply", line);
  }
};
</script></body></html>
"""

# The same test from an origin that is not listed (localhost instead of
# 127.0.0.1, in a frame of the page): the browser must not get through.
EVIL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body><script>
let opened = false;
const ws = new WebSocket("ws://127.0.0.1:%(port)d/", ["text.ircv3.net"]);
ws.onopen = () => { opened = true; };
ws.onclose = (e) => fetch("/result", {method: "POST",
  body: JSON.stringify({what: "evil", text: (opened ? "opened" : "refused") +
                        " " + e.code, dom: ""})});
</script></body></html>
"""

results = []
cond = threading.Condition()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        page = EVIL if self.path == "/evil" else PAGE
        body = (page % {"port": ws_port, "http": http_port}).encode()
        self.send_response(200 if self.path in ("/", "/evil") else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = json.loads(self.rfile.read(n) or b"{}")
        self.send_response(204)
        self.end_headers()
        with cond:
            results.append(data)
            cond.notify_all()

    def log_message(self, fmt, *args):
        pass


def wait_result(what, timeout):
    """The page's first post of kind what (or an error it posted)."""
    deadline = time.monotonic() + timeout
    with cond:
        while True:
            for r in results:
                if r.get("what") in (what, "error"):
                    return r
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            cond.wait(left)


def reload_with_origin(origin):
    with open(conf, "a") as f:
        f.write("ws-origin %s\n" % origin)
    before = open(log).read().count("configuration reloaded")
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while open(log).read().count("configuration reloaded") == before:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


t = Tap()
httpd = http.server.ThreadingHTTPServer((host, 0), Handler)
http_port = httpd.server_address[1]
threading.Thread(target=httpd.serve_forever, daemon=True).start()
t.ok(reload_with_origin("http://%s:%d" % (host, http_port)),
     "the page's Origin is added to ws-origin")

tcp = TCP(host, tcp_port)
register(tcp, "tcpuser")
tcp.send("JOIN #x")
tcp.expect(has(" 366 tcpuser #x "))

profile = tempfile.mkdtemp(prefix="chromium-", dir=os.environ.get("TMPDIR"))
env = dict(os.environ, HOME=profile)
browser = subprocess.Popen(
    [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
     "--user-data-dir=" + profile, "--no-first-run",
     "--no-default-browser-check", "--disable-background-networking",
     "--disable-component-update", "--disable-sync", "--disable-extensions",
     "--mute-audio", "http://%s:%d/" % (host, http_port)],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
    stderr=open(os.path.join(profile, "chromium.log"), "w"),
    env=env, start_new_session=True)
try:
    r = wait_result("joined", WAIT)
    t.ok(r is not None and r["what"] == "joined",
         "the browser registers and joins #x over its WebSocket",
         "page reported %r" % (r,))
    try:
        line = tcp.expect(has(":webby!", "PRIVMSG #x :hello from the browser"),
                          timeout=30)
        t.ok(True, "the TCP client hears the browser")
    except Exception as e:
        t.ok(False, "the TCP client hears the browser", repr(e))
    tcp.send("PRIVMSG #x :reply from tcp")
    r = wait_result("reply", 30)
    t.ok(r is not None and r["what"] == "reply" and
         "reply: reply from tcp" in r.get("dom", ""),
         "the page shows the TCP client's reply", "page reported %r" % (r,))
    r = wait_result("evil", 30)
    t.ok(r is not None and r["what"] == "evil" and
         r["text"].startswith("refused") and
         "(403: Origin not allowed)" in open(log).read(),
         "a page from an origin not in ws-origin is refused (403)",
         "page reported %r" % (r,))
finally:
    browser.terminate()
    try:
        browser.wait(10)
    except subprocess.TimeoutExpired:
        pass
    # The browser's own helper processes are in the session we made.
    try:
        os.killpg(browser.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    browser.wait()
    httpd.shutdown()
    tcp.close()
    subprocess.run(["rm", "-rf", profile])
sys.exit(t.done())
