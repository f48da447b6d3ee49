/*
 * Tic-tac-toe refereed by the server: the TTT command family.
 *
 * A game starts life as an invitation (state TTT_INVITED) and keeps its id
 * when accepted. The rules live in libchat (chat_ttt_*); this file holds
 * who plays, where the game is shown, the timers (invitation expiry, the
 * grace period of a disconnected player) and the statistics.
 *
 * Every change is announced once as a machine line (TTT INVITE, TTT STATE,
 * TTT PLAYER) to both players and, for a game in a channel, to its
 * members; clients without the chatd/ttt capability also get the same
 * news as readable NOTICEs with the board drawn on three lines. The exact
 * formats are documented in doc/PROTOCOL.md, "Tic-tac-toe".
 */

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "chatd.h"
#include "store.h"

/* Finished games kept per player for BOARD and REMATCH. */
#define TTT_KEEP_FINISHED 5
/* Expired invitations remembered to answer EXPIRED instead of NO_INVITE. */
#define TTT_EXPIRED_RING 64
/* The store's key-value namespace of registered players' records. */

enum ttt_state { TTT_INVITED, TTT_PLAYING, TTT_OVER };

struct ttt_game;

/* One side of a game: slot 0 plays X, slot 1 plays O. */
struct ttt_slot {
	struct user *u;               /* NULL while disconnected */
	char nick[CHAT_NICK_MAX + 1]; /* kept for a disconnected player */
	char *account;                /* account at the start, if any */
	struct event *grace;          /* forfeit timer while away */
	uint64_t gone;                /* order of leaving, if away */
	struct ttt_game *game;
};

struct ttt_game {
	unsigned id;
	enum ttt_state state;
	int from; /* slot of the challenger */
	struct ttt_slot p[2];
	char chan[CHAT_CHAN_MAX + 1]; /* "" when private */
	struct chat_ttt rules;
	const char *how;      /* how it ended: line, full, ... */
	uint64_t ended;       /* order of ending, for pruning */
	struct event *expiry; /* invitation timeout */
	TAILQ_ENTRY(ttt_game) entry;
};
TAILQ_HEAD(ttt_games, ttt_game);

/* Wins, losses and draws of one player (see ttt_stats_*). */
struct ttt_stats_entry {
	char key[CHAT_NICK_MAX + 16];
	struct ttt_stats st;
	RB_ENTRY(ttt_stats_entry) entry;
};
RB_HEAD(ttt_stats_tree, ttt_stats_entry);

/* An invitation that timed out, by id and the folded nicks involved. */
struct ttt_expired {
	unsigned id;
	char from[CHAT_NICK_MAX + 1];
	char to[CHAT_NICK_MAX + 1];
};

static struct ttt_games ttt_games = TAILQ_HEAD_INITIALIZER(ttt_games);
static struct ttt_stats_tree ttt_stats_tree = RB_INITIALIZER(&ttt_stats_tree);
static struct ttt_expired ttt_expired[TTT_EXPIRED_RING];
static unsigned ttt_expired_next;
static unsigned ttt_next_id = 1;
static uint64_t ttt_end_serial;
static uint64_t ttt_gone_serial;

/* Compare statistics entries by key. */
static int
ttt_stats_cmp(struct ttt_stats_entry *a, struct ttt_stats_entry *b)
{
	return strcmp(a->key, b->key);
}
RB_PROTOTYPE(ttt_stats_tree, ttt_stats_entry, entry, ttt_stats_cmp);
RB_GENERATE(ttt_stats_tree, ttt_stats_entry, entry, ttt_stats_cmp);

/*
 * The key a player's statistics are kept under: the account when the
 * client has one (kept in the store), else "nick:" and the folded nick
 * (kept in memory until a restart), so a registered name and a nick never
 * share a record.
 */
static void
ttt_stats_key(char *buf, size_t len, const char *account, const char *nick)
{
	char fold[CHAT_NICK_MAX + 1];

	if (account != NULL) {
		snprintf(buf, len, "account:%s", account);
		return;
	}
	chat_casefold(fold, nick, sizeof fold);
	snprintf(buf, len, "nick:%s", fold);
}

/* The record under a key, created empty if needed. */
static struct ttt_stats_entry *
ttt_stats_entry(const char *key)
{
	struct ttt_stats_entry find, *e;

	strlcpy(find.key, key, sizeof find.key);
	if ((e = RB_FIND(ttt_stats_tree, &ttt_stats_tree, &find)) == NULL) {
		e = xcalloc(1, sizeof *e);
		strlcpy(e->key, key, sizeof e->key);
		RB_INSERT(ttt_stats_tree, &ttt_stats_tree, e);
	}
	return e;
}

/* A stored record could not be written: say so in the log only. */
static void
ttt_stats_stored(int err, void *arg UNUSED)
{
	if (err != STORE_OK)
		log_warn("ttt: statistics not saved: %s", store_strerror(err));
}

/* store_kv_load callback: one account's record as "wins losses draws". */
static void
ttt_stats_loaded(
    const char *account, const void *value, size_t len, void *arg UNUSED)
{
	struct ttt_stats_entry *e;
	char buf[64], key[CHAT_NICK_MAX + 16];
	unsigned w, l, d;

	if (len >= sizeof buf)
		return;
	memcpy(buf, value, len);
	buf[len] = '\0';
	if (sscanf(buf, "%u %u %u", &w, &l, &d) != 3 ||
	    account_display(account) == NULL)
		return; /* damaged, or the account is gone */
	snprintf(key, sizeof key, "account:%s", account_display(account));
	e = ttt_stats_entry(key);
	e->st.wins = w;
	e->st.losses = l;
	e->st.draws = d;
}

