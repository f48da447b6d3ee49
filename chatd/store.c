/*
 * The store's front (see store.h for the interface): every call becomes a
 * typed job (store-int.h) on one serial worker queue, and the backend
 * chosen by `database` (store-sqlite.c, store-pg.c) runs the jobs in
 * batches on that worker. Callbacks run on the loop in the order the jobs
 * were queued, except that while a networked backend has lost its server,
 * jobs that answer a client's command fail at once with STORE_UNAVAILABLE
 * (on a later loop pass) while the others wait for it to come back.
 */

#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "store-int.h"

#define STORE_BATCH 256 /* jobs per transaction at most */

static const struct store_backend *store_be;
static struct worker *store_worker;
static atomic_bool store_down_flag;
static atomic_bool store_closing_flag;

/* Whether a job of this kind writes (runs inside the batch transaction). */
bool
store_op_writes(enum store_op op)
{
	switch (op) {
	case STORE_OP_SYNC:
	case STORE_OP_OFFLINE_FETCH:
	case STORE_OP_HISTORY_QUERY:
	case STORE_OP_HISTORY_TARGETS:
	case STORE_OP_HISTORY_GET:
	case STORE_OP_KV_GET:
		return false;
	case STORE_OP_HISTORY_DELETE:
	case STORE_OP_HISTORY_RENAME:
	case STORE_OP_ACCOUNT_ADD:
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_SEEN:
	case STORE_OP_ACCOUNT_DELETE:
	case STORE_OP_OFFLINE_ADD:
	case STORE_OP_OFFLINE_DELETE:
	case STORE_OP_HISTORY_ADD:
	case STORE_OP_PRIVATE_SEEN:
	case STORE_OP_HISTORY_EXPIRE:
	case STORE_OP_CHANNEL_PUT:
	case STORE_OP_CHANNEL_DELETE:
	case STORE_OP_KV_PUT:
	case STORE_OP_KV_DELETE:
		return true;
	}
	return true;
}

/* A short English text for a STORE_* code. */
const char *
store_strerror(int err)
{
	switch (err) {
	case STORE_OK:
		return "ok";
	case STORE_EXISTS:
		return "already exists";
	case STORE_NOTFOUND:
		return "not found";
	case STORE_BUSY:
		return "database is locked";
	case STORE_FULL:
		return "database or disk is full";
	case STORE_UNAVAILABLE:
		return "database unreachable";
	default:
		return "database error";
	}
}

/* Free the results a job has collected (a backend retrying a batch). */
void
store_job_clear_results(struct store_job *j)
{
	size_t i;

	for (i = 0; i < j->nmsgs; i++) {
		free((char *)j->msgs[i].target);
		free((char *)j->msgs[i].msgid);
		free((char *)j->msgs[i].source);
		free((char *)j->msgs[i].account);
		free((char *)j->msgs[i].command);
		free((char *)j->msgs[i].text);
	}
	free(j->msgs);
	j->msgs = NULL;
	j->nmsgs = 0;
	for (i = 0; i < j->ntargets; i++)
		free(j->targets[i]);
	free(j->targets);
	free(j->times);
	j->targets = NULL;
	j->times = NULL;
	j->ntargets = 0;
	free(j->value);
	j->value = NULL;
	j->len = 0;
}

