#!/bin/sh
# WebSocket from a real browser: headless Chromium loads a page (served
# by tests/integration/ws-browser.py on 127.0.0.1) whose script uses the
# browser's own WebSocket to register, join and chat with a plain TCP
# client, with the page's Origin on the ws-origin allow-list; a frame of
# the page from an origin not on the list must be refused.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT);
# CHROMIUM, the browser to run (default chromium).

set -u
: "${top_srcdir:?top_srcdir is not set}"
host=127.0.0.1

for tool in python3 "${CHROMIUM:-chromium}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (contrib/quickstart check installs it)"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-wsb.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

# An allow-list without the page's Origin: ws-browser.py adds it.
cat >"$tmp/chatd.conf" <<CONF
server-name chatd.test
listen-ws $host:0
ws-origin https://nobody.example
CONF
chatd_start && wait_log 'listening for WebSocket on ' ||
    bail "chatd did not open its listeners"

TCP_PORT=$port WS_PORT=$(log_port 'listening for WebSocket on') \
    CHATD_PID=$chatd_pid CHATD_CONF="$tmp/chatd.conf" \
    CHATD_LOG="$tmp/chatd.log" TMPDIR="$tmp" \
    python3 "$top_srcdir/tests/integration/ws-browser.py" >"$tmp/py.tap"
rc=$?
tap_relay "$tmp/py.tap"
[ $rc -eq 0 ] || ok 1 "ws-browser.py exited with status $rc"
chatd_stop_ok
echo "1..$tap_n"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
exit $tap_failed
