/*
 * test-oper.c: server operators, game statistics and server information in
 * the real window against chatd, which gui.sh starts with an operator
 * (GCHAT_TEST_OPER=1: name and password in GCHAT_TEST_OPER_NAME and
 * GCHAT_TEST_OPER_PASSWORD). The steps run in order on one window:
 * refused commands and a wrong password are put in words, the right one
 * makes the session an operator and shows the operator items, KILL from
 * the member menu disconnects a raw client, REHASH answers in words, a
 * game between two raw clients shows up in the statistics dialog, the
 * server information dialog fills in, giving the status up hides the items
 * again, and at the very end DIE (after a cancelled first try) stops chatd.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-confirm-dialog.h"
#include "gchat-game-board.h"
#include "gchat-member-list.h"
#include "gchat-oper-dialog.h"
#include "gchat-server-actions.h"
#include "gchat-server-info-dialog.h"
#include "gchat-stats-dialog.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         rex; /* is disconnected by the operator */
static RawClient         ann; /* plays ben */
static RawClient         ben;
static guint16           port;

/* Whether the window's server.@name action is enabled. */
static gboolean
action_enabled (const char *name)
{
  return g_action_group_get_action_enabled (gchat_server_actions_get (GTK_WINDOW (window)), name);
}

/* Condition: a toplevel of the GType in @data is open. */
static gboolean
toplevel_open (gpointer data)
{
  return gui_find_toplevel ((GType)GPOINTER_TO_SIZE (data)) != NULL;
}

/* Condition: no toplevel of the GType in @data is open. */
static gboolean
toplevel_closed (gpointer data)
{
  return !toplevel_open (data);
}

/* Wait for a toplevel of @type and return it. */
static GtkWidget *
wait_toplevel (GType type)
{
  g_assert_true (gui_wait_for (toplevel_open, GSIZE_TO_POINTER (type)));
  return gui_find_toplevel (type);
}

/* Close every open message or confirmation window. */
static void
close_confirm_dialogs (void)
{
  GtkWidget *w;

  for (int i = 0; i < 10 && (w = gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG)) != NULL; i++)
    gtk_window_destroy (GTK_WINDOW (w));
  gui_drain ();
}

/* Condition: the message window's text contains @data. */
static gboolean
confirm_says (gpointer data)
{
  GtkWidget *w = gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG);

  return w != NULL && strstr (gchat_confirm_dialog_get_body (GCHAT_CONFIRM_DIALOG (w)), data);
}

/* Wait until the message window says @text; fail with what it says otherwise. */
static void
expect_confirm_says (const char *text)
{
  if (!gui_wait_for (confirm_says, (gpointer)text)) {
    GtkWidget *w = gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG);

    g_error ("the message window never said “%s” (it says “%s”)",
             text,
             w != NULL ? gchat_confirm_dialog_get_body (GCHAT_CONFIRM_DIALOG (w)) : "(closed)");
  }
}

/* How many messages of @conv contain @text. */
static guint
conversation_count (GchatConversation *conv, const char *text)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    if (strstr (gchat_message_get_text (m), text) != NULL)
      n++;
  }
  return n;
}

/* How many messages of the server tab contain @text. */
static guint
server_tab_count (const char *text)
{
  return conversation_count (gchat_session_get_server (session), text);
}

/* Condition: the shown conversation has a message containing @data. */
static gboolean
shown_has (gpointer data)
{
  return conversation_count (gchat_session_get_active (session), data) > 0;
}

/* Condition: the server tab has a message containing @data. */
static gboolean
server_tab_has (gpointer data)
{
  return server_tab_count (data) > 0;
}

/* Condition: the session is a server operator (or not, when @data is NULL). */
static gboolean
operator_is (gpointer data)
{
  return gchat_session_get_operator (session) == (data != NULL);
}

/* Whether a visible label under @widget reads @text. */
static gboolean
shows_label (GtkWidget *widget, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (!gtk_widget_get_visible (child))
      continue;
    if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
      return TRUE;
    if (shows_label (child, text))
      return TRUE;
  }
  return FALSE;
}