/* Free a job and everything it owns. */
static void
store_job_free(struct store_job *j)
{
	size_t i;

	store_job_clear_results(j);
	switch (j->op) {
	case STORE_OP_SYNC:
	case STORE_OP_HISTORY_EXPIRE:
		break;
	case STORE_OP_ACCOUNT_ADD:
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_SEEN:
		free(j->u.account.fold);
		free(j->u.account.name);
		free(j->u.account.email);
		free(j->u.account.hash);
		break;
	case STORE_OP_ACCOUNT_DELETE:
		free(j->u.account_delete.fold);
		free(j->u.account_delete.kv_ns);
		free(j->u.account_delete.kv_key);
		break;
	case STORE_OP_OFFLINE_ADD:
	case STORE_OP_HISTORY_ADD:
		free(j->u.msg.target);
		free(j->u.msg.msgid);
		free(j->u.msg.source);
		free(j->u.msg.account);
		free(j->u.msg.command);
		free(j->u.msg.text);
		break;
	case STORE_OP_OFFLINE_FETCH:
	case STORE_OP_OFFLINE_DELETE:
		free(j->u.offline.fold);
		break;
	case STORE_OP_HISTORY_QUERY:
	case STORE_OP_HISTORY_GET:
	case STORE_OP_HISTORY_DELETE:
		free(j->u.hq.fold);
		free(j->u.hq.a_msgid);
		free(j->u.hq.b_msgid);
		break;
	case STORE_OP_HISTORY_TARGETS:
		for (i = 0; i < j->u.tq.nnames; i++)
			free(j->u.tq.names[i]);
		free(j->u.tq.names);
		free(j->u.tq.account);
		break;
	case STORE_OP_PRIVATE_SEEN:
	case STORE_OP_HISTORY_RENAME:
		free(j->u.peer.a);
		free(j->u.peer.b);
		break;
	case STORE_OP_CHANNEL_PUT:
	case STORE_OP_CHANNEL_DELETE:
		free(j->u.channel.fold);
		free(j->u.channel.name);
		free(j->u.channel.owner);
		free(j->u.channel.key);
		free(j->u.channel.topic);
		free(j->u.channel.topic_setter);
		free(j->u.channel.admins);
		free(j->u.channel.bans);
		free(j->u.channel.invites);
		break;
	case STORE_OP_KV_PUT:
	case STORE_OP_KV_GET:
	case STORE_OP_KV_DELETE:
		free(j->u.kv.ns);
		free(j->u.kv.key);
		free(j->u.kv.value);
		break;
	}
	free(j);
}

/*
 * When a write last failed for want of room (store-max-size or the disk),
 * in monotonic ms, 0: never. Writers without a callback (history) tell
 * their sender by it. It holds for STORE_FULL_MS whatever succeeds in
 * between: a full SQLite database still takes a row now and then where a
 * page has room, which says nothing about the next one.
 */
#define STORE_FULL_MS 10000
static int64_t store_full_ms;

/* Monotonic milliseconds (the store is linked without conn.c in tests). */
static int64_t
store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the store is full, as far as the recent writes know. */
bool
store_full(void)
{
	return store_full_ms != 0 &&
	    store_now_ms() - store_full_ms < STORE_FULL_MS;
}

/* Whether a job writes (its result says whether there is room). */
static bool
store_job_writes(const struct store_job *j)
{
	return j->op != STORE_OP_OFFLINE_FETCH &&
	    j->op != STORE_OP_HISTORY_QUERY &&
	    j->op != STORE_OP_HISTORY_TARGETS && j->op != STORE_OP_KV_GET &&
	    j->op != STORE_OP_HISTORY_GET && j->op != STORE_OP_SYNC;
}

/* A job came back from the worker: its callback, on the loop. */
static void
store_job_done(struct worker_job *wj)
{
	struct store_job *j = STORE_JOB(wj);

	if (store_job_writes(j) && j->err == STORE_FULL)
		store_full_ms = store_now_ms();

	switch (j->op) {
	case STORE_OP_OFFLINE_FETCH:
	case STORE_OP_HISTORY_QUERY:
	case STORE_OP_HISTORY_GET:
		if (j->cb.msgs != NULL)
			j->cb.msgs(j->err, j->msgs, j->nmsgs, j->arg);
		break;
	case STORE_OP_HISTORY_TARGETS:
		if (j->cb.targets != NULL)
			j->cb.targets(j->err, (const char *const *)j->targets,
			    j->times, j->err == STORE_OK ? j->ntargets : 0,
			    j->arg);
		break;
	case STORE_OP_KV_GET:
		if (j->cb.kv != NULL)
			j->cb.kv(j->err, j->err == STORE_OK ? j->value : NULL,
			    j->err == STORE_OK ? j->len : 0, j->arg);
		break;
	case STORE_OP_SYNC:
	case STORE_OP_ACCOUNT_ADD:
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_SEEN:
	case STORE_OP_ACCOUNT_DELETE:
	case STORE_OP_OFFLINE_ADD:
	case STORE_OP_OFFLINE_DELETE:
	case STORE_OP_HISTORY_ADD:
	case STORE_OP_PRIVATE_SEEN:
	case STORE_OP_HISTORY_EXPIRE:
	case STORE_OP_HISTORY_DELETE:
	case STORE_OP_HISTORY_RENAME:
	case STORE_OP_CHANNEL_PUT:
	case STORE_OP_CHANNEL_DELETE:
	case STORE_OP_KV_PUT:
	case STORE_OP_KV_DELETE:
		if (j->cb.done != NULL)
			j->cb.done(j->err, j->arg);
		break;
	}
	store_job_free(j);
}

