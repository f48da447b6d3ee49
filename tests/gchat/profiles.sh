#!/bin/sh
# Run tests/gchat/test-profiles through gui.sh: display names, status lines
# and avatars (IRCv3 draft/metadata-2) between gchat and a raw client,
# against a real chatd and a real HTTP server on loopback.
GCHAT_TEST_PROGRAM=test-profiles
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
