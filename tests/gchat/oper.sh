#!/bin/sh
# Run tests/gchat/test-oper through gui.sh, with an operator in chatd.conf.
GCHAT_TEST_PROGRAM=test-oper
GCHAT_TEST_OPER=1
export GCHAT_TEST_PROGRAM GCHAT_TEST_OPER
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
