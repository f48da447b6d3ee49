# Shell helpers for TAP tests that manage chatd themselves (sourced).
#
#   chatd_start [chatd options...]   start chatd on $chatd_host (default
#                                    127.0.0.1) port 0 with
#                                    $tmp/chatd.conf; sets chatd_pid, port
#   chatd_stop                       SIGTERM and wait (bounded); returns
#                                    chatd's exit status
#   chatd_kill                       SIGKILL and reap chatd (crash tests)
#   chatd_cleanup                    for an EXIT trap: kill chatd, rm $tmp
#   wait_log PATTERN                 wait (at most 10 s) for a log line
#   log_port PATTERN                 print the port of the first log line
#                                    "PATTERN <address>:<port>"
#   ok COND DESCRIPTION...           print a TAP test point
#   bail MESSAGE                     "Bail out!", chatd's log, exit 1
#   chat_ok DESCRIPTION FILE [chat-expect options...]
#                                    run transcript FILE against $port as a
#                                    TAP point; its output as comments if
#                                    it fails
#
# The caller sets $tmp (a private directory) and writes $tmp/chatd.conf.
# It may set chatd_data (the data directory, default $tmp), chatd_log
# (the log, default $tmp/chatd.log), chatd_host (a loopback address, ::1
# for IPv6) and chatd_log_keep=1 (append to the log instead of starting it
# afresh, for restarts) before chatd_start.
# Only the chatd started here is ever signalled, by its PID.

: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
chatd_pid=
port=
tap_n=0
tap_failed=0

# A TAP test point: passed if $1 is 0; the rest of the words describe it.
ok()
{
	_cond=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$_cond" = 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=1
	fi
}

# The points of a helper's TAP output in file $1, renumbered into this
# script's plan; its comments pass through.
tap_relay()
{
	while read -r _line; do
		case $_line in
		"ok "*) ok 0 "${_line#* - }" ;;
		"not ok "*) ok 1 "${_line#* - }" ;;
		"#"*) echo "$_line" ;;
		esac
	done <"$1"
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
		grep -q -e "$1" "${chatd_log:-$tmp/chatd.log}" 2>/dev/null &&
		    return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# Print the port of the first log line that reads "$1 <address>:<port>".
log_port()
{
	sed -n "s/.*$1 [^ ]*:\\([0-9][0-9]*\\).*/\\1/p" \
	    "${chatd_log:-$tmp/chatd.log}" | head -n 1
}

chatd_start()
{
	_log=${chatd_log:-$tmp/chatd.log}
	_host=${chatd_host:-127.0.0.1}
	case $_host in
	*:*)	_addr="[$_host]" ;;
	*)	_addr=$_host ;;
	esac
	[ "${chatd_log_keep:-0}" = 1 ] || : >"$_log"
	# Lines of earlier starts (chatd_log_keep) are not this start's.
	_seen=$(grep -c 'listening on ' "$_log" 2>/dev/null)
	_seen=${_seen:-0}
	"$CHATD" -d --listen "$_addr:0" --data-dir "${chatd_data:-$tmp}" \
	    -f "$tmp/chatd.conf" "$@" </dev/null >>"$_log" 2>&1 &
	chatd_pid=$!
	port=
	_i=0
	while [ $_i -lt 200 ]; do
		if [ "$(grep -c 'listening on ' "$_log")" -gt "$_seen" ]; then
			port=$(grep 'listening on ' "$_log" |
			    sed -n "$((_seen + 1))s/.*:\([0-9][0-9]*\).*/\1/p")
			break
		fi
		chatd_alive "$chatd_pid" || break
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -n "$port" ]
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

# Stop chatd as the last test point: it must exit with status 0 and, under
# the sanitizers, without a report in its log.
chatd_stop_ok()
{
	chatd_stop
	_rc=$?
	if [ $_rc -eq 0 ] && grep -q -E \
	    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
	    "${chatd_log:-$tmp/chatd.log}"
	then
		_rc=1
	fi
	ok $_rc "chatd shut down cleanly"
}

# End a test: chatd_stop_ok, chatd's log as comments if anything failed,
# and the exit status TAP expects.
chatd_finish()
{
	chatd_stop_ok
	[ $tap_failed -eq 0 ] || sed 's/^/# /' "${chatd_log:-$tmp/chatd.log}"
	exit $tap_failed
}

# Give up the whole test: TAP's "Bail out!" with chatd's log as comments.
bail()
{
	echo "Bail out! $1"
	sed 's/^/# /' "${chatd_log:-$tmp/chatd.log}" 2>/dev/null
	exit 1
}

# Kill our chatd at once, as a crash would, and reap it.
chatd_kill()
{
	[ -n "$chatd_pid" ] || return 0
	kill -KILL "$chatd_pid" 2>/dev/null
	wait "$chatd_pid" 2>/dev/null
	chatd_pid=
}

# Run the transcript $2 against $port (options for chat-expect after it)
# as the TAP point $1; on failure its output follows as comments.
chat_ok()
{
	_desc=$1
	_file=$2
	shift 2
	"$CHAT_EXPECT" "$@" -p "$port" "$_file" >"${_file%.chat}.tap"
	_rc=$?
	ok $_rc "$_desc"
	[ $_rc -eq 0 ] || sed 's/^/# /' "${_file%.chat}.tap"
	return $_rc
}

# Cleanup for an EXIT trap: kill our chatd if still running, remove $tmp.
chatd_cleanup()
{
	chatd_kill
	if [ "${CHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
