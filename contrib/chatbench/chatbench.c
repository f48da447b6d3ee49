/*
 * chatbench -- load generator for IRC servers on loopback.
 *
 * main(): global options, the loopback check, the scenario table, the
 * worker threads, and the helpers every scenario shares (clock,
 * histograms, the RESULT line).
 */
#include <sys/resource.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chatbench.h"

struct cb_bench cb;

static const struct cb_scenario *const cb_scenarios[] = {
	&scenario_fanout,
	&scenario_direct,
	&scenario_connect,
	&scenario_register,
	&scenario_file,
};

/* Print the usage text. */
static void
cb_usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: chatbench [-h HOST] -p PORT [-t SECONDS] [-j THREADS]\n"
	    "                 [--server NAME] [--pid SERVERPID] SCENARIO [options]\n"
	    "  -h HOST    loopback address only (127.0.0.0/8, ::1, localhost)"
	    "; default 127.0.0.1\n"
	    "  -t SECONDS bound on the whole run, default 60\n"
	    "  -j THREADS worker threads, default 1\n"
	    "  --server   name for the RESULT line (default: 004 version)\n"
	    "  --pid      server process: its CPU use (and memory in connect)\n"
	    "scenarios:\n");
	for (i = 0; i < sizeof cb_scenarios / sizeof cb_scenarios[0]; i++)
		fprintf(f, "  %s\n", cb_scenarios[i]->usage);
	fprintf(f,
	    "exit status: 0 success, 1 loss/duplicates/timeout/errors, "
	    "2 usage\n");
}

/* Monotonic time in nanoseconds. */
uint64_t
cb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Bucket index of a latency in microseconds. */
static size_t
cb_hist_bucket(uint64_t us)
{
	int msb;

	if (us < CB_HIST_LINEAR)
		return us;
	msb = 63 - __builtin_clzll(us);
	if (msb > 11 + 39)
		return CB_HIST_BUCKETS - 1;
	return CB_HIST_LINEAR + (size_t)(msb - 11) * 1024 +
	    ((us >> (msb - 10)) - 1024);
}

/* Lower bound in microseconds of a bucket. */
static uint64_t
cb_hist_value(size_t b)
{
	size_t msb, mant;

	if (b < CB_HIST_LINEAR)
		return b;
	msb = 11 + (b - CB_HIST_LINEAR) / 1024;
	mant = 1024 + (b - CB_HIST_LINEAR) % 1024;
	return (uint64_t)mant << (msb - 10);
}

/* Record one latency in nanoseconds. */
void
cb_hist_add(struct cb_hist *h, uint64_t ns)
{
	h->bucket[cb_hist_bucket(ns / 1000)]++;
	h->count++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* Add one histogram into another. */
void
cb_hist_merge(struct cb_hist *to, const struct cb_hist *from)
{
	size_t i;

	for (i = 0; i < CB_HIST_BUCKETS; i++)
		to->bucket[i] += from->bucket[i];
	to->count += from->count;
	if (from->max_ns > to->max_ns)
		to->max_ns = from->max_ns;
}

/* The p-th quantile (0..1) in milliseconds; p >= 1 gives the maximum. */
double
cb_hist_pct_ms(const struct cb_hist *h, double p)
{
	uint64_t want, sum = 0;
	size_t i;

	if (h->count == 0)
		return 0;
	if (p >= 1)
		return (double)h->max_ns / 1e6;
	want = (uint64_t)(p * (double)h->count);
	if (want < 1)
		want = 1;
	for (i = 0; i < CB_HIST_BUCKETS; i++) {
		sum += h->bucket[i];
		if (sum >= want)
			return (double)cb_hist_value(i) / 1e3;
	}
	return (double)h->max_ns / 1e6;
}

/* Print an error and exit with status 2 (setup failures). */
void
cb_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("chatbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Print the machine-readable line, prefixed with scenario and server. */
void
cb_result(const char *fmt, ...)
{
	va_list ap;
	const char *server;
	char *p;
	char name[64];

	server = cb.server_name;
	if (server == NULL)
		server = cb.server_version[0] ? cb.server_version : "unknown";
	snprintf(name, sizeof name, "%s", server);
	for (p = name; *p != '\0'; p++)
		if (*p == ' ' || *p == '=')
			*p = '_';
	printf("RESULT scenario=%s server=%s ", cb.sc->name, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* CPU time (user + system) of the --pid server in ticks, or -1. */
long
cb_server_cpu(void)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	if (cb.pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/stat", cb.pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15 follow the parenthesised command name. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	        &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* CPU time of this process (all threads) in nanoseconds. */
uint64_t
cb_self_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Server CPU use in percent of one core between two readings. */
double
cb_cpu_pct(long c0, long c1, uint64_t t0, uint64_t t1)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (c0 < 0 || c1 < 0 || t1 <= t0 || hz <= 0)
		return -1;
	return (double)(c1 - c0) / (double)hz * 1e11 / (double)(t1 - t0);
}

/* Accept only loopback targets; fill cb.host and cb.family. */
static int
cb_set_host(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &a4) == 1) {
		if ((ntohl(a4.s_addr) >> 24) != 127)
			return -1;
		cb.family = AF_INET;
	} else if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&a6))
			return -1;
		cb.family = AF_INET6;
	} else
		return -1;
	snprintf(cb.host, sizeof cb.host, "%s", host);
	return 0;
}