/*
 * Read the records of registered players (start-up, after the accounts).
 * They are few and small, so all of them are kept in memory: TTT STATS is
 * then answered at once, and a record is always written whole from the
 * one copy that is up to date.
 */
int
ttt_stats_init(char **cause)
{
	if (store_kv_load(TTT_STATS_NS, ttt_stats_loaded, NULL) != 0) {
		*cause = xstrdup("cannot read tic-tac-toe statistics");
		return -1;
	}
	return 0;
}

/* Add one outcome to a player's record; an account's goes to the store. */
void
ttt_stats_record(const char *key, enum ttt_outcome outcome)
{
	struct ttt_stats_entry *e = ttt_stats_entry(key);
	char value[64];
	int len;

	switch (outcome) {
	case TTT_WIN:
		e->st.wins++;
		break;
	case TTT_LOSS:
		e->st.losses++;
		break;
	case TTT_DRAW:
		e->st.draws++;
		break;
	}
	if (strncmp(key, "account:", 8) != 0)
		return;
	len = snprintf(value, sizeof value, "%u %u %u", e->st.wins,
	    e->st.losses, e->st.draws);
	store_kv_put(
	    TTT_STATS_NS, key + 8, value, (size_t)len, ttt_stats_stored, NULL);
}

/* Forget a deleted account's record (the store row goes with it). */
void
ttt_stats_forget(const char *account)
{
	struct ttt_stats_entry find, *e;

	snprintf(find.key, sizeof find.key, "account:%s", account);
	if ((e = RB_FIND(ttt_stats_tree, &ttt_stats_tree, &find)) != NULL) {
		RB_REMOVE(ttt_stats_tree, &ttt_stats_tree, e);
		free(e);
	}
}

/* Read a player's record; false when there is none. */
bool
ttt_stats_get(const char *key, struct ttt_stats *st)
{
	struct ttt_stats_entry find, *e;

	strlcpy(find.key, key, sizeof find.key);
	if ((e = RB_FIND(ttt_stats_tree, &ttt_stats_tree, &find)) == NULL) {
		memset(st, 0, sizeof *st);
		return false;
	}
	*st = e->st;
	return true;
}

/* The capability value: the limits a client may show its user. */
const char *
ttt_cap_value(void)
{
	static char value[64];

	snprintf(value, sizeof value, "invite=%u,grace=%u,games=%u",
	    cfg->ttt_invite_timeout, cfg->ttt_grace, cfg->ttt_max_games);
	return value;
}

/* A slot's current nick. */
static const char *
ttt_nick(const struct ttt_slot *s)
{
	return s->u != NULL ? s->u->nick : s->nick;
}

/* The slot u plays in g, or -1. */
static int
ttt_slot_of(const struct ttt_game *g, const struct user *u)
{
	if (g->p[0].u == u)
		return 0;
	if (g->p[1].u == u)
		return 1;
	return -1;
}

/* Find a game by its id as typed by a user. */
static struct ttt_game *
ttt_find(const char *s)
{
	struct ttt_game *g;
	unsigned long id;
	char *end;

	if (!isdigit((unsigned char)*s) || strlen(s) > 9)
		return NULL;
	id = strtoul(s, &end, 10);
	if (*end != '\0' || id == 0)
		return NULL;
	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->id == id)
			return g;
	}
	return NULL;
}

/* Whether s looks like a game id rather than a nick. */
static bool
ttt_is_id(const char *s)
{
	return isdigit((unsigned char)*s);
}

/* Pending invitations and live games u takes part in. */
static unsigned
ttt_count(const struct user *u)
{
	struct ttt_game *g;
	unsigned n = 0;

	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->state != TTT_OVER && ttt_slot_of(g, u) >= 0)
			n++;
	}
	return n;
}

/* Free a game and its timers. */
static void
ttt_free(struct ttt_game *g)
{
	int i;

	TAILQ_REMOVE(&ttt_games, g, entry);
	if (g->expiry != NULL)
		event_free(g->expiry);
	for (i = 0; i < 2; i++) {
		if (g->p[i].grace != NULL)
			event_free(g->p[i].grace);
		free(g->p[i].account);
	}
	free(g);
}

/* The board for the machine line: x, o and - from a1 to c3. */
static void
ttt_board9(const struct ttt_game *g, char out[10])
{
	int i;

	for (i = 0; i < 9; i++) {
		switch (g->rules.cell[i]) {
		case 'X':
			out[i] = 'x';
			break;
		case 'O':
			out[i] = 'o';
			break;
		default:
			out[i] = '-';
			break;
		}
	}
	out[9] = '\0';
}

/* The result token of the machine line. */
static const char *
ttt_result(const struct ttt_game *g)
{
	switch (g->rules.result) {
	case CHAT_TTT_X_WINS:
		return "x";
	case CHAT_TTT_O_WINS:
		return "o";
	case CHAT_TTT_DRAW:
		return "draw";
	case CHAT_TTT_ONGOING:
		break;
	}
	return "playing";
}

/* Build the TTT STATE line of a game. */
static void
ttt_state_line(struct rline *rl, const struct ttt_game *g)
{
	char board[10];
	const char *turn = "-";

	ttt_board9(g, board);
	if (g->rules.result == CHAT_TTT_ONGOING)
		turn = ttt_nick(&g->p[g->rules.turn == 'X' ? 0 : 1]);
	route_init(rl, NULL, cfg->server_name,
	    "TTT STATE %u %s %s %s %s %s %s%s%s", g->id, ttt_nick(&g->p[0]),
	    ttt_nick(&g->p[1]), board, turn, ttt_result(g), g->how,
	    g->chan[0] != '\0' ? " " : "", g->chan);
}

