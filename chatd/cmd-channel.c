/* Channel commands: JOIN PART TOPIC NAMES KICK INVITE LIST MODE. */

#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chatd.h"
#include "store.h"

/* Check the caller is an operator of ch; say 482/442 when not. */
static struct member *
need_chanop(struct client *c, struct channel *ch)
{
	struct member *mb = channel_member(ch, &c->user);

	if (mb == NULL) {
		SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
		return NULL;
	}
	if (!(mb->modes & MEMBER_OP)) {
		SEND_NUMERIC(c, ERR_CHANOPRIVSNEEDED, ch->name);
		return NULL;
	}
	return mb;
}

/* Find a channel by name or say 403. */
static struct channel *
need_channel(struct client *c, const char *name)
{
	struct channel *ch = channel_find(name);

	if (ch == NULL)
		SEND_NUMERIC(c, ERR_NOSUCHCHANNEL, name);
	return ch;
}

/* 353/366 for one channel. */
void
names_reply(struct client *c, struct channel *ch)
{
	struct member *m;
	char list[CHAT_LINE_MAX], item[CHAT_LINE_MAX];
	const char *kind = (ch->modes & CHAN_SECRET) ? "@" : "=";
	bool multi = (c->caps & CAP_MULTI_PREFIX) != 0;
	bool uhnames = (c->caps & CAP_USERHOST_IN_NAMES) != 0;
	bool member = channel_member(ch, &c->user) != NULL;

	if ((ch->modes & CHAN_SECRET) && !member) {
		SEND_NUMERIC(c, RPL_ENDOFNAMES, ch->name);
		return;
	}
	list[0] = '\0';
	TAILQ_FOREACH(m, &ch->members, centry) {
		if ((m->user->modes & USER_INVISIBLE) && !member)
			continue;
		if (uhnames)
			snprintf(item, sizeof item, "%s%s!%s@%s",
			    channel_prefix(m, multi), m->user->nick,
			    m->user->username, m->user->host);
		else
			snprintf(item, sizeof item, "%s%s",
			    channel_prefix(m, multi), m->user->nick);
		if (strlen(list) + strlen(item) + 1 > 400) {
			SEND_NUMERIC(c, RPL_NAMREPLY, kind, ch->name, list);
			list[0] = '\0';
		}
		if (list[0] != '\0')
			strlcat(list, " ", sizeof list);
		strlcat(list, item, sizeof list);
	}
	if (list[0] != '\0')
		SEND_NUMERIC(c, RPL_NAMREPLY, kind, ch->name, list);
	SEND_NUMERIC(c, RPL_ENDOFNAMES, ch->name);
}

/* 332/333 or nothing. */
static void
topic_reply(struct client *c, struct channel *ch, bool none)
{
	if (ch->topic == NULL) {
		if (none)
			SEND_NUMERIC(c, RPL_NOTOPIC, ch->name);
		return;
	}
	SEND_NUMERIC(c, RPL_TOPIC, ch->name, ch->topic);
	SEND_NUMERIC(c, RPL_TOPICWHOTIME, ch->name, ch->topic_setter,
	    (long long)ch->topic_time);
}

/* Tell ch a client joined (extended-join to those who asked). */
static void
join_announce(struct client *c, struct channel *ch)
{
	struct rline plain, ext;
	struct route_sel sel = { 0 };
	char prefix[CHAT_LINE_MAX], tags[64];

	user_prefix(&c->user, prefix, sizeof prefix);
	route_time_tag(tags, sizeof tags);
	route_init(&plain, tags, prefix, "JOIN %s", ch->name);
	route_init(&ext, tags, prefix, "JOIN %s %s :%s", ch->name,
	    c->user.account != NULL ? c->user.account : "*", c->user.realname);
	sel.cap = CAP_EXTENDED_JOIN;
	sel.with = &ext;
	sel.nwith = 1;
	sel.without = &plain;
	sel.nwithout = 1;
	route_channel_sel(ch, &sel);
	/* away-notify: an away user's JOIN is followed by its AWAY. */
	if (c->user.away == NULL)
		return;
	route_init(&plain, NULL, prefix, "AWAY :%s", c->user.away);
	sel.except = &c->user;
	sel.cap = CAP_AWAY_NOTIFY;
	sel.with = &plain;
	sel.without = NULL;
	route_channel_sel(ch, &sel);
}

