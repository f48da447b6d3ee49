/*
 * Unit tests for the tic-tac-toe rules (libchat/ttt.c).
 */
#include <string.h>

#include "chat.h"
#include "tap.h"

static const int lines[8][3] = { { 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 },
	{ 0, 3, 6 }, { 1, 4, 7 }, { 2, 5, 8 }, { 0, 4, 8 }, { 2, 4, 6 } };

/* Whether cell c is on line l. */
static bool
on_line(int l, int c)
{
	return lines[l][0] == c || lines[l][1] == c || lines[l][2] == c;
}

/* Whether cells a, b, c form a winning line. */
static bool
is_line(int a, int b, int c)
{
	int l;

	for (l = 0; l < 8; l++) {
		if (on_line(l, a) && on_line(l, b) && on_line(l, c))
			return true;
	}
	return false;
}

/*
 * Let winner complete line l while the loser plays three cells off it that
 * do not form a line themselves (X needs all three when O wins).
 */
static bool
play_win(int l, char winner)
{
	struct chat_ttt g;
	char loser = winner == 'X' ? 'O' : 'X';
	int off[6], lose[3] = { -1, -1, -1 }, noff = 0, c, i, j, k;
	int li = 0, oi = 0, err = 0;
	enum chat_ttt_result want =
	    winner == 'X' ? CHAT_TTT_X_WINS : CHAT_TTT_O_WINS;

	for (c = 0; c < 9; c++) {
		if (!on_line(l, c))
			off[noff++] = c;
	}
	for (i = 0; i < 6 && lose[0] < 0; i++)
		for (j = i + 1; j < 6 && lose[0] < 0; j++)
			for (k = j + 1; k < 6 && lose[0] < 0; k++)
				if (!is_line(off[i], off[j], off[k])) {
					lose[0] = off[i];
					lose[1] = off[j];
					lose[2] = off[k];
				}
	chat_ttt_init(&g);
	if (winner == 'O')
		err |= chat_ttt_move(&g, 'X', lose[oi++]);
	for (i = 0; i < 3; i++) {
		err |= chat_ttt_move(&g, winner, lines[l][li++]);
		if (i < 2)
			err |= chat_ttt_move(&g, loser, lose[oi++]);
	}
	return err == 0 && g.result == want;
}

/* Every line wins for both marks. */
static void
test_wins(void)
{
	int l;

	for (l = 0; l < 8; l++) {
		ok(play_win(l, 'X'), "X wins on line %d", l);
		ok(play_win(l, 'O'), "O wins on line %d", l);
	}
}

