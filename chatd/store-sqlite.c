/*
 * The store over embedded SQLite: the default backend (store-int.h).
 *
 * One database file, chatd.db in the data directory, in WAL mode so a
 * crash never leaves it inconsistent and readers never wait for the
 * writer. synchronous=FULL: in WAL mode that fsyncs the log at every
 * commit, which is what lets a reply sent after the commit promise the
 * data survives a crash or a power cut (NORMAL survives a crash of chatd
 * but may lose the last commits on power loss). The cost of that fsync is
 * shared: the worker takes every job waiting in the queue and runs the
 * writes among them in one transaction, each inside a savepoint so one
 * failing job does not undo the others. The schema is versioned with
 * PRAGMA user_version and brought up to date when the store opens.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store-int.h"

#define STORE_BUSY_MS 2000 /* wait for a lock held by another process */

static sqlite3 *sq_db;

/* The schema, one entry per version; never edit a released entry. */
static const char *const sq_migrations[] = {
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
#define SQ_VERSION ((int)(sizeof sq_migrations / sizeof sq_migrations[0]))

/* Map an SQLite result code to a STORE_* error. */
static int
sq_map(int rc)
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

/* Run SQL without results; log failures. */
static int
sq_exec(const char *sql)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(sq_db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_warn("store: %s: %s", sql,
		    msg != NULL ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
	}
	return rc;
}

/* Prepare a statement; NULL (logged) on failure. */
static sqlite3_stmt *
sq_prepare(const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(sq_db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warn("store: prepare: %s", sqlite3_errmsg(sq_db));
		return NULL;
	}
	return st;
}

/* Bind a string or NULL. */
static void
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Step a statement that returns no rows and finalize it. */
static int
sq_step_done(sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return STORE_IO;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warn("store: step: %s", sqlite3_errstr(rc));
		return sq_map(rc);
	}
	return STORE_OK;
}

/* Run a statement with one or two strings bound. */
static int
sq_run2(const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st;

	if ((st = sq_prepare(sql)) == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, a);
	if (b != NULL)
		sq_bind_text(st, 2, b);
	return sq_step_done(st);
}

/* A copy of a column as a string, or NULL. */
static char *
sq_col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* Insert an account. */
static int
sq_account_add(struct store_job_account *a)
{
	sqlite3_stmt *st;

	st = sq_prepare("INSERT INTO account (fold, name, email, hash, "
	                "created, last_seen) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, a->fold);
	sq_bind_text(st, 2, a->name);
	sq_bind_text(st, 3, a->email);
	sq_bind_text(st, 4, a->hash);
	sqlite3_bind_int64(st, 5, a->created);
	sqlite3_bind_int64(st, 6, a->last_seen);
	return sq_step_done(st);
}

/* Update an account's hash (hash set) or last-seen time. */
static int
sq_account_update(struct store_job_account *a)
{
	sqlite3_stmt *st;
	int rc;

	if (a->hash != NULL) {
		st = sq_prepare("UPDATE account SET hash = ? WHERE fold = ?");
		if (st != NULL)
			sq_bind_text(st, 1, a->hash);
	} else {
		st = sq_prepare(
		    "UPDATE account SET last_seen = ? WHERE fold = ?");
		if (st != NULL)
			sqlite3_bind_int64(st, 1, a->last_seen);
	}
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 2, a->fold);
	if ((rc = sq_step_done(st)) != STORE_OK)
		return rc;
	return sqlite3_changes(sq_db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Delete an account and what is kept for it. One job, hence one
 * savepoint of one transaction: either all of it goes or none. Private
 * history keys are "@a@b" with both names folded, and a nick holds no
 * "@", so the account is the first part or the last one.
 */
static int
sq_account_delete(struct store_job_account_delete *d)
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

	if ((err = sq_run2("DELETE FROM account WHERE fold = ?1", d->fold,
	         NULL)) != STORE_OK)
		return err;
	if (sqlite3_changes(sq_db) == 0)
		return STORE_NOTFOUND;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if ((err = sq_run2(sql[i], d->fold, NULL)) != STORE_OK)
			return err;
	}
	if (d->kv_ns == NULL)
		return STORE_OK;
	return sq_run2(
	    "DELETE FROM kv WHERE ns = ?1 AND key = ?2", d->kv_ns, d->kv_key);
}

