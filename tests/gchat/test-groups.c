/*
 * test-groups.c: group administration without typing commands, against a
 * real chatd (started by gui.sh, port in GCHAT_TEST_PORT). gchat, logged in
 * to a new account, creates a registered group and changes its modes,
 * bans and permanent admins through the Group settings window while a raw
 * client ("ray") sees the lines and changes things back; in a group gchat
 * did not create, the settings are read-only and the server's refusal is
 * shown in words.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-ban.h"
#include "gchat-group-settings.h"
#include "gchat-member-list.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         ray;
static RawClient         sam;
static guint16           port;

/* Condition: logged in to the account. */
static gboolean
logged_in (gpointer data)
{
  return gui_is_connected (session) &&
    gchat_connection_get_logged_in (gchat_session_get_connection (session));
}

/* Condition: we are an admin of group @data. */
static gboolean
is_operator (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, data);

  return conv != NULL && gchat_conversation_get_joined (conv) &&
    gchat_conversation_get_operator (conv);
}

/* The group state of @name. */
static GchatGroup *
group_of (const char *name)
{
  GchatConversation *conv = gchat_session_find (session, name);

  g_assert_nonnull (conv);
  return gchat_session_get_group (session, conv);
}

/* Condition: the group @data knows whether it is registered. */
static gboolean
registration_known (gpointer data)
{
  return gchat_session_find (session, data) != NULL &&
    gchat_group_get_registration (group_of (data)) != GCHAT_GROUP_REGISTRATION_UNKNOWN;
}

/* Condition: #garden is invite-only with a limit of 25, as the server says. */
static gboolean
garden_locked (gpointer data)
{
  const GchatGroupModes *modes = gchat_group_get_modes (group_of ("#garden"));

  return modes->invite_only && modes->limit == 25 && g_strcmp0 (modes->key, "sesame") == 0;
}

/* Condition: the group @data has its modes from a 324. */
static gboolean
modes_known (gpointer data)
{
  return gchat_group_get_modes_known (group_of (data));
}

/* The widget called @id in @dialog. */
static GtkWidget *
find (GtkWidget *dialog, const char *id)
{
  GtkWidget *w = gui_find_by_id (dialog, id);

  g_assert_nonnull (w);
  return w;
}

/* Open the settings of the group on screen and wait for its modes. */
static GtkWidget *
open_settings (const char *name)
{
  GtkWidget *dialog;

  g_assert_true (gchat_window_show_by_name (window, name));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.group-settings", NULL));
  dialog = gui_find_toplevel (GCHAT_TYPE_GROUP_SETTINGS);
  g_assert_nonnull (dialog);
  g_assert_true (gchat_group_settings_get_conversation (GCHAT_GROUP_SETTINGS (dialog)) ==
                 gchat_session_find (session, name));
  g_assert_true (gui_wait_for (modes_known, (gpointer)name));
  gui_drain ();
  return dialog;
}

/* Whether switch @id of @dialog is on. */
static gboolean
switch_on (GtkWidget *dialog, const char *id)
{
  return gtk_switch_get_active (GTK_SWITCH (find (dialog, id)));
}

typedef struct
{
  GtkWidget  *dialog;
  const char *id;
  gboolean    on;
} SwitchWait;

/* Condition: the switch is on (or off). */
static gboolean
switch_is (gpointer data)
{
  SwitchWait *w = data;

  return switch_on (w->dialog, w->id) == w->on;
}

/* Condition: the model @data is empty. */
static gboolean
model_empty (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

/* Condition: the ban list of #garden has exactly the masks listed, in order, NULL-ended. */
static gboolean
bans_are (gpointer data)
{
  const char *const *masks = data;
  GListModel        *bans = gchat_group_get_bans (group_of ("#garden"));

  if (g_list_model_get_n_items (bans) != g_strv_length ((char **)masks))
    return FALSE;
  for (guint i = 0; masks[i] != NULL; i++) {
    g_autoptr (GchatBan) ban = g_list_model_get_item (bans, i);

    if (strcmp (gchat_ban_get_mask (ban), masks[i]) != 0)
      return FALSE;
  }
  return TRUE;
}

/* Condition: account @data is a permanent admin of #garden. */
static gboolean
has_admin (gpointer data)
{
  return gchat_group_has_admin (group_of ("#garden"), data);
}

/* Condition: account @data is no permanent admin of #garden. */
static gboolean
lacks_admin (gpointer data)
{
  return !has_admin (data);
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

/* Condition: the error label of dialog @data is shown. */
static gboolean
dialog_error_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (find (data, "error_revealer")));
}

