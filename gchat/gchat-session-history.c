/*
 * gchat-session-history.c: history and scrollback through CHATHISTORY: the
 * latest lines on joining, older pages on scrolling up, private
 * conversations restored on logging in.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* Free a request. */
void
gchat_session_history_request_free (gpointer data)
{
  GchatHistoryRequest *req = data;

  g_free (req->target);
  g_free (req->batch);
  g_ptr_array_unref (req->lines);
  g_free (req);
}

/* The request for @target (by name, or by its batch id when @batch), or NULL. */
GchatHistoryRequest *
gchat_session_history_request (GchatSession *self, const char *target, const char *batch)
{
  for (guint i = 0; i < self->history_requests->len; i++) {
    GchatHistoryRequest *req = g_ptr_array_index (self->history_requests, i);

    if (batch != NULL ? g_strcmp0 (req->batch, batch) == 0
                      : chat_casecmp (req->target, target) == 0)
      return req;
  }
  return NULL;
}

/*
 * Send a request for @target (BEFORE @ref when @older; LATEST after @ref
 * otherwise, or the latest lines when @ref is NULL) and show it loading.
 */
static void
gchat_session_history_send (GchatSession *self, const char *target, gboolean older, const char *ref)
{
  GchatHistoryRequest *req = g_new0 (GchatHistoryRequest, 1);
  GchatConversation   *conv = gchat_session_find (self, target);
  char                 limit[16];

  req->target = g_strdup (target);
  req->older = older;
  req->by_time = ref != NULL && g_str_has_prefix (ref, "timestamp=");
  req->since = !older && ref != NULL;
  req->lines = g_ptr_array_new_with_free_func (g_object_unref);
  req->before = conv != NULL ? gchat_conversation_get_scrollback (conv) : GCHAT_SCROLLBACK_MORE;
  g_ptr_array_add (self->history_requests, req);
  g_snprintf (limit, sizeof limit, "%d", GCHAT_SCROLLBACK_PAGE);
  gchat_connection_sendv (self->conn,
                          "CHATHISTORY",
                          older ? "BEFORE" : "LATEST",
                          target,
                          ref != NULL ? ref : "*",
                          limit,
                          NULL);
  if (conv != NULL && gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_SERVER)
    gchat_conversation_set_scrollback (conv, GCHAT_SCROLLBACK_LOADING);
}

/*
 * A request's batch ended: older lines go on top (no divider: the one under
 * the latest lines stays), and the count says whether more are left.
 */
static void
gchat_session_history_done (GchatSession *self, GchatHistoryRequest *req)
{
  GchatConversation   *conv = gchat_session_find (self, req->target);
  gboolean             capped = FALSE;
  GchatScrollbackState state;

  if (conv != NULL && req->older)
    gchat_conversation_add_older (conv, req->lines, &capped);
  else if (conv != NULL)
    gchat_conversation_mark_history_end (conv);
  state = gchat_scrollback_state_after (GCHAT_SCROLLBACK_PAGE, req->received, capped);
  /* The latest lines again (a rejoin) do not undo a beginning already shown. */
  if (!req->older &&
      (req->before == GCHAT_SCROLLBACK_BEGINNING || req->before == GCHAT_SCROLLBACK_FULL))
    state = req->before;
  /* Lines since the newest shown say nothing about what is earlier. */
  if (req->since)
    state = req->before == GCHAT_SCROLLBACK_LOADING ? GCHAT_SCROLLBACK_MORE : req->before;
  if (conv != NULL && gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_SERVER &&
      gchat_conversation_get_scrollback (conv) != GCHAT_SCROLLBACK_FULL)
    gchat_conversation_set_scrollback (conv, state);
  g_ptr_array_remove (self->history_requests, req);
}

/* A request ends without an answer: @conv shows what it showed before it (or MORE). */
static void
history_request_undo (GchatHistoryRequest *req, GchatConversation *conv)
{
  if (conv == NULL || gchat_conversation_get_scrollback (conv) != GCHAT_SCROLLBACK_LOADING)
    return;
  gchat_conversation_set_scrollback (conv,
                                     req->before == GCHAT_SCROLLBACK_BEGINNING ||
                                         req->before == GCHAT_SCROLLBACK_FULL
                                       ? req->before
                                       : GCHAT_SCROLLBACK_MORE);
}

/*
 * FAIL CHATHISTORY: the request it answers ends. The context is the
 * target (MESSAGE_ERROR) or only the subcommand: then the target is looked
 * for in the text, else it is the oldest request of that kind without an
 * answer. A msgid the server no longer knows is asked again by time,
 * quietly (TRUE: handled).
 */
