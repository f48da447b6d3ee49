/*
 * The command table and the dispatcher. The table carries what every
 * handler would otherwise check: allowed states, parameter counts and the
 * flood cost. The dispatcher answers 421, 451, 462 and 461 in one place;
 * handlers trust it and never repeat those checks.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chatd.h"

#define ANY (CMD_UNREG | CMD_REG)
/* The tag data a client may send (IRCv3 message-tags). */
#define CMD_CLIENT_TAGS_MAX 4094

/* Sorted by name; a unit test checks. */
/* One compact entry per command reads better than clang-format's. */
/* clang-format off */
const struct cmd_entry cmd_table[] = {
	{ .name = "ADMIN", .min = 0, .max = 1, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_admin, .usage = "ADMIN",
	    .help = "Show who runs this server and how to reach them." },
	{ .name = "AUTHENTICATE", .min = 1, .max = 1,
	    .flags = ANY | CMD_NOFLOOD, .cost = 0, .exec = cmd_authenticate,
	    .usage = "AUTHENTICATE PLAIN | <base64> | *",
	    .help = "SASL login for IRC clients (after CAP REQ sasl)." },
	{ .name = "AWAY", .min = 0, .max = 1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_away, .usage = "AWAY [:message]",
	    .help = "Mark yourself away with a message; without one, back." },
	{ .name = "BATCH", .min = 1, .max = 3, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_batch,
	    .usage = "BATCH +ref draft/multiline <target> | BATCH -ref",
	    .help = "Send one message of several lines (draft/multiline): "
		    "open the batch, send PRIVMSG or NOTICE lines tagged "
		    "batch=ref (draft/multiline-concat joins a line to the one "
		    "before), then close it." },
	{ .name = "CAP", .min = 1, .max = 2, .flags = ANY, .cost = 1,
	    .exec = cmd_cap,
	    .usage = "CAP LS [302] | LIST | REQ :caps | END",
	    .help = "IRCv3 capability negotiation." },
	{ .name = "CHANADMIN", .min = 1, .max = 3, .flags = CMD_REG,
	    .cost = 2, .exec = cmd_chanadmin,
	    .usage = "CHANADMIN <#channel> [+account|-account|OWNER account]",
	    .help = "Show who owns a persistent channel and its admins; the "
		    "owner adds (+) or removes (-) admins, who get operator "
		    "status when they join, or hands the channel to another "
		    "account with OWNER (staying an admin). With the "
		    "chatd/chanadmin capability the answers are CHANADMIN "
		    "lines." },
	{ .name = "CHATHISTORY", .min = 1, .max = 5, .flags = CMD_REG,
	    .cost = 2, .exec = cmd_chathistory,
	    .usage = "CHATHISTORY LATEST|BEFORE|AFTER|AROUND <#channel|nick> "
		     "<ref> <limit> | BETWEEN <#channel|nick> <ref> <ref> "
		     "<limit> | TARGETS <ref> <ref> <limit>",
	    .help = "IRCv3 history of a channel or of a private conversation "
		    "between accounts; a ref is * (LATEST only), "
		    "msgid=ID or timestamp=YYYY-MM-DDThh:mm:ss.sssZ." },
	{ .name = "DIE", .min = 0, .max = 1, .flags = CMD_REG | CMD_OPER,
	    .cost = 1, .exec = cmd_die, .usage = "DIE [:reason]",
	    .help = "Shut the server down (server operators only)." },
	{ .name = "HELP", .min = 0, .max = 1, .flags = ANY, .cost = 1,
	    .exec = cmd_help, .usage = "HELP [command]",
	    .help = "List commands, or explain one." },
	{ .name = "HELPOP", .min = 0, .max = 1, .flags = ANY, .cost = 1,
	    .exec = cmd_help, .usage = "HELPOP [command]",
	    .help = "The same as HELP, as some servers call it." },
	{ .name = "HISTORY", .min = 1, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_history, .usage = "HISTORY <#channel|nick> [count]",
	    .help = "Show the latest messages of a channel or of a private "
		    "conversation (20, at most 100), with their times." },
	{ .name = "INFO", .min = 0, .max = 1, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_info, .usage = "INFO",
	    .help = "Show information about this server software." },
	{ .name = "INVITE", .min = 2, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_invite, .usage = "INVITE <nick> <#channel>",
	    .help = "Invite someone into a channel (needed for +i channels; "
		    "operators only there)." },
	{ .name = "ISON", .min = 1, .max = -1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_ison, .usage = "ISON <nick> [nick...]",
	    .help = "Tell which of the given nicks are online." },
	{ .name = "JOIN", .min = 1, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_join, .usage = "JOIN <#channel>[,#channel...] [key,...]",
	    .help = "Join channels, creating them if needed: the creator "
		    "becomes operator. JOIN 0 leaves all channels." },
	{ .name = "KICK", .min = 2, .max = 3, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_kick, .usage = "KICK <#channel> <nick>[,nick...] [:reason]",
	    .help = "Remove someone from a channel (channel operators only)." },
	{ .name = "KILL", .min = 2, .max = 2, .flags = CMD_REG | CMD_OPER,
	    .cost = 1, .exec = cmd_kill, .usage = "KILL <nick> :<reason>",
	    .help = "Disconnect someone from the server (server operators "
		    "only)." },
	{ .name = "LINKS", .min = 0, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_links, .usage = "LINKS [mask]",
	    .help = "List the servers of this network (chatd is one "
		    "server)." },
	{ .name = "LIST", .min = 0, .max = 2, .flags = CMD_REG, .cost = 4,
	    .exec = cmd_list, .usage = "LIST [#channel,...|pattern]",
	    .help = "List visible channels with their user count and topic." },
	{ .name = "LOGIN", .min = 2, .max = 2, .flags = ANY, .cost = 3,
	    .exec = cmd_login, .usage = "LOGIN <account> <password>",
	    .help = "Log in to your account (see REGISTER). Delivers messages "
		    "sent to you while you were offline." },
	{ .name = "LOGOUT", .min = 0, .max = 0, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_logout, .usage = "LOGOUT",
	    .help = "Log out of your account; you stay connected." },
	{ .name = "LUSERS", .min = 0, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_lusers, .usage = "LUSERS",
	    .help = "Show how many users and channels there are." },
	{ .name = "MARKREAD", .min = 1, .max = 2, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_markread,
	    .usage = "MARKREAD <#channel|nick> [timestamp=YYYY-MM-DDThh:mm:ss.sssZ]",
	    .help = "Show, or move forward, how far your account has read a "
		    "channel or conversation (draft/read-marker); your other "
		    "sessions with the capability hear it." },
	{ .name = "METADATA", .min = 2, .max = -1, .flags = ANY,
	    .cost = 1, .exec = cmd_metadata,
	    .usage = "METADATA <*|nick|#channel> GET key... | LIST | "
		     "SET key [:value] | CLEAR | SYNC | METADATA * SUB key... "
		     "| UNSUB key... | SUBS",
	    .help = "Key-value metadata on users and channels (IRCv3 "
		    "draft/metadata-2): GET, LIST, SET (without a value: "
		    "remove) and CLEAR on yourself (*) or, as a channel "
		    "operator, on a channel; SUB to the keys you want to hear "
		    "about from the users and channels you share. Keys are "
		    "a-z 0-9 _ . / -, for example display-name, avatar, status, "
		    "color. Logged in, yours are kept for your account." },
	{ .name = "MODE", .min = 1, .max = -1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_mode,
	    .usage = "MODE <#channel> [+|-modes [args...]] | MODE <nick> [modes]",
	    .help = "Show or change modes. Channel: i invite-only, k <key>, "
		    "l <limit>, m moderated, n no outside messages, s secret, "
		    "t topic by operators, o <nick> operator, v <nick> voice, "
		    "b [mask] ban ($a:account, or $m:mask to mute), "
		    "e [mask] ban exception, I [mask] invite exception. "
		    "User: B bot, i invisible, w WALLOPS." },
	{ .name = "MONITOR", .min = 1, .max = 2, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_monitor, .usage = "MONITOR + nick,... | - nick,... | C | L | S",
	    .help = "Watch nicks and be told when they come online or go "
		    "offline (730/731)." },
	{ .name = "MOTD", .min = 0, .max = 1, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_motd, .usage = "MOTD",
	    .help = "Show the message of the day." },
	{ .name = "NAMES", .min = 0, .max = 1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_names, .usage = "NAMES <#channel>",
	    .help = "List who is in a channel (@ marks operators)." },
	{ .name = "NICK", .min = 0, .max = 1, .flags = ANY, .cost = 3,
	    .exec = cmd_nick, .usage = "NICK <nickname>",
	    .help = "Choose or change your nickname." },
	{ .name = "NOTICE", .min = 0, .max = 2, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_notice, .usage = "NOTICE <target> :<text>",
	    .help = "Like PRIVMSG, but never answered automatically." },
	{ .name = "OPER", .min = 2, .max = 2, .flags = CMD_REG, .cost = 5,
	    .exec = cmd_oper, .usage = "OPER <name> <password>",
	    .help = "Become a server operator with a name and password from "
		    "the server's configuration." },
	{ .name = "PART", .min = 1, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_part, .usage = "PART <#channel>[,#channel...] [:reason]",
	    .help = "Leave channels." },
	{ .name = "PASS", .min = 1, .max = 1, .flags = CMD_UNREG, .cost = 0,
	    .exec = cmd_pass, .usage = "PASS <password>",
	    .help = "The server password, before NICK and USER, on a server "
		    "that has one (the password key); otherwise ignored." },
	{ .name = "PASSWORD", .min = 2, .max = 2, .flags = CMD_REG,
	    .cost = 3, .exec = cmd_password,
	    .usage = "PASSWORD <old password> <new password>",
	    .help = "Change your account's password (logged in only)." },
	{ .name = "PING", .min = 1, .max = 2, .flags = ANY, .cost = 1, .exec = cmd_ping, .usage = "PING <token>",
	    .help = "The server answers PONG with the same token." },
	{ .name = "PONG", .min = 0, .max = 2, .flags = ANY | CMD_NOFLOOD,
	    .cost = 0, .exec = cmd_pong, .usage = "PONG <token>",
	    .help = "Answer to the server's PING." },
	{ .name = "PRIVMSG", .min = 0, .max = 2, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_privmsg, .usage = "PRIVMSG <nick|#channel>[,target...] :<text>",
	    .help = "Send a message to a person (private) or a channel." },
	{ .name = "QUIT", .min = 0, .max = 1, .flags = ANY | CMD_NOFLOOD,
	    .cost = 0, .exec = cmd_quit, .usage = "QUIT [:reason]",
	    .help = "Disconnect." },
	{ .name = "REDACT", .min = 2, .max = 3, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_redact, .usage = "REDACT <#channel|nick> <msgid> [:reason]",
	    .help = "Withdraw a message (draft/message-redaction): your own, "
		    "or any in a channel you operate. History forgets it; "
		    "clients with the capability remove it." },
	{ .name = "REGISTER", .min = 3, .max = 3, .flags = ANY, .cost = 3,
	    .exec = cmd_register,
	    .usage = "REGISTER <account|*> <email|*> <password>",
	    .help = "Create an account (* for your current nick) and log in. "
		    "Its name becomes a nick reserved for you. Passwords: "
		    "password-min-length (8 by default) to 128 bytes." },
	{ .name = "REHASH", .min = 0, .max = 0, .flags = CMD_REG | CMD_OPER,
	    .cost = 1, .exec = cmd_rehash, .usage = "REHASH",
	    .help = "Reload the configuration file (server operators only)." },
	{ .name = "RENAME", .min = 2, .max = 3, .flags = CMD_REG, .cost = 3,
	    .exec = cmd_rename, .usage = "RENAME <#old> <#new> [:reason]",
	    .help = "Give your channel a new name (channel operators only), "
		    "keeping its members, modes, history, owner and admins "
		    "(draft/channel-rename; others see a PART and a JOIN)." },
	{ .name = "SENDFILE", .min = 1, .max = 5, .flags = CMD_REG, .cost = 0,
	    .exec = cmd_sendfile,
	    .usage = "SENDFILE <nick|#channel> <name> <size> <sha256> | "
		     "ACCEPT <id> [offset] | ACK <id> <offset> | "
		     "DATA <id> <offset> <base64> | DECLINE <id> | "
		     "CANCEL <id> | LIST",
	    .help = "Send a file through the server to a person or to a "
		    "channel's members, in base64 chunks (see the "
		    "chatd/sendfile capability); receive, decline, cancel "
		    "and list transfers." },
	{ .name = "SETNAME", .min = 1, .max = 1, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_setname, .usage = "SETNAME :<real name>",
	    .help = "Change your real name (1 to 64 bytes); peers with the "
		    "setname capability see it change." },
	{ .name = "TAGMSG", .min = 1, .max = 1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_tagmsg, .usage = "@+tag[=value] TAGMSG <nick|#channel>",
	    .help = "Send only tags (such as +typing=active) to clients that "
		    "enabled message-tags." },
	{ .name = "TIME", .min = 0, .max = 1, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_time, .usage = "TIME",
	    .help = "Show the server's time." },
	{ .name = "TOPIC", .min = 1, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_topic, .usage = "TOPIC <#channel> [:new topic]",
	    .help = "Show or set a channel's topic (operators only when +t)." },
	{ .name = "TTT", .min = 1, .max = 3, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_ttt,
	    .usage = "TTT <nick> [#channel] | INVITE <nick> [#channel] | "
		     "ACCEPT [id|nick] | DECLINE [id|nick] | MOVE <id> <cell> | "
		     "RESIGN <id> | BOARD <id> | LIST | REMATCH [id] | "
		     "STATS [nick]",
	    .help = "Tic-tac-toe refereed by the server. Challenge someone "
		    "(you play X; in a channel its members watch), they "
		    "ACCEPT or DECLINE; cells are 1-9 row by row or a1-c3. "
		    "REMATCH swaps X and O; STATS shows wins, losses, draws." },
	{ .name = "UNREGISTER", .min = 1, .max = 1, .flags = CMD_REG,
	    .cost = 3, .exec = cmd_unregister, .usage = "UNREGISTER <password>",
	    .help = "Delete your account (logged in only): its offline "
		    "messages, private history, game record and files go "
		    "too, its "
		    "persistent channels pass to their first admin, and its "
		    "nick is free again." },
	{ .name = "USER", .min = 4, .max = 4, .flags = CMD_UNREG, .cost = 0,
	    .exec = cmd_user, .usage = "USER <username> 0 * :<real name>",
	    .help = "Give your user name and real name while logging in." },
	{ .name = "USERHOST", .min = 1, .max = 5, .flags = CMD_REG, .cost = 1,
	    .exec = cmd_userhost, .usage = "USERHOST <nick> [nick...]",
	    .help = "Show user@host of up to five nicks." },
	{ .name = "VERSION", .min = 0, .max = 1, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_version, .usage = "VERSION",
	    .help = "Show the server version and features." },
	{ .name = "WALLOPS", .min = 1, .max = 1, .flags = CMD_REG | CMD_OPER,
	    .cost = 2, .exec = cmd_wallops, .usage = "WALLOPS :<text>",
	    .help = "Send a message to every user with user mode +w (server "
		    "operators only)." },
	{ .name = "WHO", .min = 0, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_who,
	    .usage = "WHO <#channel|nick|mask> [%fields[,token]]",
	    .help = "List users matching a channel, nick or mask; "
		    "%tcuihsnfdlaor picks fields (WHOX, 354)." },
	{ .name = "WHOIS", .min = 0, .max = 2, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_whois, .usage = "WHOIS <nick>",
	    .help = "Show who someone is: host, channels, idle time, away." },
	{ .name = "WHOWAS", .min = 1, .max = 3, .flags = CMD_REG, .cost = 2,
	    .exec = cmd_whowas, .usage = "WHOWAS <nick> [count]",
	    .help = "Show who recently used a nick (the newest first; count "
		    "0 or none: all that are remembered)." },
};
/* clang-format on */
const size_t cmd_count = sizeof cmd_table / sizeof cmd_table[0];

