/*
 * test-drafts.c: the IRCv3 drafts gchat uses where a person would expect
 * them, against a real chatd (started by gui.sh, port in GCHAT_TEST_PORT).
 * gchat ("gia", logged in to the account gia) shares #drafts with a raw
 * client "rex" that has the capabilities too:
 * - a pasted block of three lines reaches rex as one draft/multiline
 *   batch and is one message in gchat; rex's batches are one message
 *   (live, and from history on joining);
 * - withdrawing our message (its menu, then the confirmation) sends
 *   REDACT: it goes from both views and from the server's history; rex
 *   withdrawing his takes it from gchat's view;
 * - a read marker from another session of the account ("gia2", raw)
 *   clears the unread count in the sidebar; seeing the conversation in
 *   the focused window moves the marker for that session.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "gchat-confirm-dialog.h"
#include "gchat-sidebar-row.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         rex;
static RawClient         gia2;
static guint16           port;

/* Condition: the conversation @data is on screen. */
static gboolean
shown (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, data);

  return conv != NULL && gchat_window_get_shown (window) == conv &&
    gchat_conversation_get_joined (conv);
}

/* Condition: a row with the text @data is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* Condition: no row with the text @data is on screen. */
static gboolean
row_gone (gpointer data)
{
  return gui_find_row (window, data) == NULL;
}

/* How many of @c's lines from the @from'th on match @glob. */
static guint
raw_count_from (RawClient *c, guint from, const char *glob)
{
  guint n = 0;

  for (guint i = from; i < c->lines->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (c->lines, i)))
      n++;
  return n;
}

/* How many of @c's lines match @glob. */
static guint
raw_count (RawClient *c, const char *glob)
{
  guint n = 0;

  for (guint i = 0; i < c->lines->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (c->lines, i)))
      n++;
  return n;
}

/* The message of @conv with @text (borrowed), or NULL. */
static GchatMessage *
find_message (GchatConversation *conv, const char *text)
{
  GListModel *model = gchat_conversation_get_messages (conv);

  for (guint i = g_list_model_get_n_items (model); i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (g_strcmp0 (gchat_message_get_text (msg), text) == 0)
      return msg; /* the conversation keeps it */
  }
  return NULL;
}

typedef struct
{
  const char *conv;
  const char *text;
} Wanted;

/* Condition: the message Wanted has its msgid (its echo came). */
static gboolean
has_msgid (gpointer data)
{
  Wanted       *w = data;
  GchatMessage *msg = find_message (gchat_session_find (session, w->conv), w->text);

  return msg != NULL && gchat_message_get_msgid (msg) != NULL;
}

/* Condition: the row with the text @data shows its menu. */
static gboolean
menu_shown (gpointer data)
{
  GchatMessageRow *row = gui_find_row (window, data);

  return row != NULL && gtk_widget_get_visible (gchat_message_row_get_actions_button (row));
}

/* Condition: a confirmation dialog is up. */
static gboolean
confirm_up (gpointer data)
{
  return gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG) != NULL;
}

/* Condition: the conversation @data counts nothing unread. */
static gboolean
all_read (gpointer data)
{
  return gchat_conversation_get_unread (gchat_session_find (session, data)) == 0;
}

/* Condition: the conversation @data counts something unread. */
static gboolean
some_unread (gpointer data)
{
  return gchat_conversation_get_unread (gchat_session_find (session, data)) > 0;
}

/* Condition: the conversation @data counts two unread. */
static gboolean
two_unread (gpointer data)
{
  return gchat_conversation_get_unread (gchat_session_find (session, data)) == 2;
}

/* Condition: gia2 heard a second move of the marker of #drafts (the first was its own). */
static gboolean
gia2_moved (gpointer data)
{
  return raw_count (&gia2, "*MARKREAD #drafts timestamp=*") >= 2;
}

/* Every control under @w has an accessible name (the menu's items too); the rest go to @bad. */
static void
audit (GtkWidget *w, GString *bad)
{
  if (!gtk_widget_get_visible (w))
    return;
  if (GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w)) {
    if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
        !(GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL))
      g_string_append_printf (bad, " %s", G_OBJECT_TYPE_NAME (w));
    return; /* the rest is the control's own insides */
  }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    audit (c, bad);
}

/*
 * Step: connect gchat (registering gia) and rex, both in #drafts; rex has
 * the drafts' capabilities.
 */
