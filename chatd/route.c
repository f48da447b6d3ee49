/*
 * The routing layer: every line chatd delivers goes through here, to one
 * client, to a nick, to a channel's members, or to the peers of a user.
 * A line is formatted once (struct rline) and its bytes appended to each
 * recipient. Lines carry their IRCv3 tags in front; clients that did not
 * ask for tags get the bytes after them. When several chatd nodes share
 * a namespace later, a remote nick or channel is published here and the
 * command handlers do not change.
 */

#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chatd.h"

static uint64_t route_serial;

/* Build a line: optional tags, optional source, then printf-style text. */
void
route_vinit(struct rline *rl, const char *tags, const char *source,
    const char *fmt, va_list ap)
{
	char *p;
	size_t room;
	int n;
	bool cut;

	rl->tagslen = 0;
	if (tags != NULL && *tags != '\0') {
		n = snprintf(rl->buf, CHAT_TAGS_MAX + 1, "@%s ", tags);
		if (n > 0 && n <= CHAT_TAGS_MAX)
			rl->tagslen = (size_t)n;
	}
	p = rl->buf + rl->tagslen;
	room = sizeof rl->buf - rl->tagslen - 3;
	n = 0;
	if (source != NULL)
		n = snprintf(p, room, ":%s ", source);
	n += vsnprintf(p + n, room - (size_t)n, fmt, ap);
	if ((size_t)n >= room)
		n = (int)room - 1;
	n = chat_line_fit(p, (size_t)n, &cut);
	if (n < 0) {
		/* No trailing parameter to cut: hard-cut (our own bug). */
		log_warn("route: overlong line without a trailing parameter");
		n = (int)chat_utf8_cut(p, strlen(p), CHAT_LINE_MAX - 2);
		memcpy(p + n, "\r\n", 3);
		n += 2;
	}
	rl->len = rl->tagslen + (size_t)n;
}

/* Build a line (see route_vinit). */
void
route_init(struct rline *rl, const char *tags, const char *source,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	route_vinit(rl, tags, source, fmt, ap);
	va_end(ap);
}

