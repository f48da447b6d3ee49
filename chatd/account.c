/*
 * Accounts: registration, login (LOGIN and SASL PLAIN), password changes,
 * throttling of failed logins, registered nicks kept for their owners,
 * and private messages kept for registered users who are offline.
 *
 * Every account is also held in memory (a tree by folded name) so that
 * NICK, PRIVMSG and WHOIS can tell at once whether a name is registered;
 * the store is written through and read back at start. Passwords are
 * hashed with Argon2id (OWASP's first recommended setting: 19 MiB, two
 * passes, one lane) on the workq threads, never on the event loop; the
 * clear password is wiped as soon as the hash is made or checked.
 */

#include "config.h"

#include <sys/random.h>

#include <arpa/inet.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <argon2.h>
#include <event2/event.h>

#include "chatd.h"
#include "store.h"

#define ACCOUNT_T_COST 2
#define ACCOUNT_M_COST 19456 /* KiB */
#define ACCOUNT_LANES 1
#define ACCOUNT_SALT_LEN 16
#define ACCOUNT_HASH_LEN 32
#define ACCOUNT_PASS_MAX 128
#define ACCOUNT_EMAIL_MAX 254
#define ACCOUNT_OFFLINE_BATCH 100

/*
 * Password guesses (see throttle_wait). Each is counted when its check
 * starts, for the pair (account, address), for the address and for the
 * account; past the free tries a wait doubles from THROTTLE_BASE up to
 * THROTTLE_MAX. A guess that must wait is held, not refused.
 */
#define THROTTLE_FREE_PAIR 3  /* guesses at one account from one address */
#define THROTTLE_FREE_ADDR 20 /* guesses from one address, any accounts */
#define THROTTLE_FREE_ACCOUNT \
	10               /* guesses at one account from failing addresses */
#define THROTTLE_BASE 15 /* seconds after the free tries */
#define THROTTLE_MAX 900
#define THROTTLE_FORGET 3600       /* an address or account forgiven */
#define THROTTLE_FORGET_PAIR 86400 /* a failing address remembered */
#define THROTTLE_ENTRIES 10000

struct account {
	char fold[CHAT_NICK_MAX + 1];
	char *name;
	char *email;
	char *hash;
	int64_t created;
	int64_t last_seen;
	bool pending;     /* being registered: not usable yet */
	bool deleting;    /* being unregistered: not usable any more */
	unsigned offline; /* messages waiting, for max-offline */
	RB_ENTRY(account) entry;
};
RB_HEAD(accounts, account);

struct throttle {
	char key[128]; /* "a:account", "h:address" or "p:account address" */
	unsigned fails;
	time_t until;
	time_t last;
	RB_ENTRY(throttle) entry;
};
RB_HEAD(throttles, throttle);

/* A password job: hashing (register, new password) or checking. */
enum account_op_kind { OP_REGISTER, OP_LOGIN, OP_PASSWORD, OP_UNREGISTER };
struct account_op {
	enum account_op_kind kind;
	struct conn_wait wait; /* the client, held until the answer */
	bool sasl;
	char *name;
	char *email;
	char *password;    /* wiped after use */
	char *newpassword; /* PASSWORD: the new one */
	char *hash;        /* to check against, or made */
	char *addr;
	int ok;
	struct event *timer; /* LOGIN: held until the throttle allows it */
	LIST_ENTRY(account_op) entry; /* on account_held while held */
};
LIST_HEAD(account_ops, account_op);

/* A nick someone uses without owning it, and when to take it back. */
struct account_guest {
	struct client_ref ref;
	char nick[CHAT_NICK_MAX + 1];
	time_t deadline;
	TAILQ_ENTRY(account_guest) entry;
};
TAILQ_HEAD(account_guests, account_guest);

static struct accounts account_tree = RB_INITIALIZER(&account_tree);
static struct throttles throttle_tree = RB_INITIALIZER(&throttle_tree);
static unsigned nthrottles;
static struct account_guests guests = TAILQ_HEAD_INITIALIZER(guests);
static struct event *account_tick_ev;
static struct account_ops account_held = LIST_HEAD_INITIALIZER(account_held);

static void account_op_free(struct account_op *);

/* Compare accounts by folded name. */
static int
account_cmp(struct account *a, struct account *b)
{
	return strcmp(a->fold, b->fold);
}
RB_PROTOTYPE(accounts, account, entry, account_cmp);
RB_GENERATE(accounts, account, entry, account_cmp);

/* Compare throttle entries by key. */
static int
throttle_cmp(struct throttle *a, struct throttle *b)
{
	return strcmp(a->key, b->key);
}
RB_PROTOTYPE(throttles, throttle, entry, throttle_cmp);
RB_GENERATE(throttles, throttle, entry, throttle_cmp);

/* Find an account, pending ones included. */
static struct account *
account_find_any(const char *name)
{
	struct account find;

	chat_casefold(find.fold, name, sizeof find.fold);
	return RB_FIND(accounts, &account_tree, &find);
}

/* Find a registered (committed) account. */
static struct account *
account_find(const char *name)
{
	struct account *a = account_find_any(name);

	return a != NULL && !a->pending && !a->deleting ? a : NULL;
}

/* Whether an account with this name is registered. */
bool
account_exists(const char *name)
{
	return account_find(name) != NULL;
}

/* The account's name as registered, or NULL. */
const char *
account_display(const char *name)
{
	struct account *a = account_find(name);

	return a != NULL ? a->name : NULL;
}

