#!/bin/sh
# Read markers across a restart (see restart-readmarker.chat).
: "${top_srcdir:?top_srcdir is not set}"
exec "${SHELL:-/bin/sh}" "$top_srcdir/tests/integration/run-restart.sh" \
    "$top_srcdir/tests/integration/restart-readmarker.chat"
