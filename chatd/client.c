/* Clients: the connections of this node, registration and timeouts. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "chatd.h"

static uint64_t client_next_id = 1;

/* Allocate a client for a new connection. */
struct client *
client_new(const char *addr)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->user.id = client_next_id++;
	c->user.conn = c;
	c->fd = -1;
	c->user.host = xstrdup(addr);
	c->user.signon = time(NULL);
	c->user.last_active = c->user.signon;
	TAILQ_INIT(&c->user.channels);
	LIST_INIT(&c->refs);
	nclients++;
	nunregistered++;
	return c;
}

/* Free a client that has already left (client_exit). */
void
client_free(struct client *c)
{
	struct client_ref *r;

	while ((r = LIST_FIRST(&c->refs)) != NULL)
		client_ref_clear(r);
	free(c->sasl_mech);
	free(c->sasl_buf);
	multiline_free(c);
	metadata_client_free(c);
	free(c->user.realname);
	free(c->user.host);
	free(c->user.away);
	free(c->user.account);
	free(c->quit_reason);
	free(c->label);
	if (c->capture != NULL)
		evbuffer_free(c->capture);
	if (c->held != NULL)
		evbuffer_free(c->held);
	free(c);
}

/* Give a client a nick (the caller checked it is free and valid). */
void
client_set_nick(struct client *c, const char *nick)
{
	whowas_add(&c->user);
	user_set_nick(&c->user, nick);
	c->flags |= CLIENT_NICK;
	if (c->flags & CLIENT_REGISTERED)
		account_nick_changed(c);
}

/*
 * A registered client changes nick: its peers and itself see NICK, then
 * MONITOR and the games follow the new nick (the one sequence for NICK
 * and for a rename forced by a registered account's nick-grace).
 */
void
client_change_nick(struct client *c, const char *nick)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX], old[CHAT_NICK_MAX + 1];

	user_prefix(&c->user, prefix, sizeof prefix);
	strlcpy(old, c->user.nick, sizeof old);
	route_init(&rl, NULL, prefix, "NICK :%s", nick);
	route_peers(&c->user, true, &rl);
	client_set_nick(c, nick);
	cluster_user_nick(c, old);
	if (chat_casecmp(old, nick) != 0) {
		presence_offline(c, old);
		presence_online(c);
	}
	ttt_client_online(c);
}

/*
 * Give a client a nick that is free here and, in a cluster, claimed:
 * the first registers it (with USER), a later one is a change.
 */
void
client_take_nick(struct client *c, const char *nick)
{
	if (!(c->flags & CLIENT_REGISTERED)) {
		client_set_nick(c, nick);
		client_try_register(c);
		return;
	}
	client_change_nick(c, nick);
}

/* Point a weak reference at a client (or at nothing). */
void
client_ref_set(struct client_ref *r, struct client *c)
{
	r->client = c;
	if (c != NULL)
		LIST_INSERT_HEAD(&c->refs, r, entry);
}

/* Detach a weak reference; its client pointer becomes NULL. */
void
client_ref_clear(struct client_ref *r)
{
	if (r->client == NULL)
		return;
	LIST_REMOVE(r, entry);
	r->client = NULL;
}

/* The client's nick, or "*" before it has one. */
const char *
client_name(struct client *c)
{
	return user_name(&c->user);
}

/* Complete registration once NICK and USER are in and CAP is done. */
void
client_try_register(struct client *c)
{
	if ((c->flags & (CLIENT_NICK | CLIENT_USER)) !=
	    (CLIENT_NICK | CLIENT_USER))
		return;
	if (c->flags & (CLIENT_CAPNEG | CLIENT_REGISTERED | CLIENT_DEAD))
		return;
	if (!pass_ready(c))
		return;
	c->flags |= CLIENT_REGISTERED;
	nunregistered--;
	if (nclients - nunregistered > peak_users)
		peak_users = nclients - nunregistered;
	log_debug("client %s registered from %s", c->user.nick, c->user.host);
	cluster_user_add(c);
	cmd_welcome(c);
	presence_online(c);
	ttt_client_online(c);
	file_client_online(c);
	account_welcome(c);
	metadata_welcome(c);
}

/* A client leaves: its peers see QUIT, its state goes away. */
void
client_exit(struct client *c, const char *reason)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX];
	bool registered = (c->flags & CLIENT_REGISTERED) != 0;

	account_client_exit(c);
	if (c->flags & CLIENT_REGISTERED) {
		user_prefix(&c->user, prefix, sizeof prefix);
		route_init(&rl, NULL, prefix, "QUIT :%s",
		    reason != NULL ? reason : "Client quit");
		route_peers(&c->user, false, &rl);
		ttt_client_exit(c);
		part_all_channels(c, NULL);
		presence_offline(c, c->user.nick);
		whowas_add(&c->user);
	} else
		nunregistered--;
	if (c->user.modes & USER_OPER)
		nopers--;
	if (c->user.modes & USER_INVISIBLE)
		ninvisible--;
	presence_watch_clear(c);
	file_client_exit(c);
	cluster_user_exit(c, registered);
	user_clear_nick(&c->user);
	c->flags &= ~(CLIENT_NICK | CLIENT_REGISTERED);
	c->user.modes &= ~USER_INVISIBLE;
	nclients--;
	log_debug("client %s from %s gone: %s", c->user.nick, c->user.host,
	    reason != NULL ? reason : "");
}

/* Registration and ping timeouts, called about once a second. */
void
client_timer_check(struct client *c, int64_t now)
{
	char reason[64];
	int64_t idle = now - c->last_read;

	if (c->flags & CLIENT_DEAD)
		return;
	if (!(c->flags & CLIENT_REGISTERED)) {
		if (idle > (int64_t)cfg->reg_timeout * 1000 ||
		    time(NULL) - c->user.signon > (time_t)cfg->reg_timeout)
			conn_kill(c, "Registration timed out");
		return;
	}
	if (!(c->flags & CLIENT_PINGED)) {
		if (idle > (int64_t)cfg->ping_interval * 1000) {
			c->flags |= CLIENT_PINGED;
			send_raw(c, "PING :%s", cfg->server_name);
		}
		return;
	}
	if (idle > (int64_t)(cfg->ping_interval + cfg->ping_timeout) * 1000) {
		snprintf(reason, sizeof reason, "Ping timeout: %lld seconds",
		    (long long)(idle / 1000));
		conn_kill(c, reason);
	}
}
