/*
 * The store over PostgreSQL through libpq (store-int.h), for one chatd or
 * several sharing a database.
 *
 * The same tables and migrations as store-sqlite.c, numbered the same way
 * in a schema_version table and applied under an advisory lock, so two
 * processes starting at once do not both migrate. The SQL never reads
 * then writes: unique keys decide (two REGISTERs of one name: one gets
 * 23505, STORE_EXISTS), upserts are INSERT ... ON CONFLICT, offline
 * messages are taken with DELETE ... RETURNING (two logins cannot both
 * get one) and ids come from sequences, unique across processes.
 *
 * Batching is SQLite's: every job of a batch that writes runs in one
 * transaction, each in a savepoint. Before COMMIT the batch bumps this
 * process's row in store_commit, so when the connection drops during
 * COMMIT the reconnected worker can tell whether it went through.
 *
 * Lost connection: the worker reconnects with backoff, logging once; the
 * batch it was running is retried whole (nothing of it was acknowledged),
 * so acknowledged writes are never lost, only late. Meanwhile store.c
 * fails new jobs that someone waits for with STORE_UNAVAILABLE.
 */

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "store-int.h"

#define PG_BACKOFF_MIN_MS 100
#define PG_BACKOFF_MAX_MS 5000
#define PG_LOCK_KEY 7403515 /* advisory lock: schema migrations */

static PGconn *pg_conn;
static char *pg_url, *pg_safe_url;
static char pg_node[40]; /* this process's row in store_commit */
static int64_t pg_seq;   /* last batch this process committed */

/* The schema, one entry per version; the numbers are SQLite's. */
static const char *const pg_migrations[] = {
	/* 1: accounts, offline messages, history, channels, key-value. */
	"CREATE TABLE account ("
	"  fold TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT,"
	"  hash TEXT NOT NULL, created BIGINT NOT NULL,"
	"  last_seen BIGINT NOT NULL DEFAULT 0);"
	"CREATE TABLE offline ("
	"  id BIGSERIAL PRIMARY KEY, target TEXT NOT NULL,"
	"  time_ms BIGINT NOT NULL, msgid TEXT, source TEXT NOT NULL,"
	"  account TEXT, command TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX offline_target ON offline (target, id);"
	"CREATE TABLE history ("
	"  id BIGSERIAL PRIMARY KEY, target TEXT NOT NULL,"
	"  time_ms BIGINT NOT NULL, msgid TEXT, source TEXT NOT NULL,"
	"  account TEXT, command TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX history_target ON history (target, time_ms, id);"
	"CREATE INDEX history_msgid ON history (msgid);"
	"CREATE TABLE channel ("
	"  fold TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL,"
	"  modes INTEGER NOT NULL, key TEXT, lim BIGINT NOT NULL,"
	"  topic TEXT, topic_setter TEXT, topic_time BIGINT NOT NULL,"
	"  created BIGINT NOT NULL, admins TEXT NOT NULL,"
	"  bans TEXT NOT NULL, invites TEXT NOT NULL);"
	"CREATE TABLE kv ("
	"  ns TEXT NOT NULL, key TEXT NOT NULL, value BYTEA NOT NULL,"
	"  PRIMARY KEY (ns, key));",
	/* 2: whom each account has private history with (TARGETS). */
	"CREATE TABLE private_peer ("
	"  account TEXT NOT NULL, peer TEXT NOT NULL,"
	"  last_ms BIGINT NOT NULL, PRIMARY KEY (account, peer));",
};
#define PG_VERSION ((int)(sizeof pg_migrations / sizeof pg_migrations[0]))

/* Parameters of one statement: text values (NULL for NULL). */
struct pg_params {
	int n;
	const char *v[16];
	int len[16];
	int fmt[16];
	char num[16][24];
};

/* Add a string parameter. */
static void
pg_str(struct pg_params *p, const char *s)
{
	p->v[p->n] = s;
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	p->n++;
}

/* Add an integer parameter. */
static void
pg_int(struct pg_params *p, int64_t i)
{
	snprintf(p->num[p->n], sizeof p->num[p->n], "%" PRId64, i);
	pg_str(p, p->num[p->n]);
}

/* Add a binary parameter (bytea). */
static void
pg_bin(struct pg_params *p, const void *v, size_t len)
{
	p->v[p->n] = len > 0 ? v : "";
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

/* libpq's last error on one line, without its trailing newline. */
static const char *
pg_errmsg(void)
{
	static char buf[512];
	size_t i;

	if (pg_conn == NULL)
		return "not connected";
	strlcpy(buf, PQerrorMessage(pg_conn), sizeof buf);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = ' ';
	}
	while (i > 0 && buf[i - 1] == ' ')
		buf[--i] = '\0';
	return buf;
}

