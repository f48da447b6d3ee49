/*
 * test-gui.c: the real window against a real chatd on loopback (started by
 * gui.sh, port in GCHAT_TEST_PORT), with a second, raw client ("bob") that
 * speaks the protocol by hand. The steps run in order and share the window:
 * connect, follow a contact, join a group through the entry, exchange
 * messages both ways, see the admin menu, get an unread private message,
 * see the contact go offline. Assertions are on models, widgets and
 * accessible labels, not on "it did not crash".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gchat-application.h"
#include "gchat-confirm-dialog.h"
#include "gchat-connect-dialog.h"
#include "gchat-game-board.h"
#include "gchat-group-settings.h"
#include "gchat-join-dialog.h"
#include "gchat-message-row.h"
#include "gchat-oper-dialog.h"
#include "gchat-password-dialog.h"
#include "gchat-server-info-dialog.h"
#include "gchat-stats-dialog.h"
#include "gchat-switcher.h"
#include "gchat-transfer-row.h"
#include "gchat-trust-dialog.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static char             *download_dir; /* accepted files go here */
static RawClient         bob;
static guint16           port;

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* Step 1: the window connects to chatd and says so. */
static void
test_connect (void)
{
  const char *status;

  window = gui_open_window (app, port, "alice", NULL, NULL, FALSE, 1000, 640);
  session = gchat_window_get_session (window);
  download_dir = g_dir_make_tmp ("gchat-downloads-XXXXXX", NULL);
  g_assert_nonnull (download_dir);
  gchat_session_set_download_dir (session, download_dir);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  status = gchat_session_get_status (session);
  g_assert_nonnull (strstr (status, "Connected to 127.0.0.1 as alice"));
  gtk_test_accessible_assert_property (gchat_window_get_entry (window),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Message");
}

/* Condition: contact bob has the presence in data. */
static gboolean
bob_presence_is (gpointer data)
{
  GchatContact *c = gchat_session_find_contact (session, "bob");

  return c != NULL && gchat_contact_get_presence (c) == (GchatPresence)GPOINTER_TO_INT (data);
}

/* Step 2: a contact is followed with MONITOR, comes online, goes away and back. */
static void
test_contact_online (void)
{
  GchatSidebarRow *row;

  gchat_session_add_contact (session, "bob");
  gui_raw_connect (&bob, port, "bob");
  g_assert_true (gui_wait_for (bob_presence_is, GINT_TO_POINTER (GCHAT_PRESENCE_ONLINE)));
  row = gchat_window_find_contact_row (window, "bob");
  g_assert_nonnull (row);
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, "bob, online");
  g_assert_nonnull (gui_find_menu_button (GTK_WIDGET (row), "Actions for contact bob"));

  /* bob shares no group with us yet: away comes through extended-monitor. */
  gui_raw_send (&bob, "AWAY :lunch");
  g_assert_true (gui_wait_for (bob_presence_is, GINT_TO_POINTER (GCHAT_PRESENCE_AWAY)));
  g_assert_cmpstr (gchat_contact_get_away_message (gchat_session_find_contact (session, "bob")),
                   ==,
                   "lunch");
  gui_raw_send (&bob, "AWAY");
  g_assert_true (gui_wait_for (bob_presence_is, GINT_TO_POINTER (GCHAT_PRESENCE_ONLINE)));
}

/* Condition: we are in #test and it is on screen. */
static gboolean
test_group_shown (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#test");

  return conv != NULL && gchat_conversation_get_joined (conv) &&
    gchat_window_get_shown (window) == conv && gchat_conversation_get_operator (conv);
}

/* Condition: #test has @data members. */
static gboolean
member_count_is (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#test");

  return conv != NULL &&
    g_list_model_get_n_items (gchat_conversation_get_members (conv)) ==
    (guint)GPOINTER_TO_INT (data);
}

/* Condition: #test's topic is @data. */
static gboolean
topic_is (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#test");

  return conv != NULL && g_strcmp0 (gchat_conversation_get_topic (conv), data) == 0;
}

/* Step 3: /join in the entry creates the group, shows it, makes us admin. */
static void
test_join_group (void)
{
  GchatConversation *conv;

  gui_type_line (window, "/join #test");
  g_assert_true (gui_wait_for (test_group_shown, NULL));
  conv = gchat_session_find (session, "#test");
  g_assert_nonnull (gchat_window_find_row (window, conv));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gchat_window_get_entry (window))), ==, "");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gchat_window_get_members_button (window))));
  gui_type_line (window, "/topic Plans for Friday: picnic or museum?");
  g_assert_true (gui_wait_for (topic_is, (gpointer) "Plans for Friday: picnic or museum?"));
  gui_raw_send (&bob, "JOIN #test");
  gui_raw_expect (&bob, ":chatd.local 366 bob #test *");
  g_assert_true (gui_wait_for (member_count_is, GINT_TO_POINTER (2)));
}

/* Step 4: our message reaches bob; bob's reaches us and is shown. */
static void
test_messages (void)
{
  GchatConversation *conv = gchat_session_find (session, "#test");
  GListModel        *msgs = gchat_conversation_get_messages (conv);
  g_autoptr (GchatMessage) last = NULL;
  GchatMessageRow *row;

  gui_type_line (window, "hello bob, from gchat");
  gui_raw_expect (&bob, ":alice!*PRIVMSG #test :hello bob, from gchat");
  last = g_list_model_get_item (msgs, g_list_model_get_n_items (msgs) - 1);
  g_assert_true (gchat_message_get_own (last));
  g_assert_true (gui_wait_for (row_shown, (gpointer) "hello bob, from gchat"));
  row = gui_find_row (window, "hello bob, from gchat");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "own"));

  gui_raw_send (&bob, "PRIVMSG #test :hi alice, raw bob here");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "hi alice, raw bob here"));
  row = gui_find_row (window, "hi alice, raw bob here");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "other"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "highlight"));
  g_assert_cmpstr (gchat_message_get_nick (gchat_message_row_get_message (row)), ==, "bob");
  g_assert_false (gchat_message_get_own (gchat_message_row_get_message (row)));
  /* On screen, so nothing is unread. */
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);

  /* Up brings back the last line sent; Down returns to an empty entry. */
  g_assert_true (gchat_window_history_step (window, -1));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gchat_window_get_entry (window))),
                   ==,
                   "hello bob, from gchat");
  g_assert_true (gchat_window_history_step (window, -1));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gchat_window_get_entry (window))),
                   ==,
                   "/topic Plans for Friday: picnic or museum?");
  g_assert_true (gchat_window_history_step (window, 1));
  g_assert_true (gchat_window_history_step (window, 1));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gchat_window_get_entry (window))), ==, "");
  g_assert_false (gchat_window_history_step (window, 1));

  /* Tab completes bob's nick from the member list. */
  gtk_editable_set_text (GTK_EDITABLE (gchat_window_get_entry (window)), "bo");
  gtk_editable_set_position (GTK_EDITABLE (gchat_window_get_entry (window)), 2);
  g_assert_true (gchat_window_complete (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gchat_window_get_entry (window))),
                   ==,
                   "bob: ");
  gtk_editable_set_text (GTK_EDITABLE (gchat_window_get_entry (window)), "");
  gui_screenshot ("gchat-main.png");
}

