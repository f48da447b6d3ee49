/*
 * chatd.conf: one "key value" per line, '#' starts a comment. Keys are
 * described by a table; see chatd.conf(5).
 */

#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatd.h"

enum config_type {
	CONFIG_STR,
	CONFIG_UINT,
	CONFIG_SIZE,
	CONFIG_LIST,
	CONFIG_LEVEL
};

struct config_key {
	const char *name;
	enum config_type type;
	size_t offset;
	unsigned long long min;
	unsigned long long max;
};

#define OFF(f) offsetof(struct config, f)
static const struct config_key config_keys[] = {
	{ "admin-email", CONFIG_STR, OFF(admin_email), 0, 0 },
	{ "admin-location", CONFIG_STR, OFF(admin_location), 0, 0 },
	{ "admin-name", CONFIG_STR, OFF(admin_name), 0, 0 },
	{ "cluster", CONFIG_STR, OFF(cluster), 0, 0 },
	{ "data-dir", CONFIG_STR, OFF(data_dir), 0, 0 },
	{ "database", CONFIG_STR, OFF(database), 0, 0 },
	{ "file-dir", CONFIG_STR, OFF(file_dir), 0, 0 },
	{ "file-keep", CONFIG_UINT, OFF(file_keep), 1, 365 * 86400 },
	{ "file-max-size", CONFIG_SIZE, OFF(file_max_size), 0, 1ULL << 40 },
	{ "file-quota", CONFIG_SIZE, OFF(file_quota), 0, 1ULL << 42 },
	{ "file-upload-timeout", CONFIG_UINT, OFF(file_upload_timeout), 1,
	    86400 },
	{ "flood-burst", CONFIG_UINT, OFF(flood_burst), 1, 100000 },
	{ "flood-rate", CONFIG_UINT, OFF(flood_rate), 1, 100000 },
	{ "history-days", CONFIG_UINT, OFF(history_days), 0, 36500 },
	{ "listen", CONFIG_LIST, OFF(listen), 0, 0 },
	{ "listen-tls", CONFIG_LIST, OFF(listen_tls), 0, 0 },
	{ "listen-ws", CONFIG_LIST, OFF(listen_ws), 0, 0 },
	{ "listen-wss", CONFIG_LIST, OFF(listen_wss), 0, 0 },
	{ "log-level", CONFIG_LEVEL, OFF(log_level), 0, 0 },
	{ "max-channels", CONFIG_UINT, OFF(max_channels), 1, 10000 },
	{ "max-clients", CONFIG_UINT, OFF(max_clients), 1, 10000000 },
	{ "max-conn-rate", CONFIG_UINT, OFF(max_conn_rate), 1, 1000000 },
	{ "max-monitor", CONFIG_UINT, OFF(max_monitor), 0, 100000 },
	{ "max-offline", CONFIG_UINT, OFF(max_offline), 0, 1000000 },
	{ "max-per-ip", CONFIG_UINT, OFF(max_per_ip), 1, 10000000 },
	{ "motd-file", CONFIG_STR, OFF(motd_file), 0, 0 },
	{ "network-name", CONFIG_STR, OFF(network_name), 0, 0 },
	{ "nick-grace", CONFIG_UINT, OFF(nick_grace), 0, 86400 },
	{ "node-name", CONFIG_STR, OFF(node_name), 0, 0 },
	{ "oper", CONFIG_LIST, OFF(opers), 0, 0 },
	{ "password", CONFIG_STR, OFF(password), 0, 0 },
	{ "password-min-length", CONFIG_UINT, OFF(password_min_length), 1,
	    128 },
	{ "ping-interval", CONFIG_UINT, OFF(ping_interval), 1, 86400 },
	{ "ping-timeout", CONFIG_UINT, OFF(ping_timeout), 1, 86400 },
	{ "plaintext-passwords", CONFIG_STR, OFF(plaintext_passwords), 0, 0 },
	{ "recvq", CONFIG_SIZE, OFF(recvq), 1024, 1ULL << 30 },
	{ "registration-timeout", CONFIG_UINT, OFF(reg_timeout), 1, 3600 },
	{ "sendq", CONFIG_SIZE, OFF(sendq), 4096, 1ULL << 32 },
	{ "server-name", CONFIG_STR, OFF(server_name), 0, 0 },
	{ "store-max-size", CONFIG_SIZE, OFF(store_max_size), 0, 1ULL << 50 },
	{ "tls-cert", CONFIG_STR, OFF(tls_cert), 0, 0 },
	{ "tls-key", CONFIG_STR, OFF(tls_key), 0, 0 },
	{ "trusted-host", CONFIG_LIST, OFF(trusted), 0, 0 },
	{ "ttt-grace", CONFIG_UINT, OFF(ttt_grace), 0, 86400 },
	{ "ttt-invite-timeout", CONFIG_UINT, OFF(ttt_invite_timeout), 1,
	    86400 },
	{ "ttt-max-games", CONFIG_UINT, OFF(ttt_max_games), 1, 1000 },
	{ "ws-origin", CONFIG_LIST, OFF(ws_origins), 0, 0 },
};
#undef OFF