/* "nick (X)" for slot i, into buf. */
static const char *
ttt_who(const struct ttt_game *g, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%c)", ttt_nick(&g->p[i]), i == 0 ? 'X' : 'O');
	return buf;
}

/* The readable status: whose move it is, or how the game ended. */
static void
ttt_status(const struct ttt_game *g, char *buf, size_t len)
{
	char who[CHAT_NICK_MAX + 8];

	switch (g->rules.result) {
	case CHAT_TTT_ONGOING:
		snprintf(buf, len, "%s to move",
		    ttt_who(g, g->rules.turn == 'X' ? 0 : 1, who, sizeof who));
		break;
	case CHAT_TTT_X_WINS:
	case CHAT_TTT_O_WINS:
		snprintf(buf, len, "%s wins",
		    ttt_who(g, g->rules.result == CHAT_TTT_X_WINS ? 0 : 1, who,
		        sizeof who));
		break;
	case CHAT_TTT_DRAW:
		snprintf(buf, len, "a draw");
		break;
	}
}

/* One row of the drawn board: marks, and the numbers of free cells. */
static void
ttt_row(const struct ttt_game *g, int row, char *buf, size_t len)
{
	char c[3];
	int i;

	for (i = 0; i < 3; i++) {
		c[i] = g->rules.cell[row * 3 + i];
		if (c[i] == '.')
			c[i] = (char)('1' + row * 3 + i);
	}
	snprintf(buf, len, "  %c | %c | %c", c[0], c[1], c[2]);
}

/* Whether c should get the readable NOTICEs. */
static bool
ttt_wants_text(const struct client *c)
{
	return !(c->caps & CAP_TTT);
}

/*
 * The readable lines after the machine line, as NOTICEs to `to` (a nick
 * or the game's channel): the summary, then the board if asked; the
 * number of lines in out (at most 4, none when text is NULL).
 */
static size_t
ttt_text_lines(struct rline *out, const struct ttt_game *g, const char *to,
    const char *text, bool board)
{
	char row[32];
	size_t n = 0;
	int r;

	if (text == NULL)
		return 0;
	route_init(
	    &out[n++], NULL, cfg->server_name, "NOTICE %s :%s", to, text);
	for (r = 0; board && r < 3; r++) {
		ttt_row(g, r, row, sizeof row);
		route_init(&out[n++], NULL, cfg->server_name, "NOTICE %s :%s",
		    to, row);
	}
	return n;
}

/*
 * Tell one player: the machine line to everyone, the readable lines
 * too to a client without chatd/ttt.
 */
static void
ttt_tell(struct user *u, const struct ttt_game *g, const struct rline *machine,
    const char *text, bool board)
{
	struct rline lines[5];
	struct route_sel sel = { .cap = CAP_TTT, .with = machine, .nwith = 1 };

	lines[0] = *machine;
	sel.without = lines;
	sel.nwithout = 1 + ttt_text_lines(lines + 1, g, u->nick, text, board);
	route_user_sel(u, &sel);
}

/*
 * Announce a change: the machine line, then the readable lines (none if
 * text is NULL), to the connected players and to the members of the
 * game's channel, once each.
 */
static void
ttt_announce(const struct ttt_game *g, const struct rline *machine,
    const char *text, bool board)
{
	struct channel *ch;
	struct rline lines[5];
	struct route_sel sel = { .cap = CAP_TTT, .with = machine, .nwith = 1 };
	int i;

	for (i = 0; i < 2; i++) {
		if (g->p[i].u == NULL || (i == 1 && g->p[1].u == g->p[0].u))
			continue;
		ttt_tell(g->p[i].u, g, machine, text, board);
	}
	if (g->chan[0] == '\0' || (ch = channel_find(g->chan)) == NULL)
		return;
	lines[0] = *machine;
	sel.except = g->p[0].u;
	sel.except2 = g->p[1].u;
	sel.without = lines;
	sel.nwithout = 1 + ttt_text_lines(lines + 1, g, ch->name, text, board);
	route_channel_sel(ch, &sel);
}

/* Announce the state of a game after a change, with a readable event. */
static void
ttt_show(const struct ttt_game *g, const char *event)
{
	struct rline rl;
	char status[64], text[CHAT_LINE_MAX];

	ttt_state_line(&rl, g);
	ttt_status(g, status, sizeof status);
	snprintf(text, sizeof text, "Game %u: %s; %s.", g->id, event, status);
	ttt_announce(g, &rl, text, true);
}

/* Send a game's state and board to one client (BOARD, LIST, return). */
static void
ttt_show_client(struct client *c, const struct ttt_game *g, bool board)
{
	struct rline rl;
	char status[64], text[CHAT_LINE_MAX], x[CHAT_NICK_MAX + 8],
	    o[CHAT_NICK_MAX + 8];

	ttt_state_line(&rl, g);
	ttt_status(g, status, sizeof status);
	snprintf(text, sizeof text, "Game %u: %s vs %s%s%s; %s.", g->id,
	    ttt_who(g, 0, x, sizeof x), ttt_who(g, 1, o, sizeof o),
	    g->chan[0] != '\0' ? " in " : "", g->chan, status);
	ttt_tell(&c->user, g, &rl, text, board);
}

/* The TTT INVITE line of an invitation with a status. */
static void
ttt_invite_line(struct rline *rl, const struct ttt_game *g, const char *status)
{
	route_init(rl, NULL, cfg->server_name, "TTT INVITE %u %s %s %c %s%s%s",
	    g->id, ttt_nick(&g->p[g->from]), ttt_nick(&g->p[!g->from]),
	    g->from == 0 ? 'x' : 'o', status, g->chan[0] != '\0' ? " " : "",
	    g->chan);
}

