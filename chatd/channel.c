/* Channels: the channel tree, membership, bans, exceptions, invites. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatd.h"

/* Compare channels by folded name. */
static int
channel_cmp(struct channel *a, struct channel *b)
{
	return strcmp(a->fold, b->fold);
}
RB_GENERATE(channels, channel, entry, channel_cmp);

/* Find a channel by name (any case). */
struct channel *
channel_find(const char *name)
{
	struct channel find;

	chat_casefold(find.fold, name, sizeof find.fold);
	return RB_FIND(channels, &channel_tree, &find);
}

/* Create an empty channel (the name was validated). */
struct channel *
channel_create(const char *name)
{
	struct channel *ch = xcalloc(1, sizeof *ch);

	strlcpy(ch->name, name, sizeof ch->name);
	chat_casefold(ch->fold, name, sizeof ch->fold);
	ch->modes = CHAN_NOEXTERNAL | CHAN_TOPICLOCK;
	ch->created = time(NULL);
	TAILQ_INIT(&ch->members);
	TAILQ_INIT(&ch->bans);
	TAILQ_INIT(&ch->excepts);
	TAILQ_INIT(&ch->invexes);
	TAILQ_INIT(&ch->invites);
	RB_INSERT(channels, &channel_tree, ch);
	nchannels_all++;
	return ch;
}

/* Give a channel another name (RENAME), keeping everything else. */
void
channel_rename(struct channel *ch, const char *name)
{
	RB_REMOVE(channels, &channel_tree, ch);
	strlcpy(ch->name, name, sizeof ch->name);
	chat_casefold(ch->fold, name, sizeof ch->fold);
	RB_INSERT(channels, &channel_tree, ch);
}

/* Free a list of masks. */
static void
channel_free_masks(struct masks *l)
{
	struct mask *m;

	while ((m = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, m, entry);
		free(m->mask);
		free(m->setter);
		free(m);
	}
}

/* Destroy a channel (it must be empty). */
void
channel_destroy(struct channel *ch)
{
	RB_REMOVE(channels, &channel_tree, ch);
	nchannels_all--;
	channel_free_masks(&ch->bans);
	channel_free_masks(&ch->excepts);
	channel_free_masks(&ch->invexes);
	channel_free_masks(&ch->invites);
	free(ch->key);
	free(ch->topic);
	free(ch->topic_setter);
	chanreg_free(ch);
	metadata_channel_free(ch);
	free(ch);
}

/* The membership of u in ch, or NULL. Walks the shorter list. */
struct member *
channel_member(struct channel *ch, struct user *u)
{
	struct member *m;

	if (u->nchannels < ch->nmembers) {
		TAILQ_FOREACH(m, &u->channels, uentry) {
			if (m->channel == ch)
				return m;
		}
		return NULL;
	}
	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->user == u)
			return m;
	}
	return NULL;
}

/* Add u to ch. */
struct member *
channel_join(struct channel *ch, struct user *u, int modes)
{
	struct member *m = xcalloc(1, sizeof *m);

	m->user = u;
	m->channel = ch;
	m->modes = modes;
	TAILQ_INSERT_TAIL(&ch->members, m, centry);
	TAILQ_INSERT_TAIL(&u->channels, m, uentry);
	ch->nmembers++;
	u->nchannels++;
	cluster_member_join(m);
	return m;
}

/* Remove a membership; an empty channel is destroyed. */
void
channel_leave(struct member *m)
{
	struct channel *ch = m->channel;
	struct user *u = m->user;

	cluster_member_leave(m);
	TAILQ_REMOVE(&ch->members, m, centry);
	TAILQ_REMOVE(&u->channels, m, uentry);
	ch->nmembers--;
	u->nchannels--;
	free(m);
	if (ch->nmembers == 0 && ch->owner == NULL)
		channel_destroy(ch);
}

/*
 * Whether one list entry matches u: a nick!user@host mask, or an extban
 * (EXTBAN=$,am): "$a" any logged-in user, "$a:account" that account.
 * A mute "$m:mask" matches nobody here; channel_muted looks inside it.
 */
static bool
channel_mask_matches(const char *mask, struct user *u, const char *prefix)
{
	if (strcmp(mask, "$a") == 0)
		return u->account != NULL;
	if (strncmp(mask, "$a:", 3) == 0)
		return u->account != NULL &&
		    chat_casecmp(mask + 3, u->account) == 0;
	if (*mask == '$')
		return false;
	return chat_mask_match(mask, prefix);
}

