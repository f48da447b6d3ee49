/*
 * gchat-window-actions.c: the window's "chat." actions (menus, buttons,
 * notifications, the member list), one small function each, and the
 * dialogs they open.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-confirm-dialog.h"
#include "gchat-preferences.h"
#include "gchat-search.h"
#include "gchat-switcher.h"
#include "gchat-window-private.h"

/* chat.connect */
static void
connect_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_connect_dialog (user_data);
}

/* chat.disconnect */
static void
disconnect_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_disconnect (self->session);
}

/* The password dialog was submitted: send PASSWORD, or say why not. */
static void
on_password_submitted (GchatPasswordDialog *dialog, gboolean *done, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  *done = gchat_session_change_password (self->session,
                                         gchat_password_dialog_get_old (dialog),
                                         gchat_password_dialog_get_new (dialog),
                                         &error);
  if (!*done)
    gchat_password_dialog_set_problem (dialog, error->message);
}

/** gchat_window_show_password_dialog: ask for the old and the new password. */
void
gchat_window_show_password_dialog (GchatWindow *self)
{
  GchatPasswordDialog *dialog =
    gchat_password_dialog_new (GTK_WINDOW (self),
                               gchat_connection_get_account (
                                 gchat_session_get_connection (self->session)));

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_password_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.change-password */
static void
change_password_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_password_dialog (user_data);
}

/* The delete dialog was submitted: send UNREGISTER, or say why not (the dialog has closed). */
static void
on_unregister_submitted (GchatUnregisterDialog *dialog, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!gchat_session_unregister (self->session,
                                 gchat_unregister_dialog_get_password (dialog),
                                 &error))
    gchat_window_show_error (self, error->message);
}

/** gchat_window_show_unregister_dialog: confirm deleting the account with its password. */
void
gchat_window_show_unregister_dialog (GchatWindow *self)
{
  GchatUnregisterDialog *dialog =
    gchat_unregister_dialog_new (GTK_WINDOW (self),
                                 gchat_connection_get_account (
                                   gchat_session_get_connection (self->session)));

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_unregister_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.delete-account */
static void
delete_account_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_unregister_dialog (user_data);
}

/* chat.logout: leave the account, stay in the chat. */
static void
logout_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!gchat_session_logout (self->session, &error))
    gchat_window_show_error (self, error->message);
}

/* chat.join-dialog */
static void
join_dialog_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_join_dialog (user_data);
}

/* chat.part: leave the shown group but keep its history on screen. */
static void
part_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_active (self->session, self->shown);
  gchat_session_run (self->session, "/part", NULL);
}

/* chat.jump-unread: to the "New messages" divider. */
static void
jump_unread_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_jump_to_first_unread (user_data);
}

/* chat.close: leave and forget the shown conversation. */
static void
close_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  if (self->shown != gchat_session_get_server (self->session))
    gchat_session_close_conversation (self->session, self->shown);
}

/* chat.query(nick) */
static void
query_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_window_select_conversation (self,
                                    gchat_session_open_query (self->session,
                                                              g_variant_get_string (param, NULL),
                                                              TRUE));
}

/* chat.whois(nick) */
static void
whois_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_active (self->session, self->shown);
  gchat_session_whois (self->session, g_variant_get_string (param, NULL));
}

/* chat.make-admin(nick) */
static void
make_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_make_admin (self->session, self->shown, g_variant_get_string (param, NULL));
}

/* chat.remove-admin(nick) */
static void
remove_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_remove_admin (self->session, self->shown, g_variant_get_string (param, NULL));
}

/* chat.part-group(nick): our own member row's "leave" (the nick is ours). */
static void
part_group_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  part_activated (action, NULL, user_data);
}

