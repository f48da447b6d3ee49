/*
 * chatd: the central header (tmux style). Structures shared between files,
 * then one prototype section per source file.
 */
#ifndef CHATD_H
#define CHATD_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/event_struct.h>

#include "chat.h"
#include "numeric.h"

#define CHATD_VERSION "chatd-" PACKAGE_VERSION

#ifndef UNUSED
#define UNUSED __attribute__((unused))
#endif
#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))

struct bufferevent;
struct event;
struct event_base;
struct evbuffer;
struct channel;
struct client;
struct user;
struct conn_ip;
struct ws;
struct store_msg;
struct multiline;
struct metadata;
struct metadata_subs;

/* Configuration, reloaded on SIGHUP (listeners are not rebound). */
struct config_str {
	char *value;
	TAILQ_ENTRY(config_str) entry;
};
TAILQ_HEAD(config_strs, config_str);

struct config {
	char *path;
	char *server_name;
	char *network_name;
	char *data_dir;
	char *database;  /* "sqlite" (NULL) or a postgresql:// URL */
	char *cluster;   /* Redis of a cluster (redis:// or unix:), or NULL */
	char *node_name; /* this node's name in the cluster (server_name) */
	char *file_dir;  /* file contents (data_dir/files) */
	char *motd_file;
	struct config_strs motd; /* motd_file's lines, read at (re)load */
	bool motd_missing;       /* motd_file is set but unreadable */
	char *admin_name;
	char *admin_email;
	char *admin_location;
	struct config_strs listen;
	struct config_strs trusted;
	struct config_strs opers; /* "name hash" */
	unsigned max_clients;
	unsigned max_per_ip;
	unsigned max_conn_rate; /* new connections per second per address */
	unsigned max_channels;  /* channels a client may be in */
	size_t sendq;           /* output bytes queued before a kill */
	size_t recvq;           /* input bytes buffered before a kill */
	unsigned ping_interval; /* seconds idle before the server PINGs */
	unsigned ping_timeout;  /* seconds more to answer it */
	unsigned reg_timeout;   /* seconds to finish registration */
	unsigned flood_burst;   /* command cost allowed at once */
	unsigned flood_rate;    /* cost refilled per second */
	unsigned max_monitor;
	int log_level;
	unsigned ttt_invite_timeout;  /* seconds an invitation stays open */
	unsigned ttt_grace;           /* seconds a gone player may come back */
	unsigned ttt_max_games;       /* open games + invitations per user */
	size_t file_max_size;         /* largest SENDFILE upload */
	size_t file_quota;            /* bytes a user may keep stored */
	unsigned file_upload_timeout; /* seconds before an idle upload goes */
	unsigned file_keep;           /* seconds a stored file is offered */
	/* Accounts, history and TLS (account.c, history.c, listen.c). */
	unsigned nick_grace;       /* seconds to log in before a rename */
	unsigned history_days;     /* history kept, 0: none kept */
	unsigned max_offline;      /* offline messages kept per account */
	size_t store_max_size;     /* bytes the database may grow to, 0: any */
	char *plaintext_passwords; /* never, loopback or always */
	struct config_strs listen_tls;
	struct config_strs listen_ws;  /* WebSocket listeners (ws.c) */
	struct config_strs listen_wss; /* WebSocket over TLS */
	struct config_strs ws_origins; /* Origins allowed; empty: any */
	char *tls_cert;
	char *tls_key;
	char *password;               /* server password hash (PASS), or NULL */
	unsigned password_min_length; /* REGISTER and PASSWORD */
};

/* A channel member: a user, wherever that user is connected. */
struct member {
	struct user *user;
	struct channel *channel;
	int modes;
#define MEMBER_OP 0x1
#define MEMBER_VOICE 0x2
	TAILQ_ENTRY(member) centry; /* in channel->members */
	TAILQ_ENTRY(member) uentry; /* in user->channels */
};
TAILQ_HEAD(members, member);

/* A list entry holding a mask (bans, exceptions, invites). */
struct mask {
	char *mask;
	char *setter;
	time_t when;
	TAILQ_ENTRY(mask) entry;
};
TAILQ_HEAD(masks, mask);

