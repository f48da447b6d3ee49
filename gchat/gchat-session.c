/*
 * gchat-session.c: what the client knows about one server: the
 * conversations and contacts, the status line and the signals the window
 * listens to. The rest of GchatSession is in parts over
 * gchat-session-private.h, one concern each:
 *   gchat-session-irc.c        the dispatcher and the named server commands
 *   gchat-session-numerics.c   numeric replies, as tables
 *   gchat-session-commands.c   the entry's slash commands
 *   gchat-session-groups.c     group administration and members
 *   gchat-session-history.c    CHATHISTORY and scrollback
 *   gchat-session-transfers.c  file transfers
 *   gchat-session-games.c      tic-tac-toe
 *   gchat-session-reconnect.c  connecting, dropping and coming back
 * Errors from the server are always put into words in a conversation and
 * announced with ::server-error, never dropped.
 */
#include "config.h"

#include <libsoup/soup.h>

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

G_DEFINE_FINAL_TYPE (GchatSession, gchat_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATUS, PROP_STATE, PROP_AWAY, PROP_OPERATOR, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

enum { SIG_CONVERSATION_OPENED, SIG_NOTIFY_MESSAGE, SIG_SERVER_ERROR, SIG_TOAST, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/* The last parameter, or "" when there is none. */
const char *
gchat_session_last_arg (const struct chat_msg *m)
{
  return m->argc > 0 ? m->argv[m->argc - 1] : "";
}

/* Where notes without a better place go: the conversation on screen. */
GchatConversation *
gchat_session_note_target (GchatSession *self)
{
  return self->active != NULL ? self->active : self->server;
}

/* Rank function for members: the server's PREFIX order. */
static int
session_rank (char symbol, gpointer user_data)
{
  GchatSession *self = user_data;

  return gchat_connection_prefix_rank (self->conn, symbol);
}

/* Add an error line, unless the same error is already the last line (a burst). */
static void
gchat_session_add_error (GchatConversation *conv, const char *text)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  guint       n = g_list_model_get_n_items (msgs);

  if (n > 0) {
    g_autoptr (GchatMessage) last = g_list_model_get_item (msgs, n - 1);

    if (gchat_message_get_kind (last) == GCHAT_MESSAGE_ERROR &&
        g_strcmp0 (gchat_message_get_text (last), text) == 0)
      return;
  }
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_ERROR, text);
}

/* Tell the user about a server error in the conversation and the info bar. */
void
gchat_session_error (GchatSession *self, GchatConversation *conv, const char *text)
{
  if (conv == NULL)
    conv = gchat_session_note_target (self);
  gchat_session_add_error (conv, text);
  if (conv != self->server)
    gchat_session_add_error (self->server, text);
  g_signal_emit (self, signals[SIG_SERVER_ERROR], 0, text);
}

/* Announce @text with ::server-error only (the caller already showed it). */
void
gchat_session_announce_error (GchatSession *self, const char *text)
{
  g_signal_emit (self, signals[SIG_SERVER_ERROR], 0, text);
}

/* Transient news for a moment on screen (::toast); the caller also logs it. */
void
gchat_session_toast (GchatSession *self, const char *text)
{
  g_signal_emit (self, signals[SIG_TOAST], 0, text);
}

/* Ask the window to notify about @msg in @conv (::notify-message). */
void
gchat_session_notify_message (GchatSession *self, GchatConversation *conv, GchatMessage *msg)
{
  g_signal_emit (self, signals[SIG_NOTIFY_MESSAGE], 0, conv, msg);
}

/* The server has us marked away or not; TRUE when that changed. */
gboolean
gchat_session_set_away_flag (GchatSession *self, gboolean away)
{
  if (self->away == away)
    return FALSE;
  self->away = away;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_AWAY]);
  return TRUE;
}

