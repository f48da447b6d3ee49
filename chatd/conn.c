/*
 * Connections: plain sockets read and written here, TLS ones through
 * OpenSSL's bufferevent.
 *
 * A plain socket has one read event embedded in its client; input is read
 * into a buffer taken from a small pool and given back once every byte of
 * it has run, so only a client with a partial line (or held input) keeps
 * one. Its send queue is another pooled buffer, given back once written,
 * and its write event is made only when the socket first does not take
 * everything. An idle client is thus its struct and its socket: a
 * bufferevent, its two buffers and their callbacks cost about 1 KiB more.
 * The few calls that differ between the two kinds go through conn_sock_*,
 * conn_read_on/off and conn_write_on/off.
 *
 * Input: lines end in LF (a CR before it is dropped). A line longer than
 * CHAT_WIRE_MAX is skipped up to its LF and answered with 417, so nothing
 * unterminated is ever buffered beyond that. Each command charges the
 * client's flood budget (a virtual clock, ngircd's penalty time); a client
 * over it stops being read from: its lines wait in the input buffer and a
 * timer resumes them ("fake lag"). If the waiting input grows beyond
 * recvq bytes the client is dropped with "Excess Flood"; so is an
 * unregistered client that sends more than recvq bytes without a line end.
 * A read callback runs at most CONN_LINES_PER_EVENT lines, then yields to
 * other clients.
 *
 * Accepting: besides max-clients, each address (IPv6: each /64) may hold
 * max-per-ip connections and open max-conn-rate new ones per second (a
 * token bucket of that size). Trusted hosts are exempt from all three
 * flood limits.
 *
 * One exception to the line limit: a line starting "SENDFILE DATA " (an
 * upload chunk) may be up to FILE_LINE_MAX bytes. It is recognised by its
 * first bytes before it is complete and handed to file_data_line(), which
 * may leave it waiting while the file worker catches up; file.c then
 * resumes the client with conn_wake().
 *
 * Output: the socket's output buffer is the send queue. Adding to it
 * beyond sendq bytes marks the client dead ("Max SendQ exceeded") instead.
 * Writing is batched: a client whose queue gets bytes goes on the flush
 * list, and one event, run after the callbacks of this loop pass, writes
 * each listed client once. Only a socket that does not take everything
 * gets its write event enabled until it drains. This saves the two
 * epoll_ctl calls per delivery that enabling the write event for every
 * line costs, and a fan-out still leaves as one write per recipient.
 *
 * WebSocket clients (ws.c) have the same buffers one step removed: their
 * input is the lines ws.c decoded from the socket's messages, their output
 * the lines ws.c frames when the flush event runs, so every limit above
 * applies to them line for line.
 *
 * Clients are never freed inside a callback that may still hold them:
 * conn_kill() marks them dead and a reaper event, run after the current
 * callback, tells their peers and frees them.
 */

#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "chatd.h"

#define CONN_LINES_PER_EVENT 32
#define CONN_CLOSE_WAIT 5 /* seconds to drain a closing connection */
#define CONN_TRIM_THRESHOLD (32 * 1024 * 1024)
#define CONN_READ_MAX 16384 /* bytes per read, as a bufferevent reads */
#define CONN_POOL 64        /* empty buffers kept for reuse */

static struct clients dead_clients = TAILQ_HEAD_INITIALIZER(dead_clients);
static struct clients pending_clients = TAILQ_HEAD_INITIALIZER(pending_clients);
static struct clients closing_clients = TAILQ_HEAD_INITIALIZER(closing_clients);
static struct clients flush_clients = TAILQ_HEAD_INITIALIZER(flush_clients);
static struct event *reap_ev, *pend_ev, *tick_ev, *flush_ev;

/* Empty buffers for plain sockets' input and output (see the top). */
static struct evbuffer *conn_pool[CONN_POOL];
static unsigned conn_npool;
static struct evbuffer *conn_empty; /* the input of a client without any */

/* Connections and the connection-rate bucket of one address. */
struct conn_ip {
	char addr[64];
	unsigned count; /* open connections */
	int64_t tokens; /* new connections allowed, in thousandths */
	int64_t stamp;  /* when tokens was last refilled, ms */
	RB_ENTRY(conn_ip) entry;
};
RB_HEAD(conn_ips, conn_ip);
static struct conn_ips conn_ip_tree = RB_INITIALIZER(&conn_ip_tree);

static void conn_process(struct client *);
static void conn_read(struct client *);
static void conn_event(struct client *, short what);
static void conn_linger(struct client *);
static void conn_drain_done(struct client *);

/* Compare address entries. */
static int
conn_ip_cmp(struct conn_ip *a, struct conn_ip *b)
{
	return strcmp(a->addr, b->addr);
}
RB_PROTOTYPE(conn_ips, conn_ip, entry, conn_ip_cmp);
RB_GENERATE(conn_ips, conn_ip, entry, conn_ip_cmp);

/* Monotonic milliseconds. */
int64_t
conn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An empty buffer, from the pool if it has one. */
static struct evbuffer *
conn_buf_get(void)
{
	struct evbuffer *b;

	if (conn_npool > 0)
		return conn_pool[--conn_npool];
	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	return b;
}

/* Give a buffer back: pooled if empty and there is room, else freed. */
static void
conn_buf_put(struct evbuffer *b)
{
	if (b == NULL)
		return;
	if (conn_npool < CONN_POOL && evbuffer_get_length(b) == 0)
		conn_pool[conn_npool++] = b;
	else
		evbuffer_free(b);
}

/* The bytes read from a client's socket and not yet taken. */
struct evbuffer *
conn_sock_input(struct client *c)
{
	if (c->bev != NULL)
		return bufferevent_get_input(c->bev);
	/* Nobody adds to conn_empty: only conn_io_read fills input. */
	return c->in != NULL ? c->in : conn_empty;
}