struct channel {
	char name[CHAT_CHAN_MAX + 1];
	char fold[CHAT_CHAN_MAX + 1];
	int modes;
#define CHAN_INVITE 0x1
#define CHAN_KEY 0x2
#define CHAN_LIMIT 0x4
#define CHAN_MODERATED 0x8
#define CHAN_NOEXTERNAL 0x10
#define CHAN_SECRET 0x20
#define CHAN_TOPICLOCK 0x40
/* Channel modes as ISUPPORT advertises them (isupport_reply, mode_channel). */
#define CHAN_MODES "beI,k,l,imnst"
#define CHAN_PREFIX_MODES "ov"
#define CHAN_MODES_MAX 4
#define CHAN_LIST_MAX 100 /* entries in each of +b, +e, +I (MAXLIST) */
	char *key;
	unsigned limit;
	char *topic;
	char *topic_setter;
	time_t topic_time;
	time_t created;
	unsigned nmembers;
	struct members members;
	struct masks bans;
	struct masks excepts; /* +e: ban exceptions */
	struct masks invexes; /* +I: invite exceptions */
	struct masks invites; /* casefolded nicks invited */
	char *owner;  /* account owning a persistent channel (chanreg.c) */
	char *admins; /* its admin accounts, one per line */
	char *saved;  /* its state as last written to the store */
	/* Its draft/metadata-2 keys (metadata.c). */
	struct metadata *metadata;
	RB_ENTRY(channel) entry;
};
RB_HEAD(channels, channel);

/* Registration and lifetime flags of a client. */
#define CLIENT_NICK 0x1 /* NICK received */
#define CLIENT_USER 0x2 /* USER received */
#define CLIENT_REGISTERED 0x4
#define CLIENT_DEAD 0x8       /* on the dead list, reaped soon */
#define CLIENT_PINGED 0x10    /* idle PING sent, waiting for PONG */
#define CLIENT_CAPNEG 0x20    /* CAP negotiation holds registration */
#define CLIENT_TRUSTED 0x100  /* no flood control */
#define CLIENT_PENDING 0x200  /* on the pending list (lines to run) */
#define CLIENT_CLOSING 0x400  /* draining output before close */
#define CLIENT_SKIPLINE 0x800 /* dropping the rest of an overlong line */
#define CLIENT_FLUSH 0x2000   /* on the flush list (output to write) */
#define CLIENT_TLS 0x4000     /* connected through a TLS listener */
#define CLIENT_EOF 0x10000    /* the peer closed; lines left to run */

/* The server password (PASS), when the server has one. */
#define CLIENT_PASSOK 0x40000 /* it was right */

/* History durability (history.c, conn.c). */
#define CLIENT_STOREWAIT 0x200000 /* input waits for the store (history) */
#define CLIENT_BYPASS 0x400000    /* releasing a barrier: write through it */

/* A plain (not TLS) socket's state in conn.c. */
#define CLIENT_LINGER 0x800000 /* reaped: output drains, then input goes */
#define CLIENT_RDON 0x1000000  /* its socket is to be read */
#define CLIENT_RDWM 0x2000000  /* not read: input at its watermark */

/* Capabilities (IRCv3) a client has enabled. */
#define CAP_MESSAGE_TAGS 0x1
#define CAP_SERVER_TIME 0x2
#define CAP_ECHO_MESSAGE 0x4
#define CAP_MULTI_PREFIX 0x8
#define CAP_AWAY_NOTIFY 0x10
#define CAP_EXTENDED_JOIN 0x20
#define CAP_ACCOUNT_NOTIFY 0x40
#define CAP_BATCH 0x80
#define CAP_LABELED_RESPONSE 0x100
#define CAP_STANDARD_REPLIES 0x200
#define CAP_CAP_NOTIFY 0x400
#define CAP_USERHOST_IN_NAMES 0x800
#define CAP_INVITE_NOTIFY 0x1000
#define CAP_SETNAME 0x2000
#define CAP_CHGHOST 0x4000
#define CAP_ACCOUNT_TAG 0x8000
#define CAP_SASL 0x10000
#define CAP_MSGID 0x20000 /* pseudo: message-ids need message-tags */
#define CAP_TTT 0x40000   /* chatd/ttt: machine lines only, no NOTICEs */
#define CAP_SENDFILE 0x80000
#define CAP_CHATHISTORY 0x100000
#define CAP_ACCOUNTREG 0x200000
#define CAP_EXTENDED_MONITOR 0x400000
#define CAP_CHANADMIN 0x800000    /* chatd/chanadmin: CHANADMIN lines */
#define CAP_MULTILINE 0x1000000   /* draft/multiline */
#define CAP_REDACT 0x2000000      /* draft/message-redaction */
#define CAP_READ_MARKER 0x4000000 /* draft/read-marker */
#define CAP_RENAME 0x8000000      /* draft/channel-rename */
#define CAP_METADATA 0x10000000   /* draft/metadata-2 */
#define CAP_METANOTIFY 0x20000000 /* draft/metadata-notify-2 */
/* chatd/sendfile-stream: offers and downloads while the upload goes on */
#define CAP_SENDFILE_STREAM 0x40000000

/*
 * A weak pointer to a client for work that finishes later (a password
 * hash, a database job): client_free() sets client to NULL.
 */
struct client_ref {
	struct client *client;
	LIST_ENTRY(client_ref) entry;
};
LIST_HEAD(client_refs, client_ref);