/* Removing (or banning) confirmed: the nick and the group ride on the dialog. */
static void
on_kick_confirmed (GchatConfirmDialog *dialog, const char *reason, GchatWindow *self)
{
  const char        *nick = g_object_get_data (G_OBJECT (dialog), "gchat-nick");
  GchatConversation *conv = g_object_get_data (G_OBJECT (dialog), "gchat-conversation");

  if (g_object_get_data (G_OBJECT (dialog), "gchat-ban") != NULL)
    gchat_session_ban (self->session, conv, nick);
  gchat_session_kick (self->session, conv, nick, reason);
}

/*
 * Ask before removing @nick from the group on screen (and banning them,
 * with @ban), with an optional reason: a slip in the member menu must not
 * throw someone out.
 */
static void
gchat_window_confirm_kick (GchatWindow *self, const char *nick, gboolean ban)
{
  const char      *group = gchat_conversation_get_name (self->shown);
  g_autofree char *heading =
    g_strdup_printf (ban ? "Ban %s from %s?" : "Remove %s from %s?", nick, group);
  g_autofree char *body =
    g_strdup_printf (ban ? "%s leaves the group and cannot join it again until an admin lifts the "
                           "ban (Group settings, Bans)."
                         : "%s leaves the group with your reason. They can join again.",
                     nick);
  GchatConfirmDialog *dialog =
    gchat_confirm_dialog_new (GTK_WINDOW (self),
                              ban ? "Ban from group" : "Remove from group",
                              heading,
                              body,
                              ban ? "Ban" : "Remove");

  g_object_set_data_full (G_OBJECT (dialog), "gchat-nick", g_strdup (nick), g_free);
  g_object_set_data_full (G_OBJECT (dialog),
                          "gchat-conversation",
                          g_object_ref (self->shown),
                          g_object_unref);
  if (ban)
    g_object_set_data (G_OBJECT (dialog), "gchat-ban", GINT_TO_POINTER (1));
  gchat_confirm_dialog_ask_reason (dialog, "_Reason (optional, shown in the group)");
  g_signal_connect_object (dialog, "confirmed", G_CALLBACK (on_kick_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.kick(nick): remove from the group, once confirmed. */
static void
kick_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_confirm_kick (user_data, g_variant_get_string (param, NULL), FALSE);
}

/* chat.ban(nick): ban, then remove, so the person cannot come straight back; once confirmed. */
static void
ban_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_confirm_kick (user_data, g_variant_get_string (param, NULL), TRUE);
}

/* Withdrawing confirmed: the message id and its conversation ride on the dialog. */
static void
on_withdraw_confirmed (GchatConfirmDialog *dialog, const char *reason, GchatWindow *self)
{
  gchat_session_withdraw (self->session,
                          g_object_get_data (G_OBJECT (dialog), "gchat-conversation"),
                          g_object_get_data (G_OBJECT (dialog), "gchat-msgid"));
}

/* The message of the conversation on screen with @msgid (borrowed), or NULL. */
static GchatMessage *
gchat_window_find_msgid (GchatWindow *self, const char *msgid)
{
  GListModel *model = gchat_conversation_get_messages (self->shown);

  for (guint i = g_list_model_get_n_items (model); i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (g_strcmp0 (gchat_message_get_msgid (msg), msgid) == 0)
      return msg; /* the conversation keeps it */
  }
  return NULL;
}

/*
 * chat.withdraw-message(msgid): ask, then withdraw a message of the
 * conversation on screen (REDACT): it goes from everyone's view and from
 * the server's history, which cannot be undone.
 */
static void
withdraw_message_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow        *self = user_data;
  const char         *msgid = g_variant_get_string (param, NULL);
  GchatMessage       *msg = gchat_window_find_msgid (self, msgid);
  g_autofree char    *body = NULL;
  g_autofree char    *quote = NULL;
  GchatConfirmDialog *dialog;

  if (msg == NULL || !gchat_session_can_withdraw (self->session, self->shown, msg))
    return;
  quote = g_utf8_substring (gchat_message_get_text (msg),
                            0,
                            MIN (g_utf8_strlen (gchat_message_get_text (msg), -1), 80));
  g_strdelimit (quote, "\n", ' '); /* one line in the question, however many it has */
  body = g_strdup_printf (gchat_message_get_own (msg)
                            ? "“%s” goes from the conversation for everyone and from the server's "
                              "history. This cannot be undone."
                            : "“%s” (by %s) goes from the conversation for everyone and from the "
                              "server's history. This cannot be undone.",
                          quote,
                          gchat_message_get_nick (msg));
  dialog = gchat_confirm_dialog_new (GTK_WINDOW (self),
                                     "Withdraw message",
                                     "Withdraw this message?",
                                     body,
                                     "Withdraw");
  g_object_set_data_full (G_OBJECT (dialog), "gchat-msgid", g_strdup (msgid), g_free);
  g_object_set_data_full (G_OBJECT (dialog),
                          "gchat-conversation",
                          g_object_ref (self->shown),
                          g_object_unref);
  g_signal_connect_object (dialog, "confirmed", G_CALLBACK (on_withdraw_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * gchat_window_show_group_settings:
 * Open (or bring up) the settings window of the group on screen.
 * Returns: (transfer none): the window, or NULL when no group is shown.
 */
GtkWidget *
gchat_window_show_group_settings (GchatWindow *self)
{
  GListModel         *tops = gtk_window_get_toplevels ();
  GchatGroupSettings *dialog;

  if (self->shown == NULL ||
      gchat_conversation_get_kind (self->shown) != GCHAT_CONVERSATION_CHANNEL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
    g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

    if (GCHAT_IS_GROUP_SETTINGS (w) &&
        gchat_group_settings_get_conversation (GCHAT_GROUP_SETTINGS (w)) == self->shown) {
      gtk_window_present (GTK_WINDOW (w));
      return w;
    }
  }
  dialog = gchat_group_settings_new (GTK_WINDOW (self), self->session, self->shown);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WIDGET (dialog);
}

/* chat.group-settings */
static void
group_settings_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_group_settings (user_data);
}

/* chat.make-permanent-admin(account): CHANADMIN +account in the group on screen. */
static void
make_permanent_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_permanent_admin (self->session,
                                     self->shown,
                                     g_variant_get_string (param, NULL),
                                     TRUE);
}

/* chat.remove-permanent-admin(account): CHANADMIN -account in the group on screen. */
static void
remove_permanent_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_permanent_admin (self->session,
                                     self->shown,
                                     g_variant_get_string (param, NULL),
                                     FALSE);
}

