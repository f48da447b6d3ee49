/*
 * Unit tests for pieces of chatd that need no sockets: the command table
 * (sorted, documented, operator commands marked), Argon2id password
 * hashes, and the worker thread handing results back to the loop.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chatd.h"
#include "tap.h"

/* main.c is not in libchatd.a; REHASH and DIE are not run here. */
int
chatd_rehash(char **cause)
{
	*cause = NULL;
	return -1;
}

/* See chatd_rehash. */
void
chatd_die(const char *reason UNUSED)
{
}

/* A job for the worker and what came back. */
struct job {
	const char *hash;
	const char *password;
	bool ok;
	bool done;
};

/* On the worker thread. */
static void
job_work(void *arg)
{
	struct job *j = arg;

	j->ok = passwd_verify(j->hash, j->password);
}

/* Back on the loop. */
static void
job_done(void *arg)
{
	struct job *j = arg;

	j->done = true;
}

/* The command table is sorted, documented and marks operator commands. */
static void
test_table(void)
{
	size_t i;
	bool sorted = true, documented = true;
	const struct cmd_entry *ce;

	for (i = 1; i < cmd_count; i++) {
		if (strcmp(cmd_table[i - 1].name, cmd_table[i].name) >= 0)
			sorted = false;
	}
	ok(sorted, "command table sorted by name");
	for (i = 0; i < cmd_count; i++) {
		if (cmd_table[i].usage == NULL || cmd_table[i].help == NULL ||
		    strstr(cmd_table[i].usage, cmd_table[i].name) == NULL)
			documented = false;
	}
	ok(documented, "every command has a usage naming it and a help line");
	ok((ce = cmd_find("oper")) != NULL && !(ce->flags & CMD_OPER),
	    "OPER is found in any case and open to everyone");
	ok((ce = cmd_find("KILL")) != NULL && (ce->flags & CMD_OPER),
	    "KILL needs operator status");
	ok((ce = cmd_find("Rehash")) != NULL && (ce->flags & CMD_OPER),
	    "REHASH needs operator status");
	ok((ce = cmd_find("die")) != NULL && (ce->flags & CMD_OPER),
	    "DIE needs operator status");
	ok((ce = cmd_find("TAGMSG")) != NULL && ce->min == 1,
	    "TAGMSG takes a target");
	ok(cmd_find("NOSUCH") == NULL, "unknown commands are not found");
}

/* Hash and verify. */
static void
test_passwd(void)
{
	char *h1, *h2, *cause = NULL;

	h1 = passwd_hash("correct horse", &cause);
	h2 = passwd_hash("correct horse", &cause);
	ok(h1 != NULL && h2 != NULL, "hashes are made");
	if (h1 == NULL || h2 == NULL) {
		diag("%s", cause != NULL ? cause : "?");
		free(cause);
		return;
	}
	ok(strncmp(h1, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0,
	    "PHC string with the documented parameters: %s", h1);
	ok(strcmp(h1, h2) != 0, "a fresh salt each time");
	ok(passwd_verify(h1, "correct horse"), "the right password matches");
	ok(!passwd_verify(h1, "correct horse "), "a wrong password fails");
	ok(!passwd_verify(h1, ""), "an empty password fails");
	ok(!passwd_verify("$1$abc$def", "x"),
	    "a non-Argon2 hash never matches");
	ok(!passwd_verify("$argon2id$garbage", "x"),
	    "a broken hash never matches");
	ok(passwd_verify("$argon2id$v=19$m=19456,t=2,p=1$"
	                 "jiEyhezdpmmXxdZz6h0J6A$"
	                 "TMoLloGhcU3pURs17aGnG0wT4qNekAUnpctwGnKOkCY",
	       "opensesame"),
	    "the hash in the tests and PROTOCOL.md is for 'opensesame'");
	free(h1);
	free(h2);
}

/* The work queue runs jobs off the loop and reports back on it. */
static void
test_worker(void)
{
	struct job good = { 0 }, bad = { 0 };
	char *hash, *cause = NULL;
	int rounds = 0;

	ev_base = event_base_new();
	hash = passwd_hash("pw", &cause);
	good.hash = bad.hash = hash;
	good.password = "pw";
	bad.password = "wrong";
	workq_init();
	workq_add(job_work, job_done, &good);
	workq_add(job_work, job_done, &bad);
	is_int(workq_count(), 2, "two jobs pending");
	while ((!good.done || !bad.done) && rounds++ < 200)
		event_base_loop(ev_base, EVLOOP_ONCE);
	ok(good.done && bad.done, "both jobs came back to the loop");
	ok(good.ok && !bad.ok, "each with its own result");
	is_int(workq_count(), 0, "nothing pending");
	workq_free();
	event_base_free(ev_base);
	ev_base = NULL;
	free(hash);
}

int
main(void)
{
	test_table();
	test_passwd();
	test_worker();
	return done_testing();
}