gboolean
gchat_session_history_fail (GchatSession *self, const struct chat_msg *m)
{
  GchatHistoryRequest *req = NULL;
  GchatConversation   *conv;
  gboolean             older;

  if (m->argc < 4 || g_ascii_strcasecmp (m->argv[0], "CHATHISTORY") != 0)
    return FALSE;
  older = g_ascii_strcasecmp (m->argv[2], "BEFORE") == 0;
  /* By target, or by the target named in the text, then by kind. */
  for (guint i = 0; i < self->history_requests->len && req == NULL; i++) {
    GchatHistoryRequest *r = g_ptr_array_index (self->history_requests, i);

    if (r->batch == NULL && chat_casecmp (r->target, m->argv[2]) == 0)
      req = r;
    else if (r->batch == NULL && r->older == older &&
             strstr (gchat_session_last_arg (m), r->target) != NULL)
      req = r;
  }
  for (guint i = 0; i < self->history_requests->len && req == NULL; i++) {
    GchatHistoryRequest *r = g_ptr_array_index (self->history_requests, i);

    if (r->batch == NULL && r->older == older)
      req = r;
  }
  if (req == NULL)
    return FALSE;
  conv = gchat_session_find (self, req->target);
  /* A rejoin on another node that never saw our newest msgid: ask by its time. */
  if (req->since && !req->by_time && strcmp (m->argv[1], "INVALID_MSGREFTYPE") == 0 &&
      conv != NULL) {
    GchatMessage    *newest = gchat_scrollback_newest (gchat_conversation_get_messages (conv));
    g_autofree char *ref = newest != NULL ? gchat_scrollback_time_ref (newest) : NULL;

    history_request_undo (req, conv);
    g_ptr_array_remove (self->history_requests, req);
    gchat_session_history_send (self, gchat_conversation_get_name (conv), FALSE, ref);
    return TRUE;
  }
  if (older && !req->by_time && strcmp (m->argv[1], "INVALID_MSGREFTYPE") == 0 && conv != NULL) {
    GchatMessage    *oldest = gchat_scrollback_oldest (gchat_conversation_get_messages (conv));
    g_autofree char *ref = NULL;

    g_ptr_array_remove (self->history_requests, req);
    if (oldest != NULL) {
      ref = gchat_scrollback_time_ref (oldest);
      gchat_session_history_send (self, gchat_conversation_get_name (conv), TRUE, ref);
      return TRUE;
    }
    gchat_conversation_set_scrollback (conv, GCHAT_SCROLLBACK_MORE);
    return FALSE;
  }
  history_request_undo (req, conv);
  g_ptr_array_remove (self->history_requests, req);
  return FALSE;
}

/* The connection dropped: no answers will come; loading can start again. */
void
gchat_session_history_reset (GchatSession *self)
{
  for (guint i = 0; i < self->history_requests->len; i++) {
    GchatHistoryRequest *req = g_ptr_array_index (self->history_requests, i);
    GchatConversation   *conv = gchat_session_find (self, req->target);

    history_request_undo (req, conv);
  }
  g_ptr_array_set_size (self->history_requests, 0);
}

/*
 * BATCH +id chathistory target / BATCH -id: lines tagged with an open
 * chathistory batch are history; its end puts the divider after them.
 */
void
gchat_session_handle_batch (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char          *target;
  GchatConversation   *conv;
  GchatHistoryRequest *req;

  (void)nick;
  if (m->argc < 1 || m->argv[0][0] == '\0')
    return;
  if (m->argv[0][0] == '+' && m->argc >= 3 && strcmp (m->argv[1], "chathistory") == 0) {
    g_hash_table_insert (self->history_batches, g_strdup (m->argv[0] + 1), g_strdup (m->argv[2]));
    req = gchat_session_history_request (self, m->argv[2], NULL);
    if (req != NULL && req->batch == NULL)
      req->batch = g_strdup (m->argv[0] + 1);
  } else if (m->argv[0][0] == '-' &&
             (target = g_hash_table_lookup (self->history_batches, m->argv[0] + 1)) != NULL) {
    if ((req = gchat_session_history_request (self, NULL, m->argv[0] + 1)) != NULL)
      gchat_session_history_done (self, req);
    else if ((conv = gchat_session_find (self, target)) != NULL)
      gchat_conversation_mark_history_end (conv);
    g_hash_table_remove (self->history_batches, m->argv[0] + 1);
  }
}

