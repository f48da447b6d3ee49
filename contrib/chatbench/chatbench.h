/*
 * chatbench -- load generator for IRC servers on loopback.
 *
 * One header for all files: the shared state, the client and worker
 * structures, and a prototype section per source file.
 */
#ifndef CHATBENCH_H
#define CHATBENCH_H

#include <sys/types.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CB_NICKLEN 32
#define CB_INBUF 16384      /* a few lines of up to 8 KiB with tags */
#define CB_OUTBUF_IDLE 2048 /* NICK/USER/JOIN/PONG only */
#define CB_OUTBUF_SEND 65536
#define CB_MAXNICKTRIES 50
#define CB_HIST_LINEAR 2048
#define CB_HIST_BUCKETS (CB_HIST_LINEAR + 40 * 1024)

/* Where a client is in its life. */
enum cb_state {
	CB_IDLE,        /* not started yet */
	CB_CONNECTING,  /* non-blocking connect in progress */
	CB_REGISTERING, /* NICK/USER sent, waiting for 001 */
	CB_REGISTERED,  /* 001 seen */
	CB_READY,       /* what the scenario waits for (366, end of MOTD) */
	CB_DEAD         /* closed or failed */
};

/* Latency histogram in microseconds: exact below 2 ms, 0.1% above. */
struct cb_hist {
	uint64_t count;
	uint64_t max_ns;
	uint64_t bucket[CB_HIST_BUCKETS];
};

/* What a receiver knows about one sender's stream. */
struct cb_rx {
	uint32_t distinct; /* distinct sequence numbers seen */
	uint32_t maxseq;   /* highest sequence number seen, plus one */
	uint32_t dup;
	uint32_t ooo;
	uint8_t *seen; /* one bit per sequence number */
};

struct cb_worker;

/* One IRC connection. */
struct cb_client {
	int fd;
	uint32_t id; /* index into the global client array */
	enum cb_state state;
	struct cb_worker *w;
	char nick[CB_NICKLEN];
	unsigned nicktries;

	char *in;
	size_t inlen, incap;
	char *out;
	size_t outoff, outlen, outcap;
	bool wantout; /* EPOLLOUT armed */

	uint64_t t_connect; /* ns, start of the handshake */

	/* Sender side (fanout, direct). */
	bool sender;
	bool dirty; /* on the worker's pump list */
	uint32_t sent;
	_Atomic uint32_t acked;
	uint32_t acker;  /* client whose receipt acknowledges ours */
	uint32_t target; /* direct: partner */
	uint64_t rate_t0;
	struct cb_client *nextdirty;

	/* Receiver side: one slot per sender it expects. */
	struct cb_rx *rx;
	uint32_t nrx;
	uint64_t self_echo;
};

/* One thread with its own epoll and a share of the clients. */
struct cb_worker {
	int idx;
	int ep;
	pthread_t thread;
	uint32_t first, count; /* clients [first, first + count) */
	uint32_t started, inflight, ready;
	uint32_t nsenders;
	struct cb_client *dirty;
	uint64_t t_first_send, t_last_rx, t_last_ready;
	uint64_t lines, deliveries, errors;
	uint64_t expected, received; /* distinct deliveries */
	struct cb_hist lat;          /* message latency */
	struct cb_hist hlat;         /* handshake latency (connect) */
	bool failed;
};

struct cb_scenario;

/* Options and results shared by all workers. */
struct cb_bench {
	const struct cb_scenario *sc;
	char host[64];
	int family;
	unsigned short port;
	double max_seconds;
	unsigned jobs;
	const char *server_name;
	char server_version[64];
	pthread_mutex_t lock;

	/* scenario parameters */
	uint32_t clients, senders, messages, window, pairs, concurrency;
	double rate;
	unsigned size;
	long pid;
	double hold;
	uint32_t inject_loss, inject_dup; /* self-test of the verifier */
	const char *channel;
	const char *oper;
	const char *umode;

	struct cb_client *client;
	struct cb_worker *worker;

	uint64_t t_start, deadline;
	_Atomic uint32_t n_ready;
	_Atomic uint32_t n_dead;
	_Atomic uint32_t n_done; /* workers finished with the measured phase */
	_Atomic uint64_t nick_retries;
	_Atomic bool go; /* start the measured phase */
	_Atomic bool abort;
	uint64_t t_go, t_end;
	long cpu_start, cpu_go, cpu_end; /* server CPU ticks, -1 unknown */
	uint64_t self_go, self_end;      /* our own CPU time, ns */
	long rss_before, rss_after;
};

/* A scenario: how it is set up, what counts as ready, and its phases. */
struct cb_scenario {
	const char *name;
	const char *usage;
	int (*opts)(struct cb_bench *, int, char **);
	bool join;          /* clients join the channel before "ready" */
	bool ready_at_motd; /* ready at end of MOTD instead of 001 */
	void (*setup)(struct cb_bench *);
	void (*start)(struct cb_worker *); /* measured phase begins */
	bool (*done)(struct cb_worker *);
	void (*on_privmsg)(
	    struct cb_client *, const char *, const char *, uint64_t);
	/* Optional: any other line first; true if it was handled. */
	bool (*on_line)(struct cb_client *, char *, uint64_t);
	/* Queue a sender's next lines (after EPOLLOUT or an ack). */
	void (*pump)(struct cb_client *, uint64_t);
	/* Wake senders whose time has come; the next timeout in ns. */
	uint64_t (*next_due)(struct cb_worker *, uint64_t);
	size_t inbuf; /* input buffer per client, 0: CB_INBUF */
	int (*report)(struct cb_bench *);
};

extern struct cb_bench cb;

/* chatbench.c */
uint64_t cb_now(void);
void cb_hist_add(struct cb_hist *, uint64_t);
void cb_hist_merge(struct cb_hist *, const struct cb_hist *);
double cb_hist_pct_ms(const struct cb_hist *, double);
void cb_fatal(const char *, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));
void cb_result(const char *, ...) __attribute__((format(printf, 1, 2)));
long cb_server_cpu(void);
uint64_t cb_self_cpu(void);
double cb_cpu_pct(long, long, uint64_t, uint64_t);

/* client.c */
void client_init(struct cb_client *, uint32_t, size_t);
void client_start(struct cb_client *);
void client_send(struct cb_client *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
size_t client_room(const struct cb_client *);
void client_flush(struct cb_client *);
void client_event(struct cb_client *, uint32_t, uint64_t);
void client_kill(struct cb_client *, const char *);
void client_mark_dirty(struct cb_client *);

/* worker.c */
void worker_run(struct cb_worker *);
void worker_pump(struct cb_worker *, uint64_t);

/* msg.c: the fanout and direct scenarios */
extern const struct cb_scenario scenario_fanout;
extern const struct cb_scenario scenario_direct;
void msg_pump(struct cb_client *, uint64_t);
uint64_t msg_next_due(struct cb_worker *, uint64_t);

/* connect.c */
extern const struct cb_scenario scenario_connect;

/* register.c */
extern const struct cb_scenario scenario_register;

/* file.c */
extern const struct cb_scenario scenario_file;

#endif