/* Condition: member @data of #garden is logged in (its account is known). */
static gboolean
member_has_account (gpointer data)
{
  GchatMember *m = gchat_conversation_find_member (gchat_session_find (session, "#garden"), data);

  return m != NULL && gchat_member_get_account (m) != NULL;
}

/* Step: gchat registers an account and creates #garden, which becomes its registered group. */
static void
test_create (void)
{

  window = gui_open_window (app, port, "gina", "gina", "ginas-password", TRUE, 1000, 640);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (logged_in, NULL));
  g_assert_true (
    gchat_connection_has_cap (gchat_session_get_connection (session), "chatd/chanadmin"));
  gui_raw_connect (&ray, port, "ray");
  gui_raw_send (&ray, "REGISTER ray * rays-password");
  gui_raw_expect (&ray, "*REGISTER SUCCESS ray*");
  gui_type_line (window, "/join #garden");
  g_assert_true (gui_wait_for (is_operator, (gpointer) "#garden"));
  /* chatd says so on creation with CHANADMIN lines (chatd/chanadmin). */
  g_assert_true (gui_wait_for (registration_known, (gpointer) "#garden"));
  g_assert_cmpint (gchat_group_get_registration (group_of ("#garden")),
                   ==,
                   GCHAT_GROUP_REGISTRATION_REGISTERED);
  g_assert_cmpstr (gchat_group_get_owner (group_of ("#garden")), ==, "gina");
  g_assert_true (gchat_session_is_group_owner (session, gchat_session_find (session, "#garden")));
  gui_raw_send (&ray, "JOIN #garden");
  gui_raw_expect (&ray, ":* 366 ray #garden *");
  g_assert_true (gui_wait_for (member_has_account, (gpointer) "ray"));
}