/* The buffer a client's socket is written from (made if it has none). */
struct evbuffer *
conn_sock_output(struct client *c)
{
	if (c->bev != NULL)
		return bufferevent_get_output(c->bev);
	if (c->out == NULL)
		c->out = conn_buf_get();
	return c->out;
}

/* Bytes waiting to be written to a client's socket. */
static size_t
conn_sock_out_len(struct client *c)
{
	if (c->bev != NULL)
		return evbuffer_get_length(bufferevent_get_output(c->bev));
	return c->out != NULL ? evbuffer_get_length(c->out) : 0;
}

/* Give back a plain socket's buffers that hold nothing. */
static void
conn_sock_trim(struct client *c)
{
	if (c->in != NULL && evbuffer_get_length(c->in) == 0) {
		conn_buf_put(c->in);
		c->in = NULL;
	}
	if (c->out != NULL && evbuffer_get_length(c->out) == 0) {
		conn_buf_put(c->out);
		c->out = NULL;
	}
}

/*
 * The most input read from a trusted client's socket before reading
 * stops until its lines run (0: no limit); see conn_set_trusted.
 */
static size_t
conn_read_high(struct client *c)
{
	if (!(c->flags & CLIENT_TRUSTED))
		return 0;
	return cfg->recvq + (size_t)(FILE_WINDOW + 1) * FILE_LINE_MAX;
}

/* Add or remove a plain socket's read event as its flags want. */
static void
conn_io_update(struct client *c)
{
	size_t high;
	bool want, added;

	if (c->bev != NULL || c->fd == -1)
		return;
	high = conn_read_high(c);
	if ((c->flags & CLIENT_RDWM) &&
	    (high == 0 || evbuffer_get_length(conn_sock_input(c)) < high))
		c->flags &= ~CLIENT_RDWM;
	want = (c->flags & (CLIENT_RDON | CLIENT_RDWM)) == CLIENT_RDON;
	added = event_pending(&c->rev, EV_READ, NULL) != 0;
	if (want && !added)
		event_add(&c->rev, NULL);
	else if (!want && added)
		event_del(&c->rev);
}

/* Whether a client's socket is to be read. */
static bool
conn_reading(struct client *c)
{
	if (c->bev != NULL)
		return (bufferevent_get_enabled(c->bev) & EV_READ) != 0;
	return (c->flags & CLIENT_RDON) != 0;
}

/* Read a client's socket (again). */
static void
conn_read_on(struct client *c)
{
	if (c->bev != NULL)
		bufferevent_enable(c->bev, EV_READ);
	else {
		c->flags |= CLIENT_RDON;
		conn_io_update(c);
	}
}

/* Stop reading a client's socket. */
static void
conn_read_off(struct client *c)
{
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ);
	else {
		c->flags &= ~CLIENT_RDON;
		conn_io_update(c);
	}
}

/* Whether a client's socket waits to take the rest of its output. */
static bool
conn_writing(struct client *c)
{
	if (c->bev != NULL)
		return (bufferevent_get_enabled(c->bev) & EV_WRITE) != 0;
	return c->wev != NULL && event_pending(c->wev, EV_WRITE, NULL);
}

/* Whether errno says only "not now". */
static bool
conn_again(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

/*
 * A plain socket takes more output: write it. Once it is drained, the
 * write event goes and the buffer goes back to the pool (or, closing,
 * the connection lingers).
 */
static void
conn_io_write(evutil_socket_t fd, short events UNUSED, void *arg)
{
	struct client *c = arg;
	int n, err;

	if (c->out != NULL && evbuffer_get_length(c->out) > 0) {
		n = evbuffer_write(c->out, fd);
		err = errno;
		if (n < 0 && !conn_again(err)) {
			event_del(c->wev);
			errno = err;
			if (c->flags & CLIENT_LINGER)
				conn_drain_done(c);
			else
				conn_event(
				    c, BEV_EVENT_ERROR | BEV_EVENT_WRITING);
			return;
		}
		if (evbuffer_get_length(c->out) > 0)
			return;
	}
	event_del(c->wev);
	conn_sock_trim(c);
	if (c->flags & CLIENT_LINGER)
		conn_linger(c); /* the ERROR line is out */
}

/* Write the rest of a client's output when its socket takes it. */
static void
conn_write_on(struct client *c)
{
	if (c->bev != NULL) {
		bufferevent_enable(c->bev, EV_WRITE);
		return;
	}
	if (c->wev == NULL)
		c->wev = event_new(
		    ev_base, c->fd, EV_WRITE | EV_PERSIST, conn_io_write, c);
	if (c->wev == NULL)
		fatalx("event_new failed");
	event_add(c->wev, NULL);
}

/* Stop waiting for a client's socket to take output. */
static void
conn_write_off(struct client *c)
{
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_WRITE);
	else if (c->wev != NULL)
		event_del(c->wev);
}

/*
 * A plain socket is readable: read it (a trusted client's only up to its
 * watermark) and run what came, as a bufferevent's read callback would.
 */
static void
conn_io_read(evutil_socket_t fd, short events UNUSED, void *arg)
{
	struct client *c = arg;
	char discard[4096];
	size_t high = conn_read_high(c), len;
	int howmuch = CONN_READ_MAX, n, err;
	ssize_t r;

	if (c->flags & CLIENT_LINGER) {
		/* Closing: throw input away until the peer closes. */
		r = read(fd, discard, sizeof discard);
		if (r == 0 || (r < 0 && !conn_again(errno)))
			conn_drain_done(c);
		return;
	}
	if (c->in == NULL)
		c->in = conn_buf_get();
	len = evbuffer_get_length(c->in);
	if (high > 0) {
		if (len >= high) {
			c->flags |= CLIENT_RDWM;
			conn_io_update(c);
			return;
		}
		if (high - len < (size_t)howmuch)
			howmuch = (int)(high - len);
	}
	n = evbuffer_read(c->in, fd, howmuch);
	err = errno;
	if (n <= 0) {
		/*
		 * The read made room first: an empty buffer may now hold an
		 * empty chain, which evbuffer_drain never frees. (A buffer
		 * with bytes frees all its chains once they are taken.)
		 */
		if (len == 0) {
			evbuffer_free(c->in);
			c->in = NULL;
		}
		if (n < 0 && conn_again(err))
			return;
		conn_read_off(c);
		errno = err;
		conn_event(c,
		    BEV_EVENT_READING |
		        (n == 0 ? BEV_EVENT_EOF : BEV_EVENT_ERROR));
		return;
	}
	if (high > 0 && len + (size_t)n >= high)
		c->flags |= CLIENT_RDWM;
	conn_read(c);
	conn_sock_trim(c);
	conn_io_update(c);
}

