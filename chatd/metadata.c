/*
 * IRCv3 draft/metadata-2: key-value metadata on users and channels.
 * METADATA <target> GET|LIST|SET|CLEAR|SUB|UNSUB|SUBS|SYNC. A user sets
 * its own keys, a channel operator the channel's; clients subscribe to
 * the keys they understand and hear changes (METADATA lines) of the users
 * they share a channel with and of their channels, and get the current
 * values after a JOIN.
 *
 * A logged-in user's metadata belongs to its account: every session of
 * the account shows the same keys, and they are kept in the store's
 * key-value space (METADATA_NS, key "a <account>", folded), loaded at
 * start-up. A user without an account has metadata for as long as it is
 * connected. A persistent channel's metadata is kept too (key "c
 * <channel>"); another channel's lasts as long as the channel.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chatd.h"
#include "store.h"

#define METADATA_NS "metadata"

/* One key and its value. */
struct metadata_entry {
	char *key;
	char *value;
	TAILQ_ENTRY(metadata_entry) entry;
};
TAILQ_HEAD(metadata_entries, metadata_entry);

/* The metadata of one target, sorted by key. */
struct metadata {
	struct metadata_entries entries;
	unsigned n;
};

/* An account's metadata. */
struct metadata_account {
	char fold[CHAT_NICK_MAX + 1];
	struct metadata md;
	RB_ENTRY(metadata_account) entry;
};
RB_HEAD(metadata_accounts, metadata_account);

/* What a client subscribed to. */
struct metadata_subs {
	unsigned n;
	char *keys[METADATA_MAX_SUBS];
};

/* Order accounts by folded name. */
static int
metadata_account_cmp(
    const struct metadata_account *a, const struct metadata_account *b)
{
	return strcmp(a->fold, b->fold);
}
RB_PROTOTYPE(metadata_accounts, metadata_account, entry, metadata_account_cmp);
RB_GENERATE(metadata_accounts, metadata_account, entry, metadata_account_cmp);

static struct metadata_accounts metadata_account_tree =
    RB_INITIALIZER(&metadata_account_tree);
static uint64_t metadata_batch_id;

/* A new, empty set. */
static struct metadata *
metadata_new(void)
{
	struct metadata *md = xcalloc(1, sizeof *md);

	TAILQ_INIT(&md->entries);
	return md;
}

/* Empty a set. */
static void
metadata_clear(struct metadata *md)
{
	struct metadata_entry *e;

	while ((e = TAILQ_FIRST(&md->entries)) != NULL) {
		TAILQ_REMOVE(&md->entries, e, entry);
		free(e->key);
		free(e->value);
		free(e);
	}
	md->n = 0;
}

/* Free a set (NULL is fine). */
static void
metadata_free(struct metadata *md)
{
	if (md == NULL)
		return;
	metadata_clear(md);
	free(md);
}