/** gchat_session_find: the conversation called @name, or NULL. */
GchatConversation *
gchat_session_find (GchatSession *self, const char *name)
{
  guint n;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  if (name == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (c != self->server && gchat_conversation_is_named (c, name))
      return c; /* the store keeps a reference */
  }
  return NULL;
}

/* Find or create a conversation; @focus asks the window to show it. */
GchatConversation *
gchat_session_ensure (GchatSession         *self,
                      GchatConversationKind kind,
                      const char           *name,
                      gboolean              focus)
{
  GchatConversation *conv = gchat_session_find (self, name);

  if (conv == NULL) {
    g_autoptr (GchatConversation) fresh = gchat_conversation_new (kind, name);

    gchat_conversation_set_rank_func (fresh, session_rank, self);
    g_list_store_append (self->conversations, fresh);
    conv = fresh;
  }
  g_signal_emit (self, signals[SIG_CONVERSATION_OPENED], 0, conv, focus);
  return conv;
}

/* Recompute whether we hold operator status (or higher) in @conv. */
void
gchat_session_update_operator (GchatSession *self, GchatConversation *conv)
{
  GchatMember *me = gchat_conversation_find_member (conv, gchat_connection_get_nick (self->conn));

  gchat_conversation_set_operator (conv, me != NULL && gchat_session_is_admin (self, me));
}

/** gchat_session_is_admin: whether @member is a channel operator or above. */
gboolean
gchat_session_is_admin (GchatSession *self, GchatMember *member)
{
  int op_rank = gchat_connection_prefix_rank (self->conn, '@');
  int rank = gchat_connection_prefix_rank (self->conn, gchat_member_get_prefixes (member)[0]);

  if (op_rank < 0)
    op_rank = 0;
  return rank >= 0 && rank <= op_rank;
}

/* The parameters from @first on, joined by spaces. */
char *
gchat_session_text_from (const struct chat_msg *m, int first)
{
  GString *s = g_string_new (NULL);

  for (int i = first; i < m->argc; i++) {
    if (i > first)
      g_string_append_c (s, ' ');
    g_string_append (s, m->argv[i]);
  }
  return g_string_free (s, FALSE);
}

/* The parameters after our nick. */
char *
gchat_session_numeric_text (const struct chat_msg *m)
{
  return gchat_session_text_from (m, 1);
}

/* Presence replies: 730/731 (MONITOR) and 303 (ISON). */
void
gchat_session_presence_list (GchatSession *self, const char *list, char sep, GchatPresence p)
{
  g_auto (GStrv) items = NULL;
  char seps[2] = { sep, '\0' };

  items = g_strsplit (list, seps, -1);
  for (guint i = 0; items[i] != NULL; i++) {
    g_autofree char *nick = g_strndup (items[i], strcspn (items[i], "!"));
    GchatContact    *contact = gchat_session_find_contact (self, nick);

    if (contact != NULL && *nick != '\0' &&
        !(p == GCHAT_PRESENCE_ONLINE &&
          gchat_contact_get_presence (contact) == GCHAT_PRESENCE_AWAY))
      gchat_contact_set_presence (contact, p);
  }
}

/* RPL_ISON: the contacts listed are online, the others are not. */
void
gchat_session_ison (GchatSession *self, const struct chat_msg *m)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  g_auto (GStrv) online = g_strsplit (gchat_session_last_arg (m), " ", -1);

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);
    gboolean found = FALSE;

    for (guint j = 0; online[j] != NULL && !found; j++)
      found = chat_casecmp (online[j], gchat_contact_get_nick (c)) == 0;
    if (!found)
      gchat_contact_set_presence (c, GCHAT_PRESENCE_OFFLINE);
    else if (gchat_contact_get_presence (c) != GCHAT_PRESENCE_AWAY)
      gchat_contact_set_presence (c, GCHAT_PRESENCE_ONLINE);
  }
}

