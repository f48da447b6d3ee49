#!/bin/sh
# Run tests/gchat/test-typing through gui.sh: typing notifications (IRCv3
# +typing on TAGMSG) between gchat and a raw client, against a real chatd.
GCHAT_TEST_PROGRAM=test-typing
export GCHAT_TEST_PROGRAM
exec "${top_srcdir:-.}/tests/gchat/gui.sh" "$@"
