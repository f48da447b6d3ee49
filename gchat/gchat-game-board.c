/*
 * gchat-game-board.c: shows a GchatGame. The cells, Accept, Decline and
 * Rematch are actionable buttons wired to the window's chat.ttt-* actions
 * with the game id (and cell) as target, so the board never talks to the
 * session itself. It follows the game's ::changed signal.
 */
#include "config.h"

#include "gchat-game-board.h"

struct _GchatGameBoard
{
  GtkBox parent_instance;

  GtkLabel  *status_label;
  GtkLabel  *record_label;
  GtkWidget *answer_box;
  GtkWidget *accept_button;
  GtkWidget *decline_button;
  GtkWidget *rematch_button;
  GtkWidget *resign_button;
  GtkWidget *cells[9];
  GchatGame *game;
};

G_DEFINE_FINAL_TYPE (GchatGameBoard, gchat_game_board, GTK_TYPE_BOX)

/*
 * Whether the widget with the keyboard focus, inside the board, is about to
 * be disabled or hidden for @state: a cell that cannot be played, or a
 * button that goes away.
 */
static gboolean
gchat_game_board_focus_lost (GchatGameBoard *self, GchatGameState state)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return FALSE;
  for (int i = 0; i < 9; i++)
    if (focus == self->cells[i] || gtk_widget_is_ancestor (focus, self->cells[i]))
      return !gchat_game_can_move (self->game, i);
  if (focus == self->answer_box || gtk_widget_is_ancestor (focus, self->answer_box))
    return state != GCHAT_GAME_CHALLENGED && state != GCHAT_GAME_WAITING;
  if (focus == self->rematch_button || gtk_widget_is_ancestor (focus, self->rematch_button))
    return state != GCHAT_GAME_OVER;
  if (focus == self->resign_button || gtk_widget_is_ancestor (focus, self->resign_button))
    return state != GCHAT_GAME_PLAYING;
  return FALSE;
}

/* Show the game's board, status and the buttons that make sense now. */
static void
gchat_game_board_sync (GchatGameBoard *self)
{
  GchatGameState   state = gchat_game_get_state (self->game);
  g_autofree char *status = gchat_game_describe (self->game);

  /*
   * GTK moves the focus of a widget that is disabled to the next one in
   * the window, which could select a conversation in the sidebar and
   * leave the game: the message entry takes it instead.
   */
  if (gchat_game_board_focus_lost (self, state) &&
      !gtk_widget_activate_action (GTK_WIDGET (self), "chat.focus-entry", NULL))
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);

  gtk_label_set_text (self->status_label, status);
  gtk_label_set_text (self->record_label,
                      gchat_game_get_record (self->game) != NULL
                        ? gchat_game_get_record (self->game)
                        : "");
  gtk_widget_set_visible (GTK_WIDGET (self->record_label),
                          gchat_game_get_record (self->game) != NULL);
  for (int i = 0; i < 9; i++) {
    char             mark = gchat_game_get_cell (self->game, i);
    char             text[2] = { mark == '.' ? '\0' : mark, '\0' };
    g_autofree char *a11y = g_strdup_printf ("Row %d, column %d: %s",
                                             i / 3 + 1,
                                             i % 3 + 1,
                                             mark == 'X'     ? "X"
                                               : mark == 'O' ? "O"
                                                             : "empty");

    gtk_button_set_label (GTK_BUTTON (self->cells[i]), text);
    if (mark == 'X')
      gtk_widget_add_css_class (self->cells[i], "mark-x");
    else
      gtk_widget_remove_css_class (self->cells[i], "mark-x");
    if (mark == 'O')
      gtk_widget_add_css_class (self->cells[i], "mark-o");
    else
      gtk_widget_remove_css_class (self->cells[i], "mark-o");
    gtk_widget_set_sensitive (self->cells[i], gchat_game_can_move (self->game, i));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->cells[i]),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    a11y,
                                    -1);
  }
  /* Decline also withdraws our own invitation (TTT DECLINE does both). */
  gtk_widget_set_visible (self->answer_box,
                          state == GCHAT_GAME_CHALLENGED || state == GCHAT_GAME_WAITING);
  gtk_widget_set_visible (self->accept_button, state == GCHAT_GAME_CHALLENGED);
  gtk_button_set_label (GTK_BUTTON (self->decline_button),
                        state == GCHAT_GAME_WAITING ? "_Withdraw" : "_Decline");
  gtk_widget_set_visible (self->rematch_button,
                          state == GCHAT_GAME_OVER && gchat_game_get_my_mark (self->game) != 0);
  gtk_widget_set_visible (self->resign_button,
                          state == GCHAT_GAME_PLAYING && gchat_game_get_my_mark (self->game) != 0);
}

