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

/* Every wait ends after this long. */
#define WAIT_MS 10000

typedef struct
{
  GSocketConnection *conn;
  GDataInputStream  *in;
  GOutputStream     *out;
  GCancellable      *cancel;
  GPtrArray         *lines;
} RawClient;

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         erin;
static guint16           port;
/* Spin the main loop until @cond holds or WAIT_MS passes. */
static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!cond (data)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  }
  return TRUE;
}

/* Let pending redraws and idles run (bounded). */
static void
drain (void)
{
  for (int i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* Save a screenshot of the screen when GCHAT_SHOT_DIR asks for it. */
static void
screenshot (const char *name)
{
  const char      *dir = g_getenv ("GCHAT_SHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *cmd = NULL;
  gint64           end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  if (dir == NULL)
    return;
  while (g_get_monotonic_time () < end) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  }
  path = g_build_filename (dir, name, NULL);
  cmd = g_strdup_printf ("import -window root -trim +repage %s", path);
  if (!g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL))
    g_test_message ("could not save %s", path);
}

/* Raw client: keep reading lines into the raw client's lines. */
static void
raw_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RawClient *c = user_data;
  g_autoptr (GError) error = NULL;
  char *line =
    g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  if (line == NULL)
    return;
  g_strchomp (line);
  g_ptr_array_add (c->lines, line);
  if (g_str_has_prefix (line, "PING ")) {
    g_autofree char *pong = g_strdup_printf ("PONG %s\r\n", line + 5);

    g_output_stream_write_all (c->out, pong, strlen (pong), NULL, NULL, NULL);
  }
  g_data_input_stream_read_line_async (c->in, G_PRIORITY_DEFAULT, c->cancel, raw_read_cb, c);
}

/* Raw client: send one line (CR LF added). */
static void
raw_send (RawClient *c, const char *line)
{
  g_autofree char *wire = g_strconcat (line, "\r\n", NULL);

  g_assert_true (g_output_stream_write_all (c->out, wire, strlen (wire), NULL, NULL, NULL));
}

typedef struct
{
  RawClient  *client;
  const char *glob;
} RawWait;

/* Condition: a line received by the raw client matches the glob. */
static gboolean
raw_seen (gpointer data)
{
  RawWait *w = data;

  for (guint i = 0; i < w->client->lines->len; i++)
    if (g_pattern_match_simple (w->glob, g_ptr_array_index (w->client->lines, i)))
      return TRUE;
  return FALSE;
}

/* Wait until the raw client received a line matching @glob. */
static void
raw_expect (RawClient *c, const char *glob)
{
  RawWait w = { c, glob };

  if (!wait_for (raw_seen, &w)) {
    for (guint i = 0; i < c->lines->len; i++)
      g_test_message ("raw client got: %s", (char *)g_ptr_array_index (c->lines, i));
    g_error ("the raw client never got a line matching “%s”", glob);
  }
}

/* Connect the raw client to chatd and register it as @nick. */
static void
raw_connect (RawClient *c, const char *nick)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *nick_line = g_strdup_printf ("NICK %s", nick);
  g_autofree char *user_line = g_strdup_printf ("USER %s 0 * :Raw %s", nick, nick);

  c->conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  c->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (c->conn)));
  g_data_input_stream_set_newline_type (c->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  c->out = g_io_stream_get_output_stream (G_IO_STREAM (c->conn));
  c->cancel = g_cancellable_new ();
  c->lines = g_ptr_array_new_with_free_func (g_free);
  g_data_input_stream_read_line_async (c->in, G_PRIORITY_DEFAULT, c->cancel, raw_read_cb, c);
  raw_send (c, nick_line);
  raw_send (c, user_line);
  raw_expect (c, ":* 001 *");
}

/* Condition: the session is connected. */
static gboolean
is_connected (gpointer data)
{
  return gchat_connection_get_state (gchat_session_get_connection (session)) ==
    GCHAT_CONNECTION_CONNECTED;
}

/* The message rows the list view currently shows. */
static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (GCHAT_IS_MESSAGE_ROW (child))
      g_ptr_array_add (rows, child);
    else
      collect_rows (child, rows);
  }
}

/* The shown row whose text is @text, or NULL. */
static GchatMessageRow *
find_row (const char *text)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (gchat_message_row_get_text (rows->pdata[i]), text) == 0)
      return rows->pdata[i];
  return NULL;
}

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return find_row (data) != NULL;
}

/* Type @text into the entry and press Enter. */
static void
type_line (const char *text)
{
  GtkEntry *entry = gchat_window_get_entry (window);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
}

