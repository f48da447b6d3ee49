#!/bin/sh
# Build the parser's libFuzzer target with clang in a temporary directory
# and run it for a bounded time over a copy of the seed corpus. Speaks TAP;
# skips (plan "1..0 # SKIP") when clang or its fuzzer runtime is missing,
# because automake's TAP driver counts a bare exit 77 as an error.
#
# Environment: FUZZ_TIME (seconds, default 20), CLANG (default clang),
# top_srcdir (set by make check; defaults to this script's ../..).

fuzz_time=${FUZZ_TIME:-20}
clang=${CLANG:-clang}
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}

skip() {
	echo "1..0 # SKIP $1"
	exit 0
}

case $fuzz_time in
''|*[!0-9]*) echo "Bail out! FUZZ_TIME must be a number of seconds"; exit 1 ;;
esac
command -v "$clang" >/dev/null 2>&1 || skip "$clang not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chat-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# The runtime check: a trivial target must link with -fsanitize=fuzzer.
cat >"$tmp/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
PROBE
"$clang" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" \
    >/dev/null 2>&1 || skip "no libFuzzer runtime for $clang"

echo "1..2"
if "$clang" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$srcdir/libchat" \
    -o "$tmp/fuzz-msg" "$srcdir/tests/fuzz/fuzz-msg.c" \
    "$srcdir"/libchat/msg.c "$srcdir"/libchat/utf8.c \
    "$srcdir"/libchat/casemap.c >"$tmp/build.log" 2>&1; then
	echo "ok 1 - build fuzz-msg with $clang"
else
	echo "not ok 1 - build fuzz-msg with $clang"
	sed 's/^/# /' "$tmp/build.log"
	echo "not ok 2 - run fuzz-msg # SKIP not built"
	exit 1
fi

# New inputs go to the first directory, so the seed corpus stays clean.
mkdir "$tmp/corpus"
if timeout $((fuzz_time + 60)) "$tmp/fuzz-msg" -max_total_time="$fuzz_time" \
    -timeout=10 -rss_limit_mb=2048 -max_len=9000 \
    -artifact_prefix="$tmp/" "$tmp/corpus" "$srcdir/tests/fuzz/corpus" \
    >"$tmp/run.log" 2>&1; then
	echo "ok 2 - fuzz-msg ran ${fuzz_time}s without findings"
	grep -E '^(Done|#[0-9]+ *DONE)' "$tmp/run.log" | sed 's/^/# /'
else
	echo "not ok 2 - fuzz-msg found a problem"
	tail -n 40 "$tmp/run.log" | sed 's/^/# /'
	for f in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-*; do
		[ -f "$f" ] || continue
		echo "# $(basename "$f") (base64): $(base64 -w0 <"$f")"
	done
	exit 1
fi
