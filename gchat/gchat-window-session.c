/*
 * gchat-window-session.c: the window's side of the session's signals: the
 * info bar for errors, the certificate prompt, desktop notifications, the
 * connection state, and the connect and join dialogs.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-window-private.h"

/* The close button of the info bar. */
static void
on_infobar_close_clicked_cb (GtkButton *button, GchatWindow *self)
{
  gtk_revealer_set_reveal_child (self->infobar_revealer, FALSE);
}

/** gchat_window_show_error: put @text in the info bar above the messages. */
void
gchat_window_show_error (GchatWindow *self, const char *text)
{
  g_return_if_fail (GCHAT_IS_WINDOW (self));
  gtk_label_set_text (self->infobar_label, text);
  gtk_revealer_set_reveal_child (self->infobar_revealer, TRUE);
}

/** gchat_window_get_actions: the window's "chat." actions (tests read their enabled state). */
GActionGroup *
gchat_window_get_actions (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

/** gchat_window_get_error: the info bar text, or NULL when hidden (tests read it). */
const char *
gchat_window_get_error (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->infobar_revealer))
    return NULL;
  return gtk_label_get_text (self->infobar_label);
}

/* "Trust and connect": save the fingerprint, then connect again. */
static void
on_trust_submitted (GchatTrustDialog *dialog, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (gchat_config_set_trusted (gchat_trust_dialog_get_peer (dialog),
                                gchat_trust_dialog_get_fingerprint (dialog),
                                &error))
    gchat_window_connect (self);
  else
    gchat_window_show_error (self, error->message);
}

/* A TLS server showed a certificate we do not trust: ask, or warn if it changed. */
static void
on_certificate_unknown (GchatConnection *conn,
                        const char      *peer,
                        const char      *fingerprint,
                        gboolean         changed,
                        GchatWindow     *self)
{
  GchatTrustDialog *dialog;

  (void)conn;
  if (changed) {
    g_autofree char *text = g_strdup_printf (
      "The certificate of %s changed since you trusted it (SHA-256 now %s); not connecting. "
      "Only if you know why it changed: Connect to a server, Forget trusted certificate.",
      peer,
      fingerprint);

    gchat_window_show_error (self, text);
    return;
  }
  dialog = gchat_trust_dialog_new (GTK_WINDOW (self), peer, fingerprint);
  g_signal_connect (dialog, "submitted", G_CALLBACK (on_trust_submitted), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The session reports an error from the server, in words. */
static void
on_server_error (GchatSession *session, const char *text, GchatWindow *self)
{
  GchatConnectionState state = gchat_connection_get_state (gchat_session_get_connection (session));

  self->login_error = state == GCHAT_CONNECTION_REGISTERING;
  gchat_window_show_error (self, text);
}

/* A conversation appeared or was asked for; show it when asked to. */
static void
on_conversation_opened (GchatSession      *session,
                        GchatConversation *conv,
                        gboolean           focus,
                        GchatWindow       *self)
{
  if (focus)
    gchat_window_select_conversation (self, conv);
}

/* A private message or mention: a desktop notification when we are not looked at. */
static void
on_notify_message (GchatSession      *session,
                   GchatConversation *conv,
                   GchatMessage      *msg,
                   GchatWindow       *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GNotification) n = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (app == NULL || (gtk_window_is_active (GTK_WINDOW (self)) && conv == self->shown))
    return;
  if (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_QUERY)
    title = g_strdup_printf ("Private message from %s", gchat_message_get_nick (msg));
  else if (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL)
    title = g_strdup_printf ("%s mentioned you in %s",
                             gchat_message_get_nick (msg),
                             gchat_conversation_get_name (conv));
  else
    title = g_strdup ("gchat");
  n = g_notification_new (title);
  if (GCHAT_IS_GAME (gchat_message_get_item (msg)))
    body = gchat_game_describe (GCHAT_GAME (gchat_message_get_item (msg)));
  else if (GCHAT_IS_TRANSFER (gchat_message_get_item (msg)))
    body =
      g_strdup_printf ("Offers you %s",
                       gchat_transfer_get_name (GCHAT_TRANSFER (gchat_message_get_item (msg))));
  else
    body = g_strdup (gchat_message_get_text (msg));
  g_notification_set_body (n, body);
  g_application_send_notification (app, "gchat-message", n);
}

/* Account actions only make sense while the server says we are logged in. */
static void
on_logged_in (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GchatConnection *conn = gchat_session_get_connection (self->session);
  gboolean         logged_in = gchat_connection_get_state (conn) == GCHAT_CONNECTION_CONNECTED &&
    gchat_connection_get_logged_in (conn);
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "change-password");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "logout");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "delete-account");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
}

