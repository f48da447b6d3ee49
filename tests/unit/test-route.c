/*
 * Unit tests of the addressing layer (chatd/route.c) with a channel that
 * holds a local user, whose connection is one end of a socketpair, and
 * users of another node, who have no connection. A capturing network
 * (struct route_net) stands where a cluster will: remote members must
 * be reached through it once per delivery, never once per member, and
 * the local member must get the bytes on its socket.
 */

#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "chatd.h"
#include "tap.h"

/* main.c is not in libchatd.a; REHASH and DIE are not run here. */
int
chatd_rehash(char **cause)
{
	*cause = NULL;
	return -1;
}

/* See chatd_rehash. */
void
chatd_die(const char *reason UNUSED)
{
}

/* What the network hooks were asked to do since the last net_reset. */
static struct {
	int user, user_sel, account, channel, peers, all, kill;
	struct user *last_user;
	struct channel *last_channel;
	const struct user *except;
	int modes;
	char line[CHAT_LINE_MAX + CHAT_TAGS_MAX + 8];
} net;

/* Forget what the hooks saw. */
static void
net_reset(void)
{
	memset(&net, 0, sizeof net);
}

/* Keep a copy of a line the network was given. */
static void
net_keep(const struct rline *rl)
{
	size_t n =
	    rl->len < sizeof net.line - 1 ? rl->len : sizeof net.line - 1;

	memcpy(net.line, rl->buf, n);
	net.line[n] = '\0';
}

/* route_net hooks: count and keep. */
static void
net_user(struct user *u, const struct rline *rl)
{
	net.user++;
	net.last_user = u;
	net_keep(rl);
}

static void
net_user_sel(struct user *u, const struct route_sel *sel)
{
	net.user_sel++;
	net.last_user = u;
	net_keep(sel->with);
}

static void
net_account(const char *account UNUSED, const struct rline *rl)
{
	net.account++;
	net_keep(rl);
}

static void
net_channel(struct channel *ch, const struct route_sel *sel)
{
	net.channel++;
	net.last_channel = ch;
	net.except = sel->except;
	net.modes = sel->modes;
	net_keep(sel->with);
}

static void
net_peers(struct user *u, uint32_t cap UNUSED, const struct rline *rl)
{
	net.peers++;
	net.last_user = u;
	net_keep(rl);
}

static void
net_all(int umodes UNUSED, const struct rline *rl)
{
	net.all++;
	net_keep(rl);
}

static void
net_kill(struct user *u, const struct rline *rl, const char *why UNUSED)
{
	net.kill++;
	net.last_user = u;
	net_keep(rl);
}

static const struct route_net capture_net = {
	.user = net_user,
	.user_sel = net_user_sel,
	.account = net_account,
	.channel = net_channel,
	.peers = net_peers,
	.all = net_all,
	.kill = net_kill,
};

/* The peer end of the local client's socket. */
static int peer_fd;