/* A configuration with the documented defaults. */
struct config *
config_new(void)
{
	struct config *c = xcalloc(1, sizeof *c);

	c->server_name = xstrdup("chatd.local");
	c->network_name = xstrdup("chatd");
	c->admin_name = xstrdup("chatd administrator");
	c->admin_email = xstrdup("root@localhost");
	c->admin_location = xstrdup("Somewhere");
	TAILQ_INIT(&c->listen);
	TAILQ_INIT(&c->trusted);
	TAILQ_INIT(&c->opers);
	TAILQ_INIT(&c->motd);
	TAILQ_INIT(&c->listen_tls);
	TAILQ_INIT(&c->listen_ws);
	TAILQ_INIT(&c->listen_wss);
	TAILQ_INIT(&c->ws_origins);
	c->nick_grace = 60;
	c->history_days = 30;
	c->max_offline = 200;
	c->store_max_size = 1ULL << 30; /* a flooder fills 1 GB in a minute */
	c->plaintext_passwords = xstrdup("loopback");
	c->password_min_length = 8;
	c->max_clients = 100000;
	c->max_per_ip = 10;
	c->max_conn_rate = 10;
	c->max_channels = 100;
	c->sendq = 1024 * 1024;
	c->recvq = 16 * 1024;
	c->ping_interval = 120;
	c->ping_timeout = 60;
	c->reg_timeout = 60;
	c->flood_burst = 20;
	c->flood_rate = 4;
	c->max_monitor = 100;
	c->file_max_size = 1ULL << 30;
	c->file_quota = 4ULL << 30;
	c->file_upload_timeout = 600;
	c->file_keep = 7 * 86400;
	c->log_level = LOG_INFO;
	c->ttt_invite_timeout = 300;
	c->ttt_grace = 60;
	c->ttt_max_games = 10;
	return c;
}

/* Free a list of strings. */
static void
config_free_strs(struct config_strs *l)
{
	struct config_str *s;

	while ((s = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, s, entry);
		free(s->value);
		free(s);
	}
}

/* Free a configuration. */
void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->server_name);
	free(c->network_name);
	free(c->data_dir);
	free(c->database);
	free(c->cluster);
	free(c->node_name);
	free(c->file_dir);
	free(c->motd_file);
	free(c->admin_name);
	free(c->admin_email);
	free(c->admin_location);
	config_free_strs(&c->listen);
	config_free_strs(&c->trusted);
	config_free_strs(&c->opers);
	config_free_strs(&c->motd);
	config_free_strs(&c->listen_tls);
	config_free_strs(&c->listen_ws);
	config_free_strs(&c->listen_wss);
	config_free_strs(&c->ws_origins);
	free(c->plaintext_passwords);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->password);
	free(c);
}

/* Append a string to a list. */
void
config_add_str(struct config_strs *l, const char *v)
{
	struct config_str *s = xcalloc(1, sizeof *s);

	s->value = xstrdup(v);
	TAILQ_INSERT_TAIL(l, s, entry);
}

/* Parse a number with an optional k/m/g suffix. */
static int
config_number(const char *v, unsigned long long *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	if (!isdigit((unsigned char)*v))
		return -1;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		n <<= 10;
		end++;
		break;
	case 'm':
		n <<= 20;
		end++;
		break;
	case 'g':
		n <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

/* Set one key; returns -1 with *cause on error. */
static int
config_set(struct config *c, const char *key, const char *value, char **cause)
{
	const struct config_key *k = NULL;
	unsigned long long n;
	size_t i;
	char *base = (char *)c;
	static const char *levels[] = { "error", "warning", "info", "debug" };

	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
		if (strcmp(config_keys[i].name, key) == 0) {
			k = &config_keys[i];
			break;
		}
	}
	if (k == NULL) {
		log_warn("%s: unknown key \"%s\" ignored", c->path, key);
		return 0;
	}
	switch (k->type) {
	case CONFIG_STR:
		replace_str((char **)(base + k->offset), value);
		return 0;
	case CONFIG_LIST:
		config_add_str((struct config_strs *)(base + k->offset), value);
		return 0;
	case CONFIG_LEVEL:
		for (i = 0; i < 4; i++) {
			if (strcmp(levels[i], value) == 0) {
				*(int *)(base + k->offset) = (int)i;
				return 0;
			}
		}
		xasprintf(cause, "%s: bad log level \"%s\"", key, value);
		return -1;
	case CONFIG_UINT:
	case CONFIG_SIZE:
		if (config_number(value, &n) != 0 || n < k->min || n > k->max) {
			xasprintf(cause,
			    "%s: \"%s\" is not a number in %llu..%llu", key,
			    value, k->min, k->max);
			return -1;
		}
		if (k->type == CONFIG_UINT)
			*(unsigned *)(base + k->offset) = (unsigned)n;
		else
			*(size_t *)(base + k->offset) = (size_t)n;
		return 0;
	}
	return 0;
}

/*
 * Read the MOTD once per (re)load, so that MOTD never touches the disk
 * from the event loop. At most 200 lines of 400 bytes; lines that are not
 * UTF-8 are skipped.
 */