/*
 * A command that answers later (a password check, a store job): while it
 * waits, its client runs none of its later lines (conn_wait_begin holds
 * them in the input buffer), and the label of the command is kept for the
 * answer. conn_wait_reply gives the client back to answer, conn_wait_end
 * sends the labeled answer and lets the client's next line run.
 */
struct conn_wait {
	struct client_ref ref;
	char *label;   /* labeled-response: the command's label, deferred */
	bool replying; /* the label is back on the client */
};

/*
 * Who someone is, wherever they are connected: what WHOIS shows, what a
 * channel lists, what a nick names. A user of this node is embedded in
 * its connection (struct client) and conn points back at it; a user that
 * lives on another node has no connection here (conn is NULL) and is
 * reached through route.c's network hooks.
 */
struct user {
	uint64_t id;
	int modes;
#define USER_OPER 0x1      /* +o: a server operator */
#define USER_INVISIBLE 0x2 /* +i */
#define USER_WALLOPS 0x4   /* +w: receives WALLOPS */
#define USER_BOT 0x8       /* +B: a bot (IRCv3 bot-mode) */
#define USER_SECURE 0x10   /* connected through TLS (WHOIS 671) */
	char nick[CHAT_NICK_MAX + 1];
	char fold[CHAT_NICK_MAX + 1];
	char username[CHAT_USER_MAX + 1];
	char *realname;
	char *host; /* shown host: the address */
	char *away;
	char *account;
	time_t signon;
	time_t last_active; /* last PRIVMSG/NOTICE, for WHOIS idle */
	unsigned nchannels;
	uint64_t serial; /* last broadcast serial seen (route.c) */
	struct members channels;
	const char *node;    /* the node it lives on; NULL: this one */
	struct client *conn; /* its connection here, or NULL */
	bool named;          /* in the nick tree */
	/* Its metadata while it has no account (metadata.c). */
	struct metadata *metadata;
	RB_ENTRY(user) nick_entry;
};
RB_HEAD(nicks, user);

/*
 * A connection to this node: the socket and everything that belongs to
 * it (buffers, flood budget, capabilities, labels, SASL), with the user
 * it carries embedded.
 */
struct client {
	struct user user;
	int flags;
	uint32_t caps;
	/*
	 * The socket: a TLS one through OpenSSL's bufferevent (bev), a plain
	 * one by conn.c itself, with buffers that exist only while they hold
	 * bytes, so that an idle client costs little more than this struct.
	 */
	struct bufferevent *bev; /* TLS only */
	struct evbuffer *in;     /* plain: bytes read and not yet run */
	struct evbuffer *out;    /* plain: the send queue */
	struct event *wev;       /* plain: write event, once it backed up */
	struct event rev;        /* plain: read event */
	int fd;                  /* plain: the socket, or -1 */
	char *quit_reason;
	char *label;       /* labeled-response: current command's label */
	int64_t last_read; /* monotonic ms of the last input */
	int64_t flood_t;   /* virtual time of the flood budget, ms */
	unsigned holds;    /* commands waiting: no later line runs meanwhile */
	unsigned cap_version;
	struct presence_watch *watch; /* MONITOR list, see presence.c */
	struct conn_ip *ip;           /* connections from the same address */
	size_t skipped;           /* bytes of the overlong line being skipped */
	struct evbuffer *capture; /* replies held for labeled-response */
	struct evbuffer *held;    /* output behind barriers (conn_barrier) */
	uint64_t held_base;       /* bytes of held already released */
	unsigned nbarriers;       /* echoes waiting for their commit */
	struct client_refs refs;  /* weak pointers to this client */
	char *sasl_mech;          /* SASL: mechanism chosen, or NULL */
	char *sasl_buf;           /* SASL: base64 received so far */
	struct multiline *multiline;     /* draft/multiline batch being sent */
	struct ws *ws;                   /* WebSocket framing, or NULL */
	TAILQ_ENTRY(client) entry;       /* all clients */
	TAILQ_ENTRY(client) dead_entry;  /* dead list */
	TAILQ_ENTRY(client) pend_entry;  /* pending list */
	TAILQ_ENTRY(client) flush_entry; /* flush list, see conn.c */
	/* The keys it subscribed to (draft/metadata-2, metadata.c). */
	struct metadata_subs *metadata_subs;
};
TAILQ_HEAD(clients, client);

/* Outcome of a command handler. */
enum cmd_result { CMD_OK, CMD_CLOSED };

/* A command table entry. */
struct cmd_entry {
	const char *name;
	int min; /* parameters */
	int max; /* -1: any */
	int flags;
#define CMD_UNREG 0x1 /* allowed before registration */
#define CMD_REG 0x2   /* allowed after registration */
#define CMD_OPER 0x4  /* server operators only */
#define CMD_NOFLOOD 0x8
	int cost; /* flood budget units */
	enum cmd_result (*exec)(struct client *, struct chat_msg *);
	const char *usage;
	const char *help;
};

