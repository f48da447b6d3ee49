/* chatd: start-up, signals and the event loop. */

#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "chatd.h"
#include "store.h"

static struct event *sig_term, *sig_int, *sig_hup;
static struct config_strs opt_listen = TAILQ_HEAD_INITIALIZER(opt_listen);
static char *opt_data_dir;
static int opt_level = -1;

/* Print usage and exit. */
static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: chatd [-dtv] [-f chatd.conf] [--listen ADDR:PORT]... "
	    "[--data-dir DIR]\n"
	    "  -f, --config FILE    configuration file (default %s)\n"
	    "  -l, --listen SPEC    listen on ADDR:PORT, [ADDR6]:PORT or "
	    "PORT (repeatable)\n"
	    "  -D, --data-dir DIR   where the database and files live\n"
	    "      --migrate-to URL copy the data directory's SQLite data\n"
	    "                       into an empty PostgreSQL database\n"
	    "  -d, --debug          log debug messages\n"
	    "  -t, --test           check the configuration and exit\n"
	    "      --hash-password  read a password on standard input and "
	    "print\n"
	    "                       its Argon2id hash for an oper line\n"
	    "  -v, --version        print the version\n",
	    SYSCONFDIR "/chatd.conf");
	exit(status);
}

/* mkdir -p with mode 0700 for the last component. */
static int
make_dirs(const char *path)
{
	char buf[4096], *p;

	if (strlen(path) >= sizeof buf)
		return -1;
	strlcpy(buf, path, sizeof buf);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Load the configuration and apply the command line on top. */
static struct config *
load_config(const char *path, bool must_exist, char **cause)
{
	struct config *c = config_new();
	struct config_str *s;

	if (path != NULL && (must_exist || access(path, F_OK) == 0)) {
		if (config_load(c, path, cause) != 0) {
			config_free(c);
			return NULL;
		}
	} else if (path != NULL)
		replace_str(&c->path, path);
	if (!TAILQ_EMPTY(&opt_listen)) {
		while ((s = TAILQ_FIRST(&c->listen)) != NULL) {
			TAILQ_REMOVE(&c->listen, s, entry);
			free(s->value);
			free(s);
		}
		TAILQ_FOREACH(s, &opt_listen, entry)
			config_add_str(&c->listen, s->value);
	}
	if (TAILQ_EMPTY(&c->listen))
		config_add_str(&c->listen, "127.0.0.1:6667");
	if (opt_data_dir != NULL)
		replace_str(&c->data_dir, opt_data_dir);
	if (c->data_dir == NULL)
		replace_str(&c->data_dir, config_default_data_dir());
	if (c->file_dir == NULL)
		xasprintf(&c->file_dir, "%s/files", c->data_dir);
	if (c->node_name == NULL)
		replace_str(&c->node_name, c->server_name);
	if (opt_level >= 0)
		c->log_level = opt_level;
	return c;
}

/* Reload the configuration (SIGHUP, REHASH); listeners stay as they are. */
int
chatd_rehash(char **cause)
{
	struct config *n;
	char *caps;

	if ((n = load_config(cfg->path, true, cause)) == NULL) {
		log_warn(
		    "reload failed, keeping the old configuration: %s", *cause);
		return -1;
	}
	replace_str(&n->data_dir, cfg->data_dir);
	/* The store stays where it was opened. */
	replace_str(&n->database, cfg->database);
	/* So do the cluster, the node's name in it and the file store. */
	replace_str(&n->cluster, cfg->cluster);
	replace_str(&n->node_name, cfg->node_name);
	replace_str(&n->file_dir, cfg->file_dir);
	/* The cluster checked the network name when the node joined. */
	if (cfg->cluster != NULL)
		replace_str(&n->network_name, cfg->network_name);
	caps = cap_values();
	config_free(cfg);
	cfg = n;
	log_set_level(cfg->log_level);
	conn_retrust();
	log_info("configuration reloaded from %s", cfg->path);
	cap_notify_changes(caps);
	free(caps);
	return 0;
}

/* Close every client and leave the loop. */
void
chatd_die(const char *reason)
{
	log_info("shutting down: %s", reason);
	listen_free_all();
	conn_shutdown(reason);
	event_base_loopbreak(ev_base);
}

/* Signal handler (run by the event loop). */
static void
on_signal(evutil_socket_t sig, short events UNUSED, void *arg UNUSED)
{
	char *cause = NULL;

	switch (sig) {
	case SIGHUP:
		if (chatd_rehash(&cause) != 0)
			free(cause);
		break;
	default:
		chatd_die(sig == SIGTERM ? "Server terminating"
		                         : "Server interrupted");
		break;
	}
}

/* Entry point. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "listen", required_argument, NULL, 'l' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "debug", no_argument, NULL, 'd' },
		{ "test", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "hash-password", no_argument, NULL, 'H' },
		{ "migrate-to", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = SYSCONFDIR "/chatd.conf";
	bool path_given = false, test_only = false;
	const char *migrate_to = NULL;
	struct config_str *s;
	char *cause = NULL;
	int ch, status = 0;

	while ((ch = getopt_long(argc, argv, "f:l:D:dtvh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			path_given = true;
			break;
		case 'l':
			config_add_str(&opt_listen, optarg);
			break;
		case 'D':
			opt_data_dir = optarg;
			break;
		case 'd':
			opt_level = LOG_DEBUG;
			break;
		case 't':
			test_only = true;
			break;
		case 'v':
			printf("%s\n", CHATD_VERSION);
			return 0;
		case 'h':
			usage(0);
		case 'H':
			return passwd_main();
		case 'M':
			migrate_to = optarg;
			break;
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	log_open(opt_level >= 0 ? opt_level : LOG_INFO);
	if ((cfg = load_config(path, path_given, &cause)) == NULL)
		fatalx("%s", cause);
	log_set_level(cfg->log_level);
	if (test_only) {
		/* A warning at run time is a mistake in the file: -t fails. */
		config_free(cfg);
		if (log_warnings() > 0) {
			fprintf(stderr, "configuration has %u warning%s\n",
			    log_warnings(), log_warnings() == 1 ? "" : "s");
			return 1;
		}
		printf("configuration OK\n");
		return 0;
	}
	if (make_dirs(cfg->data_dir) != 0)
		fatal("data directory %s", cfg->data_dir);
	if (make_dirs(cfg->file_dir) != 0)
		fatal("file directory %s", cfg->file_dir);
	if (migrate_to != NULL) {
		if (store_migrate_to(cfg->data_dir, migrate_to, &cause) != 0)
			fatalx("migrate: %s", cause);
		config_free(cfg);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	start_time = time(NULL);
	if ((ev_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if (cluster_check_config(&cause) != 0)
		fatalx("%s", cause);
	conn_init();
	file_init();
	if (store_open_url(
	        cfg->database, cfg->data_dir, cfg->store_max_size, &cause) != 0)
		fatalx("store: %s", cause);
	workq_init();
	if (account_init(&cause) != 0 || chanreg_init(&cause) != 0 ||
	    ttt_stats_init(&cause) != 0 || readmarker_init(&cause) != 0 ||
	    metadata_init(&cause) != 0 || file_load(&cause) != 0)
		fatalx("store: %s", cause);
	history_init();
	TAILQ_FOREACH(s, &cfg->listen, entry) {
		if (listen_add(s->value, &cause) != 0)
			fatalx("%s", cause);
	}
	TAILQ_FOREACH(s, &cfg->listen_tls, entry) {
		if (listen_add_tls(s->value, &cause) != 0)
			fatalx("%s", cause);
	}
	TAILQ_FOREACH(s, &cfg->listen_ws, entry) {
		if (listen_add_ws(s->value, false, &cause) != 0)
			fatalx("%s", cause);
	}
	TAILQ_FOREACH(s, &cfg->listen_wss, entry) {
		if (listen_add_ws(s->value, true, &cause) != 0)
			fatalx("%s", cause);
	}
	/* Last: a node registered in the cluster is serving. */
	if (cluster_init(&cause) != 0)
		fatalx("%s", cause);
	sig_term = evsignal_new(ev_base, SIGTERM, on_signal, NULL);
	sig_int = evsignal_new(ev_base, SIGINT, on_signal, NULL);
	sig_hup = evsignal_new(ev_base, SIGHUP, on_signal, NULL);
	evsignal_add(sig_term, NULL);
	evsignal_add(sig_int, NULL);
	evsignal_add(sig_hup, NULL);
	log_info("%s started (data in %s)", CHATD_VERSION, cfg->data_dir);

	if (event_base_dispatch(ev_base) < 0)
		status = 1;
	/*
	 * One more pass for callbacks made active during shutdown: a TLS
	 * bufferevent freed then is only released (with its SSL) by them.
	 */
	event_base_loop(ev_base, EVLOOP_NONBLOCK);
	/* Before the channels go: the users of other nodes are in them. */
	cluster_free();

	workq_free();
	/* Before file_free: the store's last callbacks may hold transfers. */
	store_close();
	file_free();
	history_free();
	account_free_all();
	channel_free_all();
	presence_free_all();
	whowas_free_all();
	ttt_free_all();
	readmarker_free_all();
	metadata_free_all();
	conn_free();
	event_free(sig_term);
	event_free(sig_int);
	event_free(sig_hup);
	/*
	 * Shutting down already: a second SIGTERM (a supervisor, or DIE
	 * followed by a stop) must not turn a clean exit into a kill.
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	event_base_free(ev_base);
	libevent_global_shutdown();
	config_free(cfg);
	while ((s = TAILQ_FIRST(&opt_listen)) != NULL) {
		TAILQ_REMOVE(&opt_listen, s, entry);
		free(s->value);
		free(s);
	}
	log_info("stopped");
	return status;
}