/* Take a plain socket as c's connection and start reading it. */
void
conn_attach(struct client *c, int fd)
{
	c->fd = fd;
	if (event_assign(&c->rev, ev_base, fd, EV_READ | EV_PERSIST,
	        conn_io_read, c) != 0)
		fatalx("event_assign failed");
	conn_read_on(c);
}

/* Close a plain socket and free what it used (conn_attach undone). */
void
conn_detach(struct client *c)
{
	if (c->fd == -1)
		return;
	event_del(&c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	c->wev = NULL;
	if (c->in != NULL)
		evbuffer_free(c->in);
	if (c->out != NULL)
		evbuffer_free(c->out);
	c->in = c->out = NULL;
	close(c->fd);
	c->fd = -1;
}

/* Bytes waiting in a client's send queue. */
size_t
conn_sendq_len(struct client *c)
{
	size_t n = conn_sock_out_len(c);

	return c->ws != NULL ? n + ws_pending(c->ws) : n;
}

/* The lines a client sent that wait to run (WebSocket: decoded ones). */
static struct evbuffer *
conn_input(struct client *c)
{
	return c->ws != NULL ? ws_input(c->ws) : conn_sock_input(c);
}

/* Where a client's lines are queued (WebSocket: before framing). */
static struct evbuffer *
conn_output(struct client *c)
{
	return c->ws != NULL ? ws_output(c->ws) : conn_sock_output(c);
}

/* Put a client on the flush list: its output is written after this pass. */
static void
conn_want_flush(struct client *c)
{
	if (!(c->flags & CLIENT_FLUSH)) {
		c->flags |= CLIENT_FLUSH;
		TAILQ_INSERT_TAIL(&flush_clients, c, flush_entry);
		event_active(flush_ev, 0, 0);
	}
}

/* Take a client off the flush list. */
static void
conn_unflush(struct client *c)
{
	if (c->flags & CLIENT_FLUSH) {
		TAILQ_REMOVE(&flush_clients, c, flush_entry);
		c->flags &= ~CLIENT_FLUSH;
	}
}

/* Free a client's connection now. */
static void
conn_destroy(struct client *c)
{
	conn_unflush(c);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	conn_detach(c);
	ws_free(c->ws);
	c->ws = NULL;
	client_free(c);
}

/* Input that arrives while lingering is thrown away. */
static void
conn_linger_read(struct bufferevent *bev, void *arg UNUSED)
{
	struct evbuffer *in = bufferevent_get_input(bev);

	evbuffer_drain(in, evbuffer_get_length(in));
}

/* EOF or an error while closing: free the client. */
static void
conn_drain_done(struct client *c)
{
	TAILQ_REMOVE(&closing_clients, c, entry);
	conn_destroy(c);
}

/* EOF or an error on a closing TLS socket. */
static void
conn_drain_event(struct bufferevent *bev UNUSED, short what UNUSED, void *arg)
{
	conn_drain_done(arg);
}

/*
 * The output of a closing client drained. Closing a socket that still has
 * unread input makes the kernel send a reset, which can destroy the ERROR
 * line before the peer reads it (a flooder always has unread input). So
 * send FIN, read and discard until the peer closes, or until conn_tick
 * gives up after CONN_CLOSE_WAIT seconds.
 */
static void
conn_linger(struct client *c)
{
	struct evbuffer *in = conn_sock_input(c);

	evbuffer_drain(in, evbuffer_get_length(in));
	conn_sock_trim(c);
	if (c->bev != NULL) {
		shutdown(bufferevent_getfd(c->bev), SHUT_WR);
		bufferevent_setcb(
		    c->bev, conn_linger_read, NULL, conn_drain_event, c);
	} else
		shutdown(c->fd, SHUT_WR);
	conn_write_off(c);
	conn_read_on(c);
}

/* A closing TLS socket's output drained (conn_linger). */
static void
conn_drained(struct bufferevent *bev UNUSED, void *arg)
{
	conn_linger(arg);
}

/* Free the dead: tell their peers, send ERROR, close after draining. */
static void
conn_reap(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct client *c;
	char line[CHAT_LINE_MAX + 64];
	int n;

	while ((c = TAILQ_FIRST(&dead_clients)) != NULL) {
		TAILQ_REMOVE(&dead_clients, c, dead_entry);
		if (c->flags & CLIENT_PENDING) {
			TAILQ_REMOVE(&pending_clients, c, pend_entry);
			c->flags &= ~CLIENT_PENDING;
		}
		client_exit(c, c->quit_reason);
		TAILQ_REMOVE(&all_clients, c, entry);
		if (c->ip != NULL) {
			c->ip->count--;
			c->ip = NULL;
		}
		/* From here libevent drains (or drops) what is queued. */
		conn_unflush(c);
		if (c->flags & CLIENT_CLOSING) {
			/* The socket is broken or over its sendq. */
			conn_destroy(c);
			continue;
		}
		n = snprintf(line, sizeof line, "ERROR :Closing Link: %s (%s)",
		    c->user.host, c->quit_reason);
		if (n > CHAT_LINE_MAX - 2)
			n = (int)chat_utf8_cut(
			    line, (size_t)n, CHAT_LINE_MAX - 2);
		memcpy(line + n, "\r\n", 2);
		if (c->ws != NULL)
			ws_end(c, line, (size_t)n + 2);
		else
			evbuffer_add(conn_sock_output(c), line, (size_t)n + 2);
		c->flags |= CLIENT_CLOSING | CLIENT_LINGER;
		c->last_read = conn_now_ms();
		TAILQ_INSERT_TAIL(&closing_clients, c, entry);
		conn_read_off(c);
		if (c->bev != NULL) {
			bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
			bufferevent_setcb(
			    c->bev, NULL, conn_drained, conn_drain_event, c);
		}
		/* Nothing to send (a closed WebSocket): no write callback. */
		if (conn_sock_out_len(c) == 0)
			conn_linger(c);
		else
			conn_write_on(c);
	}
}

/* Mark a client dead; it is reaped after the current callback. */
void
conn_kill(struct client *c, const char *reason)
{
	if (c->flags & CLIENT_DEAD)
		return;
	c->flags |= CLIENT_DEAD;
	replace_str(&c->quit_reason, reason);
	conn_read_off(c);
	TAILQ_INSERT_TAIL(&dead_clients, c, dead_entry);
	event_active(reap_ev, 0, 0);
}

/*
 * Close every client of this node with one reason: the cluster lost this
 * node, and its namespace can no longer be trusted.
 */
void
conn_kill_all(const char *reason)
{
	struct client *c, *c1;

	TAILQ_FOREACH_SAFE(c, &all_clients, entry, c1)
		conn_kill(c, reason);
}

/* Close without trying to write anything more (broken socket). */
void
conn_close(struct client *c, const char *reason)
{
	c->flags |= CLIENT_CLOSING;
	conn_kill(c, reason);
}

/*
 * A barrier in c's output (an echo that waits for its history write):
 * what is queued for c from now on waits behind it, so c hears its
 * replies in order while its input keeps running. Returns the position
 * of the barrier in c's held output, for conn_barrier_close.
 */
uint64_t
conn_barrier(struct client *c)
{
	if (c->held == NULL && (c->held = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	c->nbarriers++;
	return c->held_base + evbuffer_get_length(c->held);
}

/* The oldest barrier of c is released: write through it (the echo). */
void
conn_barrier_open(struct client *c)
{
	c->flags |= CLIENT_BYPASS;
}

/*
 * After the echo: release what was held up to the next barrier (next, a
 * position from conn_barrier), or all of it.
 */
void
conn_barrier_close(struct client *c, const uint64_t *next)
{
	size_t n = evbuffer_get_length(c->held);
	struct evbuffer *out;

	c->flags &= ~CLIENT_BYPASS;
	c->nbarriers--;
	if (next != NULL && *next - c->held_base < n)
		n = (size_t)(*next - c->held_base);
	c->held_base += n;
	if (n == 0 || (c->flags & (CLIENT_DEAD | CLIENT_CLOSING))) {
		evbuffer_drain(c->held, n);
		return;
	}
	out = conn_output(c);
	evbuffer_remove_buffer(c->held, out, n);
	conn_want_flush(c);
}

/* Queue bytes for a client; over its sendq the client is killed instead. */
bool
conn_write(struct client *c, const char *buf, size_t len)
{
	struct evbuffer *out;
	size_t queued;

	if (c->flags & (CLIENT_DEAD | CLIENT_CLOSING))
		return false;
	queued = conn_sendq_len(c);
	if (c->capture == NULL && c->nbarriers > 0 &&
	    !(c->flags & CLIENT_BYPASS)) {
		/* Behind an echo waiting for its commit; counts as sendq. */
		if (queued + evbuffer_get_length(c->held) + len > cfg->sendq) {
			conn_kill(c, "Max SendQ exceeded");
			return false;
		}
		evbuffer_add(c->held, buf, len);
		return true;
	}
	if (c->capture != NULL) {
		/* Held for a labeled response; it still counts as sendq. */
		if (queued + evbuffer_get_length(c->capture) + len >
		    cfg->sendq) {
			conn_close(c, "Max SendQ exceeded");
			return false;
		}
		evbuffer_add(c->capture, buf, len);
		return true;
	}
	if (queued + len > cfg->sendq) {
		log_info("client %s: send queue over %zu bytes", client_name(c),
		    cfg->sendq);
		/*
		 * The reaper still appends the ERROR line (a few bytes over
		 * the limit) and gives the socket CONN_CLOSE_WAIT seconds to
		 * drain, so a reader that wakes up learns why it was cut.
		 */
		conn_kill(c, "Max SendQ exceeded");
		return false;
	}
	out = conn_output(c);
	evbuffer_add(out, buf, len);
	conn_want_flush(c);
	return true;
}

/* Write each client on the flush list once (see the top of the file). */
static void
conn_flush(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct client *c;
	struct evbuffer *out;
	char reason[128];
	int n, err;

	while ((c = TAILQ_FIRST(&flush_clients)) != NULL) {
		conn_unflush(c);
		if (c->flags & (CLIENT_DEAD | CLIENT_CLOSING))
			continue;
		if (c->ws != NULL)
			ws_flush(c); /* its lines as messages on the socket */
		/*
		 * Nothing to write (a WebSocket welcome waits for the upgrade,
		 * or the write event drained it): evbuffer_write would return
		 * -1 and leave a stale errno, which OpenSSL may have set to 0.
		 */
		if (conn_sock_out_len(c) == 0) {
			conn_sock_trim(c);
			continue;
		}
		if (conn_writing(c))
			continue; /* still draining an earlier queue */
		if (c->bev != NULL) {
			/* OpenSSL must write it: raw bytes break the stream. */
			bufferevent_enable(c->bev, EV_WRITE);
			continue;
		}
		out = c->out;
		n = evbuffer_write(out, c->fd);
		err = errno;
		if (n < 0 && !conn_again(err)) {
			snprintf(reason, sizeof reason, "Write error: %s",
			    strerror(err));
			conn_close(c, reason);
			continue;
		}
		if (evbuffer_get_length(out) > 0)
			conn_write_on(c);
		else
			conn_sock_trim(c);
	}
}

/* A slow TLS socket drained its queue: back to batched writes. */
static void
conn_drained_write(struct bufferevent *bev, void *arg UNUSED)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_disable(bev, EV_WRITE);
}

/* Put a client on the pending list and arm the resume event. */
static void
conn_pend(struct client *c, bool throttled)
{
	struct timeval tv = { 0, throttled ? 50000 : 0 };

	if (!(c->flags & CLIENT_PENDING)) {
		c->flags |= CLIENT_PENDING;
		TAILQ_INSERT_TAIL(&pending_clients, c, pend_entry);
	}
	if (!evtimer_pending(pend_ev, NULL) || !throttled)
		evtimer_add(pend_ev, &tv);
}

/* Run a client's waiting input again soon (the file worker caught up). */
void
conn_wake(struct client *c)
{
	if (!(c->flags & (CLIENT_DEAD | CLIENT_CLOSING)))
		conn_pend(c, false);
}

/*
 * Hold c's input: a command of c waits for an answer, so none of its later
 * lines may run before that answer is sent (clients take a PONG as "all
 * before it is answered"). The lines stay in the input buffer, bounded as
 * for a flood; a trusted client, which has no such bound, is not read from
 * meanwhile (its read watermark would make the read event fire again and
 * again: libevent issue 891).
 */
void
conn_hold(struct client *c)
{
	c->holds++;
}

/* The answer c waited for is sent: run its next lines. */
void
conn_release(struct client *c)
{
	assert(c->holds > 0);
	if (--c->holds > 0 || (c->flags & (CLIENT_DEAD | CLIENT_CLOSING)))
		return;
	/* Reads were stopped while it was held (conn_hold_reads). */
	if (!conn_reading(c))
		conn_read_on(c);
	conn_pend(c, false);
}

/* A command of c waits for an answer: hold c, keep the command's label. */
void
conn_wait_begin(struct conn_wait *w, struct client *c)
{
	client_ref_set(&w->ref, c);
	w->label = label_defer(c);
	w->replying = false;
	conn_hold(c);
}

/* The client a wait is for, if it is still there (not to answer yet). */
struct client *
conn_wait_client(struct conn_wait *w)
{
	struct client *c = w->ref.client;

	if (c == NULL || (c->flags & CLIENT_DEAD))
		return NULL;
	return c;
}

/*
 * The answer is here: the client to send it to (or NULL if it has gone),
 * with the command's label back so the answer carries it. Nothing else
 * may run on the loop between this and conn_wait_end.
 */
struct client *
conn_wait_reply(struct conn_wait *w)
{
	struct client *c = conn_wait_client(w);

	if (c != NULL && !w->replying) {
		w->replying = true;
		if (w->label != NULL) {
			label_resume(c, w->label);
			w->label = NULL;
		}
	}
	return c;
}

/* The wait is over: send the labeled answer, run the client's next lines. */
void
conn_wait_end(struct conn_wait *w)
{
	struct client *c = w->ref.client;

	if (c != NULL) {
		if (!w->replying)
			conn_wait_reply(w);
		if (!(c->flags & CLIENT_DEAD))
			label_end(c);
		client_ref_clear(&w->ref);
		conn_release(c);
	}
	free(w->label);
	w->label = NULL;
}

/* The most input a waiting client may have buffered before Excess Flood. */
static size_t
conn_input_max(struct client *c)
{
	return cfg->recvq + file_input_allowance(c);
}

/* Whether the line at the front of the input is an upload chunk. */
static bool
conn_is_data(struct evbuffer *in, size_t len)
{
	char head[CHAT_FILE_DATA_PREFIX];

	if (len < sizeof head)
		return false;
	evbuffer_copyout(in, head, sizeof head);
	return chat_file_is_data(head, sizeof head);
}

/* Resume clients with lines left in their input. */
static void
conn_resume(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct client *c, *last;

	/* Clients that are re-queued go after last: one pass only. */
	last = TAILQ_LAST(&pending_clients, clients);
	while ((c = TAILQ_FIRST(&pending_clients)) != NULL) {
		TAILQ_REMOVE(&pending_clients, c, pend_entry);
		c->flags &= ~CLIENT_PENDING;
		conn_process(c);
		/* Its input may have drained below its watermark, or away. */
		conn_sock_trim(c);
		conn_io_update(c);
		if (c == last)
			break;
	}
}

/* Whether a client has spent its flood budget. */
static bool
conn_throttled(struct client *c, int64_t now)
{
	int64_t window;

	if (c->flags & CLIENT_TRUSTED)
		return false;
	window = (int64_t)cfg->flood_burst * 1000 / cfg->flood_rate;
	return c->flood_t > now + window;
}

/*
 * A trusted client's input is held (the store or the file worker is
 * behind): stop reading its socket until it runs again. Its read
 * watermark alone is not enough: past it, libevent can make EV_READ fire
 * again and again without reading (libevent issue 891), and the loop
 * spins (tests/integration/trusted-held.sh). An untrusted client is
 * still read, so that a flood past its input limit is cut.
 */
static void
conn_hold_reads(struct client *c)
{
	if (c->flags & CLIENT_TRUSTED)
		conn_read_off(c);
}

/*
 * Its input runs again: read its socket again (after conn_hold_reads;
 * whether it is still trusted or not, after a reload).
 */
static void
conn_resume_reads(struct client *c)
{
	if (!conn_reading(c))
		conn_read_on(c);
}

/*
 * A WebSocket client's socket brought bytes: decode its messages into
 * lines (a trusted client's only up to its read watermark, so that the
 * rest waits in the socket as a TCP client's would). Returns false if the
 * client was dropped for what it sent.
 */
static bool
conn_ws_read(struct client *c)
{
	const char *reason = "WebSocket error";
	size_t limit = SIZE_MAX;
	int r;

	if (c->ws == NULL || (c->flags & (CLIENT_DEAD | CLIENT_CLOSING)))
		return true;
	if (c->flags & CLIENT_TRUSTED)
		limit = cfg->recvq + (size_t)(FILE_WINDOW + 1) * FILE_LINE_MAX;
	r = ws_read(c, limit, &reason);
	/* The upgrade's answer, a pong, a close frame or the welcome. */
	if (conn_sock_out_len(c) > 0 || ws_pending(c->ws) > 0)
		conn_want_flush(c);
	if (r == WS_FAIL) {
		conn_kill(c, reason);
		return false;
	}
	if (r == WS_EOF)
		c->flags |= CLIENT_EOF;
	return true;
}

/*
 * The length of a client's waiting input. A trusted WebSocket client's
 * frames may still wait in its socket (conn_ws_read): decode them once
 * the lines decoded so far have run.
 */
static size_t
conn_input_len(struct client *c, struct evbuffer *in)
{
	size_t len = evbuffer_get_length(in);

	if (len == 0 && c->ws != NULL &&
	    evbuffer_get_length(conn_sock_input(c)) > 0 && conn_ws_read(c) &&
	    !(c->flags & CLIENT_DEAD))
		len = evbuffer_get_length(in);
	return len;
}

/* Run the complete lines in a client's input, within the budgets. */
static void
conn_run(struct client *c)
{
	struct evbuffer *in;
	struct evbuffer_ptr eol;
	char line[CHAT_WIRE_MAX + 2];
	size_t len, n;
	int lines = 0;
	bool data;
	int64_t now = conn_now_ms();

	if (c->flags & (CLIENT_DEAD | CLIENT_CLOSING))
		return;
	in = conn_input(c);
	while ((len = conn_input_len(c, in)) > 0) {
		if (c->flags & CLIENT_DEAD)
			return;
		if (c->holds > 0) {
			/* A command waits: the rest runs after its answer. */
			if (len > conn_input_max(c) &&
			    !(c->flags & CLIENT_TRUSTED))
				conn_kill(c, "Excess Flood");
			conn_hold_reads(c);
			return;
		}
		if (lines == CONN_LINES_PER_EVENT) {
			conn_pend(c, false);
			return;
		}
		eol = evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF);
		data = !(c->flags & CLIENT_SKIPLINE) && conn_is_data(in, len);
		if (eol.pos < 0) {
			if (len > (data ? FILE_LINE_MAX - 1 : CHAT_WIRE_MAX)) {
				/* Skip the overlong line as it arrives. */
				evbuffer_drain(in, len);
				c->last_read = now;
				if (!(c->flags & CLIENT_SKIPLINE)) {
					c->flags |= CLIENT_SKIPLINE;
					c->skipped = 0;
					SEND_NUMERIC(c, ERR_INPUTTOOLONG);
				}
				/* Nobody logs in with a line this long. */
				c->skipped += len;
				if (!(c->flags & CLIENT_REGISTERED) &&
				    c->skipped > cfg->recvq)
					conn_kill(c, "Excess Flood");
			}
			return;
		}
		/* The store is behind on this sender's history: wait. */
		if (conn_throttled(c, now) || history_hold(c)) {
			if (!(c->flags & CLIENT_TRUSTED) &&
			    len > conn_input_max(c)) {
				conn_kill(c, "Excess Flood");
				return;
			}
			conn_hold_reads(c);
			conn_pend(c, true);
			return;
		}
		conn_resume_reads(c);
		c->last_read = now;
		c->flags &= ~CLIENT_PINGED;
		if (c->flags & CLIENT_SKIPLINE) {
			/* The tail of an overlong line already answered. */
			c->flags &= ~CLIENT_SKIPLINE;
			evbuffer_drain(in, (size_t)eol.pos + 1);
			continue;
		}
		if (data && (size_t)eol.pos <= FILE_LINE_MAX - 1) {
			if (!file_data_line(c, in, (size_t)eol.pos)) {
				conn_hold_reads(c);
				/* Waits for the worker; bounded like a flood.
				 */
				if (len > conn_input_max(c))
					conn_kill(c, "Excess Flood");
				return;
			}
			lines++;
			continue;
		}
		if ((size_t)eol.pos > CHAT_WIRE_MAX) {
			evbuffer_drain(in, (size_t)eol.pos + 1);
			SEND_NUMERIC(c, ERR_INPUTTOOLONG);
			continue;
		}
		n = (size_t)eol.pos;
		evbuffer_remove(in, line, n + 1);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		lines++;
		if (cmd_dispatch(c, line, n) == CMD_CLOSED)
			return;
	}
}

/*
 * Run a client's input; once the peer has closed its side, close the
 * connection when the last complete line has run (a script piped into
 * netcat ends with EOF right behind its last lines).
 */
static void
conn_process(struct client *c)
{
	struct evbuffer *in;
	size_t n;

	if (!conn_ws_read(c))
		return;
	conn_run(c);
	if (!(c->flags & CLIENT_EOF) || c->holds > 0 ||
	    (c->flags & (CLIENT_DEAD | CLIENT_CLOSING | CLIENT_PENDING)))
		return;
	in = conn_input(c);
	/* Only half closed, maybe: what the lines answered is still sent. */
	if (evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF).pos < 0)
		conn_kill(c, "Connection closed");
}

