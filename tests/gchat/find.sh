#!/bin/sh
# Run tests/gchat/test-find through gui.sh: search (here, everywhere and in
# earlier history), the mentions list and the kick confirmation, against a
# real chatd whose loopback clients are exempt from flood control.
GCHAT_TEST_PROGRAM=test-find
GCHAT_TEST_TRUSTED=1
export GCHAT_TEST_PROGRAM GCHAT_TEST_TRUSTED
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