/* Whether u matches an entry of l (mutes skipped, or only mutes). */
static bool
channel_list_matches(struct masks *l, struct user *u, bool mutes)
{
	struct mask *m;
	char prefix[CHAT_LINE_MAX];
	bool mute;

	if (TAILQ_EMPTY(l))
		return false;
	user_prefix(u, prefix, sizeof prefix);
	TAILQ_FOREACH(m, l, entry) {
		mute = strncmp(m->mask, "$m:", 3) == 0;
		if (mute != mutes)
			continue;
		if (channel_mask_matches(m->mask + (mute ? 3 : 0), u, prefix))
			return true;
	}
	return false;
}

/* Whether u matches a ban of ch (not a mute) and no exception (+e). */
bool
channel_banned(struct channel *ch, struct user *u)
{
	return channel_list_matches(&ch->bans, u, false) &&
	    !channel_list_matches(&ch->excepts, u, false);
}

/* Whether u matches a mute ban ($m:mask) of ch and no exception. */
bool
channel_muted(struct channel *ch, struct user *u)
{
	return channel_list_matches(&ch->bans, u, true) &&
	    !channel_list_matches(&ch->excepts, u, false);
}

/* Whether u matches an invite exception (+I), which passes +i. */
bool
channel_invexed(struct channel *ch, struct user *u)
{
	return channel_list_matches(&ch->invexes, u, false);
}

/* Whether u holds an invitation to ch. */
bool
channel_invited(struct channel *ch, struct user *u)
{
	struct mask *i;

	TAILQ_FOREACH(i, &ch->invites, entry) {
		if (chat_casecmp(i->mask, u->nick) == 0)
			return true;
	}
	return false;
}

/* Remember an invitation (until it is used or the channel dies). */
void
channel_invite_add(struct channel *ch, const char *nick)
{
	struct mask *i;

	TAILQ_FOREACH(i, &ch->invites, entry) {
		if (chat_casecmp(i->mask, nick) == 0)
			return;
	}
	i = xcalloc(1, sizeof *i);
	i->mask = xstrdup(nick);
	i->when = time(NULL);
	TAILQ_INSERT_TAIL(&ch->invites, i, entry);
	chanreg_changed(ch);
}

/* Forget an invitation. */
void
channel_invite_del(struct channel *ch, const char *nick)
{
	struct mask *i;

	TAILQ_FOREACH(i, &ch->invites, entry) {
		if (chat_casecmp(i->mask, nick) == 0) {
			TAILQ_REMOVE(&ch->invites, i, entry);
			free(i->mask);
			free(i->setter);
			free(i);
			chanreg_changed(ch);
			return;
		}
	}
}

/* "+ntk key" style mode string. */
void
channel_mode_string(struct channel *ch, bool show_key, char *buf, size_t len)
{
	char flags[16], args[128] = "";
	char *p = flags;

	*p++ = '+';
	if (ch->modes & CHAN_INVITE)
		*p++ = 'i';
	if (ch->modes & CHAN_KEY)
		*p++ = 'k';
	if (ch->modes & CHAN_LIMIT)
		*p++ = 'l';
	if (ch->modes & CHAN_MODERATED)
		*p++ = 'm';
	if (ch->modes & CHAN_NOEXTERNAL)
		*p++ = 'n';
	if (ch->modes & CHAN_SECRET)
		*p++ = 's';
	if (ch->modes & CHAN_TOPICLOCK)
		*p++ = 't';
	*p = '\0';
	if (ch->modes & CHAN_KEY) {
		strlcat(args, " ", sizeof args);
		strlcat(args, show_key ? ch->key : "*", sizeof args);
	}
	if (ch->modes & CHAN_LIMIT) {
		snprintf(args + strlen(args), sizeof args - strlen(args), " %u",
		    ch->limit);
	}
	snprintf(buf, len, "%s%s", flags, args);
}

/* The prefix shown before a member's nick in NAMES and WHO. */
const char *
channel_prefix(struct member *m, bool multi)
{
	if ((m->modes & MEMBER_OP) && (m->modes & MEMBER_VOICE) && multi)
		return "@+";
	if (m->modes & MEMBER_OP)
		return "@";
	if (m->modes & MEMBER_VOICE)
		return "+";
	return "";
}

/* Free every channel (shutdown; clients are gone already). */
void
channel_free_all(void)
{
	struct channel *ch;

	while ((ch = RB_MIN(channels, &channel_tree)) != NULL)
		channel_destroy(ch);
}