/* Data arrived. */
static void
conn_read(struct client *c)
{
	if (c->flags & CLIENT_PENDING) {
		/* It waits for its turn or its budget; input keeps coming. */
		if (!conn_ws_read(c))
			return;
		if (!(c->flags & CLIENT_TRUSTED) &&
		    evbuffer_get_length(conn_input(c)) > conn_input_max(c))
			conn_kill(c, "Excess Flood");
		return;
	}
	conn_process(c);
}

/* Data arrived on a TLS socket. */
static void
conn_read_bev(struct bufferevent *bev UNUSED, void *arg)
{
	conn_read(arg);
}

/* EOF or an error on a client's socket. */
static void
conn_event(struct client *c, short what)
{
	char reason[128];
	unsigned long e;

	if (what & BEV_EVENT_CONNECTED)
		return; /* the TLS handshake is done */
	if ((c->flags & CLIENT_TLS) && (what & BEV_EVENT_ERROR) &&
	    (e = bufferevent_get_openssl_error(c->bev)) != 0) {
		snprintf(reason, sizeof reason, "TLS error: %s",
		    ERR_reason_error_string(e) != NULL
		        ? ERR_reason_error_string(e)
		        : "unknown");
		conn_close(c, reason);
		return;
	}
	if ((what & BEV_EVENT_EOF) &&
	    (evbuffer_get_length(conn_input(c)) > 0 ||
	        evbuffer_get_length(conn_sock_input(c)) > 0) &&
	    !(c->flags & (CLIENT_DEAD | CLIENT_CLOSING))) {
		/* Lines still waiting: they run first (conn_process). */
		c->flags |= CLIENT_EOF;
		conn_pend(c, false);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(reason, sizeof reason, "Connection closed");
	else
		snprintf(reason, sizeof reason, "%s error: %s",
		    (what & BEV_EVENT_READING) ? "Read" : "Write",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_close(c, reason);
}

/* EOF or an error on a TLS socket, or its handshake done. */
static void
conn_event_bev(struct bufferevent *bev UNUSED, short what, void *arg)
{
	conn_event(arg, what);
}

/* Periodic checks: registration and ping timeouts, stuck closers. */
static void
conn_tick(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct client *c, *c1;
	int64_t now = conn_now_ms();

	struct conn_ip *ip, *ip1;

	TAILQ_FOREACH(c, &all_clients, entry)
		client_timer_check(c, now);
	/* An idle address with a full bucket needs no entry. */
	RB_FOREACH_SAFE(ip, conn_ips, &conn_ip_tree, ip1) {
		if (ip->count == 0 && now - ip->stamp > 1000) {
			RB_REMOVE(conn_ips, &conn_ip_tree, ip);
			free(ip);
		}
	}
	TAILQ_FOREACH_SAFE(c, &closing_clients, entry, c1) {
		if (now - c->last_read > CONN_CLOSE_WAIT * 1000) {
			TAILQ_REMOVE(&closing_clients, c, entry);
			conn_destroy(c);
		}
	}
}

/* Refuse a connection with an ERROR line (or HTTP 503) and close it. */
static void
conn_refuse(int fd, const char *addr, const char *why, bool ws)
{
	char line[512];
	size_t n;
	int r;

	if (ws)
		n = ws_http_error(line, sizeof line, 503, why);
	else {
		r = snprintf(line, sizeof line,
		    "ERROR :Closing Link: %s (%s)\r\n", addr, why);
		n = r > 0 ? (size_t)r : 0;
	}
	if (write(fd, line, n) < 0)
		log_debug("write to rejected %s: %s", addr, strerror(errno));
	close(fd);
	log_info("refused %s: %s", addr, why);
}

/*
 * The entry of an address, created with a full bucket. IPv6 addresses
 * count per /64: one host usually has a whole /64 to pick from.
 */
static struct conn_ip *
conn_ip_get(const char *addr, int64_t now)
{
	struct conn_ip find, *ip;
	struct in6_addr a6;
	char net[INET6_ADDRSTRLEN];

	if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, net, sizeof net);
		snprintf(find.addr, sizeof find.addr, "%s/64", net);
	} else
		strlcpy(find.addr, addr, sizeof find.addr);
	if ((ip = RB_FIND(conn_ips, &conn_ip_tree, &find)) != NULL)
		return ip;
	ip = xcalloc(1, sizeof *ip);
	strlcpy(ip->addr, find.addr, sizeof ip->addr);
	ip->tokens = (int64_t)cfg->max_conn_rate * 1000;
	ip->stamp = now;
	RB_INSERT(conn_ips, &conn_ip_tree, ip);
	return ip;
}