/* A job failed before it was queued: call back on a later loop pass. */
static void
store_job_failed(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	store_job_done(&((struct store_job *)arg)->wj);
}

/* A new job of a kind; the caller fills in its arguments. */
static struct store_job *
store_job_new(enum store_op op, void *arg)
{
	struct store_job *j = xcalloc(1, sizeof *j);

	j->wj.done = store_job_done;
	j->op = op;
	j->arg = arg;
	return j;
}

/*
 * Whether a job answers a client's command, which can be told to try
 * again later (FAIL ... TEMPORARILY_UNAVAILABLE) rather than wait for an
 * outage to end. Other writes (channel settings, statistics, file
 * records, deletions of delivered messages) wait and are retried.
 */
static bool
store_job_answers_client(const struct store_job *j)
{
	switch (j->op) {
	case STORE_OP_ACCOUNT_ADD:
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_DELETE:
	case STORE_OP_OFFLINE_ADD:
	case STORE_OP_OFFLINE_FETCH:
	case STORE_OP_HISTORY_QUERY:
	case STORE_OP_HISTORY_TARGETS:
	case STORE_OP_HISTORY_GET:
	case STORE_OP_HISTORY_DELETE:
	case STORE_OP_KV_GET:
		return j->cb.done != NULL;
	case STORE_OP_SYNC:
	case STORE_OP_ACCOUNT_SEEN:
	case STORE_OP_OFFLINE_DELETE:
	case STORE_OP_HISTORY_ADD:
	case STORE_OP_PRIVATE_SEEN:
	case STORE_OP_HISTORY_EXPIRE:
	case STORE_OP_HISTORY_RENAME:
	case STORE_OP_CHANNEL_PUT:
	case STORE_OP_CHANNEL_DELETE:
	case STORE_OP_KV_PUT:
	case STORE_OP_KV_DELETE:
		return false;
	}
	return false;
}

/* Queue a job for the worker. */
static void
store_submit(struct store_job *j)
{
	struct timeval now = { 0, 0 };

	if (store_worker == NULL) {
		/* Closed (or never opened): fail at once, on the loop. */
		j->err = STORE_IO;
		store_job_done(&j->wj);
		return;
	}
	if (atomic_load(&store_down_flag) && store_job_answers_client(j)) {
		/* Someone waits: tell them now rather than after the outage. */
		j->err = STORE_UNAVAILABLE;
		if (event_base_once(ev_base, -1, EV_TIMEOUT, store_job_failed,
		        j, &now) != 0)
			fatalx("event_base_once");
		return;
	}
	worker_add(store_worker, &j->wj);
}

/* Jobs queued and not yet run (for diagnostics and back-pressure). */
size_t
store_queue_len(void)
{
	return store_worker != NULL ? worker_backlog(store_worker) : 0;
}

/* Whether the store is being closed (a backend stops retrying). */
bool
store_closing(void)
{
	return atomic_load(&store_closing_flag);
}

/* A backend lost its server (true) or has it back (false). */
void
store_set_down(bool down)
{
	atomic_store(&store_down_flag, down);
}

/* Whether the store's server is unreachable right now. */
bool
store_is_down(void)
{
	return atomic_load(&store_down_flag);
}

/* A copy of a database URL fit for logs: its password replaced by "*". */
char *
store_url_safe(const char *url)
{
	const char *at, *colon, *start, *p, *end;
	char *s;

	if ((start = strstr(url, "://")) != NULL) {
		start += 3;
		at = strchr(start, '@');
		end = start + strcspn(start, "/?");
		if (at != NULL && at < end &&
		    (colon = memchr(start, ':', (size_t)(at - start))) !=
		        NULL) {
			xasprintf(&s, "%.*s:*%s", (int)(colon - url), url, at);
			url = s;
		} else
			s = xstrdup(url);
	} else
		s = xstrdup(url);
	/* A password=... parameter, in a URI query or a key=value string. */
	if ((p = strstr(s, "password=")) != NULL) {
		char *q = (char *)p + strlen("password=");
		size_t n = strcspn(q, "& ");

		memmove(q + 1, q + n, strlen(q + n) + 1);
		*q = '*';
	}
	return s;
}

