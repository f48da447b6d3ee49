#!/bin/sh
# The network-level fuzzer (fuzz-net) against a real chatd for a bounded
# time: random command sequences from tests/fuzz/net-corpus over several
# connections. Passes if chatd still answers a new client afterwards and
# shuts down cleanly without a sanitizer report. TAP.
#
# Environment: FUZZ_NET_TIME (seconds, default 20), FUZZ_NET_SEED (default
# random), FUZZ_NET_CLIENTS (default 6); CHATD, CHAT_EXPECT, top_srcdir,
# top_builddir (set by make check). For an hour, from the build directory:
#   FUZZ_NET_TIME=3600 CHATD=chatd/chatd CHAT_EXPECT=tests/chat-expect \
#       top_srcdir=.. top_builddir=. sh ../tests/fuzz/run-net-fuzz.sh
# (the sanitizer build, --enable-sanitizers, catches the most).

set -u
: "${top_srcdir:?top_srcdir is not set}"
: "${top_builddir:?top_builddir is not set}"
fuzz_time=${FUZZ_NET_TIME:-20}
case $fuzz_time in
''|*[!0-9]*) echo "Bail out! FUZZ_NET_TIME must be a number of seconds"; exit 1 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-netfuzz.XXXXXX") || exit 99
. "$top_srcdir/tests/integration/lib.sh"
trap chatd_cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "1..3"
# Small limits, so the fuzzer reaches them: floods, full mailboxes,
# expiring games, timeouts, quick renames of squatters.
cat >"$tmp/chatd.conf" <<'EOT'
server-name chatd.test
motd-file /dev/null
max-per-ip 100
max-conn-rate 1000
flood-burst 200
flood-rate 100
max-offline 5
nick-grace 2
ttt-invite-timeout 2
ttt-grace 1
file-upload-timeout 3
file-quota 100k
store-max-size 4m
EOT
chatd_start || bail "chatd did not start"

seed=${FUZZ_NET_SEED:-}
timeout $((fuzz_time + 60)) "$top_builddir/tests/fuzz/fuzz-net" -p "$port" \
    -t "$fuzz_time" -c "${FUZZ_NET_CLIENTS:-6}" -o "$tmp/sent.log" \
    ${seed:+-s "$seed"} "$top_srcdir/tests/fuzz/net-corpus" >"$tmp/fuzz.out" 2>&1
rc=$?
sed -n 's/^# /# /p' "$tmp/fuzz.out"
ok $rc "$(sed -n 's/^\(not \)\{0,1\}ok 1 - //p' "$tmp/fuzz.out")"
if [ $rc -ne 0 ]; then
	echo "# the last lines sent (client line):"
	tail -n 40 "$tmp/sent.log" | sed 's/^/#   /'
fi

grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
    "$tmp/chatd.log"
ok $((1 - $?)) "no sanitizer report while fuzzing"
chatd_finish