static void
test_setup (void)
{
  GchatConnection *conn;

  gui_raw_connect (&rex, port, "rex");
  gui_raw_send (&rex, "CAP REQ :draft/multiline batch message-tags draft/message-redaction");
  gui_raw_expect (&rex,
                  ":* CAP rex ACK :draft/multiline batch message-tags draft/message-redaction");
  gui_raw_send (&rex, "JOIN #drafts");
  gui_raw_expect (&rex, "*:* 366 rex #drafts *");
  /* History gchat will load on joining: a message of two lines. */
  gui_raw_send (&rex, "JOIN #old");
  gui_raw_expect (&rex, "*:* 366 rex #old *");
  gui_raw_send (&rex, "BATCH +h draft/multiline #old");
  gui_raw_send (&rex, "@batch=h PRIVMSG #old :said before");
  gui_raw_send (&rex, "@batch=h PRIVMSG #old :you came");
  gui_raw_send (&rex, "BATCH -h");
  gui_raw_send (&rex, "PING :old");
  gui_raw_expect (&rex, "*PONG * :old");

  window = gui_open_window (app, port, "gia", "gia", "gias-password", TRUE, 900, 600);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  conn = gchat_session_get_connection (session);
  g_assert_true (gchat_connection_has_cap (conn, "draft/multiline"));
  g_assert_true (gchat_connection_has_cap (conn, "draft/message-redaction"));
  g_assert_true (gchat_connection_has_cap (conn, "draft/read-marker"));
  g_assert_true (gchat_connection_has_cap (conn, "echo-message"));
  gui_type_line (window, "/join #drafts");
  g_assert_true (gui_wait_for (shown, (gpointer) "#drafts"));
  gui_raw_expect (&rex, "*:gia!* JOIN #drafts*");
}

/* Step: a message of several lines, both ways and from history. */
static void
test_multiline (void)
{
  GchatConversation *conv = gchat_session_find (session, "#drafts");
  Wanted             pasted = { "#drafts", "first line\nsecond line\nthird line" };

  /* A paste into the entry keeps its line breaks (GtkText does not cut them). */
  gui_type_line (window, "first line\nsecond line\nthird line\n");
  gui_raw_expect (&rex, "@*msgid=* :gia!* BATCH +* draft/multiline #drafts");
  gui_raw_expect (&rex, "@batch=* :gia!* PRIVMSG #drafts :first line");
  gui_raw_expect (&rex, "@batch=* :gia!* PRIVMSG #drafts :second line");
  gui_raw_expect (&rex, "@batch=* :gia!* PRIVMSG #drafts :third line");
  gui_raw_expect (&rex, ":gia!* BATCH -*");
  g_assert_cmpuint (raw_count (&rex, "*BATCH +*"), ==, 1);
  g_assert_cmpuint (raw_count (&rex, "*PRIVMSG #drafts*"), ==, 3);
  /* One message in gchat, shown once (the echo only brought its msgid). */
  g_assert_true (gui_wait_for (has_msgid, &pasted));
  g_assert_true (gui_wait_for (row_shown, (gpointer)pasted.text));
  gui_drain ();
  {
    guint n = 0;

    for (guint i = 0; i < g_list_model_get_n_items (gchat_conversation_get_messages (conv)); i++) {
      g_autoptr (GchatMessage) m =
        g_list_model_get_item (gchat_conversation_get_messages (conv), i);

      if (strstr (gchat_message_get_text (m), "first line") != NULL)
        n++;
    }
    g_assert_cmpuint (n, ==, 1);
  }

  /* Shift+Enter in the entry breaks the line; Enter sends both lines as one message. */
  {
    GtkEntry *entry = gchat_window_get_entry (window);
    g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (entry));
    gboolean handled = FALSE;
    Wanted   typed = { "#drafts", "typed here\nand here" };
    guint    before = rex.lines->len;

    gtk_editable_set_text (GTK_EDITABLE (entry), "typed hereand here");
    gtk_editable_set_position (GTK_EDITABLE (entry), strlen ("typed here"));
    for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++) {
      g_autoptr (GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", GDK_KEY_Return, 36, GDK_SHIFT_MASK, &handled);
    }
    g_assert_true (handled);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, typed.text);
    g_assert_cmpint (gtk_editable_get_position (GTK_EDITABLE (entry)), ==, strlen ("typed here\n"));
    gui_drain ();
    gui_screenshot ("gchat-multiline-entry.png");
    g_signal_emit_by_name (entry, "activate");
    g_assert_true (gui_wait_for (has_msgid, &typed));
    gui_raw_expect (&rex, "@batch=* :gia!* PRIVMSG #drafts :and here");
    g_assert_cmpuint (raw_count_from (&rex, before, "*BATCH +*"), ==, 1);
  }

  /* Rex's batch, with a continued line: one message with one break. */
  gui_raw_send (&rex, "BATCH +r draft/multiline #drafts");
  gui_raw_send (&rex, "@batch=r PRIVMSG #drafts :int main(void)");
  gui_raw_send (&rex, "@batch=r PRIVMSG #drafts :{ return ");
  gui_raw_send (&rex, "@batch=r;draft/multiline-concat PRIVMSG #drafts :0; }");
  gui_raw_send (&rex, "BATCH -r");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "int main(void)\n{ return 0; }"));
  gui_screenshot ("gchat-multiline.png");

  /* History: a batch said before gchat joined is one message too. */
  gui_type_line (window, "/join #old");
  g_assert_true (gui_wait_for (shown, (gpointer) "#old"));
  g_assert_true (gui_wait_for (row_shown, (gpointer) "said before\nyou came"));
  g_assert_true (gchat_message_get_history (
    find_message (gchat_session_find (session, "#old"), "said before\nyou came")));
}

