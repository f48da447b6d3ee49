/*
 * The store over embedded SQLite (see store.h for the interface).
 *
 * One database file, chatd.db in the data directory, in WAL mode so a
 * crash never leaves it inconsistent and readers never wait for the
 * writer. synchronous=FULL: in WAL mode that fsyncs the log at every
 * commit, which is what lets a reply sent after the commit promise the
 * data survives a crash or a power cut (NORMAL survives a crash of chatd
 * but may lose the last commits on power loss). The cost of that fsync is
 * shared: the worker takes every job waiting in the queue and runs the
 * writes among them in one transaction, each inside a savepoint so one
 * failing job does not undo the others.
 *
 * Threads: one serial worker queue (worker.c) owns the database while
 * chatd runs; it hands the store batches of jobs and their callbacks run
 * on the loop in the order the jobs were queued. The schema is versioned with
 * PRAGMA user_version and brought up to date by store_open.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "chatd.h"
#include "store.h"

#define STORE_BATCH 256    /* jobs per transaction at most */
#define STORE_BUSY_MS 2000 /* wait for a lock held by another process */

struct store_job;
typedef int (*store_run_fn)(struct store_job *);
typedef void (*store_finish_fn)(struct store_job *);

/* A queued operation: arguments, results, and what to call when done. */
struct store_job {
	struct worker_job wj;
	store_run_fn run;
	store_finish_fn finish;
	bool write;
	int err;
	char *s[8];
	int64_t n[6];
	void *blob;
	size_t bloblen;
	struct store_msg *msgs; /* results */
	size_t nmsgs;
	char **targets;
	int64_t *times;
	size_t ntargets;
	union {
		store_done_cb done;
		store_msgs_cb msgs;
		store_kv_cb kv;
		store_targets_cb targets;
	} cb;
	void *arg;
};
#define STORE_JOB(wj) WORKER_JOB(wj, struct store_job, wj)

static sqlite3 *store_db;
static struct worker *store_worker;

/* The schema, one entry per version; never edit a released entry. */
static const char *const store_migrations[] = {
	/* 1: accounts, offline messages, history, channels, key-value. */
	"CREATE TABLE account ("
	"  fold TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT,"
	"  hash TEXT NOT NULL, created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE offline ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
	"  time_ms INTEGER NOT NULL, msgid TEXT, source TEXT NOT NULL,"
	"  account TEXT, command TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX offline_target ON offline (target, id);"
	"CREATE TABLE history ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
	"  time_ms INTEGER NOT NULL, msgid TEXT, source TEXT NOT NULL,"
	"  account TEXT, command TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX history_target ON history (target, time_ms, id);"
	"CREATE INDEX history_msgid ON history (msgid);"
	"CREATE TABLE channel ("
	"  fold TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL,"
	"  modes INTEGER NOT NULL, key TEXT, lim INTEGER NOT NULL,"
	"  topic TEXT, topic_setter TEXT, topic_time INTEGER NOT NULL,"
	"  created INTEGER NOT NULL, admins TEXT NOT NULL,"
	"  bans TEXT NOT NULL, invites TEXT NOT NULL);"
	"CREATE TABLE kv ("
	"  ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
	"  PRIMARY KEY (ns, key));",
	/* 2: whom each account has private history with (TARGETS). */
	"CREATE TABLE private_peer ("
	"  account TEXT NOT NULL, peer TEXT NOT NULL,"
	"  last_ms INTEGER NOT NULL, PRIMARY KEY (account, peer));",
};
#define STORE_VERSION \
	((int)(sizeof store_migrations / sizeof store_migrations[0]))

/* Map an SQLite result code to a STORE_* error. */
static int
store_map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_CONSTRAINT:
		return STORE_EXISTS;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	default:
		return STORE_IO;
	}
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
	default:
		return "database error";
	}
}

/* Run SQL without results; log failures. */
static int
store_exec(const char *sql)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(store_db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_warn("store: %s: %s", sql,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
	}
	return rc;
}

/* Prepare a statement; NULL (logged) on failure. */
static sqlite3_stmt *
store_prepare(const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store_db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warn("store: prepare: %s", sqlite3_errmsg(store_db));
		return NULL;
	}
	return st;
}

/* Bind a string or NULL. */
static void
store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Step a statement that returns no rows and finalize it. */
static int
store_step_done(sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return STORE_IO;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warn("store: step: %s", sqlite3_errstr(rc));
		return store_map(rc);
	}
	return STORE_OK;
}

/* A copy of a column as a string, or NULL. */
static char *
store_col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Free a job and everything it owns. */
static void
store_job_free(struct store_job *j)
{
	size_t i;

	for (i = 0; i < sizeof j->s / sizeof j->s[0]; i++)
		free(j->s[i]);
	free(j->blob);
	for (i = 0; i < j->nmsgs; i++) {
		free((char *)j->msgs[i].target);
		free((char *)j->msgs[i].msgid);
		free((char *)j->msgs[i].source);
		free((char *)j->msgs[i].account);
		free((char *)j->msgs[i].command);
		free((char *)j->msgs[i].text);
	}
	free(j->msgs);
	for (i = 0; i < j->ntargets; i++)
		free(j->targets[i]);
	free(j->targets);
	free(j->times);
	free(j);
}