/* chat.ttt-challenge: challenge the person of the private conversation on screen. */
static void
ttt_challenge_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  if (gchat_conversation_get_kind (self->shown) == GCHAT_CONVERSATION_QUERY)
    gchat_session_ttt_challenge (self->session,
                                 gchat_conversation_get_name (self->shown),
                                 NULL,
                                 NULL);
}

/* chat.ttt-move((id, cell)) from a board's cell button. */
static void
ttt_move_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;
  const char  *id;
  int          cell;

  g_variant_get (param, "(&si)", &id, &cell);
  gchat_session_ttt_move (self->session, id, cell);
}

/* chat.focus-entry: the keyboard goes to the message entry. */
static void
focus_entry_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* chat.ttt-accept(id) */
static void
ttt_accept_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_answer (self->session, g_variant_get_string (param, NULL), TRUE);
}

/* chat.ttt-decline(id) */
static void
ttt_decline_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_answer (self->session, g_variant_get_string (param, NULL), FALSE);
}

/* chat.ttt-rematch(id) */
static void
ttt_rematch_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_rematch (self->session, g_variant_get_string (param, NULL));
}

/* chat.transfer-accept(key) */
static void
transfer_accept_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_answer (self->session, g_variant_get_string (param, NULL), TRUE);
}

/* chat.transfer-decline(key) */
static void
transfer_decline_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_answer (self->session, g_variant_get_string (param, NULL), FALSE);
}

