#!/bin/sh
# A locked database: while another process holds the write lock on
# chatd.db, REGISTER and offline messages get a clear FAIL (after the
# store's busy timeout) and nothing is half-written: once the lock is
# gone the same registration succeeds. The chat goes on meanwhile.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-locked.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
lock_pid=

cleanup()
{
	exec 4>&- 2>/dev/null
	[ -n "$lock_pid" ] && kill -KILL "$lock_pid" 2>/dev/null
	chatd_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
printf 'server-name chatd.test\n' >"$tmp/chatd.conf"
chatd_start || bail "chatd did not start"

# First an account to send offline messages to.
cat >"$tmp/1.chat" <<'EOT'
a> REGISTER lena * lenas-password
a~ :chatd.test REGISTER SUCCESS lena :*
EOT
chat_ok "an account is registered" "$tmp/1.chat"

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
# Answered in the order sent (REGISTER first), each after its wait.
a~ :chatd.test FAIL REGISTER TEMPORARILY_UNAVAILABLE mo :Could not save the account (database is locked), try again later
a~ :chatd.test FAIL PRIVMSG TEMPORARILY_UNAVAILABLE lena :lena is offline and the message could not be stored (database is locked)
a> WHOIS mo
a~ :chatd.test 318 mo mo :*
a! *330 mo mo*
EOT
chat_ok "while locked: FAIL replies, and others still chat" "$tmp/2.chat"

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
chat_ok "after the lock: the same registration succeeds" "$tmp/3.chat"

chatd_stop
rc=$?
[ $rc -eq 0 ] && [ "$(sqlite3 "$tmp/chatd.db" \
    "SELECT count(*) FROM account WHERE fold = 'mo';")" = 1 ] &&
    [ "$(sqlite3 "$tmp/chatd.db" 'SELECT count(*) FROM offline;')" = 1 ]
stored=$?
ok $stored "clean exit (status $rc); exactly one account mo and one message stored"
[ $stored -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