/* Step: withdraw our message from its menu; rex withdraws his. */
static void
test_withdraw (void)
{
  GchatConversation  *conv = gchat_session_find (session, "#drafts");
  Wanted              oops = { "#drafts", "my password is hunter2" };
  GchatMessageRow    *row;
  GtkWidget          *button;
  GchatConfirmDialog *dialog;
  g_autoptr (GString) bad = g_string_new (NULL);
  g_autofree char *msgid = NULL;
  g_autofree char *redact = NULL;

  gchat_window_select_conversation (window, conv);
  g_assert_true (gui_wait_for (shown, (gpointer) "#drafts"));
  gui_type_line (window, oops.text);
  gui_raw_expect (&rex, "@*msgid=* :gia!* PRIVMSG #drafts :my password is hunter2");
  g_assert_true (gui_wait_for (has_msgid, &oops));
  msgid = g_strdup (gchat_message_get_msgid (find_message (conv, oops.text)));
  g_assert_true (gui_wait_for (row_shown, (gpointer)oops.text));
  row = gui_find_row (window, oops.text);
  button = gchat_message_row_get_actions_button (row);
  g_assert_true (gtk_widget_get_visible (button));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Message actions");
  g_assert_true (gui_menu_has (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)),
                               "label",
                               "_Withdraw message…"));
  audit (GTK_WIDGET (row), bad);
  g_assert_cmpstr (bad->str, ==, "");
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  gui_drain ();
  gui_screenshot ("gchat-withdraw-menu.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.withdraw", NULL));
  g_assert_true (gui_wait_for (confirm_up, NULL));
  dialog = GCHAT_CONFIRM_DIALOG (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                   ==,
                   "Withdraw this message?");
  g_assert_nonnull (strstr (gchat_confirm_dialog_get_body (dialog), oops.text));
  gui_screenshot ("gchat-withdraw.png");
  /* Cancel sends nothing. */
  g_signal_emit_by_name (gchat_confirm_dialog_get_cancel_button (dialog), "clicked");
  gui_drain ();
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (row), "row.withdraw", NULL));
  g_assert_true (gui_wait_for (confirm_up, NULL));
  dialog = GCHAT_CONFIRM_DIALOG (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_signal_emit_by_name (gchat_confirm_dialog_get_action_button (dialog), "clicked");
  redact = g_strdup_printf ("*:gia!* REDACT #drafts %s", msgid);
  gui_raw_expect (&rex, redact);
  g_assert_cmpuint (raw_count (&rex, "*REDACT*"), ==, 1);
  g_assert_true (gui_wait_for (row_gone, (gpointer)oops.text));
  g_assert_null (find_message (conv, oops.text));
  /* The server's history forgot it (and kept the rest). */
  {
    guint before = rex.lines->len;

    gui_raw_send (&rex, "CHATHISTORY LATEST #drafts * 50");
    gui_raw_send (&rex, "PING :history");
    gui_raw_expect (&rex, "*PONG * :history");
    g_assert_cmpuint (raw_count_from (&rex, before, "*PRIVMSG #drafts :my password*"), ==, 0);
    g_assert_cmpuint (raw_count_from (&rex, before, "*PRIVMSG #drafts :third line"), ==, 1);
  }

  /* Rex withdraws his own: gone from gchat's view. */
  gui_raw_send (&rex, "PRIVMSG #drafts :wrong window");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "wrong window"));
  /* Someone else's message has a menu only for a group admin, as soon as one. */
  g_assert_false (gtk_widget_get_visible (
    gchat_message_row_get_actions_button (gui_find_row (window, "wrong window"))));
  gui_raw_send (&rex, "MODE #drafts +o gia");
  g_assert_true (gui_wait_for (menu_shown, (gpointer) "wrong window"));
  {
    GchatMessage    *theirs = find_message (conv, "wrong window");
    g_autofree char *line = NULL;

    g_assert_nonnull (gchat_message_get_msgid (theirs));
    line = g_strdup_printf ("REDACT #drafts %s :oops", gchat_message_get_msgid (theirs));
    gui_raw_send (&rex, line);
  }
  g_assert_true (gui_wait_for (row_gone, (gpointer) "wrong window"));
}