/* Join one channel, creating it if needed. */
static void
join_one(struct client *c, const char *name, const char *key)
{
	struct channel *ch;
	bool invited, created = false;

	if (!chat_chan_valid(name, CHAT_CHAN_MAX)) {
		SEND_NUMERIC(c, ERR_BADCHANMASK, name);
		return;
	}
	if (c->user.nchannels >= cfg->max_channels) {
		SEND_NUMERIC(c, ERR_TOOMANYCHANNELS, name);
		return;
	}
	if ((ch = channel_find(name)) == NULL) {
		ch = channel_create(name);
		channel_join(ch, &c->user, MEMBER_OP);
		created = true;
	} else {
		if (channel_member(ch, &c->user) != NULL)
			return;
		invited = channel_invited(ch, &c->user) || chanreg_admin(ch, c);
		if (!invited) {
			if (channel_banned(ch, &c->user)) {
				SEND_NUMERIC(c, ERR_BANNEDFROMCHAN, ch->name);
				return;
			}
			if ((ch->modes & CHAN_INVITE) &&
			    !channel_invexed(ch, &c->user)) {
				SEND_NUMERIC(c, ERR_INVITEONLYCHAN, ch->name);
				return;
			}
			if ((ch->modes & CHAN_KEY) &&
			    (key == NULL || strcmp(key, ch->key) != 0)) {
				SEND_NUMERIC(c, ERR_BADCHANNELKEY, ch->name);
				return;
			}
			if ((ch->modes & CHAN_LIMIT) &&
			    ch->nmembers >= ch->limit) {
				SEND_NUMERIC(c, ERR_CHANNELISFULL, ch->name);
				return;
			}
		}
		channel_invite_del(ch, c->user.nick);
		channel_join(ch, &c->user, chanreg_member_modes(ch, c));
	}
	join_announce(c, ch);
	readmarker_joined(c, ch);
	topic_reply(c, ch, false);
	names_reply(c, ch);
	metadata_joined(c, ch);
	if (created)
		chanreg_created(ch, c);
}

/* Leave every channel; with a reason, members see a PART first. */
void
part_all_channels(struct client *c, const char *reason)
{
	struct member *m;
	struct rline rl;
	char prefix[CHAT_LINE_MAX];

	user_prefix(&c->user, prefix, sizeof prefix);
	while ((m = TAILQ_FIRST(&c->user.channels)) != NULL) {
		if (reason != NULL) {
			route_init(&rl, NULL, prefix, "PART %s :%s",
			    m->channel->name, reason);
			route_channel(m->channel, NULL, &rl);
		}
		channel_leave(m);
	}
}

/* JOIN <#chan>[,...] [key,...] | JOIN 0. */
enum cmd_result
cmd_join(struct client *c, struct chat_msg *m)
{
	char names[CHAT_LINE_MAX], keys[CHAT_LINE_MAX];
	char *name, *key, *l1, *l2 = NULL;

	if (strcmp(m->argv[0], "0") == 0) {
		part_all_channels(c, "Left all channels");
		return CMD_OK;
	}
	strlcpy(names, m->argv[0], sizeof names);
	strlcpy(keys, m->argc > 1 ? m->argv[1] : "", sizeof keys);
	key = strtok_r(keys, ",", &l2);
	for (name = strtok_r(names, ",", &l1); name != NULL;
	     name = strtok_r(NULL, ",", &l1)) {
		join_one(c, name, key);
		if (key != NULL)
			key = strtok_r(NULL, ",", &l2);
		if (c->flags & CLIENT_DEAD)
			break;
	}
	return CMD_OK;
}

/* PART <#chan>[,...] [reason]. */
enum cmd_result
cmd_part(struct client *c, struct chat_msg *m)
{
	char names[CHAT_LINE_MAX], prefix[CHAT_LINE_MAX], *name, *last;
	struct channel *ch;
	struct member *mb;
	struct rline rl;
	const char *reason = m->argc > 1 ? m->argv[1] : "";

	user_prefix(&c->user, prefix, sizeof prefix);
	strlcpy(names, m->argv[0], sizeof names);
	for (name = strtok_r(names, ",", &last); name != NULL;
	     name = strtok_r(NULL, ",", &last)) {
		if ((ch = need_channel(c, name)) == NULL)
			continue;
		if ((mb = channel_member(ch, &c->user)) == NULL) {
			SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
			continue;
		}
		if (*reason != '\0')
			route_init(
			    &rl, NULL, prefix, "PART %s :%s", ch->name, reason);
		else
			route_init(&rl, NULL, prefix, "PART %s", ch->name);
		route_channel(ch, NULL, &rl);
		channel_leave(mb);
	}
	return CMD_OK;
}

/* What a member without draft/channel-rename sees of a RENAME. */
struct rename_fallback {
	struct channel *ch;
	const char *old;
	const char *reason;
};

/* route_members' fn: PART of the old name, JOIN of the new, as if moved. */
static void
rename_fallback(struct client *c, void *arg)
{
	struct rename_fallback *rf = arg;
	char prefix[CHAT_LINE_MAX], tags[64];
	struct rline rl;

	user_prefix(&c->user, prefix, sizeof prefix);
	route_init(&rl, NULL, prefix, "PART %s :Renamed to %s%s%s", rf->old,
	    rf->ch->name, *rf->reason != '\0' ? ": " : "", rf->reason);
	route_client(c, &rl);
	route_time_tag(tags, sizeof tags);
	if (c->caps & CAP_EXTENDED_JOIN)
		route_init(&rl, tags, prefix, "JOIN %s %s :%s", rf->ch->name,
		    c->user.account != NULL ? c->user.account : "*",
		    c->user.realname);
	else
		route_init(&rl, tags, prefix, "JOIN %s", rf->ch->name);
	route_client(c, &rl);
	topic_reply(c, rf->ch, false);
	names_reply(c, rf->ch);
}