/* The entry of key in md, or NULL. */
static struct metadata_entry *
metadata_get(const struct metadata *md, const char *key)
{
	struct metadata_entry *e;

	if (md == NULL)
		return NULL;
	TAILQ_FOREACH(e, &md->entries, entry) {
		if (strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

/* Set key to value in md (kept sorted), replacing what was there. */
static void
metadata_put(struct metadata *md, const char *key, const char *value)
{
	struct metadata_entry *e, *at;

	if ((e = metadata_get(md, key)) != NULL) {
		replace_str(&e->value, value);
		return;
	}
	e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	TAILQ_FOREACH(at, &md->entries, entry) {
		if (strcmp(at->key, key) > 0)
			break;
	}
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, e, entry);
	else
		TAILQ_INSERT_TAIL(&md->entries, e, entry);
	md->n++;
}

/* Remove key from md; false if it was not set. */
static bool
metadata_del(struct metadata *md, const char *key)
{
	struct metadata_entry *e;

	if ((e = metadata_get(md, key)) == NULL)
		return false;
	TAILQ_REMOVE(&md->entries, e, entry);
	free(e->key);
	free(e->value);
	free(e);
	md->n--;
	return true;
}

/* Whether a key is well-formed (libchat's rule, our length). */
bool
metadata_key_valid(const char *key)
{
	return chat_metadata_key_valid(key, METADATA_KEY_MAX);
}

/* The metadata of an account (folded or not); with create, made. */
static struct metadata_account *
metadata_account_find(const char *account, bool create)
{
	struct metadata_account find, *ma;

	chat_casefold(find.fold, account, sizeof find.fold);
	if ((ma = RB_FIND(metadata_accounts, &metadata_account_tree, &find)) !=
	        NULL ||
	    !create)
		return ma;
	ma = xcalloc(1, sizeof *ma);
	strlcpy(ma->fold, find.fold, sizeof ma->fold);
	TAILQ_INIT(&ma->md.entries);
	RB_INSERT(metadata_accounts, &metadata_account_tree, ma);
	return ma;
}

/* A user's metadata: its account's, or its own; with create, made. */
static struct metadata *
metadata_of_user(struct user *u, bool create)
{
	struct metadata_account *ma;

	if (u->account != NULL) {
		ma = metadata_account_find(u->account, create);
		return ma != NULL ? &ma->md : NULL;
	}
	if (u->metadata == NULL && create)
		u->metadata = metadata_new();
	return u->metadata;
}

/* A channel's metadata; with create, made. */
static struct metadata *
metadata_of_channel(struct channel *ch, bool create)
{
	if (ch->metadata == NULL && create)
		ch->metadata = metadata_new();
	return ch->metadata;
}

/* Serialize md as "key value\n" lines (allocated; values hold no LF). */
static char *
metadata_serialize(const struct metadata *md, size_t *len)
{
	struct metadata_entry *e;
	char *buf = xstrdup(""), *next;

	TAILQ_FOREACH(e, &md->entries, entry) {
		xasprintf(&next, "%s%s %s\n", buf, e->key, e->value);
		free(buf);
		buf = next;
	}
	*len = strlen(buf);
	return buf;
}

/* Write md under the store key, or delete the row when md is empty. */
static void
metadata_save(const char *kind, const char *name, const struct metadata *md)
{
	char fold[CHAT_CHAN_MAX + 1], key[CHAT_CHAN_MAX + 4], *buf;
	size_t len;

	chat_casefold(fold, name, sizeof fold);
	snprintf(key, sizeof key, "%s %s", kind, fold);
	if (md == NULL || md->n == 0) {
		store_kv_delete(METADATA_NS, key, NULL, NULL);
		return;
	}
	buf = metadata_serialize(md, &len);
	store_kv_put(METADATA_NS, key, buf, len, NULL, NULL);
	free(buf);
}

/* Persist a user's metadata if it belongs to an account. */
static void
metadata_save_user(struct user *u)
{
	if (u->account != NULL)
		metadata_save("a", u->account, metadata_of_user(u, false));
}

/* Persist a channel's metadata if the channel is persistent. */
static void
metadata_save_channel(struct channel *ch)
{
	if (ch->owner != NULL)
		metadata_save("c", ch->name, ch->metadata);
}

/* Parse stored "key value\n" lines into md. */
static void
metadata_parse(struct metadata *md, const char *buf, size_t len)
{
	char *copy = xstrndup(buf, len), *line, *last, *sp;

	for (line = strtok_r(copy, "\n", &last); line != NULL;
	     line = strtok_r(NULL, "\n", &last)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (metadata_key_valid(line))
			metadata_put(md, line, sp + 1);
	}
	free(copy);
}

/* store_kv_load callback: one account's or channel's metadata. */
static void
metadata_loaded(
    const char *key, const void *value, size_t len, void *arg UNUSED)
{
	struct channel *ch;

	if (strncmp(key, "a ", 2) == 0)
		metadata_parse(
		    &metadata_account_find(key + 2, true)->md, value, len);
	else if (strncmp(key, "c ", 2) == 0 &&
	    (ch = channel_find(key + 2)) != NULL)
		metadata_parse(metadata_of_channel(ch, true), value, len);
}

/* Load the stored metadata (start-up, after the persistent channels). */
int
metadata_init(char **cause)
{
	if (store_kv_load(METADATA_NS, metadata_loaded, NULL) != 0) {
		*cause = xstrdup("cannot read the metadata");
		return -1;
	}
	return 0;
}

/* Forget every account's metadata (shutdown). */
void
metadata_free_all(void)
{
	struct metadata_account *ma, *next;

	RB_FOREACH_SAFE(ma, metadata_accounts, &metadata_account_tree, next) {
		RB_REMOVE(metadata_accounts, &metadata_account_tree, ma);
		metadata_clear(&ma->md);
		free(ma);
	}
}

/* Free what a user holds (its connection or the user goes). */
void
metadata_user_free(struct user *u)
{
	metadata_free(u->metadata);
	u->metadata = NULL;
}

/* Free a client's subscriptions (client_free). */
void
metadata_client_free(struct client *c)
{
	unsigned i;

	if (c->metadata_subs != NULL) {
		for (i = 0; i < c->metadata_subs->n; i++)
			free(c->metadata_subs->keys[i]);
		free(c->metadata_subs);
		c->metadata_subs = NULL;
	}
	metadata_user_free(&c->user);
}

/* Free a channel's metadata (channel_destroy). */
void
metadata_channel_free(struct channel *ch)
{
	metadata_free(ch->metadata);
	ch->metadata = NULL;
}

/* A persistent channel was renamed: file its metadata under the name. */
void
metadata_channel_renamed(struct channel *ch, const char *old)
{
	if (ch->owner == NULL || ch->metadata == NULL || ch->metadata->n == 0)
		return;
	metadata_save("c", old, NULL);
	metadata_save_channel(ch);
}

/* A channel is no longer persistent: its metadata leaves the store. */
void
metadata_channel_unregistered(struct channel *ch)
{
	metadata_save("c", ch->name, NULL);
}

/* An account was deleted: so is its metadata. */
void
metadata_account_gone(const char *account)
{
	struct metadata_account *ma;

	if ((ma = metadata_account_find(account, false)) != NULL) {
		RB_REMOVE(metadata_accounts, &metadata_account_tree, ma);
		metadata_clear(&ma->md);
		free(ma);
	}
	metadata_save("a", account, NULL);
}

/* Whether c subscribed to key. */
static bool
metadata_subscribed(struct client *c, const char *key)
{
	unsigned i;

	if (c->metadata_subs == NULL)
		return false;
	for (i = 0; i < c->metadata_subs->n; i++) {
		if (strcmp(c->metadata_subs->keys[i], key) == 0)
			return true;
	}
	return false;
}

/* Open a metadata batch for c if it has batch; its id, or NULL. */
static const char *
metadata_batch_start(struct client *c, const char *target, char *id, size_t len)
{
	if (!(c->caps & CAP_BATCH))
		return NULL;
	snprintf(id, len, "m%llu", (unsigned long long)++metadata_batch_id);
	send_raw(c, ":%s BATCH +%s metadata %s", cfg->server_name, id, target);
	return id;
}

/* Close a batch metadata_batch_start opened. */
static void
metadata_batch_end(struct client *c, const char *id)
{
	if (id != NULL)
		send_raw(c, ":%s BATCH -%s", cfg->server_name, id);
}

/* Send c a line from the server, in batch (NULL: none). */
static void PRINTFLIKE(3, 4)
    metadata_reply(struct client *c, const char *batch, const char *fmt, ...)
{
	struct rline rl;
	char tags[64];
	va_list ap;

	if (batch != NULL)
		snprintf(tags, sizeof tags, "batch=%s", batch);
	va_start(ap, fmt);
	route_vinit(
	    &rl, batch != NULL ? tags : NULL, cfg->server_name, fmt, ap);
	va_end(ap);
	route_client(c, &rl);
}

/* A numeric reply to c, in batch (NULL: none); fmt from NUMERIC_FMT. */
static void PRINTFLIKE(4, 5) metadata_numeric(
    struct client *c, const char *batch, int num, const char *fmt, ...)
{
	char body[CHAT_LINE_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	metadata_reply(c, batch, "%03d %s %s", num, client_name(c), body);
}
#define METADATA_NUMERIC(c, b, n, ...) \
	metadata_numeric(c, b, n, NUMERIC_FMT(n), ##__VA_ARGS__)

/*
 * A FAIL METADATA to c, in batch (NULL: none). A context that could not
 * be one parameter (empty, or a ':' first: the client's own trailing
 * parameter echoed) becomes "*".
 */
static void
metadata_fail(struct client *c, const char *batch, const char *code,
    const char *context, const char *text)
{
	if (context != NULL && (*context == '\0' || *context == ':'))
		context = "*";
	if (context != NULL)
		metadata_reply(
		    c, batch, "FAIL METADATA %s %s :%s", code, context, text);
	else
		metadata_reply(c, batch, "FAIL METADATA %s :%s", code, text);
}

/* Send c the keys of md it subscribed to, as METADATA lines. */
static void
metadata_send_subscribed(struct client *c, const char *batch,
    const char *target, const struct metadata *md)
{
	struct metadata_entry *e;

	if (md == NULL)
		return;
	TAILQ_FOREACH(e, &md->entries, entry) {
		if (metadata_subscribed(c, e->key))
			metadata_reply(c, batch, "METADATA %s %s * :%s", target,
			    e->key, e->value);
	}
}

/* A change to deliver: the line, who made it, the key. */
struct metadata_change {
	struct client *origin;
	const char *key;
	struct rline rl;
};

/* Deliver a change to one client, if it wants to hear about the key. */
static void
metadata_deliver(struct client *c, void *arg)
{
	struct metadata_change *mc = arg;

	if (c != mc->origin && (c->caps & CAP_METADATA) &&
	    metadata_subscribed(c, mc->key))
		route_client(c, &mc->rl);
}

/* Format the METADATA line of a change (value NULL: the key went). */
static void
metadata_change_init(struct metadata_change *mc, struct client *origin,
    const char *target, const char *key, const char *value)
{
	mc->origin = origin;
	mc->key = key;
	if (value != NULL)
		route_init(&mc->rl, NULL, cfg->server_name,
		    "METADATA %s %s * :%s", target, key, value);
	else
		route_init(&mc->rl, NULL, cfg->server_name, "METADATA %s %s *",
		    target, key);
}

/* A change of one user (a session): its peers and itself hear it. */
struct metadata_user_change {
	struct client *origin;
	const char *key;
	const char *value;
};

/* route_sessions' fn: tell the peers of one session of the account. */
static void
metadata_session_changed(struct client *s, void *arg)
{
	struct metadata_user_change *uc = arg;
	struct metadata_change mc;

	metadata_change_init(&mc, uc->origin, s->user.nick, uc->key, uc->value);
	route_peers_each(&s->user, true, CAP_METANOTIFY, metadata_deliver, &mc);
}

/* Tell who should know that u's key changed (value NULL: removed). */
static void
metadata_user_changed(
    struct client *origin, struct user *u, const char *key, const char *value)
{
	struct metadata_user_change uc = { origin, key, value };
	struct metadata_change mc;

	if (u->account != NULL) {
		route_sessions(u->account, metadata_session_changed, &uc);
		return;
	}
	metadata_change_init(&mc, origin, u->nick, key, value);
	route_peers_each(u, true, CAP_METANOTIFY, metadata_deliver, &mc);
}

/* Tell the channel's members that its key changed (value NULL: gone). */
static void
metadata_channel_changed(struct client *origin, struct channel *ch,
    const char *key, const char *value)
{
	struct metadata_change mc;

	metadata_change_init(&mc, origin, ch->name, key, value);
	route_members(ch, 0, metadata_deliver, &mc);
}

/* Send c its own (stored) metadata in a batch, as the spec asks. */
static void
metadata_send_own(struct client *c)
{
	struct metadata *md = metadata_of_user(&c->user, false);
	struct metadata_entry *e;
	const char *batch;
	char id[32];

	batch = metadata_batch_start(c, c->user.nick, id, sizeof id);
	if (md != NULL) {
		TAILQ_FOREACH(e, &md->entries, entry)
			metadata_reply(c, batch, "METADATA %s %s * :%s",
			    c->user.nick, e->key, e->value);
	}
	metadata_batch_end(c, batch);
}

/* Tell c's peers (not c) that c's key changed (value NULL: removed). */
static void
metadata_peers_changed(struct client *c, const char *key, const char *value)
{
	struct metadata_change mc;

	metadata_change_init(&mc, c, c->user.nick, key, value);
	route_peers_each(
	    &c->user, false, CAP_METANOTIFY, metadata_deliver, &mc);
}

/* c is logging out: its peers see the account's keys go. */
void
metadata_logging_out(struct client *c)
{
	struct metadata *md = metadata_of_user(&c->user, false);
	struct metadata_entry *e;

	if (md == NULL || !(c->flags & CLIENT_REGISTERED))
		return;
	TAILQ_FOREACH(e, &md->entries, entry)
		metadata_peers_changed(c, e->key, NULL);
}

/* Registration completed: a client with the capability gets its own. */
void
metadata_welcome(struct client *c)
{
	if (c->caps & CAP_METADATA)
		metadata_send_own(c);
}

/*
 * c logged in: its metadata is the account's from now on. An account
 * without any takes what c set before logging in; then c (registered,
 * with the capability) gets the account's metadata.
 */
void
metadata_logged_in(struct client *c)
{
	struct metadata *old = c->user.metadata;
	struct metadata_account *ma;
	struct metadata_entry *e, *o;

	ma = metadata_account_find(c->user.account, true);
	if (ma->md.n == 0 && old != NULL && old->n > 0) {
		TAILQ_FOREACH(e, &old->entries, entry)
			metadata_put(&ma->md, e->key, e->value);
		metadata_save_user(&c->user);
	} else if (c->flags & CLIENT_REGISTERED) {
		/* c's peers see the account's keys replace c's own. */
		if (old != NULL) {
			TAILQ_FOREACH(o, &old->entries, entry) {
				if (metadata_get(&ma->md, o->key) == NULL)
					metadata_peers_changed(c, o->key, NULL);
			}
		}
		TAILQ_FOREACH(e, &ma->md.entries, entry) {
			o = metadata_get(old, e->key);
			if (o == NULL || strcmp(o->value, e->value) != 0)
				metadata_peers_changed(c, e->key, e->value);
		}
	}
	metadata_user_free(&c->user);
	if ((c->flags & CLIENT_REGISTERED) && (c->caps & CAP_METADATA))
		metadata_send_own(c);
}

/* A user who joined a channel, for its members to learn about. */
struct metadata_newcomer {
	struct client *c;
	const struct metadata *md;
};

/* route_members' fn: tell one member the newcomer's subscribed keys. */
static void
metadata_tell_member(struct client *to, void *arg)
{
	struct metadata_newcomer *nc = arg;

	if (to != nc->c && (to->caps & CAP_METADATA))
		metadata_send_subscribed(to, NULL, nc->c->user.nick, nc->md);
}

/*
 * After a JOIN: the channel's metadata and its members' that c
 * subscribed to, in one batch; a large channel gets 774 instead, and c
 * asks with METADATA <channel> SYNC when it wants them. The members
 * get c's keys they subscribed to, as they would a change.
 */
void
metadata_joined(struct client *c, struct channel *ch)
{
	struct metadata_newcomer nc = { c, metadata_of_user(&c->user, false) };
	struct member *m;
	const char *batch;
	char id[32];

	if (nc.md != NULL && nc.md->n > 0)
		route_members(ch, 0, metadata_tell_member, &nc);
	if (!(c->caps & CAP_METADATA) || c->metadata_subs == NULL ||
	    c->metadata_subs->n == 0)
		return;
	if (ch->nmembers > METADATA_JOIN_MAX) {
		METADATA_NUMERIC(c, NULL, RPL_METADATASYNCLATER, ch->name);
		return;
	}
	batch = metadata_batch_start(c, ch->name, id, sizeof id);
	metadata_send_subscribed(c, batch, ch->name, ch->metadata);
	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->user != &c->user)
			metadata_send_subscribed(c, batch, m->user->nick,
			    metadata_of_user(m->user, false));
	}
	metadata_batch_end(c, batch);
}

/*
 * WHOIS: 760 for the keys meant for people to read (display-name and
 * status); LIST shows everything.
 */
void
metadata_whois(struct client *c, struct user *u)
{
	static const char *const keys[] = { "display-name", "status" };
	struct metadata *md = metadata_of_user(u, false);
	struct metadata_entry *e;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((e = metadata_get(md, keys[i])) != NULL)
			SEND_NUMERIC(
			    c, RPL_WHOISKEYVALUE, u->nick, e->key, e->value);
	}
}

/* A resolved target: a user or a channel, and the name to show. */
struct metadata_target {
	struct user *user;
	struct channel *channel;
	const char *name;
};

/* Resolve the target of a command ("*": c itself); false: FAIL sent. */
static bool
metadata_target(struct client *c, const char *name, struct metadata_target *t)
{
	memset(t, 0, sizeof *t);
	if (strcmp(name, "*") == 0) {
		t->user = &c->user;
		t->name = client_name(c); /* "*" before NICK (before-connect) */
		return true;
	}
	if (chat_is_channel(name)) {
		if ((t->channel = channel_find(name)) != NULL) {
			t->name = t->channel->name;
			return true;
		}
	} else if ((t->user = user_find(name)) != NULL) {
		t->name = t->user->nick;
		return true;
	}
	metadata_fail(c, NULL, "INVALID_TARGET", name, "Invalid target");
	return false;
}

/* Whether c may see t's metadata: a secret channel shows its members. */
static bool
metadata_can_see(struct client *c, const struct metadata_target *t)
{
	if (t->channel == NULL || !(t->channel->modes & CHAN_SECRET))
		return true;
	return channel_member(t->channel, &c->user) != NULL;
}

/* Whether c may change t's metadata: its own, or a channel it runs. */
static bool
metadata_can_edit(struct client *c, const struct metadata_target *t)
{
	struct member *m;

	if (t->user != NULL)
		return t->user == &c->user;
	m = channel_member(t->channel, &c->user);
	return m != NULL && (m->modes & MEMBER_OP);
}

/* The metadata of a target; with create, made. */
static struct metadata *
metadata_of(const struct metadata_target *t, bool create)
{
	if (t->user != NULL)
		return metadata_of_user(t->user, create);
	return metadata_of_channel(t->channel, create);
}

/* Persist a target's metadata if it is kept. */
static void
metadata_save_target(const struct metadata_target *t)
{
	if (t->user != NULL)
		metadata_save_user(t->user);
	else
		metadata_save_channel(t->channel);
}

/* Tell who should know about a change of t's key. */
static void
metadata_changed(struct client *c, const struct metadata_target *t,
    const char *key, const char *value)
{
	if (t->user != NULL)
		metadata_user_changed(c, t->user, key, value);
	else
		metadata_channel_changed(c, t->channel, key, value);
}

/*
 * The keys of GET, SUB and UNSUB: parameters from the third on, each
 * split at spaces (past CHAT_PARAMS_MAX the last parameter holds the
 * rest of the line). Fills keys (pointing into buf), returns how many.
 */
static size_t
metadata_keys(
    struct chat_msg *m, char *buf, size_t len, char **keys, size_t max)
{
	char *p, *last;
	size_t n = 0;
	int i;

	*buf = '\0';
	for (i = 2; i < m->argc; i++) {
		if (*buf != '\0')
			strlcat(buf, " ", len);
		strlcat(buf, m->argv[i], len);
	}
	for (p = strtok_r(buf, " ", &last); p != NULL && n < max;
	     p = strtok_r(NULL, " ", &last))
		keys[n++] = p;
	return n;
}

/* METADATA <target> GET <key>...: a batch, one answer per key. */
static void
metadata_cmd_get(
    struct client *c, const struct metadata_target *t, struct chat_msg *m)
{
	struct metadata *md = metadata_of(t, false);
	struct metadata_entry *e;
	const char *batch;
	char id[32], buf[CHAT_LINE_MAX], *keys[CHAT_LINE_MAX / 2];
	size_t i, n;

	if ((n = metadata_keys(m, buf, sizeof buf, keys,
	         sizeof keys / sizeof keys[0])) == 0) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "METADATA");
		return;
	}
	batch = metadata_batch_start(c, t->name, id, sizeof id);
	for (i = 0; i < n; i++) {
		if (!metadata_key_valid(keys[i]))
			metadata_fail(
			    c, batch, "KEY_INVALID", keys[i], "Invalid key");
		else if ((e = metadata_get(md, keys[i])) != NULL)
			METADATA_NUMERIC(
			    c, batch, RPL_KEYVALUE, t->name, e->key, e->value);
		else
			METADATA_NUMERIC(
			    c, batch, RPL_KEYNOTSET, t->name, keys[i]);
	}
	metadata_batch_end(c, batch);
}

