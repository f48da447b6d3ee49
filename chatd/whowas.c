/*
 * WHOWAS: the nicks users had lately, kept in a bounded ring (the oldest
 * entry is forgotten first) and listed newest first.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

/* Entries kept, for all nicks together. */
#define WHOWAS_MAX 1024

/* One nick as it was when it was given up. */
struct whowas {
	char nick[CHAT_NICK_MAX + 1];
	char user[CHAT_USER_MAX + 1];
	char *host;
	char *realname;
	time_t when;
};

static struct whowas whowas_ring[WHOWAS_MAX];
static size_t whowas_next; /* the slot written next */

/* Remember u's nick, user, host and real name as they are now. */
void
whowas_add(struct user *u)
{
	struct whowas *w = &whowas_ring[whowas_next];

	if (!user_registered(u))
		return;
	free(w->host);
	free(w->realname);
	strlcpy(w->nick, u->nick, sizeof w->nick);
	strlcpy(w->user, u->username, sizeof w->user);
	w->host = xstrdup(u->host);
	w->realname = xstrdup(u->realname != NULL ? u->realname : "");
	w->when = time(NULL);
	whowas_next = (whowas_next + 1) % WHOWAS_MAX;
}

/* Forget everything (at shutdown). */
void
whowas_free_all(void)
{
	size_t i;

	for (i = 0; i < WHOWAS_MAX; i++) {
		free(whowas_ring[i].host);
		free(whowas_ring[i].realname);
	}
	memset(whowas_ring, 0, sizeof whowas_ring);
	whowas_next = 0;
}

/*
 * WHOWAS <nick> [count [server]]: 314 and 312 for each time nick was
 * given up, newest first; count 0 or less (or none) lists them all.
 */
enum cmd_result
cmd_whowas(struct client *c, struct chat_msg *m)
{
	const char *nick = m->argv[0];
	struct whowas *w;
	char when[64];
	long count = 0, n = 0;
	size_t i;

	if (*nick == '\0') {
		SEND_NUMERIC(c, ERR_NONICKNAMEGIVEN);
		return CMD_OK;
	}
	if (m->argc > 1)
		count = strtol(m->argv[1], NULL, 10);
	for (i = 1; i <= WHOWAS_MAX; i++) {
		w = &whowas_ring[(whowas_next + WHOWAS_MAX - i) % WHOWAS_MAX];
		if (w->host == NULL)
			break;
		if (chat_casecmp(w->nick, nick) != 0)
			continue;
		history_format_time(
		    (int64_t)w->when * 1000, false, when, sizeof when);
		SEND_NUMERIC(
		    c, RPL_WHOWASUSER, w->nick, w->user, w->host, w->realname);
		SEND_NUMERIC(
		    c, RPL_WHOISSERVER, w->nick, cfg->server_name, when);
		if (++n == count)
			break;
	}
	if (n == 0)
		SEND_NUMERIC(c, ERR_WASNOSUCHNICK, nick);
	SEND_NUMERIC(c, RPL_ENDOFWHOWAS, nick);
	return CMD_OK;
}
