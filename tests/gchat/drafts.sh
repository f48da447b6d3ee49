#!/bin/sh
# Run tests/gchat/test-drafts through gui.sh: multiline messages, withdrawing
# a message and read markers between gchat and raw clients, against a real
# chatd.
GCHAT_TEST_PROGRAM=test-drafts
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