/* Insert a message into a table (offline or history). */
static int
sq_msg_add(const char *table, struct store_job_msg *m)
{
	sqlite3_stmt *st;
	char sql[160];

	snprintf(sql, sizeof sql,
	    "INSERT INTO %s (target, time_ms, msgid, "
	    "source, account, command, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    table);
	if ((st = sq_prepare(sql)) == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, m->target);
	sqlite3_bind_int64(st, 2, m->time_ms);
	sq_bind_text(st, 3, m->msgid);
	sq_bind_text(st, 4, m->source);
	sq_bind_text(st, 5, m->account);
	sq_bind_text(st, 6, m->command);
	sq_bind_text(st, 7, m->text);
	return sq_step_done(st);
}

/* Step a message query, collecting rows (reversed if asked). */
static int
sq_collect(struct store_job *j, sqlite3_stmt *st, bool reverse)
{
	struct store_msg *m;
	size_t first = j->nmsgs;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m = store_job_add_msg(j);
		m->id = sqlite3_column_int64(st, 0);
		m->time_ms = sqlite3_column_int64(st, 1);
		m->target = sq_col_str(st, 2);
		m->msgid = sq_col_str(st, 3);
		m->source = sq_col_str(st, 4);
		m->account = sq_col_str(st, 5);
		m->command = sq_col_str(st, 6);
		m->text = sq_col_str(st, 7);
		if (m->source == NULL)
			m->source = xstrdup("*");
		if (m->command == NULL)
			m->command = xstrdup("PRIVMSG");
		if (m->text == NULL)
			m->text = xstrdup("");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sq_map(rc);
	if (reverse)
		store_job_reverse(j, first);
	return STORE_OK;
}

#define SQ_MSG_COLS                                     \
	"id, time_ms, target, msgid, source, account, " \
	"command, text"

/* The oldest offline messages for an account. */
static int
sq_offline_fetch(struct store_job *j)
{
	sqlite3_stmt *st;

	st = sq_prepare("SELECT " SQ_MSG_COLS " FROM offline "
	                "WHERE target = ? ORDER BY id LIMIT ?");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, j->u.offline.fold);
	sqlite3_bind_int64(st, 2, j->u.offline.max);
	return sq_collect(j, st, false);
}

/* One message of a target's history, by msgid. */
static int
sq_history_get(struct store_job *j)
{
	sqlite3_stmt *st;
	int err;

	st = sq_prepare("SELECT " SQ_MSG_COLS " FROM history "
	                "WHERE target = ? AND msgid = ? LIMIT 1");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, j->u.hq.fold);
	sq_bind_text(st, 2, j->u.hq.a_msgid);
	if ((err = sq_collect(j, st, false)) != STORE_OK)
		return err;
	return j->nmsgs > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Run a statement of two strings; STORE_NOTFOUND if it changed nothing. */
