#!/bin/sh
# TLS: a plain and a TLS listener side by side. With plaintext-passwords
# never (the default, loopback, would let loopback clients send them),
# REGISTER and LOGIN are refused over plain TCP; over TLS (openssl
# s_client, "netcat with TLS") they work, and both kinds of client chat
# with each other.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${top_srcdir:?top_srcdir is not set}"
host=127.0.0.1

if ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP the openssl command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-tls.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
ssl_pid=

cleanup()
{
	exec 3>&- 2>/dev/null
	[ -n "$ssl_pid" ] && kill -KILL "$ssl_pid" 2>/dev/null
	chatd_cleanup
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..5"
sh "$top_srcdir/contrib/mkcert" "$tmp" >/dev/null ||
    bail "contrib/mkcert failed"
ok 0 "contrib/mkcert made a certificate and a key"

cat >"$tmp/chatd.conf" <<EOF
server-name chatd.test
listen-tls $host:0
tls-cert $tmp/chatd-cert.pem
tls-key $tmp/chatd-key.pem
plaintext-passwords never
EOF
chatd_start && wait_log 'listening with TLS on ' ||
    bail "chatd did not open both listeners"
tport=$(log_port 'listening with TLS on')

# Wait (at most 10 s) until the TLS client's output has a line matching $1.
ssl_wait()
{
	n=0
	while [ $n -lt 200 ]; do
		grep -q -e "$1" "$tmp/ssl.out" 2>/dev/null && return 0
		kill -0 "$ssl_pid" 2>/dev/null || return 1
		sleep 0.05
		n=$((n + 1))
	done
	return 1
}

# The TLS client: openssl s_client reading commands from a FIFO.
mkfifo "$tmp/ssl.in"
openssl s_client -quiet -connect "$host:$tport" -servername localhost \
    <"$tmp/ssl.in" >"$tmp/ssl.out" 2>"$tmp/ssl.err" &
ssl_pid=$!
exec 3>"$tmp/ssl.in"
printf 'NICK tina\r\nUSER tina 0 * :Tina\r\n' >&3
ssl_wait ' 001 tina ' &&
    printf 'REGISTER tina * tinas-password\r\nJOIN #tls\r\n' >&3 &&
    ssl_wait 'REGISTER SUCCESS tina' && ssl_wait ' 366 tina #tls '
joined=$?
ok $joined "over TLS, a client registers and joins"
if [ $joined -ne 0 ]; then
	sed 's/^/# out: /' "$tmp/ssl.out"
	sed 's/^/# err: /' "$tmp/ssl.err"
fi

# A plain client: passwords refused, chat works.
cat >"$tmp/plain.chat" <<'EOF'
p> NICK pete
p> USER pete 0 * :Pete
p~ :chatd.test 001 pete *
p> REGISTER pete * petes-password
p~ :chatd.test FAIL REGISTER INSECURE_CONNECTION pete :*
p> LOGIN tina tinas-password
p< :chatd.test FAIL LOGIN INSECURE_CONNECTION :*
p> WHOIS tina
p~ :chatd.test 330 pete tina tina :is logged in as
p< :chatd.test 671 pete tina :is using a secure connection
p> WHOIS pete
p~ :chatd.test 318 pete pete :*
p! *671 pete pete*
p> JOIN #tls
p~ :chatd.test 366 pete #tls :*
p> PRIVMSG #tls :hello from plain TCP
EOF
chat_ok "over plain TCP, passwords are refused" "$tmp/plain.chat" -h "$host"
ssl_wait 'PRIVMSG #tls :hello from plain TCP'
heard=$?
ok $heard "the TLS client hears the plain one"
[ $heard -eq 0 ] || sed 's/^/# out: /' "$tmp/ssl.out"

printf 'QUIT\r\n' >&3
exec 3>&-
chatd_stop
rc=$?
[ $rc -eq 0 ] && ! grep -q -E \
    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/chatd.log"
clean=$?
ok $clean "chatd shut down cleanly (exit status $rc, no sanitizer report)"
[ $clean -eq 0 ] || sed 's/^/# /' "$tmp/chatd.log"