/* Which backend a `database` value names. */
static const struct store_backend *
store_backend_for(const char *url)
{
	if (url == NULL || *url == '\0' || strcmp(url, "sqlite") == 0)
		return &store_backend_sqlite;
	if (strncmp(url, "postgresql:", 11) == 0 ||
	    strncmp(url, "postgres:", 9) == 0)
		return &store_backend_pg;
	return NULL;
}

/*
 * Open the store named by url ("sqlite" or NULL: dir/chatd.db; a libpq
 * URI: PostgreSQL) and start its worker. A non-zero max_bytes caps an
 * SQLite database's size: writes past it fail with STORE_FULL.
 */
int
store_open_url(
    const char *url, const char *dir, uint64_t max_bytes, char **cause)
{
	const struct store_backend *be;
	char *safe;

	*cause = NULL;
	if ((be = store_backend_for(url)) == NULL) {
		safe = store_url_safe(url);
		xasprintf(cause,
		    "database %s: not \"sqlite\" nor a postgresql:// URL",
		    safe);
		free(safe);
		return -1;
	}
	if (be->open(
	        be == &store_backend_sqlite ? dir : url, max_bytes, cause) != 0)
		return -1;
	store_be = be;
	atomic_store(&store_down_flag, false);
	atomic_store(&store_closing_flag, false);
	store_worker =
	    worker_new("store", 1, STORE_BATCH, store_be->run_batch, NULL);
	return 0;
}

/* Open dir/chatd.db (see store_open_url). */
int
store_open(const char *dir, uint64_t max_bytes, char **cause)
{
	return store_open_url(NULL, dir, max_bytes, cause);
}

/* Finish every queued job, stop the worker and close the database. */
void
store_close(void)
{
	struct worker *w = store_worker;

	if (w == NULL)
		return;
	atomic_store(&store_closing_flag, true);
	/* Callbacks that queue more jobs now see a closed store. */
	store_worker = NULL;
	worker_free(w, NULL);
	store_be->close();
	store_be = NULL;
}

/* Call done once every job queued before has completed. */
void
store_sync(store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_SYNC, arg);

	j->cb.done = done;
	store_submit(j);
}

/* Fold a name under the protocol's case mapping into a new string. */
static char *
store_fold(const char *name)
{
	size_t len = strlen(name) + 1;
	char *f = xmalloc(len);

	chat_casefold(f, name, len);
	return f;
}

/* A copy of a string or NULL. */
static char *
store_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Call cb for every account (start-up only). */
int
store_account_load(void (*cb)(const struct store_account *, void *), void *arg)
{
	return store_be != NULL ? store_be->account_load(cb, arg) : -1;
}

/* Add an account; STORE_EXISTS if the name (any case) is taken. */
void
store_account_add(const struct store_account *a, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_ACCOUNT_ADD, arg);

	j->cb.done = done;
	j->u.account.fold = store_fold(a->name);
	j->u.account.name = xstrdup(a->name);
	j->u.account.email = store_dup(a->email);
	j->u.account.hash = xstrdup(a->hash);
	j->u.account.created = a->created;
	j->u.account.last_seen = a->last_seen;
	store_submit(j);
}

/* Replace an account's password hash. */
void
store_account_set_hash(
    const char *name, const char *hash, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_ACCOUNT_SET_HASH, arg);

	j->cb.done = done;
	j->u.account.fold = store_fold(name);
	j->u.account.hash = xstrdup(hash);
	store_submit(j);
}

/*
 * Delete an account, its offline messages, its private history and, if
 * kv_ns is not NULL, the key-value row (kv_ns, kv_key) holding what
 * another feature keeps for it; STORE_NOTFOUND if there is no such
 * account.
 */
void
store_account_delete(const char *name, const char *kv_ns, const char *kv_key,
    store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_ACCOUNT_DELETE, arg);

	j->cb.done = done;
	j->u.account_delete.fold = store_fold(name);
	if (kv_ns != NULL) {
		j->u.account_delete.kv_ns = xstrdup(kv_ns);
		j->u.account_delete.kv_key = xstrdup(kv_key);
	}
	store_submit(j);
}

/* Record when an account was last seen (no callback). */
void
store_account_seen(const char *name, int64_t when)
{
	struct store_job *j = store_job_new(STORE_OP_ACCOUNT_SEEN, NULL);

	j->u.account.fold = store_fold(name);
	j->u.account.last_seen = when;
	store_submit(j);
}

