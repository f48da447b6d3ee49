# contrib: set-up scripts, examples, the benchmark.
EXTRA_DIST += contrib/quickstart contrib/chatd.service.in .ci/run
# Send and receive a file with SENDFILE from the shell (nc, base64).
dist_bin_SCRIPTS += contrib/chatfile
dist_doc_DATA += contrib/chatd.conf
doc_DATA += contrib/chatd.service
CLEANFILES += contrib/chatd.service

# A systemd unit with the installation's paths filled in.
contrib/chatd.service: contrib/chatd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/contrib/chatd.service.in >$@

# chatbench, the load generator, and the peer-server scripts.
noinst_PROGRAMS += contrib/chatbench/chatbench
contrib_chatbench_chatbench_SOURCES = \
	contrib/chatbench/chatbench.h \
	contrib/chatbench/chatbench.c \
	contrib/chatbench/client.c \
	contrib/chatbench/connect.c \
	contrib/chatbench/register.c \
	contrib/chatbench/file.c \
	contrib/chatbench/msg.c \
	contrib/chatbench/worker.c
# OpenSSL's libcrypto for SHA-256 and base64 in the file scenario.
contrib_chatbench_chatbench_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
contrib_chatbench_chatbench_LDADD = $(OPENSSL_LIBS) -lpthread

# Answers ircd-hybrid's reverse lookups on loopback (see run-peer.sh).
noinst_PROGRAMS += contrib/peers/nxdns
contrib_peers_nxdns_SOURCES = contrib/peers/nxdns.c

TESTS += contrib/chatbench/test-chatbench.sh
EXTRA_DIST += \
	contrib/chatbench/test-chatbench.sh \
	doc/BENCHMARKS.md \
	contrib/peers/run-peer.sh \
	contrib/bench-all.sh contrib/bench-store.sh

# A self-signed certificate for trying the TLS listener (issue 4).
EXTRA_DIST += contrib/mkcert

# A no-parse line relay: the ceiling for chatd's saturated fan-out
# (contrib/peers/run-peer.sh relay, doc/BENCHMARKS.md).
noinst_PROGRAMS += contrib/peers/relay
contrib_peers_relay_SOURCES = contrib/peers/relay.c
