#!/bin/sh
# Run tests/gchat/test-polish through gui.sh: WHOX accounts after a join and
# the history divider, against a real chatd with a fresh data directory.
GCHAT_TEST_PROGRAM=test-polish
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
