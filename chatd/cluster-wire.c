/*
 * The cluster's message encoding: what one node publishes for the others
 * on Redis (doc/CLUSTER.md). A message is "CHATD/1 ", a type letter, a
 * space, then fields, each a decimal length, a colon and that many bytes
 * (netstrings without the comma). Pure code, no libevent, no globals, so
 * the decoder can be fuzzed alone (tests/fuzz/fuzz-cluster.c): anything
 * read from Redis is checked here before the daemon looks at it.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster-wire.h"

/*
 * The number of fixed fields of a type (node and epoch first), or -1 for
 * an unknown type; *lines says whether two lists of lines follow (with,
 * then without: a count, then a tag length and a line for each).
 */
static int
cluster_wire_fixed(char type, bool *lines)
{
	*lines = true;
	switch (type) {
	case CW_ALL:
		return 3;
	case CW_ACCOUNT:
		return 4;
	case CW_PRIV:
	case CW_PEERS:
	case CW_KILL:
		return 5;
	case CW_CHAN:
		return 9;
	default:
		break;
	}
	*lines = false;
	switch (type) {
	case CW_QUIT:
	case CW_NODE_GONE:
		return 4;
	case CW_NICK:
	case CW_PART:
		return 5;
	case CW_JOIN:
		return 6;
	case CW_USER:
		return 10;
	default:
		return -1;
	}
}

/* Start a message of a type from a node at an epoch. */
void
cluster_wire_begin(struct cluster_wire *w, char type, const char *node,
    unsigned long long epoch)
{
	char num[32];

	w->len = 0;
	w->oom = false;
	cluster_wire_raw(w, CW_MAGIC, strlen(CW_MAGIC));
	cluster_wire_raw(w, &type, 1);
	cluster_wire_raw(w, " ", 1);
	cluster_wire_str(w, node);
	snprintf(num, sizeof num, "%llu", epoch);
	cluster_wire_str(w, num);
}

