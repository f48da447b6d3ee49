#!/bin/sh
# Reloading the configuration (SIGHUP, as REHASH does) announces changed
# capability values to cap-notify clients: the tic-tac-toe limits are in
# the chatd/ttt value, so a new ttt-invite-timeout gives CAP NEW. A CAP
# LS 302 client (cap-notify implied) sees the value; a client that asked
# for cap-notify without 302 sees the name only.
#
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT).

set -u
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"

# Bounds, in 50 ms polls.
start_polls=200
wait_polls=400

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-rehash.XXXXXX") || exit 99
chatd_pid=
talk_pid=

cleanup()
{
	for pid in $talk_pid $chatd_pid; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "${CHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# True while $1 runs (and is not a zombie).
alive()
{
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$state" != Z ] || return 1
	fi
	return 0
}

# Wait until the chatd log has a line matching $1.
wait_log()
{
	i=0
	while [ $i -lt $wait_polls ]; do
		grep -q "$1" "$tmp/chatd.log" 2>/dev/null && return 0
		alive "$chatd_pid" || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

conf()
{
	printf 'server-name chatd.test\nmotd-file /dev/null\n'
	printf 'ttt-invite-timeout %s\n' "$1"
}

echo "1..4"
conf 300 >"$tmp/chatd.conf"
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp" -f "$tmp/chatd.conf" \
    </dev/null >"$tmp/chatd.log" 2>&1 &
chatd_pid=$!
if ! wait_log 'listening on'; then
	echo "not ok 1 - chatd started"
	sed 's/^/# /' "$tmp/chatd.log"
	exit 1
fi
port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
    "$tmp/chatd.log" | head -n 1)
echo "ok 1 - chatd started on port $port"

cat >"$tmp/talk.chat" <<'EOF'
set timeout 20000
n> CAP LS 302
n< :chatd.test NOTICE \* :*
n< :chatd.test CAP \* LS :* chatd/ttt=invite=300,* *
n> NICK neo
n> USER neo 0 * :Neo
n> CAP END
n~ :chatd.test 376 neo :*
o> CAP REQ cap-notify
o< :chatd.test NOTICE \* :*
o< :chatd.test CAP \* ACK :cap-notify
o> NICK old
o> USER old 0 * :Old
o> CAP END
o~ :chatd.test 376 old :*
p> NICK pip
p> USER pip 0 * :Pip
p~ :chatd.test 376 pip :*
# Here the test reloads chatd with ttt-invite-timeout 100.
n< :chatd.test CAP neo NEW :chatd/ttt=invite=100,grace=60,games=*
o< :chatd.test CAP old NEW :chatd/ttt
n> CAP LS 302
n< :chatd.test CAP neo LS :* chatd/ttt=invite=100,* *
# pip never asked for cap-notify: nothing.
p> PING :sync
p< :chatd.test PONG chatd.test :sync
EOF
"$CHAT_EXPECT" -P -T 60 -p "$port" "$tmp/talk.chat" >"$tmp/talk.tap" 2>&1 &
talk_pid=$!

failed=0
if wait_log 'client pip registered'; then
	conf 100 >"$tmp/chatd.conf"
	kill -HUP "$chatd_pid"
	echo "ok 2 - clients registered; chatd reloaded"
else
	echo "not ok 2 - clients registered; chatd reloaded"
	failed=1
fi
wait "$talk_pid"
talk_rc=$?
talk_pid=
if [ $talk_rc -eq 0 ]; then
	echo "ok 3 - cap-notify clients got CAP NEW with the new value"
else
	echo "not ok 3 - cap-notify clients got CAP NEW with the new value"
	sed 's/^/# /' "$tmp/talk.tap"
	failed=1
fi

kill -TERM "$chatd_pid" 2>/dev/null
i=0
while [ $i -lt $start_polls ] && alive "$chatd_pid"; do
	sleep 0.05
	i=$((i + 1))
done
wait "$chatd_pid"
chatd_rc=$?
chatd_pid=
if [ $chatd_rc -eq 0 ] && ! grep -q -E \
    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/chatd.log"
then
	echo "ok 4 - chatd shut down cleanly"
else
	echo "not ok 4 - chatd shut down cleanly (status $chatd_rc)"
	failed=1
fi
if [ $failed -ne 0 ]; then
	echo "# --- chatd log"
	sed 's/^/# /' "$tmp/chatd.log"
fi
exit $failed
