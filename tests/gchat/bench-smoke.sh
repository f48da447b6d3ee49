#!/bin/sh
# The GUI benchmark at a small size (200 lines, a 2 MiB file), so that it
# keeps working: it checks that every line arrived and that the file went
# out and came back whole; the figures it prints are not checked.
GCHAT_TEST_PROGRAM=bench-gui
GCHAT_TEST_TRUSTED=1
GCHAT_BENCH_LINES=200
GCHAT_BENCH_MIB=2
GCHAT_BENCH_STEP=400
GCHAT_BENCH_PEER=${top_srcdir:-.}/contrib/gchat-bench/peer.py
export GCHAT_TEST_PROGRAM GCHAT_TEST_TRUSTED GCHAT_BENCH_LINES GCHAT_BENCH_MIB \
    GCHAT_BENCH_STEP GCHAT_BENCH_PEER
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
