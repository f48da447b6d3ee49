/*
 * History: every channel message, and every private message between two
 * logged-in accounts, is written to the store (not waited for: history is
 * a convenience, unlike an offline message), kept for history-days days,
 * and replayed by IRCv3 CHATHISTORY or by the simpler HISTORY for netcat
 * users. A private conversation is keyed by both accounts, so either side
 * (from any nick) reads the same one; nicks without an account have none,
 * since whoever takes the nick next would read it. Replayed and offline
 * messages carry their original time: a server-time tag for clients that asked
 * for tags, a "[YYYY-MM-DD HH:MM:SS UTC]" prefix on the text for everyone else.
 */

#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "chatd.h"
#include "store.h"

#define HISTORY_MAX 100    /* messages per request */
#define HISTORY_DEFAULT 20 /* HISTORY without a count */
#define HISTORY_EXPIRE_EVERY 3600
#define HISTORY_QUEUE_MAX 10000 /* store jobs waiting: hold senders beyond */
#define HISTORY_QUEUE_LOW 5000  /* ... until it is down to this */

/* A history request waiting for the store. */
struct history_op {
	struct conn_wait wait;          /* the client, held until the answer */
	char key[HISTORY_KEY_MAX];      /* what the store knows it by */
	char target[CHAT_CHAN_MAX + 1]; /* the channel or nick asked for */
	char sub[16];
	bool plain;   /* HISTORY, not CHATHISTORY */
	bool private; /* a conversation with a user, not a channel */
};

/*
 * An echo waiting for its message's history write to commit: the sender
 * hears its message only once the history has it. Its input keeps
 * running (so a pipelining sender's writes are committed in batches),
 * but a barrier in its output (conn_barrier) keeps later replies behind
 * the echo, in order.
 */
struct history_echo {
	struct client_ref ref;
	struct rline *lines; /* the echo: one line, or a multiline batch */
	size_t nlines;
	char cmd[8];   /* PRIVMSG or NOTICE, for the WARN */
	char *label;   /* labeled-response: deferred to the echo */
	uint64_t mark; /* its barrier in the sender's output */
	TAILQ_ENTRY(history_echo) entry;
};
TAILQ_HEAD(history_echoes, history_echo);
static struct history_echoes history_echoes =
    TAILQ_HEAD_INITIALIZER(history_echoes);

static struct event *history_expire_ev;
static uint64_t history_batch_id;
static bool history_holding;

