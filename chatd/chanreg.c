/*
 * Persistent channels: a channel created by a logged-in user belongs to
 * that account. Its modes, key, limit, topic, bans, ban and invite
 * exceptions (+e, +I) and invitations are written to the store whenever
 * they change, and it is recreated (empty) when chatd starts, so it
 * outlives restarts and its last member. The owner and the admins it
 * names get operator status when they join and pass +i, +k, +l and bans;
 * the owner adds and removes admins with
 * CHANADMIN. Clients with the chatd/chanadmin capability get machine
 * lines (CHANADMIN <#channel> OWNER|ADMIN|END|ADDED|REMOVED) instead of
 * the NOTICEs, which are prose for people. The owner may hand the
 * channel to another account (CHANADMIN <#channel> OWNER <account>) and
 * stays an admin; when an account is deleted its channels pass to their
 * first admin, or stop being persistent (chanreg_prune).
 *
 * Changes are found by comparison rather than by hooks in every handler:
 * after a command that can change a channel, each persistent channel it
 * names is serialised and saved if that differs from what was saved last.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "chatd.h"
#include "store.h"

/* Append "line\n" to a growing string. */
static void
chanreg_append(char **s, size_t *len, const char *line)
{
	size_t n = strlen(line);

	*s = xrealloc(*s, *len + n + 2);
	memcpy(*s + *len, line, n);
	(*s)[*len + n] = '\n';
	*len += n + 1;
	(*s)[*len] = '\0';
}

/* The store's view of a channel; the strings returned must be freed. */
static char *
chanreg_snapshot(
    struct channel *ch, struct store_channel *sc, char **bans, char **invites)
{
	struct mask *m;
	char line[CHAT_LINE_MAX], *all;
	size_t blen = 0, ilen = 0;

	*bans = xstrdup("");
	*invites = xstrdup("");
	TAILQ_FOREACH(m, &ch->bans, entry) {
		snprintf(line, sizeof line, "%s %s %lld", m->mask,
		    m->setter != NULL ? m->setter : "*", (long long)m->when);
		chanreg_append(bans, &blen, line);
	}
	/*
	 * Exceptions (+e, +I) share the bans column, told apart by a fourth
	 * word, so the store's schema stays as it is.
	 */
	TAILQ_FOREACH(m, &ch->excepts, entry) {
		snprintf(line, sizeof line, "%s %s %lld e", m->mask,
		    m->setter != NULL ? m->setter : "*", (long long)m->when);
		chanreg_append(bans, &blen, line);
	}
	TAILQ_FOREACH(m, &ch->invexes, entry) {
		snprintf(line, sizeof line, "%s %s %lld I", m->mask,
		    m->setter != NULL ? m->setter : "*", (long long)m->when);
		chanreg_append(bans, &blen, line);
	}
	TAILQ_FOREACH(m, &ch->invites, entry)
		chanreg_append(invites, &ilen, m->mask);
	memset(sc, 0, sizeof *sc);
	sc->name = ch->name;
	sc->owner = ch->owner;
	sc->modes = ch->modes;
	sc->key = (ch->modes & CHAN_KEY) ? ch->key : NULL;
	sc->limit = ch->limit;
	sc->topic = ch->topic;
	sc->topic_setter = ch->topic_setter;
	sc->topic_time = ch->topic_time;
	sc->created = ch->created;
	sc->admins = ch->admins != NULL ? ch->admins : "";
	sc->bans = *bans;
	sc->invites = *invites;
	xasprintf(&all, "%s\n%d\n%s\n%u\n%s\n%s\n%lld\n%s\n--\n%s--\n%s",
	    sc->owner, sc->modes, sc->key != NULL ? sc->key : "", sc->limit,
	    sc->topic != NULL ? sc->topic : "",
	    sc->topic_setter != NULL ? sc->topic_setter : "",
	    (long long)sc->topic_time, sc->admins, sc->bans, sc->invites);
	return all;
}

/* The store saved (or failed to save) a channel. */
static void
chanreg_saved(int err, void *arg)
{
	char *name = arg;

	if (err != STORE_OK)
		log_warn("saving channel %s: %s", name, store_strerror(err));
	free(name);
}

