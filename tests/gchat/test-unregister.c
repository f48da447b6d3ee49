/*
 * test-unregister.c: deleting the account from the main menu against a real
 * chatd (started by gui.sh, port in GCHAT_TEST_PORT). The menu item is there
 * only while logged in; the dialog wants the password, a wrong one is refused
 * in words and the account stays; the right one deletes it, logs out and
 * forgets the password, and a raw client can no longer log in with it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-unregister-dialog.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static guint16           port;

/* Condition: logged in to the account. */
static gboolean
logged_in (gpointer data)
{
  return gui_is_connected (session) &&
    gchat_connection_get_logged_in (gchat_session_get_connection (session));
}

/* Condition: the server conversation has a note containing the text. */
static gboolean
server_says (gpointer data)
{
  GListModel *messages = gchat_conversation_get_messages (gchat_session_get_server (session));

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (strstr (gchat_message_get_text (msg), data) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* Condition: the info bar shows text containing data. */
static gboolean
error_shown (gpointer data)
{
  const char *error = gchat_window_get_error (window);

  return error != NULL && strstr (error, data) != NULL;
}

/* Whether the menu's "Delete account…" can be used now. */
static gboolean
delete_enabled (void)
{
  return g_action_group_get_action_enabled (gchat_window_get_actions (window), "delete-account");
}

/* Open the dialog, type @password (NULL: nothing) and press Delete. */
static GtkWidget *
delete_with (const char *password)
{
  GtkWidget *dialog;

  gchat_window_show_unregister_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_UNREGISTER_DIALOG);
  g_assert_nonnull (dialog);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry")), password);
  g_signal_emit_by_name (gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)),
                                         "delete_button"),
                         "clicked");
  return dialog;
}

/* Step: register "ursel"; only then is the menu item enabled. */
static void
test_register (void)
{
  window = gui_open_window (app, port, "ursel", "ursel", "ursels-password", TRUE, 900, 600);
  session = gchat_window_get_session (window);
  g_assert_false (delete_enabled ());
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (logged_in, NULL));
  g_assert_true (gui_wait_for (server_says, (gpointer) "Account ursel created"));
  g_assert_true (delete_enabled ());
}

/* Step: no password, then a wrong one: refused in words, still logged in. */
static void
test_wrong_password (void)
{
  GtkWidget *dialog, *problem;

  dialog = delete_with (NULL);
  problem = gui_find_by_id (dialog, "problem_label");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (problem)), ==, "Type your password to confirm.");
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry")), "wrong-one");
  gui_screenshot ("gchat-delete-account.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  delete_with ("not-ursels-password");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_UNREGISTER_DIALOG));
  g_assert_true (gui_wait_for (error_shown, (gpointer) "The password is wrong"));
  g_assert_true (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
  g_assert_true (delete_enabled ());
}

/* Step: the right password deletes the account; nobody can log in to it. */
static void
test_delete (void)
{
  RawClient raw = { 0 };

  delete_with ("ursels-password");
  g_assert_true (gui_wait_for (server_says, (gpointer) "Account ursel deleted"));
  g_assert_true (gui_wait_for (server_says, (gpointer) "You are logged out"));
  g_assert_false (gchat_connection_get_logged_in (gchat_session_get_connection (session)));
  g_assert_false (delete_enabled ());
  /* A reconnect must not try the deleted account again. */
  g_assert_null (gchat_connection_get_account (gchat_session_get_connection (session)));
  g_assert_null (gchat_connection_get_password (gchat_session_get_connection (session)));
  gui_raw_connect (&raw, port, "rolf");
  gui_raw_send (&raw, "LOGIN ursel ursels-password");
  gui_raw_expect (&raw, "*FAIL LOGIN INVALID_CREDENTIALS*");
  gui_raw_close (&raw);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;

  g_test_add_func ("/unregister/register", test_register);
  g_test_add_func ("/unregister/wrong-password", test_wrong_password);
  g_test_add_func ("/unregister/delete", test_delete);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
