/*
 * fake-server: a tiny line server for testing chat-expect itself.
 *
 * Listens on 127.0.0.1 at an ephemeral port, prints the port on stdout and
 * greets each client with "HELLO". Commands (anything else is echoed):
 *   QUIT          reply "BYE" and close
 *   RST           close with a reset
 *   SILENT        no reply
 *   BIG           one 16 KiB line: "BIG " 16384 x "END", in many writes
 *   SPLIT         "SPLIT-ONE-LINE", the halves sent 50 ms apart
 *   BURST N       N lines "LINE 1" .. "LINE N" at once
 *   COUNT ...     "COUNT n" where n is the byte length of the line
 *   NAME x        name this client x
 *   TO x text     send text to the client named x
 *   PENDING       "PENDING n": bytes queued for all clients together
 * Exits on SIGTERM, or after 120 s so it never outlives a broken test.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCLIENTS 32
#define INMAX 65536

struct fclient {
	int fd;
	char name[32];
	char in[INMAX];
	size_t inlen;
	char *out;
	size_t outlen, outcap;
	bool closing;  /* close once out is flushed */
	char *later;   /* second half of SPLIT */
	long later_at; /* when to send it, in now_ms() time */
};

static struct fclient *fcl[MAXCLIENTS];

/* Monotonic milliseconds. */
static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Append bytes to a client's output queue. */
static void
fake_queue(struct fclient *c, const char *s, size_t len)
{
	if (c->outlen + len > c->outcap) {
		c->outcap = (c->outlen + len) * 2;
		if ((c->out = realloc(c->out, c->outcap)) == NULL)
			abort();
	}
	memcpy(c->out + c->outlen, s, len);
	c->outlen += len;
}

/* Queue one line with CR LF. */
static void
fake_line(struct fclient *c, const char *s)
{
	fake_queue(c, s, strlen(s));
	fake_queue(c, "\r\n", 2);
}

/* Free a client slot. */
static void
fake_drop(int i)
{
	close(fcl[i]->fd);
	free(fcl[i]->out);
	free(fcl[i]->later);
	free(fcl[i]);
	fcl[i] = NULL;
}

/* Run one received line. */
static void
fake_command(int idx, char *l, size_t len)
{
	struct fclient *c = fcl[idx];
	char buf[128];
	struct linger lg = { 1, 0 };
	long i, n;

	if (strcmp(l, "QUIT") == 0 || strncmp(l, "QUIT ", 5) == 0) {
		fake_line(c, "BYE");
		c->closing = true;
	} else if (strcmp(l, "RST") == 0) {
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		fake_drop(idx);
	} else if (strcmp(l, "SILENT") == 0) {
		/* nothing */
	} else if (strcmp(l, "BIG") == 0) {
		fake_queue(c, "BIG ", 4);
		for (i = 0; i < 16384; i++)
			fake_queue(c, "x", 1);
		fake_line(c, "END");
	} else if (strcmp(l, "SPLIT") == 0) {
		fake_queue(c, "SPLIT-ONE", 9);
		c->later = strdup("-LINE\r\n");
		c->later_at = now_ms() + 50;
	} else if (strncmp(l, "BURST ", 6) == 0) {
		n = strtol(l + 6, NULL, 10);
		for (i = 1; i <= n && i <= 10000000; i++) {
			snprintf(buf, sizeof buf, "LINE %ld", i);
			fake_line(c, buf);
		}
	} else if (strncmp(l, "COUNT", 5) == 0) {
		snprintf(buf, sizeof buf, "COUNT %zu", len);
		fake_line(c, buf);
	} else if (strncmp(l, "NAME ", 5) == 0) {
		snprintf(c->name, sizeof c->name, "%s", l + 5);
	} else if (strncmp(l, "TO ", 3) == 0 && strchr(l + 3, ' ') != NULL) {
		*strchr(l + 3, ' ') = '\0';
		for (i = 0; i < MAXCLIENTS; i++) {
			if (fcl[i] != NULL && strcmp(fcl[i]->name, l + 3) == 0)
				fake_line(fcl[i], l + 4 + strlen(l + 3));
		}
	} else if (strcmp(l, "PENDING") == 0) {
		n = 0;
		for (i = 0; i < MAXCLIENTS; i++) {
			if (fcl[i] != NULL)
				n += (long)fcl[i]->outlen;
		}
		snprintf(buf, sizeof buf, "PENDING %ld", n);
		fake_line(c, buf);
	} else {
		fake_queue(c, l, len);
		fake_queue(c, "\r\n", 2);
	}
}

/* Read from a client and run the complete lines. */
static void
fake_read(int idx)
{
	struct fclient *c = fcl[idx];
	char *nl;
	size_t off = 0, len;
	ssize_t n;

	n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		fake_drop(idx);
		return;
	}
	c->inlen += (size_t)n;
	while (fcl[idx] != NULL && !c->closing &&
	    (nl = memchr(c->in + off, '\n', c->inlen - off)) != NULL) {
		len = (size_t)(nl - (c->in + off));
		if (len > 0 && c->in[off + len - 1] == '\r')
			len--;
		c->in[off + len] = '\0';
		fake_command(idx, c->in + off, len);
		off = (size_t)(nl - c->in) + 1;
	}
	if (fcl[idx] == NULL)
		return;
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
	if (c->inlen == sizeof c->in)
		c->inlen = 0;
}

/* Write what the socket takes from a client's queue. */
static void
fake_write(int idx)
{
	struct fclient *c = fcl[idx];
	ssize_t n;

	n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
	if (n > 0) {
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	} else if (n == -1 && errno != EAGAIN) {
		fake_drop(idx);
		return;
	}
	if (c->outlen == 0 && c->closing)
		fake_drop(idx);
}

int
main(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	struct pollfd pfd[MAXCLIENTS + 1];
	int lfd, fd, i, map[MAXCLIENTS + 1], n, one = 1;

	signal(SIGPIPE, SIG_IGN);
	alarm(120);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd == -1 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) != 0) {
		perror("fake-server");
		return 1;
	}
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);
	for (;;) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		n = 1;
		for (i = 0; i < MAXCLIENTS; i++) {
			if (fcl[i] == NULL)
				continue;
			pfd[n].fd = fcl[i]->fd;
			pfd[n].events = (fcl[i]->closing ? 0 : POLLIN) |
			    (fcl[i]->outlen > 0 ? POLLOUT : 0);
			map[n++] = i;
		}
		if (poll(pfd, (nfds_t)n, 10) == -1 && errno != EINTR)
			return 1;
		for (i = 1; i < n; i++) {
			if (fcl[map[i]] != NULL &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				fake_read(map[i]);
			if (fcl[map[i]] != NULL && (pfd[i].revents & POLLOUT))
				fake_write(map[i]);
		}
		for (i = 0; i < MAXCLIENTS; i++) {
			if (fcl[i] != NULL && fcl[i]->later != NULL &&
			    now_ms() >= fcl[i]->later_at) {
				fake_queue(fcl[i], fcl[i]->later,
				    strlen(fcl[i]->later));
				free(fcl[i]->later);
				fcl[i]->later = NULL;
			}
		}
		if (pfd[0].revents & POLLIN) {
			fd = accept4(
			    lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			for (i = 0; fd != -1 && i < MAXCLIENTS; i++) {
				if (fcl[i] != NULL)
					continue;
				if ((fcl[i] = calloc(1, sizeof *fcl[i])) ==
				    NULL)
					abort();
				fcl[i]->fd = fd;
				fake_line(fcl[i], "HELLO");
				break;
			}
			if (fd != -1 && i == MAXCLIENTS)
				close(fd);
		}
	}
}
