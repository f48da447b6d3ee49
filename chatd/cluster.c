/*
 * Many nodes, one namespace (doc/CLUSTER.md): the nodes share Redis for
 * the live namespace (nick claims, users, channel membership, node
 * liveness) and PostgreSQL for what must survive. Two connections to
 * Redis on the event loop: one runs the Lua scripts of cluster-lua.c
 * (every change is one script, fenced by this node's epoch) and
 * publishes, the other is subscribed to the topics this node needs: the
 * global one, its inbox, and the channels it has members in. What comes
 * in is decoded by cluster-wire.c and applied here: users of other nodes
 * become struct users without a connection (user_new_remote) and lines
 * for this node's clients go through route.c like any other.
 */

#include "config.h"

#include <sys/time.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "chatd.h"
#include "cluster-int.h"
#include "cluster-wire.h"

/* A node whose heartbeat is older than this is dead; so is a cut node. */
#define CLUSTER_TTL_MS 10000
#define CLUSTER_TTL_STR "10000"
#define CLUSTER_TICK_MS 1000
#define CLUSTER_BACKOFF_MIN_MS 250
#define CLUSTER_BACKOFF_MAX_MS 5000
#define CLUSTER_ARGS_MAX 8
/* Scripts sent and not answered: past this Redis is too slow to wait on. */
#define CLUSTER_PENDING_MAX 100000
#define CLUSTER_UID_MAX 96

/* A user of another node, found by its uid ("node/id"). */
struct cluster_user {
	char uid[CLUSTER_UID_MAX];
	struct user *u;
	unsigned gen; /* the snapshot that last saw it */
	RB_ENTRY(cluster_user) entry;
};
RB_HEAD(cluster_users, cluster_user);
RB_PROTOTYPE(cluster_users, cluster_user, entry, cluster_user_cmp);

/* One script run: kept whole so it can be sent again (NOSCRIPT). */
struct cluster_req {
	enum cluster_script script;
	int argc;
	char *argv[CLUSTER_ARGS_MAX];
	void (*done)(struct cluster_req *, redisReply *);
	void *arg;
	bool retried; /* sent as EVAL with the script's body */
};

/* A message that came while the snapshot was on its way. */
struct cluster_early {
	char *buf;
	size_t len;
	TAILQ_ENTRY(cluster_early) entry;
};
TAILQ_HEAD(cluster_earlies, cluster_early);

/* A nick claim waiting for Redis (the client's input is held). */
struct cluster_claim {
	struct conn_wait wait;
	uint64_t id;
	char nick[CHAT_NICK_MAX + 1];
	char fold[CHAT_NICK_MAX + 1];
};

static bool cluster_on;
static bool cluster_stopping;
static bool cluster_quiet; /* applying another node's news: no hooks */
static char *cluster_host;
static int cluster_port;
static char *cluster_path;
static unsigned long long cluster_epoch;
static char cluster_epoch_s[24];
static char cluster_sha[CS_COUNT][41];
static redisAsyncContext *cluster_cmd, *cluster_sub;
static bool cluster_cmd_up, cluster_sub_up;
static struct event *cluster_tick_ev, *cluster_retry_ev;
static int cluster_backoff = CLUSTER_BACKOFF_MIN_MS;
static int64_t cluster_last_ok; /* last heartbeat Redis took */
static int64_t cluster_lost_at; /* when Redis went away, 0: it is here */
static bool cluster_cut_off;    /* own clients closed for want of Redis */
static bool cluster_syncing;    /* the snapshot is on its way */
static bool cluster_rejoining;  /* registering again after fencing */
static unsigned cluster_gen;
static unsigned cluster_pending; /* scripts sent, not answered yet */
static bool cluster_restoring;   /* registering again after Redis lost all */
static struct event *cluster_resync_ev;
static struct cluster_users cluster_users = RB_INITIALIZER(&cluster_users);
static struct cluster_earlies cluster_early =
    TAILQ_HEAD_INITIALIZER(cluster_early);

static void cluster_connect(void);
static void cluster_restore(void);
static void cluster_on_message(redisAsyncContext *, void *, void *);
static void cluster_receive(const char *buf, size_t len, const char *topic);

/* Compare remote users by uid. */
static int
cluster_user_cmp(struct cluster_user *a, struct cluster_user *b)
{
	return strcmp(a->uid, b->uid);
}
RB_GENERATE(cluster_users, cluster_user, entry, cluster_user_cmp);

/* Whether this node is part of a cluster. */
bool
cluster_active(void)
{
	return cluster_on;
}

/* The uid of a user ("node/id"), wherever it lives. */
static void
cluster_uid(const struct user *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%llu",
	    u->node != NULL ? u->node : cfg->node_name,
	    (unsigned long long)u->id);
}

/* A user of another node by node and id (as text), or NULL. */
static struct cluster_user *
cluster_remote(const char *node, const char *id)
{
	struct cluster_user find;

	snprintf(find.uid, sizeof find.uid, "%s/%s", node, id);
	return RB_FIND(cluster_users, &cluster_users, &find);
}

/* A registered user of this node by id (nick: where to look first). */
static struct user *
cluster_local(const char *ids, const char *nick)
{
	unsigned long long id;
	struct user *u;

	if (!cluster_wire_number(ids, ~0ULL, &id))
		return NULL;
	if (nick != NULL && (u = user_find(nick)) != NULL && u->node == NULL &&
	    u->id == id)
		return user_registered(u) ? u : NULL;
	/* Its nick changed since the message left: look at everyone. */
	RB_FOREACH(u, nicks, &nick_tree) {
		if (u->node == NULL && u->id == id)
			return user_registered(u) ? u : NULL;
	}
	return NULL;
}

/* A user named by node and id in a message: here or remote, or NULL. */
static struct user *
cluster_anyone(const char *node, const char *id)
{
	struct cluster_user *cu;

	if (*node == '\0')
		return NULL;
	if (strcmp(node, cfg->node_name) == 0)
		return cluster_local(id, NULL);
	cu = cluster_remote(node, id);
	return cu != NULL ? cu->u : NULL;
}

/* Forget a user of another node; with a reason, its peers here see QUIT. */
static void
cluster_user_drop(struct cluster_user *cu, const char *reason)
{
	char prefix[CHAT_LINE_MAX];
	struct rline rl;

	if (reason != NULL) {
		user_prefix(cu->u, prefix, sizeof prefix);
		route_init(&rl, NULL, prefix, "QUIT :%s", reason);
		route_peers(cu->u, false, &rl);
		whowas_add(cu->u);
	}
	RB_REMOVE(cluster_users, &cluster_users, cu);
	user_free_remote(cu->u);
	free(cu);
}

/* The request's script is done (reply NULL: Redis could not be asked). */
static void
cluster_req_done(struct cluster_req *r, redisReply *reply)
{
	int i;

	if (r->done != NULL)
		r->done(r, reply);
	for (i = 0; i < r->argc; i++)
		free(r->argv[i]);
	free(r);
}

static void cluster_send(struct cluster_req *);

/* This node was declared dead: close its clients and register again. */
static void
cluster_fenced(void)
{
	if (cluster_rejoining || cluster_stopping)
		return;
	log_warn("cluster: this node (%s, epoch %llu) was declared dead by "
	         "the cluster; closing its clients and joining again",
	    cfg->node_name, cluster_epoch);
	cluster_rejoining = true;
	conn_kill_all("Cluster: this node was cut off from the network; "
	              "please reconnect");
}

