#!/bin/sh
# Run tests/gchat/test-scrollback through gui.sh: its own Xvfb, session bus
# and chatd (a fresh store; loopback exempt from flood control, as the raw
# client writes 240 lines).
GCHAT_TEST_PROGRAM=test-scrollback
GCHAT_TEST_TRUSTED=1
export GCHAT_TEST_PROGRAM GCHAT_TEST_TRUSTED
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