/* Pop up rex's member menu; whether it shows "Disconnect from server…". */
static gboolean
rex_menu_offers_kill (void)
{
  GtkMenuButton *button = NULL;
  gboolean       shown;
  gint64         end = g_get_monotonic_time () + GUI_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (button == NULL && g_get_monotonic_time () < end) {
    button =
      gui_find_menu_button (GTK_WIDGET (gchat_window_get_member_list (window)), "Actions for rex");
    if (button == NULL && !g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  }
  g_assert_nonnull (button);
  gtk_menu_button_popup (button);
  g_assert_true (gui_wait_for (gui_popover_mapped, button));
  gui_drain ();
  shown =
    shows_label (GTK_WIDGET (gtk_menu_button_get_popover (button)), "Disconnect from server…");
  g_assert_true (shows_label (GTK_WIDGET (gtk_menu_button_get_popover (button)), "Game record"));
  gui_screenshot (shown ? "gchat-oper-member-menu.png" : "gchat-member-menu.png");
  gtk_menu_button_popdown (button);
  return shown;
}

/* Pop up the main menu; whether it shows the operator item @label (screenshot @shot). */
static gboolean
main_menu_shows (const char *label, const char *shot)
{
  GtkWidget *button = gui_find_by_id (GTK_WIDGET (window), "menu_button");
  gboolean   shown;

  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gui_wait_for (gui_popover_mapped, button));
  gui_drain ();
  g_assert_true (shows_label (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                              "Server information"));
  shown = shows_label (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))), label);
  if (shot != NULL)
    gui_screenshot (shot);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  return shown;
}

/* Condition: #ops shows rex as a member. */
static gboolean
rex_in_ops (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#ops");

  return conv != NULL && gchat_conversation_find_member (conv, "rex") != NULL;
}

/* Step: connect as quin, with rex in #ops; operator items are off. */
static void
test_connect (void)
{

  gui_raw_connect (&rex, port, "rex");
  window = gui_open_window (app, port, "quin", NULL, NULL, FALSE, 1000, 640);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  gui_type_line (window, "/join #ops");
  gui_raw_send (&rex, "JOIN #ops");
  g_assert_true (gui_wait_for (rex_in_ops, NULL));
  gtk_toggle_button_set_active (gchat_window_get_members_button (window), TRUE);
  /* Not an operator: the member menu has no "Disconnect from server…". */
  g_assert_false (rex_menu_offers_kill ());
  g_assert_false (main_menu_shows ("Reload server configuration", NULL));
  g_assert_false (main_menu_shows ("Shut down server…", NULL));

  g_assert_false (gchat_session_get_operator (session));
  g_assert_true (action_enabled ("oper"));
  g_assert_true (action_enabled ("stats"));
  g_assert_true (action_enabled ("info"));
  g_assert_false (action_enabled ("rehash"));
  g_assert_false (action_enabled ("die"));
  g_assert_false (action_enabled ("kill"));
  g_assert_false (action_enabled ("deoper"));
}

/* Condition: no OPER waits for its answer. */
static gboolean
oper_answered (gpointer data)
{
  return !gchat_server_requests_get_oper_pending (gchat_session_get_requests (session));
}

