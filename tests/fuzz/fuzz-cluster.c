/*
 * libFuzzer target for the decoder of messages between cluster nodes
 * (chatd/cluster-wire.c), which reads what any client of Redis could have
 * published: a decoded message has the fields its type needs, each
 * NUL-terminated at its length, and its lines end in CR LF with their tags
 * inside; encoding the fields again gives a message that decodes the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster-wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly; a fuzzer records the input that got here. */
#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

/* Check one list of lines of m. */
static void
fuzz_lines(const struct cluster_msg *m, size_t first, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = m->flen[first + 2 * i + 1];
		CHECK(len >= 3);
		CHECK(m->f[first + 2 * i + 1][len - 2] == '\r');
		CHECK(m->f[first + 2 * i + 1][len - 1] == '\n');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cluster_wire w = { 0 };
	struct cluster_msg m, m2;
	const char *why;
	size_t i;

	if (cluster_wire_decode((const char *)data, size, &m, &why) != 0)
		return 0;
	CHECK(m.nf >= 2 && m.flen[0] > 0);
	for (i = 0; i < m.nf; i++)
		CHECK(strlen(m.f[i]) == m.flen[i]);
	if (m.nwith > 0)
		fuzz_lines(&m, m.with, m.nwith);
	if (m.nwithout > 0)
		fuzz_lines(&m, m.without, m.nwithout);
	/* Encode again: the same fields come back. */
	cluster_wire_begin(&w, m.type, m.f[0], m.epoch);
	for (i = 2; i < m.nf; i++)
		cluster_wire_field(&w, m.f[i], m.flen[i]);
	CHECK(!w.oom);
	CHECK(cluster_wire_decode(w.buf, w.len, &m2, &why) == 0);
	CHECK(m2.nf == m.nf && m2.type == m.type && m2.epoch == m.epoch);
	for (i = 2; i < m.nf; i++)
		CHECK(m2.flen[i] == m.flen[i] &&
		    memcmp(m2.f[i], m.f[i], m.flen[i]) == 0);
	cluster_msg_free(&m2);
	cluster_msg_free(&m);
	cluster_wire_free(&w);
	return 0;
}
