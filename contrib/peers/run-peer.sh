#!/bin/sh
# Start a peer IRC server (ngircd, inspircd, hybrid), chatd, or relay (a
# no-parse line relay, the fan-out ceiling: contrib/peers/relay.c) on 127.0.0.1:PORT
# with a generated configuration in a fresh temp directory, flood control
# raised as doc/BENCHMARKS.md describes.
#
#   run-peer.sh NAME PORT [--foreground]
#
# In the background (default) it waits until the port listens and prints
# "PID DIR" on stdout; stop the server with `kill PID` and remove DIR.
# Only loopback is ever configured.
set -eu

usage() {
	echo "usage: run-peer.sh chatd|ngircd|inspircd|hybrid|relay PORT [--foreground]" >&2
	exit 2
}

[ $# -ge 2 ] || usage
name=$1
port=$2
fg=${3:-}
case $port in
''|*[!0-9]*) usage ;;
esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || usage

CHATD=${CHATD:-chatd/chatd}
NGIRCD=${NGIRCD:-/opt/peers/ngircd/usr/sbin/ngircd}
INSPIRCD=${INSPIRCD:-/usr/sbin/inspircd}
HYBRID=${HYBRID:-/usr/sbin/ircd-hybrid}
NXDNS=${NXDNS:-$(dirname "$0")/nxdns}
RELAY=${RELAY:-$(dirname "$0")/relay}
# Servers keep one descriptor per client: give them as many as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || :

dir=$(mktemp -d "${TMPDIR:-/tmp}/peer-$name.XXXXXX")
chmod 755 "$dir"
echo "chatbench peer $name" > "$dir/motd"

case $name in
chatd)
	[ -x "$CHATD" ] || { echo "no chatd at $CHATD (set CHATD)" >&2; exit 1; }
	# Loopback is trusted: no flood control, like the peers below.
	echo "trusted-host 127.0.0.1" > "$dir/chatd.conf"
	mkdir "$dir/data"
	# No -d: debug logging would cost the daemon time in the benchmark.
	set -- "$CHATD" --listen "127.0.0.1:$port" --data-dir "$dir/data" \
	    -f "$dir/chatd.conf"
	;;
relay)
	[ -x "$RELAY" ] || { echo "no relay at $RELAY (make; set RELAY)" >&2; exit 1; }
	set -- "$RELAY" 127.0.0.1 "$port"
	;;
ngircd)
	[ -x "$NGIRCD" ] || { echo "no ngircd at $NGIRCD" >&2; exit 1; }
	cat > "$dir/ngircd.conf" <<EOF
[Global]
	Name = ngircd.bench
	Info = chatbench peer
	Listen = 127.0.0.1
	Ports = $port
	MotdFile = $dir/motd
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 20
	MaxPenaltyTime = 0
	PingTimeout = 300
	PongTimeout = 60
[Options]
	DNS = no
	Ident = no
	PAM = no
	OperCanUseMode = yes
[Operator]
	Name = bench
	Password = bench
EOF
	set -- "$NGIRCD" --nodaemon --config "$dir/ngircd.conf"
	;;
inspircd)
	[ -x "$INSPIRCD" ] || { echo "no inspircd at $INSPIRCD" >&2; exit 1; }
	cat > "$dir/inspircd.conf" <<EOF
<server name="inspircd.bench" description="chatbench peer" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$port" type="clients">
<connect allow="*" timeout="60" pingfreq="300"
	commandrate="1000000000" threshold="1000000" fakelag="no"
	localmax="1000000" globalmax="1000000" limit="1000000"
	recvq="1048576" softsendq="1048576" hardsendq="67108864"
	resolvehostnames="no">
<performance softlimit="20000" somaxconn="4096">
<channels users="100" opers="100">
<files motd="$dir/motd">
<pid file="$dir/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default"
	target="$dir/inspircd.log">
<dns server="127.0.0.1" timeout="1">
<options prefixquit="Quit: " syntaxhints="no">
<security maxtargets="20">
<limits maxnick="30" maxchan="64">
EOF
	set -- "$INSPIRCD" --nofork --runasroot --config="$dir/inspircd.conf"
	;;
hybrid)
	[ -x "$HYBRID" ] || { echo "no ircd-hybrid at $HYBRID" >&2; exit 1; }
	cat > "$dir/ircd.conf" <<EOF
serverinfo {
	name = "hybrid.bench";
	description = "chatbench peer";
	network_name = "bench";
	network_description = "bench";
	hub = no;
	default_max_clients = 100000;
	max_nick_length = 20;
};
admin { name = "bench"; description = "bench"; email = "bench@localhost"; };
class {
	name = "users";
	ping_time = 5 minutes;
	number_per_ip_local = 1000000;
	number_per_ip_global = 1000000;
	max_number = 1000000;
	sendq = 16 megabytes;
	recvq = 8000 bytes;
};
listen { host = "127.0.0.1"; port = $port; };
auth {
	user = "*@*";
	class = "users";
	flags = can_flood, exceed_limit, no_tilde;
};
channel { max_channels = 64; };
general {
	throttle_count = 1000000;
	throttle_time = 0;
	default_floodcount = 0;
	default_floodtime = 0;
	disable_auth = yes;
	ping_cookie = no;
	max_watch = 50;
	stats_i_oper_only = no;
};
motd { mask = "*"; file = "$dir/motd"; };
logging { use_logging = no; };
EOF
	[ -x "$NXDNS" ] || { echo "no nxdns at $NXDNS (make)" >&2; exit 1; }
	chown -R irc: "$dir"
	# ircd-hybrid looks up every client's address in the DNS servers of
	# /etc/resolv.conf. Give it, in a private mount namespace, a
	# resolv.conf naming nxdns on a loopback address of its own, which
	# answers NXDOMAIN at once: no query leaves the machine and
	# registration does not wait for a timeout.
	dns=127.53.$(($$ / 256 % 256)).$(($$ % 256))
	echo "nameserver $dns" > "$dir/resolv.conf"
	# ircd-hybrid refuses root. unshare, sh and setpriv all exec, so
	# the PID printed is the ircd's own.
	set -- unshare -m sh -c \
	    'mount --bind "$1/resolv.conf" /etc/resolv.conf && shift && exec "$@"' \
	    sh "$dir" setpriv --reuid=irc --regid=irc --init-groups -- \
	    "$HYBRID" -foreground -configfile "$dir/ircd.conf" \
	    -pidfile "$dir/ircd.pid" -logfile "$dir/ircd.log"
	;;
*)
	usage
	;;
esac

if [ "$fg" = --foreground ]; then
	echo "$name: config in $dir" >&2
	exec "$@"
fi

"$@" > "$dir/stdout.log" 2>&1 &
pid=$!
if [ "$name" = hybrid ]; then
	# Exits by itself once the ircd is gone.
	"$NXDNS" "$dns" "$pid" > "$dir/nxdns.log" 2>&1 &
fi
# Wait (bounded) until the port is in LISTEN state in /proc/net/tcp.
hexport=$(printf '%04X' "$port")
i=0
while [ $i -lt 100 ]; do
	if grep -q "^ *[0-9]*: 0100007F:$hexport [0-9A-F:]* 0A" /proc/net/tcp
	then
		echo "$pid $dir"
		exit 0
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "$name exited; its output:" >&2
		cat "$dir/stdout.log" >&2
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
echo "$name did not listen on 127.0.0.1:$port within 10 s" >&2
kill "$pid" 2>/dev/null || :
exit 1