/* Pop up the member row menu labelled @label. */
static GtkMenuButton *
open_member_menu (const char *label)
{
  GtkMenuButton *button = NULL;
  gint64         end = g_get_monotonic_time () + GUI_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (button == NULL && g_get_monotonic_time () < end) {
    button = gui_find_menu_button (GTK_WIDGET (gchat_window_get_member_list (window)), label);
    if (button == NULL && !g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  }
  if (button != NULL)
    gtk_menu_button_popup (button);
  return button;
}

/* Condition: bob is an admin of #test. */
static gboolean
bob_is_admin (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#test");
  GchatMember       *m = gchat_conversation_find_member (conv, "bob");

  return m != NULL && gchat_session_is_admin (session, m);
}

/* Step 5: the member list offers admin actions to us (an admin), and they work. */
static void
test_admin_menu (void)
{
  GchatMemberList *list = gchat_window_get_member_list (window);
  g_autoptr (GMenuModel) menu = NULL;
  GtkMenuButton *popup;

  gtk_toggle_button_set_active (gchat_window_get_members_button (window), TRUE);
  menu = gchat_member_list_menu_for (list, "bob");
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Send a private message"));
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Who is this?"));
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Make admin until they leave"));
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Remove from group"));
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Ban from group"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.make-admin", "s", "bob"));
  gui_raw_expect (&bob, ":alice!* MODE #test +o bob");
  g_assert_true (gui_wait_for (bob_is_admin, NULL));
  g_clear_object (&menu);
  menu = gchat_member_list_menu_for (list, "bob");
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Remove admin rights"));
  g_assert_false (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Make admin until they leave"));
  g_clear_object (&menu);
  menu = gchat_member_list_menu_for (list, "alice");
  g_assert_false (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Ban from group"));

  /* Open bob's menu as a person would, and find its admin items on screen. */
  popup = open_member_menu ("Actions for bob");
  g_assert_nonnull (popup);
  g_assert_true (gui_wait_for (gui_popover_mapped, popup));
  gui_screenshot ("gchat-admin.png");
  gtk_menu_button_popdown (popup);
}

/* Condition: the private conversation with bob has an unread message. */
static gboolean
bob_query_unread (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "bob");

  return conv != NULL && gchat_conversation_get_unread (conv) == 1;
}

/* Step 6: a private message elsewhere shows an unread badge in the sidebar. */
static void
test_private_unread (void)
{
  GchatConversation *conv;
  GchatSidebarRow   *row;

  gui_raw_send (&bob, "PRIVMSG alice :a private word");
  g_assert_true (gui_wait_for (bob_query_unread, NULL));
  conv = gchat_session_find (session, "bob");
  row = gchat_window_find_row (window, conv);
  g_assert_nonnull (row);
  g_assert_cmpstr (gchat_sidebar_row_get_badge (row), ==, "1");
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, "bob, 1 unread");
  gchat_window_select_conversation (window, conv);
  g_assert_true (gchat_window_get_shown (window) == conv);
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);
  g_assert_null (gchat_sidebar_row_get_badge (row));
  g_assert_true (gui_wait_for (row_shown, (gpointer) "a private word"));
  /* Opened with an unread line: "New messages" right before it, and Alt+Home goes there. */
  {
    GListModel *msgs = gchat_conversation_get_messages (conv);
    guint       at = gchat_conversation_find_first_unread (conv);
    g_autoptr (GchatMessage) divider = NULL;
    g_autoptr (GchatMessage) next = NULL;

    g_assert_cmpuint (at, <, g_list_model_get_n_items (msgs) - 1);
    divider = g_list_model_get_item (msgs, at);
    next = g_list_model_get_item (msgs, at + 1);
    g_assert_true (gchat_message_get_divider (divider));
    g_assert_cmpstr (gchat_message_get_text (divider), ==, GCHAT_CONVERSATION_NEW_MESSAGES);
    g_assert_cmpstr (gchat_message_get_text (next), ==, "a private word");
    g_assert_true (gui_wait_for (row_shown, (gpointer)GCHAT_CONVERSATION_NEW_MESSAGES));
    g_assert_true (gchat_window_jump_to_first_unread (window));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.jump-unread", NULL));
    gui_drain ();
    gui_screenshot ("gchat-new-messages.png");
  }
  /* Nothing unread in the server log: nowhere to jump. */
  gchat_window_select_conversation (window, gchat_session_get_server (session));
  g_assert_false (gchat_window_jump_to_first_unread (window));
  gchat_window_select_conversation (window, conv);
}

/* Condition: we are an admin of #club and it is invite-only with a key. */
static gboolean
club_is_private (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#club");
  GListModel        *msgs;
  gboolean           plus_i = FALSE;
  gboolean           plus_k = FALSE;

  if (conv == NULL || !gchat_conversation_get_operator (conv))
    return FALSE;
  msgs = gchat_conversation_get_messages (conv);
  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);
    const char *text = gchat_message_get_text (m);

    plus_i = plus_i || strstr (text, "made the group invite-only") != NULL;
    plus_k = plus_k || strstr (text, "set a key (password) to join") != NULL;
  }
  return plus_i && plus_k;
}

/* Condition: the join dialog lists #test with its two members. */
static gboolean
groups_listed (gpointer data)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (gchat_join_dialog_get_groups_list (data), 0);
  g_autofree char *mismatch = NULL;

  if (row == NULL)
    return FALSE;
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                 "#test, 2 members");
  return mismatch == NULL;
}

/* Condition: the join dialog is gone. */
static gboolean
join_dialog_closed (gpointer data)
{
  return gui_find_toplevel (GCHAT_TYPE_JOIN_DIALOG) == NULL;
}

/* Condition: #club has two members. */
static gboolean
club_has_two (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#club");

  return conv != NULL && g_list_model_get_n_items (gchat_conversation_get_members (conv)) == 2;
}

/* Step: create a private group with a key in the dialog, invite bob through the popover. */
static void
test_private_group (void)
{
  GtkWidget *dialog;

  gchat_window_show_join_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_JOIN_DIALOG);
  g_assert_nonnull (dialog);
  /* The server's groups are offered; picking one fills in its name. */
  g_assert_true (gui_wait_for (groups_listed, dialog));
  g_signal_emit_by_name (gchat_join_dialog_get_groups_list (GCHAT_JOIN_DIALOG (dialog)),
                         "row-activated",
                         gtk_list_box_get_row_at_index (gchat_join_dialog_get_groups_list (
                                                          GCHAT_JOIN_DIALOG (dialog)),
                                                        0));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gui_find_by_id (dialog, "name_entry"))),
                   ==,
                   "#test");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "name_entry")), "club");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_find_by_id (dialog, "private_check")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "key_entry")), "s3cret");
  g_signal_emit_by_name (gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)),
                                         "join_button"),
                         "clicked");
  g_assert_true (gui_wait_for (join_dialog_closed, NULL));
  g_assert_true (gui_wait_for (club_is_private, NULL));
  g_assert_true (gchat_window_get_shown (window) == gchat_session_find (session, "#club"));

  /* Without an invitation bob is refused. */
  gui_raw_send (&bob, "JOIN #club");
  gui_raw_expect (&bob, ":chatd.local 47? bob #club *");

  /* The invite popover sends INVITE; bob comes in with the key. */
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (GTK_WIDGET (window), "invite_entry")),
                         "bob");
  g_signal_emit_by_name (gui_find_by_id (GTK_WIDGET (window), "invite_entry"), "activate");
  gui_raw_expect (&bob, ":alice!* INVITE bob *#club");
  gui_raw_send (&bob, "JOIN #club s3cret");
  gui_raw_expect (&bob, ":bob!* JOIN *#club*");
  g_assert_true (gui_wait_for (club_has_two, NULL));
}

/* The board shown on screen, or NULL. */
static GchatGameBoard *
find_board (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  gui_collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
  for (guint i = 0; i < rows->len; i++) {
    GtkWidget *w = gchat_message_row_get_item_widget (rows->pdata[i]);

    if (w != NULL && GCHAT_IS_GAME_BOARD (w))
      return GCHAT_GAME_BOARD (w);
  }
  return NULL;
}

/* Condition: a board is on screen. */
static gboolean
board_shown (gpointer data)
{
  return find_board () != NULL;
}

/* Find a visible button labelled @label under @w. */
static GtkWidget *
find_button (GtkWidget *w, const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (GTK_IS_BUTTON (child) && gtk_widget_get_visible (child) &&
        g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
      return child;
    if ((found = find_button (child, label)) != NULL)
      return found;
  }
  return NULL;
}

/*
 * The message view is a GtkListView: it may rebind or recycle the row
 * holding the board whenever the list changes, so the board is looked up
 * afresh every time instead of keeping a widget pointer across waits.
 */

/* Condition: the board on screen says @data. */
static gboolean
board_says (gpointer data)
{
  GchatGameBoard *board = find_board ();

  return board != NULL && g_strcmp0 (gchat_game_board_get_status (board), data) == 0;
}

