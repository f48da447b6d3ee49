#!/bin/sh
# chatd --hash-password makes the hash an oper line needs; chatd -t
# refuses oper lines without one; the made hash works for OPER.

set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-passwd.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..7"
echo "s3cret pass" | "$CHATD" --hash-password >"$tmp/hash" 2>"$tmp/err"
rc=$?
hash=$(cat "$tmp/hash")
case $hash in
'$argon2id$v=19$m=19456,t=2,p=1$'*) ;;
*) rc=1 ;;
esac
ok $rc "--hash-password prints an Argon2id hash: $hash"

printf '' | "$CHATD" --hash-password >/dev/null 2>"$tmp/err"
[ $? -ne 0 ] && grep -q 'no password' "$tmp/err"
ok $? "--hash-password without a password fails"

printf 'server-name chatd.test\noper admin s3cret\n' >"$tmp/bad.conf"
"$CHATD" -t -f "$tmp/bad.conf" >/dev/null 2>"$tmp/err"
[ $? -ne 0 ] && grep -q 'hash-password' "$tmp/err"
ok $? "chatd -t refuses an oper line with a plain password"
sed 's/^/# /' "$tmp/err"

printf 'server-name chatd.test\nmotd-file /dev/null\noper admin %s\n' \
    "$hash" >"$tmp/chatd.conf"
"$CHATD" -t -f "$tmp/chatd.conf" >/dev/null 2>&1
ok $? "chatd -t accepts the made hash"

chatd_start
ok $? "chatd started"
cat >"$tmp/oper.chat" <<'EOF'
a> NICK ana
a> USER ana 0 * :Ana
a~ :chatd.test 376 ana :*
a> OPER admin s3cret
a< :chatd.test 464 ana :Password incorrect
a> OPER admin :s3cret pass
a< :ana MODE ana :+o
a< :chatd.test 381 ana :You are now an IRC operator
EOF
"$CHAT_EXPECT" -P -p "$port" "$tmp/oper.chat" >"$tmp/tap" 2>&1
rc=$?
ok $rc "OPER with the password of the made hash"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/tap"
chatd_stop
ok $? "chatd shut down cleanly"
exit $tap_failed
