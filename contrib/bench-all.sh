#!/bin/sh
# Run the standard chatbench scenarios against chatd and each peer IRC
# server, alternating servers round by round in one session, and print
# the median of each figure over the rounds.
#
#   contrib/bench-all.sh [-q] [-r ROUNDS] [-s SCENARIOS] [SERVER...]
#
# SERVER is any of chatd ngircd inspircd hybrid relay (default: the first
# four; relay is contrib/peers/relay, a no-parse line relay that runs the
# fan-out scenarios only: the ceiling a server's fan-out is held to), or
# LABEL=PATH for a chatd binary at PATH reported as LABEL, to compare two
# builds of chatd in one run (before=/tmp/old/chatd after=chatd/chatd). -q
# runs smaller scenarios for a quick look; -r sets the rounds (default 3);
# -s picks scenarios among "connect saturation light direct file" (default
# all; connect takes minutes on ngircd and InspIRCd; file, a 100 MiB
# SENDFILE transfer, runs on chatd only: the peers have no SENDFILE).
# In each round every server is started afresh on 127.0.0.1 on a free
# port, measured, and stopped by its PID (a trap stops a running one on
# exit); every chatbench run is bounded by -t. The machine is shared, so
# the rounds alternate servers: a slow minute hurts all of them alike.
# Environment: CHATBENCH, CHATD, NGIRCD, INSPIRCD, HYBRID, NXDNS, OUT.
set -u

here=$(cd "$(dirname "$0")" && pwd)
CHATBENCH=${CHATBENCH:-$here/chatbench/chatbench}
CHATD=${CHATD:-$here/../chatd/chatd}
NXDNS=${NXDNS:-$here/peers/nxdns}
RELAY=${RELAY:-$here/peers/relay}
export CHATD NXDNS RELAY
CHATD_DEFAULT=$CHATD
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/bench-all.XXXXXX")}
mkdir -p "$OUT"

# Standard scenarios (doc/BENCHMARKS.md). Saturation runs about 2 to 4 s
# per server: the message count per sender is scaled to its speed.
LIGHT_M=125
DIRECT_M=1000
CONNECT_N=10000
FILE_S=104857600
rounds=3
scenarios="connect saturation light direct file"
quick=
while [ $# -gt 0 ]; do
	case $1 in
	-q) quick=1; LIGHT_M=50; DIRECT_M=200; CONNECT_N=1000; FILE_S=10485760 ;;
	-r) rounds=${2:?-r needs a number}; shift ;;
	-s) scenarios=${2:?-s needs scenarios}; shift ;;
	*) break ;;
	esac
	shift
done
case $rounds in ''|*[!0-9]*|0) echo "bad -r" >&2; exit 2 ;; esac
servers=${*:-chatd ngircd inspircd hybrid}

# Messages per sender at saturation, per server.
sat_m() {
	case $1 in
	chatd|relay) m=10000 ;;
	hybrid) m=1000 ;;
	*) m=4000 ;;
	esac
	[ -n "$quick" ] && m=$((m / 10))
	echo "$m"
}

# ngircd lets an IRC operator with user mode +F run 10 commands per loop
# instead of 3: the senders use it (PEERS.md).
sat_extra() {
	[ "$1" = ngircd ] && echo "--oper bench:bench --umode +F"
}

