/*
 * Users: who someone is, wherever connected. A user of this node lives
 * inside its connection (struct client); a user of another node is made
 * here with user_new_remote and has no connection. Either is in the nick
 * tree, can be a channel member and is reached through route.c.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatd.h"

/* Compare users by folded nick. */
static int
user_nick_cmp(struct user *a, struct user *b)
{
	return strcmp(a->fold, b->fold);
}
RB_GENERATE(nicks, user, nick_entry, user_nick_cmp);

/* Find a user by nick (any case), registered or not yet. */
struct user *
user_find(const char *nick)
{
	struct user find;

	chat_casefold(find.fold, nick, sizeof find.fold);
	return RB_FIND(nicks, &nick_tree, &find);
}

/* Put a user in the nick tree under a new nick (checked free and valid). */
void
user_set_nick(struct user *u, const char *nick)
{
	user_clear_nick(u);
	strlcpy(u->nick, nick, sizeof u->nick);
	chat_casefold(u->fold, nick, sizeof u->fold);
	RB_INSERT(nicks, &nick_tree, u);
	u->named = true;
}

/* Take a user out of the nick tree (it keeps its last nick for QUIT). */
void
user_clear_nick(struct user *u)
{
	if (!u->named)
		return;
	RB_REMOVE(nicks, &nick_tree, u);
	u->named = false;
}

/* The user's nick, or "*" before it has one. */
const char *
user_name(const struct user *u)
{
	return u->named ? u->nick : "*";
}

/* nick!user@host into buf. */
void
user_prefix(const struct user *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s!%s@%s", user_name(u),
	    u->username[0] != '\0' ? u->username : "*", u->host);
}

/* Whether a user has registered (a remote user always has). */
bool
user_registered(const struct user *u)
{
	return u->conn == NULL || (u->conn->flags & CLIENT_REGISTERED);
}

/* A user who lives on another node, put in the nick tree. */
struct user *
user_new_remote(const char *node, const char *nick, const char *username,
    const char *host, const char *realname)
{
	struct user *u = xcalloc(1, sizeof *u);

	u->node = xstrdup(node);
	strlcpy(u->username, username, sizeof u->username);
	u->host = xstrdup(host);
	u->realname = xstrdup(realname);
	u->signon = time(NULL);
	u->last_active = u->signon;
	TAILQ_INIT(&u->channels);
	user_set_nick(u, nick);
	return u;
}

/* Forget a remote user: out of its channels and the nick tree. */
void
user_free_remote(struct user *u)
{
	struct member *m;

	while ((m = TAILQ_FIRST(&u->channels)) != NULL)
		channel_leave(m);
	user_clear_nick(u);
	free((char *)u->node);
	free(u->host);
	free(u->realname);
	free(u->away);
	free(u->account);
	metadata_user_free(u);
	free(u);
}
