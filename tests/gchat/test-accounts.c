/*
 * test-accounts.c: accounts and history against a real chatd with its store
 * (started by gui.sh, port in GCHAT_TEST_PORT): register from the connect
 * dialog, see a channel's history with its original times, get a private
 * message sent while offline after a SASL login, a wrong password in words,
 * a password change and a logout. A raw client ("erin") talks by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-connect-dialog.h"
#include "gchat-message-row.h"
#include "gchat-password-dialog.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         erin;
static guint16           port;

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* Whether @conv has a message whose text contains @text. */
static GchatMessage *
conv_find (GchatConversation *conv, const char *text)
{
  GListModel *messages;

  if (conv == NULL)
    return NULL;
  messages = gchat_conversation_get_messages (conv);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (strstr (gchat_message_get_text (msg), text) != NULL)
      return msg; /* the conversation still holds a reference */
  }
  return NULL;
}

/* Condition: the server conversation has a note containing the text. */
static gboolean
server_says (gpointer data)
{
  return conv_find (gchat_session_get_server (session), data) != NULL;
}

/* Condition: logged in to the account. */
static gboolean
logged_in (gpointer data)
{
  return gui_is_connected (session) &&
    gchat_connection_get_logged_in (gchat_session_get_connection (session));
}

/* Assert that the account actions are enabled exactly while logged in. */
static void
assert_account_actions (gboolean enabled)
{
  GActionGroup *actions = gchat_window_get_actions (window);

  g_assert_cmpint (g_action_group_get_action_enabled (actions, "change-password"), ==, enabled);
  g_assert_cmpint (g_action_group_get_action_enabled (actions, "logout"), ==, enabled);
}

/* The password the connect dialog offers now (the dialog is closed again). */
static char *
dialog_password (void)
{
  GtkWidget *dialog;
  char      *password;

  gchat_window_show_connect_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  password =
    g_strdup (gtk_editable_get_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry"))));
  gtk_window_destroy (GTK_WINDOW (dialog));
  return password;
}

/* Condition: the info bar shows text containing data. */
static gboolean
error_shown (gpointer data)
{
  const char *error = gchat_window_get_error (window);

  return error != NULL && strstr (error, data) != NULL;
}

/* Condition: the connection is down. */
static gboolean
is_disconnected (gpointer data)
{
  return gchat_connection_get_state (gchat_session_get_connection (session)) ==
    GCHAT_CONNECTION_DISCONNECTED;
}

/* Leave the server and connect again as @account with @password. */
static void
reconnect_as (const char *account, const char *password)
{
  GchatConnection *conn = gchat_session_get_connection (session);

  gchat_connection_quit (conn, "bye for now");
  g_assert_true (gui_wait_for (is_disconnected, NULL));
  gchat_connection_set_account (conn, account, password, FALSE);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
}

/* Step: register a new account from the connect dialog; it logs in. */
static void
test_register (void)
{
  GtkWidget *dialog;
  GtkWidget *bar;

  window = gui_open_window (app, port, "dana", NULL, NULL, FALSE, 1000, 640);
  session = gchat_window_get_session (window);
  gchat_window_show_connect_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "account_entry")), "dana");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry")),
                         "danas-password");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (gui_find_by_id (dialog, "register_check")), TRUE);
  gui_screenshot ("gchat-account.png");
  bar = gtk_window_get_titlebar (GTK_WINDOW (dialog));
  g_signal_emit_by_name (gui_find_by_id (bar, "connect_button"), "clicked");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG));
  g_assert_true (gui_wait_for (logged_in, NULL));
  g_assert_true (gui_wait_for (server_says, (gpointer) "Account dana created"));
  g_assert_true (gui_wait_for (server_says, (gpointer) "You are logged in as dana"));
}

/* Condition: #hist shows both earlier lines. */
static gboolean
history_loaded (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#hist");

  return conv_find (conv, "first, before dana came") != NULL &&
    conv_find (conv, "second, before dana came") != NULL;
}

