#!/bin/sh
# chatd -t accepts the shipped example configuration and an empty one,
# and rejects malformed values with a message naming the line.

set -u
: "${CHATD:?}" "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chatd-conf.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

n=0
check()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$tmp/out"
	fi
}

"$CHATD" -t -f "$top_srcdir/contrib/chatd.conf" >"$tmp/out" 2>&1
check $? "contrib/chatd.conf is valid"

: >"$tmp/empty.conf"
"$CHATD" -t -f "$tmp/empty.conf" >"$tmp/out" 2>&1
check $? "an empty file is valid"

printf 'server-name x\nsendq lots\n' >"$tmp/bad.conf"
if "$CHATD" -t -f "$tmp/bad.conf" >"$tmp/out" 2>&1; then r=1; else r=0; fi
grep -q 'bad.conf:2: sendq' "$tmp/out" || r=1
check $r "a malformed value is refused with file and line"

"$CHATD" -t -f "$tmp/missing.conf" >"$tmp/out" 2>&1 && r=1 || r=0
check $r "a missing file given with -f is an error"

printf 'no-such-key 1\n' >"$tmp/unknown.conf"
"$CHATD" -t -f "$tmp/unknown.conf" >"$tmp/out" 2>&1
check $? "unknown keys are ignored"
grep -q 'unknown key' "$tmp/out"
check $? "... with a warning"

echo "1..$n"