static int
sq_run_changed(const char *sql, const char *a, const char *b)
{
	int err;

	if ((err = sq_run2(sql, a, b)) != STORE_OK)
		return err;
	return sqlite3_changes(sq_db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Delete delivered offline messages. */
static int
sq_offline_delete(struct store_job_offline *o)
{
	sqlite3_stmt *st;

	st = sq_prepare("DELETE FROM offline WHERE target = ? AND id <= ?");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, o->fold);
	sqlite3_bind_int64(st, 2, o->upto_id);
	return sq_step_done(st);
}

/*
 * Turn a reference into a position (time, id) in the history. A time
 * reference used as a lower bound sorts after every message of that
 * millisecond (id INT64_MAX), as an upper bound before them (0).
 */
static int
sq_history_pos(struct store_job *j, const char *msgid, int64_t t, bool lower,
    int64_t *pt, int64_t *pid)
{
	sqlite3_stmt *st;
	int rc;

	if (msgid == NULL) {
		*pt = t;
		*pid = lower ? INT64_MAX : 0;
		return STORE_OK;
	}
	st = sq_prepare("SELECT time_ms, id FROM history "
	                "WHERE target = ? AND msgid = ?");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, j->u.hq.fold);
	sq_bind_text(st, 2, msgid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pt = sqlite3_column_int64(st, 0);
		*pid = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : sq_map(rc);
}

/* Messages strictly between two positions, from one end. */
static int
sq_history_range(struct store_job *j, int64_t lt, int64_t li, int64_t ut,
    int64_t ui, bool newest, int64_t limit)
{
	sqlite3_stmt *st;

	if (limit <= 0)
		return STORE_OK;
	st = sq_prepare(newest
	        ? "SELECT " SQ_MSG_COLS " FROM history WHERE target = ?1 AND "
	          "(time_ms > ?2 OR (time_ms = ?2 AND id > ?3)) AND "
	          "(time_ms < ?4 OR (time_ms = ?4 AND id < ?5)) "
	          "ORDER BY time_ms DESC, id DESC LIMIT ?6"
	        : "SELECT " SQ_MSG_COLS " FROM history WHERE target = ?1 AND "
	          "(time_ms > ?2 OR (time_ms = ?2 AND id > ?3)) AND "
	          "(time_ms < ?4 OR (time_ms = ?4 AND id < ?5)) "
	          "ORDER BY time_ms, id LIMIT ?6");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, j->u.hq.fold);
	sqlite3_bind_int64(st, 2, lt);
	sqlite3_bind_int64(st, 3, li);
	sqlite3_bind_int64(st, 4, ut);
	sqlite3_bind_int64(st, 5, ui);
	sqlite3_bind_int64(st, 6, limit);
	return sq_collect(j, st, newest);
}

static const struct store_hq_ops sq_hq_ops = {
	.pos = sq_history_pos,
	.range = sq_history_range,
};

/*
 * The latest message time of each channel named, and of each private
 * conversation of the account, within a window; oldest first.
 */
