/*
 * gchat-session-reconnect.c: connecting, losing the connection and coming
 * back with backoff: groups are rejoined, contacts followed again and
 * unfinished uploads offered again without the user doing anything.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

#define ISON_INTERVAL_S 30

/* After the welcome: rejoin groups and start following contacts. */
void
gchat_session_welcome (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  self->attempts = 0;
  gchat_session_profiles_welcome (self);
  self->moved = self->welcomed != G_MAXUINT && self->welcomed != self->address;
  self->welcomed = self->address;
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    /* The flag stays until the JOIN comes back: a drop before then keeps it. */
    if (g_object_get_data (G_OBJECT (c), "gchat-rejoin") == NULL)
      continue;
    if (gchat_conversation_get_key (c) != NULL)
      gchat_connection_sendv (self->conn,
                              "JOIN",
                              gchat_conversation_get_name (c),
                              gchat_conversation_get_key (c),
                              NULL);
    else
      gchat_connection_sendv (self->conn, "JOIN", gchat_conversation_get_name (c), NULL);
  }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  if (n > 0 && gchat_session_supports (self, "MONITOR")) {
    g_autoptr (GString) nicks = g_string_new (NULL);

    for (guint i = 0; i < n; i++) {
      g_autoptr (GchatContact) c = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

      if (nicks->len > 0)
        g_string_append_c (nicks, ',');
      g_string_append (nicks, gchat_contact_get_nick (c));
    }
    gchat_connection_sendv (self->conn, "MONITOR", "+", nicks->str, NULL);
  } else if (!gchat_session_supports (self, "MONITOR") && self->ison_source == 0) {
    self->ison_source = g_timeout_add_seconds (ISON_INTERVAL_S, gchat_session_ison_tick, self);
    gchat_session_ison_tick (self);
  }
  gchat_session_resume_uploads (self);
  gchat_session_update_status (self);
}

static void gchat_session_start (GchatSession *self);

/* The backoff timer fired: try again. */
static gboolean
reconnect_cb (gpointer user_data)
{
  GchatSession *self = user_data;

  self->reconnect_source = 0;
  gchat_session_start (self);
  return G_SOURCE_REMOVE;
}

/* Make address @i of the list the one tried next. */
static void
gchat_session_use_address (GchatSession *self, guint i)
{
  GNetworkAddress *addr = g_ptr_array_index (self->addresses, i);

  self->address = i;
  g_free (self->host);
  self->host = g_strdup (g_network_address_get_hostname (addr));
  self->port = g_network_address_get_port (addr);
}

/*
 * Plan the next attempt: 1, 2, 4 ... seconds, capped. With several
 * addresses, the next one in the list: a node that dropped us or does not
 * answer is likely down, and another node has the same groups.
 */
static void
gchat_session_schedule_reconnect (GchatSession *self)
{
  if (!self->want_connected || self->reconnect_source != 0)
    return;
  if (self->addresses->len > 1) {
    g_autofree char *text = NULL;

    gchat_session_use_address (self, (self->address + 1) % self->addresses->len);
    text = g_strdup_printf ("Trying the next server of the list, %s:%u", self->host, self->port);
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  }
  self->reconnect_delay = MIN (1u << MIN (self->attempts, 6u), GCHAT_SESSION_BACKOFF_MAX);
  self->attempts++;
  self->reconnect_source = g_timeout_add_seconds (self->reconnect_delay, reconnect_cb, self);
  gchat_session_update_status (self);
}

/* The connection dropped: mark everything offline and maybe reconnect. */
void
gchat_session_on_disconnected (GchatConnection *conn, const char *reason, gpointer user_data)
{
  GchatSession    *self = user_data;
  g_autofree char *text = g_strdup_printf ("Disconnected: %s", reason);
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  g_clear_handle_id (&self->ison_source, g_source_remove);
  gchat_session_pause_uploads (self);
  gchat_session_markers_reset (self);
  gchat_server_requests_reset (self->requests);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    gchat_typing_clear (gchat_conversation_get_typing (c));
    if (gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_CHANNEL &&
        gchat_conversation_get_joined (c)) {
      g_object_set_data (G_OBJECT (c), "gchat-rejoin", GINT_TO_POINTER (1));
      if (self->want_connected)
        gchat_conversation_add_text (c,
                                     GCHAT_MESSAGE_EVENT,
                                     "Connection lost: you will rejoin when it is back");
      gchat_conversation_set_joined (c, FALSE);
    }
  }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (G_LIST_MODEL (self->contacts), i);

    gchat_contact_set_presence (c, GCHAT_PRESENCE_UNKNOWN);
  }
  g_hash_table_remove_all (self->names_fresh);
  g_hash_table_remove_all (self->whox_pending);
  g_hash_table_remove_all (self->history_batches);
  gchat_session_multiline_reset (self);
  gchat_session_history_reset (self);
  gchat_session_set_away_flag (self, FALSE);
  if (self->want_connected)
    gchat_session_error (self, self->server, text);
  else
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  gchat_session_schedule_reconnect (self);
  gchat_session_update_status (self);
}