/* Step: +i, a key and a limit through the widgets reach the server as one MODE line. */
static void
test_modes (void)
{
  GtkWidget *dialog = open_settings ("#garden");
  GtkWidget *apply = find (dialog, "apply_button");

  /* chatd's defaults for a new group: +nt. */
  g_assert_true (switch_on (dialog, "no_outside_switch"));
  g_assert_true (switch_on (dialog, "topic_lock_switch"));
  g_assert_false (switch_on (dialog, "invite_switch"));
  g_assert_false (gtk_widget_get_visible (find (dialog, "readonly_label")));
  g_assert_true (gtk_widget_get_visible (apply));
  g_assert_false (gtk_widget_get_sensitive (apply));
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "invite_switch")), TRUE);
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "key_switch")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "key_entry")), "sesame");
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "limit_switch")), TRUE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (dialog, "limit_spin")), 25);
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "topic_entry")), "Tomatoes and beans");
  g_assert_true (gtk_widget_get_sensitive (apply));
  gui_screenshot ("group-settings-edited.png");
  g_signal_emit_by_name (apply, "clicked");
  gui_raw_expect (&ray, ":gina!* MODE #garden +ikl sesame 25");
  gui_raw_expect (&ray, ":gina!* TOPIC #garden :Tomatoes and beans");
  /* The echo is the new state: nothing left to apply. */
  g_assert_true (gui_wait_for (garden_locked, NULL));
  gui_drain ();
  g_assert_false (gtk_widget_get_sensitive (apply));
  /* Turning the key and the limit off again: -k and -l. */
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "key_switch")), FALSE);
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "limit_switch")), FALSE);
  g_signal_emit_by_name (apply, "clicked");
  gui_raw_expect (&ray, ":gina!* MODE #garden -kl *");
  {
    SwitchWait w = { dialog, "limit_switch", FALSE };

    g_assert_true (gui_wait_for (switch_is, &w));
  }
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "key_switch")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "key_entry")), "sesame");
  g_signal_emit_by_name (apply, "clicked");
  gui_raw_expect (&ray, ":gina!* MODE #garden +k sesame");
  gui_drain ();
  gui_screenshot ("gchat-group-settings.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Step: a change someone else makes shows at once, but not over a field being edited. */
static void
test_live (void)
{
  GtkWidget *dialog;
  SwitchWait moderated = { NULL, "moderated_switch", TRUE };
  SwitchWait unlocked = { NULL, "topic_lock_switch", FALSE };

  gchat_session_make_admin (session, gchat_session_find (session, "#garden"), "ray");
  gui_raw_expect (&ray, ":gina!* MODE #garden +o ray");
  dialog = open_settings ("#garden");
  moderated.dialog = unlocked.dialog = dialog;
  /* gina starts to make the group secret but has not applied it yet. */
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "secret_switch")), TRUE);
  gui_raw_send (&ray, "MODE #garden +m-t");
  g_assert_true (gui_wait_for (switch_is, &moderated));
  g_assert_true (gui_wait_for (switch_is, &unlocked));
  g_assert_true (switch_on (dialog, "secret_switch"));
  g_assert_false (gchat_group_get_modes (group_of ("#garden"))->secret);
  gui_raw_send (&ray, "TOPIC #garden :Only beans now");
  {
    GtkEditable *topic = GTK_EDITABLE (find (dialog, "topic_entry"));
    gint64       end = g_get_monotonic_time () + GUI_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    while (g_strcmp0 (gtk_editable_get_text (topic), "Only beans now") != 0 &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpstr (gtk_editable_get_text (topic), ==, "Only beans now");
  }
  /* Undo drops the unsent change. */
  g_assert_true (gtk_widget_get_sensitive (find (dialog, "apply_button")));
  g_signal_emit_by_name (find (dialog, "revert_button"), "clicked");
  g_assert_false (switch_on (dialog, "secret_switch"));
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "apply_button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Step: add and remove bans in the window; ray sees +b and -b, the list follows. */
static void
test_bans (void)
{
  GtkWidget        *dialog = open_settings ("#garden");
  const char *const one[] = { "spam*!*@*", NULL };
  const char *const two[] = { "spam*!*@*", "*!*@bad.example", NULL };
  const char *const rays[] = { "*!*@bad.example", NULL };
  GtkWidget        *unban;
  g_autoptr (GchatBan) ban = NULL;

  gchat_group_settings_show_page (GCHAT_GROUP_SETTINGS (dialog), "bans");
  g_assert_true (gui_wait_for (model_empty, gchat_group_get_bans (group_of ("#garden"))));
  g_assert_true (gtk_widget_get_visible (find (dialog, "add_ban_box")));
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "ban_entry")), "spam*!*@*");
  g_signal_emit_by_name (find (dialog, "ban_button"), "clicked");
  gui_raw_expect (&ray, ":gina!* MODE #garden +b spam*!*@*");
  g_assert_true (gui_wait_for (bans_are, (gpointer)one));
  gui_raw_send (&ray, "MODE #garden +b *!*@bad.example");
  g_assert_true (gui_wait_for (bans_are, (gpointer)two));
  gui_drain ();
  gui_screenshot ("gchat-group-bans.png");
  unban = find_row_button (find (dialog, "bans_list"), "gchat-mask", "spam*!*@*");
  g_assert_nonnull (unban);
  g_assert_true (gtk_widget_get_visible (unban));
  g_signal_emit_by_name (unban, "clicked");
  gui_raw_expect (&ray, ":gina!* MODE #garden -b spam*!*@*");
  g_assert_true (gui_wait_for (bans_are, (gpointer)rays));
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* Opened again, the list comes from the server (367): ray set it. */
  g_list_store_remove_all (G_LIST_STORE (gchat_group_get_bans (group_of ("#garden"))));
  dialog = open_settings ("#garden");
  g_assert_true (gui_wait_for (bans_are, (gpointer)rays));
  ban = g_list_model_get_item (gchat_group_get_bans (group_of ("#garden")), 0);
  g_assert_cmpstr (gchat_ban_get_setter (ban), ==, "ray");
  g_assert_cmpint (gchat_ban_get_when (ban), >, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Step: the owner adds and removes a permanent admin, from the window and the member list. */
static void
test_admins (void)
{
  GtkWidget       *dialog = open_settings ("#garden");
  GchatMemberList *list = gchat_window_get_member_list (window);
  g_autoptr (GMenuModel) menu = NULL;
  GtkWidget *remove;

  gchat_group_settings_show_page (GCHAT_GROUP_SETTINGS (dialog), "admins");
  g_assert_true (gtk_widget_get_visible (find (dialog, "admins_box")));
  g_assert_true (gtk_widget_get_visible (find (dialog, "add_admin_box")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find (dialog, "owner_label"))),
                   ==,
                   "Owner: gina (you)");
  /* The member list offers both kinds of admin, worded apart. */
  menu = gchat_member_list_menu_for (list, "ray");
  g_assert_true (gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "Make permanent admin (account ray)"));
  g_clear_object (&menu);
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "admin_entry")), "ray");
  g_signal_emit_by_name (find (dialog, "add_admin_button"), "clicked");
  g_assert_true (gui_wait_for (has_admin, (gpointer) "ray"));
  gui_drain ();
  gui_screenshot ("gchat-group-admins.png");
  menu = gchat_member_list_menu_for (list, "ray");
  g_assert_true (
    gui_menu_has (menu, G_MENU_ATTRIBUTE_LABEL, "No longer a permanent admin (account ray)"));
  g_clear_object (&menu);
  remove = find_row_button (find (dialog, "admins_list"), "gchat-account", "ray");
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");
  g_assert_true (gui_wait_for (lacks_admin, (gpointer) "ray"));
  /* The member list's item does the same. */
  g_assert_true (
    gtk_widget_activate_action (GTK_WIDGET (window), "chat.make-permanent-admin", "s", "ray"));
  g_assert_true (gui_wait_for (has_admin, (gpointer) "ray"));
  /* ray sees it from the server, by hand. */
  gui_raw_send (&ray, "CHANADMIN #garden");
  gui_raw_expect (&ray, ":* NOTICE ray :#garden is owned by gina; admins: ray");
  /* A mistake is said in words in the window. */
  gtk_editable_set_text (GTK_EDITABLE (find (dialog, "admin_entry")), "nobody-such");
  g_signal_emit_by_name (find (dialog, "add_admin_button"), "clicked");
  g_assert_true (gui_wait_for (dialog_error_shown, dialog));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (dialog, "error_label"))),
                            "There is no account nobody-such"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Step: in a group created by someone not logged in, gchat is no admin: all read-only. */
