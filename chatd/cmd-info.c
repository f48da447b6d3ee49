/*
 * Information and presence commands: HELP MOTD VERSION LUSERS TIME ADMIN
 * INFO WHO WHOIS ISON USERHOST AWAY MONITOR.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "chatd.h"

/* The MOTD (read with the configuration), the built-in guide, or 422. */
void
motd_reply(struct client *c)
{
	static const char *const builtin[] = {
		"Welcome to chatd, a small self-hosted chat server.",
		"  JOIN #name             join a group (created if new)",
		"  PRIVMSG #name :hello   talk in it",
		"  PRIVMSG nick :hi       send a private message",
		"  HELP                   list every command",
	};
	struct config_str *s;
	size_t i;

	/* Without a motd-file a short built-in guide helps netcat users. */
	if (cfg->motd_file == NULL) {
		SEND_NUMERIC(c, RPL_MOTDSTART, cfg->server_name);
		for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
			SEND_NUMERIC(c, RPL_MOTD, builtin[i]);
		SEND_NUMERIC(c, RPL_ENDOFMOTD);
		return;
	}
	if (cfg->motd_missing) {
		SEND_NUMERIC(c, ERR_NOMOTD);
		return;
	}
	SEND_NUMERIC(c, RPL_MOTDSTART, cfg->server_name);
	TAILQ_FOREACH(s, &cfg->motd, entry)
		SEND_NUMERIC(c, RPL_MOTD, s->value);
	SEND_NUMERIC(c, RPL_ENDOFMOTD);
}

/* 251-255, 265, 266. */
void
lusers_reply(struct client *c)
{
	unsigned users = nclients - nunregistered, invisible = ninvisible;
	unsigned nchan = nchannels_all;

	/* Counters, not walks: this runs at every registration. */
	SEND_NUMERIC(c, RPL_LUSERCLIENT, users - invisible, invisible);
	SEND_NUMERIC(c, RPL_LUSEROP, nopers);
	SEND_NUMERIC(c, RPL_LUSERUNKNOWN, nunregistered);
	SEND_NUMERIC(c, RPL_LUSERCHANNELS, nchan);
	SEND_NUMERIC(c, RPL_LUSERME, users);
	SEND_NUMERIC(c, RPL_LOCALUSERS, users, peak_users, users, peak_users);
	SEND_NUMERIC(c, RPL_GLOBALUSERS, users, peak_users, users, peak_users);
}

/* HELP [command]. */
enum cmd_result
cmd_help(struct client *c, struct chat_msg *m)
{
	const struct cmd_entry *ce;
	size_t i;

	if (m->argc > 0) {
		if ((ce = cmd_find(m->argv[0])) == NULL) {
			SEND_NUMERIC(c, ERR_HELPNOTFOUND, m->argv[0]);
			return CMD_OK;
		}
		SEND_NUMERIC(c, RPL_HELPSTART, ce->name, ce->usage);
		SEND_NUMERIC(c, RPL_HELPTXT, ce->name, ce->help);
		SEND_NUMERIC(c, RPL_ENDOFHELP, ce->name);
		return CMD_OK;
	}
	SEND_NUMERIC(
	    c, RPL_HELPSTART, "*", "Commands (HELP <command> for details):");
	for (i = 0; i < cmd_count; i++) {
		if ((cmd_table[i].flags & CMD_OPER) &&
		    !(c->user.modes & USER_OPER))
			continue;
		SEND_NUMERIC(c, RPL_HELPTXT, "*", cmd_table[i].usage);
	}
	SEND_NUMERIC(c, RPL_ENDOFHELP, "*");
	return CMD_OK;
}

/*
 * LINKS [[server] mask]: this server alone, when it matches the mask (the
 * last parameter; a remote server to ask is ignored: there is none).
 */
enum cmd_result
cmd_links(struct client *c, struct chat_msg *m)
{
	const char *mask = m->argc > 0 ? m->argv[m->argc - 1] : "*";

	if (chat_mask_match(mask, cfg->server_name))
		SEND_NUMERIC(c, RPL_LINKS, "*", cfg->server_name, 0,
		    "chatd " PACKAGE_VERSION);
	SEND_NUMERIC(c, RPL_ENDOFLINKS, "*");
	return CMD_OK;
}