/* chat.transfer-cancel(key) */
static void
transfer_cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_cancel (self->session, g_variant_get_string (param, NULL));
}

/* The received file was copied (or not). */
static void
save_copied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (source), result, &error)) {
    g_autofree char *text = g_strdup_printf ("Could not save the file: %s", error->message);

    gchat_window_show_error (self, text);
  }
}

/* The save dialog answered: copy the received file there. */
static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GchatWindow   *self = user_data;
  GchatTransfer *t = g_object_get_data (G_OBJECT (dialog), "gchat-transfer");
  g_autoptr (GFile) file = NULL;
  GFile *received;

  if (response == GTK_RESPONSE_ACCEPT && t != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (received = gchat_transfer_get_file (t)) != NULL && !g_file_equal (received, file))
    g_file_copy_async (received,
                       file,
                       G_FILE_COPY_OVERWRITE,
                       G_PRIORITY_DEFAULT,
                       NULL,
                       NULL,
                       NULL,
                       save_copied_cb,
                       g_object_ref (self));
  g_object_unref (dialog);
}

/* chat.transfer-save(key): "save as" for a received file. */
static void
transfer_save_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow   *self = user_data;
  GchatTransfer *t =
    gchat_session_find_transfer (self->session, g_variant_get_string (param, NULL));
  GtkFileChooserNative *dialog;

  if (t == NULL)
    return;
  dialog = gtk_file_chooser_native_new ("Save the file",
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        "_Save",
                                        "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), gchat_transfer_get_name (t));
  g_object_set_data_full (G_OBJECT (dialog), "gchat-transfer", g_object_ref (t), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The open dialog answered: offer the chosen file to the conversation on screen. */
static void
on_share_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GchatWindow *self = user_data;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    gchat_session_send_file (self->session, gchat_conversation_get_name (self->shown), file, NULL);
  g_object_unref (dialog);
}

/* chat.share-file: choose a file for the conversation on screen. */
static void
share_file_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow          *self = user_data;
  GtkFileChooserNative *dialog;

  if (gchat_conversation_get_kind (self->shown) == GCHAT_CONVERSATION_SERVER)
    return;
  dialog = gtk_file_chooser_native_new ("Share a file",
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        "_Share",
                                        "_Cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_share_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* chat.ttt-resign(id) */
static void
ttt_resign_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_resign (self->session, g_variant_get_string (param, NULL));
}

/* chat.away (a check item): ask the server; the state follows its answer. */
static void
away_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_away (self->session, g_variant_get_boolean (value), "Away");
}

/* The server marked us away or back: the menu's check follows. */
void
gchat_window_session_away (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "away");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (gchat_session_get_away (self->session)));
}

/* chat.remove-contact(nick) */
static void
remove_contact_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_remove_contact (self->session, g_variant_get_string (param, NULL));
}

/* chat.preferences: the preferences window. */
static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gtk_window_present (gchat_preferences_new (GTK_WINDOW (self), self->config));
}

/* The switcher chose @conv: show it. */
static void
on_switcher_chosen (GchatSwitcher *switcher, GchatConversation *conv, GchatWindow *self)
{
  gchat_window_select_conversation (self, conv);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* chat.switch-conversation (Ctrl+K): go to a conversation by typing its name. */
static void
switch_conversation_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow   *self = user_data;
  GchatSwitcher *switcher = gchat_switcher_new (GTK_WINDOW (self), self->session);

  g_signal_connect_object (switcher, "chosen", G_CALLBACK (on_switcher_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (switcher));
}

/* Search or mentions chose a message: go to it. */
static void
on_search_chosen (GchatSearch       *search,
                  GchatConversation *conv,
                  GchatMessage      *msg,
                  GchatWindow       *self)
{
  gchat_window_jump_to_message (self, conv, msg);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* Open the search window, or the mentions list when @mentions. */
static void
gchat_window_open_search (GchatWindow *self, gboolean mentions)
{
  GchatSearch *search = gchat_search_new (GTK_WINDOW (self), self->session, self->shown, mentions);

  g_signal_connect_object (search, "chosen", G_CALLBACK (on_search_chosen), self, 0);
  gtk_window_present (GTK_WINDOW (search));
}

/* chat.search (Ctrl+F): find messages here or in all conversations. */
static void
search_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_open_search (user_data, FALSE);
}

/* chat.mentions (Ctrl+M): the lines that mention us, to jump to each. */
static void
mentions_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_open_search (user_data, TRUE);
}