static int
sq_history_targets(struct store_job *j)
{
	struct store_job_tq *q = &j->u.tq;
	sqlite3_stmt *st;
	char *fold;
	size_t i;
	int rc;

	for (i = 0; i < q->nnames; i++) {
		st = sq_prepare("SELECT MAX(time_ms) FROM history "
		                "WHERE target = ? AND time_ms >= ? AND "
		                "time_ms <= ?");
		if (st == NULL)
			return STORE_IO;
		fold = xstrdup(q->names[i]);
		chat_casefold(fold, q->names[i], strlen(fold) + 1);
		sqlite3_bind_text(st, 1, fold, -1, SQLITE_TRANSIENT);
		free(fold);
		sqlite3_bind_int64(st, 2, q->from_ms);
		sqlite3_bind_int64(st, 3, q->to_ms);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			store_targets_found(j, xstrdup(q->names[i]),
			    sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return STORE_IO;
	}
	if (q->account != NULL) {
		st = sq_prepare("SELECT peer, last_ms FROM private_peer "
		                "WHERE account = ? AND last_ms >= ? AND "
		                "last_ms <= ?");
		if (st == NULL)
			return STORE_IO;
		sq_bind_text(st, 1, q->account);
		sqlite3_bind_int64(st, 2, q->from_ms);
		sqlite3_bind_int64(st, 3, q->to_ms);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			store_targets_found(j,
			    xstrdup((const char *)sqlite3_column_text(st, 0)),
			    sqlite3_column_int64(st, 1));
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return sq_map(rc);
	}
	store_targets_trim(j);
	return STORE_OK;
}

/* Note that two accounts exchanged a private message. */
static int
sq_private_seen(struct store_job_peer *p)
{
	sqlite3_stmt *st;
	int i, err;

	for (i = 0; i < 2; i++) {
		st = sq_prepare("INSERT INTO private_peer VALUES (?, ?, ?) "
		                "ON CONFLICT (account, peer) DO UPDATE "
		                "SET last_ms = MAX(last_ms, excluded.last_ms)");
		if (st == NULL)
			return STORE_IO;
		sq_bind_text(st, 1, i == 0 ? p->a : p->b);
		sq_bind_text(st, 2, i == 0 ? p->b : p->a);
		sqlite3_bind_int64(st, 3, p->time_ms);
		if ((err = sq_step_done(st)) != STORE_OK)
			return err;
	}
	return STORE_OK;
}

/* Delete history older than a time. */
static int
sq_history_expire(int64_t before_ms)
{
	sqlite3_stmt *st;
	int err;

	if ((st = sq_prepare("DELETE FROM history WHERE time_ms < ?")) == NULL)
		return STORE_IO;
	sqlite3_bind_int64(st, 1, before_ms);
	if ((err = sq_step_done(st)) != STORE_OK)
		return err;
	if ((st = sq_prepare("DELETE FROM private_peer WHERE last_ms < ?")) ==
	    NULL)
		return STORE_IO;
	sqlite3_bind_int64(st, 1, before_ms);
	return sq_step_done(st);
}

/* Insert or replace a channel. */
static int
sq_channel_put(struct store_job_channel *c)
{
	sqlite3_stmt *st;

	st = sq_prepare("INSERT OR REPLACE INTO channel (fold, name, "
	                "owner, modes, key, lim, topic, topic_setter, "
	                "topic_time, created, admins, bans, invites) "
	                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, c->fold);
	sq_bind_text(st, 2, c->name);
	sq_bind_text(st, 3, c->owner);
	sqlite3_bind_int64(st, 4, c->modes);
	sq_bind_text(st, 5, c->key);
	sqlite3_bind_int64(st, 6, c->limit);
	sq_bind_text(st, 7, c->topic);
	sq_bind_text(st, 8, c->topic_setter);
	sqlite3_bind_int64(st, 9, c->topic_time);
	sqlite3_bind_int64(st, 10, c->created);
	sq_bind_text(st, 11, c->admins);
	sq_bind_text(st, 12, c->bans);
	sq_bind_text(st, 13, c->invites);
	return sq_step_done(st);
}

/* Set a key-value pair. */
static int
sq_kv_put(struct store_job_kv *kv)
{
	sqlite3_stmt *st;

	st = sq_prepare("INSERT OR REPLACE INTO kv (ns, key, value) "
	                "VALUES (?, ?, ?)");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, kv->ns);
	sq_bind_text(st, 2, kv->key);
	sqlite3_bind_blob(st, 3, kv->value != NULL ? kv->value : "",
	    (int)kv->len, SQLITE_STATIC);
	return sq_step_done(st);
}

