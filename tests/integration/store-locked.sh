#!/bin/sh
# A locked database: while another process holds the write lock on
# chatd.db, REGISTER and offline messages get a clear FAIL (after the
# store's busy timeout) and nothing is half-written: once the lock is
# gone the same registration succeeds. The chat goes on meanwhile.
#
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT).

set -u
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-locked.XXXXXX") || exit 99
chatd_pid=
lock_pid=

cleanup()
{
	exec 4>&- 2>/dev/null
	[ -n "$lock_pid" ] && kill -KILL "$lock_pid" 2>/dev/null
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
printf 'server-name chatd.test\n' >"$tmp/chatd.conf"
: >"$tmp/chatd.log"
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp" -f "$tmp/chatd.conf" \
    </dev/null >"$tmp/chatd.log" 2>&1 &
chatd_pid=$!
i=0
port=
while [ $i -lt 200 ]; do
	port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.05
	i=$((i + 1))
done
[ -n "$port" ] || { echo "Bail out! chatd did not start"; exit 1; }

# First an account to send offline messages to.
cat >"$tmp/1.chat" <<'EOT'
a> REGISTER lena * lenas-password
a~ :chatd.test REGISTER SUCCESS lena :*
EOT
if "$CHAT_EXPECT" -p "$port" "$tmp/1.chat" >"$tmp/1.tap"; then
	echo "ok 1 - an account is registered"
else
	echo "not ok 1 - an account is registered"
	sed 's/^/# /' "$tmp/1.tap"
fi

# Another process takes the write lock and keeps it.
mkfifo "$tmp/lock.in"
sqlite3 "$tmp/chatd.db" <"$tmp/lock.in" >/dev/null 2>&1 &
lock_pid=$!
exec 4>"$tmp/lock.in"
printf '.timeout 5000\nBEGIN EXCLUSIVE;\n' >&4
i=0
while [ $i -lt 100 ]; do
	sqlite3 -cmd '.timeout 1' "$tmp/chatd.db" 'BEGIN IMMEDIATE; ROLLBACK;' \
	    >/dev/null 2>&1 || break
	sleep 0.05
	i=$((i + 1))
done

cat >"$tmp/2.chat" <<'EOT'
set timeout 10000
a> NICK mo
a> USER mo 0 * :Mo
a~ :chatd.test 001 mo *
a> REGISTER mo * mos-password
a> PRIVMSG lena :are you there?
b> NICK nell
b> USER nell 0 * :Nell
b~ :chatd.test 001 nell *
b> PING :alive
b~ :chatd.test PONG chatd.test :alive
a~ :chatd.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE lena :lena is offline and the message could not be stored (database is locked)
a~ :chatd.test FAIL REGISTER TEMPORARILY_UNAVAILABLE mo :Could not save the account (database is locked), try again later
a> WHOIS mo
a~ :chatd.test 318 mo mo :*
a! *330 mo mo*
EOT
if "$CHAT_EXPECT" -p "$port" "$tmp/2.chat" >"$tmp/2.tap"; then
	echo "ok 2 - while locked: FAIL replies, and others still chat"
else
	echo "not ok 2 - while locked: FAIL replies, and others still chat"
	sed 's/^/# /' "$tmp/2.tap"
fi

echo 'ROLLBACK;' >&4
exec 4>&-
wait "$lock_pid"
lock_pid=

cat >"$tmp/3.chat" <<'EOT'
a> NICK mo
a> USER mo 0 * :Mo
a~ :chatd.test 001 mo *
a> REGISTER mo * mos-password
a~ :chatd.test REGISTER SUCCESS mo :*
a> PRIVMSG lena :are you there?
a~ :chatd.test NOTICE mo :lena is offline; your message is stored*
EOT
if "$CHAT_EXPECT" -p "$port" "$tmp/3.chat" >"$tmp/3.tap"; then
	echo "ok 3 - after the lock: the same registration succeeds"
else
	echo "not ok 3 - after the lock: the same registration succeeds"
	sed 's/^/# /' "$tmp/3.tap"
fi

kill -TERM "$chatd_pid"
wait "$chatd_pid"
rc=$?
chatd_pid=
if [ $rc -eq 0 ] && [ "$(sqlite3 "$tmp/chatd.db" \
    "SELECT count(*) FROM account WHERE fold = 'mo';")" = 1 ] &&
    [ "$(sqlite3 "$tmp/chatd.db" 'SELECT count(*) FROM offline;')" = 1 ]
then
	echo "ok 4 - clean exit; exactly one account mo and one message stored"
else
	echo "not ok 4 - exit status $rc or wrong rows"
	sed 's/^/# /' "$tmp/chatd.log"
fi