/* Ask the server which contacts are online (servers without MONITOR). */
gboolean
gchat_session_ison_tick (gpointer user_data)
{
  GchatSession *self = user_data;
  g_autoptr (GString) nicks = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));

  if (self->ison_unsupported ||
      gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED) {
    self->ison_source = 0;
    return G_SOURCE_REMOVE;
  }
  for (guint i = 0; i < n && nicks->len < 400; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

    if (nicks->len > 0)
      g_string_append_c (nicks, ' ');
    g_string_append (nicks, gchat_contact_get_nick (c));
  }
  if (nicks->len > 0)
    gchat_connection_sendv (self->conn, "ISON", nicks->str, NULL);
  return G_SOURCE_CONTINUE;
}

/** gchat_session_supports: whether the server advertised @feature in ISUPPORT. */
gboolean
gchat_session_supports (GchatSession *self, const char *feature)
{
  return gchat_connection_get_isupport (self->conn, feature) != NULL;
}

/* A person's presence as seen in passing (channel traffic, QUIT). */
void
gchat_session_presence_seen (GchatSession *self, const char *nick, GchatPresence p)
{
  GchatContact *contact = gchat_session_find_contact (self, nick);

  if (contact == NULL)
    return;
  if (p == GCHAT_PRESENCE_ONLINE && gchat_contact_get_presence (contact) == GCHAT_PRESENCE_AWAY)
    return;
  gchat_contact_set_presence (contact, p);
}

/* Recompute the status line from the connection state. */
void
gchat_session_update_status (GchatSession *self)
{
  g_autofree char *status = NULL;

  /* With several addresses, which one matters: name its port too. */
  g_autofree char *where = self->addresses != NULL && self->addresses->len > 1
    ? g_strdup_printf ("%s:%u", self->host, self->port)
    : g_strdup (self->host);

  switch (gchat_connection_get_state (self->conn)) {
    case GCHAT_CONNECTION_CONNECTING:
      status = g_strdup_printf ("Connecting to %s…", where);
      break;
    case GCHAT_CONNECTION_REGISTERING:
      status = g_strdup_printf ("Signing in to %s…", where);
      break;
    case GCHAT_CONNECTION_CONNECTED:
      status = g_strdup_printf ("Connected to %s as %s%s",
                                where,
                                gchat_connection_get_nick (self->conn),
                                gchat_connection_get_logged_in (self->conn) ? " (logged in)" : "");
      if (self->away) {
        g_autofree char *plain = g_steal_pointer (&status);

        status = g_strconcat (plain, ", away", NULL);
      }
      break;
    case GCHAT_CONNECTION_DISCONNECTED:
    default:
      if (self->reconnect_source != 0)
        status = g_strdup_printf ("Offline, reconnecting in %u s", self->reconnect_delay);
      else
        status = g_strdup ("Offline");
      break;
  }
  if (g_strcmp0 (status, self->status) == 0)
    return;
  g_free (self->status);
  self->status = g_steal_pointer (&status);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_STATUS]);
}

/** gchat_session_set_away: mark us away with @message, or back when @away is FALSE. */
void
gchat_session_set_away (GchatSession *self, gboolean away, const char *message)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED)
    return;
  gchat_connection_sendv (self->conn,
                          "AWAY",
                          away ? (message != NULL && *message != '\0' ? message : "Away") : NULL,
                          NULL);
}

/** gchat_session_get_away: whether the server has us marked away. */
gboolean
gchat_session_get_away (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  return self->away;
}

/** gchat_session_get_status: the connection state in words. */
const char *
gchat_session_get_status (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->status;
}

/** gchat_session_get_port: the port of the address in use (or tried next). */
guint16
gchat_session_get_port (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), 0);
  return self->port;
}

/** gchat_session_get_host: the server we connect to, or NULL. */
const char *
gchat_session_get_host (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->host;
}

gboolean
gchat_session_fail (GchatSession *self, GError **error, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list          ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_ERROR, text);
  g_set_error_literal (error, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_USAGE, text);
  return FALSE;
}