/* METADATA <target> LIST: a batch of every key and value. */
static void
metadata_cmd_list(struct client *c, const struct metadata_target *t)
{
	struct metadata *md = metadata_of(t, false);
	struct metadata_entry *e;
	const char *batch;
	char id[32];

	batch = metadata_batch_start(c, t->name, id, sizeof id);
	if (md != NULL) {
		TAILQ_FOREACH(e, &md->entries, entry)
			METADATA_NUMERIC(
			    c, batch, RPL_KEYVALUE, t->name, e->key, e->value);
	}
	metadata_batch_end(c, batch);
}

/* METADATA <target> SET <key> [value]: without a value, remove it. */
static void
metadata_cmd_set(
    struct client *c, const struct metadata_target *t, struct chat_msg *m)
{
	const char *key = m->argc > 2 ? m->argv[2] : NULL;
	const char *value = m->argc > 3 ? m->argv[3] : NULL;
	char context[2 * CHAT_LINE_MAX];
	struct metadata *md;

	if (key == NULL) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "METADATA");
		return;
	}
	if (!metadata_key_valid(key)) {
		metadata_fail(c, NULL, "KEY_INVALID", key, "Invalid key");
		return;
	}
	if (!metadata_can_edit(c, t)) {
		snprintf(context, sizeof context, "%s %s", t->name, key);
		metadata_fail(c, NULL, "KEY_NO_PERMISSION", context,
		    t->user != NULL ? "You may only set your own metadata"
		                    : "You're not channel operator");
		return;
	}
	md = metadata_of(t, value != NULL);
	if (value == NULL) {
		if (md == NULL || !metadata_del(md, key)) {
			metadata_fail(
			    c, NULL, "KEY_NOT_SET", key, "Key not set");
			return;
		}
		metadata_save_target(t);
		SEND_NUMERIC(c, RPL_KEYNOTSET, t->name, key);
		metadata_changed(c, t, key, NULL);
		return;
	}
	if (strlen(value) > METADATA_MAX_VALUE_BYTES ||
	    !chat_utf8_valid(value, strlen(value))) {
		metadata_fail(c, NULL, "VALUE_INVALID", NULL,
		    "Values are UTF-8, at most " METADATA_STR(
		        METADATA_MAX_VALUE_BYTES) " bytes");
		return;
	}
	if (metadata_get(md, key) == NULL && md->n >= METADATA_MAX_KEYS) {
		metadata_fail(c, NULL, "LIMIT_REACHED", t->name,
		    "Metadata limit reached (" METADATA_STR(
		        METADATA_MAX_KEYS) " keys)");
		return;
	}
	metadata_put(md, key, value);
	metadata_save_target(t);
	SEND_NUMERIC(c, RPL_KEYVALUE, t->name, key, value);
	metadata_changed(c, t, key, value);
}

