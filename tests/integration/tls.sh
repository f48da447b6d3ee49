#!/bin/sh
# TLS: a plain and a TLS listener side by side. With plaintext-passwords
# never (the default, loopback, would let loopback clients send them),
# REGISTER and LOGIN are refused over plain TCP; over TLS (openssl
# s_client, "netcat with TLS") they work, and both kinds of client chat
# with each other.
#
# Environment: CHATD, CHAT_EXPECT, top_srcdir (AM_TESTS_ENVIRONMENT).

set -u
: "${CHATD:?CHATD is not set}"
: "${CHAT_EXPECT:?CHAT_EXPECT is not set}"
: "${top_srcdir:?top_srcdir is not set}"
host=127.0.0.1

if ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP the openssl command-line tool is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-tls.XXXXXX") || exit 99
chatd_pid=
ssl_pid=

cleanup()
{
	exec 3>&- 2>/dev/null
	[ -n "$ssl_pid" ] && kill -KILL "$ssl_pid" 2>/dev/null
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

echo "1..5"
if ! sh "$top_srcdir/contrib/mkcert" "$tmp" >/dev/null; then
	echo "Bail out! contrib/mkcert failed"
	exit 1
fi
echo "ok 1 - contrib/mkcert made a certificate and a key"

cat >"$tmp/chatd.conf" <<EOF
server-name chatd.test
listen-tls $host:0
tls-cert $tmp/chatd-cert.pem
tls-key $tmp/chatd-key.pem
plaintext-passwords never
EOF
"$CHATD" -d --listen "$host:0" --data-dir "$tmp" -f "$tmp/chatd.conf" \
    </dev/null >"$tmp/chatd.log" 2>&1 &
chatd_pid=$!
i=0
port=
tport=
while [ $i -lt 200 ]; do
	port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" 2>/dev/null | head -n 1)
	tport=$(sed -n 's/.*listening with TLS on [^ ]*:\([0-9][0-9]*\).*/\1/p' \
	    "$tmp/chatd.log" 2>/dev/null | head -n 1)
	[ -n "$port" ] && [ -n "$tport" ] && break
	kill -0 "$chatd_pid" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
if [ -z "$port" ] || [ -z "$tport" ]; then
	echo "Bail out! chatd did not open both listeners"
	sed 's/^/# /' "$tmp/chatd.log"
	exit 1
fi

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
if ssl_wait ' 001 tina ' &&
    printf 'REGISTER tina * tinas-password\r\nJOIN #tls\r\n' >&3 &&
    ssl_wait 'REGISTER SUCCESS tina' && ssl_wait ' 366 tina #tls '; then
	echo "ok 2 - over TLS, a client registers and joins"
else
	echo "not ok 2 - over TLS, a client registers and joins"
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
if "$CHAT_EXPECT" -h "$host" -p "$port" "$tmp/plain.chat" >"$tmp/plain.tap"
then
	echo "ok 3 - over plain TCP, passwords are refused"
else
	echo "not ok 3 - over plain TCP, passwords are refused"
	sed 's/^/# /' "$tmp/plain.tap"
fi
if ssl_wait 'PRIVMSG #tls :hello from plain TCP'; then
	echo "ok 4 - the TLS client hears the plain one"
else
	echo "not ok 4 - the TLS client hears the plain one"
	sed 's/^/# out: /' "$tmp/ssl.out"
fi

printf 'QUIT\r\n' >&3
exec 3>&-
kill -TERM "$chatd_pid"
i=0
while [ $i -lt 200 ] && [ -r "/proc/$chatd_pid/stat" ] &&
    [ "$(sed 's/^.*) \(.\).*/\1/' "/proc/$chatd_pid/stat")" != Z ]; do
	sleep 0.05
	i=$((i + 1))
done
wait "$chatd_pid"
rc=$?
chatd_pid=
if [ $rc -eq 0 ] && ! grep -q -E \
    'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/chatd.log"
then
	echo "ok 5 - chatd shut down cleanly"
else
	echo "not ok 5 - chatd exit status $rc or a sanitizer report"
	sed 's/^/# /' "$tmp/chatd.log"
fi