/* Step: a raw client talks in a group first; joining it shows what was said, with its times. */
static void
test_history (void)
{
  GchatConversation *conv;
  GchatMessage      *first;
  g_autoptr (GDateTime) before = NULL;
  g_autoptr (GDateTime) after = NULL;

  gui_raw_connect (&erin, port, "erin");
  gui_raw_send (&erin, "JOIN #hist");
  gui_raw_expect (&erin, ":* 366 erin #hist *");
  {
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

    /* The server's times have milliseconds only. */
    before = g_date_time_add (now, -G_TIME_SPAN_MILLISECOND);
  }
  gui_raw_send (&erin, "PRIVMSG #hist :first, before dana came");
  gui_raw_send (&erin, "PRIVMSG #hist :second, before dana came");
  /* A round trip: both lines are stored before dana asks. */
  gui_raw_send (&erin, "HISTORY #hist 2");
  gui_raw_expect (&erin, "*End of history of #hist*");
  /* The history must carry the old time, not the time it is shown. */
  g_usleep (1100 * 1000);
  after = g_date_time_new_now_utc ();
  gui_type_line (window, "/join #hist");
  g_assert_true (gui_wait_for (history_loaded, NULL));
  conv = gchat_session_find (session, "#hist");
  g_assert_true (gchat_window_get_shown (window) == conv);
  first = conv_find (conv, "first, before dana came");
  g_assert_cmpstr (gchat_message_get_nick (first), ==, "erin");
  g_assert_false (gchat_message_get_own (first));
  g_assert_cmpint (g_date_time_compare (gchat_message_get_time (first), before), >=, 0);
  g_assert_cmpint (g_date_time_compare (gchat_message_get_time (first), after), <, 0);
  /* Older than the join, so shown above it. */
  {
    GListModel *messages = gchat_conversation_get_messages (conv);
    g_autoptr (GchatMessage) last =
      g_list_model_get_item (messages, g_list_model_get_n_items (messages) - 1);

    g_assert_cmpstr (gchat_message_get_text (last), ==, "You joined #hist");
  }
  g_assert_true (gui_wait_for (row_shown, (gpointer) "second, before dana came"));
  gui_screenshot ("gchat-history.png");
}

/* Condition: the conversation shown has a note containing the text. */
static gboolean
note_says (gpointer data)
{
  return conv_find (gchat_window_get_shown (window), data) != NULL || server_says (data);
}

typedef struct
{
  const char *nick;
  const char *account; /* NULL: logged out */
} AccountWait;

/* Condition: member nick of #hist is logged in as account (or not at all). */
static gboolean
member_account_is (gpointer data)
{
  AccountWait *w = data;
  GchatMember *member =
    gchat_conversation_find_member (gchat_session_find (session, "#hist"), w->nick);

  return member != NULL && g_strcmp0 (gchat_member_get_account (member), w->account) == 0;
}

/* Step: members show whether they are logged in, and follow logins and logouts. */
static void
test_member_account (void)
{
  RawClient   fay = { 0 };
  AccountWait erin_in = { "erin", "erin" };
  AccountWait erin_out = { "erin", NULL };
  AccountWait fay_in = { "fay", "fay" };

  g_assert_true (gui_wait_for (member_account_is, &erin_out));
  gchat_session_add_contact (session, "erin");
  gui_raw_send (&erin, "REGISTER erin * erins-password");
  gui_raw_expect (&erin, "*REGISTER SUCCESS erin*");
  g_assert_true (gui_wait_for (member_account_is, &erin_in)); /* account-notify */
  /* The contact follows too, in its sidebar row's tooltip and accessible label. */
  g_assert_cmpstr (gchat_contact_get_account (gchat_session_find_contact (session, "erin")),
                   ==,
                   "erin");
  gui_drain ();
  g_assert_cmpstr (gtk_widget_get_tooltip_text (
                     GTK_WIDGET (gchat_window_find_contact_row (window, "erin"))),
                   ==,
                   "online, logged in as erin");
  gui_raw_send (&erin, "LOGOUT");
  g_assert_true (gui_wait_for (member_account_is, &erin_out));
  gui_raw_send (&erin, "LOGIN erin erins-password");
  g_assert_true (gui_wait_for (member_account_is, &erin_in));
  gui_raw_connect (&fay, port, "fay");
  gui_raw_send (&fay, "REGISTER fay * fays-password");
  gui_raw_expect (&fay, "*REGISTER SUCCESS fay*");
  gui_raw_send (&fay, "JOIN #hist");
  g_assert_true (gui_wait_for (member_account_is, &fay_in)); /* extended-join */
  /* WHOIS shows the account in words (330). */
  g_assert_true (gchat_session_run (session, "/quote WHOIS fay", NULL));
  g_assert_true (gui_wait_for (note_says, (gpointer) "fay is logged in as fay"));
  gui_raw_send (&fay, "QUIT");
  gui_raw_close (&fay);
}