/* METADATA <target> CLEAR: remove every key, a batch of what went. */
static void
metadata_cmd_clear(struct client *c, const struct metadata_target *t)
{
	struct metadata *md = metadata_of(t, false);
	struct metadata_entry *e;
	char context[CHAT_LINE_MAX], id[32];
	const char *batch;

	if (!metadata_can_edit(c, t)) {
		snprintf(context, sizeof context, "%s *", t->name);
		metadata_fail(c, NULL, "KEY_NO_PERMISSION", context,
		    t->user != NULL ? "You may only clear your own metadata"
		                    : "You're not channel operator");
		return;
	}
	batch = metadata_batch_start(c, t->name, id, sizeof id);
	while (md != NULL && (e = TAILQ_FIRST(&md->entries)) != NULL) {
		metadata_numeric(
		    c, batch, RPL_KEYVALUE, "%s %s *", t->name, e->key);
		metadata_changed(c, t, e->key, NULL);
		metadata_del(md, e->key);
	}
	metadata_batch_end(c, batch);
	metadata_save_target(t);
}

/* Send keys (space-separated, in buf) as one numeric, then empty buf. */
static void
metadata_flush_keys(struct client *c, int num, char *buf)
{
	if (*buf == '\0')
		return;
	if (num == RPL_METADATASUBOK)
		SEND_NUMERIC(c, RPL_METADATASUBOK, buf);
	else if (num == RPL_METADATAUNSUBOK)
		SEND_NUMERIC(c, RPL_METADATAUNSUBOK, buf);
	else
		SEND_NUMERIC(c, RPL_METADATASUBS, buf);
	*buf = '\0';
}