/* hiredis' callback for a script run. */
static void
cluster_reply(redisAsyncContext *ac UNUSED, void *reply_, void *arg)
{
	struct cluster_req *r = arg;
	redisReply *reply = reply_;

	cluster_pending--;
	if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
	    strncmp(reply->str, "NOSCRIPT", 8) == 0 && !r->retried) {
		/* Redis lost its script cache (restarted): send the body. */
		r->retried = true;
		cluster_send(r);
		return;
	}
	if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
	    strstr(reply->str, "EMPTY") != NULL)
		cluster_restore();
	else if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
	    strstr(reply->str, "FENCED") != NULL)
		cluster_fenced();
	else if (reply != NULL && reply->type == REDIS_REPLY_ERROR)
		log_warn("cluster: script %d failed: %s", (int)r->script,
		    reply->str);
	cluster_req_done(r, reply);
}

/* Send a request on the command connection (or fail it at once). */
static void
cluster_send(struct cluster_req *r)
{
	const char *argv[CLUSTER_ARGS_MAX + 3];
	size_t len[CLUSTER_ARGS_MAX + 3];
	int i, n = 0;

	argv[n++] = r->retried ? "EVAL" : "EVALSHA";
	argv[n++] =
	    r->retried ? cluster_lua[r->script] : cluster_sha[r->script];
	argv[n++] = "0";
	for (i = 0; i < r->argc; i++)
		argv[n++] = r->argv[i];
	for (i = 0; i < n; i++)
		len[i] = strlen(argv[i]);
	/* Down, or so far behind that its output would grow without bound. */
	if (cluster_cmd == NULL || !cluster_cmd_up ||
	    cluster_pending >= CLUSTER_PENDING_MAX ||
	    redisAsyncCommandArgv(
	        cluster_cmd, cluster_reply, r, n, argv, len) != REDIS_OK) {
		cluster_req_done(r, NULL);
		return;
	}
	cluster_pending++;
}

/* Run a script with argc string arguments; done (may be NULL) gets the reply.
 */
static void
cluster_call(enum cluster_script s,
    void (*done)(struct cluster_req *, redisReply *), void *arg, int argc, ...)
{
	struct cluster_req *r = xcalloc(1, sizeof *r);
	va_list ap;
	int i;

	if (argc > CLUSTER_ARGS_MAX)
		fatalx("cluster: too many arguments");
	r->script = s;
	r->done = done;
	r->arg = arg;
	r->argc = argc;
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		r->argv[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	cluster_send(r);
}

/* Publish an encoded message on a topic ("all", "n:NODE", "c:FOLD"). */
static void
cluster_publish(const char *topic, struct cluster_wire *w)
{
	if (w->oom)
		fatalx("cluster: out of memory");
	cluster_call(CS_PUB, NULL, NULL, 4, cfg->node_name, cluster_epoch_s,
	    topic, w->buf);
	cluster_wire_free(w);
}

/* Append a list of lines: a count, then a tag length and a line each. */
static void
cluster_put_lines(struct cluster_wire *w, const struct rline *l, size_t n)
{
	size_t i;

	cluster_wire_num(w, n);
	for (i = 0; i < n; i++) {
		cluster_wire_num(w, l[i].tagslen);
		cluster_wire_field(w, l[i].buf, l[i].len);
	}
}

/* Append a user's node and id (empty for none). */
static void
cluster_put_user(struct cluster_wire *w, const struct user *u)
{
	if (u == NULL) {
		cluster_wire_str(w, "");
		cluster_wire_str(w, "");
		return;
	}
	cluster_wire_str(w, u->node != NULL ? u->node : cfg->node_name);
	cluster_wire_num(w, u->id);
}

/* Append a selection's capability and both lists of lines. */
static void
cluster_put_sel(struct cluster_wire *w, const struct route_sel *sel)
{
	cluster_wire_num(w, sel->cap);
	cluster_put_lines(w, sel->with, sel->nwith);
	cluster_put_lines(
	    w, sel->without, sel->without != NULL ? sel->nwithout : 0);
}

/* route_net: lines for one user of another node, to its node's inbox. */
static void
cluster_net_user_sel(struct user *u, const struct route_sel *sel)
{
	struct cluster_wire w = { 0 };
	char topic[80];

	if (cluster_quiet || u->node == NULL)
		return;
	cluster_wire_begin(&w, CW_PRIV, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, u->id);
	cluster_wire_str(&w, u->nick);
	cluster_put_sel(&w, sel);
	snprintf(topic, sizeof topic, "n:%s", u->node);
	cluster_publish(topic, &w);
}

/* route_net: one line for a user of another node. */
static void
cluster_net_user(struct user *u, const struct rline *rl)
{
	struct route_sel sel = { .with = rl, .nwith = 1 };

	cluster_net_user_sel(u, &sel);
}

/* route_net: an account's sessions on the other nodes. */
static void
cluster_net_account_sel(const char *account, const struct route_sel *sel)
{
	struct cluster_wire w = { 0 };

	if (cluster_quiet)
		return;
	cluster_wire_begin(&w, CW_ACCOUNT, cfg->node_name, cluster_epoch);
	cluster_wire_str(&w, account);
	cluster_put_sel(&w, sel);
	cluster_publish("all", &w);
}

/* route_net: one line for an account's sessions on the other nodes. */
static void
cluster_net_account(const char *account, const struct rline *rl)
{
	struct route_sel sel = { .with = rl, .nwith = 1 };

	cluster_net_account_sel(account, &sel);
}

/* route_net: a channel's members elsewhere, once on the channel's topic. */
static void
cluster_net_channel(struct channel *ch, const struct route_sel *sel)
{
	struct cluster_wire w = { 0 };
	char topic[CHAT_CHAN_MAX + 3];

	if (cluster_quiet)
		return;
	cluster_wire_begin(&w, CW_CHAN, cfg->node_name, cluster_epoch);
	cluster_wire_str(&w, ch->name);
	cluster_put_user(&w, sel->except);
	cluster_put_user(&w, sel->except2);
	cluster_wire_num(&w, (unsigned)sel->modes);
	cluster_put_sel(&w, sel);
	snprintf(topic, sizeof topic, "c:%s", ch->fold);
	cluster_publish(topic, &w);
}

/* route_net: a local user's peers on the other nodes (NICK, QUIT...). */
static void
cluster_net_peers(struct user *u, uint32_t cap, const struct rline *rl)
{
	struct cluster_wire w = { 0 };

	if (cluster_quiet || u->node != NULL)
		return;
	cluster_wire_begin(&w, CW_PEERS, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, u->id);
	cluster_wire_str(&w, u->nick);
	cluster_wire_num(&w, cap);
	cluster_put_lines(&w, rl, 1);
	cluster_put_lines(&w, NULL, 0);
	cluster_publish("all", &w);
}

/* route_net: everyone on the other nodes with umodes (WALLOPS). */
static void
cluster_net_all(int umodes, const struct rline *rl)
{
	struct cluster_wire w = { 0 };

	if (cluster_quiet)
		return;
	cluster_wire_begin(&w, CW_ALL, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, (unsigned)umodes);
	cluster_put_lines(&w, rl, 1);
	cluster_put_lines(&w, NULL, 0);
	cluster_publish("all", &w);
}

/* route_net: KILL of a user of another node, done by its node. */
static void
cluster_net_kill(struct user *u, const struct rline *rl, const char *why)
{
	struct cluster_wire w = { 0 };
	char topic[80];

	if (cluster_quiet || u->node == NULL)
		return;
	cluster_wire_begin(&w, CW_KILL, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, u->id);
	cluster_wire_str(&w, u->nick);
	cluster_wire_str(&w, why);
	cluster_put_lines(&w, rl, 1);
	cluster_put_lines(&w, NULL, 0);
	snprintf(topic, sizeof topic, "n:%s", u->node);
	cluster_publish(topic, &w);
}

static const struct route_net cluster_net = {
	.user = cluster_net_user,
	.user_sel = cluster_net_user_sel,
	.account = cluster_net_account,
	.channel = cluster_net_channel,
	.peers = cluster_net_peers,
	.all = cluster_net_all,
	.kill = cluster_net_kill,
	.account_sel = cluster_net_account_sel,
	/* A node that just joined may not have heard of us yet. */
	.channel_always = true,
};

/* A local user's record as the cluster keeps it (a U message). */
static void
cluster_record(struct cluster_wire *w, struct client *c)
{
	cluster_wire_begin(w, CW_USER, cfg->node_name, cluster_epoch);
	cluster_wire_num(w, c->user.id);
	cluster_wire_str(w, c->user.nick);
	cluster_wire_str(w, c->user.username);
	cluster_wire_str(w, c->user.host);
	cluster_wire_str(w, c->user.realname);
	cluster_wire_str(w, c->user.account);
	cluster_wire_num(w, (unsigned)c->user.modes);
	cluster_wire_str(w, c->user.away);
	if (w->oom)
		fatalx("cluster: out of memory");
}

/* A client of this node registered: the other nodes learn of it. */
void
cluster_user_add(struct client *c)
{
	struct cluster_wire w = { 0 };
	char id[24];

	if (!cluster_on)
		return;
	cluster_record(&w, c);
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->user.id);
	cluster_call(
	    CS_UADD, NULL, NULL, 4, cfg->node_name, cluster_epoch_s, id, w.buf);
	cluster_wire_free(&w);
}