/* Errors, draw, resign and board strings. */
static void
test_rules(void)
{
	struct chat_ttt g;
	/* X O X / X O O / O X X: a draw. */
	static const int draw[9] = { 0, 1, 2, 4, 3, 5, 7, 6, 8 };
	char board[10];
	int i, err = 0;

	chat_ttt_init(&g);
	chat_ttt_board(&g, board);
	is_str(board, ".........", "empty board");
	is_int(g.turn, 'X', "X first");
	is_int(chat_ttt_move(&g, 'O', 0), CHAT_TTT_ERR_TURN, "O out of turn");
	is_int(chat_ttt_move(&g, 'x', 0), CHAT_TTT_ERR_PLAYER, "lowercase x");
	is_int(chat_ttt_move(&g, '.', 0), CHAT_TTT_ERR_PLAYER, "dot mark");
	is_int(chat_ttt_move(&g, 'X', 9), CHAT_TTT_ERR_RANGE, "cell 9");
	is_int(chat_ttt_move(&g, 'X', -1), CHAT_TTT_ERR_RANGE, "cell -1");
	is_int(chat_ttt_move(&g, 'X', 4), CHAT_TTT_OK, "X centre");
	is_int(chat_ttt_move(&g, 'X', 0), CHAT_TTT_ERR_TURN, "X twice");
	is_int(chat_ttt_move(&g, 'O', 4), CHAT_TTT_ERR_TAKEN, "occupied");
	is_int(g.moves, 1, "one move counted");

	chat_ttt_init(&g);
	for (i = 0; i < 9; i++)
		err |= chat_ttt_move(&g, i % 2 ? 'O' : 'X', draw[i]);
	ok(err == 0 && g.result == CHAT_TTT_DRAW && g.moves == 9, "draw");
	chat_ttt_board(&g, board);
	is_str(board, "XOXXOOOXX", "draw board");
	is_int(chat_ttt_move(&g, 'O', 0), CHAT_TTT_ERR_OVER, "move after draw");
	is_int(chat_ttt_resign(&g, 'O'), CHAT_TTT_ERR_OVER, "resign after end");

	chat_ttt_init(&g);
	chat_ttt_move(&g, 'X', 0);
	is_int(chat_ttt_resign(&g, 'X'), CHAT_TTT_OK, "X resigns off turn");
	is_int(g.result, CHAT_TTT_O_WINS, "O wins by resignation");
	is_int(
	    chat_ttt_move(&g, 'O', 1), CHAT_TTT_ERR_OVER, "move after resign");
	chat_ttt_init(&g);
	is_int(
	    chat_ttt_resign(&g, 'Q'), CHAT_TTT_ERR_PLAYER, "resign bad mark");
	is_int(chat_ttt_resign(&g, 'O'), CHAT_TTT_OK, "O resigns");
	is_int(g.result, CHAT_TTT_X_WINS, "X wins by resignation");

	/* X wins, then a finished game stays finished. */
	chat_ttt_init(&g);
	chat_ttt_move(&g, 'X', 0);
	chat_ttt_move(&g, 'O', 3);
	chat_ttt_move(&g, 'X', 1);
	chat_ttt_move(&g, 'O', 4);
	chat_ttt_move(&g, 'X', 2);
	is_int(g.result, CHAT_TTT_X_WINS, "top row wins");
	is_int(chat_ttt_move(&g, 'O', 5), CHAT_TTT_ERR_OVER, "move after win");

	/* Saving and loading agree. */
	chat_ttt_board(&g, board);
	{
		struct chat_ttt h;

		is_int(chat_ttt_load(&h, board), 0, "load saved board");
		ok(h.result == g.result && h.moves == g.moves &&
		        h.turn == g.turn && memcmp(h.cell, g.cell, 9) == 0,
		    "loaded game equals played game");
	}
	is_int(chat_ttt_load(&g, "X...O...."), 0, "load midgame");
	ok(g.turn == 'X' && g.moves == 2 && g.result == CHAT_TTT_ONGOING,
	    "midgame state");
	is_int(chat_ttt_load(&g, "X........"), 0, "load one move");
	is_int(g.turn, 'O', "O to move");
	is_int(chat_ttt_load(&g, "XOXXOOOXX"), 0, "load draw");
	is_int(g.result, CHAT_TTT_DRAW, "loaded draw");
	is_int(chat_ttt_load(&g, "OOOXX.X.."), 0, "load O win");
	is_int(g.result, CHAT_TTT_O_WINS, "loaded O win");
	chat_ttt_init(&g);
	is_int(chat_ttt_load(&g, "XX......."), -1, "too many X");
	is_int(chat_ttt_load(&g, "O........"), -1, "O first");
	is_int(chat_ttt_load(&g, "XXXOOO..."), -1, "two winners");
	is_int(chat_ttt_load(&g, "XXXOO.O.."), -1, "X wins but O moved last");
	is_int(chat_ttt_load(&g, "OOOXX.XX."), -1, "O wins but X moved last");
	is_int(chat_ttt_load(&g, "........"), -1, "short board");
	is_int(chat_ttt_load(&g, ".........."), -1, "long board");
	is_int(chat_ttt_load(&g, "x........"), -1, "bad character");
	is_int(chat_ttt_load(&g, NULL), -1, "NULL board");
	chat_ttt_board(&g, board);
	is_str(board, ".........", "failed loads leave the game alone");

	for (i = CHAT_TTT_ERR_PLAYER; i <= CHAT_TTT_OK; i++)
		ok(strcmp(chat_ttt_strerror(i), "unknown error") != 0,
		    "strerror %d", i);
}

/*
 * Rejected moves change nothing: out of turn, occupied, out of range, by a
 * mark that is no player's, and after the end (win or draw) for both sides.
 */
