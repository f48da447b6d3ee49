#!/bin/sh
# Replay the netcat walk-through of README.md against a fresh chatd, so
# what a new user reads first is what they get.

set -u
: "${top_srcdir:?top_srcdir is not set}"
cd "$top_srcdir" || exit 99
exec "${SHELL:-/bin/sh}" tests/integration/run-chat.sh -m README.md
