#!/bin/sh
# Replay transcripts against ngircd, a real IRC server, to check the
# harness (and our transcripts' assumptions) against a known-good peer.
# Not part of `make check`.
#
# usage: run-ngircd.sh FILE...   (server name in transcripts: irc.test)
# Environment: NGIRCD (default /opt/peers/ngircd/usr/sbin/ngircd),
# CHAT_EXPECT (default tests/chat-expect in the build tree).

set -u
ngircd=${NGIRCD:-/opt/peers/ngircd/usr/sbin/ngircd}
chat_expect=${CHAT_EXPECT:-tests/chat-expect}
[ -x "$ngircd" ] || { echo "1..0 # SKIP no ngircd at $ngircd"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ngircd-test.XXXXXX") || exit 99
pid=
cleanup()
{
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# ngircd needs a fixed port in its config: ask the kernel for a free one
# (it could be taken again before ngircd binds; then the wait below fails).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$tmp/ngircd.conf" <<CONF
[Global]
	Name = irc.test
	Info = chat-expect test peer
	Listen = 127.0.0.1
	Ports = $port
	MotdPhrase = hello from ngircd
[Limits]
	PingTimeout = 120
	MaxConnectionsIP = 0
[Options]
	DNS = no
	Ident = no
	PAM = no
	SyslogFacility = local7
CONF

"$ngircd" --nodaemon --config "$tmp/ngircd.conf" >"$tmp/log" 2>&1 &
pid=$!
i=0
while ! grep -q "listening on .*:$port" "$tmp/log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "Bail out! ngircd did not start"
		sed 's/^/# /' "$tmp/log"
		exit 1
	fi
	sleep 0.05
done

"$chat_expect" -p "$port" "$@"
rc=$?
[ $rc -eq 0 ] || sed 's/^/# ngircd: /' "$tmp/log"
exit $rc