/* Wait until the board says @status. */
static void
expect_board (const char *status)
{
  GchatGameBoard *board;

  if (!gui_wait_for (board_says, (gpointer)status)) {
    g_autoptr (GPtrArray) rows = g_ptr_array_new ();
    GtkAdjustment *adj =
      gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (gchat_window_get_message_view (window)));
    GListModel *msgs = gchat_conversation_get_messages (gchat_window_get_shown (window));

    board = find_board ();
    gui_collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
    /* What the view showed, to tell a missing row from a wrong status. */
    g_test_message ("shown %s: %u messages, %u rows realized, scrolled %.0f of %.0f (page %.0f)",
                    gchat_conversation_get_name (gchat_window_get_shown (window)),
                    g_list_model_get_n_items (msgs),
                    rows->len,
                    gtk_adjustment_get_value (adj),
                    gtk_adjustment_get_upper (adj),
                    gtk_adjustment_get_page_size (adj));
    for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
      g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

      g_test_message ("  message %u: %s", i, gchat_message_get_text (m));
    }
    g_error ("the board says “%s”, not “%s”",
             board != NULL ? gchat_game_board_get_status (board) : "(no board)",
             status);
  }
}

/* The label of cell @i (0..8) of the board on screen. */
static const char *
cell_label (int i)
{
  return gtk_button_get_label (gchat_game_board_get_cell (find_board (), i));
}

/* Click cell @i (0..8) as a person would. */
static void
click_cell (int i)
{
  GtkButton *cell = gchat_game_board_get_cell (find_board (), i);

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (cell)));
  /* A click gives the button the keyboard focus too. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (cell)));
  g_signal_emit_by_name (cell, "clicked");
}

/*
 * Step: a whole game against the raw client, refereed by the real chatd:
 * /ttt challenges, bob accepts by hand, gchat's cells are clicked, bob's
 * moves appear on the board, and gchat sees its win with a Rematch button.
 */
static void
test_game (void)
{
  g_auto (GStrv) fields = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *glob = NULL;
  g_autofree char *move = NULL;
  const char      *invite;

  g_assert_true (gchat_window_show_by_name (window, "bob"));
  gui_type_line (window, "/ttt bob");
  gui_raw_expect (&bob, ":* TTT INVITE * alice bob x pending");
  invite = gui_lines_find (bob.lines, ":* TTT INVITE * alice bob x pending");
  fields = g_strsplit (invite, " ", -1);
  g_assert_true (gui_wait_for (board_shown, NULL));
  expect_board ("Waiting for bob to accept");
  g_assert_nonnull (find_button (GTK_WIDGET (find_board ()), "_Withdraw"));
  g_assert_null (find_button (GTK_WIDGET (find_board ()), "_Accept"));

  accept = g_strdup_printf ("TTT ACCEPT %s", fields[3]);
  gui_raw_send (&bob, accept);
  expect_board ("Your turn (you are X)");
  click_cell (4);
  glob = g_strdup_printf (":* TTT STATE %s alice bob ----x---- bob playing -*", fields[3]);
  gui_raw_expect (&bob, glob);
  expect_board ("bob's turn (you are X)");
  /* The played cell is disabled: the focus goes to the entry, not the sidebar. */
  g_assert_true (gchat_window_get_shown (window) == gchat_session_find (session, "bob"));
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
    GtkWidget *entry = GTK_WIDGET (gchat_window_get_entry (window));

    g_assert_nonnull (focus);
    g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
  }
  g_assert_cmpstr (cell_label (4), ==, "X");
  g_assert_false (
    gtk_widget_get_sensitive (GTK_WIDGET (gchat_game_board_get_cell (find_board (), 0))));

  move = g_strdup_printf ("TTT MOVE %s 1", fields[3]);
  gui_raw_send (&bob, move);
  expect_board ("Your turn (you are X)");
  g_assert_cmpstr (cell_label (0), ==, "O");
  gtk_test_accessible_assert_property (gchat_game_board_get_cell (find_board (), 0),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Row 1, column 1: O");
  click_cell (2);
  expect_board ("bob's turn (you are X)");
  g_free (move);
  move = g_strdup_printf ("TTT MOVE %s 9", fields[3]);
  gui_raw_send (&bob, move);
  expect_board ("Your turn (you are X)");
  click_cell (6);
  expect_board ("You won");
  g_assert_nonnull (find_button (GTK_WIDGET (find_board ()), "_Rematch"));
  g_free (glob);
  glob = g_strdup_printf (":* TTT STATE %s alice bob o-x-x-x-o - x line*", fields[3]);
  gui_raw_expect (&bob, glob);
  gui_screenshot ("gchat-game.png");
}

/* Condition: the widget @data is visible. */
static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

/* Condition: the row's transfer is done. */
static gboolean
transfer_done (gpointer data)
{
  return gchat_transfer_get_state (gchat_transfer_row_get_transfer (data)) == GCHAT_TRANSFER_DONE;
}

/* The transfer row on screen, or NULL. */
static GchatTransferRow *
find_transfer_row (void)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  gui_collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
  for (guint i = 0; i < rows->len; i++) {
    GtkWidget *w = gchat_message_row_get_item_widget (rows->pdata[i]);

    if (w != NULL && GCHAT_IS_TRANSFER_ROW (w))
      return GCHAT_TRANSFER_ROW (w);
  }
  return NULL;
}

/* Condition: a transfer row is on screen. */
static gboolean
transfer_shown (gpointer data)
{
  return find_transfer_row () != NULL;
}

/* A small PNG: a colour gradient, @w by @h. */
static GBytes *
make_png (int w, int h)
{
  g_autoptr (GByteArray) px = g_byte_array_sized_new (w * h * 4);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (GdkTexture) tex = NULL;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      guint8 p[4] = { (guint8)(x * 255 / w), (guint8)(y * 255 / h), 200, 255 };

      g_byte_array_append (px, p, 4);
    }
  raw = g_byte_array_free_to_bytes (g_steal_pointer (&px));
  tex = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8, raw, w * 4);
  return gdk_texture_save_to_png_bytes (tex);
}

/*
 * Step: bob uploads an image to us through chatd by hand; gchat shows the
 * offer, its Accept button fetches it in acknowledged chunks, the SHA-256
 * is checked, and the thumbnail is decoded from the received bytes.
 */
static void
test_receive_image (void)
{
  g_autoptr (GBytes) png = make_png (160, 100);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
  g_autofree char *offer = NULL;
  g_autofree char *data_line = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *glob = NULL;
  g_auto (GStrv) fields = NULL;
  gsize             size;
  const guchar     *data = g_bytes_get_data (png, &size);
  GchatTransferRow *row;
  GtkPicture       *picture;
  GdkPaintable     *paintable;
  g_autoptr (GtkWidget) full = NULL;
  guint n_windows;

  g_assert_true (gchat_window_show_by_name (window, "bob"));
  offer = g_strdup_printf ("SENDFILE alice holiday.png %" G_GSIZE_FORMAT " %s", size, sha);
  gui_raw_send (&bob, offer);
  gui_raw_expect (&bob, ":* SENDFILE UPLOAD * 0 :holiday.png");
  fields = g_strsplit (gui_lines_find (bob.lines, ":* SENDFILE UPLOAD * 0 :holiday.png"), " ", -1);
  b64 = g_base64_encode (data, size);
  data_line = g_strdup_printf ("SENDFILE DATA %s 0 %s", fields[3], b64);
  gui_raw_send (&bob, data_line);
  gui_raw_expect (&bob, ":* SENDFILE STORED *");

  g_assert_true (gui_wait_for (transfer_shown, NULL));
  row = find_transfer_row ();
  g_assert_true (
    g_str_has_prefix (gchat_transfer_row_get_status (row), "bob offers a file: PNG image, "));
  g_signal_emit_by_name (find_button (GTK_WIDGET (row), "_Accept"), "clicked");
  glob = g_strdup_printf (":* SENDFILE STATUS %s alice COMPLETE", fields[3]);
  gui_raw_expect (&bob, glob);
  g_assert_true (gui_wait_for (transfer_done, row));
  g_assert_true (g_str_has_prefix (gchat_transfer_row_get_status (row), "Received: PNG image, "));
  picture = gchat_transfer_row_get_picture (row);
  /* The thumbnail is decoded on a worker thread: wait for it. */
  g_assert_true (gui_wait_for (widget_visible, picture));
  paintable = gtk_picture_get_paintable (picture);
  g_assert_nonnull (paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 160);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 100);
  g_assert_nonnull (find_button (GTK_WIDGET (row), "_Save as…"));
  /* A click on the thumbnail opens the picture full size in a window of its own. */
  n_windows = g_list_model_get_n_items (gtk_window_get_toplevels ());
  gchat_transfer_row_show_full (row);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_windows + 1);
  full = g_list_model_get_item (gtk_window_get_toplevels (), n_windows);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (full)), ==, "holiday.png");
  gtk_window_destroy (GTK_WINDOW (full));
  gui_drain ();
  gui_screenshot ("gchat-file.png");
}