/* Run the loop until nothing is pending, then read what reached the peer. */
static const char *
peer_read(void)
{
	static char buf[8192];
	size_t n = 0;
	ssize_t r;
	int i;

	for (i = 0; i < 10; i++)
		event_base_loop(ev_base, EVLOOP_NONBLOCK);
	while (n < sizeof buf - 1 &&
	    (r = read(peer_fd, buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return buf;
}

/* The number of times needle occurs in haystack. */
static int
count(const char *haystack, const char *needle)
{
	int n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

int
main(void)
{
	struct client *c;
	struct user *bob, *carol;
	struct channel *ch;
	struct member *m;
	struct rline rl, lines[2];
	struct route_sel sel;
	const char *got;
	int sv[2];

	log_open(LOG_ERR);
	ev_base = event_base_new();
	cfg = config_new();
	conn_init();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 99;
	peer_fd = sv[1];
	fcntl(peer_fd, F_SETFL, fcntl(peer_fd, F_GETFL) | O_NONBLOCK);
	evutil_make_socket_nonblocking(sv[0]);

	/* alice is here; bob and carol live on node2, with no connection. */
	c = client_new("127.0.0.1");
	conn_attach(c, sv[0]);
	TAILQ_INSERT_TAIL(&all_clients, c, entry);
	user_set_nick(&c->user, "alice");
	strlcpy(c->user.username, "alice", sizeof c->user.username);
	c->flags |= CLIENT_REGISTERED;
	c->user.account = xstrdup("alice");
	bob = user_new_remote("node2", "bob", "bob", "10.0.0.2", "Bob");
	carol = user_new_remote("node2", "carol", "carol", "10.0.0.3", "C");
	ok(bob->conn == NULL && !strcmp(bob->node, "node2"),
	    "a remote user has a node and no connection");
	ok(user_registered(bob), "a remote user counts as registered");
	ok(user_find("BOB") == bob, "a remote user is found by nick, any case");

	ch = channel_create("#seams");
	channel_join(ch, &c->user, MEMBER_OP);
	channel_join(ch, bob, 0);
	channel_join(ch, carol, 0);
	ok((m = channel_member(ch, bob)) != NULL && m->user == bob,
	    "a channel holds a user without a connection");
	is_int(ch->nmembers, 3, "three members");

	/* Alone (no network): the local member gets it, remote ones skipped. */
	route_init(&rl, NULL, "bob!bob@10.0.0.2", "PRIVMSG #seams :one");
	route_channel(ch, bob, &rl);
	got = peer_read();
	is_int(count(got, "PRIVMSG #seams :one\r\n"), 1,
	    "without a network the local member gets the line once");

	/* With a network: local bytes once, the network hook once. */
	route_set_net(&capture_net);
	net_reset();
	route_init(&rl, "time=x", "bob!bob@10.0.0.2", "PRIVMSG #seams :two");
	route_channel(ch, bob, &rl);
	got = peer_read();
	is_int(count(got, "PRIVMSG #seams :two\r\n"), 1,
	    "the local member gets a remote user's line once");
	ok(strstr(got, "time=x") == NULL,
	    "tags are stripped for a client without message-tags");
	is_int(net.channel, 1, "two remote members: the network is asked once");
	ok(net.last_channel == ch && net.except == bob,
	    "the network gets the channel and whom to leave out");
	ok(strstr(net.line, "PRIVMSG #seams :two") != NULL,
	    "the network gets the formatted line");

	/* The local sender is left out; the network still gets it once. */
	net_reset();
	route_init(&rl, NULL, "alice!alice@127.0.0.1", "PRIVMSG #seams :three");
	route_channel(ch, &c->user, &rl);
	got = peer_read();
	is_int(count(got, ":three"), 0, "the sender is left out");
	is_int(net.channel, 1, "remote members are reached once");

	/* Operators only: the network hears the modes it must apply. */
	net_reset();
	route_init(&rl, NULL, "bob!bob@10.0.0.2", "NOTICE @#seams :ops");
	route_channel_ops(ch, NULL, &rl);
	got = peer_read();
	is_int(count(got, ":ops\r\n"), 1, "the local operator gets it");
	ok(net.channel == 1 && net.modes == MEMBER_OP,
	    "the network is asked for operators only");

	/* A selection by capability: with[] and without[] lines. */
	net_reset();
	route_init(&lines[0], NULL, "x", "JOIN #seams acct :Real");
	route_init(&lines[1], NULL, "x", "JOIN #seams");
	memset(&sel, 0, sizeof sel);
	sel.cap = CAP_EXTENDED_JOIN;
	sel.with = &lines[0];
	sel.nwith = 1;
	sel.without = &lines[1];
	sel.nwithout = 1;
	route_channel_sel(ch, &sel);
	got = peer_read();
	ok(count(got, "JOIN #seams\r\n") == 1 && count(got, "acct") == 0,
	    "a client without extended-join gets the plain JOIN");
	c->caps |= CAP_EXTENDED_JOIN;
	route_channel_sel(ch, &sel);
	got = peer_read();
	is_int(count(got, "JOIN #seams acct :Real\r\n"), 1,
	    "a client with extended-join gets the extended JOIN");
	c->caps &= ~CAP_EXTENDED_JOIN;
	is_int(net.channel, 2, "the network is asked once per selection");

	/* To a nick: local bytes, or the network for a remote user. */
	net_reset();
	route_init(&rl, NULL, "alice!alice@127.0.0.1", "PRIVMSG bob :hi");
	ok(route_nick("Bob", &rl), "route_nick finds a remote nick");
	ok(net.user == 1 && net.last_user == bob,
	    "a remote user is reached through the network");
	route_init(&rl, NULL, "bob!bob@10.0.0.2", "PRIVMSG alice :hey");
	ok(route_nick("alice", &rl), "route_nick finds a local nick");
	got = peer_read();
	is_int(count(got, "PRIVMSG alice :hey\r\n"), 1,
	    "a local user gets bytes on its connection");
	is_int(net.user, 1, "a local user is not sent to the network");
	ok(!route_nick("nobody", &rl), "route_nick: an unknown nick is false");

	/* A user selection to a remote user goes to the network. */
	net_reset();
	route_user_sel(carol, &sel);
	ok(net.user_sel == 1 && net.last_user == carol,
	    "a selection for a remote user goes to the network");

	/* Peers: the local member once, the network once. */
	net_reset();
	route_init(&rl, NULL, "bob!bob@10.0.0.2", "AWAY :lunch");
	route_peers(bob, false, &rl);
	got = peer_read();
	is_int(count(got, "AWAY :lunch\r\n"), 1, "a remote user's peer here");
	ok(net.peers == 1 && net.last_user == bob,
	    "the network is asked for the peers once");

	/* An account's sessions: here and on other nodes. */
	net_reset();
	route_init(&rl, NULL, "srv", "NOTICE alice :acct");
	is_int((long long)route_account("ALICE", &rl), 1,
	    "one session of the account here");
	got = peer_read();
	is_int(count(got, ":acct\r\n"), 1, "the session gets it");
	is_int(net.account, 1, "the network is asked for its sessions");

	/* Everyone, and the operators among them. */
	net_reset();
	route_init(&rl, NULL, "srv", "WALLOPS :w");
	route_all_with(USER_WALLOPS, &rl);
	got = peer_read();
	is_int(count(got, ":w\r\n"), 0, "alice without +w gets no WALLOPS");
	route_init(&rl, NULL, "srv", "NOTICE * :all");
	route_all(&rl);
	got = peer_read();
	is_int(count(got, ":all\r\n"), 1, "route_all reaches alice");
	is_int(net.all, 2, "the network is asked for everyone each time");

	/* KILL of a remote user: the network carries it out. */
	net_reset();
	route_init(&rl, NULL, "srv", "KILL carol :bye");
	route_kill(carol, &rl, "Killed");
	ok(net.kill == 1 && net.last_user == carol,
	    "a remote KILL goes to the network");

	/* A remote user leaving frees its membership. */
	user_free_remote(carol);
	is_int(ch->nmembers, 2, "a remote user's membership goes with it");
	ok(user_find("carol") == NULL, "and its nick");
	user_free_remote(bob);
	ok(user_find("bob") == NULL, "bob is gone");
	is_int(ch->nmembers, 1, "alice is left");

	route_set_net(NULL);
	channel_leave(TAILQ_FIRST(&c->user.channels));
	ok(channel_find("#seams") == NULL,
	    "the channel goes with its last member");
	user_clear_nick(&c->user);
	TAILQ_REMOVE(&all_clients, c, entry);
	conn_detach(c);
	client_free(c);
	close(peer_fd);
	conn_free();
	config_free(cfg);
	event_base_free(ev_base);
	return done_testing();
}