/*
 * RENAME <#old> <#new> [:reason] (draft/channel-rename): operators give
 * their channel another name, keeping its members, modes, history and,
 * for a persistent channel, its owner and admins.
 */
enum cmd_result
cmd_rename(struct client *c, struct chat_msg *m)
{
	struct rename_fallback rf;
	struct route_sel sel = { 0 };
	struct channel *ch, *other;
	struct rline rl;
	char prefix[CHAT_LINE_MAX], old[CHAT_CHAN_MAX + 1], tags[64];
	char context[2 * CHAT_LINE_MAX];
	const char *name = m->argv[1], *reason = m->argc > 2 ? m->argv[2] : "";

	if ((ch = need_channel(c, m->argv[0])) == NULL ||
	    need_chanop(c, ch) == NULL)
		return CMD_OK;
	snprintf(context, sizeof context, "%s %s", ch->name, name);
	if (!chat_chan_valid(name, CHAT_CHAN_MAX) || name[0] != ch->name[0] ||
	    strcmp(name, ch->name) == 0) {
		send_fail(c, "RENAME", "CANNOT_RENAME", context,
		    "The new name must be a valid, different name of the same "
		    "kind (%c)",
		    ch->name[0]);
		return CMD_OK;
	}
	if ((other = channel_find(name)) != NULL && other != ch) {
		send_fail(c, "RENAME", "CHANNEL_NAME_IN_USE", context,
		    "%s already exists", other->name);
		return CMD_OK;
	}
	strlcpy(old, ch->name, sizeof old);
	channel_rename(ch, name);
	/* Jobs run in order: history written before is renamed too. */
	store_history_rename(old, ch->name, NULL, NULL);
	chanreg_renamed(ch, old);
	ttt_channel_renamed(old, ch->name);
	user_prefix(&c->user, prefix, sizeof prefix);
	route_time_tag(tags, sizeof tags);
	if (*reason != '\0')
		route_init(&rl, tags, prefix, "RENAME %s %s :%s", old, ch->name,
		    reason);
	else
		route_init(&rl, tags, prefix, "RENAME %s %s", old, ch->name);
	sel.cap = CAP_RENAME;
	sel.with = &rl;
	sel.nwith = 1;
	route_channel_sel(ch, &sel);
	rf.ch = ch;
	rf.old = old;
	rf.reason = reason;
	route_members(ch, CAP_RENAME, rename_fallback, &rf);
	return CMD_OK;
}

/* TOPIC <#chan> [topic]. */
enum cmd_result
cmd_topic(struct client *c, struct chat_msg *m)
{
	struct channel *ch;
	struct member *mb;
	struct rline rl;
	char prefix[CHAT_LINE_MAX], topic[CHAT_TOPIC_MAX + 1];

	if ((ch = need_channel(c, m->argv[0])) == NULL)
		return CMD_OK;
	mb = channel_member(ch, &c->user);
	if (m->argc < 2) {
		if (mb == NULL && (ch->modes & CHAN_SECRET)) {
			SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
			return CMD_OK;
		}
		topic_reply(c, ch, true);
		return CMD_OK;
	}
	if (mb == NULL) {
		SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
		return CMD_OK;
	}
	if ((ch->modes & CHAN_TOPICLOCK) && !(mb->modes & MEMBER_OP)) {
		SEND_NUMERIC(c, ERR_CHANOPRIVSNEEDED, ch->name);
		return CMD_OK;
	}
	strlcpy(topic, m->argv[1], sizeof topic);
	topic[chat_utf8_cut(topic, strlen(topic), CHAT_TOPIC_MAX)] = '\0';
	user_prefix(&c->user, prefix, sizeof prefix);
	if (*topic == '\0') {
		replace_str(&ch->topic, NULL);
	} else {
		replace_str(&ch->topic, topic);
		replace_str(&ch->topic_setter, prefix);
		ch->topic_time = time(NULL);
	}
	chanreg_changed(ch);
	route_init(&rl, NULL, prefix, "TOPIC %s :%s", ch->name, topic);
	route_channel(ch, NULL, &rl);
	if (strlen(m->argv[1]) > strlen(topic))
		send_warn(c, "TOPIC", "TRUNCATED",
		    "Topic cut to %zu bytes (TOPICLEN)", strlen(topic));
	return CMD_OK;
}

/* NAMES [#chan]. */
enum cmd_result
cmd_names(struct client *c, struct chat_msg *m)
{
	char names[CHAT_LINE_MAX], *name, *last;
	struct channel *ch;

	if (m->argc < 1) {
		SEND_NUMERIC(c, RPL_ENDOFNAMES, "*");
		return CMD_OK;
	}
	strlcpy(names, m->argv[0], sizeof names);
	for (name = strtok_r(names, ",", &last); name != NULL;
	     name = strtok_r(NULL, ",", &last)) {
		if ((ch = channel_find(name)) != NULL)
			names_reply(c, ch);
		else
			SEND_NUMERIC(c, RPL_ENDOFNAMES, name);
	}
	return CMD_OK;
}