/* Tell both sides of an invitation about it; the text is the same. */
static void
ttt_invite_tell(const struct ttt_game *g, const char *status, const char *text)
{
	struct rline rl;
	int i;

	ttt_invite_line(&rl, g, status);
	for (i = 0; i < 2; i++) {
		if (g->p[i].u != NULL)
			ttt_tell(g->p[i].u, g, &rl, text, false);
	}
}

/* Record the outcome of a finished game for both players. */
static void
ttt_record(const struct ttt_game *g)
{
	char key[2][CHAT_NICK_MAX + 16];
	int i;

	for (i = 0; i < 2; i++)
		ttt_stats_key(key[i], sizeof key[i],
		    g->p[i].u != NULL ? g->p[i].u->account : g->p[i].account,
		    ttt_nick(&g->p[i]));
	if (strcmp(key[0], key[1]) == 0)
		return;
	switch (g->rules.result) {
	case CHAT_TTT_X_WINS:
		ttt_stats_record(key[0], TTT_WIN);
		ttt_stats_record(key[1], TTT_LOSS);
		break;
	case CHAT_TTT_O_WINS:
		ttt_stats_record(key[0], TTT_LOSS);
		ttt_stats_record(key[1], TTT_WIN);
		break;
	case CHAT_TTT_DRAW:
		ttt_stats_record(key[0], TTT_DRAW);
		ttt_stats_record(key[1], TTT_DRAW);
		break;
	case CHAT_TTT_ONGOING:
		break;
	}
}

/* Drop the oldest finished games of a player beyond the keep limit. */
static void
ttt_prune(const char *nick)
{
	struct ttt_game *g, *oldest;
	unsigned n;

	for (;;) {
		n = 0;
		oldest = NULL;
		TAILQ_FOREACH(g, &ttt_games, entry) {
			if (g->state != TTT_OVER ||
			    (chat_casecmp(ttt_nick(&g->p[0]), nick) != 0 &&
			        chat_casecmp(ttt_nick(&g->p[1]), nick) != 0))
				continue;
			n++;
			if (oldest == NULL || g->ended < oldest->ended)
				oldest = g;
		}
		if (n <= TTT_KEEP_FINISHED || oldest == NULL)
			return;
		ttt_free(oldest);
	}
}

/*
 * A game has just ended: stop the timers, count it, and forget it at once
 * if nobody is left to look at it.
 */
static void
ttt_finish(struct ttt_game *g, const char *how)
{
	char nick[2][CHAT_NICK_MAX + 1];
	int i;

	g->state = TTT_OVER;
	g->how = how;
	g->ended = ++ttt_end_serial;
	for (i = 0; i < 2; i++) {
		if (g->p[i].grace != NULL)
			event_del(g->p[i].grace);
	}
	ttt_record(g);
	if (g->p[0].u == NULL && g->p[1].u == NULL) {
		ttt_free(g);
		return;
	}
	strlcpy(nick[0], ttt_nick(&g->p[0]), sizeof nick[0]);
	strlcpy(nick[1], ttt_nick(&g->p[1]), sizeof nick[1]);
	ttt_prune(nick[0]);
	ttt_prune(nick[1]);
}

/*
 * A disconnected player's grace period ran out: the game is forfeited. If
 * both players are away, whoever left first loses, whichever timer fires
 * first (timers set in one loop pass may fire in any order).
 */
static void
ttt_grace_expired(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct ttt_slot *s = arg;
	struct ttt_game *g = s->game;
	char event[CHAT_NICK_MAX + 64], who[CHAT_NICK_MAX + 8];
	int i = s == &g->p[0] ? 0 : 1;

	if (g->state != TTT_PLAYING || s->u != NULL)
		return;
	if (g->p[!i].u == NULL && g->p[!i].gone < s->gone)
		i = !i;
	chat_ttt_resign(&g->rules, i == 0 ? 'X' : 'O');
	g->how = "forfeit";
	snprintf(event, sizeof event, "%s did not come back and forfeits",
	    ttt_who(g, i, who, sizeof who));
	ttt_show(g, event);
	ttt_finish(g, "forfeit");
}

/* An invitation timed out. */
static void
ttt_invite_expired(evutil_socket_t fd UNUSED, short events UNUSED, void *arg)
{
	struct ttt_game *g = arg;
	struct ttt_expired *e =
	    &ttt_expired[ttt_expired_next++ % TTT_EXPIRED_RING];
	char text[CHAT_LINE_MAX];

	e->id = g->id;
	chat_casefold(e->from, ttt_nick(&g->p[g->from]), sizeof e->from);
	chat_casefold(e->to, ttt_nick(&g->p[!g->from]), sizeof e->to);
	snprintf(text, sizeof text, "Invitation %u from %s to %s expired.",
	    g->id, ttt_nick(&g->p[g->from]), ttt_nick(&g->p[!g->from]));
	ttt_invite_tell(g, "expired", text);
	ttt_free(g);
}

/* Whether an invitation matching id or from/to (folded) expired lately. */
static bool
ttt_was_expired(const char *arg, const struct user *to)
{
	struct ttt_expired *e;
	char fold[CHAT_NICK_MAX + 1];
	unsigned long id = 0;
	size_t i;

	if (arg != NULL && ttt_is_id(arg))
		id = strtoul(arg, NULL, 10);
	else if (arg != NULL)
		chat_casefold(fold, arg, sizeof fold);
	for (i = 0; i < TTT_EXPIRED_RING; i++) {
		e = &ttt_expired[i];
		if (e->id == 0 || strcmp(e->to, to->fold) != 0)
			continue;
		if (arg == NULL || (id != 0 && e->id == id) ||
		    (id == 0 && strcmp(e->from, fold) == 0))
			return true;
	}
	return false;
}