/* When the account was last seen (Unix seconds), 0 if never or unknown. */
int64_t
account_last_seen(const char *name)
{
	struct account *a = account_find(name);

	return a != NULL ? a->last_seen : 0;
}

/* Add an account to the tree. */
static struct account *
account_insert(const char *name, const char *email, const char *hash,
    int64_t created, int64_t last_seen)
{
	struct account *a = xcalloc(1, sizeof *a);

	chat_casefold(a->fold, name, sizeof a->fold);
	a->name = xstrdup(name);
	a->email = email != NULL ? xstrdup(email) : NULL;
	a->hash = hash != NULL ? xstrdup(hash) : NULL;
	a->created = created;
	a->last_seen = last_seen;
	if (RB_INSERT(accounts, &account_tree, a) != NULL) {
		free(a->name);
		free(a->email);
		free(a->hash);
		free(a);
		return NULL;
	}
	return a;
}

/* Remove and free an account. */
static void
account_remove(struct account *a)
{
	RB_REMOVE(accounts, &account_tree, a);
	free(a->name);
	free(a->email);
	free(a->hash);
	free(a);
}

/* store_account_load callback. */
static void
account_loaded(const struct store_account *sa, void *arg)
{
	unsigned *n = arg;

	if (account_insert(sa->name, sa->email, sa->hash, sa->created,
	        sa->last_seen) != NULL)
		(*n)++;
}

/* store_offline_count callback: how many messages wait for an account. */
static void
account_counted(const char *name, size_t n, void *arg UNUSED)
{
	struct account *a = account_find(name);

	if (a != NULL)
		a->offline = n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

static void account_tick(evutil_socket_t, short, void *);

/* Load the accounts and start the guest-rename timer. */
int
account_init(char **cause)
{
	struct timeval one = { 1, 0 };
	unsigned n = 0;

	if (store_account_load(account_loaded, &n) != 0 ||
	    store_offline_count(account_counted, NULL) != 0) {
		xasprintf(cause, "loading accounts failed");
		return -1;
	}
	log_info("%u accounts loaded", n);
	account_tick_ev =
	    event_new(ev_base, -1, EV_PERSIST, account_tick, NULL);
	event_add(account_tick_ev, &one);
	return 0;
}

/* Free the accounts, throttles and guest timers. */
void
account_free_all(void)
{
	struct account *a;
	struct throttle *t;
	struct account_guest *g;
	struct account_op *op;

	while ((op = LIST_FIRST(&account_held)) != NULL) {
		LIST_REMOVE(op, entry);
		account_op_free(op);
	}
	while ((a = RB_MIN(accounts, &account_tree)) != NULL)
		account_remove(a);
	while ((t = RB_MIN(throttles, &throttle_tree)) != NULL) {
		RB_REMOVE(throttles, &throttle_tree, t);
		free(t);
	}
	nthrottles = 0;
	while ((g = TAILQ_FIRST(&guests)) != NULL) {
		TAILQ_REMOVE(&guests, g, entry);
		client_ref_clear(&g->ref);
		free(g);
	}
	if (account_tick_ev != NULL) {
		event_free(account_tick_ev);
		account_tick_ev = NULL;
	}
}

/* Whether a password may be sent over this connection. */
bool
account_password_allowed(struct client *c)
{
	const char *mode = cfg->plaintext_passwords;

	if (c->flags & CLIENT_TLS)
		return true;
	if (strcmp(mode, "always") == 0)
		return true;
	if (strcmp(mode, "never") == 0)
		return false;
	return strncmp(c->user.host, "127.", 4) == 0 ||
	    strcmp(c->user.host, "::1") == 0;
}

/* The throttle entry for a key, created if asked. */
static struct throttle *
throttle_get(const char *kind, const char *what, bool create)
{
	struct throttle find, *t, *t1;
	time_t now = time(NULL);

	snprintf(find.key, sizeof find.key, "%s:%s", kind, what);
	chat_casefold(find.key, find.key, sizeof find.key);
	if ((t = RB_FIND(throttles, &throttle_tree, &find)) != NULL || !create)
		return t;
	if (nthrottles >= THROTTLE_ENTRIES) {
		/* Forget the old ones; if none is old, the oldest are. */
		RB_FOREACH_SAFE(t, throttles, &throttle_tree, t1) {
			if (now - t->last > THROTTLE_FORGET ||
			    nthrottles >= THROTTLE_ENTRIES) {
				RB_REMOVE(throttles, &throttle_tree, t);
				free(t);
				nthrottles--;
			}
		}
	}
	t = xcalloc(1, sizeof *t);
	memcpy(t->key, find.key, sizeof t->key);
	RB_INSERT(throttles, &throttle_tree, t);
	nthrottles++;
	return t;
}

/* Forget a throttle entry. */
static void
throttle_del(struct throttle *t)
{
	if (t == NULL)
		return;
	RB_REMOVE(throttles, &throttle_tree, t);
	free(t);
	nthrottles--;
}

/*
 * The address as throttled: IPv6 per /64, as one host usually has a
 * whole /64 to pick from (the same rule as max-per-ip).
 */
static void
throttle_addr(const char *addr, char *buf, size_t len)
{
	struct in6_addr a6;
	char net[INET6_ADDRSTRLEN];

	if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, net, sizeof net);
		snprintf(buf, len, "%s/64", net);
	} else
		strlcpy(buf, addr, len);
}

/* The entry of the pair (account, address). */
static struct throttle *
throttle_pair(const char *name, const char *addr, bool create)
{
	char key[CHAT_NICK_MAX + 70], net[64];

	throttle_addr(addr, net, sizeof net);
	snprintf(key, sizeof key, "%s %s", name, net);
	return throttle_get("p", key, create);
}