static void
config_read_motd(struct config *c)
{
	FILE *f;
	char line[512];
	size_t n;
	int count = 0;

	if (c->motd_file == NULL)
		return;
	if ((f = fopen(c->motd_file, "r")) == NULL) {
		log_warn("motd-file %s: %s", c->motd_file, strerror(errno));
		c->motd_missing = true;
		return;
	}
	while (fgets(line, 400, f) != NULL && count++ < 200) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (chat_utf8_valid(line, n))
			config_add_str(&c->motd, line);
	}
	fclose(f);
}

/*
 * A private key others can read is a key others may have copied: say so
 * (at every load, so chatd -t fails on it). Group access is left alone,
 * as Debian's ssl-cert group is a deliberate choice.
 */
static void
config_check_key(struct config *c)
{
	struct stat sb;

	if (c->tls_key == NULL || stat(c->tls_key, &sb) != 0)
		return; /* listen.c reports a missing key when it loads it */
	if (sb.st_mode & (S_IROTH | S_IWOTH))
		log_warn("tls-key %s is readable by any user (mode %04o); "
		         "chmod o-rw it",
		    c->tls_key, (unsigned)(sb.st_mode & 07777));
}

/* Load a file into c; returns -1 with *cause (allocated) on error. */
int
config_load(struct config *c, const char *path, char **cause)
{
	FILE *f;
	char line[4096], *key, *value, *end;
	unsigned lineno = 0;
	char *why = NULL;
	struct config_str *s;
	const char *p;

	replace_str(&c->path, path);
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if ((end = strchr(line, '#')) != NULL)
			*end = '\0';
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		key = line;
		while (isspace((unsigned char)*key))
			key++;
		if (*key == '\0')
			continue;
		value = key;
		while (*value != '\0' && !isspace((unsigned char)*value))
			value++;
		if (*value != '\0')
			*value++ = '\0';
		while (isspace((unsigned char)*value))
			value++;
		if (*value == '\0') {
			xasprintf(cause, "%s:%u: \"%s\" needs a value", path,
			    lineno, key);
			fclose(f);
			return -1;
		}
		if (config_set(c, key, value, &why) != 0) {
			xasprintf(cause, "%s:%u: %s", path, lineno, why);
			free(why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	TAILQ_FOREACH(s, &c->opers, entry) {
		p = s->value + strcspn(s->value, " \t");
		p += strspn(p, " \t");
		if (p == s->value || strncmp(p, "$argon2", 7) != 0 ||
		    strpbrk(p, " \t") != NULL) {
			xasprintf(cause,
			    "%s: oper \"%s\": want NAME HASH, the "
			    "hash from chatd --hash-password",
			    path, s->value);
			return -1;
		}
	}
	if (c->password != NULL && strncmp(c->password, "$argon2", 7) != 0) {
		xasprintf(cause,
		    "%s: password: want the hash from chatd --hash-password",
		    path);
		return -1;
	}
	if (strchr(c->server_name, '.') == NULL ||
	    strpbrk(c->server_name, "!@*?, ") != NULL) {
		xasprintf(cause, "%s: server-name must contain a dot", path);
		return -1;
	}
	if (c->cluster != NULL && strncmp(c->cluster, "redis://", 8) != 0 &&
	    strncmp(c->cluster, "unix:", 5) != 0) {
		xasprintf(cause,
		    "%s: cluster must be redis://HOST:PORT or unix:/path",
		    path);
		return -1;
	}
	if (c->node_name != NULL &&
	    (strlen(c->node_name) > 63 ||
	        strpbrk(c->node_name, "!@*?,/ \t") != NULL)) {
		xasprintf(cause,
		    "%s: node-name must be at most 63 characters, without "
		    "spaces, / or any of !@*?,",
		    path);
		return -1;
	}
	config_read_motd(c);
	config_check_key(c);
	if (strcmp(c->plaintext_passwords, "never") != 0 &&
	    strcmp(c->plaintext_passwords, "loopback") != 0 &&
	    strcmp(c->plaintext_passwords, "always") != 0) {
		xasprintf(cause,
		    "%s: plaintext-passwords must be never, "
		    "loopback or always",
		    path);
		return -1;
	}
	return 0;
}

/* Whether an address is listed as trusted (exempt from flood limits). */
bool
config_trusted(const struct config *c, const char *addr)
{
	struct config_str *s;

	TAILQ_FOREACH(s, &c->trusted, entry) {
		if (chat_mask_match(s->value, addr))
			return true;
	}
	return false;
}

/* The data directory used when none is configured. */
const char *
config_default_data_dir(void)
{
	static char path[4096];
	const char *home, *xdg;

	if (geteuid() == 0)
		return LOCALSTATEDIR "/lib/chatd";
	if ((xdg = getenv("XDG_DATA_HOME")) != NULL && *xdg == '/') {
		snprintf(path, sizeof path, "%s/chatd", xdg);
		return path;
	}
	if ((home = getenv("HOME")) != NULL && *home == '/') {
		snprintf(path, sizeof path, "%s/.local/share/chatd", home);
		return path;
	}
	return "chatd-data";
}
