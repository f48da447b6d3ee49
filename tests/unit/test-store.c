/*
 * Unit tests of the store (chatd/store.c) through its interface: jobs
 * complete on the event loop, unique keys, the key-value space, history
 * queries by msgid and by time, offline messages, persistence across a
 * reopen, and refusing a schema newer than the code. With STORE_TEST_URL
 * set (tests/unit/store-pg.sh) the same tests run against that
 * PostgreSQL database instead of SQLite.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "chatd.h"
#include "store.h"
#include "tap.h"

static int pending;
static int last_err;
static char got[512];
static size_t got_n;
static struct event *timeout_ev;

/* A job finished: count it and stop the loop when all are in. */
static void
finished(void)
{
	if (--pending == 0)
		event_base_loopbreak(ev_base);
}

/* store_done_cb: keep the error. */
static void
on_done(int err, void *arg UNUSED)
{
	last_err = err;
	finished();
}

/* store_msgs_cb: keep the msgids, space-separated. */
static void
on_msgs(int err, const struct store_msg *m, size_t n, void *arg UNUSED)
{
	size_t i;

	last_err = err;
	got[0] = '\0';
	got_n = n;
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(got, " ", sizeof got);
		strlcat(got, m[i].msgid != NULL ? m[i].msgid : "-", sizeof got);
	}
	if (n > 0) {
		snprintf(got + strlen(got), sizeof got - strlen(got), "|%lld",
		    (long long)m[n - 1].id);
	}
	finished();
}

/* store_kv_cb: keep the value. */
static void
on_kv(int err, const void *v, size_t len, void *arg UNUSED)
{
	last_err = err;
	got_n = len;
	memset(got, 0, sizeof got);
	if (v != NULL && len < sizeof got)
		memcpy(got, v, len);
	finished();
}

/* store_targets_cb: keep "target,target". */
static void
on_targets(int err, const char *const *t, const int64_t *times UNUSED, size_t n,
    void *arg UNUSED)
{
	size_t i;

	last_err = err;
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(got, ",", sizeof got);
		strlcat(got, t[i], sizeof got);
	}
	finished();
}

/* Run the loop until the n jobs queued have completed (or 10 s). */
static void
run(int n)
{
	struct timeval ten = { 10, 0 };

	pending = n;
	evtimer_add(timeout_ev, &ten);
	event_base_dispatch(ev_base);
	evtimer_del(timeout_ev);
	if (pending != 0)
		diag("%d jobs did not complete", pending);
}

/* The safety timeout fired. */
static void
on_timeout(evutil_socket_t fd UNUSED, short ev UNUSED, void *arg UNUSED)
{
	event_base_loopbreak(ev_base);
}

/* Add a history line. */
static void
hist(const char *target, const char *msgid, int64_t t)
{
	struct store_msg m;

	memset(&m, 0, sizeof m);
	m.target = target;
	m.msgid = msgid;
	m.time_ms = t;
	m.source = "a!b@c";
	m.command = "PRIVMSG";
	m.text = msgid;
	store_history_add(&m, NULL, NULL);
}

/* Query #t's history and compare the msgids (without the last id). */
static void
query(enum store_hq_kind k, const char *a, int64_t at, const char *b,
    int64_t bt, size_t limit, const char *want, const char *what)
{
	struct store_ref ra = { a, at }, rb = { b, bt };
	char *bar;

	store_history_query("#T", k, &ra, &rb, limit, on_msgs, NULL);
	run(1);
	if ((bar = strchr(got, '|')) != NULL)
		*bar = '\0';
	is_str(got, want, "%s", what);
}

/* The msgids of one target's history, oldest first. */
static const char *
hist_of(const char *target)
{
	struct store_ref none = { NULL, -1 };
	char *bar;

	store_history_query(
	    target, STORE_HQ_LATEST, &none, &none, 100, on_msgs, NULL);
	run(1);
	if ((bar = strchr(got, '|')) != NULL)
		*bar = '\0';
	return got;
}

/* store_account_load callback: append the names. */
static void
on_account_names(const struct store_account *a, void *arg)
{
	char *names = arg;

	if (*names != '\0')
		strlcat(names, ",", 64);
	strlcat(names, a->name, 64);
}

/* store_account_load callback. */
static void
on_account(const struct store_account *a, void *arg)
{
	snprintf(arg, 64, "%s %s", a->name, a->hash);
}

