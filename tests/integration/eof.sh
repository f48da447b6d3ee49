#!/bin/sh
# A script piped into netcat: EOF comes right behind its last lines. chatd
# runs every complete line it received before closing, even when there are
# more than it runs in one turn of its loop (32) or flood control makes
# them wait, and answers the last one before it closes.

set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-eof.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
talk_pid=
trap '[ -z "$talk_pid" ] || kill -KILL "$talk_pid" 2>/dev/null; chatd_cleanup' \
    EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
# Flood control on, with a budget for a 200-line script; the last lines
# wait for it (flood-rate 100 a second).
printf 'server-name chatd.test\nmotd-file /dev/null\nflood-burst 150\nflood-rate 100\nrecvq 65536\n' \
    >"$tmp/chatd.conf"
chatd_start
ok $? "chatd started"

cat >"$tmp/rcv.chat" <<'EOF'
set timeout 20000
r> NICK rcv
r> USER rcv 0 * :Receiver
r~ :chatd.test 376 rcv :*
r~ :script!*@* PRIVMSG rcv :line 1
r~ :script!*@* PRIVMSG rcv :line 100
r~ :script!*@* PRIVMSG rcv :line 200
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/rcv.chat" >"$tmp/rcv.tap" 2>&1 &
talk_pid=$!
wait_log 'client rcv registered'
{
	printf 'NICK script\r\nUSER script 0 * :Script\r\n'
	i=1
	while [ $i -le 200 ]; do
		printf 'PRIVMSG rcv :line %d\r\n' $i
		i=$((i + 1))
	done
	printf 'PING :last\r\n'
} | timeout 60 nc -N 127.0.0.1 "$port" >"$tmp/script.out" 2>&1
wait "$talk_pid"
rc=$?
talk_pid=
ok $rc "all 200 lines arrived"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/rcv.tap"
tail -n 2 "$tmp/script.out" | head -n 1 |
    grep -q '^:chatd.test PONG chatd.test :last'
ok $? "the last line was answered before the connection closed"
tail -n 3 "$tmp/script.out" | sed 's/^/# /'

chatd_finish