/* Whether the connection is gone (every job must then be retried). */
static bool
pg_lost(void)
{
	return pg_conn == NULL || PQstatus(pg_conn) != CONNECTION_OK;
}

/* Map a failed result to a STORE_* error (logged unless a known case). */
static int
pg_map(PGresult *res, const char *sql)
{
	const char *state;

	if (pg_lost())
		return STORE_UNAVAILABLE;
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state != NULL && strcmp(state, "23505") == 0)
		return STORE_EXISTS;
	/* Connection errors, and the server shutting down (57P0x). */
	if (state != NULL &&
	    (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0))
		return STORE_UNAVAILABLE;
	log_warn("store: %.60s: %s", sql, pg_errmsg());
	if (state != NULL && strcmp(state, "53100") == 0)
		return STORE_FULL;
	if (state != NULL &&
	    (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	        strcmp(state, "55P03") == 0))
		return STORE_BUSY;
	return STORE_IO;
}

/* Run a statement; *resp gets the result on success (caller clears). */
static int
pg_run(const char *sql, const struct pg_params *p, int binary, PGresult **resp)
{
	PGresult *res;
	ExecStatusType st;
	int err;

	if (resp != NULL)
		*resp = NULL;
	if (pg_lost())
		return STORE_UNAVAILABLE;
	if (p == NULL)
		res = PQexec(pg_conn, sql);
	else
		res = PQexecParams(
		    pg_conn, sql, p->n, NULL, p->v, p->len, p->fmt, binary);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		err = pg_map(res, sql);
		PQclear(res);
		return err;
	}
	if (resp != NULL)
		*resp = res;
	else
		PQclear(res);
	return STORE_OK;
}

/* Run a statement and tell whether it changed a row. */
static int
pg_run_changed(const char *sql, const struct pg_params *p)
{
	PGresult *res;
	int err;

	if ((err = pg_run(sql, p, 0, &res)) != STORE_OK)
		return err;
	err = strcmp(PQcmdTuples(res), "0") == 0 ? STORE_NOTFOUND : STORE_OK;
	PQclear(res);
	return err;
}

/* A column as an integer. */
static int64_t
pg_col_int(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* A copy of a column as a string, or NULL. */
static char *
pg_col_str(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return xstrdup(PQgetvalue(res, row, col));
}

/* A column as a borrowed string, or NULL. */
static const char *
pg_col(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

#define PG_MSG_COLS                                     \
	"id, time_ms, target, msgid, source, account, " \
	"command, text"

/* Collect the rows of a message query (reversed if asked). */
static void
pg_collect(struct store_job *j, PGresult *res, bool reverse)
{
	struct store_msg *m;
	size_t first = j->nmsgs;
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		m = store_job_add_msg(j);
		m->id = pg_col_int(res, i, 0);
		m->time_ms = pg_col_int(res, i, 1);
		m->target = pg_col_str(res, i, 2);
		m->msgid = pg_col_str(res, i, 3);
		m->source = pg_col_str(res, i, 4);
		m->account = pg_col_str(res, i, 5);
		m->command = pg_col_str(res, i, 6);
		m->text = pg_col_str(res, i, 7);
		if (m->source == NULL)
			m->source = xstrdup("*");
		if (m->command == NULL)
			m->command = xstrdup("PRIVMSG");
		if (m->text == NULL)
			m->text = xstrdup("");
	}
	PQclear(res);
	if (reverse)
		store_job_reverse(j, first);
}

/* Insert an account; a name taken in any case is 23505. */
static int
pg_account_add(struct store_job_account *a)
{
	struct pg_params p = { 0 };

	pg_str(&p, a->fold);
	pg_str(&p, a->name);
	pg_str(&p, a->email);
	pg_str(&p, a->hash);
	pg_int(&p, a->created);
	pg_int(&p, a->last_seen);
	return pg_run("INSERT INTO account (fold, name, email, hash, "
	              "created, last_seen) VALUES ($1, $2, $3, $4, $5, $6)",
	    &p, 0, NULL);
}

/* Update an account's hash (hash set) or last-seen time. */
static int
pg_account_update(struct store_job_account *a)
{
	struct pg_params p = { 0 };

	if (a->hash != NULL) {
		pg_str(&p, a->hash);
		pg_str(&p, a->fold);
		return pg_run_changed(
		    "UPDATE account SET hash = $1 WHERE fold = $2", &p);
	}
	pg_int(&p, a->last_seen);
	pg_str(&p, a->fold);
	return pg_run_changed(
	    "UPDATE account SET last_seen = $1 WHERE fold = $2", &p);
}

/* Delete an account and what is kept for it (see store-sqlite.c). */
static int
pg_account_delete(struct store_job_account_delete *d)
{
	static const char *const sql[] = {
		"DELETE FROM offline WHERE target = $1",
		"DELETE FROM history WHERE left(target, 1) = '@' AND "
		"(left(target, length($1::text) + 2) = '@' || $1::text || '@' "
		"OR right(target, length($1::text) + 1) = '@' || $1::text)",
		"DELETE FROM private_peer WHERE account = $1 OR peer = $1",
	};
	struct pg_params p = { 0 };
	size_t i;
	int err;

	pg_str(&p, d->fold);
	if ((err = pg_run_changed("DELETE FROM account WHERE fold = $1", &p)) !=
	    STORE_OK)
		return err;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if ((err = pg_run(sql[i], &p, 0, NULL)) != STORE_OK)
			return err;
	}
	if (d->kv_ns == NULL)
		return STORE_OK;
	memset(&p, 0, sizeof p);
	pg_str(&p, d->kv_ns);
	pg_str(&p, d->kv_key);
	return pg_run("DELETE FROM kv WHERE ns = $1 AND key = $2", &p, 0, NULL);
}