/* bsearch comparator: name against an entry. */
static int
cmd_cmp(const void *key, const void *entry)
{
	return strcasecmp(key, ((const struct cmd_entry *)entry)->name);
}

/* Find a command by name (any case). */
const struct cmd_entry *
cmd_find(const char *name)
{
	return bsearch(
	    name, cmd_table, cmd_count, sizeof cmd_table[0], cmd_cmp);
}

/* Run a parsed command: the table's checks, then its handler. */
static enum cmd_result
cmd_run(struct client *c, struct chat_msg *m)
{
	const struct cmd_entry *ce = cmd_find(m->command);
	enum cmd_result res;

	/* Every line costs, mistakes too: 421s are not free to ask for. */
	if (ce == NULL)
		cmd_charge(c, 1);
	else if (!(ce->flags & CMD_NOFLOOD))
		cmd_charge(c, ce->cost);
	if (ce == NULL) {
		SEND_NUMERIC(c, ERR_UNKNOWNCOMMAND, m->command);
		return CMD_OK;
	}
	if (!(c->flags & CLIENT_REGISTERED) && !(ce->flags & CMD_UNREG)) {
		SEND_NUMERIC(c, ERR_NOTREGISTERED);
		return CMD_OK;
	}
	if ((c->flags & CLIENT_REGISTERED) && !(ce->flags & CMD_REG)) {
		SEND_NUMERIC(c, ERR_ALREADYREGISTERED);
		return CMD_OK;
	}
	if ((ce->flags & CMD_OPER) && !(c->user.modes & USER_OPER)) {
		SEND_NUMERIC(c, ERR_NOPRIVILEGES);
		return CMD_OK;
	}
	if (m->argc < ce->min) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, ce->name);
		return CMD_OK;
	}
	if (ce->max >= 0 && m->argc > ce->max)
		m->argc = ce->max;
	res = ce->exec(c, m);
	return res;
}

