/*
 * libchat: the protocol module shared by chatd and gchat.
 *
 * Plain C11, no libevent, no GLib, no global state, no allocation behind the
 * caller's back. Every function works on buffers the caller owns.
 */
#ifndef LIBCHAT_CHAT_H
#define LIBCHAT_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A line without tags: 512 bytes including the CRLF. */
#define CHAT_LINE_MAX 512
/* The tag section: '@', the tags, and the space after them. */
#define CHAT_TAGS_MAX 8191
/* A whole line as received: tags plus the rest. */
#define CHAT_WIRE_MAX (CHAT_TAGS_MAX + CHAT_LINE_MAX)
/* Parameters after the command. */
#define CHAT_PARAMS_MAX 15
/* Tags kept by the parser; more are ignored (still validated). */
#define CHAT_TAGS_N 32

#define CHAT_NICK_MAX 30
#define CHAT_USER_MAX 16
#define CHAT_CHAN_MAX 50
#define CHAT_TOPIC_MAX 390
#define CHAT_KICK_MAX 255
#define CHAT_AWAY_MAX 200
#define CHAT_REAL_MAX 64

/* One message tag; value is NULL when the tag has no '='. */
struct chat_tag {
	char *key;
	char *value;
};

/* A parsed line; all pointers point into the caller's buffer. */
struct chat_msg {
	size_t ntags;
	struct chat_tag tags[CHAT_TAGS_N];
	char *source; /* without the ':', or NULL */
	char *command;
	int argc;
	char *argv[CHAT_PARAMS_MAX];
	bool trailing; /* the last parameter was written with ':' */
};

enum chat_parse_err {
	CHAT_PARSE_OK = 0,
	CHAT_PARSE_EMPTY = -1,      /* nothing but spaces */
	CHAT_PARSE_NUL = -2,        /* a NUL byte in the line */
	CHAT_PARSE_TAGS_LONG = -3,  /* tag section over CHAT_TAGS_MAX */
	CHAT_PARSE_LINE_LONG = -4,  /* rest over CHAT_LINE_MAX - 2 */
	CHAT_PARSE_NO_COMMAND = -5, /* tags or source but no command */
	CHAT_PARSE_BAD_COMMAND = -6 /* command is not letters or 3 digits */
};

/**
 * Parse one line in place.
 * @param m receives the pieces
 * @param line the line without CR LF; it is modified (NUL-terminated pieces,
 *        tag values unescaped); must have room for line[len] = '\0'
 * @param len length of the line in bytes (it may contain NUL bytes, which
 *        are reported as CHAT_PARSE_NUL)
 * @return CHAT_PARSE_OK or a negative enum chat_parse_err
 *
 * More than CHAT_PARAMS_MAX parameters: the last one keeps the rest of the
 * line, spaces included (RFC 1459). Leading and repeated spaces between
 * parameters are skipped. The command is upper-cased in place.
 */
int chat_msg_parse(struct chat_msg *m, char *line, size_t len);

/** The value of tag key in m, or NULL; *present tells if the key exists. */
const char *chat_msg_tag(
    const struct chat_msg *m, const char *key, bool *present);

/** A short English text for an enum chat_parse_err. */
const char *chat_parse_strerror(int err);

/**
 * Format a line, with CR LF, into buf.
 * @param buf output; size must be at least CHAT_WIRE_MAX + 1 to never fail
 *        for length reasons
 * @param tags the tag section without '@' (already escaped), or NULL
 * @param source without ':', or NULL
 * @param argv argc parameters; the last one is written with ':' when it is
 *        empty, starts with ':' or has a space. The others must be non-empty,
 *        without spaces, and not start with ':'.
 * @param truncated set to true when the last parameter was cut
 * @return bytes written (without the terminating NUL), or -1 when a middle
 *         parameter is invalid or the line cannot fit even with an empty
 *         last parameter
 *
 * Without tags the line is at most CHAT_LINE_MAX bytes; only the last
 * parameter is ever cut, and only at a UTF-8 character boundary.
 */
int chat_msg_format(char *buf, size_t size, const char *tags,
    const char *source, const char *command, int argc, const char *const *argv,
    bool *truncated);

/**
 * Make an already built line (no tags, no CR LF, length len) fit: cut its
 * trailing parameter (the part after the first " :" that follows the
 * command) at a UTF-8 boundary so that the line plus CR LF is at most
 * CHAT_LINE_MAX, then append CR LF. buf must have room for len + 3 bytes.
 * @return the new length, or -1 if the line has no trailing parameter and is
 *         too long. *truncated tells whether bytes were dropped.
 */