/* Condition: the transfer of the row is done. */
static gboolean
sent_done (gpointer data)
{
  GListModel *transfers = gchat_session_get_transfers (session);

  for (guint i = 0; i < g_list_model_get_n_items (transfers); i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (transfers, i);

    if (gchat_transfer_get_direction (t) == GCHAT_TRANSFER_SEND &&
        gchat_transfer_get_state (t) == GCHAT_TRANSFER_DONE)
      return TRUE;
  }
  return FALSE;
}

/* Step: /sendfile uploads a file through chatd; bob is offered it. */
static void
test_send_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gchat-send-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *cmd = g_strdup_printf ("/sendfile %s", path);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "meeting at noon\n", -1);
  g_autofree char *glob =
    g_strdup_printf (":* SENDFILE OFFER * alice bob 16 %s text/plain :notes.txt", sha);

  g_assert_true (g_file_set_contents (path, "meeting at noon\n", -1, NULL));
  g_assert_true (gchat_window_show_by_name (window, "bob"));
  gui_type_line (window, cmd);
  gui_raw_expect (&bob, glob);
  g_assert_true (gui_wait_for (sent_done, NULL));
  g_unlink (path);
  g_rmdir (dir);
}

/* Bytes of a big test file: more than one window of chunks, not random. */
#define BIG_FILE_SIZE (3 * 1024 * 1024 + 12345)

/* Write a file of BIG_FILE_SIZE bytes at @path; its SHA-256 in hex. */
static char *
make_big_file (const char *path)
{
  g_autofree guchar *content = g_malloc (BIG_FILE_SIZE);
  guint32            x = 2463534242u;

  for (gsize i = 0; i < BIG_FILE_SIZE; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    content[i] = (guchar)x;
  }
  g_assert_true (g_file_set_contents (path, (const char *)content, BIG_FILE_SIZE, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, content, BIG_FILE_SIZE);
}

/* Bob fetching a file chunk by chunk: where he is in his lines and the file. */
typedef struct
{
  const char    *id;
  guint          next_line;
  guint64        received;
  GOutputStream *out;
  GChecksum     *checksum;
} BobDownload;

/* Condition: bob stored and acknowledged every DATA line so far; all arrived. */
static gboolean
bob_downloaded (gpointer data)
{
  BobDownload *d = data;

  for (; d->next_line < bob.lines->len; d->next_line++) {
    g_auto (GStrv) w = g_strsplit (g_ptr_array_index (bob.lines, d->next_line), " ", 6);
    g_autofree guchar *chunk = NULL;
    g_autofree char   *ack = NULL;
    gsize              len = 0;

    if (g_strv_length (w) < 6 || strcmp (w[1], "SENDFILE") != 0 || strcmp (w[2], "DATA") != 0 ||
        strcmp (w[3], d->id) != 0)
      continue;
    g_assert_cmpuint (g_ascii_strtoull (w[4], NULL, 10), ==, d->received);
    chunk = g_base64_decode (w[5][0] == ':' ? w[5] + 1 : w[5], &len);
    g_assert_true (g_output_stream_write_all (d->out, chunk, len, NULL, NULL, NULL));
    g_checksum_update (d->checksum, chunk, len);
    d->received += len;
    ack = g_strdup_printf ("SENDFILE ACK %s %" G_GUINT64_FORMAT, d->id, d->received);
    gui_raw_send (&bob, ack);
  }
  return d->received == BIG_FILE_SIZE;
}

/*
 * Step: /sendfile streams a file of several windows from disk; bob fetches
 * it chunk by chunk into a file and its SHA-256 on disk is the original's.
 */
static void
test_send_big_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gchat-big-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.bin", NULL);
  g_autofree char *copy = g_build_filename (dir, "bob.bin", NULL);
  g_autofree char *cmd = g_strdup_printf ("/sendfile %s", path);
  g_autofree char *sha = make_big_file (path);
  g_autofree char *glob =
    g_strdup_printf (":* SENDFILE OFFER * alice bob %d %s application/octet-stream :big.bin",
                     BIG_FILE_SIZE,
                     sha);
  g_autofree char *accept = NULL;
  g_autofree char *on_disk = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (copy);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) offer = NULL;
  BobDownload d = { 0 };
  gchar      *contents = NULL;
  gsize       len = 0;

  g_assert_true (gchat_window_show_by_name (window, "bob"));
  gui_type_line (window, cmd);
  gui_raw_expect (&bob, glob);
  offer = g_strsplit (gui_lines_find (bob.lines, glob), " ", -1);
  d.id = offer[3];
  d.checksum = g_checksum_new (G_CHECKSUM_SHA256);
  d.out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error));
  g_assert_no_error (error);
  accept = g_strdup_printf ("SENDFILE ACCEPT %s", d.id);
  gui_raw_send (&bob, accept);
  g_assert_true (gui_wait_for (bob_downloaded, &d));
  g_assert_true (g_output_stream_close (d.out, NULL, NULL));
  g_assert_cmpstr (g_checksum_get_string (d.checksum), ==, sha);
  g_assert_true (g_file_get_contents (copy, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, BIG_FILE_SIZE);
  on_disk = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, len);
  g_free (contents);
  g_assert_cmpstr (on_disk, ==, sha);
  g_object_unref (d.out);
  g_checksum_free (d.checksum);
  g_unlink (copy);
  g_unlink (path);
  g_rmdir (dir);
}

/* Condition: the transfer @data is over. */
static gboolean
transfer_over (gpointer data)
{
  return gchat_transfer_is_over (data);
}

/* Bob sending a file: what he sent and what the server acknowledged. */
typedef struct
{
  const char   *id;
  const guchar *content;
  gsize         size;
  gsize         sent;
  gsize         acked;
  guint         next_line;
} BobUpload;

/* Condition: bob kept a window of 8 chunks in flight until all was acknowledged. */
static gboolean
bob_uploaded (gpointer data)
{
  BobUpload *u = data;

  for (; u->next_line < bob.lines->len; u->next_line++) {
    g_auto (GStrv) w = g_strsplit (g_ptr_array_index (bob.lines, u->next_line), " ", 6);

    if (g_strv_length (w) >= 5 && strcmp (w[1], "SENDFILE") == 0 && strcmp (w[2], "ACK") == 0 &&
        strcmp (w[3], u->id) == 0)
      u->acked = (gsize)g_ascii_strtoull (w[4], NULL, 10);
  }
  while (u->sent < u->size && u->sent - u->acked < 8 * 49152) {
    gsize            n = MIN (49152, u->size - u->sent);
    g_autofree char *b64 = g_base64_encode (u->content + u->sent, n);
    g_autofree char *line =
      g_strdup_printf ("SENDFILE DATA %s %" G_GSIZE_FORMAT " %s", u->id, u->sent, b64);

    gui_raw_send (&bob, line);
    u->sent += n;
  }
  return u->acked == u->size;
}

/*
 * Step: bob uploads a file of several windows; gchat downloads it with
 * acknowledged chunks and it arrives whole, with the announced SHA-256.
 */
