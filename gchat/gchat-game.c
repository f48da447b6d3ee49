/*
 * gchat-game.c: a tic-tac-toe game. chatd referees (doc/PROTOCOL.md,
 * "Tic-tac-toe"); this object mirrors the state it announces in its
 * machine lines (players, board, result and how it ended), believes a
 * board only if libchat's rules allow it, and tells the board widget which
 * cells we may play. We may also only watch: a game in a channel is shown
 * to its members.
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
  char           *where; /* the conversation showing it: a nick or #channel */
  char           *x_nick;
  char           *o_nick;
  char           *how;     /* line, full, resign, forfeit */
  char           *ended;   /* declined, cancelled, expired */
  char           *record;  /* the opponent's wins, losses and draws in words */
  char            my_mark; /* 'X', 'O', or 0 (not yet known, or watching) */
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
  g_free (self->where);
  g_free (self->x_nick);
  g_free (self->o_nick);
  g_free (self->how);
  g_free (self->ended);
  g_free (self->record);
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

/** gchat_game_new: game @id seen by @me, against (or watching) @opponent, in @state. */
GchatGame *
gchat_game_new (const char *id, const char *me, const char *opponent, GchatGameState state)
{
  GchatGame *self = g_object_new (GCHAT_TYPE_GAME, NULL);

  self->id = g_strdup (id);
  self->me = g_strdup (me);
  self->opponent = g_strdup (opponent);
  self->where = g_strdup (opponent);
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

/** gchat_game_get_where: the conversation that shows the game (nick or channel). */
const char *
gchat_game_get_where (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  return self->where;
}

/** gchat_game_get_record: the opponent's record in words (TTT STATS), or NULL. */
const char *
gchat_game_get_record (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  return self->record;
}

/** gchat_game_set_record: the server told the opponent's record (shown on the board). */
void
gchat_game_set_record (GchatGame *self, const char *record)
{
  g_return_if_fail (GCHAT_IS_GAME (self));
  if (g_strcmp0 (self->record, record) == 0)
    return;
  g_free (self->record);
  self->record = g_strdup (record);
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_game_set_where: the game is played in a channel. */
void
gchat_game_set_where (GchatGame *self, const char *where)
{
  g_return_if_fail (GCHAT_IS_GAME (self));
  g_free (self->where);
  self->where = g_strdup (where);
}

/** gchat_game_get_state: challenged, waiting, playing, over or declined. */
GchatGameState
gchat_game_get_state (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), GCHAT_GAME_OVER);
  return self->state;
}

/** gchat_game_set_state: record a state the server did not announce itself. */
void
gchat_game_set_state (GchatGame *self, GchatGameState state)
{
  g_return_if_fail (GCHAT_IS_GAME (self));
  if (self->state == state)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_game_end_invitation: the invitation was declined, cancelled or expired (@status). */
void
gchat_game_end_invitation (GchatGame *self, const char *status)
{
  g_return_if_fail (GCHAT_IS_GAME (self));
  if (self->state != GCHAT_GAME_CHALLENGED && self->state != GCHAT_GAME_WAITING)
    return;
  g_free (self->ended);
  self->ended = g_strdup (status);
  self->state = GCHAT_GAME_DECLINED;
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_game_get_my_mark: 'X' or 'O', or 0 before the game starts or when watching. */
char
gchat_game_get_my_mark (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), 0);
  return self->my_mark;
}

/** gchat_game_is_player: whether we play (rather than watch). */
gboolean
gchat_game_is_player (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), FALSE);
  return self->my_mark != 0 || self->state == GCHAT_GAME_CHALLENGED ||
    self->state == GCHAT_GAME_WAITING;
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

/* Replace *field with a copy of @value. */
static void
set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/**
 * gchat_game_update:
 * Take a STATE line: the players (which tells our mark), the board as nine
 * cells (x, o and - as chatd writes them, or X, O and .), the result
 * (playing, x, o or draw) and how it ended (line, full, resign, forfeit or
 * -). A board that breaks the rules is refused.
 * Returns: FALSE (and nothing changes) for an impossible state.
 */