/* Step: a refused operator command and wrong OPER logins are put in words. */
static void
test_refused (void)
{
  GchatServerRequests *requests = gchat_session_get_requests (session);
  GtkWidget           *dialog;
  GtkWidget           *name;
  GtkWidget           *password;
  GtkWidget           *ok;

  /* As if typed before the status was given: 481 in words, not a number. */
  gchat_server_requests_rehash (requests);
  expect_confirm_says ("you are not a server operator");
  close_confirm_dialogs ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.oper", NULL));
  dialog = wait_toplevel (GCHAT_TYPE_OPER_DIALOG);
  name = gui_find_by_id (dialog, "name_entry");
  password = gui_find_by_id (dialog, "password_entry");
  ok = gui_find_by_id (dialog, "ok_button");
  g_assert_nonnull (name);
  g_assert_nonnull (password);
  g_assert_nonnull (ok);

  gtk_editable_set_text (GTK_EDITABLE (name), g_getenv ("GCHAT_TEST_OPER_NAME"));
  gtk_editable_set_text (GTK_EDITABLE (password), "not-the-password");
  g_signal_emit_by_name (ok, "clicked");
  g_assert_true (gui_wait_for (oper_answered, NULL));
  g_assert_cmpstr (gchat_oper_dialog_get_problem (GCHAT_OPER_DIALOG (dialog)),
                   ==,
                   "Wrong operator password");
  g_assert_true (gui_find_toplevel (GCHAT_TYPE_OPER_DIALOG) == dialog);
  g_assert_false (gchat_session_get_operator (session));
  gui_screenshot ("gchat-oper-wrong.png");

  gtk_editable_set_text (GTK_EDITABLE (name), "nobody");
  gtk_editable_set_text (GTK_EDITABLE (password), "whatever");
  g_signal_emit_by_name (ok, "clicked");
  g_assert_true (gui_wait_for (oper_answered, NULL));
  g_assert_nonnull (strstr (gchat_oper_dialog_get_problem (GCHAT_OPER_DIALOG (dialog)),
                            "no operator of that name"));
  g_assert_false (gchat_session_get_operator (session));
}

/* Step: the right password closes the dialog and turns the operator items on. */
static void
test_oper (void)
{
  GtkWidget *dialog = gui_find_toplevel (GCHAT_TYPE_OPER_DIALOG);

  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "name_entry")),
                         g_getenv ("GCHAT_TEST_OPER_NAME"));
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry")),
                         g_getenv ("GCHAT_TEST_OPER_PASSWORD"));
  g_signal_emit_by_name (gui_find_by_id (dialog, "ok_button"), "clicked");
  g_assert_true (gui_wait_for (operator_is, GINT_TO_POINTER (1)));
  g_assert_true (gui_wait_for (toplevel_closed, GSIZE_TO_POINTER (GCHAT_TYPE_OPER_DIALOG)));
  g_assert_true (action_enabled ("rehash"));
  g_assert_true (action_enabled ("die"));
  g_assert_true (action_enabled ("kill"));
  g_assert_true (action_enabled ("deoper"));
  g_assert_false (action_enabled ("oper"));
  g_assert_true (gui_wait_for (server_tab_has, (gpointer) "You are now a server operator"));
  g_assert_true (main_menu_shows ("Reload server configuration", "gchat-oper-menu.png"));
  g_assert_true (main_menu_shows ("Shut down server…", NULL));
  g_assert_true (main_menu_shows ("Give up operator status", NULL));
  g_assert_false (main_menu_shows ("Become server operator…", NULL));
}

/* Step: Disconnect from server… in rex's member menu: reason, confirm, KILL. */
static void
test_kill (void)
{
  GchatMemberList *list = gchat_window_get_member_list (window);
  g_autoptr (GMenuModel) menu = gchat_member_list_menu_for (list, "rex");
  GchatConfirmDialog *confirm;

  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_ACTION, "server.kill"));
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_ACTION, "server.record"));
  g_assert_true (rex_menu_offers_kill ());

  /* Cancel first: nothing is sent. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.kill", "s", "rex"));
  confirm = GCHAT_CONFIRM_DIALOG (wait_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_nonnull (strstr (gchat_confirm_dialog_get_body (confirm), "rex"));
  g_signal_emit_by_name (gchat_confirm_dialog_get_cancel_button (confirm), "clicked");
  g_assert_true (gui_wait_for (toplevel_closed, GSIZE_TO_POINTER (GCHAT_TYPE_CONFIRM_DIALOG)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.kill", "s", "rex"));
  confirm = GCHAT_CONFIRM_DIALOG (wait_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  gtk_editable_set_text (gchat_confirm_dialog_get_reason (confirm), "spamming the group");
  gui_screenshot ("gchat-oper-kill.png");
  g_signal_emit_by_name (gchat_confirm_dialog_get_action_button (confirm), "clicked");
  gui_raw_expect (&rex, ":quin!* KILL rex :spamming the group");
  gui_raw_expect (&rex, "ERROR :*Killed*");
  expect_confirm_says ("You disconnected rex from the server");
  close_confirm_dialogs ();
}

/* Step: Reload server configuration shows the 382 answer in words. */
static void
test_rehash (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.rehash", NULL));
  expect_confirm_says ("The server reloaded its configuration from chatd.conf");
  gui_screenshot ("gchat-oper-rehash.png");
  close_confirm_dialogs ();
  /* The numeric itself is not repeated as raw text in the server tab. */
  g_assert_cmpuint (server_tab_count (":Rehashing"), ==, 0);
  g_assert_cmpuint (server_tab_count ("Rehashing"), ==, 0);
}