/* A job adding a message (target folded). */
static struct store_job *
store_job_msg(enum store_op op, const struct store_msg *m, void *arg)
{
	struct store_job *j = store_job_new(op, arg);

	j->u.msg.target = store_fold(m->target);
	j->u.msg.msgid = store_dup(m->msgid);
	j->u.msg.source = xstrdup(m->source);
	j->u.msg.account = store_dup(m->account);
	j->u.msg.command = xstrdup(m->command);
	j->u.msg.text = xstrdup(m->text);
	j->u.msg.time_ms = m->time_ms;
	return j;
}

/* Store a private message for an account that is offline. */
void
store_offline_add(const struct store_msg *m, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_msg(STORE_OP_OFFLINE_ADD, m, arg);

	j->cb.done = done;
	store_submit(j);
}

/* Call cb with the number of offline messages of each account (start-up). */
int
store_offline_count(
    void (*cb)(const char *account, size_t n, void *), void *arg)
{
	return store_be != NULL ? store_be->offline_count(cb, arg) : -1;
}

/*
 * Fetch up to max offline messages for an account, oldest first. A
 * backend shared by several processes takes them (deletes them as it
 * reads), so two logins never both get one; store_offline_delete is then
 * a no-op.
 */
void
store_offline_fetch(
    const char *account, size_t max, store_msgs_cb cb, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_OFFLINE_FETCH, arg);

	j->cb.msgs = cb;
	j->u.offline.fold = store_fold(account);
	j->u.offline.max = (int64_t)max;
	store_submit(j);
}

/*
 * Whether store_offline_fetch takes the messages it returns: then what a
 * caller cannot deliver it must store again.
 */
bool
store_offline_taken(void)
{
	return store_be != NULL && store_be->fetch_takes;
}

/* Delete an account's offline messages up to and including upto_id. */
void
store_offline_delete(
    const char *account, int64_t upto_id, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_OFFLINE_DELETE, arg);

	j->cb.done = done;
	j->u.offline.fold = store_fold(account);
	j->u.offline.upto_id = upto_id;
	store_submit(j);
}

/* Record a message in the history; done (if not NULL) once committed. */
void
store_history_add(const struct store_msg *m, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_msg(STORE_OP_HISTORY_ADD, m, arg);

	j->cb.done = done;
	store_submit(j);
}

/* Append an empty message to a job's results (a backend fills it in). */
struct store_msg *
store_job_add_msg(struct store_job *j)
{
	struct store_msg *m;

	j->msgs = xrealloc(j->msgs, (j->nmsgs + 1) * sizeof *j->msgs);
	m = &j->msgs[j->nmsgs++];
	memset(m, 0, sizeof *m);
	return m;
}

/* Reverse a job's results from first on (a query read newest first). */
void
store_job_reverse(struct store_job *j, size_t first)
{
	struct store_msg tmp;
	size_t a, b;

	if (j->nmsgs <= first)
		return;
	for (a = first, b = j->nmsgs - 1; a < b; a++, b--) {
		tmp = j->msgs[a];
		j->msgs[a] = j->msgs[b];
		j->msgs[b] = tmp;
	}
}

/*
 * A CHATHISTORY-style query on a backend's two primitives: where a
 * reference is, and the messages strictly between two positions, from
 * one end. Results oldest first.
 */