/* Insert a message into offline or history. */
static int
pg_msg_add(bool offline, struct store_job_msg *m)
{
	struct pg_params p = { 0 };

	pg_str(&p, m->target);
	pg_int(&p, m->time_ms);
	pg_str(&p, m->msgid);
	pg_str(&p, m->source);
	pg_str(&p, m->account);
	pg_str(&p, m->command);
	pg_str(&p, m->text);
	return pg_run(offline
	        ? "INSERT INTO offline (target, time_ms, msgid, source, "
	          "account, command, text) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	        : "INSERT INTO history (target, time_ms, msgid, source, "
	          "account, command, text) VALUES ($1, $2, $3, $4, $5, $6, $7)",
	    &p, 0, NULL);
}

/* Order taken offline messages by id (RETURNING keeps no order). */
static int
pg_msg_cmp(const void *a, const void *b)
{
	const struct store_msg *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Take the oldest offline messages of an account: deleted as they are
 * read, skipping rows another process is taking, so each is delivered
 * once even when two logins race.
 */
static int
pg_offline_fetch(struct store_job *j)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int err;

	pg_str(&p, j->u.offline.fold);
	pg_int(&p, j->u.offline.max);
	err = pg_run("DELETE FROM offline WHERE id IN (SELECT id FROM offline "
	             "WHERE target = $1 ORDER BY id LIMIT $2 "
	             "FOR UPDATE SKIP LOCKED) RETURNING " PG_MSG_COLS,
	    &p, 0, &res);
	if (err != STORE_OK)
		return err;
	pg_collect(j, res, false);
	if (j->nmsgs > 1)
		qsort(j->msgs, j->nmsgs, sizeof *j->msgs, pg_msg_cmp);
	return STORE_OK;
}

/* A reference as a position (time, id) in the history. */
static int
pg_history_pos(struct store_job *j, const char *msgid, int64_t t, bool lower,
    int64_t *pt, int64_t *pid)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int err;

	if (msgid == NULL) {
		*pt = t;
		*pid = lower ? INT64_MAX : 0;
		return STORE_OK;
	}
	pg_str(&p, j->u.hq.fold);
	pg_str(&p, msgid);
	if ((err = pg_run("SELECT time_ms, id FROM history "
	                  "WHERE target = $1 AND msgid = $2 LIMIT 1",
	         &p, 0, &res)) != STORE_OK)
		return err;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STORE_NOTFOUND;
	}
	*pt = pg_col_int(res, 0, 0);
	*pid = pg_col_int(res, 0, 1);
	PQclear(res);
	return STORE_OK;
}

