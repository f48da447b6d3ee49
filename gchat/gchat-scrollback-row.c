/*
 * gchat-scrollback-row.c: the first row of a group's or private
 * conversation's message view. It says where loading earlier messages
 * stands: a "Load earlier messages" button (for the keyboard and screen
 * readers; scrolling to the top does the same), a spinner while the server
 * answers, or a quiet note at the beginning or at the scrollback limit.
 */
#include "config.h"

#include "gchat-scrollback-row.h"

struct _GchatScrollbackRow
{
  GtkBox parent_instance;

  GtkSpinner        *spinner;
  GtkLabel          *label;
  GtkWidget         *button;
  GchatSession      *session;
  GchatConversation *conv;
  gulong             notify_handler;
};

G_DEFINE_FINAL_TYPE (GchatScrollbackRow, gchat_scrollback_row, GTK_TYPE_BOX)

/* Show the conversation's state: button, spinner or note (nothing for the server log). */
static void
gchat_scrollback_row_sync (GchatScrollbackRow *self)
{
  GchatScrollbackState state =
    self->conv != NULL ? gchat_conversation_get_scrollback (self->conv) : GCHAT_SCROLLBACK_NONE;
  const char *text = gchat_scrollback_state_text (state);
  gboolean    loading = state == GCHAT_SCROLLBACK_LOADING;

  /* A server without history, or a private one without an account: nothing to offer. */
  if (state != GCHAT_SCROLLBACK_NONE && self->session != NULL && !loading &&
      (!gchat_session_supports (self->session, "CHATHISTORY") ||
       (gchat_conversation_get_kind (self->conv) == GCHAT_CONVERSATION_QUERY &&
        !gchat_connection_get_logged_in (gchat_session_get_connection (self->session)))))
    state = GCHAT_SCROLLBACK_NONE;
  gtk_widget_set_visible (GTK_WIDGET (self), state != GCHAT_SCROLLBACK_NONE);
  gtk_widget_set_visible (self->button, state == GCHAT_SCROLLBACK_MORE);
  gtk_widget_set_visible (GTK_WIDGET (self->label), state != GCHAT_SCROLLBACK_MORE);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_label_set_text (self->label, text != NULL && state != GCHAT_SCROLLBACK_MORE ? text : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "",
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, loading, -1);
}

/* The conversation's scrollback state changed. */
static void
on_scrollback_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  gchat_scrollback_row_sync (user_data);
}

/* The button asks for the earlier messages, as scrolling to the top does. */
static void
on_button_clicked_cb (GtkButton *button, GchatScrollbackRow *self)
{
  if (self->session != NULL && self->conv != NULL)
    gchat_session_load_older (self->session, self->conv);
}

/** gchat_scrollback_row_set_conversation: follow @conv (rows are recycled by the list view). */
void
gchat_scrollback_row_set_conversation (GchatScrollbackRow *self,
                                       GchatSession       *session,
                                       GchatConversation  *conv)
{
  g_return_if_fail (GCHAT_IS_SCROLLBACK_ROW (self));
  if (self->conv != NULL)
    g_clear_signal_handler (&self->notify_handler, self->conv);
  g_set_object (&self->conv, conv);
  g_set_object (&self->session, session);
  if (conv != NULL)
    self->notify_handler =
      g_signal_connect (conv, "notify::scrollback", G_CALLBACK (on_scrollback_notify), self);
  gchat_scrollback_row_sync (self);
}

/** gchat_scrollback_row_get_conversation: the conversation followed, or NULL. */
GchatConversation *
gchat_scrollback_row_get_conversation (GchatScrollbackRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SCROLLBACK_ROW (self), NULL);
  return self->conv;
}

/** gchat_scrollback_row_get_button: the "Load earlier messages" button (tests press it). */
GtkWidget *
gchat_scrollback_row_get_button (GchatScrollbackRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SCROLLBACK_ROW (self), NULL);
  return self->button;
}

/** gchat_scrollback_row_get_text: the note shown ("" while the button shows). */
const char *
gchat_scrollback_row_get_text (GchatScrollbackRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SCROLLBACK_ROW (self), NULL);
  return gtk_label_get_text (self->label);
}

static void
gchat_scrollback_row_dispose (GObject *object)
{
  GchatScrollbackRow *self = GCHAT_SCROLLBACK_ROW (object);

  if (self->conv != NULL)
    g_clear_signal_handler (&self->notify_handler, self->conv);
  g_clear_object (&self->conv);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_SCROLLBACK_ROW);
  G_OBJECT_CLASS (gchat_scrollback_row_parent_class)->dispose (object);
}

static void
gchat_scrollback_row_class_init (GchatScrollbackRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_scrollback_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-scrollback-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatScrollbackRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, GchatScrollbackRow, label);
  gtk_widget_class_bind_template_child (widget_class, GchatScrollbackRow, button);
  gtk_widget_class_bind_template_callback (widget_class, on_button_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
}

static void
gchat_scrollback_row_init (GchatScrollbackRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_scrollback_row_new: an empty row for the message view's factory. */
GtkWidget *
gchat_scrollback_row_new (void)
{
  return g_object_new (GCHAT_TYPE_SCROLLBACK_ROW, NULL);
}