/* Kick nick out of ch; false once the channel is gone (emptied). */
static bool
kick_one(struct client *c, struct channel *ch, const char *nick,
    const char *prefix, const char *reason)
{
	struct user *victim;
	struct member *vm;
	struct rline rl;
	bool last_member;

	if ((victim = user_find(nick)) == NULL) {
		SEND_NUMERIC(c, ERR_NOSUCHNICK, nick);
		return true;
	}
	if ((vm = channel_member(ch, victim)) == NULL) {
		SEND_NUMERIC(c, ERR_USERNOTINCHANNEL, victim->nick, ch->name);
		return true;
	}
	route_init(&rl, NULL, prefix, "KICK %s %s :%s", ch->name, victim->nick,
	    reason);
	route_channel(ch, NULL, &rl);
	/* The kicker may kick itself out and empty the channel. */
	last_member = ch->nmembers == 1;
	channel_leave(vm);
	return !last_member;
}

/*
 * KICK <#chan>[,#chan...] <nick>[,nick...] [reason]: one channel and
 * several nicks, or as many channels as nicks, kicked pair by pair
 * (RFC 2812).
 */
enum cmd_result
cmd_kick(struct client *c, struct chat_msg *m)
{
	struct channel *ch = NULL;
	char chans[CHAT_LINE_MAX], nicks[CHAT_LINE_MAX], prefix[CHAT_LINE_MAX],
	    reason[CHAT_KICK_MAX + 1];
	char *chan, *nick, *clast, *nlast;
	int n = 0;
	bool several = strchr(m->argv[0], ',') != NULL;

	if (several) {
		size_t nc = 1, nn = 1;
		const char *p;

		for (p = m->argv[0]; *p != '\0'; p++)
			nc += *p == ',';
		for (p = m->argv[1]; *p != '\0'; p++)
			nn += *p == ',';
		if (nc != nn) {
			SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "KICK");
			return CMD_OK;
		}
	} else {
		if ((ch = need_channel(c, m->argv[0])) == NULL)
			return CMD_OK;
		if (need_chanop(c, ch) == NULL)
			return CMD_OK;
	}
	strlcpy(reason,
	    m->argc > 2 && *m->argv[2] != '\0' ? m->argv[2] : c->user.nick,
	    sizeof reason);
	reason[chat_utf8_cut(reason, strlen(reason), CHAT_KICK_MAX)] = '\0';
	user_prefix(&c->user, prefix, sizeof prefix);
	strlcpy(chans, m->argv[0], sizeof chans);
	strlcpy(nicks, m->argv[1], sizeof nicks);
	chan = several ? strtok_r(chans, ",", &clast) : NULL;
	for (nick = strtok_r(nicks, ",", &nlast); nick != NULL;
	     nick = strtok_r(NULL, ",", &nlast)) {
		if (++n > 4) {
			/* TARGMAX KICK:4, answered as PRIVMSG does. */
			SEND_NUMERIC(c, ERR_UNKNOWNERROR, "KICK",
			    "Too many targets (at most 4)");
			break;
		}
		if (several) {
			if (chan == NULL)
				break;
			ch = need_channel(c, chan);
			chan = strtok_r(NULL, ",", &clast);
			if (ch == NULL || need_chanop(c, ch) == NULL)
				continue;
			kick_one(c, ch, nick, prefix, reason);
		} else if (!kick_one(c, ch, nick, prefix, reason))
			break;
	}
	return CMD_OK;
}

/* INVITE <nick> <#chan>. */
enum cmd_result
cmd_invite(struct client *c, struct chat_msg *m)
{
	struct user *to;
	struct channel *ch;
	struct member *mb;
	struct rline rl;
	struct route_sel sel = { 0 };
	char prefix[CHAT_LINE_MAX];

	if ((to = user_find(m->argv[0])) == NULL || !user_registered(to)) {
		SEND_NUMERIC(c, ERR_NOSUCHNICK, m->argv[0]);
		return CMD_OK;
	}
	if ((ch = need_channel(c, m->argv[1])) == NULL)
		return CMD_OK;
	if ((mb = channel_member(ch, &c->user)) == NULL) {
		SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
		return CMD_OK;
	}
	if ((ch->modes & CHAN_INVITE) && !(mb->modes & MEMBER_OP)) {
		SEND_NUMERIC(c, ERR_CHANOPRIVSNEEDED, ch->name);
		return CMD_OK;
	}
	if (channel_member(ch, to) != NULL) {
		SEND_NUMERIC(c, ERR_USERONCHANNEL, to->nick, ch->name);
		return CMD_OK;
	}
	channel_invite_add(ch, to->nick);
	user_prefix(&c->user, prefix, sizeof prefix);
	SEND_NUMERIC(c, RPL_INVITING, to->nick, ch->name);
	route_init(&rl, NULL, prefix, "INVITE %s %s", to->nick, ch->name);
	route_user(to, &rl);
	if (to->away != NULL)
		SEND_NUMERIC(c, RPL_AWAY, to->nick, to->away);
	/* invite-notify: the channel's other operators that asked. */
	sel.except = &c->user;
	sel.modes = MEMBER_OP;
	sel.cap = CAP_INVITE_NOTIFY;
	sel.with = &rl;
	sel.nwith = 1;
	route_channel_sel(ch, &sel);
	return CMD_OK;
}