/* Messages strictly between two positions, from one end. */
static int
pg_history_range(struct store_job *j, int64_t lt, int64_t li, int64_t ut,
    int64_t ui, bool newest, int64_t limit)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int err;

	if (limit <= 0)
		return STORE_OK;
	pg_str(&p, j->u.hq.fold);
	pg_int(&p, lt);
	pg_int(&p, li);
	pg_int(&p, ut);
	pg_int(&p, ui);
	pg_int(&p, limit);
	err = pg_run(newest
	        ? "SELECT " PG_MSG_COLS " FROM history WHERE target = $1 AND "
	          "(time_ms > $2 OR (time_ms = $2 AND id > $3)) AND "
	          "(time_ms < $4 OR (time_ms = $4 AND id < $5)) "
	          "ORDER BY time_ms DESC, id DESC LIMIT $6"
	        : "SELECT " PG_MSG_COLS " FROM history WHERE target = $1 AND "
	          "(time_ms > $2 OR (time_ms = $2 AND id > $3)) AND "
	          "(time_ms < $4 OR (time_ms = $4 AND id < $5)) "
	          "ORDER BY time_ms, id LIMIT $6",
	    &p, 0, &res);
	if (err != STORE_OK)
		return err;
	pg_collect(j, res, newest);
	return STORE_OK;
}

static const struct store_hq_ops pg_hq_ops = {
	.pos = pg_history_pos,
	.range = pg_history_range,
};

/* Which conversations have messages in a window (TARGETS). */
static int
pg_history_targets(struct store_job *j)
{
	struct store_job_tq *q = &j->u.tq;
	struct pg_params p;
	PGresult *res;
	char *fold;
	size_t i;
	int err, k;

	for (i = 0; i < q->nnames; i++) {
		memset(&p, 0, sizeof p);
		fold = xstrdup(q->names[i]);
		chat_casefold(fold, q->names[i], strlen(fold) + 1);
		pg_str(&p, fold);
		pg_int(&p, q->from_ms);
		pg_int(&p, q->to_ms);
		err = pg_run("SELECT MAX(time_ms) FROM history WHERE "
		             "target = $1 AND time_ms >= $2 AND time_ms <= $3",
		    &p, 0, &res);
		free(fold);
		if (err != STORE_OK)
			return err;
		if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
			store_targets_found(
			    j, xstrdup(q->names[i]), pg_col_int(res, 0, 0));
		PQclear(res);
	}
	if (q->account != NULL) {
		memset(&p, 0, sizeof p);
		pg_str(&p, q->account);
		pg_int(&p, q->from_ms);
		pg_int(&p, q->to_ms);
		if ((err = pg_run("SELECT peer, last_ms FROM private_peer "
		                  "WHERE account = $1 AND last_ms >= $2 AND "
		                  "last_ms <= $3",
		         &p, 0, &res)) != STORE_OK)
			return err;
		for (k = 0; k < PQntuples(res); k++)
			store_targets_found(j, xstrdup(PQgetvalue(res, k, 0)),
			    pg_col_int(res, k, 1));
		PQclear(res);
	}
	store_targets_trim(j);
	return STORE_OK;
}

/* Note that two accounts exchanged a private message. */
static int
pg_private_seen(struct store_job_peer *pe)
{
	struct pg_params p = { 0 };

	pg_str(&p, pe->a);
	pg_str(&p, pe->b);
	pg_int(&p, pe->time_ms);
	return pg_run("INSERT INTO private_peer VALUES ($1, $2, $3), "
	              "($2, $1, $3) ON CONFLICT (account, peer) DO UPDATE "
	              "SET last_ms = GREATEST(private_peer.last_ms, "
	              "excluded.last_ms)",
	    &p, 0, NULL);
}

/* Delete history older than a time. */
static int
pg_history_expire(int64_t before_ms)
{
	struct pg_params p = { 0 };
	int err;

	pg_int(&p, before_ms);
	if ((err = pg_run("DELETE FROM history WHERE time_ms < $1", &p, 0,
	         NULL)) != STORE_OK)
		return err;
	return pg_run(
	    "DELETE FROM private_peer WHERE last_ms < $1", &p, 0, NULL);
}

