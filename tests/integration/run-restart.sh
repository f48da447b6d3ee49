#!/bin/sh
# Run a transcript in parts, restarting chatd on the same data directory
# between them, to test what survives a restart. In FILE, a line
# "#! restart" stops chatd with SIGTERM and starts it again; "#! crash"
# kills it with SIGKILL first. "#! conf: key value" lines go into
# chatd.conf as for run-chat.sh. Prints TAP: one test point per part,
# then one for the final clean shutdown.
#
# usage: run-restart.sh FILE
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT);
# CHAT_DATABASE, if set, becomes the "database" key (store-pg.sh).

set -u
file=${1:?usage: run-restart.sh FILE}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-restart.XXXXXX") || exit 99
. "${top_srcdir:-.}/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM
chatd_data=$tmp/data
chatd_log_keep=1

{
	echo "server-name chatd.test"
	[ -z "${CHAT_DATABASE:-}" ] || echo "database $CHAT_DATABASE"
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

chatd_start || bail "chatd did not start"
n=1
while [ $n -le "$nparts" ]; do
	"$CHAT_EXPECT" -P -p "$port" "$tmp/part.$n" >"$tmp/tap.$n"
	rc=$?
	ok $rc "$file part $n"
	[ $rc -eq 0 ] || grep -v '^ok\|^not ok' "$tmp/tap.$n"
	if [ -f "$tmp/end.$n" ]; then
		if [ "$(cat "$tmp/end.$n")" = crash ]; then
			chatd_kill
		else
			chatd_stop || tap_failed=1
		fi
		chatd_start || bail "chatd did not start again"
	fi
	n=$((n + 1))
done
chatd_stop_ok
if [ $tap_failed -ne 0 ]; then
	echo "# --- chatd log"
	sed 's/^/# /' "$tmp/chatd.log"
fi
echo "1..$tap_n"
exit $tap_failed