/*
 * Step: gia2, another session of the account, reads #drafts: its unread
 * count in gchat's sidebar goes to zero; gchat reading it moves gia2's.
 */
static void
test_read_marker (void)
{
  GchatConversation *conv = gchat_session_find (session, "#drafts");
  GchatSidebarRow   *srow;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *line = NULL;
  gint64           marker_ms;

  gui_raw_connect (&gia2, port, "gia2");
  gui_raw_send (&gia2, "CAP REQ :draft/read-marker");
  gui_raw_expect (&gia2, ":* CAP gia2 ACK :draft/read-marker");
  gui_raw_send (&gia2, "LOGIN gia gias-password");
  gui_raw_expect (&gia2, ":* 900 gia2 * gia *");
  /* Look elsewhere; rex says two things. */
  gchat_window_select_conversation (window, gchat_session_get_server (session));
  gui_drain ();
  gui_raw_send (&rex, "PRIVMSG #drafts :are you there?");
  gui_raw_send (&rex, "PRIVMSG #drafts :hello?");
  g_assert_true (gui_wait_for (two_unread, (gpointer) "#drafts"));
  srow = gchat_window_find_row (window, conv);
  g_assert_nonnull (srow);
  gui_drain ();
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (srow),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "#drafts, 2 unread");
  /* Read on the other computer, up to the newest line. */
  {
    char buf[CHAT_TIME_MAX];

    now = g_date_time_new_now_utc ();
    marker_ms = g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;
    chat_time_format (buf, sizeof buf, marker_ms);
    line = g_strdup_printf ("MARKREAD #drafts timestamp=%s", buf);
  }
  gui_raw_send (&gia2, line);
  g_assert_true (gui_wait_for (all_read, (gpointer) "#drafts"));
  gui_drain ();
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (srow),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "#drafts");

  /*
   * A marker before the newest line leaves that one unread. Times are in
   * milliseconds: let the clock pass the marker's first (a few at most).
   */
  for (guint i = 0; i < 1000 && g_get_real_time () / 1000 <= marker_ms + 1; i++)
    g_usleep (1000);
  gui_raw_send (&rex, "PRIVMSG #drafts :one more");
  g_assert_true (gui_wait_for (some_unread, (gpointer) "#drafts"));
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 1);

  /* gchat reads it in the focused window: gia2 hears the move. */
  gtk_window_present (GTK_WINDOW (window));
  gchat_window_select_conversation (window, conv);
  g_assert_true (gui_wait_for (all_read, (gpointer) "#drafts"));
  /* Without a window manager the window never has the focus: the session reads it then. */
  if (!gtk_window_is_active (GTK_WINDOW (window)))
    gchat_session_mark_read (session, conv);
  g_assert_true (gui_wait_for (gia2_moved, NULL));
  {
    guint before = gia2.lines->len;

    /* Nothing new: no second move. */
    gchat_session_mark_read (session, conv);
    gui_raw_send (&gia2, "PING :marks");
    gui_raw_expect (&gia2, "*PONG * :marks");
    g_assert_cmpuint (raw_count_from (&gia2, before, "*MARKREAD*"), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_test_add_func ("/drafts/setup", test_setup);
  g_test_add_func ("/drafts/multiline", test_multiline);
  g_test_add_func ("/drafts/withdraw", test_withdraw);
  g_test_add_func ("/drafts/read-marker", test_read_marker);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&rex);
  gui_raw_close (&gia2);
  g_clear_object (&app);
  return status;
}