int
store_hq_run(struct store_job *j, const struct store_hq_ops *ops)
{
	struct store_job_hq *q = &j->u.hq;
	int64_t limit = q->limit, at, ai, bt, bi, tmp;
	int err;

	switch (q->kind) {
	case STORE_HQ_LATEST:
		if ((err = ops->pos(j, q->a_msgid, q->a_ms, true, &at, &ai)) !=
		    STORE_OK)
			return err;
		return ops->range(j, at, ai, INT64_MAX, INT64_MAX, true, limit);
	case STORE_HQ_BEFORE:
		if ((err = ops->pos(j, q->a_msgid, q->a_ms, false, &at, &ai)) !=
		    STORE_OK)
			return err;
		return ops->range(j, -1, INT64_MAX, at, ai, true, limit);
	case STORE_HQ_AFTER:
		if ((err = ops->pos(j, q->a_msgid, q->a_ms, true, &at, &ai)) !=
		    STORE_OK)
			return err;
		return ops->range(
		    j, at, ai, INT64_MAX, INT64_MAX, false, limit);
	case STORE_HQ_AROUND:
		if ((err = ops->pos(j, q->a_msgid, q->a_ms, false, &at, &ai)) !=
		    STORE_OK)
			return err;
		if ((err = ops->range(j, -1, INT64_MAX, at, ai, true,
		         limit / 2)) != STORE_OK)
			return err;
		/* The reference itself and what follows. */
		return ops->range(j, at, ai - 1, INT64_MAX, INT64_MAX, false,
		    limit - (int64_t)j->nmsgs);
	case STORE_HQ_BETWEEN:
		if ((err = ops->pos(j, q->a_msgid, q->a_ms, true, &at, &ai)) !=
		    STORE_OK)
			return err;
		if ((err = ops->pos(j, q->b_msgid, q->b_ms, false, &bt, &bi)) !=
		    STORE_OK)
			return err;
		if (at < bt || (at == bt && ai < bi))
			return ops->range(j, at, ai, bt, bi, false, limit);
		/* Reversed: count from the first reference, backwards. */
		if (q->a_msgid == NULL)
			ai = 0;
		if (q->b_msgid == NULL)
			bi = INT64_MAX;
		tmp = at;
		at = bt;
		bt = tmp;
		tmp = ai;
		ai = bi;
		bi = tmp;
		return ops->range(j, at, ai, bt, bi, true, limit);
	}
	return STORE_IO;
}

/* Query a target's history; see enum store_hq_kind. */
void
store_history_query(const char *target, enum store_hq_kind kind,
    const struct store_ref *a, const struct store_ref *b, size_t limit,
    store_msgs_cb cb, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_QUERY, arg);

	j->cb.msgs = cb;
	j->u.hq.fold = store_fold(target);
	j->u.hq.kind = kind;
	j->u.hq.limit = (int64_t)limit;
	j->u.hq.a_ms = -1;
	if (a != NULL) {
		j->u.hq.a_msgid = store_dup(a->msgid);
		j->u.hq.a_ms = a->time_ms;
	}
	if (b != NULL) {
		j->u.hq.b_msgid = store_dup(b->msgid);
		j->u.hq.b_ms = b->time_ms;
	}
	store_submit(j);
}

/* Add a found target to a TARGETS job, keeping them ordered by time. */
void
store_targets_found(struct store_job *j, char *target, int64_t t)
{
	size_t k, n = j->ntargets;

	j->targets = xrealloc(j->targets, (n + 2) * sizeof *j->targets);
	j->times = xrealloc(j->times, (n + 2) * sizeof *j->times);
	for (k = n; k > 0 && j->times[k - 1] > t; k--) {
		j->targets[k] = j->targets[k - 1];
		j->times[k] = j->times[k - 1];
	}
	j->targets[k] = target;
	j->times[k] = t;
	j->targets[++j->ntargets] = NULL;
}

/* Keep the most recent targets, if there are more than asked for. */
void
store_targets_trim(struct store_job *j)
{
	size_t i, max = (size_t)j->u.tq.limit, n = j->ntargets;

	if (n <= max)
		return;
	for (i = 0; i < n - max; i++)
		free(j->targets[i]);
	memmove(j->targets, j->targets + i, (max + 1) * sizeof *j->targets);
	memmove(j->times, j->times + i, max * sizeof *j->times);
	j->ntargets = max;
}

/*
 * Which channels (of targets) and which private conversations of account
 * (folded; NULL for none) have messages between two times, oldest first,
 * at most limit of the most recent.
 */
void
store_history_targets(const char *const *targets, size_t ntargets,
    const char *account, int64_t from_ms, int64_t to_ms, size_t limit,
    store_targets_cb cb, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_TARGETS, arg);
	size_t i;

	j->cb.targets = cb;
	j->u.tq.names = xcalloc(ntargets + 1, sizeof *j->u.tq.names);
	for (i = 0; i < ntargets; i++)
		j->u.tq.names[i] = xstrdup(targets[i]);
	j->u.tq.nnames = ntargets;
	j->u.tq.account = account != NULL ? store_fold(account) : NULL;
	j->u.tq.from_ms = from_ms;
	j->u.tq.to_ms = to_ms;
	j->u.tq.limit = (int64_t)limit;
	store_submit(j);
}

