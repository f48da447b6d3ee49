/* gchat-game-board.h: a tic-tac-toe board: nine buttons, status, answers. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-game.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_GAME_BOARD (gchat_game_board_get_type ())
G_DECLARE_FINAL_TYPE (GchatGameBoard, gchat_game_board, GCHAT, GAME_BOARD, GtkBox)

GtkWidget  *gchat_game_board_new (GchatGame *game);
GchatGame  *gchat_game_board_get_game (GchatGameBoard *self);
GtkButton  *gchat_game_board_get_cell (GchatGameBoard *self, int cell);
const char *gchat_game_board_get_status (GchatGameBoard *self);
const char *gchat_game_board_get_record (GchatGameBoard *self);

G_END_DECLS