/* Add key to a numeric's list, sending the list first if it is full. */
static void
metadata_add_key(
    struct client *c, int num, char *buf, size_t len, const char *key)
{
	if (strlen(buf) + strlen(key) + 2 > len)
		metadata_flush_keys(c, num, buf);
	if (*buf != '\0')
		strlcat(buf, " ", len);
	strlcat(buf, key, len);
}

/* METADATA * SUB <key>...: subscribe, in order, up to the limit. */
static void
metadata_cmd_sub(struct client *c, struct chat_msg *m)
{
	struct metadata_subs *s;
	char ok[METADATA_KEYS_LINE], buf[CHAT_LINE_MAX];
	char *keys[CHAT_LINE_MAX / 2];
	size_t i, n;

	if ((n = metadata_keys(m, buf, sizeof buf, keys,
	         sizeof keys / sizeof keys[0])) == 0) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "METADATA");
		return;
	}
	if (c->metadata_subs == NULL)
		c->metadata_subs = xcalloc(1, sizeof *c->metadata_subs);
	s = c->metadata_subs;
	*ok = '\0';
	for (i = 0; i < n; i++) {
		if (!metadata_key_valid(keys[i])) {
			metadata_fail(
			    c, NULL, "KEY_INVALID", keys[i], "Invalid key");
			continue;
		}
		if (!metadata_subscribed(c, keys[i])) {
			if (s->n >= METADATA_MAX_SUBS) {
				metadata_fail(c, NULL, "TOO_MANY_SUBS", keys[i],
				    "Too many subscriptions");
				break;
			}
			s->keys[s->n++] = xstrdup(keys[i]);
		}
		metadata_add_key(c, RPL_METADATASUBOK, ok, sizeof ok, keys[i]);
	}
	metadata_flush_keys(c, RPL_METADATASUBOK, ok);
}

