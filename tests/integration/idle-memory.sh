#!/bin/sh
# What an idle client costs (issue 17.2): 2,000 clients register through
# chatbench and stay idle, and chatd's resident memory may grow by at
# most 1.3 KiB per client. A plain socket keeps no buffers while idle
# (chatd/conn.c); with a bufferevent per client it was 1.7 KiB here, and
# 0.9 without. (doc/BENCHMARKS.md, run K, measures 10,000 clients.) The
# bound is on memory, not time; it is skipped under the sanitizers,
# whose allocator keeps its own records per allocation, and when the
# descriptor limit is too low for 2,000 sockets on each side.

set -u
: "${top_srcdir:?}" "${top_builddir:?}"
CB=$top_builddir/contrib/chatbench/chatbench
clients=2000
if [ "${CHAT_SANITIZED:-0}" = 1 ]; then
	echo "1..0 # SKIP memory is not measurable under ASan"
	exit 0
fi
if [ ! -x "$CB" ]; then
	echo "1..0 # SKIP no chatbench at $CB"
	exit 0
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null
limit=$(ulimit -n)
if [ "$limit" != unlimited ] && [ "$limit" -lt $((clients + 100)) ]; then
	echo "1..0 # SKIP ulimit -n is $limit, $((clients + 100)) needed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-idlemem.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap 'chatd_cleanup' EXIT
trap 'exit 1' HUP INT TERM

echo "1..4"
# Trusted: one address opens all of them, past max-per-ip and its rate.
printf 'server-name chatd.test\nmotd-file /dev/null\ntrusted-host 127.0.0.1\n' \
    >"$tmp/chatd.conf"
chatd_start
ok $? "chatd started, 127.0.0.1 trusted"

"$CB" -p "$port" -t 120 connect -n $clients -k 100 --pid "$chatd_pid" \
    >"$tmp/cb.out" 2>&1
grep -q "^RESULT .* registered=$clients failed=0 " "$tmp/cb.out"
ok $? "$clients clients registered"
[ $tap_failed -eq 0 ] || sed 's/^/# /' "$tmp/cb.out"

kib=$(sed -n 's/^RESULT .* kib_per_client=\([0-9.]*\).*/\1/p' "$tmp/cb.out")
grep 'VmRSS' "$tmp/cb.out" | sed 's/^ */# /'
awk -v k="${kib:-99}" 'BEGIN { exit !(k <= 1.3) }'
ok $? "an idle client costs ${kib:-?} KiB of chatd's memory (at most 1.3)"

chatd_finish