/* Mark the writes from first up to (not including) last as failed. */
static void
store_fail_since(struct store_job *first, struct store_job *last, int err)
{
	struct worker_job *wj;
	struct store_job *j;

	for (wj = &first->wj; wj != NULL && (last == NULL || wj != &last->wj);
	     wj = TAILQ_NEXT(wj, entry)) {
		j = STORE_JOB(wj);
		if (j->write && j->err == STORE_OK)
			j->err = err;
	}
}

/*
 * Run a batch of jobs, the writes in one transaction, each in a savepoint
 * so a failing job is undone alone. After some errors (a full disk, an
 * I/O error) SQLite rolls the whole transaction back by itself: then the
 * writes before it are lost too and are reported failed, and the rest of
 * the batch goes on in a new transaction.
 */
static void
store_run_batch(struct worker_jobs *batch, void *arg UNUSED)
{
	struct store_job *j, *first = NULL;
	struct worker_job *wj;
	int rc, err;

	TAILQ_FOREACH(wj, batch, entry) {
		j = STORE_JOB(wj);
		if (!j->write) {
			j->err = j->run(j);
			continue;
		}
		if (first == NULL) {
			if ((rc = store_exec("BEGIN IMMEDIATE")) != SQLITE_OK) {
				j->err = store_map(rc);
				continue;
			}
			first = j;
		}
		if ((rc = store_exec("SAVEPOINT job")) != SQLITE_OK) {
			j->err = store_map(rc);
			continue;
		}
		if ((j->err = j->run(j)) == STORE_OK) {
			store_exec("RELEASE job");
			continue;
		}
		if (sqlite3_get_autocommit(store_db)) {
			/* SQLite rolled the transaction back. */
			store_fail_since(first, j, j->err);
			first = NULL;
			continue;
		}
		store_exec("ROLLBACK TO job");
		store_exec("RELEASE job");
	}
	if (first == NULL)
		return;
	if ((rc = store_exec("COMMIT")) != SQLITE_OK) {
		err = store_map(rc);
		if (!sqlite3_get_autocommit(store_db))
			store_exec("ROLLBACK");
		store_fail_since(first, NULL, err != STORE_OK ? err : STORE_IO);
	}
}

/*
 * Whether the last write failed for want of room (store-max-size or the
 * disk): writers without a callback (history) tell their sender by it.
 */
static bool store_full_now;

/* Whether the store is full, as far as the last write knows. */
bool
store_full(void)
{
	return store_full_now;
}

/* A job came back from the worker: its callback, on the loop. */
static void
store_job_done(struct worker_job *wj)
{
	struct store_job *j = STORE_JOB(wj);

	if (j->write && j->err == STORE_FULL)
		store_full_now = true;
	else if (j->write && j->err == STORE_OK)
		store_full_now = false;
	if (j->finish != NULL)
		j->finish(j);
	store_job_free(j);
}