int chat_line_fit(char *buf, size_t len, bool *truncated);

/** Escape a tag value into dst (NUL-terminated); returns length or -1. */
int chat_tag_escape(char *dst, size_t size, const char *value);

/** Unescape a tag value in place. */
void chat_tag_unescape(char *value);

/* Case mapping: CASEMAPPING=ascii (A-Z fold to a-z, nothing else). */
#define CHAT_CASEMAPPING "ascii"

/** Fold src into dst (size bytes, NUL-terminated, truncating). */
void chat_casefold(char *dst, const char *src, size_t size);

/** Compare two names under the case mapping, strcmp-style. */
int chat_casecmp(const char *a, const char *b);

/**
 * A valid nick: 1..maxlen bytes; first a letter or one of []\`_^{|}, then
 * those, digits and '-'.
 */
bool chat_nick_valid(const char *nick, size_t maxlen);

/**
 * A valid channel name: '#' then 1..maxlen-1 bytes, none of them space,
 * comma, BEL (^G), CR, LF or NUL, and valid UTF-8.
 */
bool chat_chan_valid(const char *name, size_t maxlen);

/**
 * A valid IRCv3 metadata key (draft/metadata-2): 1..maxlen bytes of
 * lowercase a-z, digits and _ . / - (the current draft allows neither
 * upper case nor ':').
 */
bool chat_metadata_key_valid(const char *key, size_t maxlen);

/** Whether s starts with a channel prefix ('#'). */
bool chat_is_channel(const char *s);

/** Whether the len bytes at s are valid UTF-8 (no overlongs, surrogates). */
bool chat_utf8_valid(const char *s, size_t len);

/** The largest n <= max such that s[0..n) ends on a character boundary. */
size_t chat_utf8_cut(const char *s, size_t len, size_t max);

/**
 * Decode the character at s (len > 0 bytes available) into *cp; returns
 * its length in bytes, or 0 if s does not start with valid UTF-8.
 */
size_t chat_utf8_decode(const char *s, size_t len, uint32_t *cp);

/**
 * Glob match under the case mapping: '*' any run, '?' one byte, '\'
 * escapes the next character.
 */
bool chat_mask_match(const char *mask, const char *str);

/**
 * A bounded line splitter for clients that read raw bytes (gchat).
 * Lines end in LF (an optional CR before it is dropped).
 */
struct chat_linebuf {
	char *buf;     /* caller's storage */
	size_t size;   /* its size: longest accepted line plus one */
	size_t len;    /* bytes held */
	bool overflow; /* skipping the rest of an overlong line */
};

/** Set up a splitter over caller storage. */
void chat_linebuf_init(struct chat_linebuf *lb, char *storage, size_t size);

/**
 * Feed bytes; calls cb once per complete line (without CR LF, NUL-terminated
 * in lb's storage, valid only during the call). Overlong lines are reported
 * once with toolong = true and their text cut. Returns bytes consumed
 * (always len).
 */
size_t chat_linebuf_feed(struct chat_linebuf *lb, const char *data, size_t len,
    void (*cb)(void *arg, char *line, size_t linelen, bool toolong), void *arg);

/*
 * Tic-tac-toe rules (pure). Cells are 0..8, row by row from the top left;
 * on the wire they are 1..9 or a1..c3 (letter = row a..c, digit = column).
 */
enum chat_ttt_result {
	CHAT_TTT_ONGOING = 0,
	CHAT_TTT_X_WINS,
	CHAT_TTT_O_WINS,
	CHAT_TTT_DRAW
};

enum chat_ttt_err {
	CHAT_TTT_OK = 0,
	CHAT_TTT_ERR_OVER = -1,  /* the game has ended */
	CHAT_TTT_ERR_TURN = -2,  /* not this mark's turn */
	CHAT_TTT_ERR_RANGE = -3, /* no such cell */
	CHAT_TTT_ERR_TAKEN = -4, /* cell occupied */
	CHAT_TTT_ERR_PLAYER = -5 /* mark is neither 'X' nor 'O' */
};

struct chat_ttt {
	char cell[9]; /* 'X', 'O' or '.' */
	char turn;    /* 'X' or 'O' */
	int moves;
	enum chat_ttt_result result;
};

/** A new game; X moves first. */
void chat_ttt_init(struct chat_ttt *g);

/** Parse "1".."9" or "a1".."c3" (any case); returns 0..8 or -1. */
int chat_ttt_parse_cell(const char *s);

