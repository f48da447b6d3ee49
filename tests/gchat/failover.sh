#!/bin/sh
# Run tests/gchat/test-failover through gui.sh with two chatd processes: a
# server entry listing both, the first killed by its PID, gchat moving on
# to the second with its groups and the lines it missed.
GCHAT_TEST_PROGRAM=test-failover
GCHAT_TEST_SECOND=1
export GCHAT_TEST_PROGRAM GCHAT_TEST_SECOND
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
