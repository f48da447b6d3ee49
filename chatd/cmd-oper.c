/*
 * Server operators: OPER, KILL, REHASH, DIE. Operators are "oper NAME
 * HASH" lines in chatd.conf, HASH being what `chatd --hash-password`
 * prints. The password is checked on the worker thread; the client keeps
 * talking meanwhile and gets 381 or 464 when the check is done.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chatd.h"

/* OPER checks in flight at once; more are refused, not queued. */
#define OPER_MAX_PENDING 8

/* One OPER attempt on its way through the worker. */
struct oper_check {
	struct conn_wait wait; /* the client, which may be gone by then */
	char name[64];
	char *hash;
	char *password;
	bool ok;
};

/* The hash configured for an operator name, or NULL. */
static const char *
oper_find(const char *name, char *buf, size_t len)
{
	struct config_str *s;
	size_t n;

	TAILQ_FOREACH(s, &cfg->opers, entry) {
		n = strcspn(s->value, " \t");
		if (n != strlen(name) || strncmp(s->value, name, n) != 0)
			continue;
		strlcpy(buf, s->value + n + strspn(s->value + n, " \t"), len);
		return buf;
	}
	return NULL;
}

/* On the worker: compare the password with the hash. */
static void
oper_work(void *arg)
{
	struct oper_check *oc = arg;

	oc->ok = passwd_verify(oc->hash, oc->password);
}

/* Checks queued or running: each holds a worker for tens of ms. */
static unsigned oper_pending;

/* Back on the loop: grant operator status or refuse. */
static void
oper_done(void *arg)
{
	struct oper_check *oc = arg;
	struct client *c;

	oper_pending--;
	if ((c = conn_wait_reply(&oc->wait)) != NULL) {
		if (!oc->ok) {
			log_warn("failed OPER %s by %s from %s", oc->name,
			    c->user.nick, c->user.host);
			SEND_NUMERIC(c, ERR_PASSWDMISMATCH);
		} else {
			log_info("%s from %s is now operator %s", c->user.nick,
			    c->user.host, oc->name);
			if (!(c->user.modes & USER_OPER)) {
				c->user.modes |= USER_OPER;
				nopers++;
				send_raw(c, ":%s MODE %s :+o", c->user.nick,
				    c->user.nick);
				cluster_user_changed(c);
			}
			SEND_NUMERIC(c, RPL_YOUREOPER);
		}
	}
	conn_wait_end(&oc->wait);
	explicit_bzero(oc->password, strlen(oc->password));
	free(oc->password);
	free(oc->hash);
	free(oc);
}

/* OPER <name> <password>. */
enum cmd_result
cmd_oper(struct client *c, struct chat_msg *m)
{
	struct oper_check *oc;
	char hash[512];

	if (oper_find(m->argv[0], hash, sizeof hash) == NULL) {
		log_warn("OPER %s by %s from %s: no such operator", m->argv[0],
		    c->user.nick, c->user.host);
		SEND_NUMERIC(c, ERR_NOOPERHOST);
		return CMD_OK;
	}
	if (oper_pending >= OPER_MAX_PENDING) {
		send_fail(c, "OPER", "TEMPORARILY_UNAVAILABLE", NULL,
		    "Another password check is running; try again");
		return CMD_OK;
	}
	oc = xcalloc(1, sizeof *oc);
	strlcpy(oc->name, m->argv[0], sizeof oc->name);
	oc->hash = xstrdup(hash);
	oc->password = xstrdup(m->argv[1]);
	explicit_bzero(m->argv[1], strlen(m->argv[1]));
	conn_wait_begin(&oc->wait, c);
	oper_pending++;
	workq_add(oper_work, oper_done, oc);
	return CMD_OK;
}

/* WALLOPS <text>: an operator's message to every user with +w. */
enum cmd_result
cmd_wallops(struct client *c, struct chat_msg *m)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX];

	if (*m->argv[0] == '\0') {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "WALLOPS");
		return CMD_OK;
	}
	user_prefix(&c->user, prefix, sizeof prefix);
	route_init(&rl, NULL, prefix, "WALLOPS :%s", m->argv[0]);
	route_all_with(USER_WALLOPS, &rl);
	return CMD_OK;
}

/* KILL <nick> <reason>: disconnect someone, whoever they are. */
enum cmd_result
cmd_kill(struct client *c, struct chat_msg *m)
{
	struct user *victim;
	struct rline rl;
	char prefix[CHAT_LINE_MAX], reason[CHAT_KICK_MAX + 1];
	char why[CHAT_LINE_MAX];

	if (chat_casecmp(m->argv[0], cfg->server_name) == 0) {
		SEND_NUMERIC(c, ERR_CANTKILLSERVER);
		return CMD_OK;
	}
	if ((victim = user_find(m->argv[0])) == NULL ||
	    !user_registered(victim)) {
		SEND_NUMERIC(c, ERR_NOSUCHNICK, m->argv[0]);
		return CMD_OK;
	}
	strlcpy(reason, *m->argv[1] != '\0' ? m->argv[1] : "No reason",
	    sizeof reason);
	reason[chat_utf8_cut(reason, strlen(reason), CHAT_KICK_MAX)] = '\0';
	user_prefix(&c->user, prefix, sizeof prefix);
	log_info("KILL %s by %s: %s", victim->nick, c->user.nick, reason);
	route_init(&rl, NULL, prefix, "KILL %s :%s", victim->nick, reason);
	snprintf(why, sizeof why, "Killed (%s (%s))", c->user.nick, reason);
	route_kill(victim, &rl, why);
	if (victim == &c->user)
		return CMD_CLOSED;
	send_notice(c, "*** Killed %s (%s)", victim->nick, reason);
	return CMD_OK;
}

/* REHASH: reload chatd.conf, as SIGHUP does. */
enum cmd_result
cmd_rehash(struct client *c, struct chat_msg *m UNUSED)
{
	char *cause = NULL;
	const char *base = strrchr(cfg->path, '/');

	SEND_NUMERIC(c, RPL_REHASHING, base != NULL ? base + 1 : cfg->path);
	log_info("REHASH by %s", c->user.nick);
	if (chatd_rehash(&cause) != 0) {
		send_fail(c, "REHASH", "CONFIG_ERROR", NULL,
		    "Kept the old configuration: %s", cause);
		free(cause);
		return CMD_OK;
	}
	send_note(c, "REHASH", "RELOADED", "The configuration was reloaded");
	return CMD_OK;
}

/* Why the server dies, for the event that does it. */
static char cmd_die_reason[CHAT_LINE_MAX];

/* Shut down from the loop, never inside a client's callback. */
static void
cmd_die_later(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	chatd_die(cmd_die_reason);
}

/* DIE [reason]: shut the server down. */
enum cmd_result
cmd_die(struct client *c, struct chat_msg *m)
{
	struct timeval now = { 0, 0 };

	if (cmd_die_reason[0] != '\0')
		return CMD_CLOSED; /* already dying */
	if (m->argc > 0 && *m->argv[0] != '\0')
		snprintf(cmd_die_reason, sizeof cmd_die_reason,
		    "Server shutting down (DIE by %s: %s)", c->user.nick,
		    m->argv[0]);
	else
		snprintf(cmd_die_reason, sizeof cmd_die_reason,
		    "Server shutting down (DIE by %s)", c->user.nick);
	log_warn("%s", cmd_die_reason);
	event_base_once(ev_base, -1, EV_TIMEOUT, cmd_die_later, NULL, &now);
	return CMD_CLOSED;
}