/*
 * Whether a channel passes a LIST filter: a mask, >n or <n members, or
 * C>n, C<n, T>n, T<n: created, or its topic set, more or less than n
 * minutes ago (ELIST=CMTU).
 */
static bool
list_matches(struct channel *ch, const char *filter)
{
	time_t when, ago;

	if (filter == NULL)
		return true;
	if ((filter[0] == 'C' || filter[0] == 'T' || filter[0] == 'c' ||
	        filter[0] == 't') &&
	    (filter[1] == '<' || filter[1] == '>')) {
		when = (filter[0] == 'C' || filter[0] == 'c') ? ch->created
		                                              : ch->topic_time;
		if (when == 0)
			return false;
		ago = (time(NULL) - when) / 60;
		return filter[1] == '<' ? ago < atoi(filter + 2)
		                        : ago > atoi(filter + 2);
	}
	if (*filter == '>')
		return ch->nmembers > (unsigned)atoi(filter + 1);
	if (*filter == '<')
		return ch->nmembers < (unsigned)atoi(filter + 1);
	return chat_mask_match(filter, ch->name);
}

/* LIST [filter[,filter...]]. */
enum cmd_result
cmd_list(struct client *c, struct chat_msg *m)
{
	struct channel *ch;
	char filters[CHAT_LINE_MAX], *f, *last;
	bool any;

	SEND_NUMERIC(c, RPL_LISTSTART);
	RB_FOREACH(ch, channels, &channel_tree) {
		if ((ch->modes & CHAN_SECRET) &&
		    channel_member(ch, &c->user) == NULL)
			continue;
		any = m->argc == 0;
		if (!any) {
			strlcpy(filters, m->argv[0], sizeof filters);
			for (f = strtok_r(filters, ",", &last); f != NULL;
			     f = strtok_r(NULL, ",", &last)) {
				if (list_matches(ch, f)) {
					any = true;
					break;
				}
			}
		}
		if (any)
			SEND_NUMERIC(c, RPL_LIST, ch->name, ch->nmembers,
			    ch->topic != NULL ? ch->topic : "");
	}
	SEND_NUMERIC(c, RPL_LISTEND);
	return CMD_OK;
}

/*
 * Turn a +b/+e/+I argument into a full nick!user@host mask, keeping the
 * extbans "$a", "$a:account" and "$m:mask" (whose mask is completed
 * too); false for an extban letter we do not know.
 */
static bool
ban_mask(const char *arg, char *buf, size_t len)
{
	char inner[256];

	if (strncmp(arg, "$m:", 3) == 0) {
		if (arg[3] == '\0' || strncmp(arg + 3, "$m", 2) == 0 ||
		    !ban_mask(arg + 3, inner, sizeof inner))
			return false;
		strlcpy(buf, "$m:", len);
		strlcat(buf, inner, len);
	} else if (strcmp(arg, "$a") == 0 ||
	    (strncmp(arg, "$a:", 3) == 0 && arg[3] != '\0'))
		snprintf(buf, len, "%s", arg);
	else if (*arg == '$')
		return false;
	else if (strchr(arg, '!') != NULL && strchr(arg, '@') != NULL)
		snprintf(buf, len, "%s", arg);
	else if (strchr(arg, '@') != NULL)
		snprintf(buf, len, "*!%s", arg);
	else if (strchr(arg, '!') != NULL)
		snprintf(buf, len, "%s@*", arg);
	else
		snprintf(buf, len, "%s!*@*", arg);
	return true;
}

/*
 * The list modes (CHANMODES type A): the list each letter names and its
 * name in the "list is full" answer.
 */
static const struct list_mode {
	char letter;
	size_t offset;
	const char *what;
} list_modes[] = {
	{ 'b', offsetof(struct channel, bans), "Ban" },
	{ 'e', offsetof(struct channel, excepts), "Exception" },
	{ 'I', offsetof(struct channel, invexes), "Invite exception" },
};

/* The list mode of letter; it is one (CHAN_MODES type A). */
static const struct list_mode *
list_mode_find(char letter)
{
	size_t i;

	for (i = 0; i < sizeof list_modes / sizeof list_modes[0]; i++) {
		if (list_modes[i].letter == letter)
			return &list_modes[i];
	}
	return NULL;
}

/* The list of ch that lm names. */
static struct masks *
list_mode_list(struct channel *ch, const struct list_mode *lm)
{
	return (struct masks *)((char *)ch + lm->offset);
}

