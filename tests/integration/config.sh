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

# chatd -t fails on anything chatd would warn about at run time.
printf 'no-such-key 1\n' >"$tmp/unknown.conf"
"$CHATD" -t -f "$tmp/unknown.conf" >"$tmp/out" 2>&1 && r=1 || r=0
check $r "chatd -t fails on an unknown key"
grep -q 'unknown key "no-such-key"' "$tmp/out" &&
    grep -q 'configuration has 1 warning' "$tmp/out" &&
    ! grep -q 'configuration OK' "$tmp/out"
check $? "... naming the key and counting the warning"

# At run time an unknown key stays a warning: chatd starts.
tmp_run=$tmp/run
mkdir "$tmp_run"
"$CHATD" -d --listen 127.0.0.1:0 --data-dir "$tmp_run" \
    -f "$tmp/unknown.conf" >"$tmp/out" 2>&1 &
pid=$!
r=1
i=0
while [ $i -lt 200 ]; do
	if grep -q 'listening on ' "$tmp/out"; then r=0; break; fi
	kill -0 $pid 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid || r=1
grep -q 'unknown key' "$tmp/out" || r=1
check $r "chatd itself starts with an unknown key and warns"

# A TLS key anyone can read is warned about, and -t fails on it.
printf 'dummy\n' >"$tmp/key.pem"
printf 'dummy\n' >"$tmp/cert.pem"
chmod 644 "$tmp/key.pem"
printf 'tls-cert %s\ntls-key %s\n' "$tmp/cert.pem" "$tmp/key.pem" \
    >"$tmp/tls.conf"
"$CHATD" -t -f "$tmp/tls.conf" >"$tmp/out" 2>&1 && r=1 || r=0
grep -q 'key.pem is readable by any user' "$tmp/out" || r=1
check $r "a world-readable tls-key is a warning and fails -t"
chmod 640 "$tmp/key.pem"
"$CHATD" -t -f "$tmp/tls.conf" >"$tmp/out" 2>&1
check $? "a key readable by its group only is accepted"

echo "1..$n"