/* Write a persistent channel if it changed since it was last written. */
static void
chanreg_save(struct channel *ch)
{
	struct store_channel sc;
	char *bans, *invites, *all;

	if (ch->owner == NULL)
		return;
	all = chanreg_snapshot(ch, &sc, &bans, &invites);
	if (ch->saved == NULL || strcmp(all, ch->saved) != 0) {
		store_channel_put(&sc, chanreg_saved, xstrdup(ch->name));
		free(ch->saved);
		ch->saved = all;
	} else
		free(all);
	free(bans);
	free(invites);
}

/*
 * Parse "mask setter when [e|I]" lines into ch's bans, exceptions and
 * invite exceptions, or plain nick lines into its invitations.
 */
static void
chanreg_load_masks(struct channel *ch, const char *text, bool bans)
{
	char *copy, *line, *last, *sp;
	struct masks *l;
	struct mask *m;

	if (text == NULL)
		return;
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &last); line != NULL;
	     line = strtok_r(NULL, "\n", &last)) {
		m = xcalloc(1, sizeof *m);
		l = bans ? &ch->bans : &ch->invites;
		if (bans && (sp = strchr(line, ' ')) != NULL) {
			*sp++ = '\0';
			m->setter = xstrdup(sp);
			if ((sp = strchr(m->setter, ' ')) != NULL) {
				*sp++ = '\0';
				m->when = (time_t)strtoll(sp, &sp, 10);
				if (strcmp(sp, " e") == 0)
					l = &ch->excepts;
				else if (strcmp(sp, " I") == 0)
					l = &ch->invexes;
			}
		}
		m->mask = xstrdup(line);
		if (!bans)
			m->when = time(NULL);
		TAILQ_INSERT_TAIL(l, m, entry);
	}
	free(copy);
}

/* store_channel_load callback: recreate one channel, empty. */
static void
chanreg_loaded(const struct store_channel *sc, void *arg)
{
	struct channel *ch;
	struct store_channel tmp;
	char *b, *i;
	unsigned *n = arg;

	if (!chat_chan_valid(sc->name, CHAT_CHAN_MAX) ||
	    channel_find(sc->name) != NULL)
		return;
	ch = channel_create(sc->name);
	ch->owner = xstrdup(sc->owner);
	ch->admins = xstrdup(sc->admins != NULL ? sc->admins : "");
	ch->modes = sc->modes;
	if (sc->key != NULL && *sc->key != '\0')
		ch->key = xstrdup(sc->key);
	else
		ch->modes &= ~CHAN_KEY;
	ch->limit = sc->limit;
	if (sc->topic != NULL && *sc->topic != '\0') {
		ch->topic = xstrdup(sc->topic);
		ch->topic_setter =
		    xstrdup(sc->topic_setter != NULL ? sc->topic_setter : "*");
		ch->topic_time = (time_t)sc->topic_time;
	}
	ch->created = (time_t)sc->created;
	chanreg_load_masks(ch, sc->bans, true);
	chanreg_load_masks(ch, sc->invites, false);
	ch->saved = chanreg_snapshot(ch, &tmp, &b, &i);
	free(b);
	free(i);
	(*n)++;
}

/* Recreate the persistent channels (start-up). */
int
chanreg_init(char **cause)
{
	unsigned n = 0;

	if (store_channel_load(chanreg_loaded, &n) != 0) {
		xasprintf(cause, "loading channels failed");
		return -1;
	}
	log_info("%u persistent channels loaded", n);
	/* An account deleted just before a crash may still own some. */
	chanreg_prune();
	return 0;
}

/* Free what a channel holds for persistence (channel_destroy). */
void
chanreg_free(struct channel *ch)
{
	free(ch->owner);
	free(ch->admins);
	free(ch->saved);
}

