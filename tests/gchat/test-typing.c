/*
 * test-typing.c: typing notifications between gchat and a real chatd
 * (started by gui.sh, port in GCHAT_TEST_PORT). A raw client "ivy" with
 * message-tags shares #typing with gchat ("tia"): typing into the entry
 * sends @+typing=active TAGMSG and clearing it sends done; ivy's own
 * notices show "ivy is typing…" under the messages until done or her
 * message; with "Send typing notifications" off, gchat sends none.
 * Expiry (6 s, 30 s) is covered with made-up times in test-model.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-config.h"
#include "gchat-sidebar-row.h"
#include "gchat-typing-indicator.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         ivy;
static guint16           port;

/* Condition: #typing is shown and ivy is a member there. */
static gboolean
group_ready (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#typing");

  (void)data;
  return conv != NULL && gchat_window_get_shown (window) == conv &&
    gchat_conversation_find_member (conv, "ivy") != NULL;
}

/* The label of the typing line under the messages. */
static GtkLabel *
typing_label (void)
{
  GtkWidget *indicator = gui_find_by_id (GTK_WIDGET (window), "typing_indicator");

  g_assert_nonnull (indicator);
  g_assert_true (GCHAT_IS_TYPING_INDICATOR (indicator));
  return gchat_typing_indicator_get_label (GCHAT_TYPING_INDICATOR (indicator));
}

/* Condition: the typing line is on screen and says @data. */
static gboolean
typing_shows (gpointer data)
{
  GtkLabel *label = typing_label ();

  return gtk_widget_get_mapped (GTK_WIDGET (label)) &&
    g_strcmp0 (gtk_label_get_text (label), data) == 0;
}

/* Condition: the typing line says nothing and is hidden. */
static gboolean
typing_hidden (gpointer data)
{
  GtkLabel *label = typing_label ();

  (void)data;
  return !gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (label) == '\0';
}

/* Condition: the sidebar row of the conversation @data says "typing…". */
static gboolean
sidebar_typing (gpointer data)
{
  GchatSidebarRow *row = gchat_window_find_row (window, data);
  GtkWidget       *label = row != NULL ? gui_find_by_id (GTK_WIDGET (row), "typing_label") : NULL;

  return label != NULL && gtk_widget_get_mapped (label);
}

/* Condition: the sidebar row of the conversation @data does not say "typing…". */
static gboolean
sidebar_quiet (gpointer data)
{
  return !sidebar_typing (data);
}

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* How many of ivy's lines match @glob. */
static guint
ivy_count (const char *glob)
{
  guint n = 0;

  for (guint i = 0; i < ivy.lines->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (ivy.lines, i)))
      n++;
  return n;
}

/* How many messages of @conv say that @nick is not online. */
static guint
count_offline (GchatConversation *conv, const char *nick)
{
  g_autofree char *text = g_strdup_printf ("%s is not online", nick);
  GListModel      *messages = gchat_conversation_get_messages (conv);
  guint            n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (strstr (gchat_message_get_text (msg), text) != NULL)
      n++;
  }
  return n;
}

/* Condition: the server or the conversation @data said that "nobody" is not online. */
static gboolean
nobody_answered (gpointer data)
{
  return count_offline (gchat_session_get_server (session), "nobody") +
    count_offline (data, "nobody") >
    0;
}

/* ::server-error: count the errors about ivy (each one also pops up the info bar). */
static void
on_server_error (GchatSession *s, const char *text, gpointer user_data)
{
  if (strstr (text, "ivy is not online") != NULL)
    (*(guint *)user_data)++;
}

typedef struct
{
  const char *glob;
  guint       n;
} IvyCount;

/* Condition: ivy got at least n lines matching glob. */
static gboolean
ivy_has (gpointer data)
{
  IvyCount *c = data;

  return ivy_count (c->glob) >= c->n;
}

/* Type into the entry without pressing Enter, as keystrokes would. */
static void
type_into_entry (const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (gchat_window_get_entry (window)), text);
}

/*
 * Step: ivy (message-tags) and tia share #typing; tia types: ivy gets
 * active, once for several quick keys; tia clears the entry: ivy gets done.
 */