/*
 * A registered client of this node changed what the others show of it
 * (AWAY, account, user modes, SETNAME): its record again, announced.
 */
void
cluster_user_changed(struct client *c)
{
	if (c->flags & CLIENT_REGISTERED)
		cluster_user_add(c);
}

/* A registered client of this node changed nick (claimed already). */
void
cluster_user_nick(struct client *c, const char *old)
{
	struct cluster_wire rec = { 0 }, w = { 0 };
	char id[24];

	if (!cluster_on)
		return;
	cluster_record(&rec, c);
	cluster_wire_begin(&w, CW_NICK, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, c->user.id);
	cluster_wire_str(&w, old);
	cluster_wire_str(&w, c->user.nick);
	if (w.oom)
		fatalx("cluster: out of memory");
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->user.id);
	cluster_call(CS_UNICK, NULL, NULL, 5, cfg->node_name, cluster_epoch_s,
	    id, rec.buf, w.buf);
	cluster_wire_free(&rec);
	cluster_wire_free(&w);
}

/* A client of this node leaves: its nick is freed, its user forgotten. */
void
cluster_user_exit(struct client *c, bool registered)
{
	struct cluster_wire w = { 0 };
	char id[24];

	if (!cluster_on || !(c->flags & CLIENT_NICK))
		return;
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->user.id);
	if (!registered) {
		cluster_call(CS_RELEASE, NULL, NULL, 4, cfg->node_name,
		    cluster_epoch_s, id, c->user.fold);
		return;
	}
	cluster_wire_begin(&w, CW_QUIT, cfg->node_name, cluster_epoch);
	cluster_wire_num(&w, c->user.id);
	cluster_wire_str(&w, c->user.nick);
	if (w.oom)
		fatalx("cluster: out of memory");
	cluster_call(CS_UQUIT, NULL, NULL, 5, cfg->node_name, cluster_epoch_s,
	    id, c->user.fold, w.buf);
	cluster_wire_free(&w);
}

/* Subscribe to (or leave) a channel's topic. */
static void
cluster_subscribe_channel(const struct channel *ch, bool on)
{
	char topic[CHAT_CHAN_MAX + 16];

	if (cluster_sub == NULL || !cluster_sub_up)
		return; /* cluster_ready subscribes again on reconnect */
	snprintf(topic, sizeof topic, "chatd:t:c:%s", ch->fold);
	if (on)
		redisAsyncCommand(cluster_sub, cluster_on_message, NULL,
		    "SUBSCRIBE %s", topic);
	else
		redisAsyncCommand(
		    cluster_sub, NULL, NULL, "UNSUBSCRIBE %s", topic);
}

/* The members of ch on this node, leaving out one. */
static unsigned
cluster_local_members(const struct channel *ch, const struct user *but)
{
	const struct member *m;
	unsigned n = 0;

	TAILQ_FOREACH(m, &ch->members, centry) {
		if (m->user->node == NULL && m->user != but)
			n++;
	}
	return n;
}

static void cluster_publish_join(struct member *);

/* A membership began (channel_join): published, and subscribed. */
void
cluster_member_join(struct member *m)
{
	if (!cluster_on || m->user->node != NULL)
		return;
	if (cluster_local_members(m->channel, NULL) == 1)
		cluster_subscribe_channel(m->channel, true);
	if (!cluster_quiet)
		cluster_publish_join(m);
}

/* Record and announce a membership of a user of this node. */
static void
cluster_publish_join(struct member *m)
{
	struct cluster_wire w = { 0 };
	char uid[CLUSTER_UID_MAX], modes[16];

	cluster_wire_begin(&w, CW_JOIN, cfg->node_name, cluster_epoch);
	cluster_put_user(&w, m->user);
	cluster_wire_str(&w, m->channel->name);
	cluster_wire_num(&w, (unsigned)m->modes);
	if (w.oom)
		fatalx("cluster: out of memory");
	cluster_uid(m->user, uid, sizeof uid);
	snprintf(modes, sizeof modes, "%d", m->modes);
	cluster_call(CS_JOIN, NULL, NULL, 7, cfg->node_name, cluster_epoch_s,
	    uid, m->channel->fold, m->channel->name, modes, w.buf);
	cluster_wire_free(&w);
}

/* A membership is about to end (channel_leave): published, unsubscribed. */
void
cluster_member_leave(struct member *m)
{
	struct cluster_wire w = { 0 };
	char uid[CLUSTER_UID_MAX];

	if (!cluster_on)
		return;
	if (m->user->node == NULL &&
	    cluster_local_members(m->channel, m->user) == 0)
		cluster_subscribe_channel(m->channel, false);
	if (cluster_quiet)
		return;
	cluster_wire_begin(&w, CW_PART, cfg->node_name, cluster_epoch);
	cluster_put_user(&w, m->user);
	cluster_wire_str(&w, m->channel->name);
	if (w.oom)
		fatalx("cluster: out of memory");
	cluster_uid(m->user, uid, sizeof uid);
	cluster_call(CS_PART, NULL, NULL, 5, cfg->node_name, cluster_epoch_s,
	    uid, m->channel->fold, w.buf);
	cluster_wire_free(&w);
}