/* Queue a job for the worker. */
static void
store_submit(struct store_job *j)
{
	if (store_worker == NULL) {
		/* Closed (or never opened): fail at once, on the loop. */
		j->err = STORE_IO;
		store_job_done(&j->wj);
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

/* A new job. */
static struct store_job *
store_job_new(store_run_fn run, store_finish_fn finish, bool write, void *arg)
{
	struct store_job *j = xcalloc(1, sizeof *j);

	j->wj.done = store_job_done;
	j->run = run;
	j->finish = finish;
	j->write = write;
	j->arg = arg;
	return j;
}

/* Finish: call a store_done_cb. */
static void
store_finish_done(struct store_job *j)
{
	if (j->cb.done != NULL)
		j->cb.done(j->err, j->arg);
}

/* Finish: call a store_msgs_cb. */
static void
store_finish_msgs(struct store_job *j)
{
	if (j->cb.msgs != NULL)
		j->cb.msgs(j->err, j->msgs, j->nmsgs, j->arg);
}

/* Bring the schema up to date, one transaction per version. */
static int
store_migrate(char **cause)
{
	sqlite3_stmt *st;
	char sql[64];
	int version = 0;

	if ((st = store_prepare("PRAGMA user_version")) == NULL) {
		xasprintf(cause, "reading the schema version failed");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STORE_VERSION) {
		xasprintf(cause,
		    "database schema %d is newer than this chatd "
		    "(%d)",
		    version, STORE_VERSION);
		return -1;
	}
	for (; version < STORE_VERSION; version++) {
		snprintf(
		    sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		if (store_exec("BEGIN IMMEDIATE") != SQLITE_OK)
			goto fail;
		if (store_exec(store_migrations[version]) != SQLITE_OK ||
		    store_exec(sql) != SQLITE_OK) {
			store_exec("ROLLBACK");
			goto fail;
		}
		if (store_exec("COMMIT") != SQLITE_OK) {
			store_exec("ROLLBACK");
			goto fail;
		}
		log_info("store: schema migrated to version %d", version + 1);
	}
	return 0;
fail:
	xasprintf(cause, "migrating the schema to version %d failed: %s",
	    version + 1, sqlite3_errmsg(store_db));
	return -1;
}

/*
 * Open (creating if needed) dir/chatd.db and start the worker. A non-zero
 * max_bytes caps the database's size: writes past it fail with STORE_FULL,
 * as they would on a full disk.
 */
int
store_open(const char *dir, uint64_t max_bytes, char **cause)
{
	char *path, sql[64];
	sqlite3_stmt *st;
	int64_t page = 4096;
	int rc;

	xasprintf(&path, "%s/chatd.db", dir);
	rc = sqlite3_open_v2(path, &store_db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    store_db != NULL ? sqlite3_errmsg(store_db)
		                     : sqlite3_errstr(rc));
		sqlite3_close(store_db);
		store_db = NULL;
		free(path);
		return -1;
	}
	sqlite3_busy_timeout(store_db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(store_db, 1);
	if (store_exec("PRAGMA journal_mode = WAL") != SQLITE_OK ||
	    store_exec("PRAGMA synchronous = FULL") != SQLITE_OK ||
	    store_exec("PRAGMA foreign_keys = ON") != SQLITE_OK ||
	    store_migrate(cause) != 0) {
		if (*cause == NULL)
			xasprintf(
			    cause, "%s: %s", path, sqlite3_errmsg(store_db));
		sqlite3_close(store_db);
		store_db = NULL;
		free(path);
		return -1;
	}
	free(path);
	if (max_bytes > 0 && (st = store_prepare("PRAGMA page_size")) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			page = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu",
		    (unsigned long long)(max_bytes / (uint64_t)page + 1));
		store_exec(sql);
	}
	store_worker =
	    worker_new("store", 1, STORE_BATCH, store_run_batch, NULL);
	return 0;
}

/* Finish every queued job, stop the worker and close the database. */
void
store_close(void)
{
	struct worker *w = store_worker;

	if (w == NULL)
		return;
	/* Callbacks that queue more jobs now see a closed store. */
	store_worker = NULL;
	worker_free(w, NULL);
	sqlite3_close(store_db);
	store_db = NULL;
}

/* Worker: nothing (a barrier: its callback runs after earlier jobs). */
static int
store_run_sync(struct store_job *j UNUSED)
{
	return STORE_OK;
}

/* Call done once every job queued before has completed. */
void
store_sync(store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_sync, store_finish_done, false, arg);
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

/* Call cb for every account (start-up only). */
int
store_account_load(void (*cb)(const struct store_account *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct store_account a;
	int rc;

	st = store_prepare("SELECT name, email, hash, created, last_seen "
	                   "FROM account");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.name = (const char *)sqlite3_column_text(st, 0);
		a.email = (const char *)sqlite3_column_text(st, 1);
		a.hash = (const char *)sqlite3_column_text(st, 2);
		a.created = sqlite3_column_int64(st, 3);
		a.last_seen = sqlite3_column_int64(st, 4);
		if (a.name != NULL && a.hash != NULL)
			cb(&a, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Worker: insert an account. */
static int
store_run_account_add(struct store_job *j)
{
	sqlite3_stmt *st;

	st = store_prepare("INSERT INTO account (fold, name, email, hash, "
	                   "created, last_seen) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	store_bind_text(st, 2, j->s[1]);
	store_bind_text(st, 3, j->s[2]);
	store_bind_text(st, 4, j->s[3]);
	sqlite3_bind_int64(st, 5, j->n[0]);
	sqlite3_bind_int64(st, 6, j->n[1]);
	return store_step_done(st);
}

/* Add an account; STORE_EXISTS if the name (any case) is taken. */
void
store_account_add(const struct store_account *a, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_account_add, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(a->name);
	j->s[1] = xstrdup(a->name);
	j->s[2] = a->email != NULL ? xstrdup(a->email) : NULL;
	j->s[3] = xstrdup(a->hash);
	j->n[0] = a->created;
	j->n[1] = a->last_seen;
	store_submit(j);
}

/* Worker: update one account column given by j->s[2]'s statement. */
static int
store_run_account_update(struct store_job *j)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(j->s[2])) == NULL)
		return STORE_IO;
	if (j->s[1] != NULL)
		store_bind_text(st, 1, j->s[1]);
	else
		sqlite3_bind_int64(st, 1, j->n[0]);
	store_bind_text(st, 2, j->s[0]);
	if ((rc = store_step_done(st)) != STORE_OK)
		return rc;
	return sqlite3_changes(store_db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Replace an account's password hash. */
void
store_account_set_hash(
    const char *name, const char *hash, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(
	    store_run_account_update, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(name);
	j->s[1] = xstrdup(hash);
	j->s[2] = xstrdup("UPDATE account SET hash = ? WHERE fold = ?");
	store_submit(j);
}

/* Worker: run a statement with one or two strings bound. */
static int
store_delete_step(const char *sql, const char *fold, const char *key)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(sql)) == NULL)
		return STORE_IO;
	store_bind_text(st, 1, fold);
	if (key != NULL)
		store_bind_text(st, 2, key);
	return store_step_done(st);
}

/*
 * Worker: delete an account and what is kept for it. One job, hence one
 * savepoint of one transaction: either all of it goes or none. Private
 * history keys are "@a@b" with both names folded, and a nick holds no
 * "@", so the account is the first part or the last one.
 */
static int
store_run_account_delete(struct store_job *j)
{
	static const char *const sql[] = {
		"DELETE FROM offline WHERE target = ?1",
		"DELETE FROM history WHERE substr(target, 1, 1) = '@' AND "
		"(substr(target, 1, length(?1) + 2) = '@' || ?1 || '@' OR "
		"substr(target, -length(?1) - 1) = '@' || ?1)",
		"DELETE FROM private_peer WHERE account = ?1 OR peer = ?1",
	};
	size_t i;
	int err;

	if ((err = store_delete_step("DELETE FROM account WHERE fold = ?1",
	         j->s[0], NULL)) != STORE_OK)
		return err;
	if (sqlite3_changes(store_db) == 0)
		return STORE_NOTFOUND;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if ((err = store_delete_step(sql[i], j->s[0], NULL)) !=
		    STORE_OK)
			return err;
	}
	if (j->s[1] == NULL)
		return STORE_OK;
	return store_delete_step(
	    "DELETE FROM kv WHERE ns = ?1 AND key = ?2", j->s[1], j->s[2]);
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
	struct store_job *j;

	j = store_job_new(
	    store_run_account_delete, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(name);
	if (kv_ns != NULL) {
		j->s[1] = xstrdup(kv_ns);
		j->s[2] = xstrdup(kv_key);
	}
	store_submit(j);
}

/* Record when an account was last seen (no callback). */
void
store_account_seen(const char *name, int64_t when)
{
	struct store_job *j;

	j = store_job_new(store_run_account_update, NULL, true, NULL);
	j->s[0] = store_fold(name);
	j->n[0] = when;
	j->s[2] = xstrdup("UPDATE account SET last_seen = ? WHERE fold = ?");
	store_submit(j);
}

/* Copy a message's strings into job slots 0..6 (target folded). */
static void
store_job_msg(struct store_job *j, const struct store_msg *m)
{
	j->s[0] = store_fold(m->target);
	j->s[1] = m->msgid != NULL ? xstrdup(m->msgid) : NULL;
	j->s[2] = xstrdup(m->source);
	j->s[3] = m->account != NULL ? xstrdup(m->account) : NULL;
	j->s[4] = xstrdup(m->command);
	j->s[5] = xstrdup(m->text);
	j->n[0] = m->time_ms;
}

/* Worker: insert a message into the table named by j->s[6]. */
static int
store_run_msg_add(struct store_job *j)
{
	sqlite3_stmt *st;
	char sql[160];

	snprintf(sql, sizeof sql,
	    "INSERT INTO %s (target, time_ms, msgid, "
	    "source, account, command, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    j->s[6]);
	if ((st = store_prepare(sql)) == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	sqlite3_bind_int64(st, 2, j->n[0]);
	store_bind_text(st, 3, j->s[1]);
	store_bind_text(st, 4, j->s[2]);
	store_bind_text(st, 5, j->s[3]);
	store_bind_text(st, 6, j->s[4]);
	store_bind_text(st, 7, j->s[5]);
	return store_step_done(st);
}

/* Store a private message for an account that is offline. */
void
store_offline_add(const struct store_msg *m, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_msg_add, store_finish_done, true, arg);
	j->cb.done = done;
	store_job_msg(j, m);
	j->s[6] = xstrdup("offline");
	store_submit(j);
}

/* Append a row of a message query to j->msgs. */
static void
store_row_msg(struct store_job *j, sqlite3_stmt *st)
{
	struct store_msg *m;

	j->msgs = xrealloc(j->msgs, (j->nmsgs + 1) * sizeof *j->msgs);
	m = &j->msgs[j->nmsgs++];
	m->id = sqlite3_column_int64(st, 0);
	m->time_ms = sqlite3_column_int64(st, 1);
	m->target = store_col_str(st, 2);
	m->msgid = store_col_str(st, 3);
	m->source = store_col_str(st, 4);
	m->account = store_col_str(st, 5);
	m->command = store_col_str(st, 6);
	m->text = store_col_str(st, 7);
	if (m->source == NULL)
		m->source = xstrdup("*");
	if (m->command == NULL)
		m->command = xstrdup("PRIVMSG");
	if (m->text == NULL)
		m->text = xstrdup("");
}

/* Step a message query, collecting rows (reversed if asked). */
static int
store_collect(struct store_job *j, sqlite3_stmt *st, bool reverse)
{
	struct store_msg tmp;
	size_t first = j->nmsgs, a, b;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		store_row_msg(j, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_map(rc);
	if (reverse && j->nmsgs > first) {
		for (a = first, b = j->nmsgs - 1; a < b; a++, b--) {
			tmp = j->msgs[a];
			j->msgs[a] = j->msgs[b];
			j->msgs[b] = tmp;
		}
	}
	return STORE_OK;
}

#define STORE_MSG_COLS                                  \
	"id, time_ms, target, msgid, source, account, " \
	"command, text"

/* Call cb with the number of offline messages of each account (start-up). */
int
store_offline_count(
    void (*cb)(const char *account, size_t n, void *), void *arg)
{
	sqlite3_stmt *st;
	const char *t;
	int rc;

	st = store_prepare("SELECT target, count(*) FROM offline "
	                   "GROUP BY target");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((t = (const char *)sqlite3_column_text(st, 0)) != NULL)
			cb(t, (size_t)sqlite3_column_int64(st, 1), arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Worker: the oldest offline messages for an account. */
static int
store_run_offline_fetch(struct store_job *j)
{
	sqlite3_stmt *st;

	st = store_prepare("SELECT " STORE_MSG_COLS " FROM offline "
	                   "WHERE target = ? ORDER BY id LIMIT ?");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	sqlite3_bind_int64(st, 2, j->n[0]);
	return store_collect(j, st, false);
}

/* Fetch up to max offline messages for an account, oldest first. */
void
store_offline_fetch(
    const char *account, size_t max, store_msgs_cb cb, void *arg)
{
	struct store_job *j;

	j = store_job_new(
	    store_run_offline_fetch, store_finish_msgs, false, arg);
	j->cb.msgs = cb;
	j->s[0] = store_fold(account);
	j->n[0] = (int64_t)max;
	store_submit(j);
}

/* Worker: delete delivered offline messages. */
static int
store_run_offline_delete(struct store_job *j)
{
	sqlite3_stmt *st;

	st = store_prepare("DELETE FROM offline WHERE target = ? AND id <= ?");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	sqlite3_bind_int64(st, 2, j->n[0]);
	return store_step_done(st);
}

/* Delete an account's offline messages up to and including upto_id. */
void
store_offline_delete(
    const char *account, int64_t upto_id, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(
	    store_run_offline_delete, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(account);
	j->n[0] = upto_id;
	store_submit(j);
}

/* Record a message in the history; done (if not NULL) once committed. */
void
store_history_add(const struct store_msg *m, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_msg_add,
	    done != NULL ? store_finish_done : NULL, true, arg);
	j->cb.done = done;
	store_job_msg(j, m);
	j->s[6] = xstrdup("history");
	store_submit(j);
}

/*
 * Worker: turn a reference into a position (time, id) in the history.
 * A time reference used as a lower bound sorts after every message of
 * that millisecond (id INT64_MAX), as an upper bound before them (0).
 */
static int
store_history_pos(struct store_job *j, const char *msgid, int64_t t, bool lower,
    int64_t *pt, int64_t *pid)
{
	sqlite3_stmt *st;
	int rc;

	if (msgid == NULL) {
		*pt = t;
		*pid = lower ? INT64_MAX : 0;
		return STORE_OK;
	}
	st = store_prepare("SELECT time_ms, id FROM history "
	                   "WHERE target = ? AND msgid = ?");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	store_bind_text(st, 2, msgid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pt = sqlite3_column_int64(st, 0);
		*pid = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_map(rc);
}

/* Worker: messages strictly between two positions, from one end. */
static int
store_history_range(struct store_job *j, int64_t lt, int64_t li, int64_t ut,
    int64_t ui, bool newest, int64_t limit)
{
	sqlite3_stmt *st;

	if (limit <= 0)
		return STORE_OK;
	st = store_prepare(newest
	        ? "SELECT " STORE_MSG_COLS
	          " FROM history WHERE target = ?1 AND "
	          "(time_ms > ?2 OR (time_ms = ?2 AND id > ?3)) AND "
	          "(time_ms < ?4 OR (time_ms = ?4 AND id < ?5)) "
	          "ORDER BY time_ms DESC, id DESC LIMIT ?6"
	        : "SELECT " STORE_MSG_COLS
	          " FROM history WHERE target = ?1 AND "
	          "(time_ms > ?2 OR (time_ms = ?2 AND id > ?3)) AND "
	          "(time_ms < ?4 OR (time_ms = ?4 AND id < ?5)) "
	          "ORDER BY time_ms, id LIMIT ?6");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	sqlite3_bind_int64(st, 2, lt);
	sqlite3_bind_int64(st, 3, li);
	sqlite3_bind_int64(st, 4, ut);
	sqlite3_bind_int64(st, 5, ui);
	sqlite3_bind_int64(st, 6, limit);
	return store_collect(j, st, newest);
}

/* Worker: a CHATHISTORY-style query; results oldest first. */
static int
store_run_history_query(struct store_job *j)
{
	enum store_hq_kind kind = (enum store_hq_kind)j->n[0];
	int64_t limit = j->n[1], at, ai, bt, bi, tmp;
	int err;

	switch (kind) {
	case STORE_HQ_LATEST:
		if ((err = store_history_pos(
		         j, j->s[1], j->n[2], true, &at, &ai)) != STORE_OK)
			return err;
		return store_history_range(
		    j, at, ai, INT64_MAX, INT64_MAX, true, limit);
	case STORE_HQ_BEFORE:
		if ((err = store_history_pos(
		         j, j->s[1], j->n[2], false, &at, &ai)) != STORE_OK)
			return err;
		return store_history_range(
		    j, -1, INT64_MAX, at, ai, true, limit);
	case STORE_HQ_AFTER:
		if ((err = store_history_pos(
		         j, j->s[1], j->n[2], true, &at, &ai)) != STORE_OK)
			return err;
		return store_history_range(
		    j, at, ai, INT64_MAX, INT64_MAX, false, limit);
	case STORE_HQ_AROUND:
		if ((err = store_history_pos(
		         j, j->s[1], j->n[2], false, &at, &ai)) != STORE_OK)
			return err;
		if ((err = store_history_range(j, -1, INT64_MAX, at, ai, true,
		         limit / 2)) != STORE_OK)
			return err;
		/* The reference itself and what follows. */
		return store_history_range(j, at, ai - 1, INT64_MAX, INT64_MAX,
		    false, limit - (int64_t)j->nmsgs);
	case STORE_HQ_BETWEEN:
		if ((err = store_history_pos(
		         j, j->s[1], j->n[2], true, &at, &ai)) != STORE_OK)
			return err;
		if ((err = store_history_pos(
		         j, j->s[2], j->n[3], false, &bt, &bi)) != STORE_OK)
			return err;
		if (at < bt || (at == bt && ai < bi))
			return store_history_range(
			    j, at, ai, bt, bi, false, limit);
		/* Reversed: count from the first reference, backwards. */
		if (j->s[1] == NULL)
			ai = 0;
		if (j->s[2] == NULL)
			bi = INT64_MAX;
		tmp = at;
		at = bt;
		bt = tmp;
		tmp = ai;
		ai = bi;
		bi = tmp;
		return store_history_range(j, at, ai, bt, bi, true, limit);
	}
	return STORE_IO;
}

/* Query a target's history; see enum store_hq_kind. */
void
store_history_query(const char *target, enum store_hq_kind kind,
    const struct store_ref *a, const struct store_ref *b, size_t limit,
    store_msgs_cb cb, void *arg)
{
	struct store_job *j;

	j = store_job_new(
	    store_run_history_query, store_finish_msgs, false, arg);
	j->cb.msgs = cb;
	j->s[0] = store_fold(target);
	j->n[0] = kind;
	j->n[1] = (int64_t)limit;
	j->n[2] = -1;
	if (a != NULL) {
		if (a->msgid != NULL)
			j->s[1] = xstrdup(a->msgid);
		j->n[2] = a->time_ms;
	}
	if (b != NULL) {
		if (b->msgid != NULL)
			j->s[2] = xstrdup(b->msgid);
		j->n[3] = b->time_ms;
	}
	store_submit(j);
}

/* Add a found target to a TARGETS job, keeping them ordered by time. */
static void
store_targets_found(struct store_job *j, size_t *n, char *target, int64_t t)
{
	size_t k;

	j->targets = xrealloc(j->targets, (*n + 2) * sizeof *j->targets);
	j->times = xrealloc(j->times, (*n + 2) * sizeof *j->times);
	for (k = *n; k > 0 && j->times[k - 1] > t; k--) {
		j->targets[k] = j->targets[k - 1];
		j->times[k] = j->times[k - 1];
	}
	j->targets[k] = target;
	j->times[k] = t;
	j->targets[++*n] = NULL;
}

/*
 * Worker: the latest message time of each channel in s (a list of
 * names), and of each private conversation of account s[1], within a
 * window; the job's targets become what was found, oldest first.
 */
static int
store_run_history_targets(struct store_job *j)
{
	sqlite3_stmt *st;
	char **names = j->targets, *fold;
	size_t i, nnames = j->ntargets, n = 0;
	int rc = SQLITE_DONE;

	j->targets = xcalloc(1, sizeof *j->targets);
	j->times = xcalloc(1, sizeof *j->times);
	j->ntargets = 0;
	for (i = 0; i < nnames && rc != SQLITE_ERROR; i++) {
		st = store_prepare("SELECT MAX(time_ms) FROM history "
		                   "WHERE target = ? AND time_ms >= ? AND "
		                   "time_ms <= ?");
		if (st == NULL)
			break;
		fold = store_fold(names[i]);
		sqlite3_bind_text(st, 1, fold, -1, SQLITE_TRANSIENT);
		free(fold);
		sqlite3_bind_int64(st, 2, j->n[0]);
		sqlite3_bind_int64(st, 3, j->n[1]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL) {
			store_targets_found(
			    j, &n, names[i], sqlite3_column_int64(st, 0));
			names[i] = NULL;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			rc = SQLITE_ERROR;
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	j->ntargets = n;
	if (i < nnames || rc == SQLITE_ERROR)
		return STORE_IO;
	if (j->s[1] != NULL) {
		st = store_prepare("SELECT peer, last_ms FROM private_peer "
		                   "WHERE account = ? AND last_ms >= ? AND "
		                   "last_ms <= ?");
		if (st == NULL)
			return STORE_IO;
		store_bind_text(st, 1, j->s[1]);
		sqlite3_bind_int64(st, 2, j->n[0]);
		sqlite3_bind_int64(st, 3, j->n[1]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			store_targets_found(j, &n,
			    xstrdup((const char *)sqlite3_column_text(st, 0)),
			    sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
		j->ntargets = n;
		if (rc != SQLITE_DONE)
			return store_map(rc);
	}
	/* The most recent ones, if there are more than asked for. */
	if (n > (size_t)j->n[2]) {
		for (i = 0; i < n - (size_t)j->n[2]; i++)
			free(j->targets[i]);
		memmove(j->targets, j->targets + i,
		    ((size_t)j->n[2] + 1) * sizeof *j->targets);
		memmove(
		    j->times, j->times + i, (size_t)j->n[2] * sizeof *j->times);
		j->ntargets = n = (size_t)j->n[2];
	}
	j->n[3] = (int64_t)n;
	return STORE_OK;
}

/* Finish: call a store_targets_cb. */
static void
store_finish_targets(struct store_job *j)
{
	if (j->cb.targets != NULL)
		j->cb.targets(j->err, (const char *const *)j->targets, j->times,
		    j->err == STORE_OK ? (size_t)j->n[3] : 0, j->arg);
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
	struct store_job *j;
	size_t i;

	j = store_job_new(
	    store_run_history_targets, store_finish_targets, false, arg);
	j->cb.targets = cb;
	j->targets = xcalloc(ntargets + 1, sizeof *j->targets);
	for (i = 0; i < ntargets; i++)
		j->targets[i] = xstrdup(targets[i]);
	j->ntargets = ntargets;
	j->s[1] = account != NULL ? store_fold(account) : NULL;
	j->n[0] = from_ms;
	j->n[1] = to_ms;
	j->n[2] = (int64_t)limit;
	store_submit(j);
}

/* Worker: note that two accounts exchanged a private message. */
static int
store_run_private_seen(struct store_job *j)
{
	sqlite3_stmt *st;
	int i, err;

	for (i = 0; i < 2; i++) {
		st = store_prepare(
		    "INSERT INTO private_peer VALUES (?, ?, ?) "
		    "ON CONFLICT (account, peer) DO UPDATE "
		    "SET last_ms = MAX(last_ms, excluded.last_ms)");
		if (st == NULL)
			return STORE_IO;
		store_bind_text(st, 1, j->s[i]);
		store_bind_text(st, 2, j->s[1 - i]);
		sqlite3_bind_int64(st, 3, j->n[0]);
		if ((err = store_step_done(st)) != STORE_OK)
			return err;
	}
	return STORE_OK;
}

/* Remember that accounts a and b talked privately at time_ms (TARGETS). */
void
store_private_seen(const char *a, const char *b, int64_t time_ms)
{
	struct store_job *j;

	j = store_job_new(store_run_private_seen, NULL, true, NULL);
	j->s[0] = store_fold(a);
	j->s[1] = store_fold(b);
	j->n[0] = time_ms;
	store_submit(j);
}

/* Worker: delete history older than a time. */
static int
store_run_history_expire(struct store_job *j)
{
	sqlite3_stmt *st;
	int err;

	if ((st = store_prepare("DELETE FROM history WHERE time_ms < ?")) ==
	    NULL)
		return STORE_IO;
	sqlite3_bind_int64(st, 1, j->n[0]);
	if ((err = store_step_done(st)) != STORE_OK)
		return err;
	if ((st = store_prepare(
	         "DELETE FROM private_peer WHERE last_ms < ?")) == NULL)
		return STORE_IO;
	sqlite3_bind_int64(st, 1, j->n[0]);
	return store_step_done(st);
}

/* Forget history older than before_ms (no callback). */
void
store_history_expire(int64_t before_ms)
{
	struct store_job *j;

	j = store_job_new(store_run_history_expire, NULL, true, NULL);
	j->n[0] = before_ms;
	store_submit(j);
}

/* Call cb for every persistent channel (start-up only). */
int
store_channel_load(void (*cb)(const struct store_channel *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct store_channel c;
	int rc;

	st = store_prepare("SELECT name, owner, modes, key, lim, topic, "
	                   "topic_setter, topic_time, created, admins, bans, "
	                   "invites FROM channel");
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.name = (const char *)sqlite3_column_text(st, 0);
		c.owner = (const char *)sqlite3_column_text(st, 1);
		c.modes = sqlite3_column_int(st, 2);
		c.key = (const char *)sqlite3_column_text(st, 3);
		c.limit = (unsigned)sqlite3_column_int(st, 4);
		c.topic = (const char *)sqlite3_column_text(st, 5);
		c.topic_setter = (const char *)sqlite3_column_text(st, 6);
		c.topic_time = sqlite3_column_int64(st, 7);
		c.created = sqlite3_column_int64(st, 8);
		c.admins = (const char *)sqlite3_column_text(st, 9);
		c.bans = (const char *)sqlite3_column_text(st, 10);
		c.invites = (const char *)sqlite3_column_text(st, 11);
		if (c.name != NULL && c.owner != NULL)
			cb(&c, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Worker: insert or replace a channel. */
static int
store_run_channel_put(struct store_job *j)
{
	sqlite3_stmt *st;
	int i;

	st = store_prepare("INSERT OR REPLACE INTO channel (fold, name, "
	                   "owner, modes, key, lim, topic, topic_setter, "
	                   "topic_time, created, admins, bans, invites) "
	                   "VALUES (?1, ?2, ?3, ?9, ?4, ?10, ?5, ?6, ?11, "
	                   "?12, ?7, ?8, ?13)");
	if (st == NULL)
		return STORE_IO;
	for (i = 0; i < 8; i++)
		store_bind_text(st, i + 1, j->s[i]);
	sqlite3_bind_int64(st, 9, j->n[0]);
	sqlite3_bind_int64(st, 10, j->n[1]);
	sqlite3_bind_int64(st, 11, j->n[2]);
	sqlite3_bind_int64(st, 12, j->n[3]);
	store_bind_text(st, 13, j->blob);
	return store_step_done(st);
}

/* Save a persistent channel's settings (replacing what was there). */
void
store_channel_put(const struct store_channel *c, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_channel_put, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(c->name);
	j->s[1] = xstrdup(c->name);
	j->s[2] = xstrdup(c->owner);
	j->s[3] = c->key != NULL ? xstrdup(c->key) : NULL;
	j->s[4] = c->topic != NULL ? xstrdup(c->topic) : NULL;
	j->s[5] = c->topic_setter != NULL ? xstrdup(c->topic_setter) : NULL;
	j->s[6] = xstrdup(c->admins != NULL ? c->admins : "");
	j->s[7] = xstrdup(c->bans != NULL ? c->bans : "");
	j->blob = xstrdup(c->invites != NULL ? c->invites : "");
	j->n[0] = c->modes;
	j->n[1] = c->limit;
	j->n[2] = c->topic_time;
	j->n[3] = c->created;
	store_submit(j);
}

/* Worker: delete the row of j->s[1]'s table whose key is j->s[0]. */
static int
store_run_delete(struct store_job *j)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(j->s[1])) == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	store_bind_text(st, 2, j->s[2]);
	return store_step_done(st);
}

/* Forget a persistent channel. */
void
store_channel_delete(const char *name, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_delete, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = store_fold(name);
	j->s[1] = xstrdup("DELETE FROM channel WHERE fold = ?1");
	store_submit(j);
}

/* Worker: set a key-value pair. */
static int
store_run_kv_put(struct store_job *j)
{
	sqlite3_stmt *st;

	st = store_prepare("INSERT OR REPLACE INTO kv (ns, key, value) "
	                   "VALUES (?, ?, ?)");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	store_bind_text(st, 2, j->s[1]);
	sqlite3_bind_blob(st, 3, j->blob != NULL ? j->blob : "",
	    (int)j->bloblen, SQLITE_STATIC);
	return store_step_done(st);
}

/* Set ns/key to a value (any bytes; len may be 0). */
void
store_kv_put(const char *ns, const char *key, const void *value, size_t len,
    store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_kv_put, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = xstrdup(ns);
	j->s[1] = xstrdup(key);
	j->blob = xmalloc(len + 1);
	memcpy(j->blob, value, len);
	j->bloblen = len;
	store_submit(j);
}

/* Worker: get a key-value pair. */
static int
store_run_kv_get(struct store_job *j)
{
	sqlite3_stmt *st;
	const void *v;
	int rc;

	st = store_prepare("SELECT value FROM kv WHERE ns = ? AND key = ?");
	if (st == NULL)
		return STORE_IO;
	store_bind_text(st, 1, j->s[0]);
	store_bind_text(st, 2, j->s[1]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_blob(st, 0);
		j->bloblen = (size_t)sqlite3_column_bytes(st, 0);
		j->blob = xmalloc(j->bloblen + 1);
		if (j->bloblen > 0)
			memcpy(j->blob, v, j->bloblen);
		((char *)j->blob)[j->bloblen] = '\0';
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : store_map(rc);
}

/* Finish: call a store_kv_cb. */
static void
store_finish_kv(struct store_job *j)
{
	if (j->cb.kv != NULL)
		j->cb.kv(j->err, j->err == STORE_OK ? j->blob : NULL,
		    j->err == STORE_OK ? j->bloblen : 0, j->arg);
}

/* Get ns/key; the value is NUL-terminated for convenience. */
void
store_kv_get(const char *ns, const char *key, store_kv_cb cb, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_kv_get, store_finish_kv, false, arg);
	j->cb.kv = cb;
	j->s[0] = xstrdup(ns);
	j->s[1] = xstrdup(key);
	store_submit(j);
}

/* Delete ns/key (not an error if absent). */
void
store_kv_delete(const char *ns, const char *key, store_done_cb done, void *arg)
{
	struct store_job *j;

	j = store_job_new(store_run_delete, store_finish_done, true, arg);
	j->cb.done = done;
	j->s[0] = xstrdup(ns);
	j->s[2] = xstrdup(key);
	j->s[1] = xstrdup("DELETE FROM kv WHERE ns = ?1 AND key = ?2");
	store_submit(j);
}

/* Call cb for every pair in a namespace (start-up only). */
int
store_kv_load(const char *ns,
    void (*cb)(const char *key, const void *value, size_t len, void *),
    void *arg)
{
	sqlite3_stmt *st;
	const char *key;
	int rc;

	st = store_prepare("SELECT key, value FROM kv WHERE ns = ?");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, ns);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 0);
		if (key != NULL)
			cb(key, sqlite3_column_blob(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