/* Set up a slot for a connected client. */
static void
ttt_slot_init(struct ttt_game *g, int i, struct user *u)
{
	struct ttt_slot *s = &g->p[i];

	s->u = u;
	s->game = g;
	strlcpy(s->nick, u->nick, sizeof s->nick);
	if (u->account != NULL)
		s->account = xstrdup(u->account);
}

/* Create an invitation from c to t; from_x: the challenger plays X. */
static void
ttt_invite_new(struct client *c, struct user *t, const char *chan, bool from_x)
{
	struct ttt_game *g = xcalloc(1, sizeof *g);
	struct timeval tv = { (time_t)cfg->ttt_invite_timeout, 0 };
	char text[CHAT_LINE_MAX];

	g->id = ttt_next_id++;
	g->state = TTT_INVITED;
	g->from = from_x ? 0 : 1;
	g->how = "-";
	ttt_slot_init(g, g->from, &c->user);
	ttt_slot_init(g, !g->from, t);
	if (chan != NULL)
		strlcpy(g->chan, chan, sizeof g->chan);
	chat_ttt_init(&g->rules);
	g->expiry = evtimer_new(ev_base, ttt_invite_expired, g);
	evtimer_add(g->expiry, &tv);
	TAILQ_INSERT_TAIL(&ttt_games, g, entry);

	snprintf(text, sizeof text,
	    "%s invites %s to tic-tac-toe (game %u%s%s, %s plays X). Answer "
	    "with TTT ACCEPT %u or TTT DECLINE %u within %u seconds.",
	    c->user.nick, t->nick, g->id, g->chan[0] != '\0' ? " in " : "",
	    g->chan, from_x ? c->user.nick : t->nick, g->id, g->id,
	    cfg->ttt_invite_timeout);
	ttt_invite_tell(g, "pending", text);
}

/* Check a challenge and create it, or answer FAIL. */
static void
ttt_challenge(struct client *c, const char *nick, const char *chan)
{
	struct user *t;
	struct channel *ch = NULL;
	struct ttt_game *g;

	if ((t = user_find(nick)) == NULL || !user_registered(t)) {
		send_fail(c, "TTT", "NO_SUCH_NICK", nick, "No such nick");
		return;
	}
	if (t == &c->user) {
		send_fail(c, "TTT", "SELF_CHALLENGE", nick,
		    "You cannot play against yourself");
		return;
	}
	if (chan != NULL) {
		if (!chat_is_channel(chan) ||
		    (ch = channel_find(chan)) == NULL) {
			send_fail(c, "TTT", "NO_SUCH_CHANNEL", chan,
			    "No such channel");
			return;
		}
		if (channel_member(ch, &c->user) == NULL) {
			send_fail(c, "TTT", "NOT_ON_CHANNEL", ch->name,
			    "You must be on the channel to play there");
			return;
		}
	}
	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->state == TTT_INVITED && g->p[g->from].u == &c->user &&
		    g->p[!g->from].u == t) {
			send_fail(c, "TTT", "ALREADY_INVITED", t->nick,
			    "You already invited %s (game %u)", t->nick, g->id);
			return;
		}
	}
	if (ttt_count(&c->user) >= cfg->ttt_max_games) {
		send_fail(c, "TTT", "TOO_MANY_GAMES", NULL,
		    "You have %u games and invitations open already",
		    cfg->ttt_max_games);
		return;
	}
	if (ttt_count(t) >= cfg->ttt_max_games) {
		send_fail(c, "TTT", "TOO_MANY_GAMES", t->nick,
		    "%s has too many games and invitations open", t->nick);
		return;
	}
	ttt_invite_new(c, t, ch != NULL ? ch->name : NULL, true);
}

/*
 * Find the invitation an ACCEPT or DECLINE means: by id, by the other
 * nick, or the only one there is. Incoming invitations come first;
 * outgoing ones count only if outgoing is set (DECLINE cancels them).
 * Answers FAIL and returns NULL when there is none or the choice is
 * ambiguous.
 */
static struct ttt_game *
ttt_pick_invite(
    struct client *c, const char *sub, const char *arg, bool outgoing)
{
	struct ttt_game *g, *found = NULL, *out = NULL;
	unsigned nin = 0, nout = 0;
	int i;

	if (arg != NULL && ttt_is_id(arg)) {
		g = ttt_find(arg);
		if (g != NULL && g->state == TTT_INVITED &&
		    (i = ttt_slot_of(g, &c->user)) >= 0 &&
		    (i != g->from || outgoing))
			return g;
	} else {
		TAILQ_FOREACH(g, &ttt_games, entry) {
			if (g->state != TTT_INVITED ||
			    (i = ttt_slot_of(g, &c->user)) < 0)
				continue;
			if (arg != NULL &&
			    chat_casecmp(ttt_nick(&g->p[!i]), arg) != 0)
				continue;
			if (i != g->from) {
				found = g;
				nin++;
			} else if (outgoing) {
				out = g;
				nout++;
			}
		}
		if (nin == 1 || (nin == 0 && nout == 1))
			return nin == 1 ? found : out;
		if (nin + nout > 1) {
			send_fail(c, "TTT", "AMBIGUOUS",
			    arg != NULL ? arg : "*",
			    "You have several invitations; give the game id");
			return NULL;
		}
	}
	if (ttt_was_expired(arg, &c->user))
		send_fail(c, "TTT", "EXPIRED", arg != NULL ? arg : "*",
		    "That invitation has expired");
	else
		send_fail(c, "TTT", "NO_INVITE", arg != NULL ? arg : "*",
		    "No such invitation to %s", sub);
	return NULL;
}

