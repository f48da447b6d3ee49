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

/* Deliver to a nick; false if nobody has it. */
bool
route_nick(const char *nick, const struct rline *rl)
{
	struct client *c = client_find(nick);

	if (c == NULL)
		return false;
	route_client(c, rl);
	return true;
}

/*
 * Deliver to every registered client logged in to an account, whatever
 * nick it uses; the number reached (0: the account is not in use).
 */
size_t
route_account(const char *account, const struct rline *rl)
{
	struct client *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &all_clients, entry) {
		if ((c->flags & CLIENT_REGISTERED) && c->account != NULL &&
		    chat_casecmp(c->account, account) == 0) {
			route_client(c, rl);
			n++;
		}
	}
	return n;
}

/* Deliver to every member of a channel but one. */
void
route_channel(struct channel *ch, struct client *except, const struct rline *rl)
{
	struct member *m;

	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->client != except)
			route_client(m->client, rl);
	}
}

/* Deliver to the operators of a channel but one. */
void
route_channel_ops(
    struct channel *ch, struct client *except, const struct rline *rl)
{
	struct member *m;

	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->client != except && (m->modes & MEMBER_OP))
			route_client(m->client, rl);
	}
}

/* Deliver once to everyone sharing a channel with c (and c if self). */
void
route_peers(struct client *c, bool self, const struct rline *rl)
{
	struct member *um, *m;
	uint64_t serial = ++route_serial;

	c->serial = serial;
	if (self)
		route_client(c, rl);
	TAILQ_FOREACH(um, &c->channels, uentry) {
		TAILQ_FOREACH(m, &um->channel->members, centry) {
			if (m->client->serial == serial)
				continue;
			m->client->serial = serial;
			route_client(m->client, rl);
		}
	}
}

/* One delivery of route_peers_cap, shared with the MONITOR watchers. */
struct route_cap {
	uint64_t serial;
	uint32_t cap;
	const struct rline *rl;
};

/* Deliver to c once, if it has the capability. */
static void
route_cap_one(struct client *c, void *arg)
{
	struct route_cap *rc = arg;

	if (c->serial == rc->serial)
		return;
	c->serial = rc->serial;
	if ((c->caps & rc->cap) == rc->cap)
		route_client(c, rc->rl);
}

/*
 * Like route_peers, but only to clients with a capability; clients with
 * extended-monitor that MONITOR c get it too, as if they shared a channel.
 */
void
route_peers_cap(
    struct client *c, bool self, uint32_t cap, const struct rline *rl)
{
	struct route_cap rc = { ++route_serial, cap, rl };
	struct member *um, *m;

	if (self)
		route_cap_one(c, &rc);
	c->serial = rc.serial;
	TAILQ_FOREACH(um, &c->channels, uentry) {
		TAILQ_FOREACH(m, &um->channel->members, centry)
			route_cap_one(m->client, &rc);
	}
	rc.cap |= CAP_EXTENDED_MONITOR;
	presence_watchers(c->nick, route_cap_one, &rc);
}

/* Deliver to every registered client. */
void
route_all(const struct rline *rl)
{
	struct client *c;

	TAILQ_FOREACH(c, &all_clients, entry) {
		if (c->flags & CLIENT_REGISTERED)
			route_client(c, rl);
	}
}
