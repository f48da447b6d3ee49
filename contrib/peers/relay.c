/*
 * relay: the least an IRC server can do for chatbench's fanout. It
 * accepts clients on a loopback address, answers registration (NICK and
 * USER) with 001 and 376 and JOIN with the JOIN and 366, PING with PONG,
 * and writes every other line, prefixed with its sender, to every other
 * registered client. No parsing beyond the first word, no channels, no
 * flood control: the ceiling that chatd's saturated fan-out is compared
 * with (doc/BENCHMARKS.md). One epoll thread; a line is formatted once
 * and appended to each recipient's buffer, and each buffer is written
 * once per loop pass, as chatd does.
 *
 *   relay 127.0.0.1 PORT
 */
#include "config.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RELAY_MAXFD 65536
#define RELAY_IN 8192             /* longest line kept (longer: cut) */
#define RELAY_OUT_MAX (64u << 20) /* a client further behind is dropped */
#define RELAY_EVENTS 256

struct relay_client {
	int fd;
	int idx; /* in relay_reg once registered, else -1 */
	bool registered, dirty;
	char nick[64], prefix[96];
	size_t prefixlen;
	char in[RELAY_IN];
	size_t inlen;
	char *out;
	size_t outlen, outoff, outcap;
	struct relay_client *nextdirty;
};

static struct relay_client *relay_reg[RELAY_MAXFD]; /* registered */
static int relay_nreg;
static struct relay_client *relay_dirty;
static int relay_ep;
static volatile sig_atomic_t relay_stop;

/* SIGTERM and SIGINT end the loop. */
static void
relay_signal(int sig)
{
	(void)sig;
	relay_stop = 1;
}

/* Close a client; it is freed after this loop pass (relay_flush). */
static void
relay_close(struct relay_client *c)
{
	if (c->fd < 0)
		return;
	if (c->idx >= 0) {
		relay_reg[c->idx] = relay_reg[--relay_nreg];
		relay_reg[c->idx]->idx = c->idx;
		c->idx = -1;
	}
	close(c->fd);
	c->fd = -1;
	if (!c->dirty) {
		c->dirty = true;
		c->nextdirty = relay_dirty;
		relay_dirty = c;
	}
}

/* Queue bytes for a client; it is written after this loop pass. */
static void
relay_queue(struct relay_client *c, const char *buf, size_t len)
{
	if (c->fd < 0)
		return;
	if (c->outlen + len > c->outcap) {
		/* Over RELAY_OUT_MAX it is closed, not freed: no gaps here. */
		if (c->outoff > 0) {
			memmove(
			    c->out, c->out + c->outoff, c->outlen - c->outoff);
			c->outlen -= c->outoff;
			c->outoff = 0;
		}
		while (c->outlen + len > c->outcap) {
			if (c->outcap >= RELAY_OUT_MAX) {
				relay_close(c);
				return;
			}
			c->outcap = c->outcap ? c->outcap * 2 : 65536;
			if ((c->out = realloc(c->out, c->outcap)) == NULL)
				abort();
		}
	}
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
	if (!c->dirty) {
		c->dirty = true;
		c->nextdirty = relay_dirty;
		relay_dirty = c;
	}
}

