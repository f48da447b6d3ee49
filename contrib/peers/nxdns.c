/*
 * nxdns -- answer every DNS query on a loopback address with NXDOMAIN at
 * once, so that ircd-hybrid's reverse lookup on connect costs a round
 * trip on loopback instead of a query leaving the machine or a timeout.
 *
 *   nxdns 127.x.y.z WATCHPID
 *
 * Listens on UDP port 53 of the given loopback address and exits when
 * WATCHPID is gone or a zombie (checked every 200 ms), so it never outlives its
 * ircd.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Turn a query into an NXDOMAIN answer in place; its length or -1. */
static ssize_t
nxdns_answer(unsigned char *p, ssize_t n)
{
	ssize_t off = 12;

	if (n < 12 || (p[2] & 0x80) != 0)
		return -1;
	/* Keep only the first question: walk its labels and type/class. */
	while (off < n && p[off] != 0) {
		if ((p[off] & 0xc0) != 0)
			return -1;
		off += p[off] + 1;
	}
	off += 5;
	if (off > n)
		return -1;
	p[2] = 0x80 | (p[2] & 0x79); /* QR, keep opcode and RD */
	p[3] = 0x83;                 /* RA, NXDOMAIN */
	p[4] = 0;
	p[5] = 1;
	memset(p + 6, 0, 6);
	return off;
}

/* Whether a process still runs: a zombie counts as gone. */
static int
nxdns_alive(long pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The state follows the parenthesised command name. */
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, from;
	struct pollfd pfd;
	unsigned char buf[512];
	socklen_t flen;
	ssize_t n;
	long pid;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: nxdns 127.x.y.z WATCHPID\n");
		return 2;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (ntohl(sin.sin_addr.s_addr) >> 24) != 127) {
		fprintf(
		    stderr, "nxdns: %s is not a loopback address\n", argv[1]);
		return 2;
	}
	pid = strtol(argv[2], NULL, 10);
	if (pid <= 0)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		fprintf(stderr, "nxdns: bind %s:53: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (nxdns_alive(pid)) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		flen = sizeof from;
		n = recvfrom(
		    fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
		if ((n = nxdns_answer(buf, n)) > 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
			    flen);
	}
	return 0;
}
