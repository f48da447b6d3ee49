/*
 * Presence: who is online, and who watches whom (IRCv3 MONITOR). The
 * command handlers only call presence_*; when several chatd nodes share
 * one namespace, this file is where remote presence is published.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chatd.h"

struct presence_link;
TAILQ_HEAD(presence_links, presence_link);

/* A watched nick and the clients watching it. */
struct presence_target {
	char fold[CHAT_NICK_MAX + 1];
	char nick[CHAT_NICK_MAX + 1];
	struct presence_links links;
	RB_ENTRY(presence_target) entry;
};
RB_HEAD(presence_targets, presence_target);

/* One (watcher, target) pair, on both lists. */
struct presence_link {
	struct presence_target *target;
	struct client *client;
	TAILQ_ENTRY(presence_link) tentry;
	TAILQ_ENTRY(presence_link) centry;
};

/* A client's watch list. */
struct presence_watch {
	struct presence_links links;
	size_t n;
};

static struct presence_targets presence_tree = RB_INITIALIZER(&presence_tree);

/* Compare targets by folded nick. */
static int
presence_cmp(struct presence_target *a, struct presence_target *b)
{
	return strcmp(a->fold, b->fold);
}
RB_PROTOTYPE(presence_targets, presence_target, entry, presence_cmp);
RB_GENERATE(presence_targets, presence_target, entry, presence_cmp);

/* Find the target entry of a nick. */
static struct presence_target *
presence_find(const char *nick)
{
	struct presence_target find;

	chat_casefold(find.fold, nick, sizeof find.fold);
	return RB_FIND(presence_targets, &presence_tree, &find);
}

/* Tell watchers c is online (730). */
void
presence_online(struct client *c)
{
	struct presence_target *t = presence_find(c->user.nick);
	struct presence_link *l;
	char prefix[CHAT_LINE_MAX];

	if (t == NULL)
		return;
	user_prefix(&c->user, prefix, sizeof prefix);
	TAILQ_FOREACH(l, &t->links, tentry)
		SEND_NUMERIC(l->client, RPL_MONONLINE, prefix);
}

/* Tell watchers nick went offline (731). */
void
presence_offline(struct client *c UNUSED, const char *nick)
{
	struct presence_target *t = presence_find(nick);
	struct presence_link *l;

	if (t == NULL)
		return;
	TAILQ_FOREACH(l, &t->links, tentry)
		SEND_NUMERIC(l->client, RPL_MONOFFLINE, nick);
}

/* Watch a nick; false when the list is full. */
bool
presence_watch_add(struct client *c, const char *nick)
{
	struct presence_target *t;
	struct presence_link *l;

	if (c->watch == NULL) {
		c->watch = xcalloc(1, sizeof *c->watch);
		TAILQ_INIT(&c->watch->links);
	}
	if ((t = presence_find(nick)) == NULL) {
		t = xcalloc(1, sizeof *t);
		strlcpy(t->nick, nick, sizeof t->nick);
		chat_casefold(t->fold, nick, sizeof t->fold);
		TAILQ_INIT(&t->links);
		RB_INSERT(presence_targets, &presence_tree, t);
	} else {
		TAILQ_FOREACH(l, &t->links, tentry) {
			if (l->client == c)
				return true;
		}
	}
	if (c->watch->n >= cfg->max_monitor) {
		if (TAILQ_EMPTY(&t->links)) {
			RB_REMOVE(presence_targets, &presence_tree, t);
			free(t);
		}
		return false;
	}
	l = xcalloc(1, sizeof *l);
	l->target = t;
	l->client = c;
	TAILQ_INSERT_TAIL(&t->links, l, tentry);
	TAILQ_INSERT_TAIL(&c->watch->links, l, centry);
	c->watch->n++;
	return true;
}

/* Drop one link, and its target when nobody watches it any more. */
static void
presence_unlink(struct client *c, struct presence_link *l)
{
	struct presence_target *t = l->target;

	TAILQ_REMOVE(&t->links, l, tentry);
	TAILQ_REMOVE(&c->watch->links, l, centry);
	c->watch->n--;
	free(l);
	if (TAILQ_EMPTY(&t->links)) {
		RB_REMOVE(presence_targets, &presence_tree, t);
		free(t);
	}
}

/* Stop watching a nick. */
void
presence_watch_del(struct client *c, const char *nick)
{
	struct presence_link *l;

	if (c->watch == NULL)
		return;
	TAILQ_FOREACH(l, &c->watch->links, centry) {
		if (chat_casecmp(l->target->nick, nick) == 0) {
			presence_unlink(c, l);
			return;
		}
	}
}

/* Stop watching everything. */
void
presence_watch_clear(struct client *c)
{
	struct presence_link *l;

	if (c->watch == NULL)
		return;
	while ((l = TAILQ_FIRST(&c->watch->links)) != NULL)
		presence_unlink(c, l);
	free(c->watch);
	c->watch = NULL;
}

/* How many nicks c watches. */
size_t
presence_watch_count(struct client *c)
{
	return c->watch != NULL ? c->watch->n : 0;
}

/* Call cb for every nick c watches. */
void
presence_watch_list(struct client *c,
    void (*cb)(struct client *, const char *, void *), void *arg)
{
	struct presence_link *l;

	if (c->watch == NULL)
		return;
	TAILQ_FOREACH(l, &c->watch->links, centry)
		cb(c, l->target->nick, arg);
}

/* Call cb for every client watching nick. */
void
presence_watchers(
    const char *nick, void (*cb)(struct client *, void *), void *arg)
{
	struct presence_target *t = presence_find(nick);
	struct presence_link *l;

	if (t == NULL)
		return;
	TAILQ_FOREACH(l, &t->links, tentry)
		cb(l->client, arg);
}

/* Nothing is left once every client is gone; kept for symmetry. */
void
presence_free_all(void)
{
	struct presence_target *t;

	while ((t = RB_MIN(presence_targets, &presence_tree)) != NULL) {
		RB_REMOVE(presence_targets, &presence_tree, t);
		free(t);
	}
}
