/*
 * PRIVMSG, NOTICE and TAGMSG, to nicks and channels. Client-only tags
 * (IRCv3 message-tags: keys starting with '+', such as +typing) travel
 * with the message to recipients that enabled message-tags; TAGMSG, which
 * is nothing but tags, goes only to them.
 */

#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

/* Why c may not speak in ch, or NULL if it may. */
static const char *
message_channel_refused(struct client *c, struct channel *ch)
{
	struct member *mb = channel_member(ch, &c->user);

	if (mb == NULL) {
		if (ch->modes & CHAN_NOEXTERNAL)
			return "no external messages";
		if (ch->modes & CHAN_MODERATED)
			return "+m";
		if (channel_banned(ch, &c->user))
			return "you are banned";
		if (channel_muted(ch, &c->user))
			return "you are muted";
		return NULL;
	}
	if (mb->modes & (MEMBER_OP | MEMBER_VOICE))
		return NULL;
	if (ch->modes & CHAN_MODERATED)
		return "+m";
	if (channel_banned(ch, &c->user))
		return "you are banned";
	if (channel_muted(ch, &c->user))
		return "you are muted";
	return NULL;
}

/*
 * The user who gets a private message to target, or NULL. The
 * holder of a registered account's nick gets it only while logged in to
 * that account: anyone may sit on the nick during nick-grace, and must
 * not read the owner's messages (they are routed to the account).
 */
static struct user *
message_nick_user(const char *target)
{
	struct user *to = user_find(target);

	if (to == NULL || !user_registered(to))
		return NULL;
	if (account_exists(target) &&
	    (to->account == NULL || chat_casecmp(to->account, target) != 0))
		return NULL;
	return to;
}

/*
 * The tags every relayed message carries: time, a message id (kept with
 * the message in history) and the sender's account.
 */
static void
message_tags(struct client *c, char *buf, size_t len, char *msgid, size_t idlen,
    int64_t *time_ms)
{
	static uint64_t counter;
	struct timeval tv;
	char when[64];

	gettimeofday(&tv, NULL);
	*time_ms = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	history_format_time(*time_ms, true, when, sizeof when);
	snprintf(msgid, idlen, "%llx-%llx", (unsigned long long)start_time,
	    (unsigned long long)++counter);
	snprintf(buf, len, "time=%s;msgid=%s%s%s%s", when, msgid,
	    c->user.account != NULL ? ";account=" : "",
	    c->user.account != NULL ? c->user.account : "",
	    (c->user.modes & USER_BOT) ? ";bot" : "");
}

/* Append the sender's client-only tags to tags (at most 4094 bytes). */
static void
message_client_tags(struct chat_msg *m, char *tags, size_t len)
{
	char esc[CHAT_TAGS_MAX];
	const char *key, *value;
	size_t i, need, start = strlen(tags);

	for (i = 0; i < m->ntags; i++) {
		key = m->tags[i].key;
		value = m->tags[i].value;
		if (key[0] != '+')
			continue;
		esc[0] = '\0';
		if (value != NULL && *value != '\0' &&
		    chat_tag_escape(esc, sizeof esc, value) < 0)
			continue;
		/* ";key=value" */
		need = 1 + strlen(key) + (esc[0] != '\0' ? 1 + strlen(esc) : 0);
		if (strlen(tags) - start + need > 4094 ||
		    strlen(tags) + need >= len)
			break;
		strlcat(tags, ";", len);
		strlcat(tags, key, len);
		if (esc[0] != '\0') {
			strlcat(tags, "=", len);
			strlcat(tags, esc, len);
		}
	}
}