/* Insert or replace a channel. */
static int
pg_channel_put(struct store_job_channel *c)
{
	struct pg_params p = { 0 };

	pg_str(&p, c->fold);
	pg_str(&p, c->name);
	pg_str(&p, c->owner);
	pg_int(&p, c->modes);
	pg_str(&p, c->key);
	pg_int(&p, c->limit);
	pg_str(&p, c->topic);
	pg_str(&p, c->topic_setter);
	pg_int(&p, c->topic_time);
	pg_int(&p, c->created);
	pg_str(&p, c->admins);
	pg_str(&p, c->bans);
	pg_str(&p, c->invites);
	return pg_run("INSERT INTO channel (fold, name, owner, modes, key, "
	              "lim, topic, topic_setter, topic_time, created, admins, "
	              "bans, invites) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	              "$9, $10, $11, $12, $13) ON CONFLICT (fold) DO UPDATE "
	              "SET name = excluded.name, owner = excluded.owner, "
	              "modes = excluded.modes, key = excluded.key, "
	              "lim = excluded.lim, topic = excluded.topic, "
	              "topic_setter = excluded.topic_setter, "
	              "topic_time = excluded.topic_time, "
	              "created = excluded.created, admins = excluded.admins, "
	              "bans = excluded.bans, invites = excluded.invites",
	    &p, 0, NULL);
}

/* Set a key-value pair. */
static int
pg_kv_put(struct store_job_kv *kv)
{
	struct pg_params p = { 0 };

	pg_str(&p, kv->ns);
	pg_str(&p, kv->key);
	pg_bin(&p, kv->value, kv->len);
	return pg_run("INSERT INTO kv (ns, key, value) VALUES ($1, $2, $3) "
	              "ON CONFLICT (ns, key) DO UPDATE SET value = "
	              "excluded.value",
	    &p, 0, NULL);
}

/* Get a key-value pair (binary result: the bytes as they are). */
static int
pg_kv_get(struct store_job *j)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int err;

	pg_str(&p, j->u.kv.ns);
	pg_str(&p, j->u.kv.key);
	if ((err = pg_run("SELECT value FROM kv WHERE ns = $1 AND key = $2", &p,
	         1, &res)) != STORE_OK)
		return err;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return STORE_NOTFOUND;
	}
	j->len = (size_t)PQgetlength(res, 0, 0);
	j->value = xmalloc(j->len + 1);
	memcpy(j->value, PQgetvalue(res, 0, 0), j->len);
	((char *)j->value)[j->len] = '\0';
	PQclear(res);
	return STORE_OK;
}

/* Delete by one or two string keys. */
static int
pg_delete(const char *sql, const char *a, const char *b)
{
	struct pg_params p = { 0 };

	pg_str(&p, a);
	if (b != NULL)
		pg_str(&p, b);
	return pg_run(sql, &p, 0, NULL);
}

/* One message of a target's history, by msgid. */
static int
pg_history_get(struct store_job *j)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int err;

	pg_str(&p, j->u.hq.fold);
	pg_str(&p, j->u.hq.a_msgid);
	if ((err = pg_run("SELECT " PG_MSG_COLS " FROM history "
	                  "WHERE target = $1 AND msgid = $2 LIMIT 1",
	         &p, 0, &res)) != STORE_OK)
		return err;
	pg_collect(j, res, false);
	return j->nmsgs > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Run a statement of two strings; STORE_NOTFOUND if it changed nothing. */
static int
pg_changed2(const char *sql, const char *a, const char *b)
{
	struct pg_params p = { 0 };

	pg_str(&p, a);
	pg_str(&p, b);
	return pg_run_changed(sql, &p);
}

/* Run one job. */
static int
pg_job(struct store_job *j)
{
	switch (j->op) {
	case STORE_OP_SYNC:
		return STORE_OK;
	case STORE_OP_ACCOUNT_ADD:
		return pg_account_add(&j->u.account);
	case STORE_OP_ACCOUNT_SET_HASH:
	case STORE_OP_ACCOUNT_SEEN:
		return pg_account_update(&j->u.account);
	case STORE_OP_ACCOUNT_DELETE:
		return pg_account_delete(&j->u.account_delete);
	case STORE_OP_OFFLINE_ADD:
		return pg_msg_add(true, &j->u.msg);
	case STORE_OP_OFFLINE_FETCH:
		return pg_offline_fetch(j);
	case STORE_OP_OFFLINE_DELETE:
		/* Taken by the fetch already. */
		return STORE_OK;
	case STORE_OP_HISTORY_ADD:
		return pg_msg_add(false, &j->u.msg);
	case STORE_OP_HISTORY_QUERY:
		return store_hq_run(j, &pg_hq_ops);
	case STORE_OP_HISTORY_TARGETS:
		return pg_history_targets(j);
	case STORE_OP_PRIVATE_SEEN:
		return pg_private_seen(&j->u.peer);
	case STORE_OP_HISTORY_EXPIRE:
		return pg_history_expire(j->u.expire_before_ms);
	case STORE_OP_HISTORY_GET:
		return pg_history_get(j);
	case STORE_OP_HISTORY_DELETE:
		return pg_changed2(
		    "DELETE FROM history WHERE target = $1 AND msgid = $2",
		    j->u.hq.fold, j->u.hq.a_msgid);
	case STORE_OP_HISTORY_RENAME:
		return pg_delete(
		    "UPDATE history SET target = $2 WHERE target = $1",
		    j->u.peer.a, j->u.peer.b);
	case STORE_OP_CHANNEL_PUT:
		return pg_channel_put(&j->u.channel);
	case STORE_OP_CHANNEL_DELETE:
		return pg_delete("DELETE FROM channel WHERE fold = $1",
		    j->u.channel.fold, NULL);
	case STORE_OP_KV_PUT:
		return pg_kv_put(&j->u.kv);
	case STORE_OP_KV_GET:
		return pg_kv_get(j);
	case STORE_OP_KV_DELETE:
		return pg_delete("DELETE FROM kv WHERE ns = $1 AND key = $2",
		    j->u.kv.ns, j->u.kv.key);
	}
	return STORE_IO;
}