/* Get a key-value pair. */
static int
sq_kv_get(struct store_job *j)
{
	sqlite3_stmt *st;
	const void *v;
	int rc;

	st = sq_prepare("SELECT value FROM kv WHERE ns = ? AND key = ?");
	if (st == NULL)
		return STORE_IO;
	sq_bind_text(st, 1, j->u.kv.ns);
	sq_bind_text(st, 2, j->u.kv.key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_blob(st, 0);
		j->len = (size_t)sqlite3_column_bytes(st, 0);
		j->value = xmalloc(j->len + 1);
		if (j->len > 0)
			memcpy(j->value, v, j->len);
		((char *)j->value)[j->len] = '\0';
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return rc == SQLITE_ROW ? STORE_OK : sq_map(rc);
}

/* Run one job. */
static int
sq_run(struct store_job *j)
{
	switch (j->op) {
	case STORE_OP_SYNC:
		return STORE_OK;
	case STORE_OP_ACCOUNT_ADD:
		return sq_account_add(&j->u.account);
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_SEEN:
		return sq_account_update(&j->u.account);
	case STORE_OP_ACCOUNT_DELETE:
		return sq_account_delete(&j->u.account_delete);
	case STORE_OP_OFFLINE_ADD:
		return sq_msg_add("offline", &j->u.msg);
	case STORE_OP_OFFLINE_FETCH:
		return sq_offline_fetch(j);
	case STORE_OP_OFFLINE_DELETE:
		return sq_offline_delete(&j->u.offline);
	case STORE_OP_HISTORY_ADD:
		return sq_msg_add("history", &j->u.msg);
	case STORE_OP_HISTORY_QUERY:
		return store_hq_run(j, &sq_hq_ops);
	case STORE_OP_HISTORY_TARGETS:
		return sq_history_targets(j);
	case STORE_OP_PRIVATE_SEEN:
		return sq_private_seen(&j->u.peer);
	case STORE_OP_HISTORY_EXPIRE:
		return sq_history_expire(j->u.expire_before_ms);
	case STORE_OP_HISTORY_GET:
		return sq_history_get(j);
	case STORE_OP_HISTORY_DELETE:
		return sq_run_changed(
		    "DELETE FROM history WHERE target = ?1 AND msgid = ?2",
		    j->u.hq.fold, j->u.hq.a_msgid);
	case STORE_OP_HISTORY_RENAME:
		return sq_run2(
		    "UPDATE history SET target = ?2 WHERE target = ?1",
		    j->u.peer.a, j->u.peer.b);
	case STORE_OP_CHANNEL_PUT:
		return sq_channel_put(&j->u.channel);
	case STORE_OP_CHANNEL_DELETE:
		return sq_run2("DELETE FROM channel WHERE fold = ?1",
		    j->u.channel.fold, NULL);
	case STORE_OP_KV_PUT:
		return sq_kv_put(&j->u.kv);
	case STORE_OP_KV_GET:
		return sq_kv_get(j);
	case STORE_OP_KV_DELETE:
		return sq_run2("DELETE FROM kv WHERE ns = ?1 AND key = ?2",
		    j->u.kv.ns, j->u.kv.key);
	}
	return STORE_IO;
}

/* Mark the writes from first up to (not including) last as failed. */
static void
sq_fail_since(struct worker_job *first, struct worker_job *last, int err)
{
	struct worker_job *wj;
	struct store_job *j;

	for (wj = first; wj != NULL && wj != last; wj = TAILQ_NEXT(wj, entry)) {
		j = STORE_JOB(wj);
		if (store_op_writes(j->op) && j->err == STORE_OK)
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
sq_run_batch(struct worker_jobs *batch, void *arg UNUSED)
{
	struct worker_job *wj, *first = NULL;
	struct store_job *j;
	int rc, err;

	TAILQ_FOREACH(wj, batch, entry) {
		j = STORE_JOB(wj);
		if (!store_op_writes(j->op)) {
			j->err = sq_run(j);
			continue;
		}
		if (first == NULL) {
			if ((rc = sq_exec("BEGIN IMMEDIATE")) != SQLITE_OK) {
				j->err = sq_map(rc);
				continue;
			}
			first = wj;
		}
		if ((rc = sq_exec("SAVEPOINT job")) != SQLITE_OK) {
			j->err = sq_map(rc);
			continue;
		}
		if ((j->err = sq_run(j)) == STORE_OK) {
			sq_exec("RELEASE job");
			continue;
		}
		if (sqlite3_get_autocommit(sq_db)) {
			/* SQLite rolled the transaction back. */
			sq_fail_since(first, wj, j->err);
			first = NULL;
			continue;
		}
		sq_exec("ROLLBACK TO job");
		sq_exec("RELEASE job");
	}
	if (first == NULL)
		return;
	if ((rc = sq_exec("COMMIT")) != SQLITE_OK) {
		err = sq_map(rc);
		if (!sqlite3_get_autocommit(sq_db))
			sq_exec("ROLLBACK");
		sq_fail_since(first, NULL, err != STORE_OK ? err : STORE_IO);
	}
}

/* Bring the schema up to date, one transaction per version. */
static int
sq_migrate(char **cause)
{
	sqlite3_stmt *st;
	char sql[64];
	int version = 0;

	if ((st = sq_prepare("PRAGMA user_version")) == NULL) {
		xasprintf(cause, "reading the schema version failed");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > SQ_VERSION) {
		xasprintf(cause,
		    "database schema %d is newer than this chatd "
		    "(%d)",
		    version, SQ_VERSION);
		return -1;
	}
	for (; version < SQ_VERSION; version++) {
		snprintf(
		    sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		if (sq_exec("BEGIN IMMEDIATE") != SQLITE_OK)
			goto fail;
		if (sq_exec(sq_migrations[version]) != SQLITE_OK ||
		    sq_exec(sql) != SQLITE_OK) {
			sq_exec("ROLLBACK");
			goto fail;
		}
		if (sq_exec("COMMIT") != SQLITE_OK) {
			sq_exec("ROLLBACK");
			goto fail;
		}
		log_info("store: schema migrated to version %d", version + 1);
	}
	return 0;
fail:
	xasprintf(cause, "migrating the schema to version %d failed: %s",
	    version + 1, sqlite3_errmsg(sq_db));
	return -1;
}

/* Open (creating if needed) dir/chatd.db. */
static int
sq_open(const char *dir, uint64_t max_bytes, char **cause)
{
	char *path, sql[64];
	sqlite3_stmt *st;
	int64_t page = 4096;
	int rc;

	xasprintf(&path, "%s/chatd.db", dir);
	rc = sqlite3_open_v2(path, &sq_db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    sq_db != NULL ? sqlite3_errmsg(sq_db) : sqlite3_errstr(rc));
		sqlite3_close(sq_db);
		sq_db = NULL;
		free(path);
		return -1;
	}
	sqlite3_busy_timeout(sq_db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(sq_db, 1);
	if (sq_exec("PRAGMA journal_mode = WAL") != SQLITE_OK ||
	    sq_exec("PRAGMA synchronous = FULL") != SQLITE_OK ||
	    sq_exec("PRAGMA foreign_keys = ON") != SQLITE_OK ||
	    sq_migrate(cause) != 0) {
		if (*cause == NULL)
			xasprintf(cause, "%s: %s", path, sqlite3_errmsg(sq_db));
		sqlite3_close(sq_db);
		sq_db = NULL;
		free(path);
		return -1;
	}
	free(path);
	if (max_bytes > 0 && (st = sq_prepare("PRAGMA page_size")) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			page = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %llu",
		    (unsigned long long)(max_bytes / (uint64_t)page + 1));
		sq_exec(sql);
	}
	return 0;
}

/* Close the database (the worker has stopped). */
static void
sq_close(void)
{
	sqlite3_close(sq_db);
	sq_db = NULL;
}

/* Call cb for every account (start-up only). */
static int
sq_account_load(void (*cb)(const struct store_account *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct store_account a;
	int rc;

	st = sq_prepare("SELECT name, email, hash, created, last_seen "
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

/* Call cb with the number of offline messages of each account. */
static int
sq_offline_count(void (*cb)(const char *account, size_t n, void *), void *arg)
{
	sqlite3_stmt *st;
	const char *t;
	int rc;

	st = sq_prepare("SELECT target, count(*) FROM offline "
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

/* Call cb for every persistent channel (start-up only). */
static int
sq_channel_load(void (*cb)(const struct store_channel *, void *), void *arg)
{
	sqlite3_stmt *st;
	struct store_channel c;
	int rc;

	st = sq_prepare("SELECT name, owner, modes, key, lim, topic, "
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

/* Call cb for every pair in a namespace (start-up only). */
static int
sq_kv_load(const char *ns,
    void (*cb)(const char *key, const void *value, size_t len, void *),
    void *arg)
{
	sqlite3_stmt *st;
	const char *key;
	int rc;

	st = sq_prepare("SELECT key, value FROM kv WHERE ns = ?");
	if (st == NULL)
		return -1;
	sq_bind_text(st, 1, ns);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 0);
		if (key != NULL)
			cb(key, sqlite3_column_blob(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

const struct store_backend store_backend_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.run_batch = sq_run_batch,
	.account_load = sq_account_load,
	.offline_count = sq_offline_count,
	.channel_load = sq_channel_load,
	.kv_load = sq_kv_load,
};