/* The descendant of @root built from the .ui with @id, or NULL. */
static GtkWidget *
find_by_id (GtkWidget *root, const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (GTK_IS_BUILDABLE (child) &&
        g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
      return child;
    if ((found = find_by_id (child, id)) != NULL)
      return found;
  }
  return NULL;
}

/* The open connect dialog, or NULL. */
static GtkWidget *
find_connect_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
    g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

    if (GCHAT_IS_CONNECT_DIALOG (w))
      return w;
  }
  return NULL;
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
  return is_connected (NULL) &&
    gchat_connection_get_logged_in (gchat_session_get_connection (session));
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
  g_assert_true (wait_for (is_disconnected, NULL));
  gchat_connection_set_account (conn, account, password, FALSE);
  gchat_window_connect (window);
  g_assert_true (wait_for (is_connected, NULL));
}

/* Step: register a new account from the connect dialog; it logs in. */
static void
test_register (void)
{
  GchatConfig *config = g_new0 (GchatConfig, 1);
  GtkWidget   *dialog;
  GtkWidget   *bar;

  config->host = g_strdup ("127.0.0.1");
  config->port = port;
  config->nick = g_strdup ("dana");
  config->realname = g_strdup ("Dana Test");
  window = gchat_window_new (GTK_APPLICATION (app), config);
  session = gchat_window_get_session (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_window_present (GTK_WINDOW (window));
  gchat_window_show_connect_dialog (window);
  dialog = find_connect_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "account_entry")), "dana");
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "password_entry")), "danas-password");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_by_id (dialog, "register_check")), TRUE);
  screenshot ("gchat-account.png");
  bar = gtk_window_get_titlebar (GTK_WINDOW (dialog));
  g_signal_emit_by_name (find_by_id (bar, "connect_button"), "clicked");
  g_assert_null (find_connect_dialog ());
  g_assert_true (wait_for (logged_in, NULL));
  g_assert_true (wait_for (server_says, (gpointer) "Account dana created"));
  g_assert_true (wait_for (server_says, (gpointer) "You are logged in as dana"));
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

  raw_connect (&erin, "erin");
  raw_send (&erin, "JOIN #hist");
  raw_expect (&erin, ":* 366 erin #hist *");
  {
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

    /* The server's times have milliseconds only. */
    before = g_date_time_add (now, -G_TIME_SPAN_MILLISECOND);
  }
  raw_send (&erin, "PRIVMSG #hist :first, before dana came");
  raw_send (&erin, "PRIVMSG #hist :second, before dana came");
  /* A round trip: both lines are stored before dana asks. */
  raw_send (&erin, "HISTORY #hist 2");
  raw_expect (&erin, "*End of history of #hist*");
  /* The history must carry the old time, not the time it is shown. */
  g_usleep (1100 * 1000);
  after = g_date_time_new_now_utc ();
  type_line ("/join #hist");
  g_assert_true (wait_for (history_loaded, NULL));
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
  g_assert_true (wait_for (row_shown, (gpointer) "second, before dana came"));
  screenshot ("gchat-history.png");
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

  g_assert_true (wait_for (member_account_is, &erin_out));
  gchat_session_add_contact (session, "erin");
  raw_send (&erin, "REGISTER erin * erins-password");
  raw_expect (&erin, "*REGISTER SUCCESS erin*");
  g_assert_true (wait_for (member_account_is, &erin_in)); /* account-notify */
  /* The contact follows too, in its sidebar row's tooltip and accessible label. */
  g_assert_cmpstr (gchat_contact_get_account (gchat_session_find_contact (session, "erin")),
                   ==,
                   "erin");
  drain ();
  g_assert_cmpstr (gtk_widget_get_tooltip_text (
                     GTK_WIDGET (gchat_window_find_contact_row (window, "erin"))),
                   ==,
                   "online, logged in as erin");
  raw_send (&erin, "LOGOUT");
  g_assert_true (wait_for (member_account_is, &erin_out));
  raw_send (&erin, "LOGIN erin erins-password");
  g_assert_true (wait_for (member_account_is, &erin_in));
  raw_connect (&fay, "fay");
  raw_send (&fay, "REGISTER fay * fays-password");
  raw_expect (&fay, "*REGISTER SUCCESS fay*");
  raw_send (&fay, "JOIN #hist");
  g_assert_true (wait_for (member_account_is, &fay_in)); /* extended-join */
  /* WHOIS shows the account in words (330). */
  g_assert_true (gchat_session_run (session, "/quote WHOIS fay", NULL));
  g_assert_true (wait_for (note_says, (gpointer) "fay is logged in as fay"));
  raw_send (&fay, "QUIT");
  g_cancellable_cancel (fay.cancel);
  g_clear_object (&fay.in);
  g_clear_object (&fay.conn);
  g_clear_object (&fay.cancel);
  g_ptr_array_unref (fay.lines);
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
  g_assert_true (wait_for (is_disconnected, NULL));
  raw_expect (&erin, ":dana!* QUIT *");
  sent = g_date_time_new_now_utc ();
  raw_send (&erin, "PRIVMSG dana :left while you were out");
  raw_expect (&erin, "*dana is offline; your message is stored*");
  g_usleep (1100 * 1000);
  gchat_connection_set_account (conn, "dana", "danas-password", FALSE);
  gchat_window_connect (window);
  g_assert_true (wait_for (logged_in, NULL));
  /* SASL logs in during registration: no LOGIN after the welcome. */
  g_assert_true (gchat_connection_has_cap (conn, "sasl"));
  g_assert_true (wait_for (offline_message_shown, (gpointer) "left while you were out"));
  msg = conv_find (gchat_session_find (session, "erin"), "left while you were out");
  g_assert_cmpstr (gchat_message_get_text (msg), ==, "left while you were out");
  g_assert_cmpint (g_date_time_difference (gchat_message_get_time (msg), sent), <, G_USEC_PER_SEC);
}