/* The entry of an address. */
static struct throttle *
throttle_host(const char *addr, bool create)
{
	char net[64];

	throttle_addr(addr, net, sizeof net);
	return throttle_get("h", net, create);
}

/* Seconds t still has to wait; a stale entry is forgiven. */
static time_t
throttle_left(struct throttle *t, time_t forget, time_t now)
{
	if (t == NULL)
		return 0;
	if (now - t->last > forget) {
		t->fails = 0;
		t->until = 0;
	}
	return t->until > now ? t->until - now : 0;
}

/*
 * Seconds until a guess at this account from this address may start.
 * The address's own count and the pair's always apply; the account's
 * count (guesses from all failing addresses together) applies only to an
 * address that has failed at this account before. So the right password
 * from an address that has not been failing is never delayed, however
 * many addresses guess, and those guessing share one slow budget.
 */
static time_t
throttle_wait(const char *name, const char *addr)
{
	struct throttle *pair =
	    name != NULL ? throttle_pair(name, addr, false) : NULL;
	time_t now = time(NULL), wait, w;

	wait = throttle_left(throttle_host(addr, false), THROTTLE_FORGET, now);
	if ((w = throttle_left(pair, THROTTLE_FORGET_PAIR, now)) > wait)
		wait = w;
	if (pair != NULL && pair->fails > 0 &&
	    (w = throttle_left(
	         throttle_get("a", name, false), THROTTLE_FORGET, now)) > wait)
		wait = w;
	return wait;
}

/* Count one guess against an entry: free tries, then a doubling wait. */
static void
throttle_count(struct throttle *t, unsigned free_tries, time_t forget)
{
	time_t now = time(NULL), delay;
	unsigned shift;

	if (now - t->last > forget)
		t->fails = 0;
	t->last = now;
	if (++t->fails < free_tries)
		return;
	shift = t->fails - free_tries;
	delay = shift > 6 ? THROTTLE_MAX : (time_t)THROTTLE_BASE << shift;
	if (delay > THROTTLE_MAX)
		delay = THROTTLE_MAX;
	t->until = now + delay;
}

/*
 * A guess starts (name NULL: at an unknown account): count it now, not
 * when its hash is checked, so guesses sent at once are not all free.
 */
static void
throttle_start(const char *name, const char *addr)
{
	struct throttle *pair;

	throttle_count(
	    throttle_host(addr, true), THROTTLE_FREE_ADDR, THROTTLE_FORGET);
	if (name == NULL)
		return;
	pair = throttle_pair(name, addr, true);
	/* An address that has failed here before spends the shared budget. */
	if (pair->fails > 0)
		throttle_count(throttle_get("a", name, true),
		    THROTTLE_FREE_ACCOUNT, THROTTLE_FORGET);
	throttle_count(pair, THROTTLE_FREE_PAIR, THROTTLE_FORGET_PAIR);
}

/* The guess was right: this address is not failing at this account. */
static void
throttle_ok(const char *name, const char *addr)
{
	struct throttle *t;

	throttle_del(throttle_pair(name, addr, false));
	if ((t = throttle_host(addr, false)) != NULL && t->fails > 0 &&
	    --t->fails < THROTTLE_FREE_ADDR)
		t->until = 0;
}

/* Wipe and free a secret. */
static void
account_wipe(char **p)
{
	if (*p == NULL)
		return;
	explicit_bzero(*p, strlen(*p));
	free(*p);
	*p = NULL;
}

/* A new password job bound to a client. */
static struct account_op *
account_op_new(struct client *c, enum account_op_kind kind)
{
	struct account_op *op = xcalloc(1, sizeof *op);

	op->kind = kind;
	conn_wait_begin(&op->wait, c);
	op->addr = xstrdup(c->user.host);
	return op;
}

/* Free a password job: its answer is sent, its client's next line runs. */
static void
account_op_free(struct account_op *op)
{
	conn_wait_end(&op->wait);
	account_wipe(&op->password);
	account_wipe(&op->newpassword);
	free(op->name);
	free(op->email);
	free(op->hash);
	free(op->addr);
	if (op->timer != NULL)
		event_free(op->timer);
	free(op);
}

/* Argon2id-hash a password into a new encoded string, or NULL. */
static char *
account_hash(const char *password)
{
	unsigned char salt[ACCOUNT_SALT_LEN];
	size_t len;
	char *enc;

	if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt)
		return NULL;
	len = argon2_encodedlen(ACCOUNT_T_COST, ACCOUNT_M_COST, ACCOUNT_LANES,
	    sizeof salt, ACCOUNT_HASH_LEN, Argon2_id);
	enc = xmalloc(len);
	if (argon2id_hash_encoded(ACCOUNT_T_COST, ACCOUNT_M_COST, ACCOUNT_LANES,
	        password, strlen(password), salt, sizeof salt, ACCOUNT_HASH_LEN,
	        enc, len) != ARGON2_OK) {
		free(enc);
		return NULL;
	}
	return enc;
}

/* Worker: do the Argon2id part of a job (no chatd state touched). */
static void
account_work(void *arg)
{
	struct account_op *op = arg;

	switch (op->kind) {
	case OP_REGISTER:
		op->hash = account_hash(op->password);
		op->ok = op->hash != NULL;
		break;
	case OP_LOGIN:
	case OP_UNREGISTER:
		op->ok = argon2id_verify(op->hash, op->password,
		             strlen(op->password)) == ARGON2_OK;
		break;
	case OP_PASSWORD:
		op->ok = argon2id_verify(op->hash, op->password,
		             strlen(op->password)) == ARGON2_OK;
		free(op->hash);
		op->hash = NULL;
		if (op->ok &&
		    (op->hash = account_hash(op->newpassword)) == NULL)
			op->ok = -1;
		break;
	}
	account_wipe(&op->password);
	account_wipe(&op->newpassword);
}