/* A line to deliver, formatted once: "@tags " (tagslen bytes) then text. */
struct rline {
	char buf[CHAT_WIRE_MAX + 3];
	size_t len;
	size_t tagslen;
};

/* Globals of the process (one event loop). */
extern struct event_base *ev_base;
extern struct config *cfg;
extern struct clients all_clients;
extern struct nicks nick_tree;
extern struct channels channel_tree;
extern unsigned nclients;
extern unsigned nunregistered;
extern unsigned nopers;
extern unsigned peak_users; /* most registered users at once */
/* Kept as counts so LUSERS (sent at every registration) is O(1). */
extern unsigned ninvisible;    /* registered clients with +i */
extern unsigned nchannels_all; /* channels in channel_tree */
extern time_t start_time;

/* log.c */
#define LOG_ERR 0
#define LOG_WARN 1
#define LOG_INFO 2
#define LOG_DEBUG 3
void log_open(int level);
void log_set_level(int level);
void log_msg(int level, const char *fmt, ...) PRINTFLIKE(2, 3);
unsigned log_warnings(void);
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
void fatal(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));

/* xmalloc.c */
void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);
void replace_str(char **, const char *);

/* config.c */
struct config *config_new(void);
void config_free(struct config *);
int config_load(struct config *, const char *path, char **cause);
void config_add_str(struct config_strs *, const char *);
bool config_trusted(const struct config *, const char *addr);
const char *config_default_data_dir(void);

/* listen.c */
int listen_add(const char *spec, char **cause);
int listen_add_tls(const char *spec, char **cause);
int listen_add_ws(const char *spec, bool tls, char **cause);
void listen_free_all(void);

/* conn.c */
void conn_init(void);
void conn_wake(struct client *);
void conn_free(void);
void conn_accept(int fd, const char *addr, void *tls_ctx, bool ws);
void conn_retrust(void);
void conn_kill(struct client *, const char *reason);
void conn_kill_all(const char *reason);
void conn_close(struct client *, const char *reason);
bool conn_write(struct client *, const char *buf, size_t len);
void conn_shutdown(const char *reason);
int64_t conn_now_ms(void);
size_t conn_sendq_len(struct client *);
void conn_hold(struct client *);
void conn_release(struct client *);
void conn_wait_begin(struct conn_wait *, struct client *);
struct client *conn_wait_client(struct conn_wait *);
struct client *conn_wait_reply(struct conn_wait *);
void conn_wait_end(struct conn_wait *);
uint64_t conn_barrier(struct client *);
void conn_barrier_open(struct client *);
void conn_barrier_close(struct client *, const uint64_t *next);
void conn_attach(struct client *, int fd);
void conn_detach(struct client *);
struct evbuffer *conn_sock_input(struct client *);
struct evbuffer *conn_sock_output(struct client *);

/* user.c: users, wherever connected, and the nick tree. */
struct user *user_find(const char *nick);
void user_set_nick(struct user *, const char *nick);
void user_clear_nick(struct user *);
const char *user_name(const struct user *);
void user_prefix(const struct user *, char *buf, size_t len);
bool user_registered(const struct user *);
struct user *user_new_remote(const char *node, const char *nick,
    const char *username, const char *host, const char *realname);
void user_free_remote(struct user *);
RB_PROTOTYPE(nicks, user, nick_entry, user_nick_cmp);

/* client.c: connections of this node, registration and timeouts. */
struct client *client_new(const char *addr);
void client_free(struct client *);
void client_set_nick(struct client *, const char *nick);
void client_change_nick(struct client *, const char *nick);
void client_take_nick(struct client *, const char *nick);
void client_try_register(struct client *);
void client_exit(struct client *, const char *reason);
const char *client_name(struct client *);
void client_timer_check(struct client *, int64_t now);
void client_ref_set(struct client_ref *, struct client *);
void client_ref_clear(struct client_ref *);

/* ws.c */
enum { WS_OK = 0, WS_EOF = 1, WS_FAIL = -1 };
struct ws *ws_new(struct client *);
void ws_free(struct ws *);
struct evbuffer *ws_input(struct ws *);
struct evbuffer *ws_output(struct ws *);
size_t ws_http_error(char *buf, size_t len, int status, const char *why);
int ws_read(struct client *, size_t limit, const char **reason);
void ws_flush(struct client *);
size_t ws_pending(struct ws *);
void ws_end(struct client *, const char *line, size_t len);

