#!/bin/sh
# Run a transcript in parts, restarting chatd on the same data directory
# between them, to test what survives a restart. In FILE, a line
# "#! restart" stops chatd with SIGTERM and starts it again; "#! crash"
# kills it with SIGKILL first. "#! conf: key value" lines go into
# chatd.conf as for run-chat.sh. Prints TAP: one test point per part,
# then one for the final clean shutdown.
#
# usage: run-restart.sh FILE
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT).

set -u
file=${1:?usage: run-restart.sh FILE}
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-restart.XXXXXX") || exit 99
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

# Start chatd; sets chatd_pid and port.
start_chatd()
{
	"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp/data" \
	    -f "$tmp/chatd.conf" </dev/null >>"$tmp/chatd.log" 2>&1 &
	chatd_pid=$!
	port=
	i=0
	while [ $i -lt 200 ]; do
		if [ "$(grep -c 'listening on' "$tmp/chatd.log")" -gt \
		    "$starts" ]; then
			port=$(sed -n \
			    's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
			    "$tmp/chatd.log" | tail -n 1)
			break
		fi
		alive "$chatd_pid" || break
		sleep 0.05
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		echo "Bail out! chatd did not start"
		sed 's/^/# /' "$tmp/chatd.log"
		exit 1
	fi
	starts=$((starts + 1))
}

# Stop chatd with a signal; return its exit status (or 124: stuck).
stop_chatd()
{
	kill "-$1" "$chatd_pid" 2>/dev/null
	i=0
	while [ $i -lt 200 ] && alive "$chatd_pid"; do
		sleep 0.05
		i=$((i + 1))
	done
	if alive "$chatd_pid"; then
		kill -KILL "$chatd_pid"
		wait "$chatd_pid" 2>/dev/null
		chatd_pid=
		return 124
	fi
	wait "$chatd_pid"
	rc=$?
	chatd_pid=
	return $rc
}

{
	echo "server-name chatd.test"
	sed -n 's/^#! *conf: *//p' "$file"
} >"$tmp/chatd.conf"
mkdir "$tmp/data"
: >"$tmp/chatd.log"

# Split FILE into parts and remember how each part ends.
awk -v dir="$tmp" '
	BEGIN { n = 1; f = dir "/part.1" ; printf "" > f }
	/^#! *(restart|crash) *$/ {
		sub(/^#! */, ""); sub(/ *$/, "")
		print > (dir "/end." n)
		close(f); n++; f = dir "/part." n; printf "" > f; next
	}
	{ print > f }
	END { print n > (dir "/nparts") }
' "$file"
nparts=$(cat "$tmp/nparts")

starts=0
failed=0
start_chatd
n=1
while [ $n -le "$nparts" ]; do
	"$CHAT_EXPECT" -P -p "$port" "$tmp/part.$n" >"$tmp/tap.$n"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n - $file part $n"
	else
		echo "not ok $n - $file part $n"
		grep -v '^ok\|^not ok' "$tmp/tap.$n"
		failed=1
	fi
	if [ -f "$tmp/end.$n" ]; then
		if [ "$(cat "$tmp/end.$n")" = crash ]; then
			stop_chatd KILL
		else
			stop_chatd TERM || failed=1
		fi
		start_chatd
	fi
	n=$((n + 1))
done
stop_chatd TERM
rc=$?
if [ $rc -eq 0 ] && ! grep -q -E \
    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/chatd.log"
then
	echo "ok $n - chatd shut down cleanly"
else
	echo "not ok $n - chatd exit status $rc or a sanitizer report"
	failed=1
fi
if [ $failed -ne 0 ]; then
	echo "# --- chatd log"
	sed 's/^/# /' "$tmp/chatd.log"
fi
echo "1..$n"
exit $failed