/* Tell c's peers (and c) with account-notify about its account. */
static void
account_notify(struct client *c)
{
	struct rline rl;
	char prefix[CHAT_LINE_MAX];

	if (!(c->flags & CLIENT_REGISTERED))
		return;
	user_prefix(&c->user, prefix, sizeof prefix);
	route_init(&rl, NULL, prefix, "ACCOUNT %s",
	    c->user.account != NULL ? c->user.account : "*");
	route_peers_cap(&c->user, true, CAP_ACCOUNT_NOTIFY, &rl);
	cluster_user_changed(c);
}

static void account_offline_deliver(struct client *);

/* c is now logged in as a. */
static void
account_logged_in(struct client *c, struct account *a, bool sasl)
{
	char prefix[CHAT_LINE_MAX];

	replace_str(&c->user.account, a->name);
	user_prefix(&c->user, prefix, sizeof prefix);
	SEND_NUMERIC(c, RPL_LOGGEDIN, prefix, a->name, a->name);
	if (sasl)
		SEND_NUMERIC(c, RPL_SASLSUCCESS);
	account_notify(c);
	metadata_logged_in(c);
	if (c->flags & CLIENT_REGISTERED) {
		account_offline_deliver(c);
		/* Games and files wait for the account, not the nick. */
		ttt_client_online(c);
		file_client_online(c);
	}
}

/* Whether a password is acceptable; if not, the FAIL code and text. */
static bool
account_password_ok(
    const char *name, const char *pw, const char **code, const char **why)
{
	size_t len = strlen(pw), i;

	if (len > ACCOUNT_PASS_MAX) {
		*code = "UNACCEPTABLE_PASSWORD";
		*why = "Passwords can be at most 128 bytes long";
		return false;
	}
	if (len < cfg->password_min_length) {
		static char msg[64];

		snprintf(msg, sizeof msg,
		    "Passwords must be at least %u characters long",
		    cfg->password_min_length);
		*code = "WEAK_PASSWORD";
		*why = msg;
		return false;
	}
	for (i = 1; i < len && pw[i] == pw[0]; i++)
		/* nothing */;
	if (i == len || (name != NULL && chat_casecmp(name, pw) == 0)) {
		*code = "WEAK_PASSWORD";
		*why = "That password is too easy to guess";
		return false;
	}
	return true;
}

/* The store committed (or refused) a new account. */
static void
account_register_stored(int err, void *arg)
{
	struct account_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	struct account *a = account_find_any(op->name);

	if (a == NULL || !a->pending) {
		account_op_free(op);
		return;
	}
	if (err != STORE_OK) {
		/* An outage is logged once, by the store. */
		if (err != STORE_UNAVAILABLE)
			log_warn("registering %s: %s", op->name,
			    store_strerror(err));
		account_remove(a);
		if (c != NULL && err == STORE_EXISTS)
			send_fail(c, "REGISTER", "ACCOUNT_EXISTS", op->name,
			    "Account already exists");
		else if (c != NULL)
			send_fail(c, "REGISTER", "TEMPORARILY_UNAVAILABLE",
			    op->name,
			    "Could not save the account (%s), try "
			    "again later",
			    store_strerror(err));
		account_op_free(op);
		return;
	}
	a->pending = false;
	a->hash = op->hash;
	op->hash = NULL;
	log_info("account %s registered from %s", a->name, op->addr);
	if (c != NULL) {
		if (c->user.account == NULL)
			account_logged_in(c, a, false);
		send_raw(c, ":%s REGISTER SUCCESS %s :Account created",
		    cfg->server_name, a->name);
	}
	account_op_free(op);
}

/* The new account's password is hashed: write the account. */
static void
account_register_hashed(void *arg)
{
	struct account_op *op = arg;
	struct store_account sa;
	struct client *c;

	if (!op->ok) {
		account_remove(account_find_any(op->name));
		if ((c = conn_wait_reply(&op->wait)) != NULL)
			send_fail(c, "REGISTER", "TEMPORARILY_UNAVAILABLE",
			    op->name, "Could not hash the password");
		account_op_free(op);
		return;
	}
	memset(&sa, 0, sizeof sa);
	sa.name = op->name;
	sa.email = op->email;
	sa.hash = op->hash;
	sa.created = time(NULL);
	store_account_add(&sa, account_register_stored, op);
}

/* REGISTER <account|*> <email|*> <password>. */
void
account_register(
    struct client *c, const char *name, const char *email, const char *password)
{
	struct account_op *op;
	struct user *other;
	const char *code, *why;
	char fold[8];

