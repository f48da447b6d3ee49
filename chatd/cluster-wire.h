/*
 * chatd/cluster-wire.c: the encoding of messages between the nodes of a
 * cluster (doc/CLUSTER.md). Pure: no libevent, no daemon globals.
 */
#ifndef CLUSTER_WIRE_H
#define CLUSTER_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#define CW_MAGIC "CHATD/1 "
#define CW_MSG_MAX (512 * 1024) /* a message, all fields */
#define CW_FIELDS_MAX 256
#define CW_LINES_MAX 100  /* lines in one list */
#define CW_LINE_MAX 16384 /* one line, tags and CR LF included */

/* Message types (the letter after the magic). */
#define CW_USER 'U'      /* a user: id nick user host real acct modes away */
#define CW_QUIT 'Q'      /* a user left: id nick */
#define CW_NICK 'N'      /* a user changed nick: id old new */
#define CW_JOIN 'J'      /* usernode id channel modes */
#define CW_PART 'L'      /* usernode id channel */
#define CW_NODE_GONE 'G' /* a dead node was reaped: node epoch */
#define CW_PRIV 'M'      /* lines to one user: id nick cap */
#define CW_PEERS 'P'     /* lines to a user's peers: id nick cap */
#define CW_ALL 'A'       /* lines to everyone with umodes */
#define CW_ACCOUNT 'S'   /* lines to an account's sessions: account cap */
#define CW_KILL 'K'      /* a KILL line, then close: id nick why */
#define CW_CHAN 'C'      /* a channel selection: channel except... */

/* An encoder: a growing buffer (oom set if it could not grow). */
struct cluster_wire {
	char *buf;
	size_t len;
	size_t size;
	bool oom;
};

/* A decoded message: fields point into copy, NUL-terminated. */
struct cluster_msg {
	char type;
	unsigned long long epoch;
	size_t nf;
	const char *f[CW_FIELDS_MAX];
	size_t flen[CW_FIELDS_MAX];
	size_t with, nwith;       /* first field of the with lines, count */
	size_t without, nwithout; /* first field of the without lines */
	char *copy;
};

void cluster_wire_begin(struct cluster_wire *, char type, const char *node,
    unsigned long long epoch);
void cluster_wire_raw(struct cluster_wire *, const void *, size_t);
void cluster_wire_field(struct cluster_wire *, const char *, size_t);
void cluster_wire_str(struct cluster_wire *, const char *);
void cluster_wire_num(struct cluster_wire *, unsigned long long);
void cluster_wire_free(struct cluster_wire *);
bool cluster_wire_number(
    const char *, unsigned long long max, unsigned long long *);
int cluster_wire_decode(
    const char *, size_t, struct cluster_msg *, const char **why);
void cluster_msg_free(struct cluster_msg *);

#endif /* CLUSTER_WIRE_H */
