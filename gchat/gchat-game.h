/* gchat-game.h: one tic-tac-toe game as the client sees it. */
#pragma once

#include <glib-object.h>

#include "chat.h"

G_BEGIN_DECLS

/* Where a game is in its life, from our side. */
typedef enum {
  GCHAT_GAME_CHALLENGED, /* someone challenged us: accept or decline */
  GCHAT_GAME_WAITING,    /* we challenged someone: waiting for an answer */
  GCHAT_GAME_PLAYING,
  GCHAT_GAME_OVER,
  GCHAT_GAME_DECLINED, /* the invitation was declined, cancelled or expired */
} GchatGameState;

#define GCHAT_TYPE_GAME_STATE (gchat_game_state_get_type ())
GType gchat_game_state_get_type (void);

#define GCHAT_TYPE_GAME (gchat_game_get_type ())
G_DECLARE_FINAL_TYPE (GchatGame, gchat_game, GCHAT, GAME, GObject)

GchatGame           *gchat_game_new (const char    *id,
                                     const char    *me,
                                     const char    *opponent,
                                     GchatGameState state);
const char          *gchat_game_get_id (GchatGame *self);
const char          *gchat_game_get_opponent (GchatGame *self);
const char          *gchat_game_get_where (GchatGame *self);
void                 gchat_game_set_where (GchatGame *self, const char *where);
const char          *gchat_game_get_record (GchatGame *self);
void                 gchat_game_set_record (GchatGame *self, const char *record);
GchatGameState       gchat_game_get_state (GchatGame *self);
void                 gchat_game_set_state (GchatGame *self, GchatGameState state);
void                 gchat_game_end_invitation (GchatGame *self, const char *status);
char                 gchat_game_get_my_mark (GchatGame *self);
gboolean             gchat_game_is_player (GchatGame *self);
char                 gchat_game_get_cell (GchatGame *self, int cell);
char                 gchat_game_get_turn (GchatGame *self);
enum chat_ttt_result gchat_game_get_result (GchatGame *self);
gboolean             gchat_game_update (GchatGame  *self,
                                        const char *x_nick,
                                        const char *o_nick,
                                        const char *board,
                                        const char *result,
                                        const char *how);
gboolean             gchat_game_can_move (GchatGame *self, int cell);
char                *gchat_game_describe (GchatGame *self);

G_END_DECLS
