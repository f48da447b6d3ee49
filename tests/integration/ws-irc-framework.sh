#!/bin/sh
# irc-framework, the IRC library of Kiwi IRC, run by node: one client over
# TCP and one over WebSocket (tests/js/irc-framework.js) register, join
# and exchange messages, once with text.ircv3.net and once without a
# subprotocol. The JavaScript packages are pinned by
# tests/js/package-lock.json and installed by contrib/quickstart check
# (npm ci in tests/js); nothing is downloaded here.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
host=127.0.0.1
js=$top_srcdir/tests/js

if ! command -v node >/dev/null 2>&1; then
	echo "1..0 # SKIP node is not installed (contrib/quickstart check installs it)"
	exit 0
fi
if [ ! -d "$js/node_modules/irc-framework" ] ||
    [ ! -d "$js/node_modules/ws" ]; then
	echo "1..0 # SKIP tests/js/node_modules is missing: run contrib/quickstart check, or (cd tests/js && npm ci)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-wsif.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

cat >"$tmp/chatd.conf" <<CONF
server-name chatd.test
listen-ws $host:0
CONF
chatd_start && wait_log 'listening for WebSocket on ' ||
    bail "chatd did not open its listeners"
ws_port=$(log_port 'listening for WebSocket on')

# Each run's points, renumbered into one plan.
for proto in text.ircv3.net ""; do
	node "$js/irc-framework.js" "$host" "$port" "$ws_port" $proto \
	    >"$tmp/node.tap" 2>"$tmp/node.err"
	rc=$?
	tap_relay "$tmp/node.tap"
	if [ $rc -ne 0 ]; then
		ok 1 "node irc-framework.js ${proto:-without a subprotocol} exited with $rc"
		sed 's/^/# /' "$tmp/node.tap" "$tmp/node.err"
	fi
done
chatd_stop_ok
echo "1..$tap_n"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
exit $tap_failed