/* TTT ACCEPT [id|nick]: the game starts. */
static void
ttt_accept(struct client *c, const char *arg)
{
	struct ttt_game *g;
	char event[CHAT_LINE_MAX], x[CHAT_NICK_MAX + 8], o[CHAT_NICK_MAX + 8];

	if ((g = ttt_pick_invite(c, "accept", arg, false)) == NULL)
		return;
	g->state = TTT_PLAYING;
	event_free(g->expiry);
	g->expiry = NULL;
	snprintf(event, sizeof event, "%s vs %s%s%s, game on",
	    ttt_who(g, 0, x, sizeof x), ttt_who(g, 1, o, sizeof o),
	    g->chan[0] != '\0' ? " in " : "", g->chan);
	ttt_show(g, event);
}

/* TTT DECLINE [id|nick]: refuse an invitation, or withdraw one's own. */
static void
ttt_decline(struct client *c, const char *arg)
{
	struct ttt_game *g;
	char text[CHAT_LINE_MAX];
	bool mine;

	if ((g = ttt_pick_invite(c, "decline", arg, true)) == NULL)
		return;
	mine = g->p[g->from].u == &c->user;
	snprintf(text, sizeof text, "%s %s invitation %u.", c->user.nick,
	    mine ? "withdrew" : "declined", g->id);
	ttt_invite_tell(g, mine ? "cancelled" : "declined", text);
	ttt_free(g);
}

/* Find a game c may act on as a player, or answer FAIL. */
static struct ttt_game *
ttt_player_game(struct client *c, const char *arg, int *slot)
{
	struct ttt_game *g;

	if ((g = ttt_find(arg)) == NULL || g->state == TTT_INVITED) {
		send_fail(c, "TTT", "UNKNOWN_GAME", arg, "No such game");
		return NULL;
	}
	if ((*slot = ttt_slot_of(g, &c->user)) < 0) {
		send_fail(c, "TTT", "NOT_PLAYER", arg,
		    "You are not playing in game %u", g->id);
		return NULL;
	}
	if (g->state == TTT_OVER) {
		send_fail(c, "TTT", "GAME_OVER", arg, "Game %u is over", g->id);
		return NULL;
	}
	return g;
}

/* TTT MOVE <id> <cell>. */
static void
ttt_move(struct client *c, const char *id, const char *cellname)
{
	struct ttt_game *g;
	char event[CHAT_LINE_MAX], who[CHAT_NICK_MAX + 8], ctx[64];
	int i, cell, err;

	if ((g = ttt_player_game(c, id, &i)) == NULL)
		return;
	snprintf(ctx, sizeof ctx, "%u %s", g->id, cellname);
	if ((g->rules.turn == 'X' ? 0 : 1) != i) {
		send_fail(c, "TTT", "NOT_YOUR_TURN", ctx, "It is %s's turn",
		    ttt_nick(&g->p[!i]));
		return;
	}
	if ((cell = chat_ttt_parse_cell(cellname)) < 0) {
		send_fail(c, "TTT", "BAD_CELL", ctx,
		    "Cells are 1-9 (row by row) or a1-c3");
		return;
	}
	err = chat_ttt_move(&g->rules, i == 0 ? 'X' : 'O', cell);
	if (err == CHAT_TTT_ERR_TAKEN) {
		send_fail(
		    c, "TTT", "CELL_TAKEN", ctx, "Cell %d is taken", cell + 1);
		return;
	}
	if (err != CHAT_TTT_OK) {
		/* The checks above make this our own bug. */
		send_fail(
		    c, "TTT", "BAD_CELL", ctx, "%s", chat_ttt_strerror(err));
		return;
	}
	switch (g->rules.result) {
	case CHAT_TTT_X_WINS:
	case CHAT_TTT_O_WINS:
		g->how = "line";
		break;
	case CHAT_TTT_DRAW:
		g->how = "full";
		break;
	case CHAT_TTT_ONGOING:
		break;
	}
	snprintf(event, sizeof event, "%s took %d",
	    ttt_who(g, i, who, sizeof who), cell + 1);
	ttt_show(g, event);
	if (g->rules.result != CHAT_TTT_ONGOING)
		ttt_finish(g, g->how);
}

/* TTT RESIGN <id>. */
static void
ttt_resign(struct client *c, const char *id)
{
	struct ttt_game *g;
	char event[CHAT_LINE_MAX], who[CHAT_NICK_MAX + 8];
	int i;

	if ((g = ttt_player_game(c, id, &i)) == NULL)
		return;
	chat_ttt_resign(&g->rules, i == 0 ? 'X' : 'O');
	g->how = "resign";
	snprintf(
	    event, sizeof event, "%s resigned", ttt_who(g, i, who, sizeof who));
	ttt_show(g, event);
	ttt_finish(g, "resign");
}

/* Whether c may look at g: a player, or a member of its channel. */
static bool
ttt_visible(const struct ttt_game *g, struct client *c)
{
	struct channel *ch;

	if (ttt_slot_of(g, &c->user) >= 0)
		return true;
	return g->state != TTT_INVITED && g->chan[0] != '\0' &&
	    (ch = channel_find(g->chan)) != NULL &&
	    channel_member(ch, &c->user) != NULL;
}

