#!/bin/sh
# A full database: with store-max-size 1 chatd.db cannot grow past its
# size at start, the same as a full disk. store-load registers accounts
# and sends offline messages until writes fail: they must fail with a
# clear FAIL, every acknowledged item must be in the database, nothing
# unacknowledged may be (no half-written registrations or messages), the
# integrity check must pass and chatd must go on chatting.
#
# Environment: CHATD, CHAT_EXPECT, top_builddir (AM_TESTS_ENVIRONMENT).

set -u
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
: "${top_builddir:?top_builddir is not set}"
load="$top_builddir/tests/integration/store-load"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-full.XXXXXX") || exit 99
chatd_pid=

cleanup()
{
	if [ -n "$chatd_pid" ]; then
		kill -KILL "$chatd_pid" 2>/dev/null
		wait "$chatd_pid" 2>/dev/null
	fi
	if [ "${CHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
cat >"$tmp/chatd.conf" <<'EOT'
server-name chatd.test
trusted-host 127.0.0.1
store-max-size 1
max-offline 100000
EOT
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp" -f "$tmp/chatd.conf" \
    </dev/null >"$tmp/chatd.log" 2>&1 &
chatd_pid=$!
i=0
port=
while [ $i -lt 200 ]; do
	port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" 2>/dev/null | head -n 1)
	[ -n "$port" ] && break
	sleep 0.05
	i=$((i + 1))
done
[ -n "$port" ] || { echo "Bail out! chatd did not start"; exit 1; }

"$load" -p "$port" -t f -n 40 -m 4 -T 30 >"$tmp/acked" 2>"$tmp/load.err"
na=$(grep -c '^A ' "$tmp/acked")
nm=$(grep -c '^M ' "$tmp/acked")
nfail=$(grep -c 'database or disk is full' "$tmp/chatd.log")
if [ "$na" -lt 40 ] || [ "$nm" -lt 160 ]; then
	echo "ok 1 - writes failed once the database was full ($na of 40" \
	    "accounts, $nm of 160 messages acknowledged)"
else
	echo "not ok 1 - nothing failed: store-max-size had no effect"
fi

cat >"$tmp/chat.chat" <<'EOT'
a> NICK al
a> USER al 0 * :Al
a~ :chatd.test 001 al *
a>* 20 PRIVMSG a_f_0 :yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy {i}
a~ :chatd.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE a_f_0 :a_f_0 is offline and the message could not be stored (database or disk is full)
c> NICK cy
c> USER cy 0 * :Cy
c~ :chatd.test 001 cy *
c> PRIVMSG al :still chatting
a~ :cy!cy@127.0.0.1 PRIVMSG al :still chatting
EOT
if "$CHAT_EXPECT" -p "$port" "$tmp/chat.chat" >"$tmp/chat.tap"; then
	echo "ok 2 - messages to store get FAIL ... full; the chat goes on"
else
	echo "not ok 2 - messages to store get FAIL ... full; the chat goes on"
	sed 's/^/# /' "$tmp/chat.tap"
fi

kill -TERM "$chatd_pid"
wait "$chatd_pid"
rc=$?
chatd_pid=
db="$tmp/chatd.db"
fa=$(sqlite3 "$db" "SELECT count(*) FROM account WHERE fold LIKE 'a_f_%';")
fm=$(sqlite3 "$db" "SELECT count(*) FROM offline WHERE text LIKE 'm-%';")
fam=$(sqlite3 "$db" "SELECT count(*) FROM account WHERE fold IN \
    ($(awk '$1 == "A" { printf "%s'\''%s'\''", s, $2; s = "," }' \
    "$tmp/acked"));")
fmm=$(sqlite3 "$db" "SELECT count(*) FROM offline WHERE text IN \
    ($(awk '$1 == "M" { printf "%s'\''%s'\''", s, $3; s = "," }' \
    "$tmp/acked"));")
if [ "$fa" = "$na" ] && [ "$fam" = "$na" ] && [ "$fm" = "$nm" ] &&
    [ "$fmm" = "$nm" ]; then
	echo "ok 3 - exactly the acknowledged rows are stored ($na accounts," \
	    "$nm messages)"
else
	echo "not ok 3 - stored $fa accounts ($fam acknowledged) and $fm" \
	    "messages ($fmm acknowledged); acknowledged $na and $nm"
fi
integrity=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
if [ $rc -eq 0 ] && [ "$integrity" = ok ]; then
	echo "ok 4 - clean exit, integrity ok"
else
	echo "not ok 4 - exit status $rc, integrity: $integrity"
	sed 's/^/# /' "$tmp/chatd.log"
fi