	if (strcmp(name, "*") == 0) {
		if (!(c->flags & CLIENT_NICK)) {
			send_fail(c, "REGISTER", "NEED_NICK", "*",
			    "Choose a nick first, or name the account");
			return;
		}
		name = c->user.nick;
	}
	if (c->user.account != NULL) {
		send_fail(c, "REGISTER", "ALREADY_AUTHENTICATED", name,
		    "You are already logged in as %s", c->user.account);
		return;
	}
	chat_casefold(fold, name, sizeof fold);
	if (!chat_nick_valid(name, CHAT_NICK_MAX) ||
	    strncmp(fold, "guest", 5) == 0) {
		send_fail(c, "REGISTER", "BAD_ACCOUNT_NAME", "*",
		    "Account names follow the rules for nicks and may not "
		    "start with Guest");
		return;
	}
	if (account_find_any(name) != NULL) {
		send_fail(c, "REGISTER", "ACCOUNT_EXISTS", name,
		    "Account already exists");
		return;
	}
	if ((other = user_find(name)) != NULL && other != &c->user) {
		send_fail(c, "REGISTER", "BAD_ACCOUNT_NAME", name,
		    "Someone else is using that nick right now");
		return;
	}
	if (strcmp(email, "*") != 0 &&
	    (strlen(email) > ACCOUNT_EMAIL_MAX || strchr(email, '@') == NULL ||
	        strpbrk(email, " ,") != NULL || email[0] == '@')) {
		send_fail(c, "REGISTER", "INVALID_EMAIL", name,
		    "That is not an email address (use * for none)");
		return;
	}
	if (!account_password_allowed(c)) {
		send_fail(c, "REGISTER", "INSECURE_CONNECTION", name,
		    "Passwords are only accepted over TLS here");
		return;
	}
	if (!account_password_ok(name, password, &code, &why)) {
		send_fail(c, "REGISTER", code, name, "%s", why);
		return;
	}
	/* Reserve the name while hashing so nobody else takes it. */
	account_insert(name, NULL, NULL, 0, 0)->pending = true;
	op = account_op_new(c, OP_REGISTER);
	op->name = xstrdup(name);
	op->email = strcmp(email, "*") != 0 ? xstrdup(email) : NULL;
	op->password = xstrdup(password);
	workq_add(account_work, account_register_hashed, op);
}

/* Say a login failed, in the way the client asked. */
static void PRINTFLIKE(4, 5) account_login_fail(
    struct client *c, bool sasl, const char *code, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (sasl) {
		send_notice(c, "%s", text);
		SEND_NUMERIC(c, ERR_SASLFAIL);
	} else
		send_fail(c, "LOGIN", code, NULL, "%s", text);
}

/* A password check for LOGIN or SASL finished. */
static void
account_login_checked(void *arg)
{
	struct account_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	struct account *a = account_find(op->name);

	if (op->ok && a != NULL)
		throttle_ok(a->name, op->addr);
	if (c == NULL) {
		account_op_free(op);
		return;
	}
	if (!op->ok || a == NULL) {
		log_info("failed login for %s from %s", op->name, op->addr);
		account_login_fail(c, op->sasl, "INVALID_CREDENTIALS",
		    "Wrong account name or password");
	} else if (c->user.account != NULL)
		account_login_fail(c, op->sasl, "ALREADY_AUTHENTICATED",
		    "You are already logged in as %s", c->user.account);
	else
		account_logged_in(c, a, op->sasl);
	account_op_free(op);
}

/* Start checking a login's password: the guess counts from now. */
static void
account_login_start(struct account_op *op)
{
	struct client *c = conn_wait_client(&op->wait);
	struct account *a = account_find(op->name);

	if (a == NULL || a->pending || a->deleting) {
		/* Gone while held. */
		throttle_start(NULL, op->addr);
		if ((c = conn_wait_reply(&op->wait)) != NULL)
			account_login_fail(c, op->sasl, "INVALID_CREDENTIALS",
			    "Wrong account name or password");
		account_op_free(op);
		return;
	}
	throttle_start(a->name, op->addr);
	free(op->hash);
	op->hash = xstrdup(a->hash);
	workq_add(account_work, account_login_checked, op);
}

/* A held login's wait is over: check it, or wait on if it must. */
static void
account_login_timer(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct account_op *op = arg;
	struct timeval tv = { 0, 0 };

	if (conn_wait_client(&op->wait) == NULL) {
		LIST_REMOVE(op, entry);
		account_op_free(op);
		return;
	}
	/* Others guessing meanwhile may have pushed the wait further. */
	if ((tv.tv_sec = throttle_wait(op->name, op->addr)) > 0) {
		evtimer_add(op->timer, &tv);
		return;
	}
	LIST_REMOVE(op, entry);
	account_login_start(op);
}

/*
 * LOGIN <account> <password>, or SASL PLAIN's credentials. A guess the
 * throttle does not allow yet is held (its connection stays busy) and
 * checked when it may be: slowed down, never refused, so nobody can lock
 * an owner out by failing on purpose.
 */
void
account_login(
    struct client *c, const char *name, const char *password, bool sasl)
{
	struct account_op *op;
	struct account *a;
	struct timeval tv = { 0, 0 };