/* Whether we can talk to the server now. */
gboolean
gchat_session_check_online (GchatSession *self, GError **error)
{
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    return TRUE;
  return gchat_session_fail (self, error, "Not connected to a server yet");
}

/** gchat_session_open_query: find or start a private conversation with @nick. */
GchatConversation *
gchat_session_open_query (GchatSession *self, const char *nick, gboolean focus)
{
  GchatConversation *conv;
  gboolean           fresh;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  gchat_session_add_contact (self, nick);
  fresh = gchat_session_find (self, nick) == NULL;
  conv = gchat_session_ensure (self, GCHAT_CONVERSATION_QUERY, nick, focus);
  /* Only when the user opens it: an incoming message would come twice. */
  if (fresh && focus)
    gchat_session_request_history (self, nick);
  if (fresh && focus)
    gchat_session_profile_ask (self, nick);
  return conv;
}

/** gchat_session_close_conversation: leave a group (PART) and forget the conversation. */
void
gchat_session_close_conversation (GchatSession *self, GchatConversation *conv)
{
  guint pos;

  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (conv == self->server)
    return;
  if (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL &&
      gchat_conversation_get_joined (conv) &&
      gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    gchat_connection_sendv (self->conn, "PART", gchat_conversation_get_name (conv), NULL);
  if (conv == self->active)
    gchat_session_set_active (self, self->server);
  if (g_list_store_find (self->conversations, conv, &pos))
    g_list_store_remove (self->conversations, pos);
}

/** gchat_session_set_active: the conversation on screen (its messages count as read). */
void
gchat_session_set_active (GchatSession *self, GchatConversation *conv)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (self->active == conv)
    return;
  if (self->active != NULL)
    gchat_conversation_set_active (self->active, FALSE);
  self->active = conv;
  if (conv != NULL)
    gchat_conversation_set_active (conv, TRUE);
}

/** gchat_session_get_active: the conversation on screen. */
GchatConversation *
gchat_session_get_active (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->active;
}

/** gchat_session_find_contact: the contact @nick (borrowed), or NULL. */
GchatContact *
gchat_session_find_contact (GchatSession *self, const char *nick)
{
  guint n;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

    if (chat_casecmp (gchat_contact_get_nick (c), nick) == 0)
      return c;
  }
  return NULL;
}

/** gchat_session_add_contact: follow @nick's presence; returns the contact (borrowed). */
GchatContact *
gchat_session_add_contact (GchatSession *self, const char *nick)
{
  g_autoptr (GchatContact) contact = NULL;
  guint n;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  if (gchat_session_find_contact (self, nick) != NULL)
    return gchat_session_find_contact (self, nick);
  contact = gchat_contact_new (nick);
  g_list_store_append (self->contacts, contact);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (gchat_conversation_find_member (c, nick) != NULL)
      gchat_contact_set_presence (contact, GCHAT_PRESENCE_ONLINE);
  }
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED) {
    if (gchat_session_supports (self, "MONITOR"))
      gchat_connection_sendv (self->conn, "MONITOR", "+", nick, NULL);
    else if (!self->ison_unsupported)
      gchat_connection_sendv (self->conn, "ISON", nick, NULL);
  }
  return contact;
}

/** gchat_session_remove_contact: stop following @nick. */
void
gchat_session_remove_contact (GchatSession *self, const char *nick)
{
  GchatContact *contact;
  guint         pos;

  g_return_if_fail (GCHAT_IS_SESSION (self));
  contact = gchat_session_find_contact (self, nick);
  if (contact == NULL || !g_list_store_find (self->contacts, contact, &pos))
    return;
  if (gchat_session_supports (self, "MONITOR") &&
      gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    gchat_connection_sendv (self->conn, "MONITOR", "-", nick, NULL);
  g_list_store_remove (self->contacts, pos);
}

/** gchat_session_get_connection: the connection (borrowed). */
GchatConnection *
gchat_session_get_connection (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->conn;
}

/** gchat_session_get_conversations: all conversations, the server log first. */
GListModel *
gchat_session_get_conversations (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->conversations);
}

