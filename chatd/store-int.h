/*
 * Inside the store: the typed job a store call queues, and what a backend
 * (store-sqlite.c, store-pg.c) implements. Only store*.c include this;
 * the rest of chatd sees store.h.
 */
#ifndef CHATD_STORE_INT_H
#define CHATD_STORE_INT_H

#include "chatd.h"
#include "store.h"

enum store_op {
	STORE_OP_SYNC,
	STORE_OP_ACCOUNT_ADD,
	STORE_OP_ACCOUNT_SET_HASH,
	STORE_OP_ACCOUNT_SEEN,
	STORE_OP_ACCOUNT_DELETE,
	STORE_OP_OFFLINE_ADD,
	STORE_OP_OFFLINE_FETCH,
	STORE_OP_OFFLINE_DELETE,
	STORE_OP_HISTORY_ADD,
	STORE_OP_HISTORY_QUERY,
	STORE_OP_HISTORY_TARGETS,
	STORE_OP_PRIVATE_SEEN,
	STORE_OP_HISTORY_EXPIRE,
	STORE_OP_HISTORY_GET,    /* u.hq: fold, a_msgid */
	STORE_OP_HISTORY_DELETE, /* u.hq: fold, a_msgid */
	STORE_OP_HISTORY_RENAME, /* u.peer: a (old fold) becomes b */
	STORE_OP_CHANNEL_PUT,
	STORE_OP_CHANNEL_DELETE,
	STORE_OP_KV_PUT,
	STORE_OP_KV_GET,
	STORE_OP_KV_DELETE,
};

/* An account row (ADD), a new hash (SET_HASH) or a time (SEEN). */
struct store_job_account {
	char *fold;
	char *name;
	char *email;
	char *hash;
	int64_t created;
	int64_t last_seen;
};

/* An account to delete with the key-value row another feature keeps. */
struct store_job_account_delete {
	char *fold;
	char *kv_ns; /* NULL: none */
	char *kv_key;
};

/* A message to add to offline or history. */
struct store_job_msg {
	char *target; /* folded */
	char *msgid;
	char *source;
	char *account;
	char *command;
	char *text;
	int64_t time_ms;
};

/* Offline messages of one account: fetch up to max, delete up to id. */
struct store_job_offline {
	char *fold;
	int64_t max;
	int64_t upto_id;
};

/* A CHATHISTORY query; a reference's msgid NULL means its time. */
struct store_job_hq {
	char *fold;
	enum store_hq_kind kind;
	int64_t limit;
	char *a_msgid;
	int64_t a_ms; /* -1: no reference */
	char *b_msgid;
	int64_t b_ms;
};

/* Which conversations have messages in a window (TARGETS). */
struct store_job_tq {
	char **names; /* channels, as given */
	size_t nnames;
	char *account; /* folded, NULL for none */
	int64_t from_ms;
	int64_t to_ms;
	int64_t limit;
};

/* Two accounts talked privately. */
struct store_job_peer {
	char *a;
	char *b;
	int64_t time_ms;
};

/* A channel row; every string owned, fold the key. */
struct store_job_channel {
	char *fold;
	char *name;
	char *owner;
	int modes;
	char *key;
	unsigned limit;
	char *topic;
	char *topic_setter;
	int64_t topic_time;
	int64_t created;
	char *admins;
	char *bans;
	char *invites;
};

/* A key-value pair (value only for PUT). */
struct store_job_kv {
	char *ns;
	char *key;
	void *value;
	size_t len;
};

/* A queued store call: its arguments by kind, its results, its callback. */
struct store_job {
	struct worker_job wj;
	enum store_op op;
	int err;
	union {
		struct store_job_account account;
		struct store_job_account_delete account_delete;
		struct store_job_msg msg;
		struct store_job_offline offline;
		struct store_job_hq hq;
		struct store_job_tq tq;
		struct store_job_peer peer;
		int64_t expire_before_ms;
		struct store_job_channel channel;
		struct store_job_kv kv;
	} u;
	/* Results. */
	struct store_msg *msgs;
	size_t nmsgs;
	char **targets;
	int64_t *times;
	size_t ntargets;
	void *value;
	size_t len;
	union {
		store_done_cb done;
		store_msgs_cb msgs;
		store_kv_cb kv;
		store_targets_cb targets;
	} cb;
	void *arg;
};
#define STORE_JOB(wj) WORKER_JOB(wj, struct store_job, wj)

/*
 * A backend: open and close, run a batch of jobs on the store's worker
 * (writes in one transaction; every job's err set), and the synchronous
 * start-up loaders. where is the data directory (SQLite) or the URL.
 */
struct store_backend {
	const char *name;
	bool fetch_takes; /* offline fetch deletes what it returns */
	int (*open)(const char *where, uint64_t max_bytes, char **cause);
	void (*close)(void);
	void (*run_batch)(struct worker_jobs *, void *);
	int (*account_load)(
	    void (*)(const struct store_account *, void *), void *);
	int (*offline_count)(void (*)(const char *, size_t, void *), void *);
	int (*channel_load)(
	    void (*)(const struct store_channel *, void *), void *);
	int (*kv_load)(const char *,
	    void (*)(const char *, const void *, size_t, void *), void *);
};

/* A position in a target's history, and how a backend reads ranges. */
struct store_hq_ops {
	int (*pos)(struct store_job *, const char *msgid, int64_t t, bool lower,
	    int64_t *pt, int64_t *pid);
	int (*range)(struct store_job *, int64_t lt, int64_t li, int64_t ut,
	    int64_t ui, bool newest, int64_t limit);
};

/* store.c, for the backends */
extern const struct store_backend store_backend_sqlite;
extern const struct store_backend store_backend_pg;
bool store_op_writes(enum store_op);
struct store_msg *store_job_add_msg(struct store_job *);
void store_job_reverse(struct store_job *, size_t first);
void store_job_clear_results(struct store_job *);
void store_targets_found(struct store_job *, char *target, int64_t t);
void store_targets_trim(struct store_job *);
int store_hq_run(struct store_job *, const struct store_hq_ops *);
bool store_closing(void);
void store_set_down(bool);
char *store_url_safe(const char *url);

#endif /* CHATD_STORE_INT_H */