/* Whether addr may open one more connection now; NULL says why not. */
static const char *
conn_ip_admit(struct conn_ip *ip, int64_t now)
{
	int64_t full = (int64_t)cfg->max_conn_rate * 1000;

	/* Refill: max_conn_rate tokens a second, thousandths per ms. */
	ip->tokens += (now - ip->stamp) * cfg->max_conn_rate;
	if (ip->tokens > full)
		ip->tokens = full;
	ip->stamp = now;
	if (ip->count >= cfg->max_per_ip)
		return "Too many connections from your address";
	if (ip->tokens < 1000)
		return "Connecting too fast, try again later";
	ip->tokens -= 1000;
	return NULL;
}

/*
 * Trust a client or not. A trusted client has no flood control, so
 * nothing would stop its input from outgrowing what the loop processes:
 * past a read watermark (the most an untrusted client may queue, file
 * window included) libevent stops reading its socket until the lines
 * are run, and TCP slows the sender down instead.
 */
static void
conn_set_trusted(struct client *c, bool trusted)
{
	if (trusted)
		c->flags |= CLIENT_TRUSTED;
	else
		c->flags &= ~CLIENT_TRUSTED;
	/* A plain socket checks conn_read_high as it reads. */
	if (c->bev != NULL)
		bufferevent_setwatermark(c->bev, EV_READ, 0, conn_read_high(c));
	else
		conn_io_update(c);
}