/* Deliver one message to one target; text NULL is a TAGMSG. */
static void
message_one(struct client *c, struct chat_msg *m, const char *cmd,
    const char *target, const char *text, bool notice)
{
	struct channel *ch;
	struct user *to;
	struct route_sel sel = { 0 };
	struct rline rl;
	char prefix[CHAT_LINE_MAX], tags[CHAT_TAGS_MAX], msgid[64];
	const char *why;
	int64_t time_ms;

	user_prefix(&c->user, prefix, sizeof prefix);
	message_tags(c, tags, sizeof tags, msgid, sizeof msgid, &time_ms);
	message_client_tags(m, tags, sizeof tags);
	if (text == NULL) {
		if (chat_is_channel(target)) {
			if ((ch = channel_find(target)) == NULL) {
				SEND_NUMERIC(c, ERR_NOSUCHCHANNEL, target);
				return;
			}
			if ((why = message_channel_refused(c, ch)) != NULL) {
				SEND_NUMERIC(
				    c, ERR_CANNOTSENDTOCHAN, ch->name, why);
				return;
			}
			route_init(&rl, tags, prefix, "TAGMSG %s", ch->name);
			sel.except = &c->user;
			sel.cap = CAP_MESSAGE_TAGS;
			sel.with = &rl;
			sel.nwith = 1;
			route_channel_sel(ch, &sel);
		} else {
			to = message_nick_user(target);
			if (to == NULL && !account_exists(target)) {
				/* A squatter's nick: the tags go nowhere. */
				SEND_NUMERIC(c, ERR_NOSUCHNICK, target);
				return;
			}
			route_init(&rl, tags, prefix, "TAGMSG %s",
			    to != NULL ? to->nick : target);
			/* To oneself, the echo below is the one copy. */
			if (to != NULL &&
			    (to != &c->user || !(c->caps & CAP_ECHO_MESSAGE)))
				route_user_cap(to, CAP_MESSAGE_TAGS, &rl);
		}
		if ((c->caps & (CAP_ECHO_MESSAGE | CAP_MESSAGE_TAGS)) ==
		    (CAP_ECHO_MESSAGE | CAP_MESSAGE_TAGS))
			route_client(c, &rl);
		return;
	}
	/* STATUSMSG: @#chan reaches only the channel's operators. */
	if (target[0] == '@' && chat_is_channel(target + 1)) {
		if ((ch = channel_find(target + 1)) == NULL) {
			if (!notice)
				SEND_NUMERIC(c, ERR_NOSUCHCHANNEL, target + 1);
			return;
		}
		if ((why = message_channel_refused(c, ch)) != NULL) {
			SEND_NUMERIC(c, ERR_CANNOTSENDTOCHAN, ch->name, why);
			return;
		}
		route_init(
		    &rl, tags, prefix, "%s @%s :%s", cmd, ch->name, text);
		route_channel_ops(ch, &c->user, &rl);
		if (c->caps & CAP_ECHO_MESSAGE)
			route_client(c, &rl);
		return;
	}
	if (chat_is_channel(target)) {
		if ((ch = channel_find(target)) == NULL) {
			/* NOTICE never triggers automatic replies. */
			if (!notice)
				SEND_NUMERIC(c, ERR_NOSUCHCHANNEL, target);
			return;
		}
		if ((why = message_channel_refused(c, ch)) != NULL) {
			SEND_NUMERIC(c, ERR_CANNOTSENDTOCHAN, ch->name, why);
			return;
		}
		route_init(&rl, tags, prefix, "%s %s :%s", cmd, ch->name, text);
		route_channel(ch, &c->user, &rl);
		/* With history, the echo waits for its commit. */
		if (history_record(c, ch, cmd, text, msgid, time_ms,
		        (c->caps & CAP_ECHO_MESSAGE) ? &rl : NULL, 1))
			return;
	} else {
		if ((to = message_nick_user(target)) == NULL) {
			/* The account may be online under another nick. */
			if (account_exists(target)) {
				route_init(&rl, tags, prefix, "%s %s :%s", cmd,
				    target, text);
				if (route_account(target, &rl) > 0) {
					history_record_private(c, target, cmd,
					    text, msgid, time_ms);
					if (c->caps & CAP_ECHO_MESSAGE)
						route_client(c, &rl);
					return;
				}
			}
			if (account_offline_message(
			        c, target, cmd, text, msgid, time_ms))
				return;
			SEND_NUMERIC(c, ERR_NOSUCHNICK, target);
			return;
		}
		route_init(&rl, tags, prefix, "%s %s :%s", cmd, to->nick, text);
		/*
		 * To oneself with echo-message, the echo is the one copy, so a
		 * labeled message comes back as the labeled echo itself.
		 */
		if (to != &c->user || !(c->caps & CAP_ECHO_MESSAGE))
			route_user(to, &rl);
		history_record_private(
		    c, to->account, cmd, text, msgid, time_ms);
		if (!notice && to->away != NULL)
			SEND_NUMERIC(c, RPL_AWAY, to->nick, to->away);
	}
	if (c->caps & CAP_ECHO_MESSAGE)
		route_client(c, &rl);
}

/*
 * Deliver a draft/multiline message (multiline.c collected its lines):
 * as a batch to recipients with the capability (and batch and
 * message-tags, which it needs), as plain lines to the others. History
 * keeps it as one message.
 */
