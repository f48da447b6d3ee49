/*
 * store-load: write load for the durability test. Registers accounts and
 * sends offline messages to them, one after another, and prints each item
 * chatd acknowledged as soon as the acknowledgement arrives:
 *
 *	A <account>		REGISTER SUCCESS received
 *	M <account> <text>	"stored" NOTICE received for that message
 *	F <command> <account>	FAIL received instead (nothing promised)
 *
 * It stops at EOF (chatd was killed), after -n accounts, or after -T
 * seconds, whichever comes first.
 *
 * usage: store-load -p port -t tag [-n accounts] [-m messages] [-T secs]
 */

#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int load_fd = -1;
static char load_buf[65536];
static size_t load_len;
static time_t load_deadline;

/* Send a line; false if the connection is gone. */
static int
load_send(const char *line)
{
	char buf[1024];
	size_t len;
	ssize_t n;
	size_t off = 0;

	len = (size_t)snprintf(buf, sizeof buf, "%s\r\n", line);
	while (off < len) {
		n = write(load_fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		off += (size_t)n;
	}
	return 1;
}

/* Read the next line into out; false at EOF, error or the deadline. */
static int
load_line(char *out, size_t size)
{
	char *nl;
	size_t n;
	ssize_t r;

	for (;;) {
		if ((nl = memchr(load_buf, '\n', load_len)) != NULL) {
			n = (size_t)(nl - load_buf);
			if (n > 0 && load_buf[n - 1] == '\r')
				load_buf[n - 1] = '\0';
			load_buf[n] = '\0';
			if (n >= size)
				n = size - 1;
			memcpy(out, load_buf, n + 1);
			out[n] = '\0';
			memmove(load_buf, nl + 1, load_len - n - 1);
			load_len -= n + 1;
			return 1;
		}
		if (load_len == sizeof load_buf || time(NULL) > load_deadline)
			return 0;
		r = read(
		    load_fd, load_buf + load_len, sizeof load_buf - load_len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return 0;
		load_len += (size_t)r;
	}
}

/* Wait for a line containing one of two strings: 1, 2, or 0 at EOF. */
static int
load_wait(const char *a, const char *b)
{
	char line[1024];

	while (load_line(line, sizeof line)) {
		if (strncmp(line, "PING ", 5) == 0) {
			line[1] = 'O';
			if (!load_send(line))
				return 0;
			continue;
		}
		if (strstr(line, a) != NULL)
			return 1;
		if (b != NULL && strstr(line, b) != NULL)
			return 2;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct timeval tv = { 1, 0 };
	const char *tag = "x";
	char line[512], acct[64], text[128];
	int port = 0, naccounts = 50, nmsgs = 3, secs = 30, ch, i, k;

	while ((ch = getopt(argc, argv, "p:t:n:m:T:")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		case 'n':
			naccounts = atoi(optarg);
			break;
		case 'm':
			nmsgs = atoi(optarg);
			break;
		case 'T':
			secs = atoi(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: store-load -p port -t tag "
			    "[-n accounts] [-m messages] "
			    "[-T secs]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535)
		return 2;
	load_deadline = time(NULL) + secs;
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((load_fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(load_fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		perror("connect");
		return 1;
	}
	setsockopt(load_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	snprintf(line, sizeof line, "NICK ld_%s", tag);
	load_send(line);
	load_send("USER ld 0 * :load");
	if (load_wait(" 001 ", NULL) != 1)
		return 0;
	for (i = 0; i < naccounts; i++) {
		snprintf(acct, sizeof acct, "a_%s_%d", tag, i);
		snprintf(line, sizeof line, "REGISTER %s * pw-%s-secret", acct,
		    acct);
		if (!load_send(line))
			return 0;
		switch (load_wait("REGISTER SUCCESS", "FAIL REGISTER")) {
		case 0:
			return 0;
		case 1:
			printf("A %s\n", acct);
			break;
		default:
			printf("F REGISTER %s\n", acct);
			continue;
		}
		if (!load_send("LOGOUT") || load_wait(" 901 ", NULL) != 1)
			return 0;
		for (k = 0; k < nmsgs; k++) {
			snprintf(line, sizeof line, "PRIVMSG %s :m-%s-%d", acct,
			    acct, k);
			if (!load_send(line))
				return 0;
		}
		for (k = 0; k < nmsgs; k++) {
			snprintf(text, sizeof text, "m-%s-%d", acct, k);
			switch (load_wait(
			    "your message is stored", "FAIL PRIVMSG")) {
			case 0:
				return 0;
			case 1:
				printf("M %s %s\n", acct, text);
				break;
			default:
				printf("F PRIVMSG %s\n", acct);
				break;
			}
		}
	}
	load_send("QUIT");
	return 0;
}