/* The game changed. */
static void
on_game_changed (GchatGame *game, GchatGameBoard *self)
{
  gchat_game_board_sync (self);
}

/** gchat_game_board_get_game: the game shown. */
GchatGame *
gchat_game_board_get_game (GchatGameBoard *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME_BOARD (self), NULL);
  return self->game;
}

/** gchat_game_board_get_cell: the button of cell 0..8 (tests press it). */
GtkButton *
gchat_game_board_get_cell (GchatGameBoard *self, int cell)
{
  g_return_val_if_fail (GCHAT_IS_GAME_BOARD (self) && cell >= 0 && cell < 9, NULL);
  return GTK_BUTTON (self->cells[cell]);
}

/** gchat_game_board_get_record: the opponent's record shown under the status ("" if none). */
const char *
gchat_game_board_get_record (GchatGameBoard *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME_BOARD (self), NULL);
  return gtk_label_get_text (self->record_label);
}

/** gchat_game_board_get_status: the status line shown. */
const char *
gchat_game_board_get_status (GchatGameBoard *self)
{
  g_return_val_if_fail (GCHAT_IS_GAME_BOARD (self), NULL);
  return gtk_label_get_text (self->status_label);
}

static void
gchat_game_board_dispose (GObject *object)
{
  GchatGameBoard *self = GCHAT_GAME_BOARD (object);

  if (self->game != NULL)
    g_signal_handlers_disconnect_by_data (self->game, self);
  g_clear_object (&self->game);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_GAME_BOARD);
  G_OBJECT_CLASS (gchat_game_board_parent_class)->dispose (object);
}

static void
gchat_game_board_class_init (GchatGameBoardClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  char            name[8];

  object_class->dispose = gchat_game_board_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-game-board.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, status_label);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, record_label);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, answer_box);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, accept_button);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, decline_button);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, rematch_button);
  gtk_widget_class_bind_template_child (widget_class, GchatGameBoard, resign_button);
  for (int i = 0; i < 9; i++) {
    g_snprintf (name, sizeof name, "cell%d", i);
    gtk_widget_class_bind_template_child_full (widget_class,
                                               name,
                                               FALSE,
                                               G_STRUCT_OFFSET (GchatGameBoard, cells) +
                                                 i * sizeof (GtkWidget *));
  }
}

static void
gchat_game_board_init (GchatGameBoard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_game_board_new: a board following @game. */
GtkWidget *
gchat_game_board_new (GchatGame *game)
{
  GchatGameBoard *self = g_object_new (GCHAT_TYPE_GAME_BOARD, NULL);
  GVariant       *id;

  self->game = g_object_ref (game);
  id = g_variant_ref_sink (g_variant_new_string (gchat_game_get_id (game)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->accept_button), id);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->decline_button), id);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->rematch_button), id);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->resign_button), id);
  for (int i = 0; i < 9; i++) {
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cells[i]), "chat.ttt-move");
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->cells[i]),
                                            g_variant_new ("(si)",
                                                           gchat_game_get_id (game),
                                                           i + 1));
  }
  g_variant_unref (id);
  g_signal_connect (game, "changed", G_CALLBACK (on_game_changed), self);
  gchat_game_board_sync (self);
  return GTK_WIDGET (self);
}