/* The answer to a nick claim: take the nick, or 433, or try later. */
static void
cluster_claim_done(struct cluster_req *r, redisReply *reply)
{
	struct cluster_claim *cc = r->arg;
	struct client *c = conn_wait_reply(&cc->wait);
	struct user *other;
	bool won = reply != NULL && reply->type == REDIS_REPLY_INTEGER &&
	    reply->integer == 1;
	char id[24];

	if (c == NULL) {
		/* Gone meanwhile: what it won is free again. */
		if (won) {
			snprintf(
			    id, sizeof id, "%llu", (unsigned long long)cc->id);
			cluster_call(CS_RELEASE, NULL, NULL, 4, cfg->node_name,
			    cluster_epoch_s, id, cc->fold);
		}
	} else if (won) {
		other = user_find(cc->nick);
		if (other != NULL && other != &c->user)
			SEND_NUMERIC(c, ERR_NICKNAMEINUSE, cc->nick);
		else if (other == NULL || strcmp(c->user.nick, cc->nick) != 0)
			client_take_nick(c, cc->nick);
	} else if (reply != NULL && reply->type == REDIS_REPLY_INTEGER)
		SEND_NUMERIC(c, ERR_NICKNAMEINUSE, cc->nick);
	else
		send_fail(c, "NICK", "TEMPORARILY_UNAVAILABLE", cc->nick,
		    "The cluster cannot be reached; try again in a moment");
	conn_wait_end(&cc->wait);
	free(cc);
}

/*
 * Claim a nick for a client in Redis, then give it (client_take_nick):
 * the client's later lines wait for the answer, so its commands still
 * run in order; of two nodes racing, one gets 433.
 */
void
cluster_claim_nick(struct client *c, const char *nick)
{
	struct cluster_claim *cc = xcalloc(1, sizeof *cc);
	char id[24];

	cc->id = c->user.id;
	strlcpy(cc->nick, nick, sizeof cc->nick);
	chat_casefold(cc->fold, nick, sizeof cc->fold);
	conn_wait_begin(&cc->wait, c);
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->user.id);
	cluster_call(CS_CLAIM, cluster_claim_done, cc, 5, cfg->node_name,
	    cluster_epoch_s, id, cc->fold,
	    (c->flags & CLIENT_NICK) ? c->user.fold : "");
}

/* Whether a field can go into a line as text: no CR, LF, invalid UTF-8. */
static bool
cluster_text_ok(const struct cluster_msg *m, size_t i)
{
	return strpbrk(m->f[i], "\r\n") == NULL &&
	    chat_utf8_valid(m->f[i], m->flen[i]);
}

/* A U message (announcement or snapshot): make or update the user. */
static void
cluster_apply_user(const struct cluster_msg *m)
{
	struct cluster_user *cu, *stale;
	struct user *other, *u;
	unsigned long long id, modes;
	char uid[CLUSTER_UID_MAX];

	if (!cluster_wire_number(m->f[2], ~0ULL, &id) ||
	    !cluster_wire_number(m->f[8], 0xffff, &modes) ||
	    !chat_nick_valid(m->f[3], CHAT_NICK_MAX) || m->flen[4] == 0 ||
	    m->flen[4] > CHAT_USER_MAX || m->flen[5] == 0 ||
	    strpbrk(m->f[4], "!@ \r\n") != NULL ||
	    strpbrk(m->f[5], "!@ \r\n") != NULL || !cluster_text_ok(m, 6) ||
	    strpbrk(m->f[7], " \r\n") != NULL || !cluster_text_ok(m, 9)) {
		log_warn("cluster: dropped a bad user record from %s", m->f[0]);
		return;
	}
	cu = cluster_remote(m->f[0], m->f[2]);
	if ((other = user_find(m->f[3])) != NULL &&
	    (cu == NULL || other != cu->u)) {
		if (other->node == NULL) {
			log_warn(
			    "cluster: %s of node %s has the nick of a user "
			    "here; ignored",
			    m->f[3], m->f[0]);
			return;
		}
		cluster_uid(other, uid, sizeof uid);
		stale = cluster_remote(other->node, strchr(uid, '/') + 1);
		if (stale != NULL)
			cluster_user_drop(stale, "Nick taken over");
	}
	if (cu == NULL) {
		u = user_new_remote(
		    m->f[0], m->f[3], m->f[4], m->f[5], m->f[6]);
		u->id = id;
		cu = xcalloc(1, sizeof *cu);
		cu->u = u;
		snprintf(cu->uid, sizeof cu->uid, "%s/%s", m->f[0], m->f[2]);
		RB_INSERT(cluster_users, &cluster_users, cu);
	} else {
		if (strcmp(cu->u->nick, m->f[3]) != 0)
			user_set_nick(cu->u, m->f[3]);
		strlcpy(cu->u->username, m->f[4], sizeof cu->u->username);
		replace_str(&cu->u->host, m->f[5]);
		replace_str(&cu->u->realname, m->f[6]);
	}
	u = cu->u;
	replace_str(&u->away, m->flen[9] > 0 ? m->f[9] : NULL);
	replace_str(&u->account, m->flen[7] > 0 ? m->f[7] : NULL);
	u->modes = (int)modes &
	    (USER_OPER | USER_INVISIBLE | USER_WALLOPS | USER_BOT |
	        USER_SECURE);
	cu->gen = cluster_gen;
}

/* Lines n of a message from field first, into rl[] (xcalloc'd). */
static bool
cluster_get_lines(
    const struct cluster_msg *m, size_t first, size_t n, struct rline **out)
{
	unsigned long long tl;
	struct rline *rl;
	size_t i, len;

	*out = NULL;
	if (n == 0)
		return true;
	rl = xcalloc(n, sizeof *rl);
	for (i = 0; i < n; i++) {
		len = m->flen[first + 2 * i + 1];
		if (len >= sizeof rl[i].buf ||
		    !cluster_wire_number(m->f[first + 2 * i], len, &tl)) {
			free(rl);
			return false;
		}
		memcpy(rl[i].buf, m->f[first + 2 * i + 1], len);
		rl[i].buf[len] = '\0';
		rl[i].len = len;
		rl[i].tagslen = (size_t)tl;
	}
	*out = rl;
	return true;
}

/* A node is gone: its users leave, with a QUIT for their peers here. */
static void
cluster_apply_gone(const char *node, const char *why)
{
	struct cluster_user *cu, *cu1;
	char reason[128];

	if (strcmp(node, cfg->node_name) == 0)
		return; /* the next heartbeat says FENCED */
	if (strcmp(why, "left") == 0)
		snprintf(reason, sizeof reason, "%s left the network", node);
	else if (strcmp(why, "restarted") == 0)
		snprintf(reason, sizeof reason, "%s restarted", node);
	else
		snprintf(reason, sizeof reason, "%s lost (no heartbeat)", node);
	log_info("cluster: node %s is gone (%s)", node, why);
	RB_FOREACH_SAFE(cu, cluster_users, &cluster_users, cu1) {
		if (strcmp(cu->u->node, node) == 0)
			cluster_user_drop(cu, reason);
	}
}