/* The game id from the "TTT ACCEPT <id>" of an invitation notice, or NULL. */
static char *
game_id (RawClient *c)
{
  const char *line = gui_lines_find (c->lines, "*TTT ACCEPT *");
  const char *p;

  if (line == NULL)
    return NULL;
  p = strstr (line, "TTT ACCEPT ") + strlen ("TTT ACCEPT ");
  return g_strndup (p, strspn (p, "0123456789"));
}

/* Condition: the statistics dialog shows a record for @data. */
static gboolean
stats_shown_for (gpointer data)
{
  GtkWidget *w = gui_find_toplevel (GCHAT_TYPE_STATS_DIALOG);
  guint      a, b, c;

  return w != NULL &&
    g_ascii_strcasecmp (gchat_stats_dialog_get_player (GCHAT_STATS_DIALOG (w)), data) == 0 &&
    gchat_stats_dialog_get_record (GCHAT_STATS_DIALOG (w), &a, &b, &c);
}

/* Step: ann beats ben on the top row; their records in the dialog match. */
static void
test_stats (void)
{
  g_autofree char *id = NULL;
  const char      *moves[][2] = {
         { "ann", "1" }, { "ben", "4" }, { "ann", "2" }, { "ben", "5" }, { "ann", "3" }
  };
  GchatStatsDialog *dialog;
  guint             w = 9, l = 9, d = 9;

  gui_raw_connect (&ann, port, "ann");
  gui_raw_connect (&ben, port, "ben");
  gui_raw_send (&ann, "TTT ben");
  gui_raw_expect (&ben, "*TTT ACCEPT *");
  id = game_id (&ben);
  g_assert_nonnull (id);
  gui_raw_send (&ben, "TTT ACCEPT");
  gui_raw_expect (&ann, "*game on*");
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++) {
    g_autofree char *line = g_strdup_printf ("TTT MOVE %s %s", id, moves[i][1]);
    g_autofree char *took = g_strdup_printf ("*took %s*", moves[i][1]);

    gui_raw_send (strcmp (moves[i][0], "ann") == 0 ? &ann : &ben, line);
    gui_raw_expect (&ann, took);
  }
  gui_raw_expect (&ann, "*ann (X) wins*");

  /* Our own statistics: no games yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.stats", NULL));
  g_assert_true (gui_wait_for (stats_shown_for, (gpointer) "quin"));
  dialog = GCHAT_STATS_DIALOG (gui_find_toplevel (GCHAT_TYPE_STATS_DIALOG));
  g_assert_true (gchat_stats_dialog_get_record (dialog, &w, &l, &d));
  g_assert_cmpuint (w + l + d, ==, 0);

  /* ann's record, as from the member or contact menu. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.record", "s", "ann"));
  g_assert_true (gui_wait_for (stats_shown_for, (gpointer) "ann"));
  g_assert_true (gui_find_toplevel (GCHAT_TYPE_STATS_DIALOG) == GTK_WIDGET (dialog));
  g_assert_true (gchat_stats_dialog_get_record (dialog, &w, &l, &d));
  g_assert_cmpuint (w, ==, 1);
  g_assert_cmpuint (l, ==, 0);
  g_assert_cmpuint (d, ==, 0);
  gui_screenshot ("gchat-stats.png");

  /* ben's, typed into the dialog. */
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (GTK_WIDGET (dialog), "player_entry")),
                         "ben");
  g_signal_emit_by_name (gui_find_by_id (GTK_WIDGET (dialog), "lookup_button"), "clicked");
  g_assert_true (gui_wait_for (stats_shown_for, (gpointer) "ben"));
  g_assert_true (gchat_stats_dialog_get_record (dialog, &w, &l, &d));
  g_assert_cmpuint (w, ==, 0);
  g_assert_cmpuint (l, ==, 1);
  g_assert_cmpuint (d, ==, 0);

  /* The answers went to the dialog, not to the server tab... */
  g_assert_cmpuint (server_tab_count ("STATS"), ==, 0);
  g_assert_cmpuint (conversation_count (gchat_session_get_active (session), "STATS"), ==, 0);
  /* ...but a STATS nobody asked for in the UI still shows as text, where it was typed. */
  gui_type_line (window, "/quote TTT STATS ann");
  g_assert_true (gui_wait_for (shown_has, (gpointer) "STATS ann 1 0 0"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The first widget of @type under @root, or NULL. */
static GtkWidget *
find_child_of_type (GtkWidget *root, GType type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
      return child;
    if ((found = find_child_of_type (child, type)) != NULL)
      return found;
  }
  return NULL;
}

/* Condition: the board of a game against ann shows her record. */
static gboolean
board_shows_record (gpointer data)
{
  GtkWidget *board =
    find_child_of_type (GTK_WIDGET (gchat_window_get_message_view (window)), GCHAT_TYPE_GAME_BOARD);

  return board != NULL &&
    g_strcmp0 (gchat_game_board_get_record (GCHAT_GAME_BOARD (board)), data) == 0;
}

/* Condition: the contact menu button with tooltip @data is in the window. */
static gboolean
contact_menu_shown (gpointer data)
{
  return gui_find_menu_button (GTK_WIDGET (window), data) != NULL;
}

/* Step: challenging ann shows her record on the game board. */
static void
test_board_record (void)
{
  g_autoptr (GError) error = NULL;
  const char *record = "ann: 1 won, 0 lost, 0 drawn";

  g_assert_true (gchat_session_ttt_challenge (session, "ann", NULL, &error));
  g_assert_no_error (error);
  gui_raw_expect (&ann, "*quin invites ann to tic-tac-toe*");
  g_assert_true (gchat_window_show_by_name (window, "ann"));
  g_assert_true (gui_wait_for (board_shows_record, (gpointer)record));
  gui_screenshot ("gchat-game-record.png");
  gui_raw_send (&ann, "TTT DECLINE");

  /* A contact's menu offers the record too. */
  gchat_session_add_contact (session, "ann");
  g_assert_true (gui_wait_for (contact_menu_shown, (gpointer) "Actions for contact ann"));
  g_assert_true (
    gui_menu_has (gtk_menu_button_get_menu_model (
                    gui_find_menu_button (GTK_WIDGET (window), "Actions for contact ann")),
                  G_MENU_ATTRIBUTE_ACTION,
                  "server.record"));
}

/* Condition: the server information dialog has its answers. */
static gboolean
info_loaded (gpointer data)
{
  GtkWidget *w = gui_find_toplevel (GCHAT_TYPE_SERVER_INFO_DIALOG);

  return w != NULL && !gchat_server_info_dialog_get_loading (GCHAT_SERVER_INFO_DIALOG (w));
}

/* Step: Server information shows version, users, admin, time and MOTD in sections. */
static void
test_info (void)
{
  GchatServerInfoDialog *dialog;
  GchatServerRequests   *requests = gchat_session_get_requests (session);
  guint                  motd_before = server_tab_count ("Welcome to chatd");
  const char            *users;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.info", NULL));
  dialog = GCHAT_SERVER_INFO_DIALOG (wait_toplevel (GCHAT_TYPE_SERVER_INFO_DIALOG));
  g_assert_true (gui_wait_for (info_loaded, NULL));
  g_assert_true (
    g_str_has_prefix (gchat_server_info_dialog_get_text (dialog, GCHAT_SERVER_INFO_VERSION),
                      "chatd-"));
  /* quin, ann and ben; rex was disconnected. */
  g_assert_cmpint (gchat_server_requests_get_user_count (requests), ==, 3);
  users = gchat_server_info_dialog_get_text (dialog, GCHAT_SERVER_INFO_USERS);
  g_assert_nonnull (strstr (users, "There are 3 users"));
  g_assert_nonnull (strstr (users, "1 operator(s) online"));
  g_assert_nonnull (strstr (gchat_server_info_dialog_get_text (dialog, GCHAT_SERVER_INFO_MOTD),
                            "Welcome to chatd"));
  g_assert_cmpstr (gchat_server_info_dialog_get_text (dialog, GCHAT_SERVER_INFO_TIME), !=, "");
  g_assert_nonnull (
    strstr (gchat_server_info_dialog_get_text (dialog, GCHAT_SERVER_INFO_SUPPORT), "CASEMAPPING="));
  /* None of it was repeated in the server tab. */
  g_assert_cmpuint (server_tab_count ("Welcome to chatd"), ==, motd_before);
  g_assert_cmpuint (server_tab_count ("There are 3 users"), ==, 0);
  gui_screenshot ("gchat-server.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Step: Give up operator status turns the operator items off again. */
static void
test_deoper (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.deoper", NULL));
  g_assert_true (gui_wait_for (operator_is, NULL));
  g_assert_false (action_enabled ("rehash"));
  g_assert_false (action_enabled ("kill"));
  g_assert_false (action_enabled ("die"));
  g_assert_true (action_enabled ("oper"));
  g_assert_false (main_menu_shows ("Give up operator status", NULL));
  g_assert_true (main_menu_shows ("Become server operator…", NULL));
}

/* Condition: nothing listens on chatd's port any more. */
static gboolean
port_closed (gpointer data)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn =
    g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return conn == NULL;
}

/* Step, the last: Shut down server… says what it does; Cancel keeps chatd, OK stops it. */
static void
test_die (void)
{
  GchatConfirmDialog *confirm;

  gchat_server_requests_oper (gchat_session_get_requests (session),
                              g_getenv ("GCHAT_TEST_OPER_NAME"),
                              g_getenv ("GCHAT_TEST_OPER_PASSWORD"));
  g_assert_true (gui_wait_for (operator_is, GINT_TO_POINTER (1)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.die", NULL));
  confirm = GCHAT_CONFIRM_DIALOG (wait_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_nonnull (
    strstr (gchat_confirm_dialog_get_body (confirm), "Every user, you included, is disconnected"));
  g_assert_cmpstr (gtk_button_get_label (
                     GTK_BUTTON (gchat_confirm_dialog_get_action_button (confirm))),
                   ==,
                   "Shut Down Server");
  gui_screenshot ("gchat-oper-die.png");
  g_signal_emit_by_name (gchat_confirm_dialog_get_cancel_button (confirm), "clicked");
  g_assert_true (gui_wait_for (toplevel_closed, GSIZE_TO_POINTER (GCHAT_TYPE_CONFIRM_DIALOG)));
  gui_raw_send (&ann, "PING :still-there");
  gui_raw_expect (&ann, "*PONG * :still-there");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "server.die", NULL));
  confirm = GCHAT_CONFIRM_DIALOG (wait_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  gtk_editable_set_text (gchat_confirm_dialog_get_reason (confirm), "end of the test");
  g_signal_emit_by_name (gchat_confirm_dialog_get_action_button (confirm), "clicked");
  gui_raw_expect (&ann, "ERROR *");
  g_assert_true (gui_wait_for (port_closed, NULL));
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  if (g_getenv ("GCHAT_TEST_OPER_NAME") == NULL) {
    g_print ("1..0 # SKIP run through oper.sh (no operator configured)\n");
    return 0;
  }
  g_test_add_func ("/oper/connect", test_connect);
  g_test_add_func ("/oper/refused", test_refused);
  g_test_add_func ("/oper/oper", test_oper);
  g_test_add_func ("/oper/kill", test_kill);
  g_test_add_func ("/oper/rehash", test_rehash);
  g_test_add_func ("/oper/stats", test_stats);
  g_test_add_func ("/oper/board-record", test_board_record);
  g_test_add_func ("/oper/info", test_info);
  g_test_add_func ("/oper/deoper", test_deoper);
  g_test_add_func ("/oper/die", test_die);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