[ -x "$CHATBENCH" ] || { echo "build chatbench first (make)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || :

pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A port nobody listens on, from the upper range (bounded tries).
free_port() {
	i=0
	while [ $i -lt 100 ]; do
		p=$((20000 + ($$ * 7 + i * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000))
		hex=$(printf '%04X' "$p")
		if ! grep -q ":$hex " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			echo "$p"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

# One chatbench run: TAG SCENARIO-ARGS...; appends its RESULT line.
run() {
	tag=$1
	shift
	case " $scenarios " in *" $tag "*) ;; *) return 0 ;; esac
	"$CHATBENCH" -p "$port" --server "$srv" --pid "$pid" "$@" \
	    > "$OUT/$srv-$tag-$round.txt" 2>&1
	rc=$?
	sed -n 's/^RESULT //p' "$OUT/$srv-$tag-$round.txt" |
	    sed "s/\$/ tag=$tag round=$round rc=$rc/" >> "$OUT/results.txt"
	grep -E 'deliveries \(|latency|registered|VmRSS|CPU' \
	    "$OUT/$srv-$tag-$round.txt" | grep -v '^RESULT' |
	    sed "s/^/  $tag: /"
	[ $rc = 0 ] || echo "  [$srv $tag: exit $rc, see $OUT/$srv-$tag-$round.txt]"
}

: > "$OUT/results.txt"
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') x $(nproc)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/conditions.txt"
# Start $srv on a free port: sets port, pid and dir; false on failure.
start_server() {
	port=$(free_port) || { echo "no free port" >&2; exit 1; }
	started=$("$here/peers/run-peer.sh" "$kind" "$port") || {
		echo "== $srv: failed to start, skipped"
		return 1
	}
	pid=${started%% *}
	dir=${started#* }
	echo "== round $round: $srv on 127.0.0.1:$port (pid $pid, $dir)"
}

# Stop the server started last, by its PID, and remove its directory.
stop_server() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	rm -rf "$dir"
}

round=1
while [ $round -le "$rounds" ]; do
	for spec in $servers; do
		# LABEL=PATH: a chatd build of its own, reported as LABEL.
		srv=${spec%%=*}
		kind=$srv
		CHATD=$CHATD_DEFAULT
		case $spec in
		*=*)
			kind=chatd
			CHATD=${spec#*=}
			;;
		esac
		# connect on a fresh server (memory per client), then a fresh
		# server again for the messages: 10,000 departures leave some
		# servers busy or stuck for a while (ngircd once kept 34 of
		# 200 new clients waiting for two minutes).
		case " $scenarios " in
		*" connect "*)
			# (The relay has no MOTD, nothing to measure there.)
			if [ "$kind" != relay ] && start_server; then
				run connect -t 300 connect -n "$CONNECT_N" -k 100
				stop_server
			fi
			;;
		esac
		[ "$scenarios" = connect ] && continue
		start_server || continue
		# shellcheck disable=SC2046
		run saturation -t 120 fanout -c 200 -s 10 -m "$(sat_m "$kind")" \
		    -w 256 $(sat_extra "$kind")
		run light -t 60 fanout -c 200 -s 10 -m "$LIGHT_M" -r 25
		# The relay sends every line to everyone: no private messages.
		[ "$kind" = relay ] || run direct -t 60 direct -P 100 -m "$DIRECT_M" -w 1
		[ "$kind" = chatd ] && run file -t 120 file -S "$FILE_S"
		stop_server
	done
	round=$((round + 1))
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/conditions.txt"

# One row per server: the median over the rounds of each headline figure.
echo
awk '
function v(line, key) {
	if (match(line, " " key "=[^ ]*"))
		return substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
	return ""
}
function add(s, k, x) { if (x != "") { n[s, k]++; val[s, k, n[s, k]] = x + 0 } }
function med(s, k,   i, j, t, c) {
	c = n[s, k]
	if (c == 0) return "-"
	for (i = 1; i <= c; i++) a[i] = val[s, k, i]
	for (i = 2; i <= c; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
{
	s = v($0, "server"); t = v($0, "tag")
	if (!(s in seen)) { seen[s] = 1; order[ns++] = s }
	if (v($0, "rc") != "0") bad[s] = 1
	if (t == "saturation") {
		add(s, "sat", v($0, "deliveries_per_s")); add(s, "satcpu", v($0, "server_cpu_pct"))
		add(s, "gencpu", v($0, "load_cpu_pct"))
	} else if (t == "light") {
		add(s, "l50", v($0, "p50_ms")); add(s, "l99", v($0, "p99_ms"))
	} else if (t == "direct") {
		add(s, "dir", v($0, "deliveries_per_s")); add(s, "d99", v($0, "p99_ms"))
	} else if (t == "file") {
		add(s, "fmb", v($0, "mb_per_s")); add(s, "fraw", v($0, "raw_mb_per_s"))
		add(s, "fping", v($0, "ping_p99_ms"))
	} else if (t == "connect") {
		add(s, "con", v($0, "registrations_per_s")); add(s, "mem", v($0, "kib_per_client"))
	}
}
END {
	printf "medians over the rounds\n"
	printf "%-12s %11s %6s %6s %14s %13s %9s %9s %8s\n", "server", "fanout/s", "srvcpu", "gencpu", "light p50/p99", "direct/s p99", "reg/s", "KiB/cl", "ok"
	for (i = 0; i < ns; i++) {
		s = order[i]
		printf "%-12s %11s %5s%% %5s%% %6s/%-7s %7s %5s %9s %9s %8s\n", s, med(s, "sat"), med(s, "satcpu"), med(s, "gencpu"), med(s, "l50"), med(s, "l99"), med(s, "dir"), med(s, "d99"), med(s, "con"), med(s, "mem"), (s in bad) ? "FAILED" : "yes"
	}
	for (i = 0; i < ns; i++)
		if (n[order[i], "fmb"] > 0)
			printf "%s file: %s MB/s end to end, raw TCP %s MB/s, ping-pong p99 %s ms\n", order[i], med(order[i], "fmb"), med(order[i], "fraw"), med(order[i], "fping")
	print "(ok: every run exited 0: nothing lost, duplicated or out of order,"
	print " no client failed; FAILED: see the raw results for which run)"
}' "$OUT/results.txt" | tee "$OUT/table.txt"
echo "raw results: $OUT/results.txt"
