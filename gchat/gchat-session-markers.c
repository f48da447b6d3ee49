/*
 * gchat-session-markers.c: what happens to messages after they are said:
 * withdrawing one (IRCv3 draft/message-redaction, REDACT) and how far the
 * account has read each conversation (draft/read-marker, MARKREAD), so
 * that what was read on one computer is not unread on another.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-session-private.h"

/* The conversation a REDACT or MARKREAD about @target (from @nick) is in, or NULL. */
static GchatConversation *
gchat_session_marker_conversation (GchatSession *self, const char *target, const char *nick)
{
  /* A private one names us when the other side sent it. */
  if (!chat_is_channel (target) && nick != NULL && gchat_connection_is_me (self->conn, target))
    return gchat_session_find (self, nick);
  return gchat_session_find (self, target);
}

/**
 * gchat_session_can_withdraw: whether @msg in @conv can be withdrawn, once
 * it has its id (the echo of our own brings it): the server takes REDACT,
 * and it is ours or we are an admin of the group.
 */
gboolean
gchat_session_can_withdraw (GchatSession *self, GchatConversation *conv, GchatMessage *msg)
{
  GchatMessageKind kind;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (conv == NULL || msg == NULL ||
      !gchat_connection_has_cap (self->conn, "draft/message-redaction") ||
      gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED)
    return FALSE;
  kind = gchat_message_get_kind (msg);
  if (kind != GCHAT_MESSAGE_TEXT && kind != GCHAT_MESSAGE_ACTION && kind != GCHAT_MESSAGE_NOTICE)
    return FALSE;
  if (gchat_message_get_own (msg))
    return TRUE;
  return gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL &&
    gchat_conversation_get_joined (conv) && gchat_conversation_get_operator (conv);
}

/**
 * gchat_session_withdraw: ask the server to withdraw the message @msgid
 * of @conv (REDACT); it goes from view when the server says it is done.
 */
gboolean
gchat_session_withdraw (GchatSession *self, GchatConversation *conv, const char *msgid)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (conv == NULL || msgid == NULL || *msgid == '\0' ||
      gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_SERVER)
    return FALSE;
  return gchat_connection_sendv (self->conn,
                                 "REDACT",
                                 gchat_conversation_get_name (conv),
                                 msgid,
                                 NULL);
}

/* REDACT target msgid [:reason]: someone (maybe we) withdrew a message. */
void
gchat_session_handle_redact (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;

  if (m->argc < 2 || (conv = gchat_session_marker_conversation (self, m->argv[0], nick)) == NULL)
    return;
  gchat_conversation_remove_msgid (conv, m->argv[1]);
}

/* Whether read markers can be used now: the capability, and an account to keep them. */
static gboolean
gchat_session_markers_on (GchatSession *self)
{
  return gchat_connection_has_cap (self->conn, "draft/read-marker") &&
    gchat_connection_get_logged_in (self->conn);
}

