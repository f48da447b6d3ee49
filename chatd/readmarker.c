/*
 * IRCv3 draft/read-marker: how far an account has read each channel and
 * each private conversation. MARKREAD <target> timestamp=... moves the
 * marker (never backwards) and every session of the account with the
 * capability hears the new one; MARKREAD <target> asks for it; a JOIN is
 * followed by the channel's. Markers live in memory, loaded at start-up
 * from the store's key-value space (READMARKER_NS, keyed by "account
 * target", both folded) and written back as they move.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatd.h"
#include "store.h"

#define READMARKER_NS "read-marker"
#define READMARKER_KEY_MAX (CHAT_NICK_MAX + CHAT_CHAN_MAX + 2)

/* One account's marker for one target. */
struct readmarker {
	char key[READMARKER_KEY_MAX]; /* "account target", folded */
	int64_t time_ms;
	RB_ENTRY(readmarker) entry;
};
RB_HEAD(readmarkers, readmarker);

/* Order markers by key. */
static int
readmarker_cmp(const struct readmarker *a, const struct readmarker *b)
{
	return strcmp(a->key, b->key);
}
RB_PROTOTYPE(readmarkers, readmarker, entry, readmarker_cmp);
RB_GENERATE(readmarkers, readmarker, entry, readmarker_cmp);

static struct readmarkers readmarker_tree = RB_INITIALIZER(&readmarker_tree);

/* The key of account's marker for target. */
static void
readmarker_key(const char *account, const char *target, char *buf, size_t len)
{
	char fa[CHAT_NICK_MAX + 1], ft[CHAT_CHAN_MAX + 1];

	chat_casefold(fa, account, sizeof fa);
	chat_casefold(ft, target, sizeof ft);
	snprintf(buf, len, "%s %s", fa, ft);
}

/* Find a marker by key; with create, make it (time 0) if missing. */
static struct readmarker *
readmarker_find(const char *key, bool create)
{
	struct readmarker find, *rm;

	strlcpy(find.key, key, sizeof find.key);
	if ((rm = RB_FIND(readmarkers, &readmarker_tree, &find)) != NULL ||
	    !create)
		return rm;
	rm = xcalloc(1, sizeof *rm);
	strlcpy(rm->key, key, sizeof rm->key);
	RB_INSERT(readmarkers, &readmarker_tree, rm);
	return rm;
}

/* store_kv_load callback: one stored marker. */
static void
readmarker_loaded(
    const char *key, const void *value, size_t len, void *arg UNUSED)
{
	char buf[32];

	if (len == 0 || len >= sizeof buf)
		return;
	memcpy(buf, value, len);
	buf[len] = '\0';
	readmarker_find(key, true)->time_ms = strtoll(buf, NULL, 10);
}

/* Load the markers (start-up). */
int
readmarker_init(char **cause)
{
	if (store_kv_load(READMARKER_NS, readmarker_loaded, NULL) != 0) {
		*cause = xstrdup("cannot read the read markers");
		return -1;
	}
	return 0;
}

/* Forget every marker (shutdown). */
void
readmarker_free_all(void)
{
	struct readmarker *rm, *next;

	RB_FOREACH_SAFE(rm, readmarkers, &readmarker_tree, next) {
		RB_REMOVE(readmarkers, &readmarker_tree, rm);
		free(rm);
	}
}

/* Format "MARKREAD target timestamp=...|*" into rl. */
static void
readmarker_line(
    struct rline *rl, const char *target, const struct readmarker *rm)
{
	char when[CHAT_TIME_MAX];

	if (rm == NULL || rm->time_ms == 0) {
		route_init(rl, NULL, cfg->server_name, "MARKREAD %s *", target);
		return;
	}
	chat_time_format(when, sizeof when, rm->time_ms);
	route_init(rl, NULL, cfg->server_name, "MARKREAD %s timestamp=%s",
	    target, when);
}

/* After a JOIN: the channel's marker, to a client with the capability. */
void
readmarker_joined(struct client *c, struct channel *ch)
{
	char key[READMARKER_KEY_MAX];
	struct rline rl;

	if (!(c->caps & CAP_READ_MARKER) || c->user.account == NULL)
		return;
	readmarker_key(c->user.account, ch->name, key, sizeof key);
	readmarker_line(&rl, ch->name, readmarker_find(key, false));
	route_client(c, &rl);
}

/* MARKREAD <target> [timestamp=YYYY-MM-DDThh:mm:ss.sssZ]. */
enum cmd_result
cmd_markread(struct client *c, struct chat_msg *m)
{
	const char *target = m->argv[0];
	char key[READMARKER_KEY_MAX], value[32];
	struct route_sel sel = { 0 };
	struct readmarker *rm;
	struct rline rl;
	int64_t t;
	int len;

	if (!chat_is_channel(target) &&
	    !chat_nick_valid(target, CHAT_NICK_MAX)) {
		send_fail(c, "MARKREAD", "INVALID_PARAMS", target,
		    "Not a channel or a nick");
		return CMD_OK;
	}
	if (chat_is_channel(target) && strlen(target) > CHAT_CHAN_MAX) {
		send_fail(c, "MARKREAD", "INVALID_PARAMS", target,
		    "Not a channel or a nick");
		return CMD_OK;
	}
	if (c->user.account == NULL) {
		send_fail(c, "MARKREAD", "ACCOUNT_REQUIRED", target,
		    "Read markers are kept for accounts: log in first");
		return CMD_OK;
	}
	readmarker_key(c->user.account, target, key, sizeof key);
	if (m->argc < 2) {
		readmarker_line(&rl, target, readmarker_find(key, false));
		route_client(c, &rl);
		return CMD_OK;
	}
	if (strncmp(m->argv[1], "timestamp=", 10) != 0 ||
	    chat_time_parse(m->argv[1] + 10, &t) != 0 || t <= 0) {
		send_fail(c, "MARKREAD", "INVALID_PARAMS", target,
		    "The marker is timestamp=YYYY-MM-DDThh:mm:ss.sssZ");
		return CMD_OK;
	}
	rm = readmarker_find(key, true);
	/* A marker never moves back: a stale session cannot undo reading. */
	if (t > rm->time_ms) {
		rm->time_ms = t;
		len = snprintf(value, sizeof value, "%lld", (long long)t);
		store_kv_put(
		    READMARKER_NS, key, value, (size_t)len, NULL, NULL);
	}
	readmarker_line(&rl, target, rm);
	/* Every session of the account with the capability, this one too. */
	sel.cap = CAP_READ_MARKER;
	sel.with = &rl;
	sel.nwith = 1;
	route_account_sel(c->user.account, &sel);
	if (!(c->flags & CLIENT_REGISTERED) || !(c->caps & CAP_READ_MARKER))
		route_client(c, &rl);
	return CMD_OK;
}