/*
 * After a reload: clients whose address became trusted leave flood
 * control and the per-address count; those no longer trusted join them
 * (they stay connected even past max-per-ip, as if counted on arrival).
 * Trusted clients get the new recvq in their watermark.
 */
void
conn_retrust(void)
{
	struct client *c;
	int64_t now = conn_now_ms();
	bool trusted;

	TAILQ_FOREACH(c, &all_clients, entry) {
		trusted = config_trusted(cfg, c->user.host);
		if (trusted && !(c->flags & CLIENT_TRUSTED)) {
			if (c->ip != NULL)
				c->ip->count--;
			c->ip = NULL;
		} else if (!trusted && (c->flags & CLIENT_TRUSTED)) {
			c->ip = conn_ip_get(c->user.host, now);
			c->ip->count++;
			c->flood_t = now;
		}
		conn_set_trusted(c, trusted);
	}
}

/*
 * Accept a new socket as a client; tls_ctx (an SSL_CTX) for TLS, ws for a
 * WebSocket listener.
 */
void
conn_accept(int fd, const char *addr, void *tls_ctx, bool ws)
{
	struct bufferevent *bev = NULL;
	SSL *ssl;
	struct client *c;
	int one = 1;
	struct conn_ip *ip = NULL;
	const char *why;
	bool trusted = config_trusted(cfg, addr);
	int64_t now = conn_now_ms();

	if (nclients >= cfg->max_clients) {
		conn_refuse(fd, addr, "Server is full, try again later", ws);
		return;
	}
	if (!trusted) {
		ip = conn_ip_get(addr, now);
		if ((why = conn_ip_admit(ip, now)) != NULL) {
			conn_refuse(fd, addr, why, ws);
			return;
		}
	}
	evutil_make_socket_nonblocking(fd);
	/*
	 * Replies are small and the output is written in whole buffers
	 * anyway: without Nagle, an ACK or a PONG does not wait for the
	 * peer's delayed ACK (40 ms), which paces file chunks and chat.
	 */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
		log_debug("TCP_NODELAY on %s: %s", addr, strerror(errno));
	if (tls_ctx != NULL) {
		if ((ssl = SSL_new(tls_ctx)) == NULL) {
			close(fd);
			return;
		}
		bev = bufferevent_openssl_socket_new(ev_base, fd, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev == NULL) {
			close(fd);
			return;
		}
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	}
	c = client_new(addr);
	c->bev = bev;
	if (ws)
		c->ws = ws_new(c);
	if (tls_ctx != NULL) {
		c->flags |= CLIENT_TLS;
		c->user.modes |= USER_SECURE;
	}
	conn_set_trusted(c, trusted);
	if (ip != NULL) {
		c->ip = ip;
		ip->count++;
	}
	c->last_read = now;
	c->flood_t = c->last_read;
	TAILQ_INSERT_TAIL(&all_clients, c, entry);
	if (bev != NULL) {
		bufferevent_setcb(
		    bev, conn_read_bev, conn_drained_write, conn_event_bev, c);
		/*
		 * Writes go through conn_flush; EV_WRITE only while backed
		 * up. A new bufferevent starts with EV_WRITE enabled.
		 */
		bufferevent_disable(bev, EV_WRITE);
		bufferevent_enable(bev, EV_READ);
	} else
		conn_attach(c, fd);
	send_raw(c,
	    ":%s NOTICE * :*** Welcome to %s. Log in with: NICK "
	    "yourname, then: USER yourname 0 * :Your Real Name "
	    "(HELP lists commands)",
	    cfg->server_name, cfg->server_name);
}