static void
test_receive_big_file (void)
{
  g_autofree char   *dir = g_dir_make_tmp ("gchat-bigin-XXXXXX", NULL);
  g_autofree char   *path = g_build_filename (dir, "in.bin", NULL);
  g_autofree char   *sha = make_big_file (path);
  g_autofree char   *offer = g_strdup_printf ("SENDFILE alice in.bin %d %s", BIG_FILE_SIZE, sha);
  g_autofree char   *stored = NULL;
  g_autofree guchar *content = NULL;
  g_autofree char   *got = NULL;
  g_auto (GStrv) fields = NULL;
  g_autofree char *received = NULL;
  g_autofree char *part = NULL;
  char            *data = NULL;
  gsize            len = 0;
  BobUpload        up = { 0 };
  GchatTransfer   *t;
  gsize            size = 0;

  g_assert_true (g_file_get_contents (path, (char **)&content, &size, NULL));
  gui_raw_send (&bob, offer);
  gui_raw_expect (&bob, ":* SENDFILE UPLOAD * 0 :in.bin");
  fields = g_strsplit (gui_lines_find (bob.lines, ":* SENDFILE UPLOAD * 0 :in.bin"), " ", -1);
  up.id = fields[3];
  up.content = content;
  up.size = size;
  g_assert_true (gui_wait_for (bob_uploaded, &up));
  stored = g_strdup_printf (":* SENDFILE STORED %s *", fields[3]);
  gui_raw_expect (&bob, stored);
  g_assert_true (gui_wait_for (transfer_shown, NULL));
  t = gchat_session_find_transfer (session, fields[3]);
  g_assert_nonnull (t);
  gchat_session_transfer_answer (session, gchat_transfer_get_key (t), TRUE);
  g_assert_true (gui_wait_for (transfer_over, t));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_DONE);
  /* The download was written next to its final name, then renamed. */
  g_assert_nonnull (gchat_transfer_get_file (t));
  received = g_file_get_path (gchat_transfer_get_file (t));
  g_assert_true (g_str_has_prefix (received, download_dir));
  g_assert_true (g_file_get_contents (received, &data, &len, NULL));
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)data, len);
  g_free (data);
  g_assert_cmpuint (len, ==, BIG_FILE_SIZE);
  g_assert_cmpstr (got, ==, sha);
  part = g_strdup_printf ("%s/.in.bin.%s.part", download_dir, gchat_transfer_get_key (t));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_unlink (received);
  g_unlink (path);
  g_rmdir (dir);
}

/* The transfer named @name (borrowed), or NULL. */
static GchatTransfer *
transfer_named (const char *name)
{
  GListModel *transfers = gchat_session_get_transfers (session);

  for (guint i = 0; i < g_list_model_get_n_items (transfers); i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (transfers, i);

    if (g_strcmp0 (gchat_transfer_get_name (t), name) == 0)
      return t;
  }
  return NULL;
}

/* Condition: a transfer named @data exists. */
static gboolean
transfer_exists (gpointer data)
{
  return transfer_named (data) != NULL;
}

/* Condition: the transfer named @data has moved some bytes (or is over). */
static gboolean
transfer_under_way (gpointer data)
{
  GchatTransfer *t = transfer_named (data);

  return t != NULL && (gchat_transfer_get_done (t) > 0 || gchat_transfer_is_over (t));
}

static gboolean status_mentions (gpointer data);

/* Drop gchat's connection under it, as a network failure would. */
static void
drop_connection (void)
{
  GSocket *sock = gchat_connection_get_socket (gchat_session_get_connection (session));

  g_assert_nonnull (sock);
  g_assert_true (g_socket_shutdown (sock, TRUE, TRUE, NULL));
}

/* Whether a mapped label under @w reads @text. */
static gboolean
label_under (GtkWidget *w, const char *text)
{
  if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_under (child, text))
      return TRUE;
  return FALSE;
}

/* Whether the window shows a toast (or any label) reading @data. */
static gboolean
window_shows_label (gpointer data)
{
  return label_under (GTK_WIDGET (window), data);
}

/* Condition: alice's connection is logged in (data: TRUE) or not. */
static gboolean
logged_in_is (gpointer data)
{
  return gchat_connection_get_logged_in (gchat_session_get_connection (session)) ==
    (GPOINTER_TO_INT (data) != 0);
}

/*
 * Give alice an account for the resume steps, or take it away after them:
 * what a connection without an account sends or is offered ends with that
 * connection, so resuming after a reconnect needs one. gchat logs in again
 * on every reconnect with the account set on its connection.
 */
static void
alice_account (gboolean on)
{
  GchatConnection *conn = gchat_session_get_connection (session);

  if (on) {
    gui_type_line (window, "/quote REGISTER * * alices-password");
    g_assert_true (gui_wait_for (logged_in_is, GINT_TO_POINTER (TRUE)));
    gchat_connection_set_account (conn, "alice", "alices-password", FALSE);
  } else {
    gui_type_line (window, "/quote UNREGISTER alices-password");
    g_assert_true (gui_wait_for (logged_in_is, GINT_TO_POINTER (FALSE)));
    gchat_connection_set_account (conn, NULL, NULL, FALSE);
  }
}

/*
 * Step: the connection drops in the middle of an upload. After the
 * automatic reconnect gchat offers the same file again, goes on from where
 * the server says, and the server stores it (its SHA-256 checked whole).
 */
static void
test_resume_upload (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gchat-resume-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "resume-up.bin", NULL);
  g_autofree char *cmd = g_strdup_printf ("/sendfile bob %s", path);
  g_autofree char *sha = make_big_file (path);
  g_autofree char *offer =
    g_strdup_printf (":* SENDFILE OFFER * alice bob %d %s * :resume-up.bin", BIG_FILE_SIZE, sha);
  g_autofree char *decline = NULL;
  GchatTransfer   *t;

  alice_account (TRUE);
  gui_type_line (window, cmd);
  g_assert_true (gui_wait_for (transfer_under_way, (gpointer) "resume-up.bin"));
  t = transfer_named ("resume-up.bin");
  g_assert_false (gchat_transfer_is_over (t));
  g_assert_cmpuint (gchat_transfer_get_done (t), <, BIG_FILE_SIZE);
  drop_connection ();
  g_assert_true (gui_wait_for (status_mentions, (gpointer) "reconnecting"));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_WAITING);
  g_assert_true (gui_wait_for (transfer_over, t));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_DONE);
  gui_raw_expect (&bob, offer);
  /* bob leaves the offer: it is not what this step is about. */
  decline = g_strdup_printf ("SENDFILE DECLINE %s", gchat_transfer_get_id (t));
  gui_raw_send (&bob, decline);
  /* Transient news: a toast over the conversation, besides the line in it. */
  g_assert_true (gui_wait_for (window_shows_label, (gpointer) "bob declined resume-up.bin"));
  gui_screenshot ("gchat-toast.png");
  g_unlink (path);
  g_rmdir (dir);
}

/*
 * Step: the connection drops in the middle of a download. The server
 * offers the file again after the reconnect; gchat goes on from the bytes
 * it has, and the file arrives whole.
 */
static void
test_resume_download (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gchat-resume-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "resume-down.bin", NULL);
  g_autofree char *sha = make_big_file (path);
  g_autofree char *line =
    g_strdup_printf ("SENDFILE alice resume-down.bin %d %s", BIG_FILE_SIZE, sha);
  g_autofree guchar *content = NULL;
  g_autofree char   *stored = NULL;
  g_autofree char   *received = NULL;
  g_autofree char   *got = NULL;
  g_auto (GStrv) fields = NULL;
  BobUpload      up = { 0 };
  GchatTransfer *t;
  char          *data = NULL;
  gsize          len = 0;

  g_assert_true (g_file_get_contents (path, (char **)&content, &len, NULL));
  gui_raw_send (&bob, line);
  gui_raw_expect (&bob, ":* SENDFILE UPLOAD * 0 :resume-down.bin");
  fields =
    g_strsplit (gui_lines_find (bob.lines, ":* SENDFILE UPLOAD * 0 :resume-down.bin"), " ", -1);
  up.id = fields[3];
  up.content = content;
  up.size = len;
  up.next_line = bob.lines->len;
  g_assert_true (gui_wait_for (bob_uploaded, &up));
  stored = g_strdup_printf (":* SENDFILE STORED %s *", fields[3]);
  gui_raw_expect (&bob, stored);
  g_assert_true (gui_wait_for (transfer_exists, (gpointer) "resume-down.bin"));
  t = transfer_named ("resume-down.bin");
  gchat_session_transfer_answer (session, gchat_transfer_get_key (t), TRUE);
  g_assert_true (gui_wait_for (transfer_under_way, (gpointer) "resume-down.bin"));
  g_assert_false (gchat_transfer_is_over (t));
  g_assert_cmpuint (gchat_transfer_get_done (t), <, BIG_FILE_SIZE);
  drop_connection ();
  g_assert_true (gui_wait_for (transfer_over, t));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_DONE);
  received = g_file_get_path (gchat_transfer_get_file (t));
  g_assert_true (g_file_get_contents (received, &data, &len, NULL));
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)data, len);
  g_free (data);
  g_assert_cmpuint (len, ==, BIG_FILE_SIZE);
  g_assert_cmpstr (got, ==, sha);
  g_unlink (received);
  g_unlink (path);
  g_rmdir (dir);
  alice_account (FALSE);
}

