#!/bin/sh
# Run tests/gchat/test-groups (group settings, bans, permanent admins) through gui.sh.
GCHAT_TEST_PROGRAM=test-groups
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
