/*
 * gchat-session-games.c: tic-tac-toe (TTT machine lines): games, their
 * boards in conversations, and the opponents' records.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* Ask for the opponent's record, for the board (TTT STATS; chatd/ttt only). */
static void
gchat_session_ask_record (GchatSession *self, GchatGame *game)
{
  if (gchat_connection_has_cap (self->conn, "chatd/ttt"))
    gchat_server_requests_stats (self->requests, gchat_game_get_opponent (game));
}

/* A record arrived (GchatServerRequests::stats): show it on the boards of that opponent. */
void
gchat_session_record_arrived (GchatServerRequests *requests,
                              const char          *nick,
                              const char          *error,
                              GchatSession        *self)
{
  guint            w, l, d;
  g_autofree char *text = NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  if (error != NULL || !gchat_server_requests_lookup_stats (requests, nick, &w, &l, &d))
    return;
  text = g_strdup_printf ("%s: %u won, %u lost, %u drawn", nick, w, l, d);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatGame) game = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (chat_casecmp (gchat_game_get_opponent (game), nick) == 0)
      gchat_game_set_record (game, text);
  }
}

/** gchat_session_find_game: the game with server id @id (borrowed), or NULL. */
GchatGame *
gchat_session_find_game (GchatSession *self, const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatGame) g = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (g_strcmp0 (gchat_game_get_id (g), id) == 0)
      return g;
  }
  return NULL;
}

/* A game we have not seen: keep it and show its board where it is played. */
static GchatGame *
gchat_session_add_game (GchatSession  *self,
                        const char    *id,
                        const char    *opponent,
                        GchatGameState state,
                        const char    *channel)
{
  g_autoptr (GchatGame) game = NULL;
  g_autoptr (GchatMessage) msg = NULL;
  GchatConversation *conv = NULL;
  gboolean           theirs = state == GCHAT_GAME_CHALLENGED;

  game = gchat_game_new (id, gchat_connection_get_nick (self->conn), opponent, state);
  if (channel != NULL && (conv = gchat_session_find (self, channel)) != NULL)
    gchat_game_set_where (game, channel);
  else
    conv = gchat_session_open_query (self, opponent, FALSE);
  g_list_store_append (self->games, game);
  gchat_session_ask_record (self, game);
  msg = gchat_message_new_item (theirs ? opponent : gchat_connection_get_nick (self->conn),
                                G_OBJECT (game),
                                !theirs);
  gchat_conversation_add (conv, msg);
  if (theirs)
    gchat_session_notify_message (self, conv, msg);
  return game;
}

/*
 * TTT machine lines (doc/PROTOCOL.md, "The capability and the machine
 * lines"; gchat asks for the chatd/ttt capability so it gets only these):
 *   TTT INVITE <id> <from> <to> <from-mark> <status> [<#channel>]
 *   TTT STATE <id> <x> <o> <board> <turn> <result> <how> [<#channel>]
 *   TTT PLAYER <id> <nick> gone <seconds> | back
 * Anything else (END LIST, a STATS the UI did not ask for: the ones it
 * asked for go to GchatServerRequests first) is shown as text.
 */