/* Condition: a private conversation with erin has the offline message. */
static gboolean
offline_message_shown (gpointer data)
{
  return conv_find (gchat_session_find (session, "erin"), data) != NULL;
}

/* Step: a message sent while dana was away arrives after the SASL login. */
static void
test_offline_message (void)
{
  GchatConnection *conn = gchat_session_get_connection (session);
  GchatMessage    *msg;
  g_autoptr (GDateTime) sent = NULL;

  gchat_connection_quit (conn, "bye for now");
  g_assert_true (gui_wait_for (is_disconnected, NULL));
  gui_raw_expect (&erin, ":dana!* QUIT *");
  sent = g_date_time_new_now_utc ();
  gui_raw_send (&erin, "PRIVMSG dana :left while you were out");
  gui_raw_expect (&erin, "*dana is offline; your message is stored*");
  g_usleep (1100 * 1000);
  gchat_connection_set_account (conn, "dana", "danas-password", FALSE);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (logged_in, NULL));
  /* SASL logs in during registration: no LOGIN after the welcome. */
  g_assert_true (gchat_connection_has_cap (conn, "sasl"));
  g_assert_true (gui_wait_for (offline_message_shown, (gpointer) "left while you were out"));
  msg = conv_find (gchat_session_find (session, "erin"), "left while you were out");
  g_assert_cmpstr (gchat_message_get_text (msg), ==, "left while you were out");
  g_assert_cmpint (g_date_time_difference (gchat_message_get_time (msg), sent), <, G_USEC_PER_SEC);
}

/* Condition: the erin conversation holds the text in @data. */
static gboolean
erin_says (gpointer data)
{
  return conv_find (gchat_session_find (session, "erin"), data) != NULL;
}

/*
 * Step: once both have accounts, a private conversation is kept by the
 * server; reopened, it shows both sides again, ours as ours.
 */
static void
test_private_history (void)
{
  GchatConversation *conv;
  GchatMessage      *mine;
  GchatMessage      *theirs;

  gui_raw_send (&erin, "REGISTER * * erins-password");
  gui_raw_expect (&erin, "*REGISTER SUCCESS erin*");
  gui_raw_send (&erin, "PRIVMSG dana :kept this time?");
  g_assert_true (gui_wait_for (erin_says, (gpointer) "kept this time?"));
  g_assert_true (gchat_window_show_by_name (window, "erin"));
  gui_type_line (window, "yes, both of us have accounts");
  gui_raw_expect (&erin, ":dana!* PRIVMSG erin :yes, both of us have accounts");

  gchat_session_close_conversation (session, gchat_session_find (session, "erin"));
  g_assert_null (gchat_session_find (session, "erin"));
  conv = gchat_session_open_query (session, "erin", TRUE);
  g_assert_true (gui_wait_for (erin_says, (gpointer) "yes, both of us have accounts"));
  g_assert_true (gui_wait_for (erin_says, (gpointer) "kept this time?"));
  g_assert_null (gchat_session_find (session, "dana"));
  mine = conv_find (conv, "yes, both of us have accounts");
  theirs = conv_find (conv, "kept this time?");
  g_assert_true (gchat_message_get_own (mine));
  g_assert_false (gchat_message_get_own (theirs));
  g_assert_cmpstr (gchat_message_get_nick (theirs), ==, "erin");
}

/*
 * Step: after logging in again (on this or any computer), the private
 * conversations of the last month are back in the sidebar with their
 * history (CHATHISTORY TARGETS), not counted as unread.
 */