/* Step 7: bob quits; the contact turns offline, live. */
static void
test_contact_offline (void)
{
  gui_raw_send (&bob, "QUIT :bye");
  g_assert_true (gui_wait_for (bob_presence_is, GINT_TO_POINTER (GCHAT_PRESENCE_OFFLINE)));
  gtk_test_accessible_assert_property (gchat_window_find_contact_row (window, "bob"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "bob, offline");
}

/* Condition: the error bar mentions @data. */
static gboolean
error_mentions (gpointer data)
{
  const char *text = gchat_window_get_error (window);

  return text != NULL && strstr (text, data) != NULL;
}

/* Condition: the session's away flag is @data. */
static gboolean
away_is (gpointer data)
{
  return gchat_session_get_away (session) == GPOINTER_TO_INT (data);
}

/* Step: the Away menu item marks us away and back, and the header says so. */
static void
test_away (void)
{
  /* The menu's check item activates the stateful action, which toggles. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.away", NULL));
  g_assert_true (gui_wait_for (away_is, GINT_TO_POINTER (TRUE)));
  g_assert_true (g_str_has_suffix (gchat_session_get_status (session), ", away"));
  gui_type_line (window, "/away");
  g_assert_true (gui_wait_for (away_is, GINT_TO_POINTER (FALSE)));
  g_assert_false (g_str_has_suffix (gchat_session_get_status (session), ", away"));
}

/* Step 8: a refusal from the server is shown in words. */
static void
test_server_error (void)
{
  g_assert_true (gchat_window_show_by_name (window, "#test"));
  /* After the reconnects of the resume steps we are no admin any more. */
  gui_type_line (window, "/invite nobody");
  g_assert_true (gui_wait_for (error_mentions, (gpointer) "nobody"));
  g_test_message ("error shown: %s", gchat_window_get_error (window));
}

/* Condition: the status line mentions @data. */
static gboolean
status_mentions (gpointer data)
{
  return strstr (gchat_session_get_status (session), data) != NULL;
}

/* Condition: we are back in #test and #club. */
static gboolean
rejoined (gpointer data)
{
  GchatConversation *test = gchat_session_find (session, "#test");
  GchatConversation *club = gchat_session_find (session, "#club");

  return gui_is_connected (session) && gchat_conversation_get_joined (test) &&
    gchat_conversation_get_joined (club);
}

/* How many messages of @conv have the text @text. */
static guint
count_text (GchatConversation *conv, const char *text)
{
  GListModel *messages = gchat_conversation_get_messages (conv);
  guint       count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (messages, i);

    count += g_strcmp0 (gchat_message_get_text (m), text) == 0;
  }
  return count;
}

/* Condition: #test shows a message with the text in @data. */
static gboolean
text_shown (gpointer data)
{
  return count_text (gchat_session_find (session, "#test"), data) > 0;
}


/*
 * Step: the network drops (the socket is shut down under gchat). gchat
 * says so, reconnects after a second, and rejoins its groups, the private
 * one with its key; the history loaded again adds no second copy.
 */
static void
test_reconnect (void)
{
  GSocket           *sock = gchat_connection_get_socket (gchat_session_get_connection (session));
  GchatConversation *test = gchat_session_find (session, "#test");
  RawClient          dave = { 0 };

  g_assert_nonnull (sock);
  g_assert_true (g_socket_shutdown (sock, TRUE, TRUE, NULL));
  g_assert_true (gui_wait_for (status_mentions, (gpointer) "reconnecting in 1 s"));
  g_assert_false (gchat_conversation_get_joined (test));
  /* Said while we are away: the history loaded on rejoining brings it. */
  gui_raw_connect (&dave, port, "dave");
  gui_raw_send (&dave, "JOIN #test");
  gui_raw_expect (&dave, ":* 366 dave #test *");
  gui_raw_send (&dave, "PRIVMSG #test :said while alice was away");
  g_assert_nonnull (gchat_window_get_error (window));
  g_assert_true (gui_wait_for (rejoined, NULL));
  g_assert_true (gui_wait_for (status_mentions, (gpointer) "Connected to 127.0.0.1 as alice"));
  /* The newest line of the history batch: the older ones came before it. */
  g_assert_true (gui_wait_for (text_shown, (gpointer) "said while alice was away"));
  g_assert_cmpuint (count_text (test, "said while alice was away"), ==, 1);
  g_assert_cmpuint (count_text (test, "hello bob, from gchat"), ==, 1);
  g_assert_cmpuint (count_text (test, "hi alice, raw bob here"), ==, 1);
  gui_raw_send (&dave, "QUIT");
  gui_raw_expect (&dave, "ERROR *");
  gui_raw_close (&dave);
}

/*
 * Step: the connect dialog, filled in as a person would, reconnects with
 * the new nick and remembers the fields (not the password) in the key file.
 */
static void
test_connect_dialog (void)
{
  GtkWidget       *dialog;
  g_autofree char *path = gchat_config_path ();
  g_autofree char *saved = NULL;
  GtkWidget       *problem;

  gchat_window_show_connect_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gui_find_by_id (dialog, "host_entry"))),
                   ==,
                   "127.0.0.1");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "nick_entry")), "9lives");
  g_signal_emit_by_name (gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)),
                                         "connect_button"),
                         "clicked");
  problem = gui_find_by_id (dialog, "problem_label");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "nick"));
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "nick_entry")), "alicia");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "realname_entry")), "Alicia Test");
  g_signal_emit_by_name (gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)),
                                         "connect_button"),
                         "clicked");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG));
  g_assert_true (gui_wait_for (status_mentions, (gpointer) "Connected to 127.0.0.1 as alicia"));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "nick=alicia"));
  g_assert_nonnull (strstr (saved, "realname=Alicia Test"));
  g_assert_nonnull (strstr (saved, "nicks=bob;"));
}

/* Condition: the window is gone. */
static gboolean
window_gone (gpointer data)
{
  return window == NULL;
}

/* Step: closing the window says QUIT to the server before it goes. */
static void
test_close (void)
{
  RawClient carol = { 0 };

  gui_raw_connect (&carol, port, "carol");
  gui_raw_send (&carol, "JOIN #test");
  gui_raw_expect (&carol, ":chatd.local 366 carol #test *");
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_close (GTK_WINDOW (window));
  gui_raw_expect (&carol, ":alicia!* QUIT :*Leaving*");
  g_assert_true (gui_wait_for (window_gone, NULL));
  gui_raw_close (&carol);
}

/* The emoji chooser under @w, or NULL. */
static GtkWidget *
find_emoji_chooser (GtkWidget *w)
{
  if (GTK_IS_EMOJI_CHOOSER (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c)) {
    GtkWidget *found = find_emoji_chooser (c);

    if (found != NULL)
      return found;
  }
  return NULL;
}

/* Whether the entry's emoji chooser is open. */
static gboolean
emoji_chooser_open (gpointer data)
{
  GtkWidget *chooser = find_emoji_chooser (data);

  return chooser != NULL && gtk_widget_get_mapped (chooser);
}