/** Play mark at cell; returns CHAT_TTT_OK or a negative enum chat_ttt_err. */
int chat_ttt_move(struct chat_ttt *g, char mark, int cell);

/** Resign: the other mark wins; returns CHAT_TTT_ERR_OVER if already over. */
int chat_ttt_resign(struct chat_ttt *g, char mark);

/** The board as 9 characters plus NUL into out[10]. */
void chat_ttt_board(const struct chat_ttt *g, char out[10]);

/** Load a 9-character board string (validating counts); 0 or -1. */
int chat_ttt_load(struct chat_ttt *g, const char *board);

/** A short English text for an enum chat_ttt_err. */
const char *chat_ttt_strerror(int err);

/* TTT sub-commands, both ways (doc/PROTOCOL.md, "Tic-tac-toe"). */
enum chat_ttt_sub {
	CHAT_TTT_SUB_UNKNOWN = -1,
	CHAT_TTT_SUB_ACCEPT,
	CHAT_TTT_SUB_BOARD,
	CHAT_TTT_SUB_DECLINE,
	CHAT_TTT_SUB_INVITE,
	CHAT_TTT_SUB_LIST,
	CHAT_TTT_SUB_MOVE,
	CHAT_TTT_SUB_PLAYER,
	CHAT_TTT_SUB_REMATCH,
	CHAT_TTT_SUB_RESIGN,
	CHAT_TTT_SUB_STATE,
	CHAT_TTT_SUB_STATS
};
/** The sub-command a word names (any case), or CHAT_TTT_SUB_UNKNOWN. */
enum chat_ttt_sub chat_ttt_sub(const char *word);
/** The name of a sub-command ("MOVE"). */
const char *chat_ttt_sub_name(enum chat_ttt_sub sub);

/*
 * multiline.c: IRCv3 draft/multiline, sending: the capability's limits
 * and a text cut into the lines of batches (tests/unit/test-multiline.c).
 */
struct chat_ml_limits {
	size_t max_bytes; /* text per batch, a line break counting one */
	size_t max_lines; /* lines per batch; 0: no limit given */
};
/* One line of a batch: text[off, off + len). */
struct chat_ml_piece {
	size_t off;
	size_t len;
	bool concat; /* continues the line before (draft/multiline-concat) */
	bool first;  /* begins a batch */
};
/** Parse a draft/multiline value ("max-bytes=4096,max-lines=32"); 0 or -1. */
int chat_multiline_limits(const char *value, struct chat_ml_limits *lim);
/**
 * Cut len bytes of text into pieces of at most room bytes, at line breaks
 * (LF, CR LF, CR) and UTF-8 boundaries, grouped into batches within lim
 * (NULL: lines sent one by one, blank ones left out). Returns the number
 * of pieces, of which at most max are written to out.
 */
size_t chat_multiline_split(const char *text, size_t len, size_t room,
    const struct chat_ml_limits *lim, struct chat_ml_piece *out, size_t max);

/*
 * time.c: server-time tags and CHATHISTORY timestamps (UTC, ms).
 */
#define CHAT_TIME_MAX 32 /* room for a formatted time and its NUL */
/** "YYYY-MM-DDTHH:MM:SS.mmmZ" for ms since the epoch; its length. */
int chat_time_format(char *buf, size_t len, int64_t ms);
/** Parse that (fraction and 'Z' optional) into ms; 0, or -1 if malformed. */
int chat_time_parse(const char *s, int64_t *ms);

/*
 * mode.c: channel mode strings into changes (tests/unit/test-mode.c).
 */
enum chat_mode_type {
	CHAT_MODE_UNKNOWN = 0,
	CHAT_MODE_FLAG,   /* CHANMODES type D: never an argument */
	CHAT_MODE_LIST,   /* type A: an argument (none: see the list) */
	CHAT_MODE_ALWAYS, /* type B: an argument to set and to unset */
	CHAT_MODE_SET,    /* type C: an argument only to set */
	CHAT_MODE_PREFIX  /* a PREFIX letter: a nick */
};
enum chat_mode_err {
	CHAT_MODE_OK = 0,
	CHAT_MODE_UNKNOWN_LETTER,
	CHAT_MODE_NEEDARG,
	CHAT_MODE_TOOMANY,
	CHAT_MODE_EXTRA
};
/* What the server advertises: CHANMODES, PREFIX letters, MODES. */
struct chat_mode_spec {
	char list[32];
	char always[32];
	char set[32];
	char flags[64];
	char prefix[16];
	int max; /* changes with an argument per line; 0: no limit */
};
struct chat_mode_change {
	char letter;
	bool add;
	enum chat_mode_type type;
	const char *arg;        /* NULL when it takes none (or none came) */
	bool list;              /* a list mode without argument: show it */
	enum chat_mode_err err; /* UNKNOWN_LETTER or NEEDARG, else OK */
};
struct chat_mode_result {
	size_t n;               /* changes parsed */
	enum chat_mode_err err; /* the first error */
	char letter;            /* the letter it names ('\0' for EXTRA) */
	const char *arg;        /* or the argument */
	bool stopped;           /* TOOMANY: letters after n were not parsed */
	int extra;              /* arguments no letter took */
};
void chat_mode_spec_init(struct chat_mode_spec *, const char *chanmodes,
    const char *prefix, int max);