/* Apply a membership of a user of another node (J, or the snapshot). */
static void
cluster_apply_join(struct user *u, const char *name, unsigned long long modes)
{
	struct channel *ch;

	if (!chat_chan_valid(name, CHAT_CHAN_MAX))
		return;
	if ((ch = channel_find(name)) == NULL)
		ch = channel_create(name);
	if (channel_member(ch, u) == NULL)
		channel_join(ch, u, (int)modes & (MEMBER_OP | MEMBER_VOICE));
}

/* Apply a message of another node (checked by cluster_wire_decode). */
static void
cluster_apply(const struct cluster_msg *m)
{
	struct route_sel sel = { 0 };
	struct rline *with = NULL, *without = NULL;
	struct cluster_user *cu = NULL;
	struct channel *ch;
	struct member *mb;
	struct user *u = NULL;
	unsigned long long v, cap = 0;

	if (m->nwith > 0 || m->nwithout > 0) {
		if (!cluster_get_lines(m, m->with, m->nwith, &with) ||
		    !cluster_get_lines(m, m->without, m->nwithout, &without)) {
			log_warn("cluster: dropped a message from %s with an "
			         "overlong line",
			    m->f[0]);
			goto out;
		}
	}
	sel.with = with;
	sel.nwith = m->nwith;
	sel.without = without;
	sel.nwithout = m->nwithout;
	switch (m->type) {
	case CW_USER:
		cluster_apply_user(m);
		break;
	case CW_QUIT:
		if ((cu = cluster_remote(m->f[0], m->f[2])) != NULL)
			cluster_user_drop(cu, NULL);
		break;
	case CW_NICK:
		if ((cu = cluster_remote(m->f[0], m->f[2])) == NULL ||
		    !chat_nick_valid(m->f[4], CHAT_NICK_MAX))
			break;
		if ((u = user_find(m->f[4])) != NULL && u != cu->u) {
			log_warn("cluster: nick %s of node %s is taken here",
			    m->f[4], m->f[0]);
			break;
		}
		user_set_nick(cu->u, m->f[4]);
		break;
	case CW_JOIN:
		if ((cu = cluster_remote(m->f[2], m->f[3])) != NULL &&
		    cluster_wire_number(m->f[5], 0xff, &v))
			cluster_apply_join(cu->u, m->f[4], v);
		break;
	case CW_PART:
		if ((u = cluster_anyone(m->f[2], m->f[3])) != NULL &&
		    (ch = channel_find(m->f[4])) != NULL &&
		    (mb = channel_member(ch, u)) != NULL)
			channel_leave(mb);
		break;
	case CW_NODE_GONE:
		cluster_apply_gone(m->f[2], m->f[3]);
		break;
	case CW_PRIV:
		if ((u = cluster_local(m->f[2], m->f[3])) != NULL &&
		    cluster_wire_number(m->f[4], UINT32_MAX, &cap)) {
			sel.cap = (uint32_t)cap;
			route_user_sel(u, &sel);
		}
		break;
	case CW_PEERS:
		if ((cu = cluster_remote(m->f[0], m->f[2])) != NULL &&
		    m->nwith == 1 &&
		    cluster_wire_number(m->f[4], UINT32_MAX, &cap))
			route_peers_cap(cu->u, false, (uint32_t)cap, &with[0]);
		break;
	case CW_ALL:
		if (m->nwith == 1 && cluster_wire_number(m->f[2], 0xffff, &v))
			route_all_with((int)v, &with[0]);
		break;
	case CW_ACCOUNT:
		if (cluster_wire_number(m->f[3], UINT32_MAX, &cap)) {
			sel.cap = (uint32_t)cap;
			route_account_sel(m->f[2], &sel);
		}
		break;
	case CW_KILL:
		if (m->nwith == 1 && cluster_text_ok(m, 4) &&
		    (u = cluster_local(m->f[2], m->f[3])) != NULL)
			route_kill(u, &with[0], m->f[4]);
		break;
	case CW_CHAN:
		if ((ch = channel_find(m->f[2])) == NULL ||
		    !cluster_wire_number(m->f[7], 0xff, &v) ||
		    !cluster_wire_number(m->f[8], UINT32_MAX, &cap))
			break;
		sel.except = cluster_anyone(m->f[3], m->f[4]);
		sel.except2 = cluster_anyone(m->f[5], m->f[6]);
		sel.modes = (int)v;
		sel.cap = (uint32_t)cap;
		route_channel_sel(ch, &sel);
		break;
	default:
		break;
	}
out:
	free(with);
	free(without);
}

/* A message from a topic: checked, then applied unless it is our own. */
static void
cluster_receive(const char *buf, size_t len, const char *topic)
{
	struct cluster_msg m;
	const char *why;

	if (cluster_wire_decode(buf, len, &m, &why) != 0) {
		log_warn("cluster: dropped a malformed message on %s (%zu "
		         "bytes): %s",
		    topic, len, why);
		return;
	}
	/* Our own publishes come back; a node reaped by us is news here too. */
	if (strcmp(m.f[0], cfg->node_name) != 0 || m.type == CW_NODE_GONE) {
		cluster_quiet = true;
		cluster_apply(&m);
		cluster_quiet = false;
	}
	cluster_msg_free(&m);
}

/* The snapshot is in (or will not come): apply what waited for it. */
static void
cluster_sync_end(void)
{
	struct cluster_early *e;

	cluster_syncing = false;
	while ((e = TAILQ_FIRST(&cluster_early)) != NULL) {
		TAILQ_REMOVE(&cluster_early, e, entry);
		cluster_receive(e->buf, e->len, "an early topic");
		free(e->buf);
		free(e);
	}
}

/* The snapshot is here: users and memberships of the other nodes. */
static void
cluster_snapshot_done(struct cluster_req *r UNUSED, redisReply *reply)
{
	struct cluster_user *cu, *cu1;
	struct cluster_msg m;
	redisReply *rec, *c;
	const char *why, *slash;
	unsigned long long modes;
	char node[64];
	size_t i, j, n = 0;

	if (reply != NULL && reply->type == REDIS_REPLY_ARRAY &&
	    reply->elements == 0) {
		/* Redis lost everything: keep what we know, tell it again. */
		cluster_sync_end();
		cluster_restore();
		return;
	}
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements < 1 ||
	    reply->element[0]->type != REDIS_REPLY_ARRAY) {
		log_warn("cluster: no snapshot from Redis");
		cluster_sync_end();
		return;
	}
	cluster_gen++;
	cluster_quiet = true;
	rec = reply->element[0];
	for (i = 0; i < rec->elements; i++) {
		if (rec->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if (cluster_wire_decode(rec->element[i]->str,
		        rec->element[i]->len, &m, &why) != 0 ||
		    m.type != CW_USER) {
			log_warn("cluster: bad user record in Redis: %s", why);
			continue;
		}
		if (strcmp(m.f[0], cfg->node_name) != 0) {
			cluster_apply_user(&m);
			n++;
		}
		cluster_msg_free(&m);
	}
	for (i = 1; i < reply->elements; i++) {
		c = reply->element[i];
		if (c->type != REDIS_REPLY_ARRAY || c->elements < 1 ||
		    c->element[0]->type != REDIS_REPLY_STRING)
			continue;
		for (j = 1; j + 1 < c->elements; j += 2) {
			if (c->element[j]->type != REDIS_REPLY_STRING ||
			    c->element[j + 1]->type != REDIS_REPLY_STRING ||
			    (slash = strrchr(c->element[j]->str, '/')) ==
			        NULL ||
			    (size_t)(slash - c->element[j]->str) >= sizeof node)
				continue;
			snprintf(node, sizeof node, "%.*s",
			    (int)(slash - c->element[j]->str),
			    c->element[j]->str);
			if ((cu = cluster_remote(node, slash + 1)) == NULL ||
			    !cluster_wire_number(
			        c->element[j + 1]->str, 0xff, &modes))
				continue;
			cluster_apply_join(cu->u, c->element[0]->str, modes);
		}
	}
	/* Users the snapshot does not know left while we did not listen. */
	RB_FOREACH_SAFE(cu, cluster_users, &cluster_users, cu1) {
		if (cu->gen != cluster_gen)
			cluster_user_drop(cu, "Left the network");
	}
	cluster_quiet = false;
	log_info(
	    "cluster: in step with the network: %zu users on other nodes", n);
	cluster_sync_end();
}

