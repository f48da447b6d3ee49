/*
 * test-polish.c: gchat against a real chatd (started by gui.sh, port in
 * GCHAT_TEST_PORT) for two things a person notices when joining a group:
 * the accounts of people who were there first (learnt with WHOX), and the
 * lines loaded from history, dimmed and ended by an "Earlier messages"
 * divider. Raw clients ("gus", logged in and away; "hal", not logged in)
 * are in the group before gchat joins.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-message-row.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         gus;
static RawClient         hal;
static guint16           port;

/* Whether @conv has a message whose text is @text (borrowed), or NULL. */
static GchatMessage *
conv_find (GchatConversation *conv, const char *text)
{
  GListModel *messages;

  if (conv == NULL)
    return NULL;
  messages = gchat_conversation_get_messages (conv);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (g_strcmp0 (gchat_message_get_text (msg), text) == 0)
      return msg; /* the conversation still holds a reference */
  }
  return NULL;
}

/* Condition: gus in #polish is known as logged in to "gus" and away. */
static gboolean
gus_known (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#polish");
  GchatMember       *member;

  (void)data;
  if (conv == NULL || (member = gchat_conversation_find_member (conv, "gus")) == NULL)
    return FALSE;
  return g_strcmp0 (gchat_member_get_account (member), "gus") == 0 &&
    gchat_member_get_away (member);
}

/* Condition: the divider is in #polish's model. */
static gboolean
divider_loaded (gpointer data)
{
  (void)data;
  return conv_find (gchat_session_find (session, "#polish"), "Earlier messages") != NULL;
}

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* Whether any note of the server conversation contains @text. */
static gboolean
server_says (const char *text)
{
  GListModel *notes = gchat_conversation_get_messages (gchat_session_get_server (session));

  for (guint i = 0; i < g_list_model_get_n_items (notes); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (notes, i);

    if (strstr (gchat_message_get_text (msg), text) != NULL)
      return TRUE;
  }
  return FALSE;
}

/*
 * Step: gus (logged in, away) and hal (not logged in) are in #polish and
 * talk before pam joins; pam's member list shows gus's account at once.
 */
static void
test_whox (void)
{
  GchatConversation *conv;
  GchatMember       *member;

  gui_raw_connect (&gus, port, "gus");
  gui_raw_send (&gus, "REGISTER gus * guss-password");
  gui_raw_expect (&gus, "*REGISTER SUCCESS gus*");
  gui_raw_send (&gus, "JOIN #polish");
  gui_raw_expect (&gus, ":* 366 gus #polish *");
  gui_raw_send (&gus, "AWAY :making tea");
  gui_raw_expect (&gus, ":* 306 gus *");
  gui_raw_connect (&hal, port, "hal");
  gui_raw_send (&hal, "JOIN #polish");
  gui_raw_expect (&hal, ":* 366 hal #polish *");
  gui_raw_send (&gus, "PRIVMSG #polish :said before pam came");
  gui_raw_send (&hal, "PRIVMSG #polish :pam: you will see this later");
  /* A round trip: both lines are stored before pam asks. */
  gui_raw_send (&gus, "HISTORY #polish 2");
  gui_raw_expect (&gus, "*End of history of #polish*");

  window = gui_open_window (app, port, "pam", NULL, NULL, FALSE, 900, 560);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_true (gchat_session_supports (session, "WHOX"));
  gui_type_line (window, "/join #polish");
  g_assert_true (gui_wait_for (gus_known, NULL));
  conv = gchat_session_find (session, "#polish");
  member = gchat_conversation_find_member (conv, "hal");
  g_assert_nonnull (member);
  g_assert_null (gchat_member_get_account (member));
  g_assert_false (gchat_member_get_away (member));
  /* gchat's own WHO stays out of the server log. */
  g_assert_false (server_says ("End of WHO"));
  g_assert_false (server_says ("#polish gus"));
}

/*
 * Step: the two lines said before pam came are history: flagged, dimmed,
 * not unread, ended by the divider; a live line after them is not.
 */
static void
test_history_divider (void)
{
  GchatConversation *conv;
  GchatMessageRow   *row;
  GchatMessage      *live;

  if (window == NULL) {
    g_test_skip ("no window from the WHOX step");
    return;
  }
  g_assert_true (gui_wait_for (divider_loaded, NULL));
  conv = gchat_session_find (session, "#polish");
  g_assert_true (gchat_message_get_history (conv_find (conv, "said before pam came")));
  g_assert_true (gchat_message_get_history (conv_find (conv, "pam: you will see this later")));
  g_assert_true (gchat_message_get_divider (conv_find (conv, "Earlier messages")));
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);
  g_assert_true (gchat_window_get_shown (window) == conv);
  g_assert_true (gui_wait_for (row_shown, (gpointer) "Earlier messages"));
  row = gui_find_row (window, "Earlier messages");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "divider"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Earlier messages");
  row = gui_find_row (window, "said before pam came");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "history"));
  {
    g_autofree char *label = NULL;
    GchatMessage    *msg = gchat_message_row_get_message (row);
    g_autofree char *time = g_date_time_format (gchat_message_get_time (msg), "%H:%M");

    label = g_strdup_printf ("Earlier: gus at %s: said before pam came", time);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         label);
  }

  gui_raw_send (&gus, "PRIVMSG #polish :and this is live");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "and this is live"));
  live = conv_find (conv, "and this is live");
  g_assert_false (gchat_message_get_history (live));
  row = gui_find_row (window, "and this is live");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "history"));
  gui_type_line (window, "thanks, both");
  gui_raw_expect (&hal, ":pam!* PRIVMSG #polish :thanks, both");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "thanks, both"));
  gui_screenshot ("gchat-history-divider.png");
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_test_add_func ("/polish/whox", test_whox);
  g_test_add_func ("/polish/history-divider", test_history_divider);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&gus);
  gui_raw_close (&hal);
  g_clear_object (&app);
  return status;
}
