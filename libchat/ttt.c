/*
 * Tic-tac-toe rules, kept pure so the daemon referees and the client
 * previews moves with the same code.
 */
#include <string.h>
#include <strings.h>

#include "chat.h"

/* The eight winning lines. */
static const int ttt_lines[8][3] = {
	{ 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, /* rows */
	{ 0, 3, 6 }, { 1, 4, 7 }, { 2, 5, 8 }, /* columns */
	{ 0, 4, 8 }, { 2, 4, 6 }               /* diagonals */
};

/* Start a game with an empty board and X to move. */
void
chat_ttt_init(struct chat_ttt *g)
{
	memset(g->cell, '.', sizeof g->cell);
	g->turn = 'X';
	g->moves = 0;
	g->result = CHAT_TTT_ONGOING;
}

/* Map "1".."9" or "a1".."c3" to a cell index. */
int
chat_ttt_parse_cell(const char *s)
{
	int row;

	if (s == NULL)
		return -1;
	if (s[0] >= '1' && s[0] <= '9' && s[1] == '\0')
		return s[0] - '1';
	if (s[0] >= 'a' && s[0] <= 'c')
		row = s[0] - 'a';
	else if (s[0] >= 'A' && s[0] <= 'C')
		row = s[0] - 'A';
	else
		return -1;
	if (s[1] < '1' || s[1] > '3' || s[2] != '\0')
		return -1;
	return row * 3 + (s[1] - '1');
}

/* Whether mark holds a complete line on the board. */
static bool
ttt_wins(const char *cell, char mark)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (cell[ttt_lines[i][0]] == mark &&
		    cell[ttt_lines[i][1]] == mark &&
		    cell[ttt_lines[i][2]] == mark)
			return true;
	}
	return false;
}

/* Whether c is a player's mark. */
static bool
ttt_mark_valid(char c)
{
	return c == 'X' || c == 'O';
}

/* Play one move, checking it in the order a player would want to hear. */
int
chat_ttt_move(struct chat_ttt *g, char mark, int cell)
{
	if (!ttt_mark_valid(mark))
		return CHAT_TTT_ERR_PLAYER;
	if (g->result != CHAT_TTT_ONGOING)
		return CHAT_TTT_ERR_OVER;
	if (mark != g->turn)
		return CHAT_TTT_ERR_TURN;
	if (cell < 0 || cell > 8)
		return CHAT_TTT_ERR_RANGE;
	if (g->cell[cell] != '.')
		return CHAT_TTT_ERR_TAKEN;
	g->cell[cell] = mark;
	g->moves++;
	/* The turn passes even at the end, so chat_ttt_load agrees. */
	g->turn = mark == 'X' ? 'O' : 'X';
	if (ttt_wins(g->cell, mark))
		g->result = mark == 'X' ? CHAT_TTT_X_WINS : CHAT_TTT_O_WINS;
	else if (g->moves == 9)
		g->result = CHAT_TTT_DRAW;
	return CHAT_TTT_OK;
}

/* End the game in favour of the other mark; either side may resign. */
int
chat_ttt_resign(struct chat_ttt *g, char mark)
{
	if (!ttt_mark_valid(mark))
		return CHAT_TTT_ERR_PLAYER;
	if (g->result != CHAT_TTT_ONGOING)
		return CHAT_TTT_ERR_OVER;
	g->result = mark == 'X' ? CHAT_TTT_O_WINS : CHAT_TTT_X_WINS;
	return CHAT_TTT_OK;
}

/* Write the board as a string, the form chat_ttt_load reads. */
void
chat_ttt_board(const struct chat_ttt *g, char out[10])
{
	memcpy(out, g->cell, 9);
	out[9] = '\0';
}

/*
 * Rebuild a game from a board string, refusing boards no legal game
 * reaches: wrong counts, two winners, or a win by the side that did not
 * move last. g is left untouched on error.
 */
int
chat_ttt_load(struct chat_ttt *g, const char *board)
{
	int i, nx = 0, no = 0;
	bool xw, ow;

	if (board == NULL)
		return -1;
	for (i = 0; i < 9; i++) {
		if (board[i] == 'X')
			nx++;
		else if (board[i] == 'O')
			no++;
		else if (board[i] != '.')
			return -1;
	}
	if (board[9] != '\0' || (nx != no && nx != no + 1))
		return -1;
	xw = ttt_wins(board, 'X');
	ow = ttt_wins(board, 'O');
	if ((xw && ow) || (xw && nx != no + 1) || (ow && nx != no))
		return -1;

	memcpy(g->cell, board, 9);
	g->moves = nx + no;
	g->turn = nx == no ? 'X' : 'O';
	if (xw)
		g->result = CHAT_TTT_X_WINS;
	else if (ow)
		g->result = CHAT_TTT_O_WINS;
	else if (g->moves == 9)
		g->result = CHAT_TTT_DRAW;
	else
		g->result = CHAT_TTT_ONGOING;
	return 0;
}

/* Describe a move error for a NOTICE or FAIL. */
const char *
chat_ttt_strerror(int err)
{
	switch (err) {
	case CHAT_TTT_OK:
		return "no error";
	case CHAT_TTT_ERR_OVER:
		return "the game is over";
	case CHAT_TTT_ERR_TURN:
		return "not your turn";
	case CHAT_TTT_ERR_RANGE:
		return "no such cell";
	case CHAT_TTT_ERR_TAKEN:
		return "cell already taken";
	case CHAT_TTT_ERR_PLAYER:
		return "mark must be X or O";
	}
	return "unknown error";
}

/* By enum chat_ttt_sub. */
static const char *const chat_ttt_subs[] = { "ACCEPT", "BOARD", "DECLINE",
	"INVITE", "LIST", "MOVE", "PLAYER", "REMATCH", "RESIGN", "STATE",
	"STATS" };

/* The TTT sub-command a word names, in any case. */
enum chat_ttt_sub
chat_ttt_sub(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof chat_ttt_subs / sizeof chat_ttt_subs[0]; i++) {
		if (strcasecmp(word, chat_ttt_subs[i]) == 0)
			return (enum chat_ttt_sub)i;
	}
	return CHAT_TTT_SUB_UNKNOWN;
}

/* The name of a TTT sub-command. */
const char *
chat_ttt_sub_name(enum chat_ttt_sub sub)
{
	if (sub < 0 ||
	    (size_t)sub >= sizeof chat_ttt_subs / sizeof chat_ttt_subs[0])
		return "";
	return chat_ttt_subs[sub];
}