/* The subscriber connection's callback: confirmations and messages. */
static void
cluster_on_message(redisAsyncContext *ac UNUSED, void *reply_, void *arg UNUSED)
{
	redisReply *reply = reply_, *kind;
	struct cluster_early *e;

	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements < 3)
		return;
	kind = reply->element[0];
	if (kind->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(kind->str, "subscribe") == 0 &&
	    reply->element[1]->type == REDIS_REPLY_STRING &&
	    strcmp(reply->element[1]->str, "chatd:t:all") == 0) {
		/* Listening now: what happened before is in the snapshot. */
		cluster_syncing = true;
		cluster_call(CS_SNAPSHOT, cluster_snapshot_done, NULL, 2,
		    cfg->node_name, cluster_epoch_s);
		return;
	}
	if (strcmp(kind->str, "message") != 0 ||
	    reply->element[2]->type != REDIS_REPLY_STRING ||
	    reply->element[1]->type != REDIS_REPLY_STRING)
		return;
	if (cluster_syncing) {
		e = xcalloc(1, sizeof *e);
		e->buf = xmalloc(reply->element[2]->len + 1);
		memcpy(e->buf, reply->element[2]->str, reply->element[2]->len);
		e->buf[reply->element[2]->len] = '\0';
		e->len = reply->element[2]->len;
		TAILQ_INSERT_TAIL(&cluster_early, e, entry);
		return;
	}
	cluster_receive(reply->element[2]->str, reply->element[2]->len,
	    reply->element[1]->str);
}

/* Both connections are up: subscribe to what this node needs. */
static void
cluster_ready(void)
{
	struct channel *ch;
	char topic[128];

	if (cluster_lost_at != 0)
		log_info("cluster: Redis at %s is back after %lld ms",
		    cfg->cluster, (long long)(conn_now_ms() - cluster_lost_at));
	else
		log_info("cluster: node %s (epoch %llu) connected to %s",
		    cfg->node_name, cluster_epoch, cfg->cluster);
	cluster_lost_at = 0;
	cluster_backoff = CLUSTER_BACKOFF_MIN_MS;
	redisAsyncCommand(
	    cluster_sub, cluster_on_message, NULL, "SUBSCRIBE chatd:t:all");
	snprintf(topic, sizeof topic, "chatd:t:n:%s", cfg->node_name);
	redisAsyncCommand(
	    cluster_sub, cluster_on_message, NULL, "SUBSCRIBE %s", topic);
	RB_FOREACH(ch, channels, &channel_tree) {
		if (cluster_local_members(ch, NULL) > 0) {
			snprintf(topic, sizeof topic, "chatd:t:c:%s", ch->fold);
			redisAsyncCommand(cluster_sub, cluster_on_message, NULL,
			    "SUBSCRIBE %s", topic);
		}
	}
}

/* One of the connections is gone: drop the other too, and try again. */
static void
cluster_lost(const redisAsyncContext *ac)
{
	redisAsyncContext *other = NULL;
	struct timeval tv;

	if (ac == cluster_cmd) {
		cluster_cmd = NULL;
		cluster_cmd_up = false;
		other = cluster_sub;
	} else if (ac == cluster_sub) {
		cluster_sub = NULL;
		cluster_sub_up = false;
		other = cluster_cmd;
	}
	if (cluster_stopping)
		return;
	if (cluster_lost_at == 0) {
		cluster_lost_at = conn_now_ms();
		log_warn("cluster: lost Redis at %s (%s); reconnecting",
		    cfg->cluster,
		    ac->errstr != NULL && *ac->errstr != '\0'
		        ? ac->errstr
		        : "connection closed");
	}
	if (other != NULL) {
		redisAsyncDisconnect(other);
		return; /* its own callback comes back here */
	}
	if (cluster_cmd == NULL && cluster_sub == NULL &&
	    !evtimer_pending(cluster_retry_ev, NULL)) {
		tv.tv_sec = cluster_backoff / 1000;
		tv.tv_usec = (cluster_backoff % 1000) * 1000;
		evtimer_add(cluster_retry_ev, &tv);
		cluster_backoff *= 2;
		if (cluster_backoff > CLUSTER_BACKOFF_MAX_MS)
			cluster_backoff = CLUSTER_BACKOFF_MAX_MS;
	}
}

/* hiredis: a connection is up (or failed to come up). */
static void
cluster_on_connect(const redisAsyncContext *ac, int status)
{
	if (status != REDIS_OK) {
		cluster_lost(ac);
		return;
	}
	if (ac == cluster_cmd)
		cluster_cmd_up = true;
	else if (ac == cluster_sub)
		cluster_sub_up = true;
	if (cluster_cmd_up && cluster_sub_up)
		cluster_ready();
}

/* hiredis: a connection closed. */
static void
cluster_on_disconnect(const redisAsyncContext *ac, int status UNUSED)
{
	cluster_lost(ac);
}

/* Open one asynchronous connection on the event loop (NULL: failed). */
static redisAsyncContext *
cluster_open(void)
{
	redisAsyncContext *ac;

	if (cluster_path != NULL)
		ac = redisAsyncConnectUnix(cluster_path);
	else
		ac = redisAsyncConnect(cluster_host, cluster_port);
	if (ac == NULL)
		fatalx("cluster: out of memory");
	if (ac->err) {
		redisAsyncFree(ac);
		return NULL;
	}
	redisLibeventAttach(ac, ev_base);
	redisAsyncSetConnectCallback(ac, cluster_on_connect);
	redisAsyncSetDisconnectCallback(ac, cluster_on_disconnect);
	return ac;
}

/* Connect both connections (again); a failure schedules another try. */
static void
cluster_connect(void)
{
	struct timeval tv;

	cluster_cmd = cluster_open();
	cluster_sub = cluster_cmd != NULL ? cluster_open() : NULL;
	if (cluster_cmd != NULL && cluster_sub != NULL)
		return;
	if (cluster_cmd != NULL) {
		redisAsyncFree(cluster_cmd);
		cluster_cmd = NULL;
	}
	if (cluster_lost_at == 0) {
		cluster_lost_at = conn_now_ms();
		log_warn("cluster: cannot reach Redis at %s; retrying",
		    cfg->cluster);
	}
	tv.tv_sec = cluster_backoff / 1000;
	tv.tv_usec = (cluster_backoff % 1000) * 1000;
	evtimer_add(cluster_retry_ev, &tv);
	cluster_backoff *= 2;
	if (cluster_backoff > CLUSTER_BACKOFF_MAX_MS)
		cluster_backoff = CLUSTER_BACKOFF_MAX_MS;
}