/* Add or remove a list entry; returns whether anything changed. */
static bool
list_mode_change(struct client *c, struct channel *ch,
    const struct list_mode *lm, bool add, const char *mask)
{
	struct masks *l = list_mode_list(ch, lm);
	struct mask *b;
	char why[64];
	unsigned n = 0;

	TAILQ_FOREACH(b, l, entry) {
		n++;
		if (chat_casecmp(b->mask, mask) != 0)
			continue;
		if (add)
			return false;
		TAILQ_REMOVE(l, b, entry);
		free(b->mask);
		free(b->setter);
		free(b);
		return true;
	}
	if (!add)
		return false;
	if (n >= CHAN_LIST_MAX) {
		snprintf(why, sizeof why, "%s list is full (%d)", lm->what,
		    CHAN_LIST_MAX);
		SEND_NUMERIC(c, ERR_UNKNOWNERROR, ch->name, why);
		return false;
	}
	b = xcalloc(1, sizeof *b);
	b->mask = xstrdup(mask);
	b->setter = xstrdup(c->user.nick);
	b->when = time(NULL);
	TAILQ_INSERT_TAIL(l, b, entry);
	return true;
}

/* Append one applied change to the outgoing MODE line. */
static void
mode_add(char *modes, size_t mlen, char *args, size_t alen, char *dir, bool add,
    char letter, const char *arg)
{
	char s[3] = { 0 };

	if (*dir != (add ? '+' : '-')) {
		*dir = add ? '+' : '-';
		s[0] = *dir;
	}
	s[strlen(s)] = letter;
	strlcat(modes, s, mlen);
	if (arg != NULL) {
		strlcat(args, " ", alen);
		strlcat(args, arg, alen);
	}
}

/* One list (367/368, 348/349 or 346/347) for each entry, then the end. */
static void
mode_list_bans(struct client *c, struct channel *ch, char letter)
{
	const struct list_mode *lm = list_mode_find(letter);
	struct mask *b;

	assert(lm != NULL);
	TAILQ_FOREACH(b, list_mode_list(ch, lm), entry) {
		if (letter == 'e')
			SEND_NUMERIC(c, RPL_EXCEPTLIST, ch->name, b->mask,
			    b->setter, (long long)b->when);
		else if (letter == 'I')
			SEND_NUMERIC(c, RPL_INVITELIST, ch->name, b->mask,
			    b->setter, (long long)b->when);
		else
			SEND_NUMERIC(c, RPL_BANLIST, ch->name, b->mask,
			    b->setter, (long long)b->when);
	}
	if (letter == 'e')
		SEND_NUMERIC(c, RPL_ENDOFEXCEPTLIST, ch->name);
	else if (letter == 'I')
		SEND_NUMERIC(c, RPL_ENDOFINVITELIST, ch->name);
	else
		SEND_NUMERIC(c, RPL_ENDOFBANLIST, ch->name);
}

/*
 * What a MODE line changed, for the announcement: every change in order,
 * the arguments of those that have one (at most the MODES limit, and a
 * "-k *").
 */
struct mode_applied {
	size_t n;
	struct {
		char letter;
		bool add;
		int arg; /* index into args, or -1 */
	} c[CHAT_LINE_MAX];
	char args[CHAN_MODES_MAX + 1][256];
	int nargs;
};

/*
 * Apply one parsed change to ch, answering c for what cannot be done;
 * true if the channel changed, with the argument to announce in arg.
 */
