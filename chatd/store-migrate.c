/*
 * chatd --migrate-to URL: copy a node's SQLite store (chatd.db in the
 * data directory) into an empty PostgreSQL database, in one transaction,
 * then compare the row counts of every table. Both schemas are first
 * brought to the current version by their backends' own migrations, so
 * the tables and columns are the same on both sides.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store-int.h"

/* A table to copy: its columns, and which one (if any) is bytes. */
struct migrate_table {
	const char *name;
	const char *cols;
	int ncols;
	int blob_col; /* -1: none */
	bool serial;  /* has an id sequence to move past the copied ids */
};

static const struct migrate_table migrate_tables[] = {
	{ "account", "fold, name, email, hash, created, last_seen", 6, -1,
	    false },
	{ "offline",
	    "id, target, time_ms, msgid, source, account, command, text", 8, -1,
	    true },
	{ "history",
	    "id, target, time_ms, msgid, source, account, command, text", 8, -1,
	    true },
	{ "channel",
	    "fold, name, owner, modes, key, lim, topic, topic_setter, "
	    "topic_time, created, admins, bans, invites",
	    13, -1, false },
	{ "kv", "ns, key, value", 3, 2, false },
	{ "private_peer", "account, peer, last_ms", 3, -1, false },
};
#define MIGRATE_NTABLES (sizeof migrate_tables / sizeof migrate_tables[0])

/* Run SQL on PostgreSQL; on failure set cause. */
static int
migrate_pg(PGconn *pg, const char *sql, const char *safe, char **cause)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	PQclear(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	xasprintf(cause, "database %s: %s", safe, PQerrorMessage(pg));
	return -1;
}

/* The number of rows of a table on PostgreSQL, -1 on error. */
static long long
migrate_pg_count(PGconn *pg, const char *table)
{
	PGresult *res;
	char sql[128];
	long long n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	res = PQexec(pg, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

/* The number of rows of a table on SQLite, -1 on error. */
static long long
migrate_sq_count(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	char sql[128];
	long long n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Copy one table's rows; the caller holds the transaction. */
static int
migrate_copy(sqlite3 *db, PGconn *pg, const struct migrate_table *t,
    const char *safe, char **cause)
{
	const char *values[16];
	int lengths[16], formats[16], i, rc;
	char sql[512], ph[128];
	sqlite3_stmt *st;
	PGresult *res;
	size_t off = 0;

	for (i = 0; i < t->ncols; i++)
		off += (size_t)snprintf(ph + off, sizeof ph - off, "%s$%d",
		    i > 0 ? ", " : "", i + 1);
	snprintf(sql, sizeof sql, "SELECT %s FROM %s", t->cols, t->name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		xasprintf(
		    cause, "chatd.db: %s: %s", t->name, sqlite3_errmsg(db));
		return -1;
	}
	snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (%s)", t->name,
	    t->cols, ph);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < t->ncols; i++) {
			formats[i] = i == t->blob_col;
			if (sqlite3_column_type(st, i) == SQLITE_NULL) {
				values[i] = NULL;
				lengths[i] = 0;
			} else if (i == t->blob_col) {
				values[i] = sqlite3_column_blob(st, i);
				lengths[i] = sqlite3_column_bytes(st, i);
				if (values[i] == NULL)
					values[i] = "";
			} else {
				values[i] =
				    (const char *)sqlite3_column_text(st, i);
				lengths[i] = 0;
			}
		}
		res = PQexecParams(
		    pg, sql, t->ncols, NULL, values, lengths, formats, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			xasprintf(cause, "database %s: %s: %s", safe, t->name,
			    PQerrorMessage(pg));
			PQclear(res);
			sqlite3_finalize(st);
			return -1;
		}
		PQclear(res);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		xasprintf(
		    cause, "chatd.db: %s: %s", t->name, sqlite3_errmsg(db));
		return -1;
	}
	if (!t->serial)
		return 0;
	snprintf(sql, sizeof sql,
	    "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	    "COALESCE(MAX(id), 0) + 1, false) FROM %s",
	    t->name, t->name);
	return migrate_pg(pg, sql, safe, cause);
}

/*
 * Copy dir/chatd.db into the PostgreSQL database at url, which must be
 * empty (its schema is created if missing); print what was copied.
 */
int
store_migrate_to(const char *dir, const char *url, char **cause)
{
	const struct migrate_table *t;
	long long nsq[MIGRATE_NTABLES], npg;
	char *path, *safe;
	sqlite3 *db = NULL;
	PGconn *pg = NULL;
	size_t i;
	int ret = -1;

	*cause = NULL;
	safe = store_url_safe(url);
	xasprintf(&path, "%s/chatd.db", dir);
	if (strncmp(url, "postgres", 8) != 0) {
		xasprintf(cause, "%s is not a postgresql:// URL", safe);
		goto out;
	}
	if (access(path, R_OK) != 0) {
		xasprintf(cause, "%s: no SQLite store to copy", path);
		goto out;
	}
	/* Both schemas to the current version, by their own migrations. */
	if (store_backend_sqlite.open(dir, 0, cause) != 0)
		goto out;
	store_backend_sqlite.close();
	if (store_backend_pg.open(url, 0, cause) != 0)
		goto out;
	store_backend_pg.close();

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		xasprintf(cause, "database %s: %s", safe, PQerrorMessage(pg));
		goto out;
	}
	for (i = 0; i < MIGRATE_NTABLES; i++) {
		if ((npg = migrate_pg_count(pg, migrate_tables[i].name)) != 0) {
			xasprintf(cause,
			    "database %s is not empty (%s has %lld rows); "
			    "refusing to copy into it",
			    safe, migrate_tables[i].name, npg);
			goto out;
		}
	}
	/* One transaction: SQLite read as one snapshot, all or nothing. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    migrate_pg(pg, "BEGIN", safe, cause) != 0)
		goto out;
	for (i = 0; i < MIGRATE_NTABLES; i++) {
		t = &migrate_tables[i];
		if ((nsq[i] = migrate_sq_count(db, t->name)) < 0) {
			xasprintf(
			    cause, "%s: counting %s failed", path, t->name);
			goto out;
		}
		if (migrate_copy(db, pg, t, safe, cause) != 0)
			goto out;
	}
	for (i = 0; i < MIGRATE_NTABLES; i++) {
		npg = migrate_pg_count(pg, migrate_tables[i].name);
		if (npg != nsq[i]) {
			xasprintf(cause,
			    "%s: %lld rows in chatd.db but %lld copied; "
			    "nothing was committed",
			    migrate_tables[i].name, nsq[i], npg);
			goto out;
		}
	}
	if (migrate_pg(pg, "COMMIT", safe, cause) != 0)
		goto out;
	printf("copied %s into %s:", path, safe);
	for (i = 0; i < MIGRATE_NTABLES; i++)
		printf(" %s %lld%s", migrate_tables[i].name, nsq[i],
		    i + 1 < MIGRATE_NTABLES ? "," : "\n");
	printf("row counts match; set \"database %s\" in chatd.conf\n", safe);
	ret = 0;
out:
	if (pg != NULL)
		PQfinish(pg);
	if (db != NULL)
		sqlite3_close(db);
	free(path);
	free(safe);
	return ret;
}
