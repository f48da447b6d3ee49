# Shell helpers for TAP tests that manage chatd themselves (sourced).
#
#   chatd_start [chatd options...]   start chatd on 127.0.0.1:0 with
#                                    $tmp/chatd.conf; sets chatd_pid, port
#   chatd_stop                       SIGTERM and wait (bounded); returns
#                                    chatd's exit status
#   wait_log PATTERN                 wait (at most 10 s) for a log line
#   ok COND DESCRIPTION              print a TAP test point
#
# The caller sets $tmp (a private directory) and writes $tmp/chatd.conf.
# Only the chatd started here is ever signalled, by its PID.

: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
chatd_pid=
port=
tap_n=0
tap_failed=0

ok()
{
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=1
	fi
}

# True while $1 is alive and not a zombie.
chatd_alive()
{
	kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

wait_log()
{
	_i=0
	while [ $_i -lt 200 ]; do
		grep -q -e "$1" "$tmp/chatd.log" 2>/dev/null && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

chatd_start()
{
	: >"$tmp/chatd.log"
	"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp" \
	    -f "$tmp/chatd.conf" "$@" </dev/null >>"$tmp/chatd.log" 2>&1 &
	chatd_pid=$!
	wait_log 'listening on 127.0.0.1:' || return 1
	port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" | tail -n 1)
}

chatd_stop()
{
	[ -n "$chatd_pid" ] || return 0
	kill -TERM "$chatd_pid" 2>/dev/null
	_i=0
	while [ $_i -lt 200 ] && chatd_alive "$chatd_pid"; do
		sleep 0.05
		_i=$((_i + 1))
	done
	chatd_alive "$chatd_pid" && kill -KILL "$chatd_pid" 2>/dev/null
	wait "$chatd_pid"
	_rc=$?
	chatd_pid=
	return $_rc
}

# Cleanup for an EXIT trap: kill our chatd if still running, remove $tmp.
chatd_cleanup()
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