/* Append bytes as they are. */
void
cluster_wire_raw(struct cluster_wire *w, const void *p, size_t n)
{
	char *nb;
	size_t want;

	if (w->len + n + 1 > w->size) {
		want = w->size == 0 ? 512 : w->size;
		while (want < w->len + n + 1)
			want *= 2;
		if ((nb = realloc(w->buf, want)) == NULL) {
			w->oom = true;
			return;
		}
		w->buf = nb;
		w->size = want;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* Append one field of n bytes. */
void
cluster_wire_field(struct cluster_wire *w, const char *p, size_t n)
{
	char num[32];
	int k;

	k = snprintf(num, sizeof num, "%zu:", n);
	cluster_wire_raw(w, num, (size_t)k);
	cluster_wire_raw(w, p, n);
}

/* Append a string field (NULL: empty). */
void
cluster_wire_str(struct cluster_wire *w, const char *s)
{
	if (s == NULL)
		s = "";
	cluster_wire_field(w, s, strlen(s));
}

/* Append a number field. */
void
cluster_wire_num(struct cluster_wire *w, unsigned long long v)
{
	char num[32];

	snprintf(num, sizeof num, "%llu", v);
	cluster_wire_str(w, num);
}

/* Free an encoder's buffer. */
void
cluster_wire_free(struct cluster_wire *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->size = 0;
}

/* Parse a decimal field into v; false if it is not a plain number. */
bool
cluster_wire_number(
    const char *s, unsigned long long max, unsigned long long *v)
{
	unsigned long long n = 0;

	if (*s == '\0' || strlen(s) > 20)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (n > (max - (unsigned)(*s - '0')) / 10)
			return false;
		n = n * 10 + (unsigned)(*s - '0');
	}
	*v = n;
	return true;
}

/*
 * Check that fields from..from+2*n hold n lines, each a tag length and
 * a line: CR LF at the end and nowhere else, no NUL, the tags inside.
 */
static bool
cluster_wire_lines(const struct cluster_msg *m, size_t from, size_t n)
{
	unsigned long long tl;
	size_t i, len;
	const char *l;

	if (from + 2 * n > m->nf)
		return false;
	for (i = 0; i < n; i++) {
		l = m->f[from + 2 * i + 1];
		len = m->flen[from + 2 * i + 1];
		if (!cluster_wire_number(m->f[from + 2 * i], CW_LINE_MAX, &tl))
			return false;
		if (len < 3 || len > CW_LINE_MAX || tl + 3 > len)
			return false;
		if (l[len - 2] != '\r' || l[len - 1] != '\n' ||
		    memchr(l, '\r', len - 2) != NULL ||
		    memchr(l, '\n', len - 2) != NULL)
			return false;
		if (tl > 0 && (l[0] != '@' || l[tl - 1] != ' '))
			return false;
	}
	return true;
}

/*
 * Decode a message of len bytes into m, whose fields point into a copy
 * (freed by cluster_msg_free): 0, or -1 if it is malformed in any way,
 * with why set to a short reason.
 */
int
cluster_wire_decode(
    const char *buf, size_t len, struct cluster_msg *m, const char **why)
{
	size_t mlen = strlen(CW_MAGIC), pos, flen, out = 0, k;
	unsigned long long nwith, nwithout, v;
	int fixed;
	bool lines;
	char *copy;

	memset(m, 0, sizeof *m);
	*why = "too short or too long";
	if (len < mlen + 2 || len > CW_MSG_MAX)
		return -1;
	*why = "not a chatd cluster message (version?)";
	if (memcmp(buf, CW_MAGIC, mlen) != 0 || buf[mlen + 1] != ' ')
		return -1;
	m->type = buf[mlen];
	*why = "unknown type";
	if ((fixed = cluster_wire_fixed(m->type, &lines)) < 0)
		return -1;
	if ((copy = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	m->copy = copy;
	pos = mlen + 2;
	*why = "bad field";
	while (pos < len) {
		if (m->nf == CW_FIELDS_MAX)
			goto bad;
		flen = 0;
		for (k = 0; pos < len && buf[pos] >= '0' && buf[pos] <= '9';
		     pos++, k++) {
			if (k == 6)
				goto bad;
			flen = flen * 10 + (size_t)(buf[pos] - '0');
		}
		if (k == 0 || pos >= len || buf[pos] != ':')
			goto bad;
		pos++;
		if (flen > len - pos || memchr(buf + pos, '\0', flen) != NULL)
			goto bad;
		memcpy(copy + out, buf + pos, flen);
		m->f[m->nf] = copy + out;
		m->flen[m->nf] = flen;
		m->nf++;
		out += flen;
		copy[out++] = '\0';
		pos += flen;
	}
	*why = "wrong number of fields";
	if (m->nf < (size_t)fixed)
		goto bad;
	*why = "bad node or epoch";
	if (m->flen[0] == 0 || m->flen[0] > 63 ||
	    !cluster_wire_number(m->f[1], ~0ULL, &v))
		goto bad;
	m->epoch = v;
	*why = "wrong number of fields";
	if (!lines) {
		if (m->nf != (size_t)fixed)
			goto bad;
		return 0;
	}
	*why = "bad lines";
	k = (size_t)fixed;
	if (k >= m->nf || !cluster_wire_number(m->f[k], CW_LINES_MAX, &nwith) ||
	    !cluster_wire_lines(m, k + 1, nwith))
		goto bad;
	k += 1 + 2 * nwith;
	if (k >= m->nf ||
	    !cluster_wire_number(m->f[k], CW_LINES_MAX, &nwithout) ||
	    !cluster_wire_lines(m, k + 1, nwithout) ||
	    m->nf != k + 1 + 2 * nwithout)
		goto bad;
	m->with = (size_t)fixed + 1;
	m->nwith = nwith;
	m->without = k + 1;
	m->nwithout = nwithout;
	return 0;
bad:
	cluster_msg_free(m);
	return -1;
}

/* Free what cluster_wire_decode kept. */
void
cluster_msg_free(struct cluster_msg *m)
{
	free(m->copy);
	m->copy = NULL;
	m->nf = 0;
}
