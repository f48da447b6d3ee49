/*
 * One IRC connection: non-blocking connect, registration (433 retries,
 * PING, the 005/MOTD burst), buffered output and line splitting.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatbench.h"

/* Allocate the buffers of a client; nothing is connected yet. */
void
client_init(struct cb_client *c, uint32_t id, size_t outcap)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->id = id;
	c->state = CB_IDLE;
	c->incap = cb.sc->inbuf ? cb.sc->inbuf : CB_INBUF;
	c->in = malloc(c->incap);
	c->out = malloc(outcap);
	c->outcap = outcap;
	if (c->in == NULL || c->out == NULL)
		cb_fatal("out of memory");
	snprintf(c->nick, sizeof c->nick, "b%u", id);
}

/* Watch the socket for input, and for output while some is queued. */
static void
client_arm(struct cb_client *c, bool wantout)
{
	struct epoll_event ev;

	if (c->wantout == wantout)
		return;
	c->wantout = wantout;
	ev.events = EPOLLIN | (wantout ? EPOLLOUT : 0);
	ev.data.ptr = c;
	epoll_ctl(c->w->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Close a client for good and count it. */
void
client_kill(struct cb_client *c, const char *why)
{
	if (c->state == CB_DEAD)
		return;
	if (c->state == CB_CONNECTING || c->state == CB_REGISTERING ||
	    c->state == CB_REGISTERED)
		if (c->w->inflight > 0)
			c->w->inflight--;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = CB_DEAD;
	c->w->errors++;
	atomic_fetch_add(&cb.n_dead, 1);
	fprintf(stderr, "chatbench: client %u (%s): %s\n", c->id, c->nick, why);
}

/* Start a non-blocking connect; NICK/USER follow once it completes. */
void
client_start(struct cb_client *c)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct epoll_event ev;
	socklen_t len;
	int one = 1;

	memset(&ss, 0, sizeof ss);
	if (cb.family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(cb.port);
		inet_pton(AF_INET, cb.host, &sin->sin_addr);
		len = sizeof *sin;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(cb.port);
		inet_pton(AF_INET6, cb.host, &sin6->sin6_addr);
		len = sizeof *sin6;
	}
	c->t_connect = cb_now();
	c->w->inflight++;
	c->state = CB_CONNECTING;
	c->fd =
	    socket(cb.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		client_kill(c, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&ss, len) != 0 &&
	    errno != EINPROGRESS) {
		client_kill(c, strerror(errno));
		return;
	}
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.ptr = c;
	c->wantout = true;
	if (epoll_ctl(c->w->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		client_kill(c, strerror(errno));
}

/* Bytes that can still be queued. */
size_t
client_room(const struct cb_client *c)
{
	return c->outcap - c->outlen;
}

/* Write what is queued; arm EPOLLOUT if the socket is full. */
void
client_flush(struct cb_client *c)
{
	ssize_t n;

	if (c->state == CB_DEAD || c->state == CB_CONNECTING)
		return;
	while (c->outoff < c->outlen) {
		n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
		if (n > 0) {
			c->outoff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		client_kill(c, n < 0 ? strerror(errno) : "write returned 0");
		return;
	}
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	client_arm(c, c->outoff < c->outlen);
}

/* Queue one formatted line (CRLF added); a full queue is fatal. */
void
client_send(struct cb_client *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->state == CB_DEAD)
		return;
	if (c->outoff > 0 && c->outcap - c->outlen < 600) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	va_start(ap, fmt);
	n = vsnprintf(c->out + c->outlen, c->outcap - c->outlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > c->outcap - c->outlen) {
		client_kill(c, "output queue full");
		return;
	}
	c->outlen += (size_t)n;
	c->out[c->outlen++] = '\r';
	c->out[c->outlen++] = '\n';
}

/* Put a sender on its worker's list to pump after this event batch. */
void
client_mark_dirty(struct cb_client *c)
{
	if (c->dirty || c->state == CB_DEAD)
		return;
	c->dirty = true;
	c->nextdirty = c->w->dirty;
	c->w->dirty = c;
}

/* Send NICK again with a new suffix after 433. */
static void
client_renick(struct cb_client *c)
{
	if (++c->nicktries > CB_MAXNICKTRIES) {
		client_kill(c, "too many 433 nick collisions");
		return;
	}
	atomic_fetch_add(&cb.nick_retries, 1);
	snprintf(c->nick, sizeof c->nick, "b%ur%u", c->id, c->nicktries);
	client_send(c, "NICK %s", c->nick);
}

/* The client reached what its scenario waits for. */
static void
client_ready(struct cb_client *c, uint64_t now)
{
	if (c->state == CB_READY)
		return;
	if (c->state != CB_READY && c->w->inflight > 0)
		c->w->inflight--;
	c->state = CB_READY;
	c->w->ready++;
	c->w->t_last_ready = now;
	cb_hist_add(&c->w->hlat, now - c->t_connect);
	atomic_fetch_add(&cb.n_ready, 1);
}

/* Split a line into prefix, command, params (up to 4) and trailing. */
static int
client_split(char *line, char **cmd, char **par, int maxpar)
{
	char *p = line;
	int n = 0;

	if (*p == ':') {
		p = strchr(p, ' ');
		if (p == NULL)
			return -1;
		while (*p == ' ')
			p++;
	}
	*cmd = p;
	p = strchr(p, ' ');
	if (p == NULL)
		return 0;
	*p++ = '\0';
	while (*p != '\0' && n < maxpar) {
		while (*p == ' ')
			p++;
		if (*p == ':') {
			par[n++] = p + 1;
			break;
		}
		par[n++] = p;
		p = strchr(p, ' ');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Handle a numeric reply during registration and joining. */
static void
client_numeric(struct cb_client *c, int num, char **par, int npar, uint64_t now)
{
	switch (num) {
	case 1: /* RPL_WELCOME */
		if (c->state != CB_REGISTERING)
			break;
		if (npar > 0)
			snprintf(c->nick, sizeof c->nick, "%s", par[0]);
		c->state = CB_REGISTERED;
		if (cb.sc->join)
			client_send(c, "JOIN %s", cb.channel);
		else if (!cb.sc->ready_at_motd)
			client_ready(c, now);
		if (c->sender && cb.oper != NULL) {
			const char *colon = strchr(cb.oper, ':');

			if (colon != NULL)
				client_send(c, "OPER %.*s %s",
				    (int)(colon - cb.oper), cb.oper, colon + 1);
		}
		if (c->sender && cb.umode != NULL)
			client_send(c, "MODE %s %s", c->nick, cb.umode);
		break;
	case 4: /* RPL_MYINFO: server name and version */
		if (npar > 2 && cb.server_version[0] == '\0') {
			pthread_mutex_lock(&cb.lock);
			snprintf(cb.server_version, sizeof cb.server_version,
			    "%s", par[2]);
			pthread_mutex_unlock(&cb.lock);
		}
		break;
	case 376: /* RPL_ENDOFMOTD */
	case 422: /* ERR_NOMOTD */
		if (cb.sc->ready_at_motd && c->state == CB_REGISTERED)
			client_ready(c, now);
		break;
	case 366: /* RPL_ENDOFNAMES */
		if (cb.sc->join && c->state == CB_REGISTERED && npar > 1 &&
		    strcasecmp(par[1], cb.channel) == 0)
			client_ready(c, now);
		break;
	case 432: /* ERR_ERRONEUSNICKNAME */
	case 433: /* ERR_NICKNAMEINUSE */
	case 436: /* ERR_NICKCOLLISION */
		if (c->state == CB_REGISTERING)
			client_renick(c);
		break;
	case 401: /* ERR_NOSUCHNICK */
	case 403: /* ERR_NOSUCHCHANNEL */
	case 404: /* ERR_CANNOTSENDTOCHAN */
	case 405: /* ERR_TOOMANYCHANNELS */
	case 471: /* ERR_CHANNELISFULL */
	case 473: /* ERR_INVITEONLYCHAN */
	case 474: /* ERR_BANNEDFROMCHAN */
	case 475: /* ERR_BADCHANNELKEY */
		c->w->errors++;
		fprintf(stderr, "chatbench: client %u (%s): numeric %d %s\n",
		    c->id, c->nick, num, npar > 1 ? par[npar - 1] : "");
		if (num >= 403 && num != 404)
			client_kill(c, "cannot join");
		break;
	default:
		break;
	}
}

/* Dispatch one complete line from the server. */
static void
client_line(struct cb_client *c, char *line, uint64_t now)
{
	char *cmd = NULL, *par[4];
	int npar;

	c->w->lines++;
	if (cb.sc->on_line != NULL && cb.sc->on_line(c, line, now))
		return;
	/* Fast path: channel and private messages carry the payload. */
	if (line[0] == ':') {
		char *sp = strchr(line, ' ');

		if (sp != NULL && strncmp(sp + 1, "PRIVMSG ", 8) == 0) {
			char *tgt = sp + 9, *text = strstr(tgt, " :");

			if (text != NULL && cb.sc->on_privmsg != NULL) {
				*text = '\0';
				cb.sc->on_privmsg(c, tgt, text + 2, now);
			}
			return;
		}
	}
	npar = client_split(line, &cmd, par, 4);
	if (npar < 0 || cmd == NULL)
		return;
	if (cmd[0] >= '0' && cmd[0] <= '9' && cmd[1] >= '0' && cmd[1] <= '9' &&
	    cmd[2] >= '0' && cmd[2] <= '9' && cmd[3] == '\0')
		client_numeric(c, atoi(cmd), par, npar, now);
	else if (strcmp(cmd, "PING") == 0)
		client_send(c, "PONG :%s", npar > 0 ? par[0] : "");
	else if (strcmp(cmd, "ERROR") == 0)
		client_kill(c, npar > 0 ? par[0] : "ERROR");
}

/* Read everything available and handle each complete line. */
static void
client_read(struct cb_client *c, uint64_t now)
{
	char *p, *nl, *end;
	ssize_t n;
	int loops;

	/* Bounded: a flooding server cannot keep us here forever. */
	for (loops = 0; loops < 64 && c->state != CB_DEAD; loops++) {
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == 0) {
			client_kill(c, "server closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				client_kill(c, strerror(errno));
			return;
		}
		c->inlen += (size_t)n;
		p = c->in;
		end = c->in + c->inlen;
		while (p < end &&
		    (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			*nl = '\0';
			if (nl > p && nl[-1] == '\r')
				nl[-1] = '\0';
			client_line(c, p, now);
			if (c->state == CB_DEAD)
				return;
			p = nl + 1;
		}
		c->inlen = (size_t)(end - p);
		if (c->inlen == c->incap) {
			client_kill(c, "line longer than the input buffer");
			return;
		}
		if (c->inlen > 0 && p != c->in)
			memmove(c->in, p, c->inlen);
		if ((size_t)n < c->incap / 2)
			break;
	}
}

/* React to epoll events on a client's socket. */
void
client_event(struct cb_client *c, uint32_t events, uint64_t now)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (c->state == CB_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			client_kill(c, strerror(err));
			return;
		}
		c->state = CB_REGISTERING;
		client_send(c, "NICK %s", c->nick);
		client_send(c, "USER cb 0 * :chatbench %u", c->id);
		c->wantout = true; /* armed by connect; flush re-arms */
		client_flush(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		client_read(c, now);
	if (c->state == CB_DEAD)
		return;
	if (events & EPOLLOUT) {
		client_flush(c);
		if (c->sender)
			client_mark_dirty(c);
	} else if (c->outlen > c->outoff && !c->wantout)
		client_flush(c);
}