/* Format a time in ms: ISO 8601 for tags, or readable for people. */
void
history_format_time(int64_t time_ms, bool iso, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(time_ms / 1000);

	if (iso) {
		chat_time_format(buf, len, time_ms);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* Drop history older than the retention period. */
static void
history_expire(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct timeval tv;
	int64_t now;

	gettimeofday(&tv, NULL);
	now = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	store_history_expire(now - (int64_t)cfg->history_days * 86400000);
}

/* Start the retention timer and expire once now. */
void
history_init(void)
{
	struct timeval every = { HISTORY_EXPIRE_EVERY, 0 };

	history_expire_ev =
	    event_new(ev_base, -1, EV_PERSIST, history_expire, NULL);
	event_add(history_expire_ev, &every);
	history_expire(-1, 0, NULL);
}

/* Stop the retention timer. */
void
history_free(void)
{
	struct history_echo *e;

	while ((e = TAILQ_FIRST(&history_echoes)) != NULL) {
		TAILQ_REMOVE(&history_echoes, e, entry);
		client_ref_clear(&e->ref);
		free(e->label);
		free(e->lines);
		free(e);
	}
	if (history_expire_ev != NULL)
		event_free(history_expire_ev);
	history_expire_ev = NULL;
}

/*
 * The key of the private conversation between two accounts: both folded,
 * in order, so that either side finds it. No channel name starts with @.
 */
static void
history_private_key(const char *a, const char *b, char *buf, size_t len)
{
	char fa[CHAT_NICK_MAX + 1], fb[CHAT_NICK_MAX + 1];

	chat_casefold(fa, a, sizeof fa);
	chat_casefold(fb, b, sizeof fb);
	if (strcmp(fa, fb) <= 0)
		snprintf(buf, len, "@%s@%s", fa, fb);
	else
		snprintf(buf, len, "@%s@%s", fb, fa);
}

static void history_keep_private(
    struct client *, const struct store_msg *, const char *);

/* A history write with an echo waiting committed (or failed): echo now. */
static void
history_echo_done(int err, void *arg)
{
	struct history_echo *e = arg, *next;
	struct client *c = e->ref.client;
	bool resumed = false;
	size_t i;

	next = TAILQ_NEXT(e, entry);
	TAILQ_REMOVE(&history_echoes, e, entry);
	if (c != NULL) {
		/* Writes commit in order: this is c's oldest barrier. */
		while (next != NULL && next->ref.client != c)
			next = TAILQ_NEXT(next, entry);
		conn_barrier_open(c);
		if (e->label != NULL && c->capture == NULL) {
			label_resume(c, e->label);
			resumed = true;
		} else if (e->label != NULL) {
			/* At once (a closed store): still in the command. */
			free(c->label);
			c->label = e->label;
		}
		e->label = NULL;
		if (err != STORE_OK)
			send_warn(c, e->cmd, "HISTORY_FULL",
			    "Your message was delivered but could not be kept "
			    "in history (%s)",
			    store_strerror(err));
		for (i = 0; i < e->nlines; i++)
			route_client(c, &e->lines[i]);
		if (resumed)
			label_end(c);
		conn_barrier_close(c, next != NULL ? &next->mark : NULL);
		client_ref_clear(&e->ref);
	}
	free(e->label);
	free(e->lines);
	free(e);
}

/*
 * Hand a message to the store under key, unless the store is behind; c,
 * if not NULL, is told when the store is full and its message not kept.
 */
static bool
history_keep(struct client *c, const char *key, struct store_msg *m,
    const struct rline *echo, size_t necho)
{
	struct history_echo *e;

	if (cfg->history_days == 0)
		return false;
	if (store_full()) {
		/* The message was delivered: a WARN, not a FAIL. */
		if (c != NULL)
			send_warn(c, m->command, "HISTORY_FULL",
			    "The server's storage is full: your message was "
			    "delivered but is not kept in history");
		return false;
	}
	/*
	 * The disk cannot keep up: keep this message (history is never
	 * dropped) but hold its sender's further input, as for a flood,
	 * until the queue is down again (history_hold).
	 */
	if (store_queue_len() > HISTORY_QUEUE_MAX) {
		if (!history_holding)
			log_warn("store queue over %d jobs: holding senders "
			         "until it drains",
			    HISTORY_QUEUE_MAX);
		history_holding = true;
		if (c != NULL)
			c->flags |= CLIENT_STOREWAIT;
	}
	m->target = key;
	if (echo == NULL) {
		store_history_add(m, NULL, NULL);
		return false;
	}
	e = xcalloc(1, sizeof *e);
	client_ref_set(&e->ref, c);
	e->lines = xcalloc(necho, sizeof *e->lines);
	memcpy(e->lines, echo, necho * sizeof *e->lines);
	e->nlines = necho;
	strlcpy(e->cmd, m->command, sizeof e->cmd);
	e->label = label_defer(c);
	e->mark = conn_barrier(c);
	TAILQ_INSERT_TAIL(&history_echoes, e, entry);
	store_history_add(m, history_echo_done, e);
	return true;
}

/*
 * Whether c's input waits for the store to catch up (conn.c asks before
 * each line): once it sent history past HISTORY_QUEUE_MAX queued jobs,
 * until the queue is down to HISTORY_QUEUE_LOW.
 */
bool
history_hold(struct client *c)
{
	if (!(c->flags & CLIENT_STOREWAIT))
		return false;
	if (history_holding && store_queue_len() > HISTORY_QUEUE_LOW)
		return true;
	if (history_holding)
		log_info("store queue drained: senders run again");
	history_holding = false;
	c->flags &= ~CLIENT_STOREWAIT;
	return false;
}

/* A message c sent now, as the store keeps it. */
static void
history_msg(struct client *c, struct store_msg *m, char *prefix, size_t len,
    const char *cmd, const char *text, const char *msgid, int64_t time_ms)
{
	user_prefix(&c->user, prefix, len);
	memset(m, 0, sizeof *m);
	m->time_ms = time_ms;
	m->msgid = msgid;
	m->source = prefix;
	m->account = c->user.account;
	m->command = cmd;
	m->text = text;
}

/*
 * Keep a channel message. With echo (the sender has echo-message: necho
 * lines), the echo goes out once the history has the message: true if it
 * was taken (else the caller echoes at once: no history kept).
 */
bool
history_record(struct client *c, struct channel *ch, const char *cmd,
    const char *text, const char *msgid, int64_t time_ms,
    const struct rline *echo, size_t necho)
{
	struct store_msg m;
	char prefix[CHAT_LINE_MAX];

	history_msg(c, &m, prefix, sizeof prefix, cmd, text, msgid, time_ms);
	return history_keep(c, ch->name, &m, echo, necho);
}

/* Keep a private message c sent to an account, if c is logged in. */
void
history_record_private(struct client *c, const char *to_account,
    const char *cmd, const char *text, const char *msgid, int64_t time_ms)
{
	struct store_msg m;
	char prefix[CHAT_LINE_MAX];

	if (c->user.account == NULL || to_account == NULL)
		return;
	history_msg(c, &m, prefix, sizeof prefix, cmd, text, msgid, time_ms);
	history_keep_private(c, &m, to_account);
}

/* Keep a private message delivered later (an offline one), if m has a sender
 * account. */
void
history_record_stored(const struct store_msg *m, const char *to_account)
{
	history_keep_private(NULL, m, to_account);
}

/* Keep a private message between two accounts; c sent it, if not NULL. */
static void
history_keep_private(
    struct client *c, const struct store_msg *m, const char *to_account)
{
	struct store_msg copy = *m;
	char key[HISTORY_KEY_MAX];

	if (m->account == NULL || cfg->history_days == 0)
		return;
	history_private_key(m->account, to_account, key, sizeof key);
	history_keep(c, key, &copy, NULL, 0);
	store_private_seen(m->account, to_account, m->time_ms);
}

/* Send one line of a stored message (body) to c, with its time. */
static void
history_deliver_line(struct client *c, const char *batch, const char *to,
    const struct store_msg *m, const char *body, bool tags_ok, bool msgid)
{
	struct rline rl;
	char tags[256], when[64], text[CHAT_LINE_MAX];
	size_t n;

	if (tags_ok && (c->caps & (CAP_SERVER_TIME | CAP_MESSAGE_TAGS))) {
		history_format_time(m->time_ms, true, when, sizeof when);
		n = (size_t)snprintf(tags, sizeof tags, "time=%s", when);
		if (msgid && m->msgid != NULL && n < sizeof tags)
			n += (size_t)snprintf(
			    tags + n, sizeof tags - n, ";msgid=%s", m->msgid);
		if (m->account != NULL && n < sizeof tags)
			n += (size_t)snprintf(tags + n, sizeof tags - n,
			    ";account=%s", m->account);
		if (batch != NULL && n < sizeof tags)
			snprintf(tags + n, sizeof tags - n, ";batch=%s", batch);
		route_init(
		    &rl, tags, m->source, "%s %s :%s", m->command, to, body);
	} else {
		history_format_time(m->time_ms, false, when, sizeof when);
		if (strncmp(body, "\001ACTION ", 8) == 0)
			snprintf(text, sizeof text, "\001ACTION [%s] %s", when,
			    body + 8);
		else
			snprintf(text, sizeof text, "[%s] %s", when, body);
		route_init(
		    &rl, NULL, m->source, "%s %s :%s", m->command, to, text);
	}
	route_client(c, &rl);
}

/*
 * Send a stored multiline message: a draft/multiline batch to a client
 * that has the capability, else its lines one by one (blank ones left
 * out, the msgid on the first).
 */
static void
history_deliver_multi(struct client *c, const char *batch, const char *to,
    const struct store_msg *m, bool tags_ok)
{
	const uint32_t need = CAP_MULTILINE | CAP_BATCH | CAP_MESSAGE_TAGS;
	struct ml_line lines[MULTILINE_SPLIT_MAX];
	struct rline *with;
	char tags[256], when[64];
	size_t i, n, nwith, piece, head;
	bool first = true;

	/* Room for each line after ":source CMD to :" and a time prefix. */
	head = strlen(m->source) + strlen(m->command) + strlen(to) + 6 + 32;
	piece = head < CHAT_LINE_MAX - 2 - 100 ? CHAT_LINE_MAX - 2 - head : 100;
	n = multiline_split(m->text, piece, lines, MULTILINE_SPLIT_MAX);
	if (tags_ok && (c->caps & need) == need) {
		history_format_time(m->time_ms, true, when, sizeof when);
		snprintf(tags, sizeof tags, "time=%s%s%s%s%s", when,
		    m->msgid != NULL ? ";msgid=" : "",
		    m->msgid != NULL ? m->msgid : "",
		    m->account != NULL ? ";account=" : "",
		    m->account != NULL ? m->account : "");
		with = xcalloc(n + 2, sizeof *with);
		nwith = multiline_format(with, NULL, NULL, tags, m->source,
		    m->command, to, lines, n, batch);
		for (i = 0; i < nwith; i++)
			route_client(c, &with[i]);
		free(with);
	} else {
		for (i = 0; i < n; i++) {
			if (*lines[i].text == '\0')
				continue;
			history_deliver_line(
			    c, batch, to, m, lines[i].text, tags_ok, first);
			first = false;
		}
	}
	multiline_lines_free(lines, n);
}

/* Send one stored message to c, addressed to "to", with its time. */
void
history_deliver(struct client *c, const char *batch, const char *to,
    const struct store_msg *m, bool tags_ok)
{
	if (multiline_needed(m->source, m->command, to, m->text))
		history_deliver_multi(c, batch, to, m, tags_ok);
	else
		history_deliver_line(c, batch, to, m, m->text, tags_ok, true);
}

/* The store answered a CHATHISTORY or HISTORY query. */
static void
history_done(int err, const struct store_msg *msgs, size_t n, void *arg)
{
	struct history_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	const char *to;
	char batch[32];
	bool batched;
	size_t i;

	if (c == NULL)
		goto out;
	if (err == STORE_NOTFOUND) {
		send_fail(c, "CHATHISTORY", "INVALID_MSGREFTYPE", op->sub,
		    "No message with that msgid in %s", op->target);
		goto out;
	}
	if (err != STORE_OK) {
		send_fail(c, op->plain ? "HISTORY" : "CHATHISTORY",
		    "MESSAGE_ERROR", op->target, "Could not read history (%s)",
		    store_strerror(err));
		goto out;
	}
	if (op->plain)
		send_notice(c, "*** History of %s: %zu message%s", op->target,
		    n, n == 1 ? "" : "s");
	batched = (c->caps & CAP_BATCH) != 0;
	if (batched) {
		snprintf(batch, sizeof batch, "h%llu",
		    (unsigned long long)++history_batch_id);
		send_raw(c, ":%s BATCH +%s chathistory %s", cfg->server_name,
		    batch, op->target);
	}
	for (i = 0; i < n; i++) {
		/* Private: what c sent goes to the peer, the rest to c. */
		to = op->target;
		if (op->private &&
		    (msgs[i].account == NULL || c->user.account == NULL ||
		        chat_casecmp(msgs[i].account, c->user.account) != 0))
			to = c->user.nick;
		history_deliver(c, batched ? batch : NULL, to, &msgs[i], true);
	}
	if (batched)
		send_raw(c, ":%s BATCH -%s", cfg->server_name, batch);
	if (op->plain)
		send_notice(c, "*** End of history of %s", op->target);
out:
	conn_wait_end(&op->wait);
	free(op);
}

/* Parse "timestamp=...", "msgid=..." or "*" (if star_ok). */
static bool
history_ref(const char *s, struct store_ref *ref, bool star_ok)
{
	memset(ref, 0, sizeof *ref);
	if (strcmp(s, "*") == 0 && star_ok) {
		ref->time_ms = -1;
		return true;
	}
	if (strncmp(s, "msgid=", 6) == 0 && s[6] != '\0') {
		ref->msgid = s + 6;
		return true;
	}
	if (strncmp(s, "timestamp=", 10) != 0)
		return false;
	return chat_time_parse(s + 10, &ref->time_ms) == 0;
}

/*
 * Whose history target names, for c: a channel c is in, or a user (by
 * nick, or an account nobody uses) when both sides have accounts. Fills
 * op's key and target; answers FAIL and returns false if c may not read it.
 */
static bool
history_target(struct client *c, const char *cmd, const char *sub,
    const char *target, struct history_op *op)
{
	struct channel *ch;
	struct user *peer;
	const char *account = NULL;

	if (chat_is_channel(target)) {
		if ((ch = channel_find(target)) == NULL ||
		    channel_member(ch, &c->user) == NULL) {
			send_fail(c, cmd, "INVALID_TARGET", sub,
			    "%s: join the channel first", target);
			return false;
		}
		strlcpy(op->key, ch->name, sizeof op->key);
		strlcpy(op->target, ch->name, sizeof op->target);
		return true;
	}
	if (c->user.account == NULL) {
		send_fail(c, cmd, "INVALID_TARGET", sub,
		    "%s: private history is kept only for logged-in users; "
		    "log in first",
		    target);
		return false;
	}
	if ((peer = user_find(target)) != NULL && user_registered(peer) &&
	    peer->account != NULL)
		account = peer->account;
	else if (chat_nick_valid(target, CHAT_NICK_MAX) &&
	    account_exists(target))
		account = target;
	if (account == NULL) {
		send_fail(c, cmd, "INVALID_TARGET", sub,
		    "%s: no such channel, and no logged-in user or account "
		    "(private history is kept only between accounts)",
		    target);
		return false;
	}
	history_private_key(c->user.account, account, op->key, sizeof op->key);
	/* Named as asked: the client files the batch under that name. */
	strlcpy(op->target, target, sizeof op->target);
	op->private = true;
	return true;
}

/*
 * The store's key of target's history as c may read it (a channel c is
 * in, or c's private conversation with a user or account), with private
 * set for the latter; false after answering FAIL <cmd> INVALID_TARGET.
 */
bool
history_key(struct client *c, const char *cmd, const char *target, char *key,
    size_t len, bool *private)
{
	struct history_op op;

	memset(&op, 0, sizeof op);
	if (!history_target(c, cmd, target, target, &op))
		return false;
	strlcpy(key, op.key, len);
	*private = op.private;
	return true;
}

/* Start a history query for a client (op filled by history_target). */
static void
history_query(struct client *c, struct history_op *op, const char *sub,
    enum store_hq_kind kind, const struct store_ref *a,
    const struct store_ref *b, size_t limit, bool plain)
{
	conn_wait_begin(&op->wait, c);
	strlcpy(op->sub, sub, sizeof op->sub);
	op->plain = plain;
	store_history_query(op->key, kind, a, b, limit, history_done, op);
}

/* The store listed targets with history (CHATHISTORY TARGETS). */
static void
history_targets_done(int err, const char *const *targets, const int64_t *times,
    size_t n, void *arg)
{
	struct conn_wait *w = arg;
	struct client *c = conn_wait_reply(w);
	char batch[32], when[64], tags[64];
	struct rline rl;
	size_t i;

	if (c == NULL)
		goto out;
	if (err != STORE_OK) {
		send_fail(c, "CHATHISTORY", "MESSAGE_ERROR", "TARGETS",
		    "Could not read history (%s)", store_strerror(err));
		goto out;
	}
	snprintf(batch, sizeof batch, "h%llu",
	    (unsigned long long)++history_batch_id);
	if (c->caps & CAP_BATCH)
		send_raw(c, ":%s BATCH +%s draft/chathistory-targets",
		    cfg->server_name, batch);
	for (i = 0; i < n; i++) {
		history_format_time(times[i], true, when, sizeof when);
		snprintf(tags, sizeof tags, "batch=%s", batch);
		route_init(&rl, (c->caps & CAP_BATCH) ? tags : NULL,
		    cfg->server_name, "CHATHISTORY TARGETS %s %s", targets[i],
		    when);
		route_client(c, &rl);
	}
	if (c->caps & CAP_BATCH)
		send_raw(c, ":%s BATCH -%s", cfg->server_name, batch);
out:
	conn_wait_end(w);
	free(w);
}

/* CHATHISTORY TARGETS <timestamp> <timestamp> <limit>. */
static void
history_cmd_targets(struct client *c, struct chat_msg *m, size_t limit)
{
	struct store_ref a, b;
	struct member *mb;
	struct conn_wait *w;
	const char **names;
	size_t n = 0;
	int64_t lo, hi;

	if (!history_ref(m->argv[1], &a, false) || a.msgid != NULL ||
	    !history_ref(m->argv[2], &b, false) || b.msgid != NULL) {
		send_fail(c, "CHATHISTORY", "INVALID_PARAMS", "TARGETS",
		    "TARGETS takes two timestamp= references");
		return;
	}
	lo = a.time_ms < b.time_ms ? a.time_ms : b.time_ms;
	hi = a.time_ms < b.time_ms ? b.time_ms : a.time_ms;
	names = xcalloc(c->user.nchannels + 1, sizeof *names);
	TAILQ_FOREACH(mb, &c->user.channels, uentry) {
		if (n < c->user.nchannels)
			names[n++] = mb->channel->name;
	}
	w = xcalloc(1, sizeof *w);
	conn_wait_begin(w, c);
	store_history_targets(
	    names, n, c->user.account, lo, hi, limit, history_targets_done, w);
	free(names);
}

/* CHATHISTORY <subcommand> <target> <refs...> <limit>. */
enum cmd_result
cmd_chathistory(struct client *c, struct chat_msg *m)
{
	static const struct {
		const char *name;
		enum store_hq_kind kind;
	} subs[] = {
		{ "LATEST", STORE_HQ_LATEST },
		{ "BEFORE", STORE_HQ_BEFORE },
		{ "AFTER", STORE_HQ_AFTER },
		{ "AROUND", STORE_HQ_AROUND },
		{ "BETWEEN", STORE_HQ_BETWEEN },
	};
	const char *sub = m->argv[0];
	char context[CHAT_LINE_MAX];
	struct store_ref a, b;
	struct history_op *op;
	long limit;
	size_t i;
	int need;
	char *end;

	need = strcasecmp(sub, "BETWEEN") == 0 ? 5 : 4;
	if (m->argc < need) {
		send_fail(c, "CHATHISTORY", "NEED_MORE_PARAMS", sub,
		    "Missing parameters");
		return CMD_OK;
	}
	limit = strtol(m->argv[need - 1], &end, 10);
	if (*end != '\0' || limit < 1) {
		send_fail(c, "CHATHISTORY", "INVALID_PARAMS", sub,
		    "The limit must be a positive number");
		return CMD_OK;
	}
	if (limit > HISTORY_MAX)
		limit = HISTORY_MAX;
	if (strcasecmp(sub, "TARGETS") == 0) {
		history_cmd_targets(c, m, (size_t)limit);
		return CMD_OK;
	}
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (strcasecmp(sub, subs[i].name) == 0)
			break;
	}
	if (i == sizeof subs / sizeof subs[0]) {
		send_fail(c, "CHATHISTORY", "INVALID_PARAMS", sub,
		    "Unknown subcommand");
		return CMD_OK;
	}
	if (!history_ref(m->argv[2], &a, subs[i].kind == STORE_HQ_LATEST) ||
	    (need == 5 && !history_ref(m->argv[3], &b, false))) {
		send_fail(c, "CHATHISTORY", "INVALID_PARAMS", subs[i].name,
		    "References are msgid=ID or timestamp=YYYY-MM-DDThh:mm:"
		    "ss.sssZ");
		return CMD_OK;
	}
	/* FAIL CHATHISTORY INVALID_TARGET <subcommand> <target> :text */
	snprintf(context, sizeof context, "%s %s", subs[i].name, m->argv[1]);
	op = xcalloc(1, sizeof *op);
	if (!history_target(c, "CHATHISTORY", context, m->argv[1], op)) {
		free(op);
		return CMD_OK;
	}
	history_query(c, op, subs[i].name, subs[i].kind, &a,
	    need == 5 ? &b : NULL, (size_t)limit, false);
	return CMD_OK;
}

/* HISTORY <#channel|nick> [count]: the latest messages, for netcat users. */
enum cmd_result
cmd_history(struct client *c, struct chat_msg *m)
{
	struct store_ref a = { NULL, -1 };
	struct history_op *op;
	long count = HISTORY_DEFAULT;
	char *end;

	if (m->argc > 1) {
		count = strtol(m->argv[1], &end, 10);
		if (*end != '\0' || count < 1) {
			send_fail(c, "HISTORY", "INVALID_PARAMS", m->argv[1],
			    "The count must be a positive number");
			return CMD_OK;
		}
		if (count > HISTORY_MAX)
			count = HISTORY_MAX;
	}
	op = xcalloc(1, sizeof *op);
	if (!history_target(c, "HISTORY", m->argv[0], m->argv[0], op)) {
		free(op);
		return CMD_OK;
	}
	history_query(
	    c, op, "LATEST", STORE_HQ_LATEST, &a, NULL, (size_t)count, true);
	return CMD_OK;
}