/*
 * Whether the server can be asked for @target's history now: connected to
 * a server that keeps it, no request for it in flight, and, for a private
 * conversation, logged in (the server keeps those only between accounts).
 */
static gboolean
gchat_session_history_askable (GchatSession *self, const char *target)
{
  return gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED &&
    gchat_session_supports (self, "CHATHISTORY") &&
    gchat_session_history_request (self, target, NULL) == NULL &&
    (chat_is_channel (target) || gchat_connection_get_logged_in (self->conn));
}
/*
 * Ask for recent lines of @target when the server keeps history (one
 * request at a time). A conversation that already shows lines from the
 * server (back after a drop, maybe on another node) asks only for what
 * came after the newest of them, so the gap is filled.
 */
void
gchat_session_request_history (GchatSession *self, const char *target)
{
  GchatConversation *conv = gchat_session_find (self, target);
  GchatMessage      *newest = NULL;
  g_autofree char   *ref = NULL;

  if (!gchat_session_history_askable (self, target))
    return;
  if (conv != NULL)
    newest = gchat_scrollback_newest (gchat_conversation_get_messages (conv));
  /*
   * A msgid is exact, but only on the server that gave it: after moving to
   * another address (a node with its own database may even have given the
   * same id to another line), ask by the time of that line instead.
   */
  if (newest != NULL && self->moved)
    ref = gchat_scrollback_time_ref (newest);
  else if (newest != NULL)
    ref = g_strconcat ("msgid=", gchat_message_get_msgid (newest), NULL);
  gchat_session_history_send (self, target, FALSE, ref);
}

/**
 * gchat_session_can_load_older: whether gchat_session_load_older would ask
 * the server for anything (search offers "earlier messages" only then).
 */
gboolean
gchat_session_can_load_older (GchatSession *self, GchatConversation *conv)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (conv), FALSE);
  return gchat_conversation_get_scrollback (conv) == GCHAT_SCROLLBACK_MORE &&
    (gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_CHANNEL ||
     gchat_conversation_get_joined (conv)) &&
    gchat_session_history_askable (self, gchat_conversation_get_name (conv));
}

/**
 * gchat_session_load_older: ask for the messages before the oldest one
 * @conv shows (scrolled to the top, or the button); FALSE when there is
 * nothing to do: loading already, at the beginning or the limit, or no
 * history on this server.
 */
gboolean
gchat_session_load_older (GchatSession *self, GchatConversation *conv)
{
  g_autofree char *ref = NULL;
  const char      *name;

  if (!gchat_session_can_load_older (self, conv))
    return FALSE;
  name = gchat_conversation_get_name (conv);
  ref = gchat_scrollback_before_ref (gchat_conversation_get_messages (conv));
  gchat_session_history_send (self, name, ref != NULL, ref);
  return TRUE;
}

/* CHATHISTORY TARGETS target time: a private conversation comes back with its history. */
void
gchat_session_handle_chathistory (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char *target;

  if (m->argc < 3 || g_ascii_strcasecmp (m->argv[0], "TARGETS") != 0)
    return;
  target = m->argv[1];
  if (chat_is_channel (target) || !chat_nick_valid (target, CHAT_NICK_MAX) ||
      gchat_session_find (self, target) != NULL)
    return;
  gchat_session_open_query (self, target, FALSE);
  /* How far it was read, before its lines come: they are unread after that. */
  gchat_session_ask_read_marker (self, target);
  gchat_session_request_history (self, target);
}

/*
 * Logged in with a server that keeps history: ask which private
 * conversations the account had in the last 30 days (CHATHISTORY
 * TARGETS), so they are back in the sidebar on any computer.
 */
void
gchat_session_restore_queries (GchatSession *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) from = g_date_time_add_days (now, -30);
  g_autoptr (GDateTime) to = g_date_time_add_minutes (now, 1);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *from_s = NULL;
  g_autofree char *to_s = NULL;

  if (!gchat_connection_get_logged_in (self->conn) || !gchat_session_supports (self, "CHATHISTORY"))
    return;
  from_s = gchat_scrollback_timestamp (from);
  to_s = gchat_scrollback_timestamp (to);
  a = g_strconcat ("timestamp=", from_s, NULL);
  b = g_strconcat ("timestamp=", to_s, NULL);
  gchat_connection_sendv (self->conn, "CHATHISTORY", "TARGETS", a, b, "50", NULL);
}
