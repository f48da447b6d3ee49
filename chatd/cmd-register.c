/* Connection registration: CAP, NICK, USER, PASS, PING, PONG, QUIT. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

/* Capabilities offered to clients, with their values for CAP LS 302. */
static const struct {
	const char *name;
	uint32_t flag;
	const char *value;
} cap_table[] = {
	{ "account-notify", CAP_ACCOUNT_NOTIFY, NULL },
	{ "account-tag", CAP_ACCOUNT_TAG, NULL },
	{ "away-notify", CAP_AWAY_NOTIFY, NULL },
	{ "batch", CAP_BATCH, NULL },
	{ "cap-notify", CAP_CAP_NOTIFY, NULL },
	{ "chatd/chanadmin", CAP_CHANADMIN, NULL },
	{ "chatd/sendfile", CAP_SENDFILE, NULL }, /* file_cap_value() */
	{ "chatd/sendfile-stream", CAP_SENDFILE_STREAM, NULL },
	{ "chatd/ttt", CAP_TTT, NULL }, /* value: ttt_cap_value() */
	{ "draft/account-registration", CAP_ACCOUNTREG,
	    "before-connect,custom-account-name" },
	{ "draft/channel-rename", CAP_RENAME, NULL },
	{ "draft/chathistory", CAP_CHATHISTORY, NULL },
	{ "draft/message-redaction", CAP_REDACT, NULL },
	{ "draft/metadata-2", CAP_METADATA, METADATA_CAP },
	{ "draft/metadata-notify-2", CAP_METANOTIFY, NULL },
	{ "draft/multiline", CAP_MULTILINE, MULTILINE_CAP },
	{ "draft/read-marker", CAP_READ_MARKER, NULL },
	{ "echo-message", CAP_ECHO_MESSAGE, NULL },
	{ "extended-join", CAP_EXTENDED_JOIN, NULL },
	{ "extended-monitor", CAP_EXTENDED_MONITOR, NULL },
	{ "invite-notify", CAP_INVITE_NOTIFY, NULL },
	{ "labeled-response", CAP_LABELED_RESPONSE, NULL },
	{ "message-tags", CAP_MESSAGE_TAGS, NULL },
	{ "multi-prefix", CAP_MULTI_PREFIX, NULL },
	{ "sasl", CAP_SASL, "PLAIN" },
	{ "server-time", CAP_SERVER_TIME, NULL },
	{ "setname", CAP_SETNAME, NULL },
	{ "userhost-in-names", CAP_USERHOST_IN_NAMES, NULL },
};
#define CAP_COUNT (sizeof cap_table / sizeof cap_table[0])

