#!/bin/sh
# Run one transcript (or, with -m, the ```chat blocks of a Markdown file)
# against a fresh chatd on an ephemeral loopback port, and print TAP.
#
# usage: run-chat.sh [-m] FILE
# Environment: CHATD, CHAT_EXPECT (set by AM_TESTS_ENVIRONMENT).
# Lines "#! conf: key value" in FILE are copied into chatd.conf.
# CHAT_HOST (default 127.0.0.1) is the loopback address to listen on and
# connect to, e.g. ::1 for IPv6.
# CHAT_DATABASE, if set, becomes the "database" key (store-pg.sh).
# Set CHAT_KEEP=1 to keep the temporary directory for a post-mortem.

set -u

mode=
if [ "${1:-}" = -m ]; then
	mode=-m
	shift
fi
file=${1:?usage: run-chat.sh [-m] FILE}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-test.XXXXXX") || exit 99
. "${top_srcdir:-.}/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM
chatd_host=${CHAT_HOST:-127.0.0.1}

# chatd.conf and chatd's log as TAP comments.
diag_chatd()
{
	echo "# --- chatd.conf"
	sed 's/^/# /' "$tmp/chatd.conf"
	echo "# --- chatd log"
	sed 's/^/# /' "$tmp/chatd.log"
}

{
	echo "# written by run-chat.sh for $file"
	echo "server-name chatd.test"
	[ -z "${CHAT_DATABASE:-}" ] || echo "database $CHAT_DATABASE"
	sed -n 's/^#! *conf: *//p' "$file"
} >"$tmp/chatd.conf"

if ! chatd_start; then
	echo "1..1"
	echo "not ok 1 - chatd did not report 'listening on' $chatd_host"
	diag_chatd
	exit 1
fi

# The plan goes last: chatd's exit status is one more test point.
"$CHAT_EXPECT" -P -h "$chatd_host" -p "$port" $mode "$file" >"$tmp/tap"
expect_rc=$?
cat "$tmp/tap"
tap_n=$(grep -c -E '^(not )?ok ' "$tmp/tap")
[ $expect_rc -eq 0 ] || tap_failed=1
[ $expect_rc -le 1 ] ||
    ok 1 "chat-expect exited with status $expect_rc (a usage error)"
chatd_stop_ok
[ $tap_failed -eq 0 ] || diag_chatd
echo "1..$tap_n"
exit $tap_failed
