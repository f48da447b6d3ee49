/*
 * test-unregister.c: deleting the account from the main menu against a real
 * chatd (started by gui.sh, port in GCHAT_TEST_PORT). The menu item is there
 * only while logged in; the dialog wants the password, a wrong one is refused
 * in words and the account stays; the right one deletes it, logs out and
 * forgets the password, and a raw client can no longer log in with it.
 * Before that, the Group settings' "Make owner" hands a group to an admin.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-confirm-dialog.h"
#include "gchat-dialog.h"
#include "gchat-group-settings.h"
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
  /* Disabled without a password: AdwMessageDialog ignores a click on it, as a person finds. */
  if (gtk_widget_is_sensitive (
        gchat_dialog_response_button (ADW_MESSAGE_DIALOG (dialog), "delete")))
    g_signal_emit_by_name (gchat_dialog_response_button (ADW_MESSAGE_DIALOG (dialog), "delete"),
                           "clicked");
  return dialog;
}

/* The first button under @widget whose object data @key is @value. */
static GtkWidget *
find_row_button (GtkWidget *widget, const char *key, const char *value)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (GTK_IS_BUTTON (child) && g_strcmp0 (g_object_get_data (G_OBJECT (child), key), value) == 0)
      return child;
    if ((found = find_row_button (child, key, value)) != NULL)
      return found;
  }
  return NULL;
}

/* The group state of #ursels-den. */
static GchatGroup *
den (void)
{
  GchatConversation *conv = gchat_session_find (session, "#ursels-den");

  return conv != NULL ? gchat_session_get_group (session, conv) : NULL;
}

/* Condition: #ursels-den is known to be registered. */
static gboolean
den_registered (gpointer data)
{
  return den () != NULL &&
    gchat_group_get_registration (den ()) == GCHAT_GROUP_REGISTRATION_REGISTERED;
}

/* Condition: #ursels-den is registered and rolf is its permanent admin. */
static gboolean
rolf_is_admin (gpointer data)
{
  return den () != NULL && gchat_group_has_admin (den (), "rolf");
}

/* Condition: rolf owns #ursels-den and ursel is its admin now. */
static gboolean
rolf_is_owner (gpointer data)
{
  return den () != NULL && g_strcmp0 (gchat_group_get_owner (den ()), "rolf") == 0 &&
    gchat_group_has_admin (den (), "ursel");
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

/* Step: ursel's group goes to its admin rolf through "Make owner", after a question. */
static void
test_make_owner (void)
{
  RawClient  rolf = { 0 };
  GtkWidget *dialog, *button, *confirm;

  gui_raw_connect (&rolf, port, "rolf");
  gui_raw_send (&rolf, "REGISTER rolf * rolfs-password");
  gui_raw_expect (&rolf, "*REGISTER SUCCESS rolf*");
  gui_type_line (window, "/join #ursels-den");
  g_assert_true (gui_wait_for (den_registered, NULL));
  gchat_session_set_permanent_admin (session,
                                     gchat_session_find (session, "#ursels-den"),
                                     "rolf",
                                     TRUE);
  g_assert_true (gui_wait_for (rolf_is_admin, NULL));
  g_assert_true (gchat_window_show_by_name (window, "#ursels-den"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.group-settings", NULL));
  dialog = gui_find_toplevel (GCHAT_TYPE_GROUP_SETTINGS);
  g_assert_nonnull (dialog);
  gchat_group_settings_show_page (GCHAT_GROUP_SETTINGS (dialog), "admins");
  gui_drain ();
  button = find_row_button (gui_find_by_id (dialog, "admins_list"), "gchat-owner-account", "rolf");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  confirm = gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG);
  g_assert_nonnull (confirm);
  gui_screenshot ("gchat-make-owner.png");
  g_signal_emit_by_name (gchat_confirm_dialog_get_action_button (GCHAT_CONFIRM_DIALOG (confirm)),
                         "clicked");
  g_assert_true (gui_wait_for (rolf_is_owner, NULL));
  g_assert_false (
    gchat_session_is_group_owner (session, gchat_session_find (session, "#ursels-den")));
  gui_drain ();
  /* No longer the owner: the rows lose their buttons. */
  button = find_row_button (gui_find_by_id (dialog, "admins_list"), "gchat-owner-account", "ursel");
  g_assert_true (button == NULL || !gtk_widget_get_visible (button));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_raw_send (&rolf, "CHANADMIN #ursels-den");
  gui_raw_expect (&rolf, ":* NOTICE rolf :#ursels-den is owned by rolf; admins: ursel");
  gui_raw_close (&rolf);
}

/* Step: no password, then a wrong one: refused in words, still logged in. */
static void
test_wrong_password (void)
{
  GtkWidget *dialog;

  dialog = delete_with (NULL);
  g_assert_true (gui_find_toplevel (GCHAT_TYPE_UNREGISTER_DIALOG) == dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "delete"));
  gtk_editable_set_text (GTK_EDITABLE (gui_find_by_id (dialog, "password_entry")), "wrong-one");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "delete"));
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
  gui_raw_connect (&raw, port, "rolf2");
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
  g_test_add_func ("/unregister/make-owner", test_make_owner);
  g_test_add_func ("/unregister/wrong-password", test_wrong_password);
  g_test_add_func ("/unregister/delete", test_delete);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