/* MOTD. */
enum cmd_result
cmd_motd(struct client *c, struct chat_msg *m UNUSED)
{
	motd_reply(c);
	return CMD_OK;
}

/* VERSION. */
enum cmd_result
cmd_version(struct client *c, struct chat_msg *m UNUSED)
{
	char comment[64];

	snprintf(comment, sizeof comment, "libevent %s", event_get_version());
	SEND_NUMERIC(c, RPL_VERSION, CHATD_VERSION, cfg->server_name, comment);
	isupport_reply(c);
	return CMD_OK;
}

/* LUSERS. */
enum cmd_result
cmd_lusers(struct client *c, struct chat_msg *m UNUSED)
{
	lusers_reply(c);
	return CMD_OK;
}

/* TIME. */
enum cmd_result
cmd_time(struct client *c, struct chat_msg *m UNUSED)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%A %B %d %Y -- %H:%M:%S UTC", &tm);
	SEND_NUMERIC(c, RPL_TIME, cfg->server_name, (long long)now, when);
	return CMD_OK;
}

/* ADMIN. */
enum cmd_result
cmd_admin(struct client *c, struct chat_msg *m UNUSED)
{
	SEND_NUMERIC(c, RPL_ADMINME, cfg->server_name);
	SEND_NUMERIC(c, RPL_ADMINLOC1, cfg->admin_name);
	SEND_NUMERIC(c, RPL_ADMINLOC2, cfg->admin_location);
	SEND_NUMERIC(c, RPL_ADMINEMAIL, cfg->admin_email);
	return CMD_OK;
}

/* INFO. */
enum cmd_result
cmd_info(struct client *c, struct chat_msg *m UNUSED)
{
	char up[64];
	struct tm tm;

	gmtime_r(&start_time, &tm);
	strftime(up, sizeof up, "Running since %Y-%m-%d %H:%M:%S UTC", &tm);
	SEND_NUMERIC(c, RPL_INFO, CHATD_VERSION ", a small chat server");
	SEND_NUMERIC(c, RPL_INFO, "Speaks IRC (RFC 1459/2812, IRCv3).");
	SEND_NUMERIC(c, RPL_INFO, up);
	SEND_NUMERIC(c, RPL_ENDOFINFO);
	return CMD_OK;
}

/* The fields a WHOX request asked for, in the order 354 sends them. */
static const char who_fields[] = "tcuihsnfdlaor";

/* A parsed WHOX request: which fields, and the client's token. */
struct who_query {
	bool field[sizeof who_fields - 1];
	char token[4];
};

/*
 * Parse "[flags]%fields[,token]" into q; false for a plain WHO.
 * Unknown field letters are ignored, as the spec asks; a token that is
 * not 1-3 digits is replaced by "0" so the reply keeps its shape.
 */
static bool
who_parse_query(const char *arg, struct who_query *q)
{
	const char *p, *f;
	size_t n;

	memset(q, 0, sizeof *q);
	strlcpy(q->token, "0", sizeof q->token);
	if (arg == NULL || (p = strchr(arg, '%')) == NULL)
		return false;
	for (p++; *p != '\0' && *p != ','; p++) {
		if ((f = strchr(who_fields, *p)) != NULL)
			q->field[f - who_fields] = true;
	}
	if (*p == ',') {
		n = strlen(++p);
		if (n >= 1 && n <= 3 && strspn(p, "0123456789") == n)
			strlcpy(q->token, p, sizeof q->token);
	}
	return true;
}

/* The WHO flags of o: H or G, * for an operator, then @ or +. */
static void
who_flags(
    struct client *c, struct user *o, struct member *mb, char *buf, size_t len)
{
	snprintf(buf, len, "%c%s%s%s", o->away != NULL ? 'G' : 'H',
	    (o->modes & USER_OPER) ? "*" : "", (o->modes & USER_BOT) ? "B" : "",
	    mb != NULL ? channel_prefix(mb, (c->caps & CAP_MULTI_PREFIX) != 0)
	               : "");
}