static bool
mode_apply_one(struct client *c, struct channel *ch,
    const struct chat_mode_change *mc, char *arg, size_t argsize)
{
	static const struct {
		char letter;
		int flag;
	} flags[] = { { 'i', CHAN_INVITE }, { 'm', CHAN_MODERATED },
		{ 'n', CHAN_NOEXTERNAL }, { 's', CHAN_SECRET },
		{ 't', CHAN_TOPICLOCK } };
	struct user *target;
	struct member *tm;
	unsigned long lim;
	char *end;
	size_t i;
	int flag;
	bool add = mc->add;

	*arg = '\0';
	if (mc->err == CHAT_MODE_UNKNOWN_LETTER) {
		SEND_NUMERIC(c, ERR_UNKNOWNMODE, mc->letter);
		return false;
	}
	if (mc->list) {
		mode_list_bans(c, ch, mc->letter);
		return false;
	}
	if (mc->err == CHAT_MODE_NEEDARG && !(mc->letter == 'k' && !add)) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "MODE");
		return false;
	}
	switch (mc->letter) {
	case 'k':
		if (!add) {
			/* "-k" needs no key: there is only one to remove. */
			if (!(ch->modes & CHAN_KEY))
				return false;
			ch->modes &= ~CHAN_KEY;
			replace_str(&ch->key, NULL);
			strlcpy(arg, "*", argsize);
			return true;
		}
		if (*mc->arg == '\0' || strpbrk(mc->arg, " ,:") != NULL ||
		    strlen(mc->arg) > 32) {
			SEND_NUMERIC(c, ERR_INVALIDKEY, ch->name);
			return false;
		}
		ch->modes |= CHAN_KEY;
		replace_str(&ch->key, mc->arg);
		strlcpy(arg, mc->arg, argsize);
		return true;
	case 'l':
		if (!add) {
			if (!(ch->modes & CHAN_LIMIT))
				return false;
			ch->modes &= ~CHAN_LIMIT;
			return true;
		}
		lim = strtoul(mc->arg, &end, 10);
		if (*end != '\0' || lim == 0 || lim > 100000) {
			/* An empty value would break the line. */
			SEND_NUMERIC(c, ERR_INVALIDMODEPARAM, ch->name, 'l',
			    *mc->arg != '\0' ? mc->arg : "*",
			    "Limit must be a number from 1 to 100000");
			return false;
		}
		ch->modes |= CHAN_LIMIT;
		ch->limit = (unsigned)lim;
		snprintf(arg, argsize, "%lu", lim);
		return true;
	case 'o':
	case 'v':
		if ((target = user_find(mc->arg)) == NULL) {
			SEND_NUMERIC(c, ERR_NOSUCHNICK, mc->arg);
			return false;
		}
		if ((tm = channel_member(ch, target)) == NULL) {
			SEND_NUMERIC(
			    c, ERR_USERNOTINCHANNEL, target->nick, ch->name);
			return false;
		}
		flag = mc->letter == 'o' ? MEMBER_OP : MEMBER_VOICE;
		if (((tm->modes & flag) != 0) == add)
			return false;
		if (add)
			tm->modes |= flag;
		else
			tm->modes &= ~flag;
		strlcpy(arg, target->nick, argsize);
		return true;
	case 'b':
	case 'e':
	case 'I':
		if (!ban_mask(mc->arg, arg, argsize)) {
			SEND_NUMERIC(c, ERR_INVALIDMODEPARAM, ch->name,
			    mc->letter, mc->arg,
			    "Unknown extban (EXTBAN=$,am: $a, $a:account, "
			    "$m:mask)");
			return false;
		}
		/* A mute is a kind of ban; as an exception it means nothing. */
		if (mc->letter != 'b' && strncmp(arg, "$m:", 3) == 0) {
			SEND_NUMERIC(c, ERR_INVALIDMODEPARAM, ch->name,
			    mc->letter, mc->arg, "A mute ($m:) is only for +b");
			return false;
		}
		return list_mode_change(
		    c, ch, list_mode_find(mc->letter), add, arg);
	}
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (flags[i].letter != mc->letter)
			continue;
		if (((ch->modes & flags[i].flag) != 0) == add)
			return false;
		if (add)
			ch->modes |= flags[i].flag;
		else
			ch->modes &= ~flags[i].flag;
		return true;
	}
	/* A letter the spec names but nothing here handles. */
	SEND_NUMERIC(c, ERR_UNKNOWNMODE, mc->letter);
	return false;
}

/*
 * Apply parsed changes in order, recording in ap those that changed the
 * channel. Unknown letters, missing arguments and refusals are answered
 * one by one, as IRC servers do.
 */
static void
mode_apply(struct client *c, struct channel *ch,
    const struct chat_mode_change *mc, size_t n, struct mode_applied *ap)
{
	char arg[sizeof ap->args[0]];
	size_t i;

	ap->n = 0;
	ap->nargs = 0;
	for (i = 0; i < n; i++) {
		if (!mode_apply_one(c, ch, &mc[i], arg, sizeof arg))
			continue;
		ap->c[ap->n].letter = mc[i].letter;
		ap->c[ap->n].add = mc[i].add;
		ap->c[ap->n].arg = -1;
		if (*arg != '\0') {
			/* Only arguments the parser took, and one "-k *". */
			assert(ap->nargs <
			    (int)(sizeof ap->args / sizeof ap->args[0]));
			strlcpy(ap->args[ap->nargs], arg, sizeof ap->args[0]);
			ap->c[ap->n].arg = ap->nargs++;
		}
		ap->n++;
	}
}

/* Announce what changed as one MODE line to the channel. */
static void
mode_announce(
    struct client *c, struct channel *ch, const struct mode_applied *ap)
{
	char modes[CHAT_LINE_MAX] = "", args[CHAT_LINE_MAX] = "", dir = 0;
	char prefix[CHAT_LINE_MAX];
	struct rline rl;
	size_t i;

	for (i = 0; i < ap->n; i++)
		mode_add(modes, sizeof modes, args, sizeof args, &dir,
		    ap->c[i].add, ap->c[i].letter,
		    ap->c[i].arg >= 0 ? ap->args[ap->c[i].arg] : NULL);
	user_prefix(&c->user, prefix, sizeof prefix);
	route_init(&rl, NULL, prefix, "MODE %s %s%s", ch->name, modes, args);
	route_channel(ch, NULL, &rl);
}

