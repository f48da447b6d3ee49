# Shared by the SENDFILE shell tests (sourced): a temporary directory,
# TAP points, starting and stopping chatd (by PID), contrib/chatfile with
# a bounded idle time, and bounded waits. The caller sets sendfile_test
# (the temporary directory's name) and may set extra_conf (more chatd.conf
# lines) before start_chatd.

chatfile="$top_srcdir/contrib/chatfile"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/${sendfile_test:-sendfile}.XXXXXX") || exit 99
pids=
chatd_pid=
n=0
failed=0

cleanup()
{
	for p in $pids $chatd_pid; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	if [ "${CHAT_KEEP:-0}" = 1 ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# One test point: result (0 = ok) and description.
point()
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# Print a file as TAP diagnostics.
diag_file()
{
	[ -f "$1" ] && sed 's/^/# /' "$1"
}

# Start chatd in $tmp/$1 (optionally under "ulimit -f $2"); sets port.
start_chatd()
{
	dir=$tmp/$1
	mkdir -p "$dir"
	# A small send queue: downloads must be paced to it (the shell's
	# reader is slow), never cut off with "Max SendQ exceeded".
	printf 'server-name chatd.test\nfile-upload-timeout 30\nsendq 300k\n' \
	    >"$dir/chatd.conf"
	echo "${extra_conf:-}" >>"$dir/chatd.conf"
	: >"$dir/chatd.log"
	(
		[ -z "${2:-}" ] || ulimit -f "$2"
		exec "$CHATD" -d --listen 127.0.0.1:0 --data-dir "$dir" \
		    -f "$dir/chatd.conf"
	) </dev/null >"$dir/chatd.log" 2>&1 &
	chatd_pid=$!
	port=
	i=0
	while [ $i -lt 200 ] && [ -z "$port" ]; do
		port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
		    "$dir/chatd.log" | head -n 1)
		[ -n "$port" ] || sleep 0.05
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		echo "Bail out! chatd did not start"
		diag_file "$dir/chatd.log"
		exit 1
	fi
}

# Stop chatd; one test point for a clean exit without sanitizer reports.
stop_chatd()
{
	kill -TERM "$chatd_pid" 2>/dev/null
	i=0
	while [ $i -lt 200 ] && kill -0 "$chatd_pid" 2>/dev/null; do
		[ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$chatd_pid/stat" \
		    2>/dev/null)" != Z ] || break
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL "$chatd_pid" 2>/dev/null
	wait "$chatd_pid"
	rc=$?
	chatd_pid=
	! grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
	    "$dir/chatd.log" && [ $rc -eq 0 ]
	point $? "chatd ($1) exits cleanly"
	[ $rc -eq 0 ] || diag_file "$dir/chatd.log"
}

# Run chatfile with a bounded idle time, logged in to the account of its
# nick (resuming needs an account).
cf()
{
	_nick= _prev=
	for _a in "$@"; do
		[ "$_prev" = -n ] && _nick=$_a
		_prev=$_a
	done
	sh "$chatfile" -p "$port" -t 20 -P "pw-$_nick-secret" "$@"
}

# Wait (at most 10 s) until file $1 contains the text $2.
wait_for()
{
	i=0
	while [ $i -lt 200 ] && ! grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Wait (at most 30 s) for a background job; its status in $rc.
wait_job()
{
	i=0
	while [ $i -lt 600 ] && kill -0 "$1" 2>/dev/null; do
		[ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" \
		    != Z ] || break
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	rc=$?
}