/* Look a capability up by name. */
static int
cap_find(const char *name)
{
	size_t i;

	for (i = 0; i < CAP_COUNT; i++) {
		if (strcmp(cap_table[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* The value a capability advertises now, or NULL. */
static const char *
cap_value(size_t i)
{
	if (cap_table[i].flag == CAP_TTT)
		return ttt_cap_value();
	if (cap_table[i].flag == CAP_SENDFILE)
		return file_cap_value();
	return cap_table[i].value;
}

/* Every capability's value, one "name=value" line each (allocated). */
char *
cap_values(void)
{
	char *all = xstrdup(""), *next;
	const char *v;
	size_t i;

	for (i = 0; i < CAP_COUNT; i++) {
		if ((v = cap_value(i)) == NULL)
			continue;
		xasprintf(&next, "%s%s=%s\n", all, cap_table[i].name, v);
		free(all);
		all = next;
	}
	return all;
}

/* A capability whose value changed, for cap_notify_one. */
struct cap_news {
	const char *name;
	const char *value;
};

/* route_connections' fn: CAP NEW, with the value for CAP 302 clients. */
static void
cap_notify_one(struct client *c, void *arg)
{
	struct cap_news *news = arg;

	if (c->cap_version >= 302)
		send_raw(c, ":%s CAP %s NEW :%s=%s", cfg->server_name,
		    client_name(c), news->name, news->value);
	else
		send_raw(c, ":%s CAP %s NEW :%s", cfg->server_name,
		    client_name(c), news->name);
}

/*
 * cap-notify: after a reload, announce capabilities whose value changed
 * (old comes from cap_values() before it) with CAP NEW.
 */
void
cap_notify_changes(const char *old)
{
	struct cap_news news;
	char line[CHAT_LINE_MAX];
	const char *v;
	size_t i;

	for (i = 0; i < CAP_COUNT; i++) {
		if ((v = cap_value(i)) == NULL)
			continue;
		snprintf(line, sizeof line, "%s=%s\n", cap_table[i].name, v);
		if (strstr(old, line) != NULL)
			continue;
		news.name = cap_table[i].name;
		news.value = v;
		route_connections(CAP_CAP_NOTIFY, cap_notify_one, &news);
	}
}

/* CAP LS | LIST | REQ | END. */
enum cmd_result
cmd_cap(struct client *c, struct chat_msg *m)
{
	char list[CHAT_LINE_MAX], req[CHAT_LINE_MAX], item[CHAT_LINE_MAX];
	char *tok, *last;
	const char *sub = m->argv[0], *value;
	uint32_t add = 0, del = 0;
	size_t i, head;
	int idx;
	bool minus;

	list[0] = '\0';
	if (strcasecmp(sub, "LS") == 0) {
		if (!(c->flags & CLIENT_REGISTERED))
			c->flags |= CLIENT_CAPNEG;
		if (m->argc > 1 && atoi(m->argv[1]) > (int)c->cap_version)
			c->cap_version = (unsigned)atoi(m->argv[1]);
		/* CAP LS 302 enables cap-notify by itself. */
		if (c->cap_version >= 302)
			c->caps |= CAP_CAP_NOTIFY;
		head = strlen(cfg->server_name) + strlen(client_name(c)) +
		    strlen(":  CAP  LS * :");
		for (i = 0; i < CAP_COUNT; i++) {
			value = c->cap_version >= 302 ? cap_value(i) : NULL;
			snprintf(item, sizeof item, "%s%s%s", cap_table[i].name,
			    value != NULL ? "=" : "",
			    value != NULL ? value : "");
			/*
			 * 302 clients accept more than one LS line: split only
			 * where one line would pass 510 bytes, so that short
			 * lists stay on one line for simple clients.
			 */
			if (c->cap_version >= 302 && list[0] != '\0' &&
			    head + strlen(list) + 1 + strlen(item) >
			        CHAT_LINE_MAX - 2) {
				send_raw(c, ":%s CAP %s LS * :%s",
				    cfg->server_name, client_name(c), list);
				list[0] = '\0';
			}
			if (list[0] != '\0')
				strlcat(list, " ", sizeof list);
			strlcat(list, item, sizeof list);
		}
		send_raw(c, ":%s CAP %s LS :%s", cfg->server_name,
		    client_name(c), list);
		return CMD_OK;
	}
	if (strcasecmp(sub, "LIST") == 0) {
		for (i = 0; i < CAP_COUNT; i++) {
			if (!(c->caps & cap_table[i].flag))
				continue;
			if (list[0] != '\0')
				strlcat(list, " ", sizeof list);
			strlcat(list, cap_table[i].name, sizeof list);
		}
		send_raw(c, ":%s CAP %s LIST :%s", cfg->server_name,
		    client_name(c), list);
		return CMD_OK;
	}
	if (strcasecmp(sub, "REQ") == 0) {
		if (m->argc < 2) {
			SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "CAP");
			return CMD_OK;
		}
		if (!(c->flags & CLIENT_REGISTERED))
			c->flags |= CLIENT_CAPNEG;
		strlcpy(req, m->argv[1], sizeof req);
		for (tok = strtok_r(req, " ", &last); tok != NULL;
		     tok = strtok_r(NULL, " ", &last)) {
			minus = *tok == '-';
			/* cap-notify cannot be turned off after LS 302. */
			if ((idx = cap_find(tok + minus)) < 0 ||
			    (minus && c->cap_version >= 302 &&
			        cap_table[idx].flag == CAP_CAP_NOTIFY)) {
				send_raw(c, ":%s CAP %s NAK :%s",
				    cfg->server_name, client_name(c),
				    m->argv[1]);
				return CMD_OK;
			}
			if (minus)
				del |= cap_table[idx].flag;
			else
				add |= cap_table[idx].flag;
		}
		c->caps = (c->caps | add) & ~del;
		send_raw(c, ":%s CAP %s ACK :%s", cfg->server_name,
		    client_name(c), m->argv[1]);
		return CMD_OK;
	}
	if (strcasecmp(sub, "END") == 0) {
		if (c->flags & CLIENT_REGISTERED)
			return CMD_OK;
		c->flags &= ~CLIENT_CAPNEG;
		client_try_register(c);
		return CMD_OK;
	}
	SEND_NUMERIC(c, ERR_INVALIDCAPCMD, sub);
	return CMD_OK;
}

/* NICK <nick>: choose a nick, or change it (peers see the change). */
enum cmd_result
cmd_nick(struct client *c, struct chat_msg *m)
{
	struct user *other;
	const char *nick;

	if (m->argc < 1 || *m->argv[0] == '\0') {
		SEND_NUMERIC(c, ERR_NONICKNAMEGIVEN);
		return CMD_OK;
	}
	nick = m->argv[0];
	if (!chat_nick_valid(nick, CHAT_NICK_MAX)) {
		SEND_NUMERIC(c, ERR_ERRONEUSNICKNAME, nick);
		return CMD_OK;
	}
	other = user_find(nick);
	if (other != NULL && other != &c->user) {
		SEND_NUMERIC(c, ERR_NICKNAMEINUSE, nick);
		return CMD_OK;
	}
	if (other == &c->user && strcmp(c->user.nick, nick) == 0)
		return CMD_OK;
	/* In a cluster the nick is claimed first; the answer gives it. */
	if (cluster_active())
		cluster_claim_nick(c, nick);
	else
		client_take_nick(c, nick);
	return CMD_OK;
}

/* USER <user> <mode> <unused> <realname>. */
enum cmd_result
cmd_user(struct client *c, struct chat_msg *m)
{
	const char *u = m->argv[0];
	size_t i, n = 0;

	if (c->flags & CLIENT_USER) {
		SEND_NUMERIC(c, ERR_ALREADYREGISTERED);
		return CMD_OK;
	}
	/* Keep only characters that are safe in a prefix. */
	for (i = 0; u[i] != '\0' && n < CHAT_USER_MAX; i++) {
		if ((unsigned char)u[i] > 32 && u[i] != '@' && u[i] != '!' &&
		    (unsigned char)u[i] < 127)
			c->user.username[n++] = u[i];
	}
	c->user.username[n] = '\0';
	if (*u == '\0' || *m->argv[3] == '\0') {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "USER");
		return CMD_OK;
	}
	/* Nothing printable left (say, not UTF-8): a clean name instead. */
	if (n == 0)
		strlcpy(c->user.username, "user", sizeof c->user.username);
	c->user.realname = xstrndup(m->argv[3], CHAT_REAL_MAX);
	/* The dispatcher lets USER through with bytes that are not UTF-8. */
	if (!chat_utf8_valid(c->user.realname, strlen(c->user.realname))) {
		for (i = 0; c->user.realname[i] != '\0'; i++) {
			if ((unsigned char)c->user.realname[i] >= 0x80)
				c->user.realname[i] = '?';
		}
	}
	c->user.realname[chat_utf8_cut(
	    c->user.realname, strlen(c->user.realname), CHAT_REAL_MAX)] = '\0';
	c->flags |= CLIENT_USER;
	client_try_register(c);
	return CMD_OK;
}

/* One PASS check on its way through the worker. */
struct pass_check {
	struct conn_wait wait; /* the client, held until the answer */
	char *hash;
	char *password;
	bool ok;
};

/* On the worker: compare PASS with the server password's hash. */
static void
pass_work(void *arg)
{
	struct pass_check *pc = arg;

	pc->ok = passwd_verify(pc->hash, pc->password);
}

/* Refuse a connection that did not give the server password. */
static void
pass_refuse(struct client *c)
{
	log_warn("wrong or missing server password from %s", c->user.host);
	SEND_NUMERIC(c, ERR_PASSWDMISMATCH);
	conn_kill(c, "Bad password");
}

/* Back on the loop: let registration go on, or refuse. */
static void
pass_done(void *arg)
{
	struct pass_check *pc = arg;
	struct client *c;

	if ((c = conn_wait_reply(&pc->wait)) != NULL) {
		if (pc->ok) {
			c->flags |= CLIENT_PASSOK;
			client_try_register(c);
		} else
			pass_refuse(c);
	}
	conn_wait_end(&pc->wait);
	explicit_bzero(pc->password, strlen(pc->password));
	free(pc->password);
	free(pc->hash);
	free(pc);
}

/*
 * Whether registration may finish as far as the server password goes; a
 * client that never sent PASS is refused here. Called by
 * client_try_register.
 */
bool
pass_ready(struct client *c)
{
	if (cfg->password == NULL || (c->flags & CLIENT_PASSOK))
		return true;
	pass_refuse(c);
	return false;
}

/*
 * PASS <password>: with a "password" key, checked (on the worker, as it is
 * slow) before registration finishes; without one, ignored.
 */
enum cmd_result
cmd_pass(struct client *c, struct chat_msg *m)
{
	struct pass_check *pc;

	if (cfg->password == NULL || (c->flags & CLIENT_PASSOK))
		return CMD_OK;
	pc = xcalloc(1, sizeof *pc);
	pc->hash = xstrdup(cfg->password);
	pc->password = xstrdup(m->argv[0]);
	explicit_bzero(m->argv[0], strlen(m->argv[0]));
	/* NICK and USER, sent right behind, wait for the answer. */
	conn_wait_begin(&pc->wait, c);
	workq_add(pass_work, pass_done, pc);
	return CMD_OK;
}

/* PING <token>: answer PONG. */
enum cmd_result
cmd_ping(struct client *c, struct chat_msg *m)
{
	send_raw(c, ":%s PONG %s :%s", cfg->server_name, cfg->server_name,
	    m->argv[0]);
	return CMD_OK;
}

/* PONG: reading it already reset the idle timer. */
enum cmd_result
cmd_pong(struct client *c UNUSED, struct chat_msg *m UNUSED)
{
	return CMD_OK;
}

/* QUIT [reason]. */
enum cmd_result
cmd_quit(struct client *c, struct chat_msg *m)
{
	char reason[CHAT_LINE_MAX];

	if (m->argc > 0 && *m->argv[0] != '\0')
		snprintf(reason, sizeof reason, "Quit: %s", m->argv[0]);
	else
		snprintf(reason, sizeof reason, "Client Quit");
	conn_kill(c, reason);
	return CMD_CLOSED;
}

/* The ISUPPORT tokens, as many 005 lines as needed. */
void
isupport_reply(struct client *c)
{
	char tokens[3][CHAT_LINE_MAX];

	snprintf(tokens[0], sizeof tokens[0],
	    "AWAYLEN=%d BOT=B CASEMAPPING=%s CHANLIMIT=#:%u CHATHISTORY=100 "
	    "CHANMODES=" CHAN_MODES " "
	    "CHANNELLEN=%d CHANTYPES=# ELIST=CMTU KICKLEN=%d MAXLIST=b:%d,e:%d,I:%d "
	    "MODES=%d",
	    CHAT_AWAY_MAX, CHAT_CASEMAPPING, cfg->max_channels, CHAT_CHAN_MAX,
	    CHAT_KICK_MAX, CHAN_LIST_MAX, CHAN_LIST_MAX, CHAN_LIST_MAX,
	    CHAN_MODES_MAX);
	snprintf(tokens[1], sizeof tokens[1],
	    "MONITOR=%u NETWORK=%s NICKLEN=%d PREFIX=(ov)@+ "
	    "TARGMAX=PRIVMSG:4,NOTICE:4,JOIN:,PART:,KICK:4,NAMES:1,WHOIS:1,"
	    "MONITOR: TOPICLEN=%d",
	    cfg->max_monitor, cfg->network_name, CHAT_NICK_MAX, CHAT_TOPIC_MAX);
	snprintf(tokens[2], sizeof tokens[2],
	    "EXCEPTS=e EXTBAN=$,am INVEX=I STATUSMSG=@ USERLEN=%d UTF8ONLY "
	    "WHOX",
	    CHAT_USER_MAX);
	SEND_NUMERIC(c, RPL_ISUPPORT, tokens[0]);
	SEND_NUMERIC(c, RPL_ISUPPORT, tokens[1]);
	SEND_NUMERIC(c, RPL_ISUPPORT, tokens[2]);
}

/* The welcome burst: 001-005, LUSERS, MOTD. */
void
cmd_welcome(struct client *c)
{
	char prefix[CHAT_LINE_MAX], created[64];
	struct tm tm;

	user_prefix(&c->user, prefix, sizeof prefix);
	gmtime_r(&start_time, &tm);
	strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S UTC", &tm);
	SEND_NUMERIC(c, RPL_WELCOME, cfg->network_name, prefix);
	SEND_NUMERIC(c, RPL_YOURHOST, cfg->server_name, CHATD_VERSION);
	SEND_NUMERIC(c, RPL_CREATED, created);
	SEND_NUMERIC(c, RPL_MYINFO, cfg->server_name, CHATD_VERSION, "Biow",
	    "biklmnostv", "bklov");
	isupport_reply(c);
	lusers_reply(c);
	motd_reply(c);
}