/* Whether a job changes the database here (the fetch takes rows). */
static bool
pg_writes(const struct store_job *j)
{
	return store_op_writes(j->op) || j->op == STORE_OP_OFFLINE_FETCH;
}

/* Connect to pg_url; NULL cause on success. */
static int
pg_connect(char **cause)
{
	const char *msg;
	size_t len;

	if (pg_conn != NULL)
		PQfinish(pg_conn);
	pg_conn = PQconnectdb(pg_url);
	if (PQstatus(pg_conn) == CONNECTION_OK) {
		PQclear(PQexec(pg_conn, "SET client_min_messages = warning"));
		return 0;
	}
	if (cause != NULL) {
		msg = PQerrorMessage(pg_conn);
		len = strlen(msg);
		while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			len--;
		xasprintf(
		    cause, "database %s: %.*s", pg_safe_url, (int)len, msg);
	}
	PQfinish(pg_conn);
	pg_conn = NULL;
	return -1;
}

/* Sleep ms milliseconds, or less if the store is closing. */
static void
pg_sleep(int ms)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	for (; ms > 0 && !store_closing(); ms -= 50)
		nanosleep(&ts, NULL);
}

/*
 * Get the connection back, with backoff; log the outage once. False if
 * the store is closing first.
 */
static bool
pg_reconnect(void)
{
	int delay = PG_BACKOFF_MIN_MS;
	time_t since = time(NULL);
	char *cause = NULL;

	if (!pg_lost())
		return true;
	store_set_down(true);
	log_warn("store: lost the connection to database %s: %s; "
	         "retrying",
	    pg_safe_url, pg_errmsg());
	for (;;) {
		if (store_closing())
			return false;
		if (pg_connect(&cause) == 0)
			break;
		free(cause);
		cause = NULL;
		pg_sleep(delay);
		delay = delay * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS
		                                      : delay * 2;
	}
	log_info("store: database %s is back after %lld s", pg_safe_url,
	    (long long)(time(NULL) - since));
	store_set_down(false);
	return true;
}

/*
 * After the connection broke during COMMIT: did the transaction go
 * through? It did if this process's row in store_commit holds seq.
 */
static bool
pg_committed(int64_t seq)
{
	struct pg_params p = { 0 };
	PGresult *res;
	bool yes;

	pg_str(&p, pg_node);
	if (pg_run("SELECT seq FROM store_commit WHERE node = $1", &p, 0,
	        &res) != STORE_OK)
		return false;
	yes = PQntuples(res) > 0 && pg_col_int(res, 0, 0) == seq;
	PQclear(res);
	return yes;
}

/*
 * Run a batch once. Returns 0 when every job has its answer, -1 when the
 * connection was lost (with *in_commit when it was lost in COMMIT).
 */