/* Raise RLIMIT_NOFILE as far as allowed; fail if need is above it. */
static void
cb_raise_nofile(uint64_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		cb_fatal("getrlimit: %s", strerror(errno));
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		cb_fatal("setrlimit: %s", strerror(errno));
	if (rl.rlim_cur != RLIM_INFINITY && need + 16 > rl.rlim_cur)
		cb_fatal("%llu connections need %llu descriptors but "
		         "RLIMIT_NOFILE is %llu (raise the hard limit, e.g. "
		         "ulimit -Hn)",
		    (unsigned long long)need, (unsigned long long)need + 16,
		    (unsigned long long)rl.rlim_cur);
}

/* Thread entry: run one worker. */
static void *
cb_thread(void *arg)
{
	worker_run(arg);
	return NULL;
}

/* Split clients over the workers and run them to the end. */
static void
cb_run_workers(void)
{
	uint32_t per, extra, first = 0;
	unsigned i;
	int err;

	cb.worker = calloc(cb.jobs, sizeof *cb.worker);
	if (cb.worker == NULL)
		cb_fatal("out of memory");
	per = cb.clients / cb.jobs;
	extra = cb.clients % cb.jobs;
	for (i = 0; i < cb.jobs; i++) {
		cb.worker[i].idx = (int)i;
		cb.worker[i].first = first;
		cb.worker[i].count = per + (i < extra ? 1 : 0);
		first += cb.worker[i].count;
	}
	/* Scenario setup may depend on worker ranges (ack receivers). */
	cb.sc->setup(&cb);
	for (i = 1; i < cb.jobs; i++) {
		err = pthread_create(
		    &cb.worker[i].thread, NULL, cb_thread, &cb.worker[i]);
		if (err != 0)
			cb_fatal("pthread_create: %s", strerror(err));
	}
	worker_run(&cb.worker[0]);
	for (i = 1; i < cb.jobs; i++)
		pthread_join(cb.worker[i].thread, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ "server", required_argument, NULL, 'N' },
		{ "pid", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = "127.0.0.1";
	char *end;
	size_t i;
	long port = 0;
	int ch;

	pthread_mutex_init(&cb.lock, NULL);
	cb.max_seconds = 60;
	cb.jobs = 1;
	cb.channel = "#chatbench";
	while (
	    (ch = getopt_long(argc, argv, "+h:p:t:j:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			host = optarg;
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535)
				cb_fatal("bad port: %s", optarg);
			break;
		case 't':
			cb.max_seconds = strtod(optarg, &end);
			if (*end != '\0' || cb.max_seconds <= 0 ||
			    cb.max_seconds > 86400)
				cb_fatal("bad -t: %s", optarg);
			break;
		case 'j':
			cb.jobs = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || cb.jobs < 1 || cb.jobs > 64)
				cb_fatal("bad -j: %s", optarg);
			break;
		case 'N':
			cb.server_name = optarg;
			break;
		case 'P':
			cb.pid = strtol(optarg, &end, 10);
			if (*end != '\0' || cb.pid <= 0)
				cb_fatal("bad --pid: %s", optarg);
			break;
		case 'H':
			cb_usage(stdout);
			return 0;
		default:
			cb_usage(stderr);
			return 2;
		}
	}
	if (cb_set_host(host) != 0) {
		fprintf(stderr,
		    "chatbench: refusing host %s: only loopback addresses "
		    "(127.0.0.0/8, ::1, localhost) may be targeted\n",
		    host);
		return 2;
	}
	if (optind >= argc) {
		cb_usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof cb_scenarios / sizeof cb_scenarios[0]; i++)
		if (strcmp(argv[optind], cb_scenarios[i]->name) == 0)
			cb.sc = cb_scenarios[i];
	if (cb.sc == NULL) {
		fprintf(
		    stderr, "chatbench: unknown scenario %s\n", argv[optind]);
		cb_usage(stderr);
		return 2;
	}
	if (cb.sc->opts == NULL)
		cb_fatal("scenario %s is not implemented yet", cb.sc->name);
	if (port == 0) {
		fprintf(stderr, "chatbench: -p PORT is required\n");
		cb_usage(stderr);
		return 2;
	}
	cb.port = (unsigned short)port;
	argc -= optind;
	argv += optind;
	optind = 1;
	if (cb.sc->opts(&cb, argc, argv) != 0) {
		cb_usage(stderr);
		return 2;
	}
	if (cb.jobs > cb.clients)
		cb.jobs = cb.clients;
	cb_raise_nofile(cb.clients);

	cb.cpu_start = cb_server_cpu();
	cb.t_start = cb_now();
	cb.deadline = cb.t_start + (uint64_t)(cb.max_seconds * 1e9);
	cb_run_workers();
	cb.cpu_end = cb_server_cpu();
	cb.self_end = cb_self_cpu();
	cb.t_end = cb_now();
	return cb.sc->report(&cb);
}