/* Connection state: which actions make sense; finish a pending close. */
static void
on_session_state (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GchatConnectionState state =
    gchat_connection_get_state (gchat_session_get_connection (self->session));
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "disconnect");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state != GCHAT_CONNECTION_DISCONNECTED);
  on_logged_in (NULL, NULL, self);
  /* Connecting again ends the last connection's trouble, not a refused login. */
  if (state == GCHAT_CONNECTION_CONNECTED && !self->login_error)
    gtk_revealer_set_reveal_child (self->infobar_revealer, FALSE);
  if (state != GCHAT_CONNECTION_CONNECTED)
    self->login_error = FALSE;
  /* Withdrawing a message needs the server. */
  gchat_window_sync_withdrawable (self);
  if (self->quitting && state == GCHAT_CONNECTION_DISCONNECTED)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Save the contact list whenever it changes. */
void
gchat_window_contacts_changed (GListModel  *model,
                               guint        pos,
                               guint        removed,
                               guint        added,
                               GchatWindow *self)
{
  guint n = g_list_model_get_n_items (model);
  g_autoptr (GError) error = NULL;

  g_strfreev (self->config->contacts);
  self->config->contacts = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (model, i);

    self->config->contacts[i] = g_strdup (gchat_contact_get_nick (c));
  }
  if (!gchat_config_save (self->config, &error))
    g_warning ("Cannot save the settings: %s", error->message);
}

/** gchat_window_connect: connect with the settings as they are. */
void
gchat_window_connect (GchatWindow *self)
{
  GchatConfig *c;

  g_return_if_fail (GCHAT_IS_WINDOW (self));
  c = self->config;
  /*
   * Only new settings go to the connection: it knows better after a
   * REGISTER (log in next time), /password or /logout.
   */
  if (self->account_fresh)
    gchat_connection_set_account (gchat_session_get_connection (self->session),
                                  c->account,
                                  c->password,
                                  c->register_account);
  self->account_fresh = FALSE;
  gchat_session_connect (self->session, c->host, c->port, c->tls, c->nick, c->realname);
}

/* The connect dialog was submitted: remember the fields and connect. */
static void
on_connect_submitted (GchatConnectDialog *dialog, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  gchat_connect_dialog_fill (dialog, self->config);
  self->account_fresh = TRUE;
  if (!gchat_config_save (self->config, &error))
    gchat_window_show_error (self, error->message);
  gchat_window_connect (self);
}

/** gchat_window_show_connect_dialog: ask for the server and nick. */
void
gchat_window_show_connect_dialog (GchatWindow *self)
{
  GchatConnectDialog *dialog;

  /*
   * Once handed over, the connection knows the password better: a /logout
   * drops it and a password change replaces it. Never offer a stale one.
   */
  if (!self->account_fresh) {
    const char *password =
      gchat_connection_get_password (gchat_session_get_connection (self->session));

    if (self->config->password != NULL)
      memset (self->config->password, 0, strlen (self->config->password));
    g_free (self->config->password);
    self->config->password = g_strdup (password);
  }
  dialog = gchat_connect_dialog_new (GTK_WINDOW (self), self->config);

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_connect_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The join dialog was submitted: join, and close it unless that failed at once. */
static void
on_join_submitted (GchatJoinDialog *dialog, gboolean *done, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  *done = gchat_session_join (self->session,
                              gchat_join_dialog_get_name (dialog),
                              gchat_join_dialog_get_key (dialog),
                              gchat_join_dialog_get_private (dialog),
                              &error);
  if (!*done)
    gchat_join_dialog_set_problem (dialog, error != NULL ? error->message : "Could not join");
}

/** gchat_window_show_join_dialog: ask for a group to join or create. */
void
gchat_window_show_join_dialog (GchatWindow *self)
{
  GchatJoinDialog *dialog = gchat_join_dialog_new (GTK_WINDOW (self));

  gchat_join_dialog_set_groups (dialog, gchat_session_get_group_list (self->session));
  gchat_session_list_groups (self->session);

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_join_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Transient news from the session: a toast. */
static void
on_session_toast (GchatSession *session, const char *text, GchatWindow *self)
{
  gchat_window_toast (self, text);
}

/* Follow the session: errors, certificates, conversations, state (from gchat_window_init). */
void
gchat_window_session_init (GchatWindow *self)
{
  g_signal_connect (self->session, "server-error", G_CALLBACK (on_server_error), self);
  g_signal_connect (self->session, "toast", G_CALLBACK (on_session_toast), self);
  g_signal_connect_object (gchat_session_get_connection (self->session),
                           "certificate-unknown",
                           G_CALLBACK (on_certificate_unknown),
                           self,
                           0);
  g_signal_connect (self->session,
                    "conversation-opened",
                    G_CALLBACK (on_conversation_opened),
                    self);
  g_signal_connect (self->session, "notify-message", G_CALLBACK (on_notify_message), self);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  g_signal_connect (self->session, "notify::away", G_CALLBACK (gchat_window_session_away), self);
  g_signal_connect_object (gchat_session_get_connection (self->session),
                           "notify::logged-in",
                           G_CALLBACK (on_logged_in),
                           self,
                           0);
  on_session_state (NULL, NULL, self);
}

/* The template callbacks of this part. */
void
gchat_window_session_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_infobar_close_clicked_cb);
}