/* TTT BOARD <id>: the state and board, to the asker only. */
static void
ttt_board(struct client *c, const char *id)
{
	struct ttt_game *g;

	if ((g = ttt_find(id)) == NULL || g->state == TTT_INVITED ||
	    !ttt_visible(g, c)) {
		send_fail(c, "TTT", "UNKNOWN_GAME", id, "No such game");
		return;
	}
	ttt_show_client(c, g, true);
}

/* TTT LIST: one's invitations and games, then TTT END LIST. */
static void
ttt_list(struct client *c)
{
	struct ttt_game *g;
	struct rline rl;

	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (ttt_slot_of(g, &c->user) < 0)
			continue;
		if (g->state == TTT_INVITED) {
			ttt_invite_line(&rl, g, "pending");
			route_client(c, &rl);
			if (ttt_wants_text(c))
				send_notice(c, "Invitation %u: %s invites %s.",
				    g->id, ttt_nick(&g->p[g->from]),
				    ttt_nick(&g->p[!g->from]));
		} else
			ttt_show_client(c, g, false);
	}
	send_raw(c, ":%s TTT END LIST", cfg->server_name);
}

/* TTT REMATCH [id]: invite the last opponent again, marks swapped. */
static void
ttt_rematch(struct client *c, const char *id)
{
	struct ttt_game *g, *last = NULL;
	struct user *t;
	int i;

	if (id != NULL) {
		if ((last = ttt_find(id)) == NULL ||
		    last->state == TTT_INVITED ||
		    ttt_slot_of(last, &c->user) < 0) {
			send_fail(c, "TTT", "UNKNOWN_GAME", id,
			    "No such game of yours");
			return;
		}
		if (last->state != TTT_OVER) {
			send_fail(c, "TTT", "NOT_OVER", id,
			    "Game %u is still being played", last->id);
			return;
		}
	} else {
		TAILQ_FOREACH(g, &ttt_games, entry) {
			if (g->state == TTT_OVER &&
			    ttt_slot_of(g, &c->user) >= 0 &&
			    (last == NULL || g->ended > last->ended))
				last = g;
		}
		if (last == NULL) {
			send_fail(c, "TTT", "UNKNOWN_GAME", "*",
			    "You have no finished game to replay");
			return;
		}
	}
	i = ttt_slot_of(last, &c->user);
	if ((t = last->p[!i].u) == NULL) {
		send_fail(c, "TTT", "NO_SUCH_NICK", last->p[!i].nick,
		    "%s has left", last->p[!i].nick);
		return;
	}
	if (last->chan[0] != '\0' && channel_find(last->chan) == NULL) {
		send_fail(
		    c, "TTT", "NO_SUCH_CHANNEL", last->chan, "No such channel");
		return;
	}
	if (ttt_count(&c->user) >= cfg->ttt_max_games ||
	    ttt_count(t) >= cfg->ttt_max_games) {
		send_fail(c, "TTT", "TOO_MANY_GAMES", NULL,
		    "Too many games and invitations open");
		return;
	}
	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->state == TTT_INVITED && g->p[g->from].u == &c->user &&
		    g->p[!g->from].u == t) {
			send_fail(c, "TTT", "ALREADY_INVITED", t->nick,
			    "You already invited %s (game %u)", t->nick, g->id);
			return;
		}
	}
	/* The one who played O moves first this time. */
	ttt_invite_new(c, t, last->chan[0] != '\0' ? last->chan : NULL, i == 1);
}

/* TTT STATS [nick]. */
static void
ttt_stats(struct client *c, const char *nick)
{
	struct user *t;
	struct ttt_stats st;
	const char *account;
	char key[CHAT_NICK_MAX + 16];
	bool known;

	if (nick == NULL)
		nick = c->user.nick;
	t = user_find(nick);
	if (t != NULL && user_registered(t)) {
		nick = t->nick;
		account = t->account;
	} else {
		/* Nobody online: a registered player's record, if any. */
		t = NULL;
		if ((account = account_display(nick)) != NULL)
			nick = account;
	}
	ttt_stats_key(key, sizeof key, account, nick);
	known = ttt_stats_get(key, &st);
	if (!known && t == NULL && account == NULL) {
		send_fail(c, "TTT", "NO_SUCH_NICK", nick,
		    "No such nick and no record");
		return;
	}
	send_raw(c, ":%s TTT STATS %s %u %u %u", cfg->server_name, nick,
	    st.wins, st.losses, st.draws);
	if (ttt_wants_text(c))
		send_notice(c, "%s: %u won, %u lost, %u drawn.", nick, st.wins,
		    st.losses, st.draws);
}

/* Whether a subcommand got its required parameters; 461 if not. */
static bool
ttt_need(struct client *c, struct chat_msg *m, int n)
{
	if (m->argc >= n)
		return true;
	SEND_NUMERIC(c, ERR_NEEDMOREPARAMS, "TTT");
	return false;
}

/*
 * A parameter as typed, or "*" if it could not be echoed back as one
 * middle parameter of a reply (empty, a leading ':', a space, too long).
 * No valid nick, channel, id or cell is ever replaced.
 */
static const char *
ttt_arg(const char *s)
{
	if (*s == '\0' || *s == ':' || strchr(s, ' ') != NULL ||
	    strlen(s) > CHAT_CHAN_MAX)
		return "*";
	return s;
}