/* An IRCv3 server-time tag for now. */
void
route_time_tag(char *buf, size_t len)
{
	struct timeval tv;
	char when[CHAT_TIME_MAX];

	gettimeofday(&tv, NULL);
	chat_time_format(
	    when, sizeof when, (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
	snprintf(buf, len, "time=%s", when);
}

/* The "key=value" of tag key in a line's tag section, or NULL. */
static const char *
route_find_tag(const struct rline *rl, const char *key)
{
	const char *p = rl->buf + 1, *end = rl->buf + rl->tagslen - 1;
	size_t klen = strlen(key);

	while (p < end) {
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    (p[klen] == '=' || p[klen] == ';' || p[klen] == ' '))
			return p;
		if ((p = memchr(p, ';', (size_t)(end - p))) == NULL)
			break;
		p++;
	}
	return NULL;
}

/* The tags a client gets without message-tags, and the cap each needs. */
static const char *const route_tag_names[] = { "time", "account", "batch" };
static const uint32_t route_tag_caps[] = { CAP_SERVER_TIME, CAP_ACCOUNT_TAG,
	CAP_BATCH };

/* Deliver to one local client, with or without tags as it asked. */
void
route_client(struct client *c, const struct rline *rl)
{
	const char *t, *end;
	char tag[128];
	size_t n;
	int i;

	if (rl->tagslen == 0 || (c->caps & CAP_MESSAGE_TAGS)) {
		conn_write(c, rl->buf, rl->len);
		return;
	}
	/*
	 * server-time, account-tag or batch without message-tags: only the
	 * time, account and batch tags, those asked for and present (a
	 * client that asked for batch must see which lines are in one).
	 */
	n = 0;
	for (i = 0; i < 3; i++) {
		if (!(c->caps & route_tag_caps[i]) ||
		    (t = route_find_tag(rl, route_tag_names[i])) == NULL)
			continue;
		end = t + strcspn(t, "; ");
		if (n + (size_t)(end - t) + 3 > sizeof tag)
			continue;
		tag[n] = n == 0 ? '@' : ';';
		n++;
		memcpy(tag + n, t, (size_t)(end - t));
		n += (size_t)(end - t);
	}
	if (n > 0) {
		tag[n++] = ' ';
		if (!conn_write(c, tag, n))
			return;
	}
	conn_write(c, rl->buf + rl->tagslen, rl->len - rl->tagslen);
}

/*
 * Deliver bytes formatted elsewhere (a file chunk line, longer than an
 * rline holds) to one local client. They carry no tags.
 */
void
route_bytes(struct client *c, const char *buf, size_t len)
{
	conn_write(c, buf, len);
}

/* Where lines for users of other nodes go; NULL while chatd runs alone. */
static const struct route_net *route_net;

/* Set (or clear) the hooks that reach users on other nodes. */
void
route_set_net(const struct route_net *net)
{
	route_net = net;
}

/* Deliver to a user, here or on another node. */
void
route_user(struct user *u, const struct rline *rl)
{
	if (u->conn != NULL)
		route_client(u->conn, rl);
	else if (route_net != NULL && route_net->user != NULL)
		route_net->user(u, rl);
}

/* Deliver to a user that has every bit of cap (decided where it lives). */
void
route_user_cap(struct user *u, uint32_t cap, const struct rline *rl)
{
	if (u->conn == NULL)
		route_user(u, rl); /* its own node checks the capability */
	else if ((u->conn->caps & cap) == cap)
		route_client(u->conn, rl);
}

/*
 * Deliver to one user the lines of a selection (struct route_sel): with[]
 * if it has the capability, else without[]; its except and modes do not
 * apply.
 */
void
route_user_sel(struct user *u, const struct route_sel *sel)
{
	const struct rline *lines = sel->with;
	size_t i, n = sel->nwith;

	if (u->conn == NULL) {
		if (route_net != NULL && route_net->user_sel != NULL)
			route_net->user_sel(u, sel);
		return;
	}
	if (sel->cap != 0 && (u->conn->caps & sel->cap) != sel->cap) {
		lines = sel->without;
		n = lines != NULL ? sel->nwithout : 0;
	}
	for (i = 0; i < n; i++)
		route_client(u->conn, &lines[i]);
}

/* Deliver to a nick; false if nobody has it. */
bool
route_nick(const char *nick, const struct rline *rl)
{
	struct user *u = user_find(nick);

	if (u == NULL)
		return false;
	route_user(u, rl);
	return true;
}

/*
 * Call fn for every session of this node logged in to an account,
 * whatever nick it uses, registered or still registering (SASL); one
 * that is closing is left out.
 */
void
route_sessions(
    const char *account, void (*fn)(struct client *, void *), void *arg)
{
	struct client *c, *c1;

	TAILQ_FOREACH_SAFE(c, &all_clients, entry, c1) {
		if (!(c->flags & CLIENT_DEAD) && c->user.account != NULL &&
		    chat_casecmp(c->user.account, account) == 0)
			fn(c, arg);
	}
}

/*
 * Call fn for every live connection of this node having every bit of
 * cap: for news about this node alone (its capabilities after a reload),
 * which no other node's users should hear.
 */
void
route_connections(uint32_t cap, void (*fn)(struct client *, void *), void *arg)
{
	struct client *c, *c1;

	TAILQ_FOREACH_SAFE(c, &all_clients, entry, c1) {
		if (!(c->flags & CLIENT_DEAD) && (c->caps & cap) == cap)
			fn(c, arg);
	}
}

/* A delivery of route_account (rl) or route_account_sel (sel). */
struct route_acct {
	const struct rline *rl;
	const struct route_sel *sel;
	size_t n;
};

/* route_sessions' fn for route_account: registered sessions only. */
static void
route_session(struct client *c, void *arg)
{
	struct route_acct *ra = arg;

	if (!(c->flags & CLIENT_REGISTERED))
		return;
	if (ra->sel != NULL)
		route_user_sel(&c->user, ra->sel);
	else
		route_client(c, ra->rl);
	ra->n++;
}

/*
 * Deliver to every registered session logged in to an account, whatever
 * nick it uses; the number reached here (0: not in use on this node).
 */
size_t
route_account(const char *account, const struct rline *rl)
{
	struct route_acct ra = { rl, NULL, 0 };

	route_sessions(account, route_session, &ra);
	if (route_net != NULL && route_net->account != NULL)
		route_net->account(account, rl);
	return ra.n;
}

/*
 * Like route_account, with the lines of a selection (struct route_sel:
 * with[] for sessions having its capability, without[] for the others).
 */
size_t
route_account_sel(const char *account, const struct route_sel *sel)
{
	struct route_acct ra = { NULL, sel, 0 };

	route_sessions(account, route_session, &ra);
	if (route_net != NULL && route_net->account_sel != NULL)
		route_net->account_sel(account, sel);
	return ra.n;
}

/* The lines of a selection a member gets (0: none). */
static size_t
route_sel_lines(const struct route_sel *sel, const struct member *m,
    const struct rline **lines)
{
	if (m->user == sel->except || m->user == sel->except2)
		return 0;
	if (sel->modes != 0 && !(m->modes & sel->modes))
		return 0;
	if (sel->cap == 0 || (m->user->conn->caps & sel->cap) == sel->cap) {
		*lines = sel->with;
		return sel->nwith;
	}
	*lines = sel->without;
	return sel->without != NULL ? sel->nwithout : 0;
}

/*
 * Deliver to the members of a channel a selection picks (struct
 * route_sel: some left out, only operators, one set of lines for members
 * with a capability and another for the rest). Members on other nodes
 * are reached once for the channel through the network hook, never one
 * by one.
 */
void
route_channel_sel(struct channel *ch, const struct route_sel *sel)
{
	const struct rline *lines;
	struct member *m;
	size_t i, n;
	bool remote = false;

	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->user->conn == NULL) {
			remote = true;
			continue;
		}
		n = route_sel_lines(sel, m, &lines);
		for (i = 0; i < n; i++)
			route_client(m->user->conn, &lines[i]);
	}
	if ((remote || (route_net != NULL && route_net->channel_always)) &&
	    route_net != NULL && route_net->channel != NULL)
		route_net->channel(ch, sel);
}