/* Whether an account is in a newline-separated list. */
static bool
chanreg_listed(const char *list, const char *account)
{
	const char *p = list, *nl;
	size_t len = strlen(account);

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		if ((size_t)(nl != NULL ? nl - p : (ptrdiff_t)strlen(p)) ==
		        len &&
		    strncasecmp(p, account, len) == 0)
			return true;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

/* Whether c is logged in as ch's owner or one of its admins. */
bool
chanreg_admin(struct channel *ch, struct client *c)
{
	if (ch->owner == NULL || c->user.account == NULL)
		return false;
	return chat_casecmp(ch->owner, c->user.account) == 0 ||
	    chanreg_listed(ch->admins, c->user.account);
}

/* The member modes c gets when joining an existing channel. */
int
chanreg_member_modes(struct channel *ch, struct client *c)
{
	return chanreg_admin(ch, c) ? MEMBER_OP : 0;
}

/* The owner and admins of ch as machine lines, OWNER, ADMIN..., END. */
static void
chanreg_send_list(struct client *c, struct channel *ch)
{
	char *copy, *line, *last;

	send_raw(c, ":%s CHANADMIN %s OWNER %s", cfg->server_name, ch->name,
	    ch->owner);
	copy = xstrdup(ch->admins != NULL ? ch->admins : "");
	for (line = strtok_r(copy, "\n", &last); line != NULL;
	     line = strtok_r(NULL, "\n", &last))
		send_raw(c, ":%s CHANADMIN %s ADMIN %s", cfg->server_name,
		    ch->name, line);
	free(copy);
	send_raw(c, ":%s CHANADMIN %s END", cfg->server_name, ch->name);
}

/* c just created ch: if logged in, c's account owns it from now on. */
void
chanreg_created(struct channel *ch, struct client *c)
{
	if (c->user.account == NULL)
		return;
	ch->owner = xstrdup(c->user.account);
	ch->admins = xstrdup("");
	chanreg_save(ch);
	if (c->caps & CAP_CHANADMIN)
		chanreg_send_list(c, ch);
	else
		send_notice(c,
		    "%s is registered to your account %s: its settings "
		    "are kept across restarts",
		    ch->name, c->user.account);
}

/*
 * A channel's persistent state (modes, topic, bans, invites) changed:
 * write it if it is registered. Called where the change is made, not
 * after the command by its name.
 */
void
chanreg_changed(struct channel *ch)
{
	chanreg_save(ch);
}

/* A persistent channel was renamed: file it under its new name. */
void
chanreg_renamed(struct channel *ch, const char *old)
{
	if (ch->owner == NULL)
		return;
	store_channel_delete(old, NULL, NULL);
	free(ch->saved);
	ch->saved = NULL;
	chanreg_save(ch);
	metadata_channel_renamed(ch, old);
}

/* Remove account from a newline-separated list; true if it was there. */
static bool
chanreg_unlist(char **list, const char *account)
{
	char *copy, *line, *last, *out = xstrdup("");
	size_t len = 0;
	bool found = false;

	copy = xstrdup(*list);
	for (line = strtok_r(copy, "\n", &last); line != NULL;
	     line = strtok_r(NULL, "\n", &last)) {
		if (chat_casecmp(line, account) == 0)
			found = true;
		else
			chanreg_append(&out, &len, line);
	}
	free(copy);
	free(*list);
	*list = out;
	return found;
}

/*
 * Accounts were deleted: drop them from every admin list, and give each
 * channel whose owner is gone to its first admin left; without one the
 * channel is no longer persistent and goes with its last member.
 */
void
chanreg_prune(void)
{
	struct channel *ch, *ch1;
	char *copy, *line, *last, *out;
	size_t len;

	RB_FOREACH_SAFE(ch, channels, &channel_tree, ch1) {
		if (ch->owner == NULL)
			continue;
		out = xstrdup("");
		len = 0;
		copy = xstrdup(ch->admins != NULL ? ch->admins : "");
		for (line = strtok_r(copy, "\n", &last); line != NULL;
		     line = strtok_r(NULL, "\n", &last)) {
			if (account_exists(line))
				chanreg_append(&out, &len, line);
		}
		free(copy);
		free(ch->admins);
		ch->admins = out;
		if (!account_exists(ch->owner) && *ch->admins != '\0') {
			line = strchr(ch->admins, '\n');
			free(ch->owner);
			ch->owner =
			    xstrndup(ch->admins, (size_t)(line - ch->admins));
			memmove(ch->admins, line + 1, strlen(line + 1) + 1);
			log_info("channel %s now belongs to %s", ch->name,
			    ch->owner);
		} else if (!account_exists(ch->owner)) {
			log_info("channel %s is no longer persistent: %s is "
			         "gone",
			    ch->name, ch->owner);
			store_channel_delete(
			    ch->name, chanreg_saved, xstrdup(ch->name));
			metadata_channel_unregistered(ch);
			chanreg_free(ch);
			ch->owner = ch->admins = ch->saved = NULL;
			if (ch->nmembers == 0)
				channel_destroy(ch);
			continue;
		}
		chanreg_save(ch);
	}
}

/* CHANADMIN <#channel> OWNER <account>: the owner hands ch over. */
static void
chanreg_give(struct client *c, struct channel *ch, const char *account)
{
	const char *name;
	size_t len;

	if ((name = account_display(account)) == NULL) {
		send_fail(c, "CHANADMIN", "NO_SUCH_ACCOUNT", account,
		    "There is no account %s", account);
		return;
	}
	if (chat_casecmp(name, ch->owner) == 0 && !(c->caps & CAP_CHANADMIN)) {
		send_notice(c, "%s already belongs to %s", ch->name, name);
		return;
	}
	if (chat_casecmp(name, ch->owner) != 0) {
		chanreg_unlist(&ch->admins, name);
		len = strlen(ch->admins);
		chanreg_append(&ch->admins, &len, ch->owner);
		free(ch->owner);
		ch->owner = xstrdup(name);
		chanreg_save(ch);
	}
	if (c->caps & CAP_CHANADMIN)
		chanreg_send_list(c, ch);
	else
		send_notice(c, "%s now belongs to %s; you stay an admin",
		    ch->name, name);
}

/* CHANADMIN <#channel> [+account|-account|OWNER account]. */
enum cmd_result
cmd_chanadmin(struct client *c, struct chat_msg *m)
{
	struct channel *ch;
	const char *arg, *name;
	char list[CHAT_LINE_MAX], *p;
	size_t len;

	if ((ch = channel_find(m->argv[0])) == NULL || ch->owner == NULL) {
		send_fail(c, "CHANADMIN", "NOT_REGISTERED", m->argv[0],
		    "%s is not a persistent channel", m->argv[0]);
		return CMD_OK;
	}
	if (m->argc < 2 && (c->caps & CAP_CHANADMIN)) {
		chanreg_send_list(c, ch);
		return CMD_OK;
	}
	if (m->argc < 2) {
		strlcpy(list, ch->admins, sizeof list);
		for (p = list; (p = strchr(p, '\n')) != NULL; p++)
			*p = ' ';
		len = strlen(list);
		if (len > 0 && list[len - 1] == ' ')
			list[len - 1] = '\0';
		send_notice(c, "%s is owned by %s; admins: %s", ch->name,
		    ch->owner, list[0] != '\0' ? list : "(none)");
		return CMD_OK;
	}
	arg = m->argv[1];
	if (c->user.account == NULL ||
	    chat_casecmp(c->user.account, ch->owner) != 0) {
		send_fail(c, "CHANADMIN", "NOT_OWNER", ch->name,
		    "Only the owner (%s) can change the admins", ch->owner);
		return CMD_OK;
	}
	if (strcasecmp(arg, "OWNER") == 0 && m->argc == 3) {
		chanreg_give(c, ch, m->argv[2]);
		return CMD_OK;
	}
	if (m->argc == 3) {
		send_fail(c, "CHANADMIN", "INVALID_PARAMS", ch->name,
		    "Use OWNER account to hand the channel over");
		return CMD_OK;
	}
	if ((*arg != '+' && *arg != '-') || arg[1] == '\0') {
		send_fail(c, "CHANADMIN", "INVALID_PARAMS", ch->name,
		    "Use +account to add an admin, -account to remove one");
		return CMD_OK;
	}
	if (*arg == '-') {
		if (!chanreg_unlist(&ch->admins, arg + 1))
			send_fail(c, "CHANADMIN", "NOT_ADMIN", arg + 1,
			    "%s is not an admin of %s", arg + 1, ch->name);
		else if (c->caps & CAP_CHANADMIN)
			send_raw(c, ":%s CHANADMIN %s REMOVED %s",
			    cfg->server_name, ch->name,
			    account_display(arg + 1) != NULL
			        ? account_display(arg + 1)
			        : arg + 1);
		else
			send_notice(c, "%s is no longer an admin of %s",
			    arg + 1, ch->name);
		chanreg_save(ch);
		return CMD_OK;
	}
	if ((name = account_display(arg + 1)) == NULL) {
		send_fail(c, "CHANADMIN", "NO_SUCH_ACCOUNT", arg + 1,
		    "There is no account %s", arg + 1);
		return CMD_OK;
	}
	if (chat_casecmp(name, ch->owner) != 0 &&
	    !chanreg_listed(ch->admins, name)) {
		len = strlen(ch->admins);
		chanreg_append(&ch->admins, &len, name);
	}
	chanreg_save(ch);
	if (c->caps & CAP_CHANADMIN)
		send_raw(c, ":%s CHANADMIN %s ADDED %s", cfg->server_name,
		    ch->name, name);
	else
		send_notice(c, "%s is now an admin of %s", name, ch->name);
	return CMD_OK;
}