/*
 * Whether a client's tag data (between '@' and the space) passes the 4094
 * bytes IRCv3 message-tags allows clients; the parser takes the 8191 bytes
 * servers may send.
 */
static bool
cmd_client_tags_long(const char *line, size_t len)
{
	const char *sp;

	if (len == 0 || line[0] != '@')
		return false;
	if ((sp = memchr(line, ' ', len)) == NULL)
		sp = line + len;
	return (size_t)(sp - line - 1) > CMD_CLIENT_TAGS_MAX;
}

/*
 * Whether a command word the parser refused is still printable ASCII (not
 * a stray ':'), so an unknown command; it is upper-cased for the 421.
 */
static bool
cmd_word_printable(char *word)
{
	char *p;

	if (word == NULL || *word == '\0' || *word == ':')
		return false;
	for (p = word; *p != '\0'; p++) {
		if (*p < 0x21 || *p > 0x7e)
			return false;
	}
	for (p = word; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	return true;
}

/* Parse one input line and run its command. */
enum cmd_result
cmd_dispatch(struct client *c, char *line, size_t len)
{
	struct chat_msg m;
	enum cmd_result r;
	const char *label;
	int err;
	bool utf8 = chat_utf8_valid(line, len);

	err = cmd_client_tags_long(line, len) ? CHAT_PARSE_TAGS_LONG
	                                      : chat_msg_parse(&m, line, len);
	if (err != CHAT_PARSE_OK)
		cmd_charge(c, 1); /* errors are answered, so they cost */
	switch (err) {
	case CHAT_PARSE_OK:
		break;
	case CHAT_PARSE_EMPTY:
		return CMD_OK;
	case CHAT_PARSE_TAGS_LONG:
	case CHAT_PARSE_LINE_LONG:
		SEND_NUMERIC(c, ERR_INPUTTOOLONG);
		return CMD_OK;
	case CHAT_PARSE_NUL:
		send_fail(c, "*", "INVALID_LINE", NULL,
		    "Lines must not contain NUL bytes");
		return CMD_OK;
	case CHAT_PARSE_BAD_COMMAND:
		/* A readable word is an unknown command: 421, labeled. */
		if (utf8 && cmd_word_printable(m.command))
			break;
		send_fail(c, "*", "INVALID_LINE", NULL, "%s",
		    chat_parse_strerror(err));
		return CMD_OK;
	default:
		send_fail(c, "*", "INVALID_LINE", NULL, "%s",
		    chat_parse_strerror(err));
		return CMD_OK;
	}
	/*
	 * USER keeps only clean bytes of a name that is not UTF-8, so the
	 * client registers instead of waiting for a 001 that never comes.
	 */
	if (!utf8 && strcmp(m.command, "USER") != 0) {
		cmd_charge(c, 1);
		send_fail(c, m.command, "INVALID_UTF8", NULL,
		    "Lines must be valid UTF-8");
		return CMD_OK;
	}
	/* A line of a draft/multiline batch waits for the batch's end. */
	if (multiline_intercept(c, &m))
		return CMD_OK;
	if (!(c->caps & CAP_LABELED_RESPONSE) ||
	    (label = chat_msg_tag(&m, "label", NULL)) == NULL)
		return cmd_run(c, &m);
	label_begin(c, label);
	r = cmd_run(c, &m);
	label_end(c);
	return r;
}

/* Charge a client's flood budget (handlers whose cost depends on input). */
void
cmd_charge(struct client *c, int cost)
{
	int64_t now;

	if (cost <= 0 || (c->flags & CLIENT_TRUSTED))
		return;
	now = conn_now_ms();
	if (c->flood_t < now)
		c->flood_t = now;
	c->flood_t += (int64_t)cost * 1000 / cfg->flood_rate;
}
