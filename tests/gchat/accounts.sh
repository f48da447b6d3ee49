#!/bin/sh
# Run tests/gchat/test-accounts through gui.sh: its own Xvfb, session bus
# and chatd (with a fresh data directory, so accounts and history are new).
GCHAT_TEST_PROGRAM=test-accounts
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