/* METADATA * UNSUB <key>...: unsubscribe. */
static void
metadata_cmd_unsub(struct client *c, struct chat_msg *m)
{
	struct metadata_subs *s = c->metadata_subs;
	char ok[METADATA_KEYS_LINE], buf[CHAT_LINE_MAX];
	char *keys[CHAT_LINE_MAX / 2];
	size_t i, n;
	unsigned j;

	if ((n = metadata_keys(m, buf, sizeof buf, keys,
	         sizeof keys / sizeof keys[0])) == 0) {
		SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "METADATA");
		return;
	}
	*ok = '\0';
	for (i = 0; i < n; i++) {
		if (!metadata_key_valid(keys[i])) {
			metadata_fail(
			    c, NULL, "KEY_INVALID", keys[i], "Invalid key");
			continue;
		}
		for (j = 0; s != NULL && j < s->n; j++) {
			if (strcmp(s->keys[j], keys[i]) == 0) {
				free(s->keys[j]);
				s->keys[j] = s->keys[--s->n];
				break;
			}
		}
		metadata_add_key(
		    c, RPL_METADATAUNSUBOK, ok, sizeof ok, keys[i]);
	}
	metadata_flush_keys(c, RPL_METADATAUNSUBOK, ok);
}

/* Order subscription keys for SUBS. */
static int
metadata_key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* METADATA * SUBS: the keys c subscribed to, sorted. */
static void
metadata_cmd_subs(struct client *c)
{
	struct metadata_subs *s = c->metadata_subs;
	char list[METADATA_KEYS_LINE], *keys[METADATA_MAX_SUBS];
	unsigned i;

	if (s == NULL)
		return;
	memcpy(keys, s->keys, s->n * sizeof keys[0]);
	qsort(keys, s->n, sizeof keys[0], metadata_key_cmp);
	*list = '\0';
	for (i = 0; i < s->n; i++)
		metadata_add_key(
		    c, RPL_METADATASUBS, list, sizeof list, keys[i]);
	metadata_flush_keys(c, RPL_METADATASUBS, list);
}