/* Remember that accounts a and b talked privately at time_ms (TARGETS). */
void
store_private_seen(const char *a, const char *b, int64_t time_ms)
{
	struct store_job *j = store_job_new(STORE_OP_PRIVATE_SEEN, NULL);

	j->u.peer.a = store_fold(a);
	j->u.peer.b = store_fold(b);
	j->u.peer.time_ms = time_ms;
	store_submit(j);
}

/* Forget history older than before_ms (no callback). */
void
store_history_expire(int64_t before_ms)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_EXPIRE, NULL);

	j->u.expire_before_ms = before_ms;
	store_submit(j);
}

/* The message msgid of target's history (STORE_NOTFOUND if none). */
void
store_history_get(
    const char *target, const char *msgid, store_msgs_cb cb, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_GET, arg);

	j->cb.msgs = cb;
	j->u.hq.fold = store_fold(target);
	j->u.hq.a_msgid = xstrdup(msgid);
	store_submit(j);
}

/* Forget the message msgid of target's history (redacted). */
void
store_history_delete(
    const char *target, const char *msgid, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_DELETE, arg);

	j->cb.done = done;
	j->u.hq.fold = store_fold(target);
	j->u.hq.a_msgid = xstrdup(msgid);
	store_submit(j);
}

/* File a channel's history under its new name (RENAME). */
void
store_history_rename(
    const char *from, const char *to, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_HISTORY_RENAME, arg);

	j->cb.done = done;
	j->u.peer.a = store_fold(from);
	j->u.peer.b = store_fold(to);
	store_submit(j);
}

/* Call cb for every persistent channel (start-up only). */
int
store_channel_load(void (*cb)(const struct store_channel *, void *), void *arg)
{
	return store_be != NULL ? store_be->channel_load(cb, arg) : -1;
}

/* Save a persistent channel's settings (replacing what was there). */
void
store_channel_put(const struct store_channel *c, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_CHANNEL_PUT, arg);
	struct store_job_channel *r = &j->u.channel;

	j->cb.done = done;
	r->fold = store_fold(c->name);
	r->name = xstrdup(c->name);
	r->owner = xstrdup(c->owner);
	r->modes = c->modes;
	r->key = store_dup(c->key);
	r->limit = c->limit;
	r->topic = store_dup(c->topic);
	r->topic_setter = store_dup(c->topic_setter);
	r->topic_time = c->topic_time;
	r->created = c->created;
	r->admins = xstrdup(c->admins != NULL ? c->admins : "");
	r->bans = xstrdup(c->bans != NULL ? c->bans : "");
	r->invites = xstrdup(c->invites != NULL ? c->invites : "");
	store_submit(j);
}

/* Forget a persistent channel. */
void
store_channel_delete(const char *name, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_CHANNEL_DELETE, arg);

	j->cb.done = done;
	j->u.channel.fold = store_fold(name);
	store_submit(j);
}

/* Set ns/key to a value (any bytes; len may be 0). */
void
store_kv_put(const char *ns, const char *key, const void *value, size_t len,
    store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_KV_PUT, arg);

	j->cb.done = done;
	j->u.kv.ns = xstrdup(ns);
	j->u.kv.key = xstrdup(key);
	j->u.kv.value = xmalloc(len + 1);
	memcpy(j->u.kv.value, value, len);
	j->u.kv.len = len;
	store_submit(j);
}

/* Get ns/key; the value is NUL-terminated for convenience. */
void
store_kv_get(const char *ns, const char *key, store_kv_cb cb, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_KV_GET, arg);

	j->cb.kv = cb;
	j->u.kv.ns = xstrdup(ns);
	j->u.kv.key = xstrdup(key);
	store_submit(j);
}

/* Delete ns/key (not an error if absent). */
void
store_kv_delete(const char *ns, const char *key, store_done_cb done, void *arg)
{
	struct store_job *j = store_job_new(STORE_OP_KV_DELETE, arg);

	j->cb.done = done;
	j->u.kv.ns = xstrdup(ns);
	j->u.kv.key = xstrdup(key);
	store_submit(j);
}

/* Call cb for every pair in a namespace (start-up only). */
int
store_kv_load(const char *ns,
    void (*cb)(const char *key, const void *value, size_t len, void *),
    void *arg)
{
	return store_be != NULL ? store_be->kv_load(ns, cb, arg) : -1;
}
