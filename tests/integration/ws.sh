#!/bin/sh
# WebSocket (IRCv3 websocket, chatd/ws.c): a listen-ws and a listen-wss
# listener beside the plain one; tests/integration/ws.py (python3, the
# standard library only) drives WebSocket clients and plain TCP clients
# against them: both subprotocols, TLS, every kind of bad input with the
# HTTP status or close code it gets, the Origin allow-list, and the
# limits of a plain connection.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
host=127.0.0.1

for tool in python3 openssl; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed (contrib/quickstart check installs it)"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-ws.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

# listen-wss without a certificate: chatd says so and does not start.
mkdir "$tmp/nocert"
printf 'listen-wss %s:0\n' "$host" >"$tmp/nocert/chatd.conf"
timeout 20 "$CHATD" -d --listen "$host:0" --data-dir "$tmp/nocert" \
    -f "$tmp/nocert/chatd.conf" </dev/null >"$tmp/nocert/out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] &&
    grep -q 'listen-wss need tls-cert and tls-key' "$tmp/nocert/out"
ok $? "listen-wss without tls-cert and tls-key: chatd refuses to start"

sh "$top_srcdir/contrib/mkcert" "$tmp" >/dev/null ||
    bail "contrib/mkcert failed"
cat >"$tmp/chatd.conf" <<CONF
server-name chatd.test
listen-ws $host:0
listen-wss $host:0
tls-cert $tmp/chatd-cert.pem
tls-key $tmp/chatd-key.pem
ws-origin https://good.example
ws-origin https://other.example
max-conn-rate 100000
max-per-ip 100000
CONF
chatd_start && wait_log 'listening for WebSocket with TLS on ' ||
    bail "chatd did not open its listeners"
ws_port=$(log_port 'listening for WebSocket on')
wss_port=$(log_port 'listening for WebSocket with TLS on')

TCP_PORT=$port WS_PORT=$ws_port WSS_PORT=$wss_port WS_HOST=$host \
    CHATD_PID=$chatd_pid CHATD_CONF="$tmp/chatd.conf" \
    CHATD_LOG="$tmp/chatd.log" \
    python3 "$top_srcdir/tests/integration/ws.py" >"$tmp/ws.tap"
rc=$?
# ws.py's points (renumbered after the one above), then chatd's exit.
tap_relay "$tmp/ws.tap"
# A crash of ws.py itself is a failure even if its points passed.
[ $rc -eq 0 ] || ok 1 "ws.py exited with status $rc"
chatd_stop_ok
echo "1..$tap_n"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
exit $tap_failed