/*
 * Addresses in a message are links (the label's markup has <a href>, the
 * sentence's full stop stays out of it); the entry has an emoji icon and
 * its chooser (Ctrl+. as well) inserts into the line.
 */
static void
test_links_and_emoji (void)
{
  GtkEntry        *entry = gchat_window_get_entry (window);
  GchatMessageRow *row;
  GtkLabel        *label;
  GtkWidget       *chooser = NULL;

  gui_raw_send (&bob, "PRIVMSG #test :the plan is on https://example.org/friday?a=1&b=2.");
  g_assert_true (
    gui_wait_for (row_shown, (gpointer) "the plan is on https://example.org/friday?a=1&b=2."));
  row = gui_find_row (window, "the plan is on https://example.org/friday?a=1&b=2.");
  label = GTK_LABEL (gui_find_by_id (GTK_WIDGET (row), "text_label"));
  g_assert_true (gtk_label_get_use_markup (label));
  g_assert_nonnull (
    strstr (gtk_label_get_label (label), "<a href=\"https://example.org/friday?a=1&amp;b=2\">"));
  gui_screenshot ("gchat-links.png");

  g_assert_true (gtk_entry_get_icon_name (entry, GTK_ENTRY_ICON_SECONDARY) != NULL);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  /* The icon, as a click on it would (Ctrl+. runs the same chooser). */
  g_signal_emit_by_name (entry, "icon-press", GTK_ENTRY_ICON_SECONDARY);
  g_assert_true (gui_wait_for (emoji_chooser_open, entry));
  gui_screenshot ("gchat-emoji.png");
  chooser = find_emoji_chooser (GTK_WIDGET (entry));
  g_assert_nonnull (chooser);
  g_signal_emit_by_name (chooser, "emoji-picked", "🎉");
  gtk_popover_popdown (GTK_POPOVER (chooser));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "🎉");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

/* Narrow windows fold the sidebar away. */
static gboolean
is_narrow (gpointer data)
{
  return gchat_window_get_narrow (window) == GPOINTER_TO_INT (data);
}

/* Step 9: narrow and wide layouts. */
static void
test_narrow (void)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 600);
  gtk_widget_queue_resize (GTK_WIDGET (window));
  g_assert_true (gui_wait_for (is_narrow, GINT_TO_POINTER (TRUE)));
  gui_drain ();
  gui_screenshot ("gchat-narrow.png");
  {
    GtkWidget  *button = gui_find_by_id (GTK_WIDGET (window), "sidebar_button");
    AdwLeaflet *leaflet = ADW_LEAFLET (gui_find_by_id (GTK_WIDGET (window), "leaflet"));
    GtkWidget  *sidebar = gui_find_by_id (GTK_WIDGET (window), "sidebar");

    g_assert_true (adw_leaflet_get_folded (leaflet));
    g_assert_true (adw_leaflet_get_visible_child (leaflet) != sidebar);
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
    g_assert_true (adw_leaflet_get_visible_child (leaflet) == sidebar);
    gui_drain ();
    gui_screenshot ("gchat-narrow-sidebar.png");
    /* Picking a conversation goes back to it. */
    gchat_window_select_conversation (window, gchat_session_find (session, "#club"));
    g_assert_true (adw_leaflet_get_visible_child (leaflet) != sidebar);
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  g_assert_true (gui_wait_for (is_narrow, GINT_TO_POINTER (FALSE)));
}

/* Whether @w has a name for assistive technology. */
static gboolean
has_accessible_name (GtkWidget *w)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL)
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (w) && gtk_check_button_get_label (GTK_CHECK_BUTTON (w)) != NULL)
    return TRUE;
  return FALSE;
}

/* Controls looked at by audit_labels, and among them the menus of messages. */
static guint audited;
static guint audited_message_menus;

/* Condition: a message row on screen shows its menu (our line has its msgid). */
static gboolean
message_menu_shown (gpointer data)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  gui_collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_get_visible (gchat_message_row_get_actions_button (rows->pdata[i])))
      return TRUE;
  return FALSE;
}

/* Every control under @w has an accessible name; the unnamed are listed in @bad. */
static void
audit_labels (GtkWidget *w, GString *bad)
{
  gboolean control = GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || GTK_IS_CHECK_BUTTON (w) ||
    GTK_IS_ENTRY (w) || GTK_IS_PASSWORD_ENTRY (w) || GTK_IS_SPIN_BUTTON (w) ||
    GTK_IS_LIST_VIEW (w) || GTK_IS_LIST_BOX (w) || GTK_IS_SWITCH (w);

  if (GTK_IS_WINDOW_CONTROLS (w) || !gtk_widget_get_visible (w))
    return;
  if (control) {
    audited++;
    if (gtk_widget_has_css_class (w, "message-actions"))
      audited_message_menus++;
    if (!has_accessible_name (w)) {
      const char *id =
        GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;

      g_string_append_printf (bad, " %s(%s)", G_OBJECT_TYPE_NAME (w), id != NULL ? id : "?");
    }
    if (GTK_IS_MENU_BUTTON (w) && gtk_menu_button_get_popover (GTK_MENU_BUTTON (w)) != NULL)
      audit_labels (gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (w))), bad);
    if (!GTK_IS_LIST_VIEW (w) && !GTK_IS_LIST_BOX (w))
      return; /* the rest is the control's own insides */
  }
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit_labels (child, bad);
}

/* Step 10: every control of the window and the dialogs has an accessible name. */
static void
test_accessible_labels (void)
{
  g_autoptr (GString) bad = g_string_new (NULL);
  GchatConfig config = { .host = (char *)"127.0.0.1", .port = 6667, .nick = (char *)"alice" };
  GtkWidget  *connect = GTK_WIDGET (gchat_connect_dialog_new (GTK_WINDOW (window), &config));
  GtkWidget  *join = GTK_WIDGET (gchat_join_dialog_new (GTK_WINDOW (window)));
  GtkWidget  *password = GTK_WIDGET (gchat_password_dialog_new (GTK_WINDOW (window), "alice"));

  gtk_toggle_button_set_active (gchat_window_get_members_button (window), TRUE);
  /* A line of ours, so that a message's own menu (Withdraw message) is audited too. */
  g_assert_true (gchat_conversation_get_joined (gchat_window_get_shown (window)));
  gui_type_line (window, "a line with its menu");
  g_assert_true (gui_wait_for (message_menu_shown, NULL));
  gui_drain ();
  audit_labels (GTK_WIDGET (window), bad);
  /* The header bar is part of the content in an AdwApplicationWindow. */
  audit_labels (connect, bad);
  audit_labels (gtk_window_get_titlebar (GTK_WINDOW (connect)), bad);
  audit_labels (join, bad);
  audit_labels (gtk_window_get_titlebar (GTK_WINDOW (join)), bad);
  audit_labels (password, bad);
  audit_labels (gtk_window_get_titlebar (GTK_WINDOW (password)), bad);
  gtk_window_destroy (GTK_WINDOW (connect));
  gtk_window_destroy (GTK_WINDOW (join));
  gtk_window_destroy (GTK_WINDOW (password));
  {
    GchatServerRequests *requests = gchat_session_get_requests (session);
    GtkWindow           *parent = GTK_WINDOW (window);
    GchatConfirmDialog  *confirm =
      gchat_confirm_dialog_new (parent, "Disconnect", "Disconnect bob?", "Why", "Disconnect");
    GtkWidget *more[] = {
      GTK_WIDGET (
        gchat_group_settings_new (parent, session, gchat_session_find (session, "#test"))),
      GTK_WIDGET (gchat_oper_dialog_new (parent, requests)),
      GTK_WIDGET (confirm),
      GTK_WIDGET (gchat_stats_dialog_new (parent, requests, "alice", "alice")),
      GTK_WIDGET (gchat_server_info_dialog_new (parent, requests, "127.0.0.1")),
      GTK_WIDGET (gchat_trust_dialog_new (parent, "127.0.0.1:6697", "AB:CD")),
    };

    gchat_confirm_dialog_ask_reason (confirm, "Reason");
    for (guint i = 0; i < G_N_ELEMENTS (more); i++) {
      gtk_window_present (GTK_WINDOW (more[i]));
      gui_drain ();
      audit_labels (more[i], bad);
      if (gtk_window_get_titlebar (GTK_WINDOW (more[i])) != NULL)
        audit_labels (gtk_window_get_titlebar (GTK_WINDOW (more[i])), bad);
      gtk_window_destroy (GTK_WINDOW (more[i]));
    }
  }
  if (bad->len > 0)
    g_error ("controls without an accessible name:%s", bad->str);
  g_test_message ("%u controls have accessible names", audited);
  g_assert_cmpuint (audited, >=, 50);
  g_assert_cmpuint (audited_message_menus, >=, 1);
}