static void
test_rejections(void)
{
	struct chat_ttt g, before;
	static const char nonplayers[] = { 'x', 'o', 'Z', '.', ' ', '\0' };
	size_t i;

	chat_ttt_init(&g);
	chat_ttt_move(&g, 'X', 4);
	before = g;
	is_int(chat_ttt_move(&g, 'X', 0), CHAT_TTT_ERR_TURN, "X out of turn");
	is_int(chat_ttt_move(&g, 'O', 4), CHAT_TTT_ERR_TAKEN, "O on X's cell");
	is_int(chat_ttt_move(&g, 'O', 9), CHAT_TTT_ERR_RANGE, "O off board");
	for (i = 0; i < sizeof nonplayers; i++) {
		is_int(chat_ttt_move(&g, nonplayers[i], 0), CHAT_TTT_ERR_PLAYER,
		    "non-player mark %d moves", nonplayers[i]);
		is_int(chat_ttt_resign(&g, nonplayers[i]), CHAT_TTT_ERR_PLAYER,
		    "non-player mark %d resigns", nonplayers[i]);
	}
	ok(memcmp(&g, &before, sizeof g) == 0, "rejections change nothing");

	/* Occupied by the mover's own mark. */
	chat_ttt_move(&g, 'O', 0);
	is_int(chat_ttt_move(&g, 'X', 4), CHAT_TTT_ERR_TAKEN, "own cell taken");

	/* X wins with the ninth move: a win, not a draw. */
	{
		/* X O X / X X O / O X X: the last X completes a diagonal. */
		static const int win9[9] = { 0, 1, 2, 3, 4, 5, 7, 6, 8 };
		int err = 0, k;

		chat_ttt_init(&g);
		for (k = 0; k < 9; k++)
			err |= chat_ttt_move(&g, k % 2 ? 'O' : 'X', win9[k]);
		ok(err == 0 && g.moves == 9 && g.result == CHAT_TTT_X_WINS,
		    "a line on the ninth move wins");
	}
	before = g;
	is_int(chat_ttt_move(&g, 'O', 0), CHAT_TTT_ERR_OVER, "loser after win");
	is_int(
	    chat_ttt_move(&g, 'X', 0), CHAT_TTT_ERR_OVER, "winner after win");
	is_int(chat_ttt_resign(&g, 'X'), CHAT_TTT_ERR_OVER, "resign after win");
	ok(memcmp(&g, &before, sizeof g) == 0, "finished game unchanged");
}

/* Cell names on the wire. */
static void
test_cells(void)
{
	static const struct {
		const char *s;
		int cell;
	} cells[] = {
		{ "1", 0 },
		{ "5", 4 },
		{ "9", 8 },
		{ "a1", 0 },
		{ "a3", 2 },
		{ "b1", 3 },
		{ "B2", 4 },
		{ "c3", 8 },
		{ "C1", 6 },
		{ "0", -1 },
		{ "10", -1 },
		{ "a0", -1 },
		{ "a4", -1 },
		{ "d1", -1 },
		{ "1a", -1 },
		{ "a", -1 },
		{ "", -1 },
		{ "a11", -1 },
		{ " a1", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof cells / sizeof cells[0]; i++)
		is_int(chat_ttt_parse_cell(cells[i].s), cells[i].cell,
		    "cell \"%s\"", cells[i].s);
	is_int(chat_ttt_parse_cell(NULL), -1, "cell NULL");
}

/* Sub-command names, both ways, any case. */
static void
test_subs(void)
{
	int i;
	bool round = true;

	is_int(chat_ttt_sub("move"), CHAT_TTT_SUB_MOVE, "any case");
	is_int(chat_ttt_sub("STATE"), CHAT_TTT_SUB_STATE, "server's STATE");
	is_int(chat_ttt_sub("alice"), CHAT_TTT_SUB_UNKNOWN,
	    "a nick to challenge is none");
	for (i = CHAT_TTT_SUB_ACCEPT; i <= CHAT_TTT_SUB_STATS; i++) {
		if (chat_ttt_sub(chat_ttt_sub_name((enum chat_ttt_sub)i)) != i)
			round = false;
	}
	ok(round, "every name finds its sub-command");
}

int
main(void)
{
	test_wins();
	test_rules();
	test_rejections();
	test_cells();
	test_subs();
	return done_testing();
}