/* Create the events the connection layer needs. */
void
conn_init(void)
{
	struct timeval one = { 1, 0 };

#ifdef M_TRIM_THRESHOLD
	/*
	 * Send queues are chains of small blocks that a busy channel
	 * allocates and frees by the megabyte. With glibc's default 128 KiB
	 * trim threshold the heap top went back to the kernel and was
	 * faulted in again at every burst: a third of the daemon's CPU per
	 * delivery at saturation. Keep up to 32 MiB of freed heap instead.
	 */
	mallopt(M_TRIM_THRESHOLD, CONN_TRIM_THRESHOLD);
#endif
	reap_ev = event_new(ev_base, -1, 0, conn_reap, NULL);
	pend_ev = evtimer_new(ev_base, conn_resume, NULL);
	tick_ev = event_new(ev_base, -1, EV_PERSIST, conn_tick, NULL);
	flush_ev = event_new(ev_base, -1, 0, conn_flush, NULL);
	if ((conn_empty = evbuffer_new()) == NULL)
		fatalx("evbuffer_new failed");
	event_add(tick_ev, &one);
}

/* Close every client with reason (shutdown). */
void
conn_shutdown(const char *reason)
{
	struct client *c;
	struct evbuffer *out;

	while ((c = TAILQ_FIRST(&all_clients)) != NULL) {
		if (!(c->flags & CLIENT_DEAD))
			conn_kill(c, reason);
		conn_reap(-1, 0, NULL);
	}
	conn_reap(-1, 0, NULL);
	/*
	 * Best effort: push the ERROR lines out without waiting.
	 */
	while ((c = TAILQ_FIRST(&closing_clients)) != NULL) {
		TAILQ_REMOVE(&closing_clients, c, entry);
		/* Raw bytes on a TLS socket would corrupt the stream. */
		if (c->bev == NULL && (out = c->out) != NULL)
			evbuffer_write(out, c->fd);
		conn_destroy(c);
	}
}

/* Free the connection layer's events and address table. */
void
conn_free(void)
{
	struct conn_ip *ip;

	while ((ip = RB_MIN(conn_ips, &conn_ip_tree)) != NULL) {
		RB_REMOVE(conn_ips, &conn_ip_tree, ip);
		free(ip);
	}
	event_free(reap_ev);
	event_free(pend_ev);
	event_free(tick_ev);
	event_free(flush_ev);
	while (conn_npool > 0)
		evbuffer_free(conn_pool[--conn_npool]);
	evbuffer_free(conn_empty);
	conn_empty = NULL;
}
