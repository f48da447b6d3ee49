#!/bin/sh
# Run tests/gchat/test-unregister through gui.sh: its own Xvfb, session bus
# and chatd (a fresh data directory).
GCHAT_TEST_PROGRAM=test-unregister
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