/* The socket connected or failed. */
static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatSession) self = user_data;
  g_autoptr (GError) error = NULL;

  if (gchat_connection_connect_finish (GCHAT_CONNECTION (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (gchat_connection_get_refused_fingerprint (GCHAT_CONNECTION (source)) != NULL) {
    /* The window asks the user about the certificate; retrying cannot help. */
    self->want_connected = FALSE;
    gchat_session_update_status (self);
    return;
  }
  {
    g_autofree char *text =
      g_strdup_printf ("Could not connect to %s:%u: %s", self->host, self->port, error->message);

    gchat_session_error (self, self->server, text);
  }
  gchat_session_schedule_reconnect (self);
  gchat_session_update_status (self);
}

/* Open the socket with the remembered parameters. */
static void
gchat_session_start (GchatSession *self)
{
  gchat_connection_connect_async (self->conn,
                                  self->host,
                                  self->port,
                                  self->tls,
                                  self->nick,
                                  self->realname,
                                  NULL,
                                  connect_cb,
                                  g_object_ref (self));
}

/**
 * gchat_session_parse_addresses: the addresses of a server entry: one
 * host, or several "host[:port]" (IPv6 as "[addr]:port") separated by
 * commas or spaces; @port where one has none.
 * Returns: (transfer full): GNetworkAddress objects, empty when none parse.
 */
GPtrArray *
gchat_session_parse_addresses (const char *list, guint16 port)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto (GStrv) parts = g_regex_split_simple ("[\\s,]+", list != NULL ? list : "", 0, 0);

  for (guint i = 0; parts[i] != NULL; i++) {
    GSocketConnectable *addr;

    if (*parts[i] == '\0')
      continue;
    addr = g_network_address_parse (parts[i], port, NULL);
    if (addr != NULL)
      g_ptr_array_add (addresses, addr);
  }
  return addresses;
}

/* The server entry @list becomes the addresses tried in turn (a bad one alone is kept as it is). */
static void
gchat_session_set_addresses (GchatSession *self, const char *list, guint16 port)
{
  g_clear_pointer (&self->addresses, g_ptr_array_unref);
  self->addresses = gchat_session_parse_addresses (list, port);
  if (self->addresses->len == 0)
    g_ptr_array_add (self->addresses, g_network_address_new (list != NULL ? list : "", port));
}

/**
 * gchat_session_get_addresses_count: how many addresses the server entry
 * lists (the status line names the port when there are several).
 */
guint
gchat_session_get_addresses_count (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), 0);
  return self->addresses != NULL ? self->addresses->len : 0;
}

/**
 * gchat_session_connect:
 * Connect (or reconnect with new parameters) and keep reconnecting with
 * backoff until gchat_session_disconnect. @host may list several
 * addresses (gchat_session_parse_addresses): the first is tried first, and
 * each drop or failure moves on to the next.
 */
void
gchat_session_connect (GchatSession *self,
                       const char   *host,
                       guint16       port,
                       gboolean      tls,
                       const char   *nick,
                       const char   *realname)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_DISCONNECTED) {
    self->want_connected = FALSE;
    gchat_connection_close (self->conn);
    gchat_session_on_disconnected (self->conn, "Reconnecting with new settings", self);
  }
  gchat_session_set_addresses (self, host, port);
  gchat_session_use_address (self, 0);
  self->welcomed = G_MAXUINT; /* new settings: msgids seen before say nothing */
  self->tls = tls;
  g_free (self->nick);
  self->nick = g_strdup (nick);
  g_free (self->realname);
  self->realname = g_strdup (realname);
  self->want_connected = TRUE;
  self->attempts = 0;
  self->ison_unsupported = FALSE;
  gchat_session_start (self);
}

/** gchat_session_disconnect: say QUIT and stay offline. */
void
gchat_session_disconnect (GchatSession *self)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  self->want_connected = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTING) {
    gchat_connection_close (self->conn);
    gchat_session_on_disconnected (self->conn, "Cancelled", self);
  } else if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_DISCONNECTED) {
    gchat_connection_quit (self->conn, "Leaving");
  }
  gchat_session_update_status (self);
}