/* One 354 line with exactly the fields q asked for. */
static void
who_reply_x(struct client *c, const struct who_query *q, const char *chan,
    struct user *o, struct member *mb)
{
	char line[CHAT_LINE_MAX], field[CHAT_LINE_MAX];
	size_t i;

	line[0] = '\0';
	for (i = 0; i < sizeof who_fields - 1; i++) {
		if (!q->field[i])
			continue;
		switch (who_fields[i]) {
		case 't':
			strlcpy(field, q->token, sizeof field);
			break;
		case 'c':
			strlcpy(field, chan, sizeof field);
			break;
		case 'u':
			strlcpy(field, o->username, sizeof field);
			break;
		case 'i':
		case 'h':
			strlcpy(field, o->host, sizeof field);
			break;
		case 's':
			strlcpy(field, cfg->server_name, sizeof field);
			break;
		case 'n':
			strlcpy(field, o->nick, sizeof field);
			break;
		case 'f':
			who_flags(c, o, mb, field, sizeof field);
			break;
		case 'd':
			strlcpy(field, "0", sizeof field);
			break;
		case 'l':
			snprintf(field, sizeof field, "%lld",
			    (long long)(time(NULL) - o->last_active));
			break;
		case 'a':
			strlcpy(field, o->account != NULL ? o->account : "0",
			    sizeof field);
			break;
		case 'o':
			strlcpy(field, "n/a", sizeof field);
			break;
		case 'r':
			/* The realname may hold spaces: always the trailing. */
			snprintf(field, sizeof field, ":%s", o->realname);
			break;
		}
		if (line[0] != '\0')
			strlcat(line, " ", sizeof line);
		strlcat(line, field, sizeof line);
	}
	if (line[0] != '\0') /* "%" alone asks for nothing at all */
		SEND_NUMERIC(c, RPL_WHOSPCRPL, line);
}

/* One 352 line. */
static void
who_reply(struct client *c, const char *chan, struct user *o, struct member *mb)
{
	char flags[8];

	who_flags(c, o, mb, flags, sizeof flags);
	SEND_NUMERIC(c, RPL_WHOREPLY, chan, o->username, o->host,
	    cfg->server_name, o->nick, flags, o->realname);
}

/* Whether c may see o (shares a channel, or o is not invisible). */
static bool
who_visible(struct client *c, struct user *o)
{
	struct member *m;

	if (&c->user == o || !(o->modes & USER_INVISIBLE))
		return true;
	TAILQ_FOREACH(m, &o->channels, uentry) {
		if (channel_member(m->channel, &c->user) != NULL)
			return true;
	}
	return false;
}

/* A channel o is in that c may see, for WHOX's c field; "*" if none. */
static const char *
who_channel(struct client *c, struct user *o)
{
	struct member *m;

	TAILQ_FOREACH(m, &o->channels, uentry) {
		if (!(m->channel->modes & CHAN_SECRET) ||
		    channel_member(m->channel, &c->user) != NULL)
			return m->channel->name;
	}
	return "*";
}