static void
test_send (void)
{

  gui_raw_connect (&ivy, port, "ivy");
  gui_raw_send (&ivy, "CAP REQ :message-tags");
  gui_raw_expect (&ivy, ":* CAP ivy ACK :message-tags");
  gui_raw_send (&ivy, "JOIN #typing");
  gui_raw_expect (&ivy, "*:* 366 ivy #typing *");

  window = gui_open_window (app, port, "tia", NULL, NULL, FALSE, 900, 560);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_true (gchat_connection_has_cap (gchat_session_get_connection (session), "message-tags"));
  gui_type_line (window, "/join #typing");
  g_assert_true (gui_wait_for (group_ready, NULL));
  gui_raw_expect (&ivy, "*:tia!* JOIN #typing*");

  type_into_entry ("h");
  type_into_entry ("he");
  type_into_entry ("hel");
  /* Client tags and the server's own; never gchat's quiet label. */
  gui_raw_expect (&ivy, "@*+typing=active :tia!* TAGMSG #typing");
  type_into_entry ("");
  gui_raw_expect (&ivy, "@*+typing=done :tia!* TAGMSG #typing");
  g_assert_cmpuint (ivy_count ("*+typing=active*"), ==, 1);
  g_assert_cmpuint (ivy_count ("*label=*"), ==, 0);
  /* A slash command being typed is nobody's business. */
  type_into_entry ("/topic secret plans");
  type_into_entry ("");
  gui_raw_send (&ivy, "PING :after-command");
  gui_raw_expect (&ivy, "*PONG * :after-command");
  g_assert_cmpuint (ivy_count ("*TAGMSG*"), ==, 2);
}

/*
 * Step: ivy types: "ivy is typing…" shows under the messages, with that
 * accessible label; done hides it; so does her message.
 */