void
gchat_session_handle_ttt (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char        *me = gchat_connection_get_nick (self->conn);
  const char        *sub = m->argc > 0 ? m->argv[0] : "";
  enum chat_ttt_sub  s = chat_ttt_sub (sub);
  GchatGame         *game = m->argc > 1 ? gchat_session_find_game (self, m->argv[1]) : NULL;
  g_autofree char   *text = NULL;
  GchatConversation *conv;

  if (s == CHAT_TTT_SUB_INVITE && m->argc >= 6) {
    gboolean    mine = gchat_connection_is_me (self->conn, m->argv[2]);
    const char *channel = m->argc > 6 ? m->argv[6] : NULL;

    if (strcmp (m->argv[5], "pending") == 0 && game == NULL)
      gchat_session_add_game (self,
                              m->argv[1],
                              mine ? m->argv[3] : m->argv[2],
                              mine ? GCHAT_GAME_WAITING : GCHAT_GAME_CHALLENGED,
                              channel);
    else if (game != NULL)
      gchat_game_end_invitation (game, m->argv[5]);
    return;
  }
  if (s == CHAT_TTT_SUB_STATE && m->argc >= 8) {
    const char *x = m->argv[2];
    const char *o = m->argv[3];
    gboolean    was_over;

    if (game == NULL)
      game = gchat_session_add_game (self,
                                     m->argv[1],
                                     me != NULL && chat_casecmp (x, me) == 0 ? o : x,
                                     GCHAT_GAME_PLAYING,
                                     m->argc > 8 ? m->argv[8] : NULL);
    was_over = gchat_game_get_state (game) == GCHAT_GAME_OVER;
    if (!gchat_game_update (game, x, o, m->argv[4], m->argv[6], m->argv[7]))
      g_debug ("ignoring an impossible board for game %s", m->argv[1]);
    else if (!was_over && gchat_game_get_state (game) == GCHAT_GAME_OVER)
      gchat_session_ask_record (self, game); /* it changed with this result */
    return;
  }
  if (s == CHAT_TTT_SUB_PLAYER && m->argc >= 4 && game != NULL) {
    conv = gchat_session_find (self, gchat_game_get_where (game));
    if (g_ascii_strcasecmp (m->argv[3], "gone") == 0)
      text = g_strdup_printf ("%s left game %s and loses it in %s s unless they come back",
                              m->argv[2],
                              m->argv[1],
                              m->argc > 4 ? m->argv[4] : "?");
    else
      text = g_strdup_printf ("%s is back in game %s", m->argv[2], m->argv[1]);
    gchat_conversation_add_text (conv != NULL ? conv : gchat_session_note_target (self),
                                 GCHAT_MESSAGE_EVENT,
                                 text);
    return;
  }
  text = gchat_session_text_from (m, 0);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/**
 * gchat_session_ttt_challenge:
 * Challenge @nick (TTT INVITE), in @channel so its members watch, or
 * privately when @channel is NULL.
 */
gboolean
gchat_session_ttt_challenge (GchatSession *self,
                             const char   *nick,
                             const char   *channel,
                             GError      **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  if (!chat_nick_valid (nick, CHAT_NICK_MAX) || gchat_connection_is_me (self->conn, nick))
    return gchat_session_fail (self,
                               error,
                               "Challenge someone else: “%s” is not another person's nick",
                               nick);
  return gchat_connection_sendv (self->conn, "TTT", "INVITE", nick, channel, NULL);
}

/* The game against @nick that is being played, or NULL. */
static GchatGame *
gchat_session_game_with (GchatSession *self, const char *nick)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  for (guint i = n; i-- > 0;) {
    g_autoptr (GchatGame) g = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (gchat_game_get_state (g) == GCHAT_GAME_PLAYING && gchat_game_get_my_mark (g) != 0 &&
        chat_casecmp (gchat_game_get_opponent (g), nick) == 0)
      return g;
  }
  return NULL;
}

/** gchat_session_ttt_move: play cell 1..9 in game @id (TTT MOVE id cell). */
void
gchat_session_ttt_move (GchatSession *self, const char *id, int cell)
{
  g_autofree char *c = g_strdup_printf ("%d", cell);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "MOVE", id, c, NULL);
}

/* /ttt nick cell: play in the running game against @nick. */
gboolean
gchat_session_ttt_play (GchatSession *self, const char *nick, const char *cell, GError **error)
{
  GchatGame *game = gchat_session_game_with (self, nick);
  int        c = chat_ttt_parse_cell (cell);

  if (game == NULL)
    return gchat_session_fail (self,
                               error,
                               "You have no game running with %s (type /ttt %s to start one)",
                               nick,
                               nick);
  if (c < 0)
    return gchat_session_fail (self, error, "“%s” is not a cell: use 1 to 9 or a1 to c3", cell);
  gchat_session_ttt_move (self, gchat_game_get_id (game), c + 1);
  return TRUE;
}

/** gchat_session_ttt_answer: accept or decline invitation @id. */
void
gchat_session_ttt_answer (GchatSession *self, const char *id, gboolean accept)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", accept ? "ACCEPT" : "DECLINE", id, NULL);
}

/** gchat_session_ttt_rematch: invite the opponent of finished game @id again. */
void
gchat_session_ttt_rematch (GchatSession *self, const char *id)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "REMATCH", id, NULL);
}

/** gchat_session_ttt_resign: give up game @id. */
void
gchat_session_ttt_resign (GchatSession *self, const char *id)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "RESIGN", id, NULL);
}

/** gchat_session_get_games: every game seen in this session (GchatGame). */
GListModel *
gchat_session_get_games (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->games);
}