/* WHO <#chan|mask> [[flags]%fields[,token]] (WHOX). */
enum cmd_result
cmd_who(struct client *c, struct chat_msg *m)
{
	struct channel *ch;
	struct member *mb;
	struct user *o;
	char prefix[CHAT_LINE_MAX];
	const char *mask = m->argc > 0 ? m->argv[0] : "*";
	int count = 0;
	bool in, x;
	struct who_query q;

	x = who_parse_query(m->argc > 1 ? m->argv[1] : NULL, &q);
	if (chat_is_channel(mask)) {
		if ((ch = channel_find(mask)) != NULL &&
		    (!(ch->modes & CHAN_SECRET) ||
		        channel_member(ch, &c->user) != NULL)) {
			in = channel_member(ch, &c->user) != NULL;
			TAILQ_FOREACH(mb, &ch->members, centry) {
				if (!in && (mb->user->modes & USER_INVISIBLE))
					continue;
				if (x)
					who_reply_x(
					    c, &q, ch->name, mb->user, mb);
				else
					who_reply(c, ch->name, mb->user, mb);
			}
		}
		SEND_NUMERIC(c, RPL_ENDOFWHO, mask);
		return CMD_OK;
	}
	/* Asking for the exact nick shows even an invisible user. */
	if ((o = user_find(mask)) != NULL && user_registered(o)) {
		if (x)
			who_reply_x(c, &q, who_channel(c, o), o, NULL);
		else
			who_reply(c, "*", o, NULL);
		SEND_NUMERIC(c, RPL_ENDOFWHO, mask);
		return CMD_OK;
	}
	RB_FOREACH(o, nicks, &nick_tree) {
		if (!user_registered(o) || !who_visible(c, o))
			continue;
		user_prefix(o, prefix, sizeof prefix);
		if (!chat_mask_match(mask, o->nick) &&
		    !chat_mask_match(mask, prefix) &&
		    !chat_mask_match(mask, o->host))
			continue;
		if (x)
			who_reply_x(c, &q, who_channel(c, o), o, NULL);
		else
			who_reply(c, "*", o, NULL);
		if (++count >= 200)
			break;
	}
	SEND_NUMERIC(c, RPL_ENDOFWHO, mask);
	return CMD_OK;
}

/*
 * SETNAME <realname> (IRCv3 setname): the new real name goes to the user
 * and its peers that have the capability.
 */
enum cmd_result
cmd_setname(struct client *c, struct chat_msg *m)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX];
	const char *name = m->argv[0];

	if (*name == '\0' || strlen(name) > CHAT_REAL_MAX) {
		send_fail(c, "SETNAME", "INVALID_REALNAME", NULL,
		    "Real names are 1 to %d bytes", CHAT_REAL_MAX);
		return CMD_OK;
	}
	free(c->user.realname);
	c->user.realname = xstrdup(name);
	user_prefix(&c->user, prefix, sizeof prefix);
	route_init(&rl, NULL, prefix, "SETNAME :%s", name);
	route_peers_cap(&c->user, true, CAP_SETNAME, &rl);
	cluster_user_changed(c);
	return CMD_OK;
}

/* WHOIS [server] <nick>. */
enum cmd_result
cmd_whois(struct client *c, struct chat_msg *m)
{
	struct user *o;
	struct member *mb;
	char list[CHAT_LINE_MAX] = "";
	const char *nick;

	if (m->argc < 1 || *m->argv[m->argc - 1] == '\0') {
		SEND_NUMERIC(c, ERR_NONICKNAMEGIVEN);
		return CMD_OK;
	}
	nick = m->argv[m->argc - 1];
	if ((o = user_find(nick)) == NULL || !user_registered(o)) {
		account_whois_offline(c, nick);
		return CMD_OK;
	}
	SEND_NUMERIC(
	    c, RPL_WHOISUSER, o->nick, o->username, o->host, o->realname);
	TAILQ_FOREACH(mb, &o->channels, uentry) {
		if ((mb->channel->modes & CHAN_SECRET) &&
		    channel_member(mb->channel, &c->user) == NULL)
			continue;
		if (strlen(list) + strlen(mb->channel->name) + 4 > 400) {
			SEND_NUMERIC(c, RPL_WHOISCHANNELS, o->nick, list);
			list[0] = '\0';
		}
		if (list[0] != '\0')
			strlcat(list, " ", sizeof list);
		strlcat(list, channel_prefix(mb, false), sizeof list);
		strlcat(list, mb->channel->name, sizeof list);
	}
	if (list[0] != '\0')
		SEND_NUMERIC(c, RPL_WHOISCHANNELS, o->nick, list);
	SEND_NUMERIC(c, RPL_WHOISSERVER, o->nick,
	    o->node != NULL ? o->node : cfg->server_name, cfg->network_name);
	if (o->away != NULL)
		SEND_NUMERIC(c, RPL_AWAY, o->nick, o->away);
	if (o->modes & USER_OPER)
		SEND_NUMERIC(c, RPL_WHOISOPERATOR, o->nick);
	if (o->modes & USER_BOT)
		SEND_NUMERIC(c, RPL_WHOISBOT, o->nick);
	if (o->account != NULL)
		SEND_NUMERIC(c, RPL_WHOISACCOUNT, o->nick, o->account);
	if (o->modes & USER_SECURE)
		SEND_NUMERIC(c, RPL_WHOISSECURE, o->nick);
	metadata_whois(c, o);
	SEND_NUMERIC(c, RPL_WHOISIDLE, o->nick,
	    (long long)(time(NULL) - o->last_active), (long long)o->signon);
	SEND_NUMERIC(c, RPL_ENDOFWHOIS, o->nick);
	return CMD_OK;
}