static const GActionEntry window_actions[] = {
  { .name = "search", .activate = search_activated },
  { .name = "mentions", .activate = mentions_activated },
  { .name = "switch-conversation", .activate = switch_conversation_activated },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "connect", .activate = connect_activated },
  { .name = "disconnect", .activate = disconnect_activated },
  { .name = "join-dialog", .activate = join_dialog_activated },
  { .name = "change-password", .activate = change_password_activated },
  { .name = "delete-account", .activate = delete_account_activated },
  { .name = "logout", .activate = logout_activated },
  { .name = "part", .activate = part_activated },
  { .name = "close", .activate = close_activated },
  { .name = "jump-unread", .activate = jump_unread_activated },
  { .name = "query", .activate = query_activated, .parameter_type = "s" },
  { .name = "make-admin", .activate = make_admin_activated, .parameter_type = "s" },
  { .name = "whois", .activate = whois_activated, .parameter_type = "s" },
  { .name = "remove-admin", .activate = remove_admin_activated, .parameter_type = "s" },
  { .name = "part-group", .activate = part_group_activated, .parameter_type = "s" },
  { .name = "kick", .activate = kick_activated, .parameter_type = "s" },
  { .name = "ban", .activate = ban_activated, .parameter_type = "s" },
  { .name = "withdraw-message", .activate = withdraw_message_activated, .parameter_type = "s" },
  { .name = "remove-contact", .activate = remove_contact_activated, .parameter_type = "s" },
  { .name = "ttt-challenge", .activate = ttt_challenge_activated },
  { .name = "share-file", .activate = share_file_activated },
  { .name = "away", .state = "false", .change_state = away_change_state },
  { .name = "transfer-accept", .activate = transfer_accept_activated, .parameter_type = "s" },
  { .name = "transfer-decline", .activate = transfer_decline_activated, .parameter_type = "s" },
  { .name = "transfer-cancel", .activate = transfer_cancel_activated, .parameter_type = "s" },
  { .name = "transfer-save", .activate = transfer_save_activated, .parameter_type = "s" },
  { .name = "ttt-move", .activate = ttt_move_activated, .parameter_type = "(si)" },
  { .name = "focus-entry", .activate = focus_entry_activated },
  { .name = "ttt-accept", .activate = ttt_accept_activated, .parameter_type = "s" },
  { .name = "ttt-decline", .activate = ttt_decline_activated, .parameter_type = "s" },
  { .name = "ttt-rematch", .activate = ttt_rematch_activated, .parameter_type = "s" },
  { .name = "ttt-resign", .activate = ttt_resign_activated, .parameter_type = "s" },
  { .name = "group-settings", .activate = group_settings_activated },
  { .name = "make-permanent-admin",
    .activate = make_permanent_admin_activated,
    .parameter_type = "s" },
  { .name = "remove-permanent-admin",
    .activate = remove_permanent_admin_activated,
    .parameter_type = "s" },
};

/* The window's "chat." actions (from gchat_window_init). */
void
gchat_window_actions_init (GchatWindow *self)
{
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions),
                                   window_actions,
                                   G_N_ELEMENTS (window_actions),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "chat", G_ACTION_GROUP (self->actions));
}