/** gchat_session_get_contacts: the contacts. */
GListModel *
gchat_session_get_contacts (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->contacts);
}

/** gchat_session_get_server: the server log conversation. */
GchatConversation *
gchat_session_get_server (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->server;
}

/* Mirror the connection state as ours and refresh the status line. */
static void
on_state_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GchatSession *self = user_data;

  gchat_session_update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_STATE]);
}

/* The server gave or took our operator status. */
static void
gchat_session_operator_changed (GchatSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_OPERATOR]);
}

/** gchat_session_get_requests: what the dialogs ask of the server itself (borrowed). */
GchatServerRequests *
gchat_session_get_requests (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->requests;
}

/** gchat_session_get_operator: whether we are a server operator (user mode +o). */
gboolean
gchat_session_get_operator (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  return self->requests != NULL && gchat_server_requests_get_operator (self->requests);
}

static void
gchat_session_dispose (GObject *object)
{
  GchatSession *self = GCHAT_SESSION (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->ison_source, g_source_remove);
  gchat_session_markers_reset (self);
  if (self->conn != NULL) {
    g_signal_handlers_disconnect_by_data (self->conn, self);
    gchat_connection_close (self->conn);
  }
  g_clear_object (&self->requests);
  g_clear_object (&self->conn);
  g_cancellable_cancel (self->profile_cancel);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->profiles, g_hash_table_unref);
  g_clear_pointer (&self->avatars, g_hash_table_unref);
  g_clear_object (&self->profile_cancel);
  self->active = NULL;
  self->server = NULL;
  g_clear_object (&self->conversations);
  g_clear_object (&self->contacts);
  g_clear_object (&self->games);
  g_clear_object (&self->transfers);
  g_clear_pointer (&self->download_dir, g_free);
  g_clear_object (&self->group_list);
  G_OBJECT_CLASS (gchat_session_parent_class)->dispose (object);
}

static void
gchat_session_finalize (GObject *object)
{
  GchatSession *self = GCHAT_SESSION (object);

  g_free (self->status);
  g_free (self->old_password);
  g_free (self->host);
  g_clear_pointer (&self->addresses, g_ptr_array_unref);
  g_free (self->nick);
  g_free (self->realname);
  g_hash_table_unref (self->names_fresh);
  g_hash_table_unref (self->pending_keys);
  g_hash_table_unref (self->pending_private);
  g_hash_table_unref (self->focus_on_join);
  g_hash_table_unref (self->whox_pending);
  g_hash_table_unref (self->history_batches);
  g_hash_table_unref (self->multiline_batches);
  g_hash_table_unref (self->label_batches);
  g_hash_table_unref (self->echo_labels);
  g_ptr_array_unref (self->history_requests);
  g_ptr_array_unref (self->markread_pending);
  G_OBJECT_CLASS (gchat_session_parent_class)->finalize (object);
}