/* Channel MODE: show, or decide (libchat), apply and announce. */
static void
mode_channel(struct client *c, struct channel *ch, struct chat_msg *m)
{
	static struct chat_mode_change mc[CHAT_LINE_MAX];
	static struct mode_applied ap;
	struct member *mb = channel_member(ch, &c->user);
	struct chat_mode_spec spec;
	struct chat_mode_result res;
	char buf[256];

	if (m->argc < 2) {
		channel_mode_string(ch, mb != NULL, buf, sizeof buf);
		SEND_NUMERIC(c, RPL_CHANNELMODEIS, ch->name, buf);
		SEND_NUMERIC(
		    c, RPL_CREATIONTIME, ch->name, (long long)ch->created);
		return;
	}
	chat_mode_spec_init(
	    &spec, CHAN_MODES, CHAN_PREFIX_MODES, CHAN_MODES_MAX);
	/* Parsing stops at the MODES limit; extra arguments are ignored. */
	chat_mode_parse(&spec, m->argv[1], (const char *const *)m->argv + 2,
	    m->argc - 2, mc, sizeof mc / sizeof mc[0], &res);
	/* A lone "b", "e" or "I" (or "+b"...) lists; anyone may look. */
	if (res.n == 1 && mc[0].list && mc[0].add) {
		mode_list_bans(c, ch, mc[0].letter);
		return;
	}
	if (mb == NULL) {
		SEND_NUMERIC(c, ERR_NOTONCHANNEL, ch->name);
		return;
	}
	if (!(mb->modes & MEMBER_OP)) {
		SEND_NUMERIC(c, ERR_CHANOPRIVSNEEDED, ch->name);
		return;
	}
	mode_apply(c, ch, mc, res.n, &ap);
	if (ap.n == 0)
		return;
	chanreg_changed(ch);
	mode_announce(c, ch, &ap);
}

/* User MODE: only your own, only +B, +i, +w (and -o). */
static void
mode_user(struct client *c, struct chat_msg *m)
{
	char modes[16] = "", dir = 0, dummy[4] = "";
	const char *p;
	bool add = true;

	if (chat_casecmp(m->argv[0], c->user.nick) != 0) {
		if (user_find(m->argv[0]) == NULL)
			SEND_NUMERIC(c, ERR_NOSUCHNICK, m->argv[0]);
		else
			SEND_NUMERIC(c, ERR_USERSDONTMATCH);
		return;
	}
	if (m->argc < 2) {
		snprintf(modes, sizeof modes, "+%s%s%s%s",
		    (c->user.modes & USER_BOT) ? "B" : "",
		    (c->user.modes & USER_INVISIBLE) ? "i" : "",
		    (c->user.modes & USER_OPER) ? "o" : "",
		    (c->user.modes & USER_WALLOPS) ? "w" : "");
		SEND_NUMERIC(c, RPL_UMODEIS, modes);
		return;
	}
	for (p = m->argv[1]; *p != '\0'; p++) {
		switch (*p) {
		case '+':
		case '-':
			add = *p == '+';
			break;
		case 'i':
			if (((c->user.modes & USER_INVISIBLE) != 0) == add)
				break;
			if (add) {
				c->user.modes |= USER_INVISIBLE;
				ninvisible++;
			} else {
				c->user.modes &= ~USER_INVISIBLE;
				ninvisible--;
			}
			mode_add(modes, sizeof modes, dummy, sizeof dummy, &dir,
			    add, 'i', NULL);
			break;
		case 'B':
			if (((c->user.modes & USER_BOT) != 0) == add)
				break;
			if (add)
				c->user.modes |= USER_BOT;
			else
				c->user.modes &= ~USER_BOT;
			mode_add(modes, sizeof modes, dummy, sizeof dummy, &dir,
			    add, 'B', NULL);
			break;
		case 'w':
			if (((c->user.modes & USER_WALLOPS) != 0) == add)
				break;
			if (add)
				c->user.modes |= USER_WALLOPS;
			else
				c->user.modes &= ~USER_WALLOPS;
			mode_add(modes, sizeof modes, dummy, sizeof dummy, &dir,
			    add, 'w', NULL);
			break;
		case 'o':
			if (add || !(c->user.modes & USER_OPER))
				break;
			c->user.modes &= ~USER_OPER;
			nopers--;
			mode_add(modes, sizeof modes, dummy, sizeof dummy, &dir,
			    false, 'o', NULL);
			break;
		default:
			SEND_NUMERIC(c, ERR_UMODEUNKNOWNFLAG);
			break;
		}
	}
	if (modes[0] != '\0') {
		send_raw(
		    c, ":%s MODE %s :%s", c->user.nick, c->user.nick, modes);
		cluster_user_changed(c);
	}
}

/* MODE <target> [changes]. */
enum cmd_result
cmd_mode(struct client *c, struct chat_msg *m)
{
	struct channel *ch;

	if (chat_is_channel(m->argv[0])) {
		if ((ch = need_channel(c, m->argv[0])) != NULL)
			mode_channel(c, ch, m);
	} else
		mode_user(c, m);
	return CMD_OK;
}