/* channel.c */
struct channel *channel_find(const char *name);
struct channel *channel_create(const char *name);
void channel_destroy(struct channel *);
struct member *channel_member(struct channel *, struct user *);
struct member *channel_join(struct channel *, struct user *, int modes);
void channel_leave(struct member *);
bool channel_banned(struct channel *, struct user *);
bool channel_muted(struct channel *, struct user *);
bool channel_invexed(struct channel *, struct user *);
bool channel_invited(struct channel *, struct user *);
void channel_invite_add(struct channel *, const char *nick);
void channel_invite_del(struct channel *, const char *nick);
void channel_mode_string(
    struct channel *, bool show_key, char *buf, size_t len);
const char *channel_prefix(struct member *, bool multi);
void channel_free_all(void);
void channel_rename(struct channel *, const char *name);
RB_PROTOTYPE(channels, channel, entry, channel_cmp);

/*
 * cluster.c: many nodes, one namespace on Redis (doc/CLUSTER.md); the
 * scripts are in cluster-lua.c, the encoding between nodes in
 * cluster-wire.c.
 */
int cluster_check_config(char **cause);
int cluster_init(char **cause);
void cluster_free(void);
bool cluster_active(void);
void cluster_claim_nick(struct client *, const char *nick);
void cluster_user_add(struct client *);
void cluster_user_nick(struct client *, const char *old);
void cluster_user_changed(struct client *);
void cluster_user_exit(struct client *, bool registered);
void cluster_member_join(struct member *);
void cluster_member_leave(struct member *);

/*
 * route.c: every delivery goes through here. A selection of a channel's
 * members: not except or except2, only members with one of modes (0:
 * all), and the lines with[] for members having every bit of cap (all
 * members when cap is 0), without[] for the others (NULL: nothing).
 */
struct route_sel {
	const struct user *except;
	const struct user *except2;
	int modes;
	uint32_t cap;
	const struct rline *with;
	size_t nwith;
	const struct rline *without;
	size_t nwithout;
};
/*
 * Hooks that reach users on other nodes, set by a network of nodes; each
 * is called once per delivery, never once per remote user.
 */
struct route_net {
	void (*user)(struct user *, const struct rline *);
	void (*user_sel)(struct user *, const struct route_sel *);
	void (*account)(const char *account, const struct rline *);
	void (*channel)(struct channel *, const struct route_sel *);
	void (*peers)(struct user *, uint32_t cap, const struct rline *);
	void (*all)(int umodes, const struct rline *);
	void (*kill)(struct user *, const struct rline *, const char *why);
	void (*account_sel)(const char *account, const struct route_sel *);
	/*
	 * Call channel for every channel delivery, not only when a member
	 * is known to be elsewhere: a node's view of the others' members
	 * can be a moment behind (a cluster's announcements).
	 */
	bool channel_always;
};
void route_init(struct rline *, const char *tags, const char *source,
    const char *fmt, ...) PRINTFLIKE(4, 5);
void route_vinit(struct rline *, const char *tags, const char *source,
    const char *fmt, va_list) PRINTFLIKE(4, 0);
void route_set_net(const struct route_net *);
void route_client(struct client *, const struct rline *);
void route_bytes(struct client *, const char *buf, size_t len);
void route_user(struct user *, const struct rline *);
void route_user_cap(struct user *, uint32_t cap, const struct rline *);
void route_user_sel(struct user *, const struct route_sel *);
bool route_nick(const char *nick, const struct rline *);
size_t route_account(const char *account, const struct rline *);
size_t route_account_sel(const char *account, const struct route_sel *);
void route_sessions(
    const char *account, void (*)(struct client *, void *), void *);
void route_connections(uint32_t cap, void (*)(struct client *, void *), void *);
void route_channel_sel(struct channel *, const struct route_sel *);
void route_channel(struct channel *, struct user *except, const struct rline *);
void route_members(
    struct channel *, uint32_t cap, void (*)(struct client *, void *), void *);
void route_peers_each(struct user *, bool self, uint32_t watch_cap,
    void (*)(struct client *, void *), void *);
void route_channel_ops(
    struct channel *, struct user *except, const struct rline *);
void route_peers(struct user *, bool self, const struct rline *);
void route_peers_cap(
    struct user *, bool self, uint32_t cap, const struct rline *);
void route_all(const struct rline *);
void route_all_with(int umodes, const struct rline *);
void route_kill(struct user *, const struct rline *, const char *why);
void route_time_tag(char *buf, size_t len);

/* send.c: replies to the client that asked. */
void send_raw(struct client *, const char *fmt, ...) PRINTFLIKE(2, 3);
void send_numeric(struct client *, int num, const char *fmt, ...)
    PRINTFLIKE(3, 4);
void send_fail(struct client *, const char *cmd, const char *code,
    const char *context, const char *fmt, ...) PRINTFLIKE(5, 6);
void send_warn(struct client *, const char *cmd, const char *code,
    const char *fmt, ...) PRINTFLIKE(4, 5);
void send_note(struct client *, const char *cmd, const char *code,
    const char *fmt, ...) PRINTFLIKE(4, 5);