/* The reconnect timer. */
static void
cluster_retry(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	if (cluster_cmd == NULL && cluster_sub == NULL)
		cluster_connect();
}

/* The answer to registering again after fencing. */
static void
cluster_rejoin_done(struct cluster_req *r UNUSED, redisReply *reply)
{
	if (reply == NULL || reply->type != REDIS_REPLY_STRING) {
		log_warn("cluster: could not join again (%s); retrying",
		    reply != NULL && reply->type == REDIS_REPLY_ERROR
		        ? reply->str
		        : "no answer");
		cluster_rejoining = true;
		return;
	}
	cluster_epoch = strtoull(reply->str, NULL, 10);
	snprintf(
	    cluster_epoch_s, sizeof cluster_epoch_s, "%llu", cluster_epoch);
	cluster_last_ok = conn_now_ms();
	cluster_cut_off = false;
	log_info("cluster: node %s joined again (epoch %llu)", cfg->node_name,
	    cluster_epoch);
	cluster_syncing = true;
	cluster_call(CS_SNAPSHOT, cluster_snapshot_done, NULL, 2,
	    cfg->node_name, cluster_epoch_s);
}

/* A client's nick and record told to Redis again (cluster_restore). */
struct cluster_restoring {
	struct client_ref ref;
};

/* The answer for one client: it keeps its nick, or it collided. */
static void
cluster_restore_done(struct cluster_req *r, redisReply *reply)
{
	struct cluster_restoring *cr = r->arg;
	struct client *c = cr->ref.client;

	client_ref_clear(&cr->ref);
	if (c != NULL && reply != NULL && reply->type == REDIS_REPLY_INTEGER &&
	    reply->integer == 0)
		conn_kill(c,
		    "Nick collision: the cluster lost its data and "
		    "another node has this nick now");
	free(cr);
}

/* Tell Redis again about one client of this node and its channels. */
static void
cluster_restore_client(struct client *c)
{
	struct cluster_wire w = { 0 };
	struct cluster_restoring *cr;
	struct member *m;
	char id[24];
	bool registered = (c->flags & CLIENT_REGISTERED) != 0;

	if ((c->flags & CLIENT_DEAD) || !(c->flags & CLIENT_NICK))
		return;
	if (registered)
		cluster_record(&w, c);
	cr = xcalloc(1, sizeof *cr);
	client_ref_set(&cr->ref, c);
	snprintf(id, sizeof id, "%llu", (unsigned long long)c->user.id);
	cluster_call(CS_RESTORE, cluster_restore_done, cr, 5, cfg->node_name,
	    cluster_epoch_s, id, c->user.fold, registered ? w.buf : "");
	cluster_wire_free(&w);
	/* In order after it: a join of a user that lost its nick is refused. */
	TAILQ_FOREACH(m, &c->user.channels, uentry)
		cluster_publish_join(m);
}

/* Registered again after Redis lost its data: tell it who is here. */
static void
cluster_restore_registered(struct cluster_req *r UNUSED, redisReply *reply)
{
	struct timeval later = { CLUSTER_TTL_MS / 1000, 0 };
	struct client *c;
	unsigned n = 0;

	cluster_restoring = false;
	if (reply == NULL || reply->type != REDIS_REPLY_STRING) {
		log_warn("cluster: could not register again (%s)",
		    reply != NULL && reply->type == REDIS_REPLY_ERROR
		        ? reply->str
		        : "no answer");
		return; /* the next heartbeat says EMPTY again */
	}
	cluster_epoch = strtoull(reply->str, NULL, 10);
	snprintf(
	    cluster_epoch_s, sizeof cluster_epoch_s, "%llu", cluster_epoch);
	cluster_last_ok = conn_now_ms();
	cluster_cut_off = false;
	cluster_rejoining = false;
	TAILQ_FOREACH(c, &all_clients, entry) {
		cluster_restore_client(c);
		n++;
	}
	log_info("cluster: node %s joined again (epoch %llu) after Redis lost "
	         "its data; %u clients told again",
	    cfg->node_name, cluster_epoch, n);
	/* Then, once the other nodes have done the same, forget the rest. */
	evtimer_add(cluster_resync_ev, &later);
}

/*
 * Redis lost the cluster's data (restarted empty): register again and
 * tell it this node's users, nicks and memberships; users of the other
 * nodes are kept until a later snapshot, by when their nodes have told
 * Redis again too.
 */
static void
cluster_restore(void)
{
	if (cluster_restoring || cluster_stopping)
		return;
	cluster_restoring = true;
	log_warn("cluster: Redis has lost the cluster's data (restarted "
	         "empty?); registering this node's users again");
	cluster_call(CS_REGISTER, cluster_restore_registered, NULL, 3,
	    cfg->node_name, cfg->network_name, CLUSTER_TTL_STR);
}

/* The snapshot some time after a restore. */
static void
cluster_resync(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	if (cluster_syncing)
		return;
	cluster_syncing = true;
	cluster_call(CS_SNAPSHOT, cluster_snapshot_done, NULL, 2,
	    cfg->node_name, cluster_epoch_s);
}

/* The answer to a heartbeat. */
static void
cluster_heartbeat_done(struct cluster_req *r UNUSED, redisReply *reply)
{
	if (reply == NULL || reply->type != REDIS_REPLY_INTEGER)
		return;
	cluster_last_ok = conn_now_ms();
	if (cluster_cut_off) {
		cluster_cut_off = false;
		log_info("cluster: heartbeats go through again");
	}
}

/* Once a second: heartbeat, reap dead nodes, fence self when cut off. */
static void
cluster_tick(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	int64_t now = conn_now_ms();

	if (cluster_cmd_up && cluster_sub_up) {
		if (cluster_rejoining) {
			cluster_rejoining = false;
			cluster_call(CS_REGISTER, cluster_rejoin_done, NULL, 3,
			    cfg->node_name, cfg->network_name, CLUSTER_TTL_STR);
		} else {
			cluster_call(CS_HEARTBEAT, cluster_heartbeat_done, NULL,
			    3, cfg->node_name, cluster_epoch_s,
			    CLUSTER_TTL_STR);
			cluster_call(CS_REAP, NULL, NULL, 2, cfg->node_name,
			    cluster_epoch_s);
		}
	}
	if (!cluster_cut_off && now - cluster_last_ok > CLUSTER_TTL_MS) {
		/* The others think this node dead by now: stop serving. */
		cluster_cut_off = true;
		log_warn("cluster: no heartbeat through to Redis for %lld ms; "
		         "closing this node's clients",
		    (long long)(now - cluster_last_ok));
		conn_kill_all("Cluster: this node lost its connection to the "
		              "network; please reconnect");
	}
}

/* Parse the cluster address into host and port, or a unix path. */
static int
cluster_parse(const char *addr, char **cause)
{
	const char *p, *colon;
	char *end;
	long port = 6379;

	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] != '/') {
			xasprintf(cause, "cluster %s: want unix:/path", addr);
			return -1;
		}
		cluster_path = xstrdup(addr + 5);
		return 0;
	}
	p = addr + 8; /* redis:// (config.c checked) */
	if ((colon = strrchr(p, ':')) != NULL) {
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' && *end != '/')
			port = -1;
	} else
		colon = p + strcspn(p, "/");
	if (port <= 0 || port > 65535 || colon == p) {
		xasprintf(cause, "cluster %s: want redis://HOST:PORT", addr);
		return -1;
	}
	cluster_host = xstrndup(p, (size_t)(colon - p));
	cluster_port = (int)port;
	return 0;
}