static void
test_receive (void)
{
  GtkLabel *label;

  if (window == NULL) {
    g_test_skip ("no window from the send step");
    return;
  }
  g_assert_true (typing_hidden (NULL));
  gui_raw_send (&ivy, "@+typing=active TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_shows, (gpointer) "ivy is typing…"));
  label = typing_label ();
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (label),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "ivy is typing…");
  /* The sidebar row hints it too, for the eye and for screen readers. */
  g_assert_true (gui_wait_for (sidebar_typing, gchat_session_find (session, "#typing")));
  gtk_test_accessible_assert_property (gchat_window_find_row (window,
                                                              gchat_session_find (session,
                                                                                  "#typing")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "#typing, ivy is typing…");
  gui_raw_send (&ivy, "@+typing=done TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_hidden, NULL));
  g_assert_true (gui_wait_for (sidebar_quiet, gchat_session_find (session, "#typing")));

  gui_raw_send (&ivy, "@+typing=active TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_shows, (gpointer) "ivy is typing…"));
  gui_raw_send (&ivy, "PRIVMSG #typing :here is what I typed");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "here is what I typed"));
  g_assert_true (typing_hidden (NULL));

  /* Once more for the screenshot, with a message of ours above it. */
  gui_type_line (window, "take your time");
  gui_raw_expect (&ivy, "*:tia!* PRIVMSG #typing :take your time");
  gui_raw_send (&ivy, "@+typing=active TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_shows, (gpointer) "ivy is typing…"));
  gui_screenshot ("gchat-typing.png");
  gui_raw_send (&ivy, "@+typing=done TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_hidden, NULL));
}

/*
 * Step: "Send typing notifications" off (remembered in the key file):
 * typing sends nothing; our next message, on the same connection, arrives
 * with no TAGMSG before it. Others' notices still show.
 */
static void
test_setting_off (void)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();
  GtkMenuButton   *menu;
  guint            before;

  if (window == NULL) {
    g_test_skip ("no window from the send step");
    return;
  }
  /* The check item is in the main menu. */
  menu = gui_find_menu_button (GTK_WIDGET (window), "Main menu");
  g_assert_nonnull (menu);
  g_assert_true (gui_menu_has (gtk_menu_button_get_menu_model (menu), "action", "typing.send"));
  g_assert_true (
    gui_menu_has (gtk_menu_button_get_menu_model (menu), "label", "Send _typing notifications"));
  gtk_menu_button_popup (menu);
  g_assert_true (gui_wait_for (gui_popover_mapped, menu));
  gui_screenshot ("gchat-typing-menu.png");
  gtk_menu_button_popdown (menu);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "typing.send", NULL));
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  g_assert_false (g_key_file_get_boolean (kf, "privacy", "send-typing", NULL));
  g_assert_true (g_key_file_has_key (kf, "privacy", "send-typing", NULL));

  before = ivy_count ("*TAGMSG*");
  type_into_entry ("a private draft");
  type_into_entry ("a private draft, longer");
  type_into_entry ("");
  gui_type_line (window, "sent without notices");
  gui_raw_expect (&ivy, "*:tia!* PRIVMSG #typing :sent without notices");
  gui_raw_send (&ivy, "PING :round-trip");
  gui_raw_expect (&ivy, "*PONG * :round-trip");
  g_assert_cmpuint (ivy_count ("*TAGMSG*"), ==, before);

  /* Receiving still works. */
  gui_raw_send (&ivy, "@+typing=active TAGMSG #typing");
  g_assert_true (gui_wait_for (typing_shows, (gpointer) "ivy is typing…"));
  gui_raw_send (&ivy, "PRIVMSG #typing :ok");
  g_assert_true (gui_wait_for (typing_hidden, NULL));

  /* On again: typing is heard again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "typing.send", NULL));
  type_into_entry ("back on");
  gui_raw_expect (&ivy, "@*+typing=active :tia!* TAGMSG #typing");
  type_into_entry ("");
  g_assert_cmpuint (ivy_count ("*+typing=done*"), <, 3);
}

/*
 * Step: a private conversation gets the same; a notice to someone who
 * left is answered with 401, which gchat keeps quiet.
 */
static void
test_private (void)
{
  GchatConversation *query;
  guint              errors = 0;
  gulong             handler;

  if (window == NULL) {
    g_test_skip ("no window from the send step");
    return;
  }
  /* A draft for the group; showing another conversation says done there. */
  {
    IvyCount active = { "@*+typing=active :tia!* TAGMSG #typing", 0 };
    IvyCount done = { "@*+typing=done :tia!* TAGMSG #typing", 0 };

    active.n = ivy_count (active.glob) + 1;
    done.n = ivy_count (done.glob) + 1;
    type_into_entry ("a draft for the group");
    g_assert_true (gui_wait_for (ivy_has, &active));
    query = gchat_session_open_query (session, "ivy", TRUE);
    g_assert_true (gchat_window_show_by_name (window, "ivy"));
    g_assert_true (gui_wait_for (ivy_has, &done));
    /*
     * The draft is still in the entry, but nobody typed to ivy yet: a line
     * gchat sends after the switch reaches her with no TAGMSG before it.
     */
    gui_drain ();
    gui_type_line (window, "/quote PRIVMSG ivy :marker");
    gui_raw_expect (&ivy, "*:tia!* PRIVMSG ivy :marker");
    g_assert_cmpuint (ivy_count ("*TAGMSG ivy"), ==, 0);
  }
  type_into_entry ("psst");
  gui_raw_expect (&ivy, "@*+typing=active :tia!* TAGMSG ivy");
  type_into_entry ("");
  gui_raw_expect (&ivy, "@*+typing=done :tia!* TAGMSG ivy");
  gui_raw_send (&ivy, "@+typing=active TAGMSG tia");
  g_assert_true (gui_wait_for (typing_shows, (gpointer) "ivy is typing…"));
  /* Typing in the group too: its sidebar row says so while ivy's is shown. */
  gui_raw_send (&ivy, "@+typing=active TAGMSG #typing");
  g_assert_true (gui_wait_for (sidebar_typing, gchat_session_find (session, "#typing")));
  gui_screenshot ("gchat-typing-sidebar.png");
  gui_raw_send (&ivy, "QUIT :bye");
  g_assert_true (gui_wait_for (typing_hidden, NULL));
  /*
   * ivy is gone: the server answers 401 to both the typing notice and the
   * message; only the message's answer may show, once.
   */
  g_assert_true (
    gchat_connection_has_cap (gchat_session_get_connection (session), "labeled-response"));
  handler = g_signal_connect (session, "server-error", G_CALLBACK (on_server_error), &errors);
  type_into_entry ("are you there?");
  gui_drain (); /* the notice goes out before the message */
  gui_type_line (window, "are you there?");
  /* An answer that comes after both of those. */
  gui_type_line (window, "/quote WHOIS nobody");
  g_assert_true (gui_wait_for (nobody_answered, query));
  g_assert_cmpuint (count_offline (query, "ivy"), ==, 1);
  g_assert_cmpuint (errors, ==, 1);
  g_signal_handler_disconnect (session, handler);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_test_add_func ("/typing/send", test_send);
  g_test_add_func ("/typing/receive", test_receive);
  g_test_add_func ("/typing/setting-off", test_setting_off);
  g_test_add_func ("/typing/private", test_private);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&ivy);
  g_clear_object (&app);
  return status;
}