/* store_channel_load callback. */
static void
on_channel(const struct store_channel *c, void *arg)
{
	snprintf(arg, 256, "%s %s %d %s %s|%s|%s", c->name, c->owner, c->modes,
	    c->key != NULL ? c->key : "-", c->topic != NULL ? c->topic : "-",
	    c->bans, c->admins);
}

int
main(void)
{
	char dir[] = "/tmp/test-store.XXXXXX", path[256], acc[64], chan[256];
	char *cause = NULL;
	struct store_account a;
	struct store_msg m;
	struct store_channel sc;
	sqlite3 *db;
	const char *targets[] = { "#t", "#u", "#none" };
	const char *url = getenv("STORE_TEST_URL");
	PGconn *pg;
	int64_t first;
	int i;

	log_open(LOG_ERR);
	ev_base = event_base_new();
	timeout_ev = evtimer_new(ev_base, on_timeout, NULL);
	if (mkdtemp(dir) == NULL)
		return 99;
	diag("backend: %s", url != NULL ? url : "sqlite");
	is_int(store_open_url(url, dir, 0, &cause), 0,
	    "store_open creates the database");

	/* Accounts: unique without regard to case. */
	memset(&a, 0, sizeof a);
	a.name = "Alice";
	a.hash = "$argon2id$x";
	a.created = 1;
	store_account_add(&a, on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "account added");
	a.name = "aLICE";
	store_account_add(&a, on_done, NULL);
	run(1);
	is_int(last_err, STORE_EXISTS, "same name in other case: EXISTS");
	store_account_set_hash("ALICE", "$argon2id$y", on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "hash replaced");
	store_account_set_hash("nobody", "$argon2id$y", on_done, NULL);
	run(1);
	is_int(
	    last_err, STORE_NOTFOUND, "hash of an unknown account: NOTFOUND");

	/* Key-value, with bytes SQL would not like as text. */
	store_kv_put("ttt", "game'1", "a\0b;DROP", 8, on_done, NULL);
	store_kv_get("ttt", "game'1", on_kv, NULL);
	run(2);
	ok(last_err == STORE_OK && got_n == 8 &&
	        memcmp(got, "a\0b;DROP", 8) == 0,
	    "kv put then get returns the same bytes");
	store_kv_delete("ttt", "game'1", on_done, NULL);
	store_kv_get("ttt", "game'1", on_kv, NULL);
	run(2);
	is_int(last_err, STORE_NOTFOUND, "kv get after delete: NOTFOUND");

	/* History. */
	for (i = 1; i <= 5; i++) {
		snprintf(path, sizeof path, "m%d", i);
		hist("#t", path, i * 1000);
	}
	hist("#u", "u1", 2500);
	store_sync(on_done, NULL);
	run(1);
	query(STORE_HQ_LATEST, NULL, -1, NULL, 0, 3, "m3 m4 m5", "LATEST *");
	query(STORE_HQ_LATEST, "m3", 0, NULL, 0, 10, "m4 m5",
	    "LATEST after a msgid");
	query(STORE_HQ_BEFORE, "m4", 0, NULL, 0, 2, "m2 m3", "BEFORE msgid");
	query(STORE_HQ_AFTER, "m2", 0, NULL, 0, 2, "m3 m4", "AFTER msgid");
	query(STORE_HQ_AROUND, "m3", 0, NULL, 0, 3, "m2 m3 m4", "AROUND msgid");
	query(STORE_HQ_BETWEEN, "m1", 0, "m5", 0, 10, "m2 m3 m4",
	    "BETWEEN, forwards");
	query(STORE_HQ_BETWEEN, "m5", 0, "m1", 0, 2, "m3 m4",
	    "BETWEEN, backwards: counted from the first reference");
	query(STORE_HQ_AFTER, NULL, 3000, NULL, 0, 10, "m4 m5",
	    "AFTER a timestamp is strict");
	query(STORE_HQ_BEFORE, NULL, 3000, NULL, 0, 10, "m1 m2",
	    "BEFORE a timestamp is strict");
	query(STORE_HQ_BETWEEN, NULL, 1500, NULL, 4500, 10, "m2 m3 m4",
	    "BETWEEN two timestamps");
	query(STORE_HQ_BEFORE, "nope", 0, NULL, 0, 2, "", "unknown msgid");
	is_int(last_err, STORE_NOTFOUND, "unknown msgid: NOTFOUND");
	store_history_targets(targets, 3, NULL, 0, 10000, 10, on_targets, NULL);
	run(1);
	is_str(got, "#u,#t", "TARGETS: those with messages, oldest first");
	store_private_seen("Ann", "bob", 3000);
	store_private_seen("ann", "Cy", 1200);
	store_private_seen("BOB", "ANN", 2000); /* older: keeps 3000 */
	store_history_targets(
	    targets, 3, "ANN", 0, 10000, 10, on_targets, NULL);
	run(1);
	is_str(got, "cy,#u,bob,#t",
	    "TARGETS: private conversations too, in time order");
	store_history_targets(targets, 3, "ann", 0, 10000, 2, on_targets, NULL);
	run(1);
	is_str(got, "bob,#t", "TARGETS: the most recent up to the limit");
	store_history_targets(
	    NULL, 0, "bob", 2500, 10000, 10, on_targets, NULL);
	run(1);
	is_str(
	    got, "ann", "TARGETS: the other side sees it, within the window");
	store_history_expire(2500);
	query(STORE_HQ_LATEST, NULL, -1, NULL, 0, 10, "m3 m4 m5",
	    "expire drops older lines");
	store_history_targets(NULL, 0, "ann", 0, 10000, 10, on_targets, NULL);
	run(1);
	is_str(got, "bob", "expire drops older private conversations");

	/* Offline messages. */
	memset(&m, 0, sizeof m);
	m.target = "Bob";
	m.source = "a!b@c";
	m.command = "PRIVMSG";
	for (i = 1; i <= 3; i++) {
		snprintf(path, sizeof path, "o%d", i);
		m.msgid = path;
		m.text = "it's; -- fine";
		m.time_ms = i;
		store_offline_add(&m, on_done, NULL);
	}
	run(3);
	is_int(last_err, STORE_OK, "offline messages stored");
	store_offline_fetch("bob", 2, on_msgs, NULL);
	run(1);
	ok(strncmp(got, "o1 o2|", 6) == 0, "fetch the oldest two (%s)", got);
	first = strtoll(strchr(got, '|') + 1, NULL, 10);
	store_offline_delete("BOB", first, on_done, NULL);
	store_offline_fetch("bob", 10, on_msgs, NULL);
	run(2);
	ok(strncmp(got, "o3|", 3) == 0, "after delete, the third is left (%s)",
	    got);

	/* Channels. */
	memset(&sc, 0, sizeof sc);
	sc.name = "#Club";
	sc.owner = "Alice";
	sc.modes = 3;
	sc.key = "k'ey";
	sc.topic = "hi";
	sc.bans = "*!*@x alice 5\n";
	sc.admins = "bob\n";
	store_channel_put(&sc, on_done, NULL);
	sc.topic = "hello";
	store_channel_put(&sc, on_done, NULL);
	run(2);
	is_int(last_err, STORE_OK, "channel saved twice");

	/*
	 * Deleting an account takes its history, offline messages, peers
	 * and one key-value row, and nothing of an account whose name
	 * starts or ends the same way.
	 */
	a.name = "Ed";
	store_account_add(&a, on_done, NULL);
	a.name = "Edd";
	store_account_add(&a, on_done, NULL);
	run(2);
	hist("@ed@zed", "p1", 9000);
	hist("@bo@ed", "p2", 9000);
	hist("@edd@zed", "p3", 9000);
	hist("@bo@edd", "p4", 9000);
	hist("@bo@ted", "p5", 9000);
	hist("#ed", "p6", 9000);
	store_private_seen("Ed", "Zed", 9000);
	store_private_seen("Edd", "Zed", 9000);
	m.target = "ED";
	m.msgid = "e1";
	store_offline_add(&m, on_done, NULL);
	m.target = "Edd";
	m.msgid = "e2";
	store_offline_add(&m, on_done, NULL);
	store_kv_put("ttt-stats", "Ed", "1 0 0", 5, on_done, NULL);
	store_kv_put("ttt-stats", "Edd", "0 1 0", 5, on_done, NULL);
	run(4);
	store_account_delete("eD", "ttt-stats", "Ed", on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "account deleted");
	store_account_delete("ed", NULL, NULL, on_done, NULL);
	run(1);
	is_int(last_err, STORE_NOTFOUND, "deleted again: NOTFOUND");
	is_str(hist_of("@ed@zed"), "", "its history as the first is gone");
	is_str(hist_of("@bo@ed"), "", "its history as the second is gone");
	is_str(hist_of("@edd@zed"), "p3", "a longer name's history stays");
	is_str(hist_of("@bo@edd"), "p4", "a longer name's, second, stays");
	is_str(hist_of("@bo@ted"), "p5", "a name ending the same stays");
	is_str(hist_of("#ed"), "p6", "a channel of that name stays");
	store_history_targets(NULL, 0, "zed", 0, 10000, 10, on_targets, NULL);
	run(1);
	is_str(got, "edd", "the other side's peer list lost it");

	/* Redaction finds one message by msgid, then forgets it. */
	hist("#red", "r1", 100);
	hist("#red", "r2", 200);
	hist("#other", "r1", 300);
	store_history_get("#RED", "r2", on_msgs, NULL);
	run(1);
	is_int(last_err, STORE_OK, "history_get finds a message");
	is_int((int)got_n, 1, "history_get returns one message");
	store_history_get("#red", "r9", on_msgs, NULL);
	run(1);
	is_int(last_err, STORE_NOTFOUND, "history_get of an unknown msgid");
	store_history_delete("#Red", "r1", on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "history_delete");
	store_history_delete("#red", "r1", on_done, NULL);
	run(1);
	is_int(last_err, STORE_NOTFOUND, "history_delete again: NOTFOUND");
	is_str(hist_of("#red"), "r2", "the redacted message is gone");
	is_str(hist_of("#other"), "r1", "the same msgid elsewhere stays");
	/* A renamed channel keeps its history. */
	store_history_rename("#red", "#Blue", on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "history_rename");
	is_str(hist_of("#blue"), "r2", "the history is under the new name");
	is_str(hist_of("#red"), "", "and no longer under the old one");
	store_offline_fetch("ed", 10, on_msgs, NULL);
	run(1);
	is_int((int)got_n, 0, "its offline messages are gone");
	store_offline_fetch("edd", 10, on_msgs, NULL);
	run(1);
	is_int((int)got_n, 1, "the other account's are not");
	store_kv_get("ttt-stats", "Ed", on_kv, NULL);
	run(1);
	is_int(last_err, STORE_NOTFOUND, "its key-value row is gone");
	store_kv_get("ttt-stats", "Edd", on_kv, NULL);
	run(1);
	is_int(last_err, STORE_OK, "the other one's stays");
	acc[0] = '\0';
	store_account_load(on_account_names, acc);
	is_str(acc, "Alice,Edd", "the accounts left");
	store_account_delete("Edd", "ttt-stats", "Edd", on_done, NULL);
	run(1);
	is_int(last_err, STORE_OK, "the other one deleted too");

	/* Everything is there after a reopen. */
	store_close();
	is_int(store_open_url(url, dir, 0, &cause), 0, "store_open again");
	acc[0] = '\0';
	store_account_load(on_account, acc);
	is_str(acc, "Alice $argon2id$y", "the account and its new hash");
	chan[0] = '\0';
	store_channel_load(on_channel, chan);
	is_str(chan, "#Club Alice 3 k'ey hello|*!*@x alice 5\n|bob\n",
	    "the channel as saved last");
	store_channel_delete("#CLUB", on_done, NULL);
	run(1);
	chan[0] = '\0';
	store_channel_load(on_channel, chan);
	is_str(chan, "", "channel deleted");
	store_close();

	/* A database from a newer chatd is refused, not damaged. */
	snprintf(path, sizeof path, "%s/chatd.db", dir);
	if (url != NULL) {
		pg = PQconnectdb(url);
		PQclear(PQexec(pg, "UPDATE schema_version SET version = 99"));
		PQfinish(pg);
	} else if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	is_int(store_open_url(url, dir, 0, &cause), -1,
	    "a newer schema is refused");
	ok(cause != NULL && strstr(cause, "newer") != NULL, "because: %s",
	    cause != NULL ? cause : "(none)");
	free(cause);

	/* Jobs after close fail at once instead of hanging. */
	store_kv_get("x", "y", on_kv, NULL);
	is_int(last_err, STORE_IO, "a job on a closed store fails");

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
	event_free(timeout_ev);
	event_base_free(ev_base);
	return done_testing();
}