	if (c->user.account != NULL) {
		if (sasl)
			SEND_NUMERIC(c, ERR_SASLALREADY);
		else
			send_fail(c, "LOGIN", "ALREADY_AUTHENTICATED", NULL,
			    "You are already logged in as %s", c->user.account);
		return;
	}
	if (!account_password_allowed(c)) {
		account_login_fail(c, sasl, "INSECURE_CONNECTION",
		    "Passwords are only accepted over TLS here");
		return;
	}
	if (strlen(password) > ACCOUNT_PASS_MAX ||
	    (a = account_find(name)) == NULL) {
		if (throttle_wait(NULL, c->user.host) == 0) {
			throttle_start(NULL, c->user.host);
			log_info("failed login for unknown %s from %s", name,
			    c->user.host);
			account_login_fail(c, sasl, "INVALID_CREDENTIALS",
			    "Wrong account name or password");
			return;
		}
		/* Held like a real guess, so the wait tells nothing. */
		a = NULL;
	}
	op = account_op_new(c, OP_LOGIN);
	op->sasl = sasl;
	op->name = xstrdup(a != NULL ? a->name : name);
	op->password = xstrdup(password);
	if ((tv.tv_sec = throttle_wait(
	         a != NULL ? a->name : NULL, c->user.host)) == 0) {
		account_login_start(op);
		return;
	}
	log_info("login for %s from %s held %llds by the throttle", op->name,
	    c->user.host, (long long)tv.tv_sec);
	if (sasl)
		send_notice(c,
		    "Too many failed logins: your login is checked "
		    "in %lld seconds",
		    (long long)tv.tv_sec);
	else
		send_note(c, "LOGIN", "SLOWED",
		    "Too many failed logins: your login is checked in %lld "
		    "seconds",
		    (long long)tv.tv_sec);
	op->timer = evtimer_new(ev_base, account_login_timer, op);
	LIST_INSERT_HEAD(&account_held, op, entry);
	evtimer_add(op->timer, &tv);
}

/* c is no longer logged in: say so to c and its peers, check the nick. */
static void
account_logged_out(struct client *c)
{
	char prefix[CHAT_LINE_MAX];

	metadata_logging_out(c);
	free(c->user.account);
	c->user.account = NULL;
	user_prefix(&c->user, prefix, sizeof prefix);
	SEND_NUMERIC(c, RPL_LOGGEDOUT, prefix);
	account_notify(c);
	if (c->flags & CLIENT_REGISTERED)
		account_nick_changed(c);
}

/* route_sessions' fn: a session of a deleted account. */
static void
account_logged_out_cb(struct client *c, void *arg UNUSED)
{
	account_logged_out(c);
}

/* LOGOUT: forget the account; a reserved nick must be given up. */
void
account_logout(struct client *c)
{
	struct account *a;

	if (c->user.account == NULL) {
		send_fail(c, "LOGOUT", "NOT_LOGGED_IN", NULL,
		    "You are not logged in");
		return;
	}
	if ((a = account_find(c->user.account)) != NULL) {
		a->last_seen = time(NULL);
		store_account_seen(a->name, a->last_seen);
	}
	account_logged_out(c);
}

/* The store saved (or not) a changed password. */
static void
account_password_stored(int err, void *arg)
{
	struct account_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	struct account *a = account_find(op->name);

	if (err == STORE_OK && a != NULL) {
		free(a->hash);
		a->hash = op->hash;
		op->hash = NULL;
		if (c != NULL)
			send_notice(
			    c, "Password changed for account %s", op->name);
	} else if (c != NULL)
		send_fail(c, "PASSWORD", "TEMPORARILY_UNAVAILABLE", NULL,
		    "Could not save the password (%s)", store_strerror(err));
	account_op_free(op);
}

/* The old password was checked and the new one hashed. */
static void
account_password_checked(void *arg)
{
	struct account_op *op = arg;
	struct client *c;

	if (op->ok != 1) {
		c = conn_wait_reply(&op->wait);
		if (c != NULL && op->ok == 0)
			send_fail(c, "PASSWORD", "INVALID_CREDENTIALS", NULL,
			    "The current password is wrong");
		else if (c != NULL)
			send_fail(c, "PASSWORD", "TEMPORARILY_UNAVAILABLE",
			    NULL, "Could not hash the password");
		account_op_free(op);
		return;
	}
	throttle_ok(op->name, op->addr);
	store_account_set_hash(op->name, op->hash, account_password_stored, op);
}

/* PASSWORD <old> <new>. */
void
account_set_password(struct client *c, const char *old, const char *new)
{
	struct account_op *op;
	struct account *a;
	const char *code, *why;

	if (c->user.account == NULL ||
	    (a = account_find(c->user.account)) == NULL) {
		send_fail(c, "PASSWORD", "NOT_LOGGED_IN", NULL, "Log in first");
		return;
	}
	if (!account_password_allowed(c)) {
		send_fail(c, "PASSWORD", "INSECURE_CONNECTION", NULL,
		    "Passwords are only accepted over TLS here");
		return;
	}
	if (!account_password_ok(a->name, new, &code, &why)) {
		send_fail(c, "PASSWORD", code, NULL, "%s", why);
		return;
	}
	if (throttle_wait(a->name, c->user.host) > 0 ||
	    strlen(old) > ACCOUNT_PASS_MAX) {
		send_fail(c, "PASSWORD", "RATE_LIMITED", NULL,
		    "Too many failed attempts; try again later");
		return;
	}
	throttle_start(a->name, c->user.host);
	op = account_op_new(c, OP_PASSWORD);
	op->name = xstrdup(a->name);
	op->hash = xstrdup(a->hash);
	op->password = xstrdup(old);
	op->newpassword = xstrdup(new);
	workq_add(account_work, account_password_checked, op);
}

/* Registration completed: deliver offline messages, check the nick. */
void
account_welcome(struct client *c)
{
	if (c->user.account != NULL)
		account_offline_deliver(c);
	account_nick_changed(c);
}

/* c now has a nick: if it is someone's account, start the grace timer. */
void
account_nick_changed(struct client *c)
{
	struct account_guest *g;
	struct account *a;

	if ((a = account_find(c->user.nick)) == NULL)
		return;
	if (c->user.account != NULL &&
	    chat_casecmp(c->user.account, a->name) == 0)
		return;
	g = xcalloc(1, sizeof *g);
	client_ref_set(&g->ref, c);
	strlcpy(g->nick, c->user.nick, sizeof g->nick);
	g->deadline = time(NULL) + cfg->nick_grace;
	TAILQ_INSERT_TAIL(&guests, g, entry);
	send_notice(c,
	    "The nick %s is registered. Log in with: LOGIN %s "
	    "<password> within %u seconds, or your nick will be "
	    "changed.",
	    a->name, a->name, cfg->nick_grace);
}

