#!/bin/sh
# libevent issue 891: a read high watermark on a trusted client whose
# input is held could make EV_READ fire again and again. Here a trusted
# client floods a group while another process holds chatd.db's write
# lock, so its input is held (the store is behind) while it goes on
# sending; its input fills to the watermark. chatd must then sit idle:
# at most 0.3 s of CPU in 1.5 s. Afterwards the lock goes and the flood
# is answered to its end.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP the sqlite3 command-line tool is not installed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-held.XXXXXX") || exit 99
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

# CPU time chatd has used, in clock ticks (utime + stime).
chatd_ticks()
{
	awk '{ print $14 + $15 }' "/proc/$chatd_pid/stat"
}

echo "1..5"
printf 'server-name chatd.test\nmotd-file /dev/null\ntrusted-host 127.0.0.1\n' \
    >"$tmp/chatd.conf"
chatd_start || bail "chatd did not start"

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

{
	printf 'NICK fl\r\nUSER fl 0 * :Fl\r\nJOIN #log\r\n'
	yes 'PRIVMSG #log :held' | head -n 400000
	printf 'QUIT :all sent\r\n'
} | timeout 120 nc -N 127.0.0.1 "$port" >"$tmp/flood.out" 2>&1 &
flood_pid=$!
wait_log 'holding senders'
ok $? "the trusted sender is held while the store is behind"

# Let its input reach the watermark, then measure.
sleep 0.5
t0=$(chatd_ticks)
sleep 1.5
t1=$(chatd_ticks)
hz=$(getconf CLK_TCK)
used=$((t1 - t0))
[ "$used" -le $((hz * 3 / 10)) ]
ok $? "held and still sending, chatd used $used/$hz s of CPU in 1.5 s"

echo 'ROLLBACK;' >&4
exec 4>&-
wait "$lock_pid"
lock_pid=
wait "$flood_pid"
flood_pid=
grep -q '^ERROR :Closing Link: .*(Quit: all sent)' "$tmp/flood.out"
ok $? "once the store caught up, every line ran (the QUIT was answered)"
wait_log 'store queue drained'
ok $? "the hold ended"
chatd_finish