void send_notice(struct client *, const char *fmt, ...) PRINTFLIKE(2, 3);
#define SEND_NUMERIC(c, n, ...) \
	send_numeric(c, n, NUMERIC_FMT(n), ##__VA_ARGS__)

/* presence.c: who is online, who watches whom (MONITOR). */
void presence_online(struct client *);
void presence_offline(struct client *, const char *oldnick);
bool presence_watch_add(struct client *, const char *nick);
void presence_watch_del(struct client *, const char *nick);
void presence_watch_clear(struct client *);
size_t presence_watch_count(struct client *);
void presence_watch_list(struct client *,
    void (*cb)(struct client *, const char *nick, void *), void *arg);
void presence_watchers(
    const char *nick, void (*)(struct client *, void *), void *);
void presence_free_all(void);

/* cmd.c */
const struct cmd_entry *cmd_find(const char *name);
enum cmd_result cmd_dispatch(struct client *, char *line, size_t len);
void cmd_charge(struct client *, int cost);
extern const struct cmd_entry cmd_table[];
extern const size_t cmd_count;

/* cmd-register.c */
enum cmd_result cmd_cap(struct client *, struct chat_msg *);
char *cap_values(void);
void cap_notify_changes(const char *old);
enum cmd_result cmd_nick(struct client *, struct chat_msg *);
enum cmd_result cmd_pass(struct client *, struct chat_msg *);
bool pass_ready(struct client *);
enum cmd_result cmd_ping(struct client *, struct chat_msg *);
enum cmd_result cmd_pong(struct client *, struct chat_msg *);
enum cmd_result cmd_quit(struct client *, struct chat_msg *);
enum cmd_result cmd_user(struct client *, struct chat_msg *);
void cmd_welcome(struct client *);

/* cmd-message.c */
enum cmd_result cmd_privmsg(struct client *, struct chat_msg *);
enum cmd_result cmd_notice(struct client *, struct chat_msg *);
enum cmd_result cmd_tagmsg(struct client *, struct chat_msg *);
struct ml_line;
void message_multiline(struct client *, const char *cmd, const char *target,
    const char *ctags, const struct ml_line *, size_t nlines);

/* multiline.c: IRCv3 draft/multiline, batches clients send. */
#define MULTILINE_MAX_BYTES 4096 /* the message's text, line breaks too */
#define MULTILINE_MAX_LINES 32
#define MULTILINE_CAP "max-bytes=4096,max-lines=32"
/* One line of a multiline message; concat: no line break before it. */
struct ml_line {
	char *text;
	bool concat;
};
enum cmd_result cmd_batch(struct client *, struct chat_msg *);
bool multiline_intercept(struct client *, struct chat_msg *);
void multiline_free(struct client *);
char *multiline_join(const struct ml_line *, size_t n);
bool multiline_needed(
    const char *source, const char *cmd, const char *to, const char *text);
#define MULTILINE_SPLIT_MAX (MULTILINE_MAX_LINES + 24)
size_t multiline_split(
    const char *text, size_t piece, struct ml_line *out, size_t max);
void multiline_lines_free(struct ml_line *, size_t n);
size_t multiline_format(struct rline *with, struct rline *without,
    size_t *nwithout, const char *tags, const char *source, const char *cmd,
    const char *to, const struct ml_line *, size_t n, const char *outer);

/* cmd-channel.c */
enum cmd_result cmd_invite(struct client *, struct chat_msg *);
enum cmd_result cmd_join(struct client *, struct chat_msg *);
enum cmd_result cmd_kick(struct client *, struct chat_msg *);
enum cmd_result cmd_list(struct client *, struct chat_msg *);
enum cmd_result cmd_mode(struct client *, struct chat_msg *);
enum cmd_result cmd_names(struct client *, struct chat_msg *);
enum cmd_result cmd_part(struct client *, struct chat_msg *);
enum cmd_result cmd_rename(struct client *, struct chat_msg *);
enum cmd_result cmd_topic(struct client *, struct chat_msg *);
void names_reply(struct client *, struct channel *);
void part_all_channels(struct client *, const char *reason);

/* whowas.c */
void whowas_add(struct user *);
void whowas_free_all(void);
enum cmd_result cmd_whowas(struct client *, struct chat_msg *);

/* cmd-info.c */
enum cmd_result cmd_setname(struct client *, struct chat_msg *);
enum cmd_result cmd_links(struct client *, struct chat_msg *);
enum cmd_result cmd_help(struct client *, struct chat_msg *);
enum cmd_result cmd_motd(struct client *, struct chat_msg *);
enum cmd_result cmd_version(struct client *, struct chat_msg *);
enum cmd_result cmd_lusers(struct client *, struct chat_msg *);
enum cmd_result cmd_time(struct client *, struct chat_msg *);
enum cmd_result cmd_admin(struct client *, struct chat_msg *);
enum cmd_result cmd_info(struct client *, struct chat_msg *);
enum cmd_result cmd_who(struct client *, struct chat_msg *);
enum cmd_result cmd_whois(struct client *, struct chat_msg *);
enum cmd_result cmd_ison(struct client *, struct chat_msg *);
enum cmd_result cmd_userhost(struct client *, struct chat_msg *);
enum cmd_result cmd_away(struct client *, struct chat_msg *);
enum cmd_result cmd_monitor(struct client *, struct chat_msg *);
void motd_reply(struct client *);
void lusers_reply(struct client *);
void isupport_reply(struct client *);

/* ttt.c: tic-tac-toe refereed by the server. */
enum ttt_outcome { TTT_WIN, TTT_LOSS, TTT_DRAW };
struct ttt_stats {
	unsigned wins;
	unsigned losses;
	unsigned draws;
};
enum cmd_result cmd_ttt(struct client *, struct chat_msg *);
void ttt_client_exit(struct client *);
void ttt_client_online(struct client *);
void ttt_free_all(void);
void ttt_channel_renamed(const char *old, const char *name);
const char *ttt_cap_value(void);
void ttt_stats_record(const char *key, enum ttt_outcome);
bool ttt_stats_get(const char *key, struct ttt_stats *);
int ttt_stats_init(char **cause);
void ttt_stats_forget(const char *account);
/* The store's key-value namespace of records, keyed by account name. */
#define TTT_STATS_NS "ttt-stats"
/* worker.c: queues of typed jobs run on threads, finished on the loop. */
struct worker;
/* Embedded in a queue's own job struct (WORKER_JOB finds the struct). */
struct worker_job {
	void (*run)(struct worker_job *);  /* on a thread: the job only */
	void (*done)(struct worker_job *); /* on the loop; owns the job */
	TAILQ_ENTRY(worker_job) entry;
};
TAILQ_HEAD(worker_jobs, worker_job);
#define WORKER_JOB(wj, type, member) \
	((type *)(void *)((char *)(wj)-offsetof(type, member)))
struct worker *worker_new(const char *name, unsigned nthreads, size_t batch,
    void (*run_batch)(struct worker_jobs *, void *), void *arg);
void worker_add(struct worker *, struct worker_job *);
size_t worker_backlog(struct worker *);
size_t worker_pending(struct worker *);
void worker_free(struct worker *, void (*discard)(struct worker_job *));
/* workq.c: a thread pool for CPU-heavy jobs. */
void workq_init(void);
void workq_add(void (*work)(void *), void (*done)(void *), void *arg);
unsigned workq_count(void);
void workq_free(void);

/* account.c: accounts, logins, reserved nicks, offline messages. */
int account_init(char **cause);
void account_free_all(void);
bool account_exists(const char *name);
const char *account_display(const char *name);
int64_t account_last_seen(const char *name);
bool account_password_allowed(struct client *);
void account_register(
    struct client *, const char *name, const char *email, const char *password);
void account_login(
    struct client *, const char *name, const char *password, bool sasl);
void account_logout(struct client *);
void account_set_password(struct client *, const char *old, const char *new);
void account_welcome(struct client *);
void account_nick_changed(struct client *);
void account_client_exit(struct client *);
bool account_offline_message(struct client *, const char *target,
    const char *cmd, const char *text, const char *msgid, int64_t time_ms);
void account_whois_offline(struct client *, const char *nick);
void account_unregister(struct client *, const char *password);

/* cmd-account.c */
enum cmd_result cmd_register(struct client *, struct chat_msg *);
enum cmd_result cmd_login(struct client *, struct chat_msg *);
enum cmd_result cmd_logout(struct client *, struct chat_msg *);
enum cmd_result cmd_password(struct client *, struct chat_msg *);
enum cmd_result cmd_unregister(struct client *, struct chat_msg *);
enum cmd_result cmd_authenticate(struct client *, struct chat_msg *);

/* chanreg.c: persistent channels owned by accounts. */
int chanreg_init(char **cause);
void chanreg_free(struct channel *);
bool chanreg_admin(struct channel *, struct client *);
int chanreg_member_modes(struct channel *, struct client *);
void chanreg_created(struct channel *, struct client *);
void chanreg_changed(struct channel *);
void chanreg_prune(void);
void chanreg_renamed(struct channel *, const char *old);
enum cmd_result cmd_chanadmin(struct client *, struct chat_msg *);

/* history.c: channel and private history, CHATHISTORY and HISTORY. */
void history_init(void);
void history_free(void);
bool history_record(struct client *, struct channel *, const char *cmd,
    const char *text, const char *msgid, int64_t time_ms,
    const struct rline *echo, size_t necho);
void history_record_private(struct client *, const char *to_account,
    const char *cmd, const char *text, const char *msgid, int64_t time_ms);
void history_record_stored(const struct store_msg *, const char *to_account);
bool history_hold(struct client *);
void history_format_time(int64_t time_ms, bool iso, char *buf, size_t len);
void history_deliver(struct client *, const char *batch, const char *to,
    const struct store_msg *, bool tags_ok);
bool history_key(struct client *, const char *cmd, const char *target,
    char *key, size_t len, bool *private);
#define HISTORY_KEY_MAX (2 * CHAT_NICK_MAX + 3) /* "@a@b" or a channel */
enum cmd_result cmd_chathistory(struct client *, struct chat_msg *);
enum cmd_result cmd_history(struct client *, struct chat_msg *);

/* readmarker.c: IRCv3 draft/read-marker. */
int readmarker_init(char **cause);
void readmarker_free_all(void);
void readmarker_joined(struct client *, struct channel *);
enum cmd_result cmd_markread(struct client *, struct chat_msg *);

/*
 * metadata.c: IRCv3 draft/metadata-2. The limits are the capability's
 * value; a key and its value fit one 761 line with the longest names.
 */
#define METADATA_MAX_KEYS 20 /* per user (account) or channel */
#define METADATA_MAX_SUBS 50 /* keys a client subscribes to */
#define METADATA_MAX_VALUE_BYTES 256
#define METADATA_KEY_MAX 64    /* bytes of a key name */
#define METADATA_JOIN_MAX 100  /* members: more, and a JOIN gets 774 */
#define METADATA_KEYS_LINE 400 /* bytes of keys in one 770/771/772 */
#define METADATA_STR_(x) #x
#define METADATA_STR(x) METADATA_STR_(x)
/* clang-format off */
#define METADATA_CAP "before-connect" \
	",max-subs=" METADATA_STR(METADATA_MAX_SUBS) \
	",max-keys=" METADATA_STR(METADATA_MAX_KEYS) \
	",max-value-bytes=" METADATA_STR(METADATA_MAX_VALUE_BYTES)
/* clang-format on */
int metadata_init(char **cause);
void metadata_free_all(void);
bool metadata_key_valid(const char *key);
void metadata_user_free(struct user *);
void metadata_client_free(struct client *);
void metadata_channel_free(struct channel *);
void metadata_channel_renamed(struct channel *, const char *old);
void metadata_channel_unregistered(struct channel *);
void metadata_account_gone(const char *account);
void metadata_welcome(struct client *);
void metadata_logged_in(struct client *);
void metadata_logging_out(struct client *);
void metadata_joined(struct client *, struct channel *);
void metadata_whois(struct client *, struct user *);
enum cmd_result cmd_metadata(struct client *, struct chat_msg *);

/* redact.c: IRCv3 draft/message-redaction. */
enum cmd_result cmd_redact(struct client *, struct chat_msg *);

/* cmd-oper.c */
enum cmd_result cmd_wallops(struct client *, struct chat_msg *);
enum cmd_result cmd_die(struct client *, struct chat_msg *);
enum cmd_result cmd_kill(struct client *, struct chat_msg *);
enum cmd_result cmd_oper(struct client *, struct chat_msg *);
enum cmd_result cmd_rehash(struct client *, struct chat_msg *);

/* label.c: IRCv3 labeled-response. */
void label_begin(struct client *, const char *label);
void label_end(struct client *);
char *label_defer(struct client *);
void label_resume(struct client *, char *label);

/* passwd.c: Argon2id password hashes. */
char *passwd_hash(const char *password, char **cause);
bool passwd_verify(const char *encoded, const char *password);
int passwd_main(void);

/* main.c */
int chatd_rehash(char **cause);
void chatd_die(const char *reason);

/* SENDFILE limits (the pure rules are libchat/file.c). */
#define FILE_WINDOW 8               /* unacknowledged chunks in flight */
#define FILE_LINE_MAX (65536 + 512) /* a DATA line, CR LF included */

/* file.c: SENDFILE transfers, the file store and its worker thread. */
void file_init(void);
int file_load(char **cause);
void file_free(void);
const char *file_cap_value(void);
size_t file_input_allowance(struct client *);
bool file_data_line(struct client *, struct evbuffer *in, size_t len);
void file_data(struct client *, char *line, size_t len);
void file_offer(struct client *, const char *target, const char *name,
    const char *size, char *hash);
void file_accept(struct client *, const char *id, const char *offset);
void file_ack(struct client *, const char *id, const char *offset);
void file_decline(struct client *, const char *id);
void file_cancel(struct client *, const char *id);
void file_list(struct client *);
void file_client_online(struct client *);
void file_client_exit(struct client *);
void file_account_gone(const char *account);

/* cmd-file.c */
enum cmd_result cmd_sendfile(struct client *, struct chat_msg *);

#include "numeric-fmt.h"

#endif /* CHATD_H */
