#!/bin/sh
# History is never dropped when the store falls behind: another process
# holds chatd.db's write lock for a moment while a trusted client (no
# flood control) floods a group with history. Once more than 10,000
# store jobs wait, the sender's input is held instead of its history
# being skipped; when the lock goes, every message is in the history.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-behind.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
lock_pid= flood_pid=
cleanup()
{
	exec 4>&- 2>/dev/null
	[ -z "$lock_pid" ] || kill -KILL "$lock_pid" 2>/dev/null
	[ -z "$flood_pid" ] || kill -KILL "$flood_pid" 2>/dev/null
	chatd_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

n=15000
echo "1..6"
printf 'server-name chatd.test\nmotd-file /dev/null\ntrusted-host 127.0.0.1\n' \
    >"$tmp/chatd.conf"
chatd_start || bail "chatd did not start"

cat >"$tmp/join.chat" <<'EOT'
a> NICK al
a> USER al 0 * :Al
a~ :chatd.test 376 al :*
a> JOIN #log
a~ :chatd.test 366 al #log :*
a> PRIVMSG #log :first
a> PING :x
a~ :chatd.test PONG chatd.test :x
EOT
chat_ok "a group with history" "$tmp/join.chat"

# Another process takes the write lock (chatd waits up to 2 s for it).
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

cat >"$tmp/flood.chat" <<EOT
set timeout 60000
f> NICK fl
f> USER fl 0 * :Fl
f~ :chatd.test 376 fl :*
f> JOIN #log
f~ :chatd.test 366 fl #log :*
f>* $n PRIVMSG #log :m{i}
f> PING :done
f~ :chatd.test PONG chatd.test :done
EOT
"$CHAT_EXPECT" -T 120 -p "$port" "$tmp/flood.chat" >"$tmp/flood.tap" 2>&1 &
flood_pid=$!

# Release the lock once the store is behind (at most 1.5 s: before
# chatd's busy timeout fails the waiting batch).
i=0
while [ $i -lt 30 ] && ! grep -q 'store queue over' "$tmp/chatd.log"; do
	sleep 0.05
	i=$((i + 1))
done
grep -q 'holding senders' "$tmp/chatd.log"
ok $? "the store fell behind and the sender was held"
echo 'ROLLBACK;' >&4
exec 4>&-
wait "$lock_pid"
lock_pid=
wait "$flood_pid"
rc=$?
flood_pid=
ok $rc "the flood ran to its end"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/flood.tap"
wait_log 'store queue drained'
ok $? "the queue drained and senders ran again"

chatd_stop
got=$(sqlite3 "$tmp/chatd.db" \
    "SELECT count(*) FROM history WHERE target = '#log' AND text LIKE 'm%';")
[ "$got" = "$n" ]
ok $? "all $n messages are in the history ($got)"
grep -q 'not recorded' "$tmp/chatd.log"
ok $((1 - $?)) "no history was skipped"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log" | grep -v PRIVMSG | tail -30
exit $tap_failed