/* Rename a client who kept a nick it does not own. */
static void
account_rename(struct client *c)
{
	char nick[CHAT_NICK_MAX + 1];
	uint32_t r;
	int i;

	for (i = 0; i < 100; i++) {
		if (getrandom(&r, sizeof r, 0) != sizeof r)
			r = (uint32_t)c->user.id * 7919u + (uint32_t)i;
		snprintf(nick, sizeof nick, "Guest%05u", r % 100000);
		if (user_find(nick) == NULL)
			break;
	}
	if (i == 100)
		snprintf(nick, sizeof nick, "Guest%llu",
		    (unsigned long long)c->user.id);
	send_notice(c,
	    "Your nick is being changed to %s: %s belongs to a "
	    "registered account",
	    nick, c->user.nick);
	if (cluster_active())
		cluster_claim_nick(c, nick);
	else
		client_change_nick(c, nick);
}

/* Once a second: rename those whose grace period ran out. */
static void
account_tick(evutil_socket_t fd UNUSED, short events UNUSED, void *arg UNUSED)
{
	struct account_guest *g, *g1;
	struct client *c;
	time_t now = time(NULL);
	bool same;

	TAILQ_FOREACH_SAFE(g, &guests, entry, g1) {
		c = g->ref.client;
		if (c != NULL && g->deadline > now)
			continue;
		same = c != NULL && chat_casecmp(c->user.nick, g->nick) == 0;
		TAILQ_REMOVE(&guests, g, entry);
		client_ref_clear(&g->ref);
		free(g);
		if (!same || (c->flags & CLIENT_DEAD))
			continue;
		if (!account_exists(c->user.nick) ||
		    (c->user.account != NULL &&
		        chat_casecmp(c->user.account, c->user.nick) == 0))
			continue;
		account_rename(c);
	}
}

/* A client leaves: remember when its account was last seen. */
void
account_client_exit(struct client *c)
{
	struct account *a;

	if (c->user.account == NULL ||
	    (a = account_find(c->user.account)) == NULL)
		return;
	a->last_seen = time(NULL);
	store_account_seen(a->name, a->last_seen);
}

/* Who is waiting for an offline message to be stored. */
struct account_offline_op {
	struct client_ref ref;
	char target[CHAT_NICK_MAX + 1];
};

/* An offline message was stored (or not): tell the sender. */
static void
account_offline_stored(int err, void *arg)
{
	struct account_offline_op *op = arg;
	struct client *c = op->ref.client;
	struct account *a;

	if (err != STORE_OK && (a = account_find(op->target)) != NULL &&
	    a->offline > 0)
		a->offline--;
	if (c != NULL && err == STORE_OK)
		send_notice(c,
		    "%s is offline; your message is stored and "
		    "will be delivered when they log in",
		    op->target);
	else if (c != NULL)
		send_fail(c, "PRIVMSG", "TEMPORARILY_UNAVAILABLE", op->target,
		    "%s is offline and the message could not be stored (%s)",
		    op->target, store_strerror(err));
	if (op->ref.client != NULL) {
		client_ref_clear(&op->ref);
		conn_release(c);
	}
	free(op);
}

/* PRIVMSG to a nick nobody uses: keep it if it is an account. */
bool
account_offline_message(struct client *c, const char *target, const char *cmd,
    const char *text, const char *msgid, int64_t time_ms)
{
	struct account_offline_op *op;
	struct store_msg m;
	struct account *a;
	char prefix[CHAT_LINE_MAX];

	if (strcmp(cmd, "PRIVMSG") != 0 || (a = account_find(target)) == NULL)
		return false;
	if (a->offline >= cfg->max_offline) {
		send_fail(c, "PRIVMSG", "MAILBOX_FULL", a->name,
		    "%s is offline and has too many messages waiting", a->name);
		return true;
	}
	a->offline++;
	user_prefix(&c->user, prefix, sizeof prefix);
	memset(&m, 0, sizeof m);
	m.time_ms = time_ms;
	m.target = a->name;
	m.msgid = msgid;
	m.source = prefix;
	m.account = c->user.account;
	m.command = cmd;
	m.text = text;
	op = xcalloc(1, sizeof *op);
	client_ref_set(&op->ref, c);
	/* Its later lines wait for the answer (stored or not). */
	conn_hold(c);
	strlcpy(op->target, a->name, sizeof op->target);
	store_offline_add(&m, account_offline_stored, op);
	return true;
}

/* Offline messages fetched: deliver them, then delete them. */
static void
account_offline_fetched(
    int err, const struct store_msg *msgs, size_t n, void *arg)
{
	struct client_ref *ref = arg;
	struct client *c = ref->client;
	struct account *a;
	size_t i;

	client_ref_clear(ref);
	free(ref);
	if (c == NULL || c->user.account == NULL || (c->flags & CLIENT_DEAD)) {
		/* Kept for the next login: given back if the fetch took them.
		 */
		for (i = 0; err == STORE_OK && store_offline_taken() && i < n;
		     i++)
			store_offline_add(&msgs[i], NULL, NULL);
		return;
	}
	if (err != STORE_OK) {
		send_notice(c, "Your offline messages could not be read (%s)",
		    store_strerror(err));
		return;
	}
	if (n == 0)
		return;
	send_notice(c, "%zu message%s arrived while you were offline:", n,
	    n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		history_deliver(c, NULL, c->user.nick, &msgs[i], true);
		/* Delivered: now part of the conversation's history. */
		history_record_stored(&msgs[i], c->user.account);
	}
	if ((a = account_find(c->user.account)) != NULL)
		a->offline -= n < a->offline ? (unsigned)n : a->offline;
	/* Delivered (queued to the socket): now they can go. */
	store_offline_delete(c->user.account, msgs[n - 1].id, NULL, NULL);
	if (n == ACCOUNT_OFFLINE_BATCH)
		account_offline_deliver(c);
}

