#!/bin/sh
# gchat's GUI benchmark: scrolling a 2,000-line group, and typing while a
# 100 MiB file goes out and comes back, in a real window under a private
# Xvfb against a private chatd (tests/gchat/gui.sh starts both and stops
# them by PID). Run from the top of a built tree:
#
#     contrib/gchat-bench/run.sh [build-dir]
#
# Sizes: GCHAT_BENCH_LINES (2000), GCHAT_BENCH_MIB (100), GCHAT_BENCH_STEP
# (120 pixels per frame). Figures are printed as "# ..." lines; see
# doc/BENCHMARKS.md ("gchat under load").
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
build=$(cd "$build" && pwd) || exit 2
[ -x "$build/tests/gchat/bench-gui" ] ||
    make -C "$build" tests/gchat/bench-gui >/dev/null || exit 2
CHATD=$build/chatd/chatd
CHAT_EXPECT=$build/tests/chat-expect
GCHAT_TEST_PROGRAM=bench-gui
GCHAT_TEST_TRUSTED=1
GCHAT_BENCH_PEER=$top/contrib/gchat-bench/peer.py
top_srcdir=$top
top_builddir=$build
export CHATD CHAT_EXPECT GCHAT_TEST_PROGRAM GCHAT_TEST_TRUSTED GCHAT_BENCH_PEER top_srcdir top_builddir
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //') x $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$top/tests/gchat/gui.sh"