void
message_multiline(struct client *c, const char *cmd, const char *target,
    const char *ctags, const struct ml_line *lines, size_t n)
{
	struct route_sel sel = { 0 };
	struct rline *with, *without, *echo;
	struct channel *ch = NULL;
	struct user *to = NULL;
	char prefix[CHAT_LINE_MAX], tags[CHAT_TAGS_MAX], msgid[64], *text;
	const char *why, *name = target;
	size_t i, nwith, nwithout, necho;
	int64_t time_ms;
	bool notice = strcmp(cmd, "NOTICE") == 0;

	if (chat_is_channel(target)) {
		if ((ch = channel_find(target)) == NULL) {
			if (!notice)
				SEND_NUMERIC(c, ERR_NOSUCHCHANNEL, target);
			return;
		}
		if ((why = message_channel_refused(c, ch)) != NULL) {
			SEND_NUMERIC(c, ERR_CANNOTSENDTOCHAN, ch->name, why);
			return;
		}
		name = ch->name;
	} else if ((to = message_nick_user(target)) != NULL)
		name = to->nick;
	else if (!account_exists(target)) {
		SEND_NUMERIC(c, ERR_NOSUCHNICK, target);
		return;
	}
	c->user.last_active = time(NULL);
	user_prefix(&c->user, prefix, sizeof prefix);
	message_tags(c, tags, sizeof tags, msgid, sizeof msgid, &time_ms);
	if (ctags != NULL)
		strlcat(tags, ctags, sizeof tags);
	with = xcalloc(n + 2, sizeof *with);
	without = xcalloc(n, sizeof *without);
	nwith = multiline_format(
	    with, without, &nwithout, tags, prefix, cmd, name, lines, n, NULL);
	sel.cap = CAP_MULTILINE | CAP_BATCH | CAP_MESSAGE_TAGS;
	sel.with = with;
	sel.nwith = nwith;
	sel.without = without;
	sel.nwithout = nwithout;
	text = multiline_join(lines, n);
	/* The sender's own copy, if it asked for echoes. */
	echo = (c->caps & sel.cap) == sel.cap ? with : without;
	necho = (c->caps & sel.cap) == sel.cap ? nwith : nwithout;
	if (!(c->caps & CAP_ECHO_MESSAGE))
		necho = 0;
	if (ch != NULL) {
		sel.except = &c->user;
		route_channel_sel(ch, &sel);
		/* With history, the echo waits for its commit. */
		if (history_record(c, ch, cmd, text, msgid, time_ms,
		        necho > 0 ? echo : NULL, necho))
			necho = 0;
	} else if (to != NULL) {
		if (to != &c->user || !(c->caps & CAP_ECHO_MESSAGE))
			route_user_sel(to, &sel);
		history_record_private(
		    c, to->account, cmd, text, msgid, time_ms);
		if (!notice && to->away != NULL)
			SEND_NUMERIC(c, RPL_AWAY, to->nick, to->away);
	} else if (route_account_sel(target, &sel) > 0)
		history_record_private(c, target, cmd, text, msgid, time_ms);
	else {
		necho = 0;
		if (!account_offline_message(
		        c, target, cmd, text, msgid, time_ms))
			SEND_NUMERIC(c, ERR_NOSUCHNICK, target);
	}
	for (i = 0; i < necho; i++)
		route_client(c, &echo[i]);
	free(text);
	free(with);
	free(without);
}

/* PRIVMSG/NOTICE <target>[,<target>...] <text>. */
static enum cmd_result
message_send(struct client *c, struct chat_msg *m, bool notice)
{
	const char *cmd = notice ? "NOTICE" : "PRIVMSG";
	char targets[CHAT_LINE_MAX], *t, *last;
	int n = 0;

	if (m->argc < 1 || *m->argv[0] == '\0') {
		SEND_NUMERIC(c, ERR_NORECIPIENT, cmd);
		return CMD_OK;
	}
	if (m->argc < 2 || *m->argv[1] == '\0') {
		SEND_NUMERIC(c, ERR_NOTEXTTOSEND);
		return CMD_OK;
	}
	c->user.last_active = time(NULL);
	strlcpy(targets, m->argv[0], sizeof targets);
	for (t = strtok_r(targets, ",", &last); t != NULL;
	     t = strtok_r(NULL, ",", &last)) {
		if (++n > 4) {
			SEND_NUMERIC(c, ERR_UNKNOWNERROR, cmd,
			    "Too many targets (at most 4)");
			break;
		}
		message_one(c, m, cmd, t, m->argv[1], notice);
	}
	return CMD_OK;
}

/* PRIVMSG <target> <text>. */
enum cmd_result
cmd_privmsg(struct client *c, struct chat_msg *m)
{
	return message_send(c, m, false);
}

/* NOTICE <target> <text>. */
enum cmd_result
cmd_notice(struct client *c, struct chat_msg *m)
{
	return message_send(c, m, true);
}

/* TAGMSG <target>: only tags, for clients with message-tags. */
enum cmd_result
cmd_tagmsg(struct client *c, struct chat_msg *m)
{
	if (*m->argv[0] == '\0') {
		SEND_NUMERIC(c, ERR_NORECIPIENT, "TAGMSG");
		return CMD_OK;
	}
	message_one(c, m, "TAGMSG", m->argv[0], NULL, true);
	return CMD_OK;
}