static int
pg_try_batch(struct worker_jobs *batch, bool *in_commit)
{
	struct pg_params p = { 0 };
	struct worker_job *wj;
	struct store_job *j;
	bool txn = false;
	int err;

	*in_commit = false;
	TAILQ_FOREACH(wj, batch, entry) {
		if (pg_writes(STORE_JOB(wj)))
			txn = true;
	}
	if (txn && pg_run("BEGIN", NULL, 0, NULL) != STORE_OK)
		return -1;
	TAILQ_FOREACH(wj, batch, entry) {
		j = STORE_JOB(wj);
		if (txn && pg_run("SAVEPOINT job", NULL, 0, NULL) != STORE_OK)
			return -1;
		j->err = pg_job(j);
		if (j->err == STORE_UNAVAILABLE || pg_lost())
			return -1;
		if (!txn)
			continue;
		if (j->err == STORE_OK)
			err = pg_run("RELEASE job", NULL, 0, NULL);
		else
			err = pg_run("ROLLBACK TO job", NULL, 0, NULL);
		if (err != STORE_OK)
			return -1;
	}
	if (!txn)
		return 0;
	pg_str(&p, pg_node);
	pg_int(&p, pg_seq + 1);
	if (pg_run("INSERT INTO store_commit VALUES ($1, $2) ON CONFLICT "
	           "(node) DO UPDATE SET seq = excluded.seq",
	        &p, 0, NULL) != STORE_OK)
		return -1;
	*in_commit = true;
	if ((err = pg_run("COMMIT", NULL, 0, NULL)) != STORE_OK) {
		if (pg_lost())
			return -1;
		TAILQ_FOREACH(wj, batch, entry) {
			j = STORE_JOB(wj);
			if (store_op_writes(j->op) && j->err == STORE_OK)
				j->err = err;
		}
	}
	pg_seq++;
	return 0;
}

/*
 * Run a batch: until it has gone through on a live connection, or the
 * store is closing (then what has not run fails, unacknowledged).
 */
static void
pg_run_batch(struct worker_jobs *batch, void *arg UNUSED)
{
	struct worker_job *wj;
	struct store_job *j;
	bool in_commit;

	for (;;) {
		if (!pg_reconnect())
			break;
		if (pg_try_batch(batch, &in_commit) == 0)
			return;
		/* The server said it is going away: do not wait for EOF. */
		if (!pg_lost())
			PQreset(pg_conn);
		if (!pg_reconnect())
			break;
		if (in_commit && pg_committed(pg_seq + 1)) {
			pg_seq++;
			return;
		}
		TAILQ_FOREACH(wj, batch, entry) {
			j = STORE_JOB(wj);
			store_job_clear_results(j);
			j->err = STORE_OK;
		}
	}
	TAILQ_FOREACH(wj, batch, entry)
		STORE_JOB(wj)->err = STORE_UNAVAILABLE;
}

/* Bring the schema up to date, each version under the advisory lock. */
static int
pg_migrate(char **cause)
{
	PGresult *res;
	char sql[128];
	int version;

	for (;;) {
		snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)",
		    PG_LOCK_KEY);
		if (pg_run("BEGIN", NULL, 0, NULL) != STORE_OK ||
		    pg_run(sql, NULL, 0, NULL) != STORE_OK ||
		    pg_run("CREATE TABLE IF NOT EXISTS schema_version ("
		           "  version INTEGER NOT NULL);"
		           "CREATE TABLE IF NOT EXISTS store_commit ("
		           "  node TEXT PRIMARY KEY, seq BIGINT NOT NULL)",
		        NULL, 0, NULL) != STORE_OK ||
		    pg_run("SELECT COALESCE(MAX(version), 0) FROM "
		           "schema_version",
		        NULL, 0, &res) != STORE_OK)
			goto fail;
		version = (int)pg_col_int(res, 0, 0);
		PQclear(res);
		if (version > PG_VERSION) {
			xasprintf(cause,
			    "database %s: schema %d is newer than this chatd "
			    "(%d)",
			    pg_safe_url, version, PG_VERSION);
			pg_run("ROLLBACK", NULL, 0, NULL);
			return -1;
		}
		if (version == PG_VERSION)
			return pg_run("COMMIT", NULL, 0, NULL) == STORE_OK ? 0
			                                                   : -1;
		snprintf(sql, sizeof sql,
		    "DELETE FROM schema_version; INSERT INTO schema_version "
		    "VALUES (%d)",
		    version + 1);
		if (pg_run(pg_migrations[version], NULL, 0, NULL) != STORE_OK ||
		    pg_run(sql, NULL, 0, NULL) != STORE_OK ||
		    pg_run("COMMIT", NULL, 0, NULL) != STORE_OK)
			goto fail;
		log_info("store: schema migrated to version %d", version + 1);
	}
fail:
	xasprintf(cause, "database %s: migrating the schema failed: %s",
	    pg_safe_url, pg_errmsg());
	return -1;
}