/* Fetch and deliver a logged-in, registered client's offline messages. */
static void
account_offline_deliver(struct client *c)
{
	struct client_ref *ref = xcalloc(1, sizeof *ref);

	client_ref_set(ref, c);
	store_offline_fetch(c->user.account, ACCOUNT_OFFLINE_BATCH,
	    account_offline_fetched, ref);
}

/* WHOIS of a registered account nobody is using. */
void
account_whois_offline(struct client *c, const char *nick)
{
	struct account *a = account_find(nick);
	char when[64], text[128];

	if (a == NULL) {
		SEND_NUMERIC(c, ERR_NOSUCHNICK, nick);
		SEND_NUMERIC(c, RPL_ENDOFWHOIS, nick);
		return;
	}
	SEND_NUMERIC(c, RPL_WHOISUSER, a->name, a->name, "offline",
	    "registered account");
	if (a->last_seen > 0) {
		history_format_time(
		    a->last_seen * 1000, false, when, sizeof when);
		snprintf(text, sizeof text, "is offline, last seen %s", when);
	} else
		snprintf(text, sizeof text, "is offline, never seen");
	SEND_NUMERIC(c, RPL_WHOISSPECIAL, a->name, text);
	SEND_NUMERIC(c, RPL_ENDOFWHOIS, a->name);
}

/*
 * The store deleted (or kept) an account. Only now is the account gone
 * from memory: until the commit a failure could still bring it back.
 * Everyone logged in to it is logged out, its channels pass on.
 */
static void
account_unregister_stored(int err, void *arg)
{
	struct account_op *op = arg;
	struct client *c = conn_wait_reply(&op->wait);
	struct account *a = account_find_any(op->name);

	if (a == NULL || !a->deleting) {
		account_op_free(op);
		return;
	}
	if (err != STORE_OK) {
		if (err != STORE_UNAVAILABLE)
			log_warn("deleting account %s: %s", op->name,
			    store_strerror(err));
		a->deleting = false;
		if (c != NULL)
			send_fail(c, "UNREGISTER", "TEMPORARILY_UNAVAILABLE",
			    op->name,
			    "Could not delete the account (%s), "
			    "try again later",
			    store_strerror(err));
		account_op_free(op);
		return;
	}
	log_info("account %s deleted from %s", a->name, op->addr);
	ttt_stats_forget(a->name);
	file_account_gone(a->name);
	account_remove(a);
	/* A new account of this name starts with no failures. */
	throttle_ok(op->name, op->addr);
	throttle_del(throttle_get("a", op->name, false));
	chanreg_prune();
	route_sessions(op->name, account_logged_out_cb, NULL);
	/* After the sessions' peers saw the account's keys go. */
	metadata_account_gone(op->name);
	if (c != NULL)
		send_raw(c, ":%s UNREGISTER SUCCESS %s :Account deleted",
		    cfg->server_name, op->name);
	account_op_free(op);
}

/* The password for UNREGISTER was checked. */
static void
account_unregister_checked(void *arg)
{
	struct account_op *op = arg;
	struct client *c;
	struct account *a = account_find(op->name);

	if (!op->ok || a == NULL) {
		c = conn_wait_reply(&op->wait);
		if (c != NULL && !op->ok)
			send_fail(c, "UNREGISTER", "INVALID_PASSWORD", NULL,
			    "The password is wrong");
		else if (c != NULL)
			send_fail(c, "UNREGISTER", "NOT_LOGGED_IN", NULL,
			    "The account is gone");
		account_op_free(op);
		return;
	}
	/* From here nobody can log in to it or leave it messages. */
	a->deleting = true;
	store_account_delete(
	    a->name, TTT_STATS_NS, a->name, account_unregister_stored, op);
}

/* UNREGISTER <password>: delete the account c is logged in to. */
void
account_unregister(struct client *c, const char *password)
{
	struct account_op *op;
	struct account *a;

	if (c->user.account == NULL ||
	    (a = account_find(c->user.account)) == NULL) {
		send_fail(
		    c, "UNREGISTER", "NOT_LOGGED_IN", NULL, "Log in first");
		return;
	}
	if (!account_password_allowed(c)) {
		send_fail(c, "UNREGISTER", "INSECURE_CONNECTION", NULL,
		    "Passwords are only accepted over TLS here");
		return;
	}
	if (throttle_wait(a->name, c->user.host) > 0 ||
	    strlen(password) > ACCOUNT_PASS_MAX) {
		send_fail(c, "UNREGISTER", "RATE_LIMITED", NULL,
		    "Too many failed attempts; try again later");
		return;
	}
	throttle_start(a->name, c->user.host);
	op = account_op_new(c, OP_UNREGISTER);
	op->name = xstrdup(a->name);
	op->hash = xstrdup(a->hash);
	op->password = xstrdup(password);
	workq_add(account_work, account_unregister_checked, op);
}
