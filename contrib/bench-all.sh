#!/bin/sh
# Run the standard chatbench scenarios against chatd and each peer IRC
# server, one after the other in one session, and print a table.
#
#   contrib/bench-all.sh [-q] [SERVER...]
#
# SERVER is any of chatd ngircd inspircd hybrid (default: all four; chatd
# is skipped when $CHATD is not built). -q runs smaller scenarios for a
# quick look. Every server runs on 127.0.0.1 on a free port, is stopped
# by its PID (a trap), and every chatbench run is bounded by -t.
# Environment: CHATBENCH, CHATD, NGIRCD, INSPIRCD, HYBRID, NXDNS, OUT.
set -u

here=$(cd "$(dirname "$0")" && pwd)
CHATBENCH=${CHATBENCH:-$here/chatbench/chatbench}
CHATD=${CHATD:-$here/../chatd/chatd}
NXDNS=${NXDNS:-$here/peers/nxdns}
export CHATD NXDNS
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/bench-all.XXXXXX")}
mkdir -p "$OUT"

# Standard scenarios; -q divides the work by about ten.
SAT_M=2000
LIGHT_M=125
DIRECT_M=1000
CONNECT_N=10000
if [ "${1:-}" = -q ]; then
	shift
	SAT_M=200
	LIGHT_M=50
	DIRECT_M=200
	CONNECT_N=1000
fi
servers=${*:-chatd ngircd inspircd hybrid}

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
	"$CHATBENCH" -p "$port" --server "$srv" --pid "$pid" "$@" \
	    > "$OUT/$srv-$tag.txt" 2>&1
	rc=$?
	sed -n 's/^RESULT //p' "$OUT/$srv-$tag.txt" |
	    sed "s/\$/ tag=$tag rc=$rc/" >> "$OUT/results.txt"
	sed -n '/^RESULT/!p' "$OUT/$srv-$tag.txt" | head -8
	echo "  [$srv $tag: exit $rc]"
}

: > "$OUT/results.txt"
for srv in $servers; do
	if [ "$srv" = chatd ] && [ ! -x "$CHATD" ]; then
		echo "== chatd: not built at $CHATD, skipped"
		continue
	fi
	port=$(free_port) || { echo "no free port" >&2; exit 1; }
	started=$("$here/peers/run-peer.sh" "$srv" "$port") || {
		echo "== $srv: failed to start, skipped"
		continue
	}
	pid=${started%% *}
	echo "== $srv on 127.0.0.1:$port (pid $pid, config ${started#* })"
	# connect first, so the memory per client is measured on a fresh server
	run connect -t 200 connect -n "$CONNECT_N" -k 100
	run saturation -t 90 fanout -c 200 -s 10 -m "$SAT_M" -w 256
	run light -t 30 fanout -c 200 -s 10 -m "$LIGHT_M" -r 25
	run direct -t 30 direct -P 100 -m "$DIRECT_M" -w 1
	kill "$pid" 2>/dev/null
	pid=
done

# One row per server, the headline figure of each scenario.
echo
awk '
function v(line, key,   m) {
	if (match(line, " " key "=[^ ]*")) {
		m = substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 2)
		return m
	}
	return "-"
}
{
	s = v($0, "server"); t = v($0, "tag")
	if (!(s in seen)) { seen[s] = 1; order[n++] = s }
	ok = (v($0, "rc") == "0") ? "" : "!"
	if (t == "saturation") {
		sat[s] = sprintf("%.2fM%s", v($0, "deliveries_per_s") / 1e6, ok)
		satcpu[s] = v($0, "server_cpu_pct") "%"
	} else if (t == "light") {
		light[s] = sprintf("%s/%s%s", v($0, "p50_ms"), v($0, "p99_ms"), ok)
	} else if (t == "direct") {
		dir[s] = sprintf("%.0fk/%s%s", v($0, "deliveries_per_s") / 1e3, v($0, "p99_ms"), ok)
	} else if (t == "connect") {
		con[s] = sprintf("%s%s", v($0, "registrations_per_s"), ok)
		mem[s] = v($0, "kib_per_client")
	}
}
END {
	printf "%-22s %12s %8s %16s %18s %10s %9s\n", "server", "fanout sat", "srv cpu", "light p50/p99 ms", "direct msg/s,p99ms", "connect/s", "KiB/conn"
	for (i = 0; i < n; i++) {
		s = order[i]
		printf "%-22s %12s %8s %16s %18s %10s %9s\n", s, sat[s], satcpu[s], light[s], dir[s], con[s], mem[s]
	}
	print "(! marks a run that reported loss, duplicates, errors or a timeout)"
}' "$OUT/results.txt"
echo "raw results: $OUT/results.txt"