/* ISON <nick> [nick...]. */
enum cmd_result
cmd_ison(struct client *c, struct chat_msg *m)
{
	char list[CHAT_LINE_MAX] = "", words[CHAT_LINE_MAX], *w, *last;
	struct user *o;
	int i;

	for (i = 0; i < m->argc; i++) {
		strlcpy(words, m->argv[i], sizeof words);
		for (w = strtok_r(words, " ", &last); w != NULL;
		     w = strtok_r(NULL, " ", &last)) {
			if ((o = user_find(w)) == NULL || !user_registered(o))
				continue;
			if (strlen(list) + strlen(o->nick) + 2 > 400)
				break;
			if (list[0] != '\0')
				strlcat(list, " ", sizeof list);
			strlcat(list, o->nick, sizeof list);
		}
	}
	SEND_NUMERIC(c, RPL_ISON, list);
	return CMD_OK;
}

/* USERHOST <nick> [nick...]. */
enum cmd_result
cmd_userhost(struct client *c, struct chat_msg *m)
{
	char list[CHAT_LINE_MAX] = "", item[128];
	struct user *o;
	int i;

	for (i = 0; i < m->argc; i++) {
		if ((o = user_find(m->argv[i])) == NULL || !user_registered(o))
			continue;
		snprintf(item, sizeof item, "%s%s=%c%s@%s", o->nick,
		    (o->modes & USER_OPER) ? "*" : "",
		    o->away != NULL ? '-' : '+', o->username, o->host);
		if (list[0] != '\0')
			strlcat(list, " ", sizeof list);
		strlcat(list, item, sizeof list);
	}
	SEND_NUMERIC(c, RPL_USERHOST, list);
	return CMD_OK;
}

/* AWAY [message]. */
enum cmd_result
cmd_away(struct client *c, struct chat_msg *m)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX], msg[CHAT_AWAY_MAX + 1];

	user_prefix(&c->user, prefix, sizeof prefix);
	if (m->argc < 1 || *m->argv[0] == '\0') {
		replace_str(&c->user.away, NULL);
		SEND_NUMERIC(c, RPL_UNAWAY);
		route_init(&rl, NULL, prefix, "AWAY");
	} else {
		strlcpy(msg, m->argv[0], sizeof msg);
		msg[chat_utf8_cut(msg, strlen(msg), CHAT_AWAY_MAX)] = '\0';
		replace_str(&c->user.away, msg);
		SEND_NUMERIC(c, RPL_NOWAWAY);
		if (strlen(m->argv[0]) > strlen(msg))
			send_warn(c, "AWAY", "TRUNCATED",
			    "Away message cut to %zu bytes (AWAYLEN)",
			    strlen(msg));
		route_init(&rl, NULL, prefix, "AWAY :%s", msg);
	}
	/* away-notify: only peers (and watchers) that asked for it. */
	route_peers_cap(&c->user, false, CAP_AWAY_NOTIFY, &rl);
	cluster_user_changed(c);
	return CMD_OK;
}

/* One MONITOR list entry for L. */
static void
monitor_list_one(struct client *c, const char *nick, void *arg)
{
	char *list = arg;

	if (strlen(list) + strlen(nick) + 2 > 400) {
		SEND_NUMERIC(c, RPL_MONLIST, list);
		list[0] = '\0';
	}
	if (list[0] != '\0')
		strlcat(list, ",", CHAT_LINE_MAX);
	strlcat(list, nick, CHAT_LINE_MAX);
}