/*
 * Call fn for every member of ch connected here that lacks cap (0: every
 * one): for replies addressed to each in turn, such as the JOIN, topic
 * and names a client without draft/channel-rename gets after a RENAME.
 */
void
route_members(struct channel *ch, uint32_t cap,
    void (*fn)(struct client *, void *), void *arg)
{
	struct member *m, *m1;
	struct client *c;

	TAILQ_FOREACH_SAFE(m, &ch->members, centry, m1) {
		if ((c = m->user->conn) == NULL || (c->flags & CLIENT_DEAD))
			continue;
		if (cap == 0 || (c->caps & cap) != cap)
			fn(c, arg);
	}
}

/* Deliver to every member of a channel but one. */
void
route_channel(struct channel *ch, struct user *except, const struct rline *rl)
{
	struct route_sel sel = { .except = except, .with = rl, .nwith = 1 };

	route_channel_sel(ch, &sel);
}

/* Deliver to the operators of a channel but one. */
void
route_channel_ops(
    struct channel *ch, struct user *except, const struct rline *rl)
{
	struct route_sel sel = {
		.except = except,
		.modes = MEMBER_OP,
		.with = rl,
		.nwith = 1,
	};

	route_channel_sel(ch, &sel);
}

/* Deliver to u once for this serial; false if it had it already. */
static bool
route_once(struct user *u, uint64_t serial)
{
	if (u->serial == serial)
		return false;
	u->serial = serial;
	return true;
}

/* A delivery to the clients that MONITOR a user (route_peers_of). */
struct route_watch {
	uint64_t serial;
	uint32_t cap;
	const struct rline *rl;
};

/* Deliver to a watcher once, if it has the capabilities. */
static void
route_watcher(struct client *c, void *arg)
{
	struct route_watch *rw = arg;

	if (route_once(&c->user, rw->serial) && (c->caps & rw->cap) == rw->cap)
		route_client(c, rw->rl);
}

/*
 * Deliver once to the local users sharing a channel with u and, when
 * cap is not 0, having it; with extended-monitor, the users that MONITOR
 * u get it too, as if they shared a channel. Users of other nodes are
 * reached through the network hook, once.
 */
