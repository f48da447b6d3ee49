/*
 * The connect scenario: N clients register with at most K handshakes in
 * flight, then stay idle; registrations per second and, with --pid, the
 * server's resident memory per client.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatbench.h"

/* Parse -n, -k, --pid and --hold. */
static int
connect_opts(struct cb_bench *b, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'P' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	unsigned long v;
	int ch;

	b->concurrency = 100;
	while ((ch = getopt_long(argc, argv, "n:k:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
		case 'k':
			v = strtoul(optarg, &end, 10);
			if (*end != '\0' || v == 0 || v > 1000000) {
				fprintf(stderr, "chatbench: bad -%c: %s\n", ch,
				    optarg);
				return -1;
			}
			if (ch == 'n')
				b->clients = (uint32_t)v;
			else
				b->concurrency = (uint32_t)v;
			break;
		case 'P':
			b->pid = strtol(optarg, &end, 10);
			if (*end != '\0' || b->pid <= 0) {
				fprintf(stderr, "chatbench: bad --pid\n");
				return -1;
			}
			break;
		case 'H':
			b->hold = strtod(optarg, &end);
			if (*end != '\0' || b->hold < 0 || b->hold > 3600) {
				fprintf(stderr, "chatbench: bad --hold\n");
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || b->clients == 0) {
		fprintf(stderr, "chatbench: connect needs -n N\n");
		return -1;
	}
	return 0;
}

/* VmRSS of a process in KiB, or -1. */
static long
connect_rss(long pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kib = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

/* Allocate the clients and take the "before" memory reading. */
static void
connect_setup(struct cb_bench *b)
{
	uint32_t i;

	b->client = calloc(b->clients, sizeof *b->client);
	if (b->client == NULL)
		cb_fatal("out of memory");
	for (i = 0; i < b->clients; i++)
		client_init(&b->client[i], i, CB_OUTBUF_IDLE);
	if (b->pid > 0 && (b->rss_before = connect_rss(b->pid)) < 0)
		cb_fatal("cannot read /proc/%ld/status", b->pid);
}

/* All registered: take the "after" reading once, in one worker. */
static void
connect_start(struct cb_worker *w)
{
	if (w->idx == 0 && cb.pid > 0)
		cb.rss_after = connect_rss(cb.pid);
}

/* Idle for --hold seconds, answering PINGs, then done. */
static bool
connect_done(struct cb_worker *w)
{
	(void)w;
	if (cb_now() < cb.t_go + (uint64_t)(cb.hold * 1e9))
		return false;
	if (w->idx == 0 && cb.pid > 0 && cb.hold > 0)
		cb.rss_after = connect_rss(cb.pid);
	return true;
}

/* Print the summary and RESULT line; 1 if any client failed. */
static int
connect_report(struct cb_bench *b)
{
	static struct cb_hist hs;
	uint64_t t1 = 0;
	uint32_t i, ok = 0, failed = 0;
	bool timeout = false;
	double secs, rate, cpu, perclient = 0;

	for (i = 0; i < b->jobs; i++) {
		cb_hist_merge(&hs, &b->worker[i].hlat);
		ok += b->worker[i].ready;
		timeout |= b->worker[i].failed;
		if (b->worker[i].t_last_ready > t1)
			t1 = b->worker[i].t_last_ready;
	}
	for (i = 0; i < b->clients; i++)
		if (b->client[i].state == CB_DEAD)
			failed++;
	secs = t1 > b->t_start ? (double)(t1 - b->t_start) / 1e9 : 0;
	rate = secs > 0 ? ok / secs : 0;
	if (timeout)
		printf("chatbench: connect did not finish within %.0f s: "
		       "%u/%u registered, %u failed, %u never finished\n",
		    b->max_seconds, ok, b->clients, failed,
		    b->clients - ok - failed);
	printf("connect: %u clients, %u handshakes in flight\n"
	       "  %u registered in %.3f s (%.0f/s), %u failed, "
	       "433 retries %llu\n"
	       "  handshake p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	    b->clients, b->concurrency, ok, secs, rate, failed,
	    (unsigned long long)atomic_load(&b->nick_retries),
	    cb_hist_pct_ms(&hs, 0.5), cb_hist_pct_ms(&hs, 0.99),
	    cb_hist_pct_ms(&hs, 1));
	if (b->pid > 0 && b->rss_after > 0 && ok > 0) {
		perclient = (double)(b->rss_after - b->rss_before) / ok;
		printf("  server VmRSS %ld KiB before, %ld KiB after: "
		       "%.2f KiB per client\n",
		    b->rss_before, b->rss_after, perclient);
	}
	cpu = cb_cpu_pct(b->cpu_start, b->cpu_go, b->t_start, b->t_go);
	if (cpu >= 0)
		printf(
		    "  server CPU %.0f%% of one core while connecting\n", cpu);
	cb_result("clients=%u concurrency=%u seconds=%.3f registered=%u "
	          "failed=%u registrations_per_s=%.0f hs_p50_ms=%.3f "
	          "hs_p99_ms=%.3f rss_before_kib=%ld rss_after_kib=%ld "
	          "kib_per_client=%.2f timeout=%d server_cpu_pct=%.0f",
	    b->clients, b->concurrency, secs, ok, failed, rate,
	    cb_hist_pct_ms(&hs, 0.5), cb_hist_pct_ms(&hs, 0.99), b->rss_before,
	    b->rss_after, perclient, timeout ? 1 : 0, cpu);
	return (failed || timeout) ? 1 : 0;
}

const struct cb_scenario scenario_connect = {
	.name = "connect",
	.usage = "connect -n N [-k CONCURRENCY] [--pid SERVERPID] "
	         "[--hold SECONDS]",
	.opts = connect_opts,
	.ready_at_motd = true,
	.setup = connect_setup,
	.start = connect_start,
	.done = connect_done,
	.report = connect_report,
};