/* Connect to url and bring its schema up to date. */
static int
pg_open(const char *url, uint64_t max_bytes UNUSED, char **cause)
{
	struct timespec ts;

	pg_url = xstrdup(url);
	pg_safe_url = store_url_safe(url);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(pg_node, sizeof pg_node, "%ld-%lld-%ld", (long)getpid(),
	    (long long)ts.tv_sec, (long)ts.tv_nsec);
	pg_seq = 0;
	if (pg_connect(cause) != 0 || pg_migrate(cause) != 0) {
		if (pg_conn != NULL)
			PQfinish(pg_conn);
		pg_conn = NULL;
		free(pg_url);
		free(pg_safe_url);
		pg_url = pg_safe_url = NULL;
		return -1;
	}
	return 0;
}

/* Close the connection (the worker has stopped). */
static void
pg_close(void)
{
	struct pg_params p = { 0 };

	if (!pg_lost()) {
		pg_str(&p, pg_node);
		pg_run("DELETE FROM store_commit WHERE node = $1", &p, 0, NULL);
	}
	if (pg_conn != NULL)
		PQfinish(pg_conn);
	pg_conn = NULL;
	free(pg_url);
	free(pg_safe_url);
	pg_url = pg_safe_url = NULL;
}

/* Call cb for every account (start-up only). */
static int
pg_account_load(void (*cb)(const struct store_account *, void *), void *arg)
{
	struct store_account a;
	PGresult *res;
	int i;

	if (pg_run("SELECT name, email, hash, created, last_seen FROM account",
	        NULL, 0, &res) != STORE_OK)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		a.name = pg_col(res, i, 0);
		a.email = pg_col(res, i, 1);
		a.hash = pg_col(res, i, 2);
		a.created = pg_col_int(res, i, 3);
		a.last_seen = pg_col_int(res, i, 4);
		cb(&a, arg);
	}
	PQclear(res);
	return 0;
}

/* Call cb with the number of offline messages of each account. */
static int
pg_offline_count(void (*cb)(const char *account, size_t n, void *), void *arg)
{
	PGresult *res;
	int i;

	if (pg_run("SELECT target, count(*) FROM offline GROUP BY target", NULL,
	        0, &res) != STORE_OK)
		return -1;
	for (i = 0; i < PQntuples(res); i++)
		cb(PQgetvalue(res, i, 0), (size_t)pg_col_int(res, i, 1), arg);
	PQclear(res);
	return 0;
}

/* Call cb for every persistent channel (start-up only). */
static int
pg_channel_load(void (*cb)(const struct store_channel *, void *), void *arg)
{
	struct store_channel c;
	PGresult *res;
	int i;

	if (pg_run("SELECT name, owner, modes, key, lim, topic, topic_setter, "
	           "topic_time, created, admins, bans, invites FROM channel",
	        NULL, 0, &res) != STORE_OK)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		c.name = pg_col(res, i, 0);
		c.owner = pg_col(res, i, 1);
		c.modes = (int)pg_col_int(res, i, 2);
		c.key = pg_col(res, i, 3);
		c.limit = (unsigned)pg_col_int(res, i, 4);
		c.topic = pg_col(res, i, 5);
		c.topic_setter = pg_col(res, i, 6);
		c.topic_time = pg_col_int(res, i, 7);
		c.created = pg_col_int(res, i, 8);
		c.admins = pg_col(res, i, 9);
		c.bans = pg_col(res, i, 10);
		c.invites = pg_col(res, i, 11);
		cb(&c, arg);
	}
	PQclear(res);
	return 0;
}

/* Call cb for every pair in a namespace (start-up only). */
static int
pg_kv_load(const char *ns,
    void (*cb)(const char *key, const void *value, size_t len, void *),
    void *arg)
{
	struct pg_params p = { 0 };
	PGresult *res;
	int i;

	pg_str(&p, ns);
	if (pg_run("SELECT key, value FROM kv WHERE ns = $1", &p, 1, &res) !=
	    STORE_OK)
		return -1;
	for (i = 0; i < PQntuples(res); i++)
		cb(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    (size_t)PQgetlength(res, i, 1), arg);
	PQclear(res);
	return 0;
}

const struct store_backend store_backend_pg = {
	.name = "postgresql",
	.fetch_takes = true,
	.open = pg_open,
	.close = pg_close,
	.run_batch = pg_run_batch,
	.account_load = pg_account_load,
	.offline_count = pg_offline_count,
	.channel_load = pg_channel_load,
	.kv_load = pg_kv_load,
};