static void
route_peers_of(struct user *u, bool self, uint32_t cap, const struct rline *rl)
{
	struct route_watch rw;
	struct member *um, *m;
	struct client *c;
	uint64_t serial = ++route_serial;

	u->serial = serial;
	if (self && u->conn != NULL && (u->conn->caps & cap) == cap)
		route_client(u->conn, rl);
	TAILQ_FOREACH(um, &u->channels, uentry) {
		TAILQ_FOREACH(m, &um->channel->members, centry) {
			if ((c = m->user->conn) == NULL ||
			    !route_once(m->user, serial))
				continue;
			if ((c->caps & cap) == cap)
				route_client(c, rl);
		}
	}
	if (cap != 0) {
		rw.serial = serial;
		rw.cap = cap | CAP_EXTENDED_MONITOR;
		rw.rl = rl;
		presence_watchers(u->nick, route_watcher, &rw);
	}
	if (route_net != NULL && route_net->peers != NULL)
		route_net->peers(u, cap, rl);
}

/* The clients route_peers_each calls, and who is already called. */
struct route_each {
	uint64_t serial;
	uint32_t cap;
	void (*fn)(struct client *, void *);
	void *arg;
};

/* A watcher of route_peers_each: called once, if it has the cap. */
static void
route_each_watcher(struct client *c, void *arg)
{
	struct route_each *re = arg;

	if (!(c->flags & CLIENT_DEAD) && (c->caps & re->cap) == re->cap &&
	    route_once(&c->user, re->serial))
		re->fn(c, re->arg);
}

/*
 * Call fn once for each local client sharing a channel with u (and u's
 * own if self), for deliveries that depend on each recipient's state;
 * when watch_cap is not 0, also for the clients with watch_cap that
 * MONITOR u.
 */
void
route_peers_each(struct user *u, bool self, uint32_t watch_cap,
    void (*fn)(struct client *, void *), void *arg)
{
	struct route_each re;
	struct member *um, *m;
	struct client *c;
	uint64_t serial = ++route_serial;

	u->serial = serial;
	if (self && u->conn != NULL && !(u->conn->flags & CLIENT_DEAD))
		fn(u->conn, arg);
	TAILQ_FOREACH(um, &u->channels, uentry) {
		TAILQ_FOREACH(m, &um->channel->members, centry) {
			if ((c = m->user->conn) == NULL ||
			    (c->flags & CLIENT_DEAD) ||
			    !route_once(m->user, serial))
				continue;
			fn(c, arg);
		}
	}
	if (watch_cap != 0) {
		re.serial = serial;
		re.cap = watch_cap;
		re.fn = fn;
		re.arg = arg;
		presence_watchers(u->nick, route_each_watcher, &re);
	}
}

/* Deliver once to everyone sharing a channel with u (and u if self). */
void
route_peers(struct user *u, bool self, const struct rline *rl)
{
	route_peers_of(u, self, 0, rl);
}

/*
 * Like route_peers, but only to clients with a capability; clients with
 * extended-monitor that MONITOR u get it too, as if they shared a channel.
 */
void
route_peers_cap(struct user *u, bool self, uint32_t cap, const struct rline *rl)
{
	route_peers_of(u, self, cap, rl);
}

/* Deliver to every registered user with every bit of umodes (0: all). */
void
route_all_with(int umodes, const struct rline *rl)
{
	struct client *c;

	TAILQ_FOREACH(c, &all_clients, entry) {
		if ((c->flags & CLIENT_REGISTERED) &&
		    (c->user.modes & umodes) == umodes)
			route_client(c, rl);
	}
	if (route_net != NULL && route_net->all != NULL)
		route_net->all(umodes, rl);
}

/* Deliver to every registered user. */
void
route_all(const struct rline *rl)
{
	route_all_with(0, rl);
}

/*
 * Disconnect a user, wherever connected: rl (its KILL line) reaches it
 * first, then its connection closes with why as the QUIT reason.
 */
void
route_kill(struct user *u, const struct rline *rl, const char *why)
{
	if (u->conn != NULL) {
		route_client(u->conn, rl);
		conn_kill(u->conn, why);
	} else if (route_net != NULL && route_net->kill != NULL)
		route_net->kill(u, rl, why);
}