static void
gchat_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatSession *self = GCHAT_SESSION (object);

  switch (prop_id) {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_AWAY:
      g_value_set_boolean (value, self->away);
      break;
    case PROP_STATE:
      g_value_set_enum (value, gchat_connection_get_state (self->conn));
      break;
    case PROP_OPERATOR:
      g_value_set_boolean (value, gchat_session_get_operator (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_session_class_init (GchatSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gchat_session_dispose;
  object_class->finalize = gchat_session_finalize;
  object_class->get_property = gchat_session_get_property;

  /** GchatSession:status: the connection state in words, for the header bar. */
  pspecs[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatSession:away: whether the server has us marked away. */
  pspecs[PROP_AWAY] =
    g_param_spec_boolean ("away", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatSession:state: the connection state. */
  pspecs[PROP_STATE] = g_param_spec_enum ("state",
                                          NULL,
                                          NULL,
                                          GCHAT_TYPE_CONNECTION_STATE,
                                          GCHAT_CONNECTION_DISCONNECTED,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatSession:operator: whether we are a server operator (user mode +o). */
  pspecs[PROP_OPERATOR] =
    g_param_spec_boolean ("operator", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);

  /** GchatSession::conversation-opened: a conversation appeared or was asked for; show it if focus.
   */
  signals[SIG_CONVERSATION_OPENED] = g_signal_new ("conversation-opened",
                                                   G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST,
                                                   0,
                                                   NULL,
                                                   NULL,
                                                   NULL,
                                                   G_TYPE_NONE,
                                                   2,
                                                   GCHAT_TYPE_CONVERSATION,
                                                   G_TYPE_BOOLEAN);
  /** GchatSession::notify-message: a private message or a mention worth a notification. */
  signals[SIG_NOTIFY_MESSAGE] = g_signal_new ("notify-message",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0,
                                              NULL,
                                              NULL,
                                              NULL,
                                              G_TYPE_NONE,
                                              2,
                                              GCHAT_TYPE_CONVERSATION,
                                              GCHAT_TYPE_MESSAGE);
  /** GchatSession::toast: transient news ("bob declined the file"), in words. */
  signals[SIG_TOAST] = g_signal_new ("toast",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0,
                                     NULL,
                                     NULL,
                                     NULL,
                                     G_TYPE_NONE,
                                     1,
                                     G_TYPE_STRING);
  /** GchatSession::server-error: an error from the server, in words, for the info bar. */
  signals[SIG_SERVER_ERROR] = g_signal_new ("server-error",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0,
                                            NULL,
                                            NULL,
                                            NULL,
                                            G_TYPE_NONE,
                                            1,
                                            G_TYPE_STRING);
}

static void
gchat_session_init (GchatSession *self)
{
  g_autoptr (GchatConversation) server = NULL;

  self->conn = gchat_connection_new ();
  self->conversations = g_list_store_new (GCHAT_TYPE_CONVERSATION);
  self->contacts = g_list_store_new (GCHAT_TYPE_CONTACT);
  self->games = g_list_store_new (GCHAT_TYPE_GAME);
  self->transfers = g_list_store_new (GCHAT_TYPE_TRANSFER);
  self->group_list = g_list_store_new (GCHAT_TYPE_GROUP_INFO);
  self->welcomed = G_MAXUINT;
  self->names_fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_private = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->focus_on_join = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->whox_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->history_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->profiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->avatars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->profile_cancel = g_cancellable_new ();
  self->history_requests = g_ptr_array_new_with_free_func (gchat_session_history_request_free);
  self->markread_pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->multiline_batches =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, gchat_session_multiline_free);
  self->label_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->echo_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  server = gchat_conversation_new (GCHAT_CONVERSATION_SERVER, "Server");
  g_list_store_append (self->conversations, server);
  self->server = server;
  self->status = g_strdup ("Offline");
  g_signal_connect (self->conn, "message-received", G_CALLBACK (gchat_session_dispatch), self);
  g_signal_connect (self->conn, "disconnected", G_CALLBACK (gchat_session_on_disconnected), self);
  g_signal_connect (self->conn, "notify::state", G_CALLBACK (on_state_notify), self);
  self->requests = gchat_server_requests_new (self->conn, self->server);
  g_signal_connect_swapped (self->requests,
                            "notify::operator",
                            G_CALLBACK (gchat_session_operator_changed),
                            self);
  g_signal_connect (self->requests, "stats", G_CALLBACK (gchat_session_record_arrived), self);
}

/** gchat_session_new: a session with only the server log. */
GchatSession *
gchat_session_new (void)
{
  return g_object_new (GCHAT_TYPE_SESSION, NULL);
}
