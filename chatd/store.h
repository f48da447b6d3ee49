/*
 * The store: what chatd keeps across restarts (accounts, offline messages,
 * channel history, persistent channels, and a small key-value space for
 * other features). This header is the whole interface: store.c queues the
 * calls and one of two backends runs them, store-sqlite.c (an embedded
 * SQLite database, the default) or store-pg.c (a PostgreSQL server, which
 * several chatd processes may share).
 *
 * Every call that touches the disk is asynchronous: it queues a job and
 * returns at once; the job runs on the store's worker thread and its
 * callback runs later on the event loop. A write's callback runs only
 * after its transaction committed (or failed), so a reply sent from it
 * acknowledges data that is on disk. Jobs complete in the order they
 * were queued. The loading functions are synchronous and only used at
 * start-up, before clients are accepted.
 *
 * Strings passed in are copied; row pointers passed to callbacks are valid
 * only during the callback.
 */
#ifndef CHATD_STORE_H
#define CHATD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome of a store job. */
#define STORE_OK 0
#define STORE_EXISTS (-1)      /* unique key already present */
#define STORE_NOTFOUND (-2)    /* no such row */
#define STORE_BUSY (-3)        /* database locked by someone else */
#define STORE_FULL (-4)        /* disk or database full */
#define STORE_IO (-5)          /* any other failure */
#define STORE_UNAVAILABLE (-6) /* the database server is unreachable */

/* An account as stored. */
struct store_account {
	const char *name;  /* as registered (case kept) */
	const char *email; /* NULL for none */
	const char *hash;  /* Argon2id encoded hash */
	int64_t created;   /* Unix seconds */
	int64_t last_seen; /* Unix seconds, 0 for never */
};

/* A stored message: an offline private message or a history line. */
struct store_msg {
	int64_t id;         /* increasing per table */
	int64_t time_ms;    /* Unix milliseconds when it was sent */
	const char *target; /* recipient account or channel */
	const char *msgid;
	const char *source;  /* nick!user@host */
	const char *account; /* sender's account or NULL */
	const char *command; /* PRIVMSG or NOTICE */
	const char *text;
};

/* A persistent channel: its settings as strings, lists one per line. */
struct store_channel {
	const char *name;
	const char *owner; /* account */
	int modes;         /* CHAN_* */
	const char *key;   /* NULL for none */
	unsigned limit;
	const char *topic; /* NULL for none */
	const char *topic_setter;
	int64_t topic_time;
	int64_t created;
	const char *admins;  /* accounts, one per line */
	const char *bans;    /* "mask setter time" lines */
	const char *invites; /* folded nicks, one per line */
};

/* How a history query is bounded (CHATHISTORY's subcommands). */
enum store_hq_kind {
	STORE_HQ_LATEST, /* newest messages after ref (or all) */
	STORE_HQ_BEFORE,
	STORE_HQ_AFTER,
	STORE_HQ_AROUND,
	STORE_HQ_BETWEEN,
};

/* A point in history: a msgid, or a time in ms (msgid NULL). */
struct store_ref {
	const char *msgid; /* NULL: use time_ms; "" with time_ms 0: none */
	int64_t time_ms;
};

typedef void (*store_done_cb)(int err, void *arg);
typedef void (*store_msgs_cb)(
    int err, const struct store_msg *msgs, size_t n, void *arg);
typedef void (*store_kv_cb)(int err, const void *value, size_t len, void *arg);
typedef void (*store_targets_cb)(int err, const char *const *targets,
    const int64_t *times_ms, size_t n, void *arg);

/* store.c */
int store_open(const char *dir, uint64_t max_bytes, char **cause);
int store_open_url(
    const char *url, const char *dir, uint64_t max_bytes, char **cause);
bool store_is_down(void);
int store_migrate_to(const char *dir, const char *url, char **cause);
void store_close(void);
const char *store_strerror(int err);
size_t store_queue_len(void);
bool store_full(void);

int store_account_load(
    void (*cb)(const struct store_account *, void *), void *arg);
void store_account_add(const struct store_account *, store_done_cb, void *);
void store_account_set_hash(
    const char *name, const char *hash, store_done_cb, void *);
void store_account_seen(const char *name, int64_t when);
void store_account_delete(const char *name, const char *kv_ns,
    const char *kv_key, store_done_cb, void *);

void store_offline_add(const struct store_msg *, store_done_cb, void *);
int store_offline_count(
    void (*cb)(const char *account, size_t n, void *), void *arg);
void store_offline_fetch(
    const char *account, size_t max, store_msgs_cb, void *);
bool store_offline_taken(void);
void store_offline_delete(
    const char *account, int64_t upto_id, store_done_cb, void *);

void store_history_add(const struct store_msg *, store_done_cb, void *);
void store_history_query(const char *target, enum store_hq_kind,
    const struct store_ref *a, const struct store_ref *b, size_t limit,
    store_msgs_cb, void *);
void store_history_targets(const char *const *targets, size_t ntargets,
    const char *account, int64_t from_ms, int64_t to_ms, size_t limit,
    store_targets_cb, void *);
void store_private_seen(const char *a, const char *b, int64_t time_ms);
void store_history_expire(int64_t before_ms);
void store_history_get(
    const char *target, const char *msgid, store_msgs_cb, void *);
void store_history_delete(
    const char *target, const char *msgid, store_done_cb, void *);
void store_history_rename(
    const char *from, const char *to, store_done_cb, void *);

int store_channel_load(
    void (*cb)(const struct store_channel *, void *), void *arg);
void store_channel_put(const struct store_channel *, store_done_cb, void *);
void store_channel_delete(const char *name, store_done_cb, void *);

void store_kv_put(const char *ns, const char *key, const void *value,
    size_t len, store_done_cb, void *);
void store_kv_get(const char *ns, const char *key, store_kv_cb, void *);
void store_kv_delete(const char *ns, const char *key, store_done_cb, void *);
int store_kv_load(const char *ns,
    void (*cb)(const char *key, const void *value, size_t len, void *),
    void *arg);

void store_sync(store_done_cb, void *);

#endif /* CHATD_STORE_H */