/* METADATA <target> SYNC: t's subscribed metadata, a channel's members'. */
static void
metadata_cmd_sync(struct client *c, const struct metadata_target *t)
{
	struct member *m;
	const char *batch;
	char id[32];

	batch = metadata_batch_start(c, t->name, id, sizeof id);
	if (t->user != NULL)
		metadata_send_subscribed(
		    c, batch, t->name, metadata_of_user(t->user, false));
	else {
		metadata_send_subscribed(
		    c, batch, t->name, t->channel->metadata);
		TAILQ_FOREACH(m, &t->channel->members, centry) {
			if (m->user != &c->user)
				metadata_send_subscribed(c, batch,
				    m->user->nick,
				    metadata_of_user(m->user, false));
		}
	}
	metadata_batch_end(c, batch);
}

/* METADATA <target> <subcommand> [params...]. */
enum cmd_result
cmd_metadata(struct client *c, struct chat_msg *m)
{
	const char *sub = m->argv[1];
	struct metadata_target t;
	char context[CHAT_LINE_MAX];

	if (strcasecmp(sub, "SUB") == 0)
		metadata_cmd_sub(c, m);
	else if (strcasecmp(sub, "UNSUB") == 0)
		metadata_cmd_unsub(c, m);
	else if (strcasecmp(sub, "SUBS") == 0)
		metadata_cmd_subs(c);
	else if (strcasecmp(sub, "GET") != 0 && strcasecmp(sub, "LIST") != 0 &&
	    strcasecmp(sub, "SET") != 0 && strcasecmp(sub, "CLEAR") != 0 &&
	    strcasecmp(sub, "SYNC") != 0)
		metadata_fail(
		    c, NULL, "SUBCOMMAND_INVALID", sub, "Invalid subcommand");
	else if (!metadata_target(c, m->argv[0], &t))
		return CMD_OK;
	else if (!metadata_can_see(c, &t)) {
		snprintf(context, sizeof context, "%s *", t.name);
		metadata_fail(c, NULL, "KEY_NO_PERMISSION", context,
		    "That channel is secret");
	} else if (strcasecmp(sub, "GET") == 0)
		metadata_cmd_get(c, &t, m);
	else if (strcasecmp(sub, "LIST") == 0)
		metadata_cmd_list(c, &t);
	else if (strcasecmp(sub, "SET") == 0)
		metadata_cmd_set(c, &t, m);
	else if (strcasecmp(sub, "CLEAR") == 0)
		metadata_cmd_clear(c, &t);
	else
		metadata_cmd_sync(c, &t);
	return CMD_OK;
}