static void
test_restore_conversations (void)
{
  GchatConnection   *conn = gchat_session_get_connection (session);
  GchatConversation *conv;

  gchat_session_close_conversation (session, gchat_session_find (session, "erin"));
  /* As the user would: Disconnect (no reconnecting by itself), then connect again. */
  gchat_session_disconnect (session);
  g_assert_true (gui_wait_for (is_disconnected, NULL));
  /*
   * The server has let go of the old session (flood control may run its
   * QUIT a moment later), so the nick is free for the new one.
   */
  gui_raw_expect (&erin, ":dana!* QUIT :*Leaving*");
  gchat_connection_set_account (conn, "dana", "danas-password", FALSE);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (logged_in, NULL));
  g_assert_true (gui_wait_for (erin_says, (gpointer) "kept this time?"));
  g_assert_true (gui_wait_for (erin_says, (gpointer) "yes, both of us have accounts"));
  conv = gchat_session_find (session, "erin");
  g_assert_cmpint (gchat_conversation_get_kind (conv), ==, GCHAT_CONVERSATION_QUERY);
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);
  g_assert_true (gchat_message_get_own (conv_find (conv, "yes, both of us have accounts")));
}

/* Step: a wrong password is said in words, and the chat goes on without the account. */
static void
test_wrong_password (void)
{
  GListModel *notes;

  reconnect_as ("dana", "not-danas-password");
  if (!gui_wait_for (error_shown, (gpointer) "rong account name or password")) {
    notes = gchat_conversation_get_messages (gchat_session_get_server (session));
    for (guint i = 0; i < g_list_model_get_n_items (notes); i++) {
      g_autoptr (GchatMessage) msg = g_list_model_get_item (notes, i);

      g_test_message ("server: %s", gchat_message_get_text (msg));
    }
    g_error ("no error in words; the info bar says “%s”", gchat_window_get_error (window));
  }
  g_assert_false (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
  assert_account_actions (FALSE);
}

/*
 * Step: a wrong old password is refused in words; the dialog changes it (the
 * next login uses the new one); the menu's "Log out" logs out.
 */
static void
test_password_logout (void)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *change;
  GtkWidget *problem;
  char      *password;

  reconnect_as ("dana", "danas-password");
  g_assert_true (gui_wait_for (logged_in, NULL));
  assert_account_actions (TRUE);
  g_assert_true (gchat_session_run (session, "/password wrong-old-one danas-new-password", &error));
  g_assert_no_error (error);
  g_assert_true (gui_wait_for (error_shown, (gpointer) "PASSWORD failed"));
  /* The same through the menu's dialog, as a person would. */
  gchat_window_show_password_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_PASSWORD_DIALOG);
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "old_entry")), "danas-password");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "new_entry")), "danas-new-password");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "repeat_entry")),
                         "danas-new-passwort");
  change = gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)), "change_button");
  g_signal_emit_by_name (change, "clicked");
  problem = gui_find_by_id (dialog, "problem_label");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==, "The two new passwords differ.");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "repeat_entry")),
                         "danas-new-password");
  g_signal_emit_by_name (change, "clicked");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_PASSWORD_DIALOG));
  g_assert_true (gui_wait_for (server_says, (gpointer) "Password changed"));
  /* The connect dialog offers the new password, not the old one. */
  password = dialog_password ();
  g_assert_cmpstr (password, ==, "danas-new-password");
  g_free (password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.logout", NULL));
  g_assert_true (gui_wait_for (server_says, (gpointer) "You are logged out"));
  g_assert_false (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
  assert_account_actions (FALSE);
  /* Logged out: the connect dialog no longer offers the password. */
  password = dialog_password ();
  g_assert_cmpstr (password, ==, "");
  g_free (password);
  reconnect_as ("dana", "danas-new-password");
  g_assert_true (gui_wait_for (logged_in, NULL));
  assert_account_actions (TRUE);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;

  g_test_add_func ("/accounts/register", test_register);
  g_test_add_func ("/accounts/history", test_history);
  g_test_add_func ("/accounts/member-account", test_member_account);
  g_test_add_func ("/accounts/offline-message", test_offline_message);
  g_test_add_func ("/accounts/private-history", test_private_history);
  g_test_add_func ("/accounts/restore-conversations", test_restore_conversations);
  g_test_add_func ("/accounts/wrong-password", test_wrong_password);
  g_test_add_func ("/accounts/password-logout", test_password_logout);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
