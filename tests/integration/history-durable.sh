#!/bin/sh
# History is as durable as the echo: a sender with echo-message pipelines
# 20,000 messages into a group while chatd is killed (SIGKILL) partway
# (after the first 2,000 echoes); after
# each of 3 rounds every message the sender saw echoed must be in the
# history on disk. (Others get the message at once; the echo waits for
# the history write to commit.)
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-durable.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
nc_pid=
trap '[ -z "$nc_pid" ] || kill -KILL "$nc_pid" 2>/dev/null; chatd_cleanup' EXIT
trap 'exit 1' HUP INT TERM

rounds=3 n=20000
echo "1..$((rounds * 2))"
printf 'server-name chatd.test\nmotd-file /dev/null\ntrusted-host 127.0.0.1\n' \
    >"$tmp/chatd.conf"
chatd_log_keep=1
: >"$tmp/chatd.log"
r=1
while [ $r -le $rounds ]; do
	chatd_start || bail "chatd did not start (round $r)"
	: >"$tmp/echo.$r"
	{
		printf 'CAP REQ :echo-message\r\nNICK se\r\nUSER se 0 * :Se\r\n'
		printf 'CAP END\r\nJOIN #d\r\n'
		seq 1 $n | sed "s/.*/PRIVMSG #d :r$r-&\r/"
		sleep 30
	} | nc 127.0.0.1 "$port" >"$tmp/echo.$r" 2>&1 &
	nc_pid=$!
	# Kill chatd once a tenth has been echoed (at most 20 s).
	i=0
	while [ $i -lt 400 ] &&
	    [ "$(grep -c "PRIVMSG #d :r$r-" "$tmp/echo.$r")" -lt $((n / 10)) ]
	do
		sleep 0.05
		i=$((i + 1))
	done
	chatd_kill
	kill -KILL "$nc_pid" 2>/dev/null
	wait "$nc_pid" 2>/dev/null
	nc_pid=
	echoed=$(grep -c "PRIVMSG #d :r$r-" "$tmp/echo.$r")
	[ "$echoed" -ge $((n / 10)) ] && [ "$echoed" -lt "$n" ]
	ok $? "round $r: chatd killed after $echoed of $n echoes"
	sed -n "s/.*PRIVMSG #d :\\(r$r-[0-9]*\\).*/\\1/p" "$tmp/echo.$r" |
	    tr -d '\r' | sort >"$tmp/echoed.$r"
	sqlite3 "$tmp/chatd.db" \
	    "SELECT text FROM history WHERE target = '#d' AND text LIKE 'r$r-%';" |
	    sort >"$tmp/kept.$r"
	missing=$(comm -23 "$tmp/echoed.$r" "$tmp/kept.$r" | wc -l)
	ok $([ "$missing" -eq 0 ]; echo $?) \
	    "round $r: every echoed message is in the history ($missing missing)"
	r=$((r + 1))
done
exit $tap_failed