/* The first GtkSwitch under @w, or NULL. */
static GtkWidget *
find_switch (GtkWidget *w)
{
  if (GTK_IS_SWITCH (w))
    return w;
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = find_switch (child);

    if (found != NULL)
      return found;
  }
  return NULL;
}

/* Whether libadwaita shows the dark style now. */
static gboolean
style_is_dark (gpointer data)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ()) == GPOINTER_TO_INT (data);
}

/*
 * Preferences (Ctrl+comma, chat.preferences): the style follows the system
 * until the switch forces dark; the choice is saved.
 */
static void
test_preferences (void)
{
  g_autoptr (GString) bad = g_string_new (NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();
  GtkWidget       *prefs;
  GtkWidget       *sw;

  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()),
                   ==,
                   ADW_COLOR_SCHEME_DEFAULT);
  g_action_group_activate_action (gchat_window_get_actions (window), "preferences", NULL);
  prefs = gui_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  gui_drain ();
  /* The page, not the window's own (hidden) search results. */
  audit_labels (GTK_WIDGET (
                  adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs))),
                bad);
  if (bad->len > 0)
    g_error ("controls without an accessible name:%s", bad->str);
  sw = find_switch (prefs);
  g_assert_nonnull (sw);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (sw),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Dark style");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  g_assert_true (gui_wait_for (style_is_dark, GINT_TO_POINTER (TRUE)));
  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  g_assert_true (g_key_file_get_boolean (kf, "appearance", "dark-style", NULL));
  gui_screenshot ("gchat-preferences-dark.png");
  gtk_window_destroy (GTK_WINDOW (prefs));
  gui_drain ();
  gui_screenshot ("gchat-dark.png");
  prefs = NULL;
  g_action_group_activate_action (gchat_window_get_actions (window), "preferences", NULL);
  prefs = gui_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  sw = find_switch (prefs);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()),
                   ==,
                   ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* About gchat is an AdwAboutWindow. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  prefs = gui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (prefs);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (prefs)), ==, "gchat");
  gui_drain ();
  gui_screenshot ("gchat-about.png");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* Whether @data (a GtkWidget) is mapped. */
static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The switcher has narrowed its list to one conversation. */
static gboolean
switcher_one_match (gpointer data)
{
  return g_list_model_get_n_items (gchat_switcher_get_matches (data)) == 1;
}

/*
 * Ctrl+K: the switcher lists conversations whose name holds what is typed
 * (any case), Enter goes to the first; Ctrl+? opens the shortcuts window.
 * Driven through the accelerators, as a keyboard user would.
 */
static void
test_switcher_and_shortcuts (void)
{
  GtkApplication *gapp = GTK_APPLICATION (app);
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (gapp, "chat.switch-conversation");
  g_auto (GStrv) help = gtk_application_get_accels_for_action (gapp, "win.show-help-overlay");
  g_autoptr (GString) bad = g_string_new (NULL);
  GchatSwitcher *switcher;
  GtkWidget     *overlay;

  g_assert_cmpstr (accels[0], ==, "<Control>k");
  g_assert_nonnull (help[0]);
  gchat_window_select_conversation (window, gchat_session_get_server (session));
  g_action_group_activate_action (gchat_window_get_actions (window), "switch-conversation", NULL);
  switcher = GCHAT_SWITCHER (gui_find_toplevel (GCHAT_TYPE_SWITCHER));
  g_assert_nonnull (switcher);
  g_assert_true (gui_wait_for (widget_mapped, switcher));
  audit_labels (GTK_WIDGET (switcher), bad);
  if (bad->len > 0)
    g_error ("controls without an accessible name:%s", bad->str);
  gtk_editable_set_text (gchat_switcher_get_entry (switcher), "TE");
  g_assert_true (gui_wait_for (switcher_one_match, switcher));
  gui_screenshot ("gchat-switcher.png");
  g_signal_emit_by_name (gchat_switcher_get_entry (switcher), "activate");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_SWITCHER));
  g_assert_cmpstr (gchat_conversation_get_name (gchat_window_get_shown (window)), ==, "#test");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  overlay = gui_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (overlay);
  g_assert_true (gui_wait_for (widget_mapped, overlay));
  gui_drain ();
  gui_screenshot ("gchat-shortcuts.png");
  gtk_widget_set_visible (overlay, FALSE);
}

/* Cancel closes each dialog; the dialogs share that code (gchat-dialog.c). */
static void
test_dialog_cancel (void)
{
  GchatConfig config = { .host = (char *)"127.0.0.1", .port = 6667, .nick = (char *)"alice" };
  GtkWidget  *dialogs[] = {
     GTK_WIDGET (gchat_connect_dialog_new (GTK_WINDOW (window), &config)),
     GTK_WIDGET (gchat_join_dialog_new (GTK_WINDOW (window))),
     GTK_WIDGET (gchat_password_dialog_new (GTK_WINDOW (window), "alice")),
  };

  for (guint i = 0; i < G_N_ELEMENTS (dialogs); i++) {
    GType      type = G_OBJECT_TYPE (dialogs[i]);
    GtkWidget *cancel = gui_find_by_id (dialogs[i], "cancel_button");

    if (cancel == NULL)
      cancel = gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialogs[i])), "cancel_button");
    g_assert_nonnull (cancel);
    gtk_window_present (GTK_WINDOW (dialogs[i]));
    g_assert_true (gui_find_toplevel (type) == dialogs[i]);
    g_signal_emit_by_name (cancel, "clicked");
    g_assert_null (gui_find_toplevel (type));
  }
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;

  g_test_add_func ("/gui/connect", test_connect);
  g_test_add_func ("/gui/contact-online", test_contact_online);
  g_test_add_func ("/gui/join-group", test_join_group);
  g_test_add_func ("/gui/messages", test_messages);
  g_test_add_func ("/gui/links-and-emoji", test_links_and_emoji);
  g_test_add_func ("/gui/admin-menu", test_admin_menu);
  g_test_add_func ("/gui/private-unread", test_private_unread);
  g_test_add_func ("/gui/game", test_game);
  g_test_add_func ("/gui/receive-image", test_receive_image);
  g_test_add_func ("/gui/send-file", test_send_file);
  g_test_add_func ("/gui/send-big-file", test_send_big_file);
  g_test_add_func ("/gui/receive-big-file", test_receive_big_file);
  g_test_add_func ("/gui/resume-upload", test_resume_upload);
  g_test_add_func ("/gui/resume-download", test_resume_download);
  g_test_add_func ("/gui/private-group", test_private_group);
  g_test_add_func ("/gui/contact-offline", test_contact_offline);
  g_test_add_func ("/gui/server-error", test_server_error);
  g_test_add_func ("/gui/away", test_away);
  g_test_add_func ("/gui/reconnect", test_reconnect);
  g_test_add_func ("/gui/narrow", test_narrow);
  g_test_add_func ("/gui/accessible-labels", test_accessible_labels);
  g_test_add_func ("/gui/preferences", test_preferences);
  g_test_add_func ("/gui/switcher-and-shortcuts", test_switcher_and_shortcuts);
  g_test_add_func ("/gui/dialog-cancel", test_dialog_cancel);
  g_test_add_func ("/gui/connect-dialog", test_connect_dialog);
  g_test_add_func ("/gui/close", test_close);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  if (download_dir != NULL) {
    g_autoptr (GDir) dir = g_dir_open (download_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
      g_autofree char *path = g_build_filename (download_dir, name, NULL);

      g_unlink (path);
    }
    g_rmdir (download_dir);
    g_free (download_dir);
  }
  return status;
}
