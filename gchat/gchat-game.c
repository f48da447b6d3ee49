/*
 * gchat-game.c: a tic-tac-toe game between us and an opponent. The server
 * referees; this object only mirrors the state it announces (players,
 * board, whose turn, result), checks a board with libchat's rules before
 * believing it, and tells the board widget which cells we may play. Moves
 * go out through the session; the next state line comes back here.
 */
#include "config.h"

#include <string.h>

#include "gchat-game.h"

struct _GchatGame
{
  GObject parent_instance;

  char           *id;
  char           *me;
  char           *opponent;
  char            my_mark; /* 'X', 'O', or 0 before the server says */
  GchatGameState  state;
  struct chat_ttt ttt;
};

G_DEFINE_FINAL_TYPE (GchatGame, gchat_game, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatGameState,
                    gchat_game_state,
                    G_DEFINE_ENUM_VALUE (GCHAT_GAME_CHALLENGED, "challenged"),
                    G_DEFINE_ENUM_VALUE (GCHAT_GAME_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (GCHAT_GAME_PLAYING, "playing"),
                    G_DEFINE_ENUM_VALUE (GCHAT_GAME_OVER, "over"),
                    G_DEFINE_ENUM_VALUE (GCHAT_GAME_DECLINED, "declined"))

enum { SIG_CHANGED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

static void
gchat_game_finalize (GObject *object)
{
  GchatGame *self = GCHAT_GAME (object);

  g_free (self->id);
  g_free (self->me);
  g_free (self->opponent);
  G_OBJECT_CLASS (gchat_game_parent_class)->finalize (object);
}

static void
gchat_game_class_init (GchatGameClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gchat_game_finalize;

  /** GchatGame::changed: the board, the turn, the result or the state changed. */
  signals[SIG_CHANGED] = g_signal_new ("changed",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0,
                                       NULL,
                                       NULL,
                                       NULL,
                                       G_TYPE_NONE,
                                       0);
}

static void
gchat_game_init (GchatGame *self)
{
  chat_ttt_init (&self->ttt);
}

/** gchat_game_new: game @id between @me and @opponent, in @state. */
GchatGame *
gchat_game_new (const char *id, const char *me, const char *opponent, GchatGameState state)
{
  GchatGame *self = g_object_new (GCHAT_TYPE_GAME, NULL);

  self->id = g_strdup (id);
  self->me = g_strdup (me);
  self->opponent = g_strdup (opponent);
  self->state = state;
  return self;
}

/** gchat_game_get_id: the server's id for the game. */
const char *
gchat_game_get_id (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  return self->id;
}

/** gchat_game_get_opponent: the other player's nick. */
const char *
gchat_game_get_opponent (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  return self->opponent;
}

/** gchat_game_get_state: challenged, waiting, playing, over or declined. */
GchatGameState
gchat_game_get_state (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), GCHAT_GAME_OVER);
  return self->state;
}

/** gchat_game_set_state: record an answer (declined) or the end. */
void
gchat_game_set_state (GchatGame *self, GchatGameState state)
{
  g_return_if_fail (GCHAT_IS_GAME (self));
  if (self->state == state)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_game_get_my_mark: 'X' or 'O', or 0 before the game starts. */
char
gchat_game_get_my_mark (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), 0);
  return self->my_mark;
}

/** gchat_game_get_cell: 'X', 'O' or '.' for cell 0..8 (row by row). */
char
gchat_game_get_cell (GchatGame *self, int cell)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self) && cell >= 0 && cell < 9, '.');
  return self->ttt.cell[cell];
}

/** gchat_game_get_turn: whose mark moves next. */
char
gchat_game_get_turn (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), 'X');
  return self->ttt.turn;
}

/** gchat_game_get_result: ongoing, a win for X or O, or a draw. */
enum chat_ttt_result
gchat_game_get_result (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), CHAT_TTT_ONGOING);
  return self->ttt.result;
}

/**
 * gchat_game_update:
 * Take the server's state: the players (which tells our mark), the board as
 * nine 'X', 'O' or '.', and a status word: "x-won" or "o-won" (by three in
 * a row or because the other resigned), "draw", or anything else (such as
 * whose turn it is) for a game still going. A board that breaks the rules is refused.
 * Returns: FALSE (and nothing changes) for an impossible state.
 */
gboolean
gchat_game_update (GchatGame  *self,
                   const char *x_nick,
                   const char *o_nick,
                   const char *board,
                   const char *status)
{
  struct chat_ttt next;

  g_return_val_if_fail (GCHAT_IS_GAME (self), FALSE);
  chat_ttt_init (&next);
  if (board == NULL || strlen (board) != 9 || chat_ttt_load (&next, board) != 0)
    return FALSE;
  if (g_ascii_strcasecmp (status, "x-won") == 0)
    next.result = CHAT_TTT_X_WINS;
  else if (g_ascii_strcasecmp (status, "o-won") == 0)
    next.result = CHAT_TTT_O_WINS;
  else if (g_ascii_strcasecmp (status, "draw") == 0)
    next.result = CHAT_TTT_DRAW;
  if (x_nick != NULL && chat_casecmp (x_nick, self->me) == 0)
    self->my_mark = 'X';
  else if (o_nick != NULL && chat_casecmp (o_nick, self->me) == 0)
    self->my_mark = 'O';
  self->ttt = next;
  self->state = next.result == CHAT_TTT_ONGOING ? GCHAT_GAME_PLAYING : GCHAT_GAME_OVER;
  g_signal_emit (self, signals[SIG_CHANGED], 0);
  return TRUE;
}

/** gchat_game_can_move: whether we may play @cell now (our turn, cell free). */
gboolean
gchat_game_can_move (GchatGame *self, int cell)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), FALSE);
  return self->state == GCHAT_GAME_PLAYING && self->my_mark != 0 &&
    self->ttt.turn == self->my_mark && cell >= 0 && cell < 9 && self->ttt.cell[cell] == '.';
}

/** gchat_game_describe: the game's state in words, from our side. */
char *
gchat_game_describe (GchatGame *self)
{
  char winner;

  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  switch (self->state) {
    case GCHAT_GAME_CHALLENGED:
      return g_strdup_printf ("%s challenges you to tic-tac-toe", self->opponent);
    case GCHAT_GAME_WAITING:
      return g_strdup_printf ("Waiting for %s to accept", self->opponent);
    case GCHAT_GAME_DECLINED:
      return g_strdup_printf ("%s declined the game", self->opponent);
    case GCHAT_GAME_PLAYING:
      if (self->ttt.turn == self->my_mark)
        return g_strdup_printf ("Your turn (you are %c)", self->my_mark);
      return g_strdup_printf ("%s's turn (you are %c)",
                              self->opponent,
                              self->my_mark ? self->my_mark : '?');
    case GCHAT_GAME_OVER:
    default:
      if (self->ttt.result == CHAT_TTT_DRAW)
        return g_strdup ("Draw");
      winner = self->ttt.result == CHAT_TTT_X_WINS ? 'X' : 'O';
      return winner == self->my_mark ? g_strdup ("You won")
                                     : g_strdup_printf ("%s won", self->opponent);
  }
}