enum chat_mode_type chat_mode_type(const struct chat_mode_spec *, char letter);
enum chat_mode_err chat_mode_parse(const struct chat_mode_spec *,
    const char *modes, const char *const *args, int nargs,
    struct chat_mode_change *out, size_t size, struct chat_mode_result *res);
const char *chat_mode_strerror(enum chat_mode_err err);

/*
 * file.c: the rules of SENDFILE both sides follow
 * (tests/unit/test-filechunk.c).
 */
#define CHAT_FILE_CHUNK 49152 /* bytes per DATA line (base64: 65536) */
#define CHAT_FILE_NAME_MAX 200
#define CHAT_FILE_HASH_HEX 64
#define CHAT_FILE_DATA_PREFIX 14 /* strlen("SENDFILE DATA ") */
enum chat_file_err {
	CHAT_FILE_OK = 0,
	CHAT_FILE_WRONG_OFFSET,
	CHAT_FILE_TOO_BIG,
	CHAT_FILE_TOO_MUCH,
	CHAT_FILE_EMPTY
};
struct chat_file_data {
	uint64_t id;
	uint64_t offset;
	const char *b64;
	size_t b64len;
};
struct chat_file_window {
	uint64_t size;
	uint64_t acked; /* the receiver has [0, acked) */
	uint64_t sent;  /* chunks up to here are on their way */
	size_t chunk;
	unsigned window;
};
size_t chat_file_b64_encode(char *dst, const unsigned char *src, size_t len);
ssize_t chat_file_b64_decode(unsigned char *dst, const char *src, size_t len);
int chat_file_parse_u64(const char *s, uint64_t *out);
bool chat_file_hash_valid(char *hex);
bool chat_file_is_data(const char *head, size_t len);
int chat_file_parse_data(char *line, size_t len, struct chat_file_data *);
void chat_file_sanitize_name(char *dst, size_t size, const char *name);
const char *chat_file_mime(
    const unsigned char *head, size_t len, const char *name);
enum chat_file_err chat_file_upload_check(
    uint64_t expect, uint64_t size, uint64_t off, size_t len);
void chat_file_window_init(struct chat_file_window *, uint64_t size,
    uint64_t start, size_t chunk, unsigned window);
bool chat_file_window_next(
    struct chat_file_window *, uint64_t *off, size_t *len);
bool chat_file_window_next_upto(
    struct chat_file_window *, uint64_t limit, uint64_t *off, size_t *len);
enum chat_file_err chat_file_window_ack(
    struct chat_file_window *, uint64_t off);
bool chat_file_window_done(const struct chat_file_window *);

/* SENDFILE sub-commands, both ways (doc/PROTOCOL.md, "File transfer"). */
enum chat_file_sub {
	CHAT_FILE_SUB_UNKNOWN = -1,
	CHAT_FILE_SUB_ACCEPT,
	CHAT_FILE_SUB_ACK,
	CHAT_FILE_SUB_BEGIN,
	CHAT_FILE_SUB_CANCEL,
	CHAT_FILE_SUB_DATA,
	CHAT_FILE_SUB_DECLINE,
	CHAT_FILE_SUB_END,
	CHAT_FILE_SUB_ENTRY,
	CHAT_FILE_SUB_LIST,
	CHAT_FILE_SUB_OFFER,
	CHAT_FILE_SUB_STATUS,
	CHAT_FILE_SUB_STORED,
	CHAT_FILE_SUB_TO,
	CHAT_FILE_SUB_UPLOAD
};
/** The sub-command a word names (any case), or CHAT_FILE_SUB_UNKNOWN. */
enum chat_file_sub chat_file_sub(const char *word);
/** The name of a sub-command ("ACCEPT"). */
const char *chat_file_sub_name(enum chat_file_sub sub);

#endif /* LIBCHAT_CHAT_H */
