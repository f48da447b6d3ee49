#!/bin/sh
# Run one transcript (or, with -m, the ```chat blocks of a Markdown file)
# against a fresh chatd on an ephemeral loopback port, and print TAP.
#
# usage: run-chat.sh [-m] FILE
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT).
# Lines "#! conf: key value" in FILE are copied into chatd.conf.
# CHAT_HOST (default 127.0.0.1) is the loopback address to listen on and
# connect to, e.g. ::1 for IPv6.
# Set CHAT_KEEP=1 to keep the temporary directory for a post-mortem.

set -u

mode=
if [ "${1:-}" = -m ]; then
	mode=-m
	shift
fi
file=${1:?usage: run-chat.sh [-m] FILE}
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
host=${CHAT_HOST:-127.0.0.1}
case $host in
*:*)	listen="[$host]:0" ;;
*)	listen="$host:0" ;;
esac

# Bounds: startup and shutdown waits, in 50 ms polls.
start_polls=200
stop_polls=200

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-test.XXXXXX") || exit 99
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

# Print a file as TAP diagnostics.
diag_file()
{
	sed 's/^/# /' "$1"
}

# True while $1 is alive and not a zombie waiting to be reaped.
alive()
{
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$state" != Z ] || return 1
	fi
	return 0
}

{
	echo "# written by run-chat.sh for $file"
	echo "server-name chatd.test"
	sed -n 's/^#! *conf: *//p' "$file"
} >"$tmp/chatd.conf"

: >"$tmp/chatd.log"	# exists before the background job opens it
"$CHATD" -d --listen "$listen" --data-dir "$tmp" -f "$tmp/chatd.conf" \
    </dev/null >"$tmp/chatd.log" 2>&1 &
chatd_pid=$!

port=
i=0
while [ $i -lt $start_polls ]; do
	port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" | head -n 1)
	[ -n "$port" ] && break
	alive "$chatd_pid" || break
	sleep 0.05
	i=$((i + 1))
done
if [ -z "$port" ]; then
	echo "1..1"
	echo "not ok 1 - chatd did not report 'listening on $listen'"
	echo "# $CHATD -d --listen $listen --data-dir $tmp -f $tmp/chatd.conf"
	diag_file "$tmp/chatd.conf"
	echo "# --- chatd log"
	diag_file "$tmp/chatd.log"
	exit 1
fi

# The plan goes last: chatd's exit status is one more test point.
"$CHAT_EXPECT" -P -h "$host" -p "$port" $mode "$file" >"$tmp/tap"
expect_rc=$?
cat "$tmp/tap"
n=$(grep -c -E '^(not )?ok ' "$tmp/tap")
failed=0
[ $expect_rc -eq 0 ] || failed=1

# Stop chatd and check that it shut down cleanly.
kill -TERM "$chatd_pid" 2>/dev/null
i=0
while [ $i -lt $stop_polls ] && alive "$chatd_pid"; do
	sleep 0.05
	i=$((i + 1))
done
why=
if alive "$chatd_pid"; then
	why="did not exit within $((stop_polls / 20)) s of SIGTERM"
	kill -KILL "$chatd_pid" 2>/dev/null
fi
wait "$chatd_pid"
chatd_rc=$?
chatd_pid=
if [ -z "$why" ] && [ $chatd_rc -ne 0 ]; then
	if [ $chatd_rc -gt 128 ]; then
		why="killed by signal $((chatd_rc - 128))"
	else
		why="exited with status $chatd_rc"
	fi
fi
if [ -z "$why" ] && grep -q -E \
    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/chatd.log"
then
	why="printed a sanitizer report"
fi
if [ $expect_rc -gt 1 ]; then
	n=$((n + 1))
	echo "not ok $n - chat-expect exited with status $expect_rc"
fi
n=$((n + 1))
if [ -z "$why" ]; then
	echo "ok $n - chatd shut down cleanly"
else
	echo "not ok $n - chatd $why"
	failed=1
fi
if [ $failed -ne 0 ]; then
	echo "# --- chatd.conf"
	diag_file "$tmp/chatd.conf"
	echo "# --- chatd log"
	diag_file "$tmp/chatd.log"
fi
echo "1..$n"
exit $failed
