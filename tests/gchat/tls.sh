#!/bin/sh
# Run tests/gchat/test-tls through gui.sh, with a TLS listener on chatd.
GCHAT_TEST_PROGRAM=test-tls
GCHAT_TEST_TLS=1
export GCHAT_TEST_PROGRAM GCHAT_TEST_TLS
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