/* The TTT command: a subcommand, or a nick to challenge. */
enum cmd_result
cmd_ttt(struct client *c, struct chat_msg *m)
{
	const char *sub = ttt_arg(m->argv[0]);
	const char *a1 = m->argc > 1 ? ttt_arg(m->argv[1]) : NULL;
	const char *a2 = m->argc > 2 ? ttt_arg(m->argv[2]) : NULL;
	enum chat_ttt_sub s = chat_ttt_sub(sub);

	if (s == CHAT_TTT_SUB_INVITE) {
		if (ttt_need(c, m, 2))
			ttt_challenge(c, a1, a2);
	} else if (s == CHAT_TTT_SUB_ACCEPT)
		ttt_accept(c, a1);
	else if (s == CHAT_TTT_SUB_DECLINE)
		ttt_decline(c, a1);
	else if (s == CHAT_TTT_SUB_MOVE) {
		if (ttt_need(c, m, 3))
			ttt_move(c, a1, a2);
	} else if (s == CHAT_TTT_SUB_RESIGN) {
		if (ttt_need(c, m, 2))
			ttt_resign(c, a1);
	} else if (s == CHAT_TTT_SUB_BOARD) {
		if (ttt_need(c, m, 2))
			ttt_board(c, a1);
	} else if (s == CHAT_TTT_SUB_LIST)
		ttt_list(c);
	else if (s == CHAT_TTT_SUB_REMATCH)
		ttt_rematch(c, a1);
	else if (s == CHAT_TTT_SUB_STATS)
		ttt_stats(c, a1);
	else
		ttt_challenge(c, sub, a1);
	return CMD_OK;
}

/*
 * A client left: its invitations are cancelled, its finished games
 * forgotten, and in live games the grace period starts.
 */
void
ttt_client_exit(struct client *c)
{
	struct ttt_game *g, *g1;
	struct ttt_slot *s;
	struct rline rl;
	struct timeval tv = { (time_t)cfg->ttt_grace, 0 };
	char text[CHAT_LINE_MAX];
	int i;

	TAILQ_FOREACH_SAFE(g, &ttt_games, entry, g1) {
		if ((i = ttt_slot_of(g, &c->user)) < 0)
			continue;
		s = &g->p[i];
		strlcpy(s->nick, c->user.nick, sizeof s->nick);
		s->u = NULL;
		s->gone = ++ttt_gone_serial;
		switch (g->state) {
		case TTT_INVITED:
			snprintf(text, sizeof text,
			    "Invitation %u cancelled: %s left.", g->id,
			    c->user.nick);
			ttt_invite_tell(g, "cancelled", text);
			ttt_free(g);
			break;
		case TTT_OVER:
			ttt_free(g);
			break;
		case TTT_PLAYING:
			if (s->grace == NULL)
				s->grace =
				    evtimer_new(ev_base, ttt_grace_expired, s);
			evtimer_add(s->grace, &tv);
			route_init(&rl, NULL, cfg->server_name,
			    "TTT PLAYER %u %s gone %u", g->id, s->nick,
			    cfg->ttt_grace);
			snprintf(text, sizeof text,
			    "Game %u: %s left; they forfeit unless they come "
			    "back within %u seconds.",
			    g->id, s->nick, cfg->ttt_grace);
			ttt_announce(g, &rl, text, false);
			break;
		}
	}
}

/*
 * Whether c may take the empty seat s: a seat taken by an account goes
 * back to that account under any nick; any other seat to the same nick.
 */
static bool
ttt_reclaims(const struct ttt_slot *s, const struct client *c)
{
	if (s->u != NULL)
		return false;
	if (s->account != NULL)
		return c->user.account != NULL &&
		    strcmp(s->account, c->user.account) == 0;
	return chat_casecmp(s->nick, c->user.nick) == 0;
}

/*
 * A client registered, changed nick or logged in: it takes back the seat
 * of a disconnected player it is (ttt_reclaims), and the other side of
 * its games learns its new nick.
 */
void
ttt_client_online(struct client *c)
{
	struct ttt_game *g;
	struct ttt_slot *s;
	struct rline rl;
	char text[CHAT_LINE_MAX];
	int i;
	bool renamed;

	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->state != TTT_PLAYING)
			continue;
		if (ttt_slot_of(g, &c->user) >= 0) {
			/* A nick change: the GUIs track players by nick. */
			ttt_state_line(&rl, g);
			ttt_announce(g, &rl, NULL, false);
			continue;
		}
		for (i = 0; i < 2; i++) {
			s = &g->p[i];
			if (!ttt_reclaims(s, c))
				continue;
			renamed = strcmp(s->nick, c->user.nick) != 0;
			s->u = &c->user;
			strlcpy(s->nick, c->user.nick, sizeof s->nick);
			event_del(s->grace);
			route_init(&rl, NULL, cfg->server_name,
			    "TTT PLAYER %u %s back", g->id, c->user.nick);
			snprintf(text, sizeof text, "Game %u: %s is back.",
			    g->id, c->user.nick);
			ttt_announce(g, &rl, text, false);
			if (renamed) {
				/* Back under another nick (same account). */
				ttt_state_line(&rl, g);
				ttt_announce(g, &rl, NULL, false);
			}
			ttt_show_client(c, g, true);
			break;
		}
	}
}

/* Free every game and record (shutdown). */
void
ttt_free_all(void)
{
	struct ttt_game *g;
	struct ttt_stats_entry *e, *e1;

	while ((g = TAILQ_FIRST(&ttt_games)) != NULL)
		ttt_free(g);
	RB_FOREACH_SAFE(e, ttt_stats_tree, &ttt_stats_tree, e1) {
		RB_REMOVE(ttt_stats_tree, &ttt_stats_tree, e);
		free(e);
	}
}

/* A channel was renamed: its games are watched under the new name. */
void
ttt_channel_renamed(const char *old, const char *name)
{
	struct ttt_game *g;

	TAILQ_FOREACH(g, &ttt_games, entry) {
		if (g->chan[0] != '\0' && chat_casecmp(g->chan, old) == 0)
			strlcpy(g->chan, name, sizeof g->chan);
	}
}