static void
test_read_only (void)
{
  GtkWidget       *dialog;
  g_autofree char *before = NULL;

  gui_raw_connect (&sam, port, "sam");
  gui_raw_send (&sam, "JOIN #loose");
  gui_raw_expect (&sam, ":* 366 sam #loose *");
  gui_raw_send (&sam, "MODE #loose +b troll!*@*");
  gui_raw_expect (&sam, ":sam!* MODE #loose +b troll!*@*");
  before = g_strdup (gchat_window_get_error (window));
  gui_type_line (window, "/join #loose");
  g_assert_true (gui_wait_for (registration_known, (gpointer) "#loose"));
  /* Not registered is no error: the info bar does not change. */
  g_assert_cmpstr (gchat_window_get_error (window), ==, before);
  dialog = open_settings ("#loose");
  g_assert_true (gtk_widget_get_visible (find (dialog, "readonly_label")));
  g_assert_false (gtk_widget_get_visible (find (dialog, "apply_button")));
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "invite_switch")));
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "topic_entry")));
  g_assert_true (switch_on (dialog, "topic_lock_switch"));
  gui_screenshot ("gchat-group-readonly.png");
  gchat_group_settings_show_page (GCHAT_GROUP_SETTINGS (dialog), "bans");
  g_assert_false (gtk_widget_get_visible (find (dialog, "add_ban_box")));
  {
    GtkWidget *unban = NULL;
    gint64     end = g_get_monotonic_time () + GUI_WAIT_MS * G_TIME_SPAN_MILLISECOND;

    while ((unban = find_row_button (find (dialog, "bans_list"), "gchat-mask", "troll!*@*")) ==
             NULL &&
           g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_nonnull (unban);
    g_assert_false (gtk_widget_get_visible (unban));
  }
  gchat_group_settings_show_page (GCHAT_GROUP_SETTINGS (dialog), "admins");
  g_assert_false (gtk_widget_get_visible (find (dialog, "admins_box")));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (dialog, "admins_status_label"))),
                            "not registered"));
  gui_drain ();
  gui_screenshot ("gchat-group-unregistered.png");
  /* Had the switch been usable, the server would refuse: 482, in words. */
  gtk_switch_set_active (GTK_SWITCH (find (dialog, "invite_switch")), TRUE);
  g_signal_emit_by_name (find (dialog, "apply_button"), "clicked");
  g_assert_true (gui_wait_for (dialog_error_shown, dialog));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find (dialog, "error_label"))),
                   ==,
                   "You need to be an admin of #loose to do that");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;

  g_test_add_func ("/groups/create", test_create);
  g_test_add_func ("/groups/modes", test_modes);
  g_test_add_func ("/groups/live", test_live);
  g_test_add_func ("/groups/bans", test_bans);
  g_test_add_func ("/groups/admins", test_admins);
  g_test_add_func ("/groups/read-only", test_read_only);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