gboolean
gchat_game_update (GchatGame  *self,
                   const char *x_nick,
                   const char *o_nick,
                   const char *board,
                   const char *result,
                   const char *how)
{
  struct chat_ttt next;
  char            cells[10];

  g_return_val_if_fail (GCHAT_IS_GAME (self), FALSE);
  if (board == NULL || strlen (board) != 9)
    return FALSE;
  for (int i = 0; i < 9; i++)
    cells[i] = board[i] == 'x' || board[i] == 'X' ? 'X'
      : board[i] == 'o' || board[i] == 'O'        ? 'O'
      : board[i] == '-' || board[i] == '.'        ? '.'
                                                  : '?';
  cells[9] = '\0';
  chat_ttt_init (&next);
  if (chat_ttt_load (&next, cells) != 0)
    return FALSE;
  if (g_ascii_strcasecmp (result, "x") == 0)
    next.result = CHAT_TTT_X_WINS;
  else if (g_ascii_strcasecmp (result, "o") == 0)
    next.result = CHAT_TTT_O_WINS;
  else if (g_ascii_strcasecmp (result, "draw") == 0)
    next.result = CHAT_TTT_DRAW;
  else if (next.result != CHAT_TTT_ONGOING)
    return FALSE; /* "playing" on a finished board */
  set_str (&self->x_nick, x_nick);
  set_str (&self->o_nick, o_nick);
  set_str (&self->how, how != NULL && strcmp (how, "-") != 0 ? how : NULL);
  self->my_mark = 0;
  if (self->me != NULL && x_nick != NULL && chat_casecmp (x_nick, self->me) == 0)
    self->my_mark = 'X';
  else if (self->me != NULL && o_nick != NULL && chat_casecmp (o_nick, self->me) == 0)
    self->my_mark = 'O';
  if (self->my_mark != 0)
    set_str (&self->opponent, self->my_mark == 'X' ? o_nick : x_nick);
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

/* "You won", "bob won", with how when it was not a line. */
static char *
gchat_game_describe_end (GchatGame *self)
{
  char             winner = self->ttt.result == CHAT_TTT_X_WINS ? 'X' : 'O';
  const char      *winner_nick = winner == 'X' ? self->x_nick : self->o_nick;
  const char      *loser_nick = winner == 'X' ? self->o_nick : self->x_nick;
  g_autofree char *who = NULL;
  const char      *why = "";

  if (self->ttt.result == CHAT_TTT_DRAW)
    return g_strdup ("Draw");
  who = self->my_mark == 0    ? g_strdup_printf ("%s won", winner_nick)
    : winner == self->my_mark ? g_strdup ("You won")
                              : g_strdup_printf ("%s won", winner_nick);
  if (g_strcmp0 (self->how, "resign") == 0)
    why = " resigned";
  else if (g_strcmp0 (self->how, "forfeit") == 0)
    why = " left and forfeited";
  if (*why == '\0')
    return g_steal_pointer (&who);
  return g_strdup_printf ("%s (%s%s)",
                          who,
                          self->my_mark != 0 && winner != self->my_mark ? "you" : loser_nick,
                          why);
}

/** gchat_game_describe: the game's state in words, from our side. */
char *
gchat_game_describe (GchatGame *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME (self), NULL);
  switch (self->state) {
    case GCHAT_GAME_CHALLENGED:
      return g_strdup_printf ("%s challenges you to tic-tac-toe", self->opponent);
    case GCHAT_GAME_WAITING:
      return g_strdup_printf ("Waiting for %s to accept", self->opponent);
    case GCHAT_GAME_DECLINED:
      if (g_strcmp0 (self->ended, "expired") == 0)
        return g_strdup ("The invitation expired");
      if (g_strcmp0 (self->ended, "cancelled") == 0)
        return g_strdup ("The invitation was cancelled");
      return g_strdup_printf ("The game with %s was declined", self->opponent);
    case GCHAT_GAME_PLAYING:
      if (self->my_mark == 0)
        return g_strdup_printf ("%s (X) against %s (O): %s to move",
                                self->x_nick,
                                self->o_nick,
                                self->ttt.turn == 'X' ? self->x_nick : self->o_nick);
      if (self->ttt.turn == self->my_mark)
        return g_strdup_printf ("Your turn (you are %c)", self->my_mark);
      return g_strdup_printf ("%s's turn (you are %c)", self->opponent, self->my_mark);
    case GCHAT_GAME_OVER:
    default:
      return gchat_game_describe_end (self);
  }
}