/* Write what each client has queued; wait for EPOLLOUT if it is full. */
static void
relay_flush(void)
{
	struct relay_client *c, *next;
	struct epoll_event ev;
	ssize_t n;

	for (c = relay_dirty, relay_dirty = NULL; c != NULL; c = next) {
		next = c->nextdirty;
		c->dirty = false;
		if (c->fd < 0) {
			free(c->out);
			free(c);
			continue;
		}
		n = 0;
		while (c->outoff < c->outlen &&
		    (n = write(
		         c->fd, c->out + c->outoff, c->outlen - c->outoff)) > 0)
			c->outoff += (size_t)n;
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			relay_close(c);
			continue;
		}
		if (c->outoff == c->outlen)
			c->outoff = c->outlen = 0;
		ev.events = EPOLLIN | (c->outlen > 0 ? EPOLLOUT : 0);
		ev.data.ptr = c;
		epoll_ctl(relay_ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
}

/* One line from a client: registration, JOIN, PING, or relayed. */
static void
relay_line(struct relay_client *c, char *line, size_t len)
{
	char buf[RELAY_IN + 256];
	struct relay_client *r;
	int i, n;

	if (!c->registered) {
		if (strncmp(line, "NICK ", 5) == 0) {
			snprintf(c->nick, sizeof c->nick, "%s", line + 5);
		} else if (strncmp(line, "USER ", 5) == 0 && c->nick[0]) {
			c->registered = true;
			c->idx = relay_nreg;
			relay_reg[relay_nreg++] = c;
			c->prefixlen = (size_t)snprintf(c->prefix,
			    sizeof c->prefix, ":%s!u@127.0.0.1 ", c->nick);
			n = snprintf(buf, sizeof buf,
			    ":relay 001 %s :Welcome\r\n"
			    ":relay 376 %s :End of MOTD\r\n",
			    c->nick, c->nick);
			relay_queue(c, buf, (size_t)n);
		}
		return;
	}
	if (strncmp(line, "JOIN ", 5) == 0) {
		n = snprintf(buf, sizeof buf,
		    "%sJOIN %s\r\n:relay 366 %s %s :End of NAMES\r\n",
		    c->prefix, line + 5, c->nick, line + 5);
		relay_queue(c, buf, (size_t)n);
	} else if (strncmp(line, "PING ", 5) == 0) {
		n = snprintf(
		    buf, sizeof buf, ":relay PONG relay %s\r\n", line + 5);
		relay_queue(c, buf, (size_t)n);
	} else {
		/* Formatted once, appended to everyone else. */
		memcpy(buf, c->prefix, c->prefixlen);
		memcpy(buf + c->prefixlen, line, len);
		memcpy(buf + c->prefixlen + len, "\r\n", 2);
		for (i = 0; i < relay_nreg;) {
			r = relay_reg[i];
			if (r != c)
				relay_queue(r, buf, c->prefixlen + len + 2);
			if (relay_reg[i] == r)
				i++; /* else r was dropped: another took its
				        place */
		}
	}
}

/* Read what a client sent (at most 16 reads) and run its lines. */
static void
relay_read(struct relay_client *c)
{
	char *p, *nl, *end;
	ssize_t n;
	int i;

	for (i = 0; i < 16 && c->fd >= 0; i++) {
		n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			relay_close(c);
			return;
		}
		if (n < 0)
			return;
		c->inlen += (size_t)n;
		p = c->in;
		end = c->in + c->inlen;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
			relay_line(c, p, strlen(p));
			if (c->fd < 0)
				return;
			p = nl + 1;
		}
		c->inlen = (size_t)(end - p);
		if (c->inlen == sizeof c->in)
			c->inlen = 0; /* an overlong line: cut */
		memmove(c->in, p, c->inlen);
	}
}

/* Listen, then relay until SIGTERM. */
int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[RELAY_EVENTS];
	struct sockaddr_in sin;
	struct relay_client *c;
	int lfd, fd, n, i, one = 1;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "usage: relay 127.x.y.z PORT (loopback)\n");
		return 2;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, relay_signal);
	signal(SIGINT, relay_signal);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(lfd, 4096) != 0) {
		perror("relay: listen");
		return 1;
	}
	relay_ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(relay_ep, EPOLL_CTL_ADD, lfd, &ev);
	while (!relay_stop) {
		n = epoll_wait(relay_ep, evs, RELAY_EVENTS, 1000);
		for (i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) == NULL) {
				/* At most 64 accepts per pass; EMFILE waits. */
				for (int k = 0; k < 64; k++) {
					fd = accept4(lfd, NULL, NULL,
					    SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (fd < 0)
						break;
					if (relay_nreg >= RELAY_MAXFD - 1) {
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
					    &one, sizeof one);
					c = calloc(1, sizeof *c);
					if (c == NULL)
						abort();
					c->fd = fd;
					c->idx = -1;
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(
					    relay_ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (c->fd < 0)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				relay_read(c);
			if (c->fd >= 0 && (evs[i].events & EPOLLOUT) &&
			    !c->dirty) {
				c->dirty = true;
				c->nextdirty = relay_dirty;
				relay_dirty = c;
			}
		}
		relay_flush();
	}
	return 0;
}