/* One MONITOR status entry for S: sorted into online and offline. */
struct monitor_status {
	char on[CHAT_LINE_MAX];
	char off[CHAT_LINE_MAX];
};

/* Add nick to the online or offline list for MONITOR S. */
static void
monitor_status_one(struct client *c, const char *nick, void *arg)
{
	struct monitor_status *st = arg;
	struct user *o = user_find(nick);
	char item[CHAT_LINE_MAX];

	if (o != NULL && user_registered(o)) {
		user_prefix(o, item, sizeof item);
		if (strlen(st->on) + strlen(item) + 2 > 400) {
			SEND_NUMERIC(c, RPL_MONONLINE, st->on);
			st->on[0] = '\0';
		}
		if (st->on[0] != '\0')
			strlcat(st->on, ",", sizeof st->on);
		strlcat(st->on, item, sizeof st->on);
	} else {
		if (strlen(st->off) + strlen(nick) + 2 > 400) {
			SEND_NUMERIC(c, RPL_MONOFFLINE, st->off);
			st->off[0] = '\0';
		}
		if (st->off[0] != '\0')
			strlcat(st->off, ",", sizeof st->off);
		strlcat(st->off, nick, sizeof st->off);
	}
}

/* MONITOR + targets | - targets | C | L | S. */
enum cmd_result
cmd_monitor(struct client *c, struct chat_msg *m)
{
	struct monitor_status st;
	char targets[CHAT_LINE_MAX], list[CHAT_LINE_MAX] = "", *t, *last;
	char rest[CHAT_LINE_MAX] = "";
	int op = m->argv[0][0];

	if ((op == '+' || op == '-') && m->argc < 2) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "MONITOR");
		return CMD_OK;
	}
	switch (op) {
	case '+':
		st.on[0] = st.off[0] = '\0';
		strlcpy(targets, m->argv[1], sizeof targets);
		for (t = strtok_r(targets, ",", &last); t != NULL;
		     t = strtok_r(NULL, ",", &last)) {
			if (!chat_nick_valid(t, CHAT_NICK_MAX))
				continue;
			if (!presence_watch_add(c, t)) {
				strlcpy(rest, t, sizeof rest);
				if (last != NULL && *last != '\0') {
					strlcat(rest, ",", sizeof rest);
					strlcat(rest, last, sizeof rest);
				}
				SEND_NUMERIC(
				    c, ERR_MONLISTFULL, cfg->max_monitor, rest);
				break;
			}
			monitor_status_one(c, t, &st);
		}
		if (st.on[0] != '\0')
			SEND_NUMERIC(c, RPL_MONONLINE, st.on);
		if (st.off[0] != '\0')
			SEND_NUMERIC(c, RPL_MONOFFLINE, st.off);
		break;
	case '-':
		strlcpy(targets, m->argv[1], sizeof targets);
		for (t = strtok_r(targets, ",", &last); t != NULL;
		     t = strtok_r(NULL, ",", &last))
			presence_watch_del(c, t);
		break;
	case 'C':
	case 'c':
		presence_watch_clear(c);
		break;
	case 'L':
	case 'l':
		presence_watch_list(c, monitor_list_one, list);
		if (list[0] != '\0')
			SEND_NUMERIC(c, RPL_MONLIST, list);
		SEND_NUMERIC(c, RPL_ENDOFMONLIST);
		break;
	case 'S':
	case 's':
		st.on[0] = st.off[0] = '\0';
		presence_watch_list(c, monitor_status_one, &st);
		if (st.on[0] != '\0')
			SEND_NUMERIC(c, RPL_MONONLINE, st.on);
		if (st.off[0] != '\0')
			SEND_NUMERIC(c, RPL_MONOFFLINE, st.off);
		break;
	default:
		SEND_NUMERIC(c, ERR_UNKNOWNERROR, "MONITOR",
		    "Unknown subcommand (use + - C L S)");
		break;
	}
	return CMD_OK;
}