/* MARKREAD target timestamp=...|*: how far the account has read @target now. */
void
gchat_session_handle_markread (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autoptr (GDateTime) secs = NULL;
  g_autoptr (GDateTime) marker = NULL;
  int64_t ms;

  if (m->argc < 2 || !g_str_has_prefix (m->argv[1], "timestamp=") ||
      chat_time_parse (m->argv[1] + strlen ("timestamp="), &ms) != 0)
    return;
  if ((conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  secs = g_date_time_new_from_unix_utc (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  if (secs != NULL)
    marker = g_date_time_add (secs, (ms - g_date_time_to_unix (secs) * 1000) * 1000);
  if (marker != NULL)
    gchat_conversation_set_read_marker (conv, marker);
}

/** gchat_session_ask_read_marker: ask how far the account has read @target (MARKREAD target). */
void
gchat_session_ask_read_marker (GchatSession *self, const char *target)
{
  if (gchat_session_markers_on (self))
    gchat_connection_sendv (self->conn, "MARKREAD", target, NULL);
}

/* At most one MARKREAD per conversation in this long: reading a busy group would send one per line.
 */
#define MARKREAD_INTERVAL_MS 2000

/* When @conv's marker last went to the server (monotonic, microseconds), or 0. */
static gint64
gchat_session_marker_sent_at (GchatConversation *conv)
{
  gint64 *at = g_object_get_data (G_OBJECT (conv), "gchat-markread-at");

  return at != NULL ? *at : 0;
}

/* Tell the server @conv's marker, if it is ahead of what it was last told. */
static void
gchat_session_marker_send (GchatSession *self, GchatConversation *conv)
{
  GDateTime       *marker = gchat_conversation_get_read_marker (conv);
  GDateTime       *told = g_object_get_data (G_OBJECT (conv), "gchat-markread-told");
  g_autofree char *stamp = NULL;
  g_autofree char *ref = NULL;
  gint64          *at = g_new (gint64, 1);

  *at = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (conv), "gchat-markread-at", at, g_free);
  if (marker == NULL || (told != NULL && g_date_time_compare (marker, told) <= 0) ||
      !gchat_session_markers_on (self))
    return;
  g_object_set_data_full (G_OBJECT (conv),
                          "gchat-markread-told",
                          g_date_time_ref (marker),
                          (GDestroyNotify)g_date_time_unref);
  stamp = gchat_scrollback_timestamp (marker);
  ref = g_strconcat ("timestamp=", stamp, NULL);
  gchat_connection_sendv (self->conn, "MARKREAD", gchat_conversation_get_name (conv), ref, NULL);
}

/* The interval is over: the markers that waited go out, the newest of each. */
static gboolean
gchat_session_markers_flush (gpointer data)
{
  GchatSession *self = data;

  self->markread_source = 0;
  for (guint i = 0; i < self->markread_pending->len; i++)
    gchat_session_marker_send (self, g_ptr_array_index (self->markread_pending, i));
  g_ptr_array_set_size (self->markread_pending, 0);
  return G_SOURCE_REMOVE;
}

/** gchat_session_markers_reset: the connection is gone: nothing waits to be sent. */
void
gchat_session_markers_reset (GchatSession *self)
{
  g_clear_handle_id (&self->markread_source, g_source_remove);
  if (self->markread_pending != NULL)
    g_ptr_array_set_size (self->markread_pending, 0);
}

/**
 * gchat_session_mark_read: @conv was seen to its end (on screen, at the
 * bottom): tell the server, so the account's other sessions count it read
 * too. Only a move forward is sent; the marker is the time of the newest
 * line someone else said (ours carry our clock, not the server's). The
 * first move goes at once; later ones within MARKREAD_INTERVAL_MS wait and
 * go as one, with the newest time.
 */
void
gchat_session_mark_read (GchatSession *self, GchatConversation *conv)
{
  GListModel *model;
  GDateTime  *newest = NULL;
  GDateTime  *marker;
  gint64      since;

  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (conv == NULL || gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_SERVER ||
      !gchat_session_markers_on (self))
    return;
  model = gchat_conversation_get_messages (conv);
  for (guint i = g_list_model_get_n_items (model); i > 0 && newest == NULL; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (gchat_message_is_chat (msg) && !gchat_message_get_own (msg))
      newest = gchat_message_get_time (msg); /* the list keeps it */
  }
  marker = gchat_conversation_get_read_marker (conv);
  if (newest == NULL || (marker != NULL && g_date_time_compare (newest, marker) <= 0))
    return;
  gchat_conversation_set_read_marker (conv, newest);
  if (g_ptr_array_find (self->markread_pending, conv, NULL))
    return;
  since = g_get_monotonic_time () - gchat_session_marker_sent_at (conv);
  if (gchat_session_marker_sent_at (conv) == 0 ||
      since >= MARKREAD_INTERVAL_MS * G_TIME_SPAN_MILLISECOND) {
    gchat_session_marker_send (self, conv);
    return;
  }
  g_ptr_array_add (self->markread_pending, g_object_ref (conv));
  if (self->markread_source == 0)
    self->markread_source = g_timeout_add (MARKREAD_INTERVAL_MS, gchat_session_markers_flush, self);
}
