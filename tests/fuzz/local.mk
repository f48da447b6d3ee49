# tests/fuzz: the parser's fuzz target, run three ways.
#
# fuzz-replay (always, in make check): the target over the seed corpus plus
# deterministic mutations, so its invariants hold in every build, including
# the sanitizer one. run-libfuzzer.sh (make check): real libFuzzer built
# with clang directly, bounded by FUZZ_TIME, skipped without clang.
# fuzz-msg (--enable-fuzzing, with CC=clang): a libFuzzer binary for long
# runs: tests/fuzz/fuzz-msg -max_total_time=600 tests/fuzz/corpus
#
# fuzz-net (always, in make check for FUZZ_NET_TIME seconds, default 20):
# the network-level fuzzer, random command sequences built from
# tests/fuzz/net-corpus over several connections to a real chatd
# (run-net-fuzz.sh). For an hour, in the build directory:
#   FUZZ_NET_TIME=3600 CHATD=chatd/chatd CHAT_EXPECT=tests/chat-expect \
#       top_srcdir=.. top_builddir=. sh ../tests/fuzz/run-net-fuzz.sh
check_PROGRAMS += tests/fuzz/fuzz-replay tests/fuzz/fuzz-net
TESTS += tests/fuzz/fuzz-replay tests/fuzz/run-libfuzzer.sh \
	tests/fuzz/run-net-fuzz.sh
tests_fuzz_fuzz_net_SOURCES = tests/fuzz/fuzz-net.c
tests_fuzz_fuzz_replay_SOURCES = tests/fuzz/fuzz-replay.c tests/fuzz/fuzz-msg.c
tests_fuzz_fuzz_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_fuzz_fuzz_replay_LDADD = libchat/libchat.a tests/libtap.a

# fuzz-cluster-replay (always, in make check): the same driver over the
# decoder of messages between cluster nodes (chatd/cluster-wire.c) and its
# corpus, tests/fuzz/cluster-corpus. With --enable-fuzzing, fuzz-cluster
# is its libFuzzer binary:
#   tests/fuzz/fuzz-cluster -max_total_time=600 tests/fuzz/cluster-corpus
check_PROGRAMS += tests/fuzz/fuzz-cluster-replay
TESTS += tests/fuzz/fuzz-cluster-replay
tests_fuzz_fuzz_cluster_replay_SOURCES = tests/fuzz/fuzz-replay.c \
	tests/fuzz/fuzz-cluster.c chatd/cluster-wire.c
tests_fuzz_fuzz_cluster_replay_CPPFLAGS = $(AM_CPPFLAGS) \
	-I$(top_srcdir)/tests -I$(top_srcdir)/chatd \
	-DREPLAY_CORPUS='"cluster-corpus"'
tests_fuzz_fuzz_cluster_replay_LDADD = tests/libtap.a

EXTRA_DIST += tests/fuzz/run-libfuzzer.sh tests/fuzz/corpus \
	tests/fuzz/cluster-corpus \
	tests/fuzz/run-net-fuzz.sh tests/fuzz/net-corpus

if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-msg
# libchat is compiled into the target so its code gets coverage feedback.
tests_fuzz_fuzz_msg_SOURCES = tests/fuzz/fuzz-msg.c libchat/msg.c \
	libchat/utf8.c libchat/casemap.c
tests_fuzz_fuzz_msg_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address
tests_fuzz_fuzz_msg_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address
noinst_PROGRAMS += tests/fuzz/fuzz-cluster
tests_fuzz_fuzz_cluster_SOURCES = tests/fuzz/fuzz-cluster.c \
	chatd/cluster-wire.c
tests_fuzz_fuzz_cluster_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/chatd
tests_fuzz_fuzz_cluster_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address
tests_fuzz_fuzz_cluster_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address
endif