/* Step: a wrong password is said in words, and the chat goes on without the account. */
static void
test_wrong_password (void)
{
  GListModel *notes;

  reconnect_as ("dana", "not-danas-password");
  if (!wait_for (error_shown, (gpointer) "rong account name or password")) {
    notes = gchat_conversation_get_messages (gchat_session_get_server (session));
    for (guint i = 0; i < g_list_model_get_n_items (notes); i++) {
      g_autoptr (GchatMessage) msg = g_list_model_get_item (notes, i);

      g_test_message ("server: %s", gchat_message_get_text (msg));
    }
    g_error ("no error in words; the info bar says “%s”", gchat_window_get_error (window));
  }
  g_assert_false (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
}

/* The open password dialog, or NULL. */
static GtkWidget *
find_password_dialog (void)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
    g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

    if (GCHAT_IS_PASSWORD_DIALOG (w))
      return w;
  }
  return NULL;
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

  reconnect_as ("dana", "danas-password");
  g_assert_true (wait_for (logged_in, NULL));
  g_assert_true (gchat_session_run (session, "/password wrong-old-one danas-new-password", &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (error_shown, (gpointer) "PASSWORD failed"));
  /* The same through the menu's dialog, as a person would. */
  gchat_window_show_password_dialog (window);
  dialog = find_password_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "old_entry")), "danas-password");
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "new_entry")), "danas-new-password");
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "repeat_entry")), "danas-new-passwort");
  change = find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)), "change_button");
  g_signal_emit_by_name (change, "clicked");
  problem = find_by_id (dialog, "problem_label");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==, "The two new passwords differ.");
  gtk_editable_set_text (GTK_EDITABLE (find_by_id (dialog, "repeat_entry")), "danas-new-password");
  g_signal_emit_by_name (change, "clicked");
  g_assert_null (find_password_dialog ());
  g_assert_true (wait_for (server_says, (gpointer) "Password changed"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.logout", NULL));
  g_assert_true (wait_for (server_says, (gpointer) "You are logged out"));
  g_assert_false (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
  reconnect_as ("dana", "danas-new-password");
  g_assert_true (wait_for (logged_in, NULL));
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *port_env = g_getenv ("GCHAT_TEST_PORT");
  int         n;
  char      **v;
  int         status;

  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, (char *)"--tap");
  g_ptr_array_add (args, NULL);
  n = (int)args->len - 1;
  v = (char **)args->pdata;
  gtk_test_init (&n, &v, NULL);
  /* Criticals stay fatal; GIO warns when no notification daemon runs. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  if (port_env == NULL) {
    g_print ("1..0 # SKIP run through gui.sh (GCHAT_TEST_PORT is not set)\n");
    return 0;
  }
  port = (guint16)atoi (port_env);
  app = gchat_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/accounts/register", test_register);
  g_test_add_func ("/accounts/history", test_history);
  g_test_add_func ("/accounts/member-account", test_member_account);
  g_test_add_func ("/accounts/offline-message", test_offline_message);
  g_test_add_func ("/accounts/wrong-password", test_wrong_password);
  g_test_add_func ("/accounts/password-logout", test_password_logout);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