/* Connect and wait (start-up and shutdown only), or NULL with cause. */
static redisContext *
cluster_connect_sync(char **cause)
{
	struct timeval tv = { 2, 0 };
	redisContext *rc;

	if (cluster_path != NULL)
		rc = redisConnectUnixWithTimeout(cluster_path, tv);
	else
		rc = redisConnectWithTimeout(cluster_host, cluster_port, tv);
	if (rc == NULL || rc->err) {
		xasprintf(cause, "cluster %s: cannot connect to Redis: %s",
		    cfg->cluster, rc != NULL ? rc->errstr : "out of memory");
		if (rc != NULL)
			redisFree(rc);
		return NULL;
	}
	redisSetTimeout(rc, tv);
	return rc;
}

/* Whether the database is PostgreSQL (the nodes of a cluster share it). */
int
cluster_check_config(char **cause)
{
	if (cfg->cluster == NULL)
		return 0;
	if (cfg->database == NULL ||
	    (strncmp(cfg->database, "postgresql://", 13) != 0 &&
	        strncmp(cfg->database, "postgres://", 11) != 0)) {
		xasprintf(cause,
		    "cluster %s needs a PostgreSQL database (database "
		    "postgresql://...): the nodes of a cluster share it",
		    cfg->cluster);
		return -1;
	}
	return 0;
}

/*
 * Join the cluster at start-up (blocking, before the loop runs): reach
 * Redis, load the scripts, register this node (the network name must
 * match, the node name must not be alive already), then connect on the
 * loop. 0, or -1 with cause.
 */
int
cluster_init(char **cause)
{
	struct timeval tick = { CLUSTER_TICK_MS / 1000, 0 };
	redisContext *rc;
	redisReply *reply;
	int i;

	if (cfg->cluster == NULL)
		return 0;
	if (cluster_check_config(cause) != 0 ||
	    cluster_parse(cfg->cluster, cause) != 0 ||
	    (rc = cluster_connect_sync(cause)) == NULL)
		return -1;
	reply = redisCommand(rc, "PING");
	if (reply == NULL || reply->type != REDIS_REPLY_STATUS ||
	    strcmp(reply->str, "PONG") != 0) {
		xasprintf(cause, "cluster %s: Redis does not answer PING: %s",
		    cfg->cluster,
		    reply != NULL && reply->str != NULL ? reply->str
		                                        : rc->errstr);
		goto fail;
	}
	freeReplyObject(reply);
	for (i = 0; i < CS_COUNT; i++) {
		reply = redisCommand(rc, "SCRIPT LOAD %s", cluster_lua[i]);
		if (reply == NULL || reply->type != REDIS_REPLY_STRING ||
		    reply->len != 40) {
			xasprintf(cause, "cluster %s: SCRIPT LOAD failed: %s",
			    cfg->cluster,
			    reply != NULL && reply->str != NULL ? reply->str
			                                        : rc->errstr);
			goto fail;
		}
		memcpy(cluster_sha[i], reply->str, 41);
		freeReplyObject(reply);
	}
	reply =
	    redisCommand(rc, "EVALSHA %s 0 %s %s %s", cluster_sha[CS_REGISTER],
	        cfg->node_name, cfg->network_name, CLUSTER_TTL_STR);
	if (reply == NULL || reply->type != REDIS_REPLY_STRING) {
		if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
		    strncmp(reply->str, "NETWORK ", 8) == 0)
			xasprintf(cause,
			    "cluster %s: network-name \"%s\" does not match "
			    "the cluster's \"%s\"",
			    cfg->cluster, cfg->network_name, reply->str + 8);
		else if (reply != NULL && reply->type == REDIS_REPLY_ERROR &&
		    strncmp(reply->str, "NODEUP", 6) == 0)
			xasprintf(cause,
			    "cluster %s: node-name \"%s\" is in use by a live "
			    "node",
			    cfg->cluster, cfg->node_name);
		else
			xasprintf(cause, "cluster %s: cannot register: %s",
			    cfg->cluster,
			    reply != NULL && reply->str != NULL ? reply->str
			                                        : rc->errstr);
		goto fail;
	}
	cluster_epoch = strtoull(reply->str, NULL, 10);
	snprintf(
	    cluster_epoch_s, sizeof cluster_epoch_s, "%llu", cluster_epoch);
	freeReplyObject(reply);
	redisFree(rc);

	cluster_on = true;
	cluster_last_ok = conn_now_ms();
	cluster_retry_ev = evtimer_new(ev_base, cluster_retry, NULL);
	cluster_resync_ev = evtimer_new(ev_base, cluster_resync, NULL);
	cluster_tick_ev =
	    event_new(ev_base, -1, EV_PERSIST, cluster_tick, NULL);
	event_add(cluster_tick_ev, &tick);
	route_set_net(&cluster_net);
	log_info("cluster: node %s registered in network %s (epoch %llu)",
	    cfg->node_name, cfg->network_name, cluster_epoch);
	cluster_connect();
	return 0;
fail:
	if (reply != NULL)
		freeReplyObject(reply);
	redisFree(rc);
	return -1;
}

/*
 * Leave the cluster at shutdown: this node's keys go at once (the others
 * see its users QUIT), the users of other nodes are forgotten.
 */
void
cluster_free(void)
{
	struct cluster_user *cu, *cu1;
	struct cluster_early *e;
	redisContext *rc;
	redisReply *reply;
	char *cause = NULL;

	if (!cluster_on)
		return;
	cluster_stopping = true;
	if ((rc = cluster_connect_sync(&cause)) != NULL) {
		reply = redisCommand(rc, "EVAL %s 0 %s %s",
		    cluster_lua[CS_LEAVE], cfg->node_name, cluster_epoch_s);
		if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
			log_warn("cluster: could not leave cleanly: %s",
			    reply != NULL ? reply->str : rc->errstr);
		if (reply != NULL)
			freeReplyObject(reply);
		redisFree(rc);
	} else {
		log_warn("%s", cause);
		free(cause);
	}
	route_set_net(NULL);
	cluster_quiet = true;
	if (cluster_cmd != NULL)
		redisAsyncFree(cluster_cmd);
	if (cluster_sub != NULL)
		redisAsyncFree(cluster_sub);
	cluster_cmd = cluster_sub = NULL;
	RB_FOREACH_SAFE(cu, cluster_users, &cluster_users, cu1) {
		RB_REMOVE(cluster_users, &cluster_users, cu);
		user_free_remote(cu->u);
		free(cu);
	}
	cluster_quiet = false;
	cluster_on = false;
	while ((e = TAILQ_FIRST(&cluster_early)) != NULL) {
		TAILQ_REMOVE(&cluster_early, e, entry);
		free(e->buf);
		free(e);
	}
	event_free(cluster_tick_ev);
	event_free(cluster_retry_ev);
	event_free(cluster_resync_ev);
	free(cluster_host);
	free(cluster_path);
}
