/*
 * gchat-session.c: turns server lines into conversations and contacts, and
 * the user's commands into lines.
 *
 * Incoming lines arrive parsed from GchatConnection and go through one
 * dispatcher: a sorted table for named commands and a switch on the numerics
 * from numeric.h. New features (files, games, accounts) add rows there.
 * Errors from the server are always put into words in a conversation and
 * announced with ::server-error, never dropped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-command.h"
#include "gchat-game.h"
#include "gchat-group-info.h"
#include "gchat-group.h"
#include "gchat-server-requests.h"
#include "gchat-transfer.h"
#include "gchat-scrollback.h"
#include "gchat-session.h"

/* Room left for ":nick!user@host " that the server puts before relayed text. */
#define RELAY_PREFIX_RESERVE 120
#define ISON_INTERVAL_S 30
/* WHOX token of gchat's own WHO after JOIN: its 354s and 315 stay silent. */
#define WHOX_TOKEN "152"

struct _GchatSession
{
  GObject parent_instance;

  GchatConnection   *conn;
  GListStore        *conversations;
  GListStore        *contacts;
  GListStore        *games;
  GListStore        *transfers;
  char              *download_dir; /* NULL: the XDG download folder */
  GListStore        *group_list;
  GchatConversation *server;
  GchatConversation *active;
  char              *status;
  char              *old_password; /* put back if a PASSWORD change fails */
  char              *host;
  guint16            port;
  gboolean           tls;
  char              *nick;
  char              *realname;
  gboolean           want_connected;
  gboolean           away;
  guint              attempts;
  guint              reconnect_source;
  guint              reconnect_delay;
  guint              ison_source;
  gboolean           ison_unsupported;
  GHashTable        *names_fresh;
  GHashTable        *pending_keys;
  GHashTable        *pending_private;
  GHashTable        *focus_on_join;
  GHashTable        *whox_pending;    /* folded channels we sent WHO %tcnfa for */
  GHashTable        *history_batches; /* open chathistory BATCH id -> target */

  /* CHATHISTORY requests in flight (GchatHistoryRequest), at most one per target. */
  GPtrArray *history_requests;

  /* Operator status, game statistics and server information. */
  GchatServerRequests *requests;
};

G_DEFINE_FINAL_TYPE (GchatSession, gchat_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATUS, PROP_STATE, PROP_AWAY, PROP_OPERATOR, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

enum { SIG_CONVERSATION_OPENED, SIG_NOTIFY_MESSAGE, SIG_SERVER_ERROR, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

typedef void (*GchatHandler) (GchatSession *self, const struct chat_msg *m, const char *nick);

static void     gchat_session_update_status (GchatSession *self);
static gboolean gchat_session_sendfile_fail (GchatSession *self, const struct chat_msg *m);
static void     gchat_session_presence_seen (GchatSession *self, const char *nick, GchatPresence p);
static void     gchat_session_group_mode (GchatSession          *self,
                                          GchatConversation     *conv,
                                          const char            *nick,
                                          const struct chat_msg *m);
static gboolean gchat_session_chanadmin_fail (GchatSession *self, const struct chat_msg *m);
static void     gchat_session_chanadmin_ask (GchatSession *self, const char *channel);

/* The nick part of a message source ("nick!user@host" -> "nick"). */
static char *
source_nick (const struct chat_msg *m)
{
  if (m->source == NULL)
    return NULL;
  return g_strndup (m->source, strcspn (m->source, "!@"));
}

/* Whether the source is a server rather than a person. */
static gboolean
source_is_server (const struct chat_msg *m)
{
  return m->source == NULL || (strchr (m->source, '!') == NULL && strchr (m->source, '.') != NULL);
}

/* The last parameter, or "" when there is none. */
static const char *
last_arg (const struct chat_msg *m)
{
  return m->argc > 0 ? m->argv[m->argc - 1] : "";
}

/* Where notes without a better place go: the conversation on screen. */
static GchatConversation *
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
static void
gchat_session_error (GchatSession *self, GchatConversation *conv, const char *text)
{
  if (conv == NULL)
    conv = gchat_session_note_target (self);
  gchat_session_add_error (conv, text);
  if (conv != self->server)
    gchat_session_add_error (self->server, text);
  g_signal_emit (self, signals[SIG_SERVER_ERROR], 0, text);
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
static GchatConversation *
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
static void
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

/* Whether @text mentions @nick as a word. */
static gboolean
mentions (const char *text, const char *nick)
{
  gsize n = strlen (nick);

  if (n == 0)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++) {
    if (g_ascii_strncasecmp (p, nick, n) != 0)
      continue;
    if ((p == text || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[n]))
      return TRUE;
  }
  return FALSE;
}

/*
 * A CHATHISTORY request in flight (at most one per conversation): LATEST
 * on opening, or BEFORE on scrolling up, whose lines are kept until the
 * batch ends and then go on top all at once.
 */
typedef struct
{
  char      *target;
  char      *batch;    /* the answer's BATCH id, once it opened */
  gboolean   older;    /* BEFORE: the lines go above the ones shown */
  gboolean   by_time;  /* asked with timestamp= (after an unknown msgid) */
  guint      received; /* lines in the answer, copies included */
  guint      before;   /* the conversation's GchatScrollbackState when asked */
  GPtrArray *lines;    /* BEFORE: the messages so far, oldest first */
} GchatHistoryRequest;

/* Free a request. */
static void
history_request_free (gpointer data)
{
  GchatHistoryRequest *req = data;

  g_free (req->target);
  g_free (req->batch);
  g_ptr_array_unref (req->lines);
  g_free (req);
}

/* The request for @target (by name, or by its batch id when @batch), or NULL. */
static GchatHistoryRequest *
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

/* Use the server-time tag when the server sent one (history, replays). */
static void
gchat_session_stamp (GchatMessage *msg, const struct chat_msg *m)
{
  const char *iso = chat_msg_tag (m, "time", NULL);
  g_autoptr (GDateTime) secs = NULL;
  g_autoptr (GDateTime) utc = NULL;
  int64_t ms;

  if (iso == NULL || chat_time_parse (iso, &ms) != 0)
    return;
  secs = g_date_time_new_from_unix_utc (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  if (secs == NULL)
    return;
  utc = g_date_time_add (secs, (ms - g_date_time_to_unix (secs) * 1000) * 1000);
  if (utc != NULL)
    gchat_message_set_time (msg, utc);
}

/*
 * Typing notifications (IRCv3 +typing): the conversation a notice from
 * @nick to @target is about: the group, or an open private conversation
 * (a notice alone never opens one). NULL when there is none.
 */
static GchatTyping *
gchat_session_typing_for (GchatSession *self, const char *target, const char *nick)
{
  GchatConversation *conv;

  if (nick == NULL || gchat_connection_is_me (self->conn, nick))
    return NULL;
  conv = gchat_session_find (self, chat_is_channel (target) ? target : nick);
  if (conv == NULL || gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_SERVER)
    return NULL;
  return gchat_conversation_get_typing (conv);
}

/* Apply the +typing tag of @m (if any) from @nick to @target. */
static void
gchat_session_typing_tag (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char  *value = chat_msg_tag (m, "+typing", NULL);
  GchatTyping *typing;

  if (value != NULL && m->argc > 0 &&
      (typing = gchat_session_typing_for (self, m->argv[0], nick)) != NULL)
    gchat_typing_update (typing, nick, value, g_get_monotonic_time ());
}

/* @nick left every conversation (quit), or is now called @to: typing follows. */
static void
gchat_session_typing_gone (GchatSession *self, const char *nick, const char *to)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (to != NULL)
      gchat_typing_rename (gchat_conversation_get_typing (c), nick, to);
    else
      gchat_typing_remove (gchat_conversation_get_typing (c), nick);
  }
}

/* TAGMSG: only tags; gchat knows +typing and ignores the rest. */
static void
handle_tagmsg (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_typing_tag (self, m, nick);
}

/* PRIVMSG and NOTICE: route to the channel or query, detect mentions. */
static void
gchat_session_chat (GchatSession *self, const struct chat_msg *m, const char *nick, gboolean notice)
{
  g_autoptr (GchatMessage) msg = NULL;
  g_autofree char   *ctcp = NULL;
  GchatConversation *conv;
  GchatMessageKind   kind = notice ? GCHAT_MESSAGE_NOTICE : GCHAT_MESSAGE_TEXT;
  const char        *batch = chat_msg_tag (m, "batch", NULL);
  gboolean    history = batch != NULL && g_hash_table_contains (self->history_batches, batch);
  const char *target;
  const char *peer;
  const char *text;
  gboolean    to_channel;

  GchatHistoryRequest *req = NULL;

  if (m->argc < 2)
    return;
  if (history && (req = gchat_session_history_request (self, NULL, batch)) != NULL)
    req->received++; /* counted even if not shown: the server has this many */
  target = m->argv[0];
  text = m->argv[1];
  to_channel = chat_is_channel (target);
  /* A private line of ours comes back only from history: it belongs with its target. */
  peer = nick != NULL && gchat_connection_is_me (self->conn, nick) ? target : nick;
  if (text[0] == '\001') {
    gsize len = strcspn (text + 1, "\001");

    ctcp = g_strndup (text + 1, len);
    if (g_ascii_strncasecmp (ctcp, "ACTION ", 7) == 0) {
      kind = GCHAT_MESSAGE_ACTION;
      text = ctcp + 7;
    } else {
      if (!notice && g_ascii_strcasecmp (ctcp, "VERSION") == 0 && nick != NULL)
        gchat_connection_sendv (self->conn,
                                "NOTICE",
                                nick,
                                "\001VERSION gchat " VERSION "\001",
                                NULL);
      return;
    }
  }
  if (to_channel) {
    conv = gchat_session_find (self, target);
    if (conv == NULL)
      conv = self->server;
  } else if (history) {
    /* A private history batch names the other side, whoever spoke. */
    conv =
      gchat_session_open_query (self, g_hash_table_lookup (self->history_batches, batch), FALSE);
  } else if (source_is_server (m) || nick == NULL) {
    conv = self->server;
  } else if (notice) {
    conv = gchat_session_find (self, peer);
    if (conv == NULL)
      conv = gchat_session_note_target (self);
  } else {
    conv = gchat_session_open_query (self, peer, FALSE);
  }
  if (source_is_server (m) && kind == GCHAT_MESSAGE_NOTICE)
    kind = GCHAT_MESSAGE_INFO; /* server notices are notes, not chat */
  /* Our own lines come back only from history: show them as ours. */
  msg =
    gchat_message_new (kind, nick, text, nick != NULL && gchat_connection_is_me (self->conn, nick));
  gchat_session_stamp (msg, m);
  gchat_message_set_history (msg, history);
  gchat_message_set_msgid (msg, chat_msg_tag (m, "msgid", NULL));
  if (req != NULL && req->older) {
    /* Earlier lines wait for the end of their batch, then go on top together. */
    g_ptr_array_add (req->lines, g_steal_pointer (&msg));
    return;
  }
  if (history) {
    /* Said before we came: no account or presence news, no notification. */
    if (!gchat_conversation_has_copy (conv, msg))
      gchat_conversation_add (conv, msg);
    return;
  }
  if (to_channel && nick != NULL && chat_msg_tag (m, "account", NULL) != NULL &&
      gchat_conversation_find_member (conv, nick) != NULL)
    gchat_member_set_account (gchat_conversation_find_member (conv, nick),
                              chat_msg_tag (m, "account", NULL));
  if (to_channel && mentions (text, gchat_connection_get_nick (self->conn)))
    gchat_message_set_highlight (msg, TRUE);
  gchat_conversation_add (conv, msg);
  /* Their message ends their typing (unless it says otherwise). */
  if (nick != NULL)
    gchat_typing_remove (gchat_conversation_get_typing (conv), nick);
  gchat_session_typing_tag (self, m, nick);
  if (nick != NULL && !source_is_server (m))
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
  if (gchat_message_get_highlight (msg) ||
      (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_QUERY && !notice))
    g_signal_emit (self, signals[SIG_NOTIFY_MESSAGE], 0, conv, msg);
}

/* PRIVMSG from someone. */
static void
handle_privmsg (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_chat (self, m, nick, FALSE);
}

/* NOTICE: never answered automatically (RFC 1459). */
static void
handle_notice (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_chat (self, m, nick, TRUE);
}

/* Send a request for @target (BEFORE @ref when @older) and show it loading. */
static void
gchat_session_history_send (GchatSession *self, const char *target, gboolean older, const char *ref)
{
  GchatHistoryRequest *req = g_new0 (GchatHistoryRequest, 1);
  GchatConversation   *conv = gchat_session_find (self, target);
  char                 limit[16];

  req->target = g_strdup (target);
  req->older = older;
  req->by_time = ref != NULL && g_str_has_prefix (ref, "timestamp=");
  req->lines = g_ptr_array_new_with_free_func (g_object_unref);
  req->before = conv != NULL ? gchat_conversation_get_scrollback (conv) : GCHAT_SCROLLBACK_MORE;
  g_ptr_array_add (self->history_requests, req);
  g_snprintf (limit, sizeof limit, "%d", GCHAT_SCROLLBACK_PAGE);
  gchat_connection_sendv (self->conn,
                          "CHATHISTORY",
                          older ? "BEFORE" : "LATEST",
                          target,
                          older ? ref : "*",
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
static gboolean
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
    else if (r->batch == NULL && r->older == older && strstr (last_arg (m), r->target) != NULL)
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
static void
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
static void
handle_batch (GchatSession *self, const struct chat_msg *m, const char *nick)
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
/* Ask for recent lines of @target when the server keeps history (one request at a time). */
static void
gchat_session_request_history (GchatSession *self, const char *target)
{
  if (gchat_session_history_askable (self, target))
    gchat_session_history_send (self, target, FALSE, NULL);
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

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (conv), FALSE);
  name = gchat_conversation_get_name (conv);
  if (gchat_conversation_get_scrollback (conv) != GCHAT_SCROLLBACK_MORE ||
      (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL &&
       !gchat_conversation_get_joined (conv)) ||
      !gchat_session_history_askable (self, name))
    return FALSE;
  ref = gchat_scrollback_before_ref (gchat_conversation_get_messages (conv));
  gchat_session_history_send (self, name, ref != NULL, ref);
  return TRUE;
}

/*
 * After our JOIN, ask (WHOX) for the account and away flag of everyone already
 * there: extended-join and account-notify only tell about later changes.
 */
static void
gchat_session_request_whox (GchatSession *self, const char *channel)
{
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED ||
      !gchat_session_supports (self, "WHOX"))
    return;
  g_hash_table_add (self->whox_pending, g_ascii_strdown (channel, -1));
  gchat_connection_sendv (self->conn, "WHO", channel, "%tcnfa," WHOX_TOKEN, NULL);
}

/* RPL_WHOSPCRPL to our %tcnfa: token channel nick flags account. */
static gboolean
gchat_session_whox_reply (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  GchatMember       *member;

  if (m->argc < 6 || strcmp (m->argv[1], WHOX_TOKEN) != 0)
    return FALSE;
  if ((conv = gchat_session_find (self, m->argv[2])) != NULL &&
      (member = gchat_conversation_find_member (conv, m->argv[3])) != NULL) {
    gchat_member_set_account (member, strcmp (m->argv[5], "0") == 0 ? NULL : m->argv[5]);
    gchat_member_set_away (member, m->argv[4][0] == 'G');
  }
  return TRUE;
}

/* RPL_ENDOFWHO: TRUE (stay silent) if it ends one of our own WHOX requests. */
static gboolean
gchat_session_whox_end (GchatSession *self, const struct chat_msg *m)
{
  g_autofree char *folded = NULL;

  if (m->argc < 2)
    return FALSE;
  folded = g_ascii_strdown (m->argv[1], -1);
  return g_hash_table_remove (self->whox_pending, folded);
}

/* @nick is logged in as @account (NULL or "*": logged out) in every shared group. */
static void
gchat_session_member_account (GchatSession *self, const char *nick, const char *account)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    GchatMember *member = gchat_conversation_find_member (c, nick);

    if (member != NULL)
      gchat_member_set_account (member, account);
  }
  if (gchat_session_find_contact (self, nick) != NULL)
    gchat_contact_set_account (gchat_session_find_contact (self, nick), account);
}

/* ACCOUNT name|* (account-notify): someone in a shared group logged in or out. */
static void
handle_account (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  if (m->argc < 1 || nick == NULL)
    return;
  gchat_session_member_account (self, nick, m->argv[0]);
}

/* JOIN: ours opens the group; someone else's adds a member. */
static void
handle_join (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  g_autofree char   *folded = NULL;

  if (m->argc < 1 || nick == NULL)
    return;
  if (gchat_connection_is_me (self->conn, nick)) {
    gboolean    focus;
    const char *key;

    folded = g_ascii_strdown (m->argv[0], -1);
    focus = g_hash_table_remove (self->focus_on_join, folded);
    conv = gchat_session_ensure (self, GCHAT_CONVERSATION_CHANNEL, m->argv[0], focus);
    key = g_hash_table_lookup (self->pending_keys, folded);
    if (key != NULL)
      gchat_conversation_set_key (conv, key);
    gchat_conversation_clear_members (conv);
    gchat_conversation_set_joined (conv, TRUE);
    g_object_set_data (G_OBJECT (conv), "gchat-rejoin", NULL);
    gchat_session_request_history (self, m->argv[0]);
    gchat_session_request_whox (self, m->argv[0]);
    gchat_session_chanadmin_ask (self, m->argv[0]);
    text = g_strdup_printf ("You joined %s", m->argv[0]);
  } else {
    conv = gchat_session_find (self, m->argv[0]);
    if (conv == NULL)
      return;
    gchat_conversation_add_member (conv, nick, NULL);
    /* extended-join: JOIN #channel account|* :realname */
    if (m->argc >= 3)
      gchat_member_set_account (gchat_conversation_find_member (conv, nick), m->argv[1]);
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
    text = g_strdup_printf ("%s joined", nick);
  }
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* PART: ours closes membership; someone else's removes a member. */
static void
handle_part (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  const char        *reason = m->argc > 1 ? m->argv[1] : NULL;

  if (m->argc < 1 || nick == NULL || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  if (gchat_connection_is_me (self->conn, nick)) {
    gchat_conversation_set_joined (conv, FALSE);
    gchat_typing_clear (gchat_conversation_get_typing (conv));
    text = g_strdup_printf ("You left %s", m->argv[0]);
  } else {
    gchat_conversation_remove_member (conv, nick);
    gchat_typing_remove (gchat_conversation_get_typing (conv), nick);
    if (reason != NULL && *reason != '\0')
      text = g_strdup_printf ("%s left (%s)", nick, reason);
    else
      text = g_strdup_printf ("%s left", nick);
  }
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* KICK: someone (maybe us) removed from a group by an operator. */
static void
handle_kick (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  const char        *reason = m->argc > 2 && *m->argv[2] != '\0' ? m->argv[2] : NULL;
  const char        *by = nick != NULL ? nick : "the server";

  if (m->argc < 2 || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  if (gchat_connection_is_me (self->conn, m->argv[1])) {
    gchat_conversation_set_joined (conv, FALSE);
    gchat_typing_clear (gchat_conversation_get_typing (conv));
    text = g_strdup_printf ("%s removed you from %s%s%s%s",
                            by,
                            m->argv[0],
                            reason ? " (" : "",
                            reason ? reason : "",
                            reason ? ")" : "");
    gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
    g_signal_emit (self, signals[SIG_SERVER_ERROR], 0, text);
    return;
  }
  gchat_conversation_remove_member (conv, m->argv[1]);
  gchat_typing_remove (gchat_conversation_get_typing (conv), m->argv[1]);
  text = g_strdup_printf ("%s removed %s%s%s%s",
                          by,
                          m->argv[1],
                          reason ? " (" : "",
                          reason ? reason : "",
                          reason ? ")" : "");
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* QUIT: the person left the server; every shared group says so. */
static void
handle_quit (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  const char      *reason = m->argc > 0 && *m->argv[0] != '\0' ? m->argv[0] : NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (nick == NULL)
    return;
  text = reason != NULL ? g_strdup_printf ("%s went offline (%s)", nick, reason)
                        : g_strdup_printf ("%s went offline", nick);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (gchat_conversation_remove_member (c, nick) ||
        (gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_QUERY &&
         gchat_conversation_is_named (c, nick)))
      gchat_conversation_add_text (c, GCHAT_MESSAGE_EVENT, text);
  }
  gchat_session_typing_gone (self, nick, NULL);
  gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_OFFLINE);
}

/* NICK: follow the person through members, queries and contacts. */
static void
handle_nick (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  gboolean         me;
  const char      *to;
  GchatContact    *contact;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (m->argc < 1 || nick == NULL)
    return;
  to = m->argv[0];
  /* The connection already took our new nick, so compare with the new one. */
  me = gchat_connection_is_me (self->conn, to);
  text = me ? g_strdup_printf ("You are now known as %s", to)
            : g_strdup_printf ("%s is now known as %s", nick, to);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    gboolean query = gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_QUERY &&
      gchat_conversation_is_named (c, nick);

    if (gchat_conversation_rename_member (c, nick, to) || query || (me && c == self->server))
      gchat_conversation_add_text (c, GCHAT_MESSAGE_EVENT, text);
    if (query && gchat_session_find (self, to) == NULL)
      gchat_conversation_set_name (c, to);
  }
  gchat_session_typing_gone (self, nick, to);
  contact = gchat_session_find_contact (self, nick);
  if (contact != NULL && gchat_session_find_contact (self, to) == NULL)
    gchat_contact_set_nick (contact, to);
  if (me) {
    g_free (self->nick);
    self->nick = g_strdup (to);
    gchat_session_update_status (self);
  }
}

/* TOPIC: someone changed a group's topic. */
static void
handle_topic (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  if (m->argc < 2 || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  gchat_conversation_set_topic (conv, m->argv[1]);
  if (*m->argv[1] == '\0')
    text = g_strdup_printf ("%s cleared the topic", nick != NULL ? nick : "The server");
  else
    text = g_strdup_printf ("%s changed the topic to: %s",
                            nick != NULL ? nick : "The server",
                            m->argv[1]);
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* One channel mode change in words ("made bob an admin"), or NULL if unknown. */
static char *
describe_channel_mode (char mode, gboolean add, const char *arg)
{
  switch (mode) {
    case 'o':
      return add ? g_strdup_printf ("made %s an admin", arg)
                 : g_strdup_printf ("took %s's admin rights", arg);
    case 'v':
      return add ? g_strdup_printf ("let %s speak in the moderated group", arg)
                 : g_strdup_printf ("took %s's voice", arg);
    case 'b':
      return add ? g_strdup_printf ("banned %s", arg)
                 : g_strdup_printf ("lifted the ban on %s", arg);
    case 'i':
      return g_strdup (add ? "made the group invite-only" : "opened the group to everyone");
    case 'k':
      return g_strdup (add ? "set a key (password) to join" : "removed the key");
    case 'l':
      return add ? g_strdup_printf ("limited the group to %s members", arg)
                 : g_strdup ("removed the member limit");
    case 'm':
      return g_strdup (add ? "made the group moderated" : "ended moderation");
    case 'n':
      return g_strdup (add ? "closed the group to outside messages"
                           : "allowed messages from outside the group");
    case 's':
      return g_strdup (add ? "made the group secret" : "made the group visible in the list");
    case 't':
      return g_strdup (add ? "let only admins set the topic" : "let everyone set the topic");
    default:
      return NULL;
  }
}

/*
 * MODE: member status changes update the member list; every change is
 * shown in words, with the mode line after it for those who know IRC:
 * "alice made bob an admin (+o bob)".
 */
static void
handle_mode (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autoptr (GString) text = NULL;
  g_autoptr (GString) raw = g_string_new (NULL);
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  struct chat_mode_spec   spec;
  struct chat_mode_change mc[CHAT_LINE_MAX];
  struct chat_mode_result res;

  if (m->argc < 2)
    return;
  for (int i = 1; i < m->argc; i++)
    g_string_append_printf (raw, "%s%s", i > 1 ? " " : "", m->argv[i]);
  text = g_string_new (nick != NULL ? nick : "The server");
  if (!chat_is_channel (m->argv[0])) {
    g_string_append_printf (text, " set user mode %s", raw->str);
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_EVENT, text->str);
    return;
  }
  if ((conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  gchat_connection_get_mode_spec (self->conn, &spec);
  chat_mode_parse (&spec,
                   m->argv[1],
                   (const char *const *)m->argv + 2,
                   m->argc - 2,
                   mc,
                   G_N_ELEMENTS (mc),
                   &res);
  for (size_t i = 0; i < res.n; i++) {
    const char *arg = mc[i].arg;
    gboolean    add = mc[i].add;
    char        letter = mc[i].letter;
    char       *word;

    if (arg != NULL && mc[i].type == CHAT_MODE_PREFIX)
      gchat_conversation_update_member_prefix (conv,
                                               arg,
                                               gchat_connection_prefix_for_mode (self->conn,
                                                                                 letter),
                                               add);
    word = describe_channel_mode (letter, add, arg != NULL ? arg : "?");
    g_ptr_array_add (words,
                     word != NULL ? word
                                  : g_strdup_printf ("set mode %c%c", add ? '+' : '-', letter));
  }
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf (text,
                            "%s%s",
                            i == 0                  ? " "
                              : i + 1 == words->len ? " and "
                                                    : ", ",
                            (char *)words->pdata[i]);
  g_string_append_printf (text, " (%s)", raw->str);
  gchat_session_group_mode (self, conv, nick, m);
  gchat_session_update_operator (self, conv);
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text->str);
}

/* AWAY (away-notify): someone went away or came back. */
static void
handle_away (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gboolean      away = m->argc > 0 && *m->argv[0] != '\0';
  GchatContact *contact;
  guint         n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (nick == NULL)
    return;
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    GchatMember *member = gchat_conversation_find_member (c, nick);

    if (member != NULL)
      gchat_member_set_away (member, away);
  }
  contact = gchat_session_find_contact (self, nick);
  if (contact != NULL) {
    gchat_contact_set_away_message (contact, away ? m->argv[0] : NULL);
    gchat_contact_set_presence (contact, away ? GCHAT_PRESENCE_AWAY : GCHAT_PRESENCE_ONLINE);
  }
}

/* ERROR: the server is closing our connection and says why. */
static void
handle_error (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = g_strdup_printf ("The server closed the connection: %s", last_arg (m));

  gchat_session_error (self, self->server, text);
}

/* FAIL, WARN, NOTE (IRCv3 standard replies): command code [context] :description. */
static void
handle_standard_reply (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  const char      *cmd = m->argc > 0 ? m->argv[0] : "*";

  if (m->argc < 3)
    return;
  if (strcmp (m->command, "FAIL") == 0) {
    if (gchat_session_chanadmin_fail (self, m) || gchat_session_history_fail (self, m))
      return;
    /* Someone without an account has no private history: nothing to show. */
    if (g_ascii_strcasecmp (cmd, "CHATHISTORY") == 0 &&
        g_ascii_strcasecmp (m->argv[1], "INVALID_TARGET") == 0)
      return;
    /* A refused transfer also says so on its own row. */
    gchat_session_sendfile_fail (self, m);
    if (g_ascii_strcasecmp (cmd, "PASSWORD") == 0 && self->old_password != NULL) {
      /* The change did not happen: keep logging in with the old one. */
      gchat_connection_set_password (self->conn, self->old_password);
      g_clear_pointer (&self->old_password, g_free);
    }
    text = g_strdup_printf ("%s failed: %s", cmd, last_arg (m));
    gchat_session_error (self, NULL, text);
  } else {
    text = g_strdup_printf ("%s: %s", cmd, last_arg (m));
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  }
}

/* INVITE: someone invites us to a group. */
static void
handle_invite (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  g_autoptr (GchatMessage) msg = NULL;

  if (m->argc < 2)
    return;
  text = g_strdup_printf ("%s invites you to %s (type /join %s)", nick, m->argv[1], m->argv[1]);
  msg = gchat_message_new (GCHAT_MESSAGE_INFO, nick, text, FALSE);
  gchat_conversation_add (gchat_session_note_target (self), msg);
  g_signal_emit (self, signals[SIG_NOTIFY_MESSAGE], 0, gchat_session_note_target (self), msg);
}

/* The parameters from @first on, joined by spaces. */
static char *
numeric_text_from (const struct chat_msg *m, int first)
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
static char *
numeric_text (const struct chat_msg *m)
{
  return numeric_text_from (m, 1);
}

/* REGISTER SUCCESS|VERIFICATION_REQUIRED account :text (account-registration). */
static void
handle_register (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;

  if (m->argc < 2)
    return;
  if (g_ascii_strcasecmp (m->argv[0], "SUCCESS") == 0) {
    gchat_connection_account_registered (self->conn);
    text = g_strdup_printf ("Account %s created", m->argv[1]);
  } else {
    text = g_strdup_printf ("Account %s: %s", m->argv[1], last_arg (m));
  }
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  if (gchat_session_note_target (self) != self->server)
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* UNREGISTER SUCCESS account :text: the account is gone, so is its password. */
static void
handle_unregister (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;

  if (m->argc < 2 || g_ascii_strcasecmp (m->argv[0], "SUCCESS") != 0)
    return;
  /* Reconnecting must not try to log in to it again. */
  gchat_connection_set_account (self->conn, NULL, NULL, FALSE);
  text = g_strdup_printf ("Account %s deleted", m->argv[1]);
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  if (gchat_session_note_target (self) != self->server)
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* Ask for the opponent's record, for the board (TTT STATS; chatd/ttt only). */
static void
gchat_session_ask_record (GchatSession *self, GchatGame *game)
{
  if (gchat_connection_has_cap (self->conn, "chatd/ttt"))
    gchat_server_requests_stats (self->requests, gchat_game_get_opponent (game));
}

/* A record arrived (GchatServerRequests::stats): show it on the boards of that opponent. */
static void
gchat_session_record_arrived (GchatServerRequests *requests,
                              const char          *nick,
                              const char          *error,
                              GchatSession        *self)
{
  guint            w, l, d;
  g_autofree char *text = NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  if (error != NULL || !gchat_server_requests_lookup_stats (requests, nick, &w, &l, &d))
    return;
  text = g_strdup_printf ("%s: %u won, %u lost, %u drawn", nick, w, l, d);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatGame) game = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (chat_casecmp (gchat_game_get_opponent (game), nick) == 0)
      gchat_game_set_record (game, text);
  }
}

/** gchat_session_find_game: the game with server id @id (borrowed), or NULL. */
GchatGame *
gchat_session_find_game (GchatSession *self, const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatGame) g = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (g_strcmp0 (gchat_game_get_id (g), id) == 0)
      return g;
  }
  return NULL;
}

/* A game we have not seen: keep it and show its board where it is played. */
static GchatGame *
gchat_session_add_game (GchatSession  *self,
                        const char    *id,
                        const char    *opponent,
                        GchatGameState state,
                        const char    *channel)
{
  g_autoptr (GchatGame) game = NULL;
  g_autoptr (GchatMessage) msg = NULL;
  GchatConversation *conv = NULL;
  gboolean           theirs = state == GCHAT_GAME_CHALLENGED;

  game = gchat_game_new (id, gchat_connection_get_nick (self->conn), opponent, state);
  if (channel != NULL && (conv = gchat_session_find (self, channel)) != NULL)
    gchat_game_set_where (game, channel);
  else
    conv = gchat_session_open_query (self, opponent, FALSE);
  g_list_store_append (self->games, game);
  gchat_session_ask_record (self, game);
  msg = gchat_message_new_item (theirs ? opponent : gchat_connection_get_nick (self->conn),
                                G_OBJECT (game),
                                !theirs);
  gchat_conversation_add (conv, msg);
  if (theirs)
    g_signal_emit (self, signals[SIG_NOTIFY_MESSAGE], 0, conv, msg);
  return game;
}

/*
 * TTT machine lines (doc/PROTOCOL.md, "The capability and the machine
 * lines"; gchat asks for the chatd/ttt capability so it gets only these):
 *   TTT INVITE <id> <from> <to> <from-mark> <status> [<#channel>]
 *   TTT STATE <id> <x> <o> <board> <turn> <result> <how> [<#channel>]
 *   TTT PLAYER <id> <nick> gone <seconds> | back
 * Anything else (END LIST, a STATS the UI did not ask for: the ones it
 * asked for go to GchatServerRequests first) is shown as text.
 */
static void
handle_ttt (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char        *me = gchat_connection_get_nick (self->conn);
  const char        *sub = m->argc > 0 ? m->argv[0] : "";
  enum chat_ttt_sub  s = chat_ttt_sub (sub);
  GchatGame         *game = m->argc > 1 ? gchat_session_find_game (self, m->argv[1]) : NULL;
  g_autofree char   *text = NULL;
  GchatConversation *conv;

  if (s == CHAT_TTT_SUB_INVITE && m->argc >= 6) {
    gboolean    mine = gchat_connection_is_me (self->conn, m->argv[2]);
    const char *channel = m->argc > 6 ? m->argv[6] : NULL;

    if (strcmp (m->argv[5], "pending") == 0 && game == NULL)
      gchat_session_add_game (self,
                              m->argv[1],
                              mine ? m->argv[3] : m->argv[2],
                              mine ? GCHAT_GAME_WAITING : GCHAT_GAME_CHALLENGED,
                              channel);
    else if (game != NULL)
      gchat_game_end_invitation (game, m->argv[5]);
    return;
  }
  if (s == CHAT_TTT_SUB_STATE && m->argc >= 8) {
    const char *x = m->argv[2];
    const char *o = m->argv[3];
    gboolean    was_over;

    if (game == NULL)
      game = gchat_session_add_game (self,
                                     m->argv[1],
                                     me != NULL && chat_casecmp (x, me) == 0 ? o : x,
                                     GCHAT_GAME_PLAYING,
                                     m->argc > 8 ? m->argv[8] : NULL);
    was_over = gchat_game_get_state (game) == GCHAT_GAME_OVER;
    if (!gchat_game_update (game, x, o, m->argv[4], m->argv[6], m->argv[7]))
      g_debug ("ignoring an impossible board for game %s", m->argv[1]);
    else if (!was_over && gchat_game_get_state (game) == GCHAT_GAME_OVER)
      gchat_session_ask_record (self, game); /* it changed with this result */
    return;
  }
  if (s == CHAT_TTT_SUB_PLAYER && m->argc >= 4 && game != NULL) {
    conv = gchat_session_find (self, gchat_game_get_where (game));
    if (g_ascii_strcasecmp (m->argv[3], "gone") == 0)
      text = g_strdup_printf ("%s left game %s and loses it in %s s unless they come back",
                              m->argv[2],
                              m->argv[1],
                              m->argc > 4 ? m->argv[4] : "?");
    else
      text = g_strdup_printf ("%s is back in game %s", m->argv[2], m->argv[1]);
    gchat_conversation_add_text (conv != NULL ? conv : gchat_session_note_target (self),
                                 GCHAT_MESSAGE_EVENT,
                                 text);
    return;
  }
  text = numeric_text_from (m, 0);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* Without the chatd/sendfile capability: chunks that fit a 512-byte line. */
#define UPLOAD_CHUNK_SMALL 300
/* Chunks in flight when the server does not say. */
#define UPLOAD_WINDOW_DEFAULT 8
/* How much of a file to send is hashed per read. */
#define SEND_FILE_HASH_PIECE (256 * 1024)

/** gchat_session_find_transfer: the transfer with our key or the server's id (borrowed). */
GchatTransfer *
gchat_session_find_transfer (GchatSession *self, const char *key_or_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

    if (g_strcmp0 (gchat_transfer_get_key (t), key_or_id) == 0 ||
        g_strcmp0 (gchat_transfer_get_id (t), key_or_id) == 0)
      return t;
  }
  return NULL;
}

/* Keep a transfer and show it in the conversation with @where. */
static void
gchat_session_add_transfer (GchatSession  *self,
                            GchatTransfer *t,
                            const char    *where,
                            const char    *from,
                            gboolean       own)
{
  g_autoptr (GchatMessage) msg = gchat_message_new_item (from, G_OBJECT (t), own);
  GchatConversation *conv;

  g_list_store_append (self->transfers, t);
  conv = chat_is_channel (where) ? gchat_session_find (self, where)
                                 : gchat_session_open_query (self, where, FALSE);
  if (conv == NULL)
    conv = self->server;
  gchat_conversation_add (conv, msg);
  if (!own)
    g_signal_emit (self, signals[SIG_NOTIFY_MESSAGE], 0, conv, msg);
}

/* The conversation a transfer is shown in (its peer's, or its channel's). */
static GchatConversation *
gchat_session_transfer_conversation (GchatSession *self, GchatTransfer *t)
{
  GchatConversation *conv = gchat_session_find (self, gchat_transfer_get_peer (t));

  return conv != NULL ? conv : gchat_session_note_target (self);
}

/* The bytes of one upload chunk, as big as chatd/sendfile and maxline allow. */
static guint64
gchat_session_upload_chunk (GchatSession *self)
{
  guint64 chunk =
    gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "chunk", UPLOAD_CHUNK_SMALL);

  /* The whole DATA line must fit the server's maxline. */
  chunk = MIN (chunk, (gchat_connection_get_max_line (self->conn) - 64) / 4 * 3);
  return MAX (chunk, 3);
}

static void gchat_session_pump_upload (GchatSession *self, GchatTransfer *t);

typedef struct
{
  GchatSession  *self;
  GchatTransfer *transfer;
} UploadRead;

/* A chunk came from the file: queue it and read on while the window has room. */
static void
upload_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadRead *r = user_data;
  g_autoptr (GchatSession) self = r->self;
  g_autoptr (GchatTransfer) t = r->transfer;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk = NULL;

  g_free (r);
  gchat_transfer_set_reading (t, FALSE);
  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  /* Without an id the connection dropped: the resumed upload seeks anew. */
  if (gchat_transfer_is_over (t) || self->conn == NULL || gchat_transfer_get_id (t) == NULL)
    return;
  if (chunk == NULL) {
    g_autofree char *text = g_strdup_printf ("Cannot read the file: %s", error->message);

    gchat_transfer_fail (t, text);
    return;
  }
  if (g_bytes_get_size (chunk) == 0) {
    gchat_transfer_fail (t, "The file became shorter while it was sent");
    return;
  }
  gchat_transfer_set_pending (t, chunk);
  gchat_session_pump_upload (self, t);
}

/*
 * Keep the upload going: queue the chunk already read, then read the next
 * one from the file (one read in flight) while fewer than window chunks
 * are unacknowledged; memory stays at about one window.
 */
static void
gchat_session_pump_upload (GchatSession *self, GchatTransfer *t)
{
  GInputStream *stream = gchat_transfer_get_upload (t);
  guint64       chunk = gchat_session_upload_chunk (self);
  guint64       window =
    gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "window", UPLOAD_WINDOW_DEFAULT);
  guint64 size = gchat_transfer_get_size (t);
  g_autoptr (GBytes) pending = NULL;
  struct chat_file_window w;
  uint64_t                next;
  size_t                  next_len;
  UploadRead             *r;

  if (stream == NULL || gchat_transfer_get_id (t) == NULL || gchat_transfer_is_over (t) ||
      gchat_transfer_get_reading (t))
    return;
  window = MAX (window, 1);
  pending = gchat_transfer_take_pending (t);
  if (pending != NULL) {
    guint64          off = gchat_transfer_get_sent (t);
    gsize            len = g_bytes_get_size (pending);
    g_autofree char *b64 = NULL;

    if (len > size - off) {
      gchat_transfer_fail (t, "The file grew while it was sent");
      return;
    }
    b64 = g_base64_encode (g_bytes_get_data (pending, NULL), len);
    if (!gchat_connection_send_data (self->conn, gchat_transfer_get_id (t), off, b64)) {
      /* The queue is full: keep the chunk, the next ACK pumps again. */
      gchat_transfer_set_pending (t, pending);
      return;
    }
    gchat_transfer_set_sent (t, off + len);
  }
  /* The window rule the server follows for downloads (libchat/file.c). */
  w.size = size;
  w.acked = gchat_transfer_get_done (t);
  w.sent = gchat_transfer_get_sent (t);
  w.chunk = (size_t)chunk;
  w.window = (unsigned)MIN (window, G_MAXUINT);
  if (!chat_file_window_next (&w, &next, &next_len))
    return;
  r = g_new0 (UploadRead, 1);
  r->self = g_object_ref (self);
  r->transfer = g_object_ref (t);
  gchat_transfer_set_reading (t, TRUE);
  g_input_stream_read_bytes_async (stream, next_len, G_PRIORITY_DEFAULT, NULL, upload_read_cb, r);
}

/* The server takes our upload from @offset: move the file there and start. */
static void
gchat_session_start_upload (GchatSession *self, GchatTransfer *t, guint64 offset)
{
  GInputStream *stream = gchat_transfer_get_upload (t);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) stale = gchat_transfer_take_pending (t);

  gchat_transfer_set_sent (t, offset);
  if (!gchat_transfer_sent (t, offset))
    return;
  /* A seek on a local file is an lseek: it does not wait for the disk. */
  if (stream == NULL || !G_IS_SEEKABLE (stream) ||
      !g_seekable_seek (G_SEEKABLE (stream), (goffset)offset, G_SEEK_SET, NULL, &error)) {
    gchat_transfer_fail (t, "Cannot go back in the file to resume it");
    return;
  }
  gchat_session_pump_upload (self, t);
}

/* Our upload named @t's recipient @nick as @state (ACCEPTED, DECLINED, COMPLETE, CANCELLED). */
static void
gchat_session_transfer_status (GchatSession  *self,
                               GchatTransfer *t,
                               const char    *nick,
                               const char    *state)
{
  g_autofree char *text = NULL;
  gboolean         me = gchat_connection_is_me (self->conn, nick);

  if (gchat_transfer_get_direction (t) == GCHAT_TRANSFER_RECEIVE) {
    if (g_ascii_strcasecmp (state, "CANCELLED") == 0)
      gchat_transfer_set_state (t, GCHAT_TRANSFER_CANCELLED);
    return;
  }
  if (me)
    return;
  if (g_ascii_strcasecmp (state, "ACCEPTED") == 0)
    text = g_strdup_printf ("%s is fetching %s", nick, gchat_transfer_get_name (t));
  else if (g_ascii_strcasecmp (state, "DECLINED") == 0)
    text = g_strdup_printf ("%s declined %s", nick, gchat_transfer_get_name (t));
  else if (g_ascii_strcasecmp (state, "COMPLETE") == 0)
    text = g_strdup_printf ("%s received %s", nick, gchat_transfer_get_name (t));
  else
    return;
  gchat_conversation_add_text (gchat_session_transfer_conversation (self, t),
                               GCHAT_MESSAGE_EVENT,
                               text);
}

/* More of a download is on disk: acknowledge exactly that much. */
static void
gchat_session_transfer_written (GchatSession *self, GchatTransfer *t)
{
  g_autofree char *acked = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_written (t));

  gchat_connection_sendv (self->conn, "SENDFILE", "ACK", gchat_transfer_get_id (t), acked, NULL);
}

/* Whether a download still in progress is going to @file. */
static gboolean
gchat_session_download_taken (GchatSession *self, GFile *file)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
    GFile *dest = gchat_transfer_get_destination (t);

    if (dest != NULL && !gchat_transfer_is_over (t) && g_file_equal (dest, file))
      return TRUE;
  }
  return FALSE;
}

/* Where an accepted download goes: its name in the download folder, not taken yet. */
static GFile *
gchat_session_download_file (GchatSession *self, GchatTransfer *t)
{
  const char      *dir = self->download_dir;
  const char      *name = gchat_transfer_get_name (t);
  const char      *dot = strrchr (name, '.');
  g_autofree char *stem =
    g_strndup (name, dot != NULL && dot != name ? (gsize)(dot - name) : strlen (name));
  const char *ext = dot != NULL && dot != name ? dot : "";
  GFile      *file = NULL;

  if (dir == NULL)
    dir = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  if (dir == NULL)
    dir = g_get_home_dir ();
  /* A stat is quick; a name already there gets " (2)", " (3)" ... */
  for (guint i = 1; i <= 100; i++) {
    g_autofree char *base = i == 1 ? g_strdup (name) : g_strdup_printf ("%s (%u)%s", stem, i, ext);

    g_clear_object (&file);
    file = g_file_new_build_filename (dir, base, NULL);
    if (!g_file_query_exists (file, NULL) && !gchat_session_download_taken (self, file))
      break;
  }
  return file;
}

/*
 * SENDFILE from the server (doc/PROTOCOL.md, "File transfer"):
 *   SENDFILE UPLOAD <id> <offset> :<name>      our offer was taken: upload
 *   SENDFILE ACK <id> <offset>                 our upload is stored that far
 *   SENDFILE STORED <id> <size> <sha256> <n>   verified and offered to n
 *   SENDFILE OFFER <id> <from> <to> <size> <sha256> <mime> :<name>
 *   SENDFILE BEGIN <id> <offset> <size>        our download starts there
 *   SENDFILE DATA <id> <offset> <base64>       a chunk for us; we ACK it
 *   SENDFILE STATUS <id> <nick> <state>        a recipient's progress
 * Refusals come as FAIL SENDFILE <code> <id>; ENTRY and END (LIST) are shown
 * as text.
 */
static void
handle_sendfile (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char        *sub = m->argc > 0 ? m->argv[0] : "";
  enum chat_file_sub s = chat_file_sub (sub);
  GchatTransfer     *t = m->argc > 1 ? gchat_session_find_transfer (self, m->argv[1]) : NULL;
  g_autofree char   *text = NULL;

  if (s == CHAT_FILE_SUB_UPLOAD && m->argc >= 3 && t == NULL) {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

    /* Offers are answered in order: the oldest one without an id is this one. */
    for (guint i = 0; i < n; i++) {
      g_autoptr (GchatTransfer) w = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
      guint64 offset = g_ascii_strtoull (m->argv[2], NULL, 10);

      if (gchat_transfer_get_direction (w) != GCHAT_TRANSFER_SEND ||
          gchat_transfer_get_id (w) != NULL || gchat_transfer_is_over (w))
        continue;
      gchat_transfer_set_id (w, m->argv[1]);
      gchat_session_start_upload (self, w, offset);
      return;
    }
  }
  if (s == CHAT_FILE_SUB_ACK && m->argc >= 3 && t != NULL) {
    if (gchat_transfer_sent (t, g_ascii_strtoull (m->argv[2], NULL, 10)))
      gchat_session_pump_upload (self, t);
    return;
  }
  if (s == CHAT_FILE_SUB_STORED && t != NULL) {
    gchat_transfer_finish (t);
    return;
  }
  if (s == CHAT_FILE_SUB_OFFER && t != NULL &&
      gchat_transfer_get_direction (t) == GCHAT_TRANSFER_RECEIVE &&
      gchat_transfer_get_state (t) == GCHAT_TRANSFER_ACTIVE) {
    /* Offered again after a reconnect: go on from what arrived. */
    g_autofree char *from = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_done (t));

    gchat_connection_sendv (self->conn, "SENDFILE", "ACCEPT", m->argv[1], from, NULL);
    return;
  }
  if (s == CHAT_FILE_SUB_OFFER && m->argc >= 8 && t == NULL) {
    g_autoptr (GchatTransfer) fresh = NULL;
    const char *to = m->argv[3];

    fresh = gchat_transfer_new (GCHAT_TRANSFER_RECEIVE,
                                m->argv[1],
                                chat_is_channel (to) ? to : m->argv[2],
                                m->argv[7],
                                g_ascii_strtoull (m->argv[4], NULL, 10),
                                m->argv[5]);
    g_signal_connect_object (fresh,
                             "written",
                             G_CALLBACK (gchat_session_transfer_written),
                             self,
                             G_CONNECT_SWAPPED);
    gchat_session_add_transfer (self,
                                fresh,
                                chat_is_channel (to) ? to : m->argv[2],
                                m->argv[2],
                                FALSE);
    return;
  }
  if (s == CHAT_FILE_SUB_BEGIN && m->argc >= 3 && t != NULL) {
    if (g_ascii_strtoull (m->argv[2], NULL, 10) != gchat_transfer_get_done (t))
      gchat_transfer_fail (t, "The server resent from an offset gchat does not have");
    return;
  }
  if (s == CHAT_FILE_SUB_DATA && m->argc >= 4 && t != NULL) {
    size_t             b64len = strlen (m->argv[3]);
    g_autofree guchar *data = g_malloc (b64len / 4 * 3 + 1);
    ssize_t            len = chat_file_b64_decode (data, m->argv[3], b64len);
    uint64_t           offset = 0;

    if (len < 0 || chat_file_parse_u64 (m->argv[2], &offset) != 0) {
      gchat_transfer_fail (t, "The server sent a malformed chunk");
      gchat_connection_sendv (self->conn, "SENDFILE", "DECLINE", m->argv[1], NULL);
      return;
    }
    if (!gchat_transfer_receive (t, offset, data, (gsize)len)) {
      gchat_connection_sendv (self->conn, "SENDFILE", "DECLINE", m->argv[1], NULL);
      return;
    }
    /* Chunks are acknowledged once written (gchat_session_transfer_written). */
    return;
  }
  if (s == CHAT_FILE_SUB_STATUS && m->argc >= 4 && t != NULL) {
    gchat_session_transfer_status (self, t, m->argv[2], m->argv[3]);
    return;
  }
  text = numeric_text_from (m, 0);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* FAIL SENDFILE <code> <id> :text: the transfer concerned fails in words. */
static gboolean
gchat_session_sendfile_fail (GchatSession *self, const struct chat_msg *m)
{
  GchatTransfer *t;

  if (m->argc < 4 || strcmp (m->argv[0], "SENDFILE") != 0 ||
      (t = gchat_session_find_transfer (self, m->argv[2])) == NULL)
    return FALSE;
  gchat_transfer_fail (t, last_arg (m));
  return TRUE;
}


/*
 * Group administration: the GchatGroup of each group (modes, bans,
 * permanent admins) is kept on its conversation and fed from here; the
 * group settings dialog and the member list read it.
 */

/** gchat_session_get_group: the administration state of group @conv (created on first use). */
GchatGroup *
gchat_session_get_group (GchatSession *self, GchatConversation *conv)
{
  GchatGroup *group;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (conv), NULL);
  group = g_object_get_data (G_OBJECT (conv), "gchat-group");
  if (group == NULL) {
    group = gchat_group_new (gchat_conversation_get_name (conv));
    g_object_set_data_full (G_OBJECT (conv), "gchat-group", group, g_object_unref);
  }
  return group;
}

/* The group called @name, when we have a conversation for it. */
static GchatGroup *
gchat_session_group_named (GchatSession *self, const char *name)
{
  GchatConversation *conv = gchat_session_find (self, name);

  if (conv == NULL || gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_CHANNEL)
    return NULL;
  return gchat_session_get_group (self, conv);
}

/* A MODE line for group @conv: its modes and ban list follow. */
static void
gchat_session_group_mode (GchatSession          *self,
                          GchatConversation     *conv,
                          const char            *nick,
                          const struct chat_msg *m)
{
  struct chat_mode_spec spec;

  gchat_connection_get_mode_spec (self->conn, &spec);
  gchat_group_apply_mode (gchat_session_get_group (self, conv),
                          nick,
                          m->argv[1],
                          (const char *const *)m->argv + 2,
                          m->argc - 2,
                          &spec);
}

/* 324 (the modes), 367 (a ban) and 368 (end of bans) for a group. */
static void
gchat_session_group_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatGroup *group = m->argc > 1 ? gchat_session_group_named (self, m->argv[1]) : NULL;

  if (group == NULL) {
    g_autofree char *text = numeric_text (m);

    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
    return;
  }
  if (num == RPL_CHANNELMODEIS && m->argc > 2) {
    struct chat_mode_spec spec;

    gchat_connection_get_mode_spec (self->conn, &spec);
    gchat_group_set_modes_reply (group,
                                 m->argv[2],
                                 (const char *const *)m->argv + 3,
                                 m->argc - 3,
                                 &spec);
  } else if (num == RPL_BANLIST && m->argc > 2)
    gchat_group_ban_listed (group,
                            m->argv[2],
                            m->argc > 3 ? m->argv[3] : NULL,
                            m->argc > 4 ? g_ascii_strtoll (m->argv[4], NULL, 10) : 0);
  else if (num == RPL_ENDOFBANLIST)
    gchat_group_ban_list_end (group);
}

/* CHANADMIN <#group> OWNER|ADMIN|END|ADDED|REMOVED [account] (chatd/chanadmin). */
static void
handle_chanadmin (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatGroup        *group = m->argc > 1 ? gchat_session_group_named (self, m->argv[0]) : NULL;
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  if (group == NULL ||
      !gchat_group_chanadmin_line (group, m->argv[1], m->argc > 2 ? m->argv[2] : NULL))
    return;
  if (g_ascii_strcasecmp (m->argv[1], "ADDED") == 0 && m->argc > 2)
    text = g_strdup_printf ("%s is now a permanent admin of %s", m->argv[2], m->argv[0]);
  else if (g_ascii_strcasecmp (m->argv[1], "REMOVED") == 0 && m->argc > 2)
    text = g_strdup_printf ("%s is no longer a permanent admin of %s", m->argv[2], m->argv[0]);
  if (text != NULL && (conv = gchat_session_find (self, m->argv[0])) != NULL)
    gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* FAIL CHANADMIN NOT_REGISTERED <#group>: not an error, the group is just not registered. */
static gboolean
gchat_session_chanadmin_fail (GchatSession *self, const struct chat_msg *m)
{
  GchatGroup *group;

  if (m->argc < 4 || g_ascii_strcasecmp (m->argv[0], "CHANADMIN") != 0 ||
      strcmp (m->argv[1], "NOT_REGISTERED") != 0 ||
      (group = gchat_session_group_named (self, m->argv[2])) == NULL)
    return FALSE;
  gchat_group_set_not_registered (group);
  return TRUE;
}

/* Ask who owns @channel: only someone logged in can own one, and the menus need to know. */
static void
gchat_session_chanadmin_ask (GchatSession *self, const char *channel)
{
  if (gchat_connection_has_cap (self->conn, "chatd/chanadmin") &&
      gchat_connection_get_logged_in (self->conn))
    gchat_connection_sendv (self->conn, "CHANADMIN", channel, NULL);
}

/** gchat_session_request_group: ask for @conv's modes, bans and (if possible) permanent admins. */
void
gchat_session_request_group (GchatSession *self, GchatConversation *conv)
{
  const char *name = gchat_conversation_get_name (conv);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED)
    return;
  gchat_connection_sendv (self->conn, "MODE", name, NULL);
  gchat_connection_sendv (self->conn, "MODE", name, "b", NULL);
  if (gchat_connection_has_cap (self->conn, "chatd/chanadmin"))
    gchat_connection_sendv (self->conn, "CHANADMIN", name, NULL);
}

/**
 * gchat_session_set_group_modes:
 * Send the MODE lines that change @conv's modes from what the server last
 * said to @wanted, as few as the server's MODES allows.
 */
void
gchat_session_set_group_modes (GchatSession          *self,
                               GchatConversation     *conv,
                               const GchatGroupModes *wanted)
{
  const char *max = gchat_connection_get_isupport (self->conn, "MODES");
  g_autoptr (GPtrArray) lines = NULL;

  g_return_if_fail (GCHAT_IS_SESSION (self));
  lines = gchat_group_modes_diff (gchat_group_get_modes (gchat_session_get_group (self, conv)),
                                  wanted,
                                  max != NULL ? (guint)g_ascii_strtoull (max, NULL, 10) : 0);
  for (guint i = 0; i < lines->len; i++) {
    g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
    g_auto (GStrv) argv = NULL;

    g_strv_builder_add (b, gchat_conversation_get_name (conv));
    g_strv_builder_addv (b, (const char **)g_ptr_array_index (lines, i));
    argv = g_strv_builder_end (b);
    gchat_connection_send (self->conn,
                           "MODE",
                           (int)g_strv_length (argv),
                           (const char *const *)argv);
  }
}

/** gchat_session_set_ban: ban (@add) or unban the mask @mask in @conv. */
void
gchat_session_set_ban (GchatSession *self, GchatConversation *conv, const char *mask, gboolean add)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn,
                          "MODE",
                          gchat_conversation_get_name (conv),
                          add ? "+b" : "-b",
                          mask,
                          NULL);
}

/** gchat_session_set_permanent_admin: make @account a permanent admin of @conv, or no more. */
void
gchat_session_set_permanent_admin (GchatSession      *self,
                                   GchatConversation *conv,
                                   const char        *account,
                                   gboolean           add)
{
  g_autofree char *arg = g_strconcat (add ? "+" : "-", account, NULL);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "CHANADMIN", gchat_conversation_get_name (conv), arg, NULL);
}

/** gchat_session_set_group_owner: hand the registered group @conv to @account (we stay admin). */
void
gchat_session_set_group_owner (GchatSession *self, GchatConversation *conv, const char *account)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn,
                          "CHANADMIN",
                          gchat_conversation_get_name (conv),
                          "OWNER",
                          account,
                          NULL);
}

/** gchat_session_is_group_owner: whether our account owns the registered group @conv. */
gboolean
gchat_session_is_group_owner (GchatSession *self, GchatConversation *conv)
{
  GchatGroup *group = g_object_get_data (G_OBJECT (conv), "gchat-group");
  const char *account = gchat_connection_get_account (self->conn);

  return group != NULL && gchat_connection_get_logged_in (self->conn) && account != NULL &&
    gchat_group_get_owner (group) != NULL &&
    chat_casecmp (gchat_group_get_owner (group), account) == 0;
}

/* CHATHISTORY TARGETS target time: a private conversation comes back with its history. */
static void
handle_chathistory (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char *target;

  if (m->argc < 3 || g_ascii_strcasecmp (m->argv[0], "TARGETS") != 0)
    return;
  target = m->argv[1];
  if (chat_is_channel (target) || !chat_nick_valid (target, CHAT_NICK_MAX) ||
      gchat_session_find (self, target) != NULL)
    return;
  gchat_session_open_query (self, target, FALSE);
  gchat_session_request_history (self, target);
}

/* Named commands, sorted by name for bsearch. */
struct handler_entry
{
  const char  *name;
  GchatHandler handler;
};

static const struct handler_entry handlers[] = {
  { "ACCOUNT", handle_account },
  { "AWAY", handle_away },
  { "BATCH", handle_batch },
  { "CHANADMIN", handle_chanadmin },
  { "CHATHISTORY", handle_chathistory },
  { "ERROR", handle_error },
  { "FAIL", handle_standard_reply },
  { "INVITE", handle_invite },
  { "JOIN", handle_join },
  { "KICK", handle_kick },
  { "MODE", handle_mode },
  { "NICK", handle_nick },
  { "NOTE", handle_standard_reply },
  { "NOTICE", handle_notice },
  { "PART", handle_part },
  { "PRIVMSG", handle_privmsg },
  { "QUIT", handle_quit },
  { "REGISTER", handle_register },
  { "SENDFILE", handle_sendfile },
  { "TAGMSG", handle_tagmsg },
  { "TOPIC", handle_topic },
  { "TTT", handle_ttt },
  { "UNREGISTER", handle_unregister },
  { "WARN", handle_standard_reply },
};

/* bsearch comparator over the handler table. */
static int
handler_compare (const void *key, const void *row)
{
  return strcmp (key, *(const char *const *)row);
}


/* An error numeric, put in words; specific wording for the common ones. */
static void
gchat_session_numeric_error (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char   *text = NULL;
  const char        *what = m->argc > 2 ? m->argv[1] : "";
  GchatConversation *conv = m->argc > 2 ? gchat_session_find (self, m->argv[1]) : NULL;

  switch (num) {
    case ERR_CHANOPRIVSNEEDED:
      text = g_strdup_printf ("You need to be an admin of %s to do that", what);
      break;
    case ERR_INVITEONLYCHAN:
      text = g_strdup_printf ("%s is private: you need an invitation to join", what);
      break;
    case ERR_BADCHANNELKEY:
      text = g_strdup_printf ("%s needs a key (password) to join", what);
      break;
    case ERR_BANNEDFROMCHAN:
      text = g_strdup_printf ("You are banned from %s", what);
      break;
    case ERR_CHANNELISFULL:
      text = g_strdup_printf ("%s is full", what);
      break;
    case ERR_NICKNAMEINUSE:
      text = g_strdup_printf ("The nick %s is already taken", what);
      break;
    case ERR_ERRONEUSNICKNAME:
      text = g_strdup_printf ("%s is not a valid nick", what);
      break;
    case ERR_NOSUCHNICK:
      text = g_strdup_printf ("%s is not online (no such nick or group)", what);
      break;
    case ERR_CANNOTSENDTOCHAN:
      text = g_strdup_printf ("Your message to %s was not delivered: %s", what, last_arg (m));
      break;
    case ERR_NOTONCHANNEL:
      text = g_strdup_printf ("You are not in %s", what);
      break;
    case ERR_INVALIDKEY:
      text = g_strdup_printf (
        "That key cannot be used for %s: no spaces, commas or colons, at most 32 characters", what);
      break;
    case ERR_INVALIDMODEPARAM:
      text = g_strdup_printf ("%s refused the setting: %s", what, last_arg (m));
      break;
    case ERR_SASLFAIL:
      text = g_strdup ("Login failed: wrong account name or password");
      break;
    case ERR_NICKLOCKED:
      text = g_strdup_printf ("Login refused: %s", last_arg (m));
      break;
    case ERR_PASSWDMISMATCH:
      text = g_strdup ("The server refused the password");
      break;
    case ERR_NOPRIVILEGES:
      text = g_strdup ("The server refused: only server operators may do that");
      break;
    case ERR_YOUREBANNEDCREEP:
      text = g_strdup_printf ("You are banned from this server: %s", last_arg (m));
      break;
    case ERR_UNKNOWNCOMMAND:
      if (g_ascii_strcasecmp (what, "LOGIN") == 0 || g_ascii_strcasecmp (what, "REGISTER") == 0)
        text = g_strdup ("This server has no accounts: you are chatting without one");
      else
        text = g_strdup_printf ("The server does not know the command %s", what);
      break;
    default: {
      g_autofree char *raw = numeric_text (m);

      text = g_strdup_printf ("Server error %03d: %s", num, raw);
      break;
    }
  }
  gchat_session_error (self, conv, text);
}

/* RPL_NAMREPLY: one batch of members; the first after a join replaces the list. */
static void
gchat_session_names (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_auto (GStrv) names = NULL;
  g_autofree char *folded = NULL;

  if (m->argc < 4 || (conv = gchat_session_find (self, m->argv[2])) == NULL)
    return;
  folded = g_ascii_strdown (m->argv[2], -1);
  if (!g_hash_table_contains (self->names_fresh, folded)) {
    gchat_conversation_clear_members (conv);
    g_hash_table_add (self->names_fresh, g_strdup (folded));
  }
  names = g_strsplit (m->argv[3], " ", -1);
  for (guint i = 0; names[i] != NULL; i++) {
    const char      *p = names[i];
    g_autofree char *nick = NULL;
    g_autofree char *prefixes = NULL;

    while (*p != '\0' && gchat_connection_mode_for_prefix (self->conn, *p) != '\0')
      p++;
    if (*p == '\0')
      continue;
    prefixes = g_strndup (names[i], p - names[i]);
    nick = g_strndup (p, strcspn (p, "!"));
    gchat_conversation_add_member (conv, nick, prefixes);
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
  }
}

/* RPL_ENDOFNAMES: the list is complete; apply the modes of a new private group. */
static void
gchat_session_names_end (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_autofree char   *folded = NULL;

  if (m->argc < 2)
    return;
  folded = g_ascii_strdown (m->argv[1], -1);
  g_hash_table_remove (self->names_fresh, folded);
  if ((conv = gchat_session_find (self, m->argv[1])) == NULL)
    return;
  gchat_session_update_operator (self, conv);
  if (gchat_conversation_get_operator (conv)) {
    const char *key = gchat_conversation_get_key (conv);

    if (g_hash_table_remove (self->pending_private, folded))
      gchat_connection_sendv (self->conn, "MODE", m->argv[1], "+i", NULL);
    if (key != NULL && g_hash_table_contains (self->pending_keys, folded))
      gchat_connection_sendv (self->conn, "MODE", m->argv[1], "+k", key, NULL);
  }
  g_hash_table_remove (self->pending_keys, folded);
  g_hash_table_remove (self->pending_private, folded);
}

/* Presence replies: 730/731 (MONITOR) and 303 (ISON). */
static void
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
static void
gchat_session_ison (GchatSession *self, const struct chat_msg *m)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
  g_auto (GStrv) online = g_strsplit (last_arg (m), " ", -1);

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
static gboolean
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

/*
 * Logged in with a server that keeps history: ask which private
 * conversations the account had in the last 30 days (CHATHISTORY
 * TARGETS), so they are back in the sidebar on any computer.
 */
static void
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

/*
 * The connection dropped: our unfinished uploads wait, without the id of a
 * connection that is gone, to be offered again (gchat_session_resume_uploads).
 */
static void
gchat_session_pause_uploads (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

    if (gchat_transfer_get_direction (t) != GCHAT_TRANSFER_SEND || gchat_transfer_is_over (t))
      continue;
    gchat_transfer_set_id (t, NULL);
    gchat_transfer_set_state (t, GCHAT_TRANSFER_WAITING);
  }
}

/*
 * Connected again: offer each unfinished upload with the same SENDFILE
 * line; the server's UPLOAD reply says where to go on (doc/PROTOCOL.md,
 * "Interruptions"), and a file it had whole is stored at once.
 */
static void
gchat_session_resume_uploads (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
    g_autofree char *name = NULL;
    g_autofree char *size = NULL;

    if (gchat_transfer_get_direction (t) != GCHAT_TRANSFER_SEND || gchat_transfer_is_over (t) ||
        gchat_transfer_get_id (t) != NULL)
      continue;
    name = g_strdup (gchat_transfer_get_name (t));
    g_strdelimit (name, " ", '_');
    size = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_size (t));
    gchat_connection_sendv (self->conn,
                            "SENDFILE",
                            "TO",
                            gchat_transfer_get_peer (t),
                            name,
                            size,
                            gchat_transfer_get_sha256 (t),
                            NULL);
  }
}

/* After the welcome: rejoin groups and start following contacts. */
static void
gchat_session_welcome (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  self->attempts = 0;
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

/* Numerics: the same constants the server uses, from numeric.h. */
static void
gchat_session_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  switch (num) {
    case RPL_WELCOME:
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, last_arg (m));
      gchat_session_welcome (self);
      return;
    case RPL_ISUPPORT:
    case RPL_TOPICWHOTIME:
    case RPL_CREATIONTIME:
    case RPL_ENDOFMONLIST:
    case RPL_MONLIST:
      return;
    case RPL_NAMREPLY:
      gchat_session_names (self, m);
      return;
    case RPL_WHOSPCRPL:
      if (gchat_session_whox_reply (self, m))
        return;
      break;
    case RPL_ENDOFWHO:
      if (gchat_session_whox_end (self, m))
        return;
      break;
    case RPL_CHANNELMODEIS:
    case RPL_BANLIST:
    case RPL_ENDOFBANLIST:
      /* Asked for by the group settings dialog, which shows them. */
      gchat_session_group_numeric (self, num, m);
      return;
    case RPL_ENDOFNAMES:
      gchat_session_names_end (self, m);
      return;
    case RPL_TOPIC:
      if (m->argc > 2 && (conv = gchat_session_find (self, m->argv[1])) != NULL) {
        gchat_conversation_set_topic (conv, m->argv[2]);
        text = g_strdup_printf ("Topic: %s", m->argv[2]);
        gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
      }
      return;
    case RPL_NOTOPIC:
      if (m->argc > 1 && (conv = gchat_session_find (self, m->argv[1])) != NULL)
        gchat_conversation_set_topic (conv, NULL);
      return;
    case RPL_AWAY:
      if (m->argc > 2) {
        GchatContact *contact = gchat_session_find_contact (self, m->argv[1]);

        conv = gchat_session_find (self, m->argv[1]);
        if (contact != NULL) {
          gchat_contact_set_presence (contact, GCHAT_PRESENCE_AWAY);
          if (g_strcmp0 (gchat_contact_get_away_message (contact), m->argv[2]) == 0)
            return;
          gchat_contact_set_away_message (contact, m->argv[2]);
        }
        text = g_strdup_printf ("%s is away: %s", m->argv[1], m->argv[2]);
        gchat_conversation_add_text (conv != NULL ? conv : gchat_session_note_target (self),
                                     GCHAT_MESSAGE_EVENT,
                                     text);
      }
      return;
    case RPL_LISTSTART:
      g_list_store_remove_all (self->group_list);
      return;
    case RPL_LIST:
      /* nick #name users :topic */
      if (m->argc > 3) {
        g_autoptr (GchatGroupInfo) info =
          gchat_group_info_new (m->argv[1],
                                (guint)g_ascii_strtoull (m->argv[2], NULL, 10),
                                m->argv[3]);

        g_list_store_append (self->group_list, info);
      }
      return;
    case RPL_LISTEND:
      return;
    case RPL_WHOISUSER:
      /* nick user host * :realname */
      if (m->argc > 5) {
        text = g_strdup_printf ("%s is %s (%s@%s)", m->argv[1], m->argv[5], m->argv[2], m->argv[3]);
        gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      }
      return;
    case RPL_WHOISACCOUNT:
      if (m->argc > 3) {
        gchat_session_member_account (self, m->argv[1], m->argv[2]);
        text = g_strdup_printf ("%s is logged in as %s", m->argv[1], m->argv[2]);
        gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      }
      return;
    case RPL_WHOISSERVER:
    case RPL_WHOISOPERATOR:
    case RPL_WHOISIDLE:
    case RPL_WHOISCHANNELS:
    case RPL_WHOISREGNICK:
    case RPL_WHOISHOST:
    case RPL_WHOISACTUALLY:
      /* The rest of a WHOIS answer goes where it was asked. */
      text = numeric_text (m);
      gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      return;
    case RPL_ENDOFWHOIS:
      return;
    case RPL_ENDOFMOTD:
      gchat_session_restore_queries (self);
      break;
    case RPL_LOCALUSERS:
    case RPL_GLOBALUSERS:
    case ERR_NOMOTD:
      if (num == ERR_NOMOTD)
        gchat_session_restore_queries (self);
      /* The counts are repeated in the text; a missing MOTD is no error. */
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, last_arg (m));
      return;
    case RPL_UNAWAY:
    case RPL_NOWAWAY:
      if (self->away != (num == RPL_NOWAWAY)) {
        self->away = num == RPL_NOWAWAY;
        g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_AWAY]);
        gchat_session_update_status (self);
      }
      G_GNUC_FALLTHROUGH;
    case RPL_INVITING:
      if (num == RPL_INVITING && m->argc > 2)
        text = g_strdup_printf ("Invited %s to %s", m->argv[1], m->argv[2]);
      else
        text = numeric_text (m);
      gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      return;
    case RPL_ISON:
      gchat_session_ison (self, m);
      return;
    case RPL_MONONLINE:
      gchat_session_presence_list (self, last_arg (m), ',', GCHAT_PRESENCE_ONLINE);
      return;
    case RPL_MONOFFLINE:
      gchat_session_presence_list (self, last_arg (m), ',', GCHAT_PRESENCE_OFFLINE);
      return;
    case RPL_LOGGEDIN:
      text = g_strdup_printf ("You are logged in as %s", m->argc > 2 ? m->argv[2] : "?");
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
      gchat_session_update_status (self);
      /* Logged in after the welcome (LOGIN, REGISTER): SASL's comes before. */
      if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
        gchat_session_restore_queries (self);
      return;
    case RPL_LOGGEDOUT:
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, "You are logged out");
      gchat_session_update_status (self);
      return;
    case RPL_SASLSUCCESS:
      return;
    case ERR_UNKNOWNCOMMAND:
      if (m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "ISON") == 0) {
        /* Presence then comes from shared groups only. */
        self->ison_unsupported = TRUE;
        return;
      }
      if (m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "CAP") == 0)
        return; /* a server without capability negotiation */
      break;
    case ERR_NICKNAMEINUSE:
    case ERR_ERRONEUSNICKNAME:
      if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED) {
        text = numeric_text (m);
        gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
        return;
      }
      break;
    case ERR_NICKLOCKED:
    case ERR_SASLFAIL:
    case ERR_SASLTOOLONG:
    case ERR_SASLABORTED:
    case ERR_SASLALREADY:
      /* Login errors are numbered above 900, but are errors all the same. */
      gchat_session_numeric_error (self, num, m);
      return;
    default:
      break;
  }
  if (num >= 400 && num < 600) {
    gchat_session_numeric_error (self, num, m);
    return;
  }
  text = numeric_text (m);
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
}

/* Dispatch one parsed line: numerics by number, commands through the table. */
static void
on_message_received (GchatConnection *conn, gpointer msg, gpointer user_data)
{
  GchatSession          *self = user_data;
  const struct chat_msg *m = msg;
  g_autofree char       *nick = source_nick (m);

  /* Replies to what a dialog asked for go to that dialog only. */
  if (gchat_server_requests_feed (self->requests, m))
    return;
  if (g_ascii_isdigit (m->command[0]) && strlen (m->command) == 3) {
    gchat_session_numeric (self, atoi (m->command), m);
  } else {
    const struct handler_entry *row =
      bsearch (m->command, handlers, G_N_ELEMENTS (handlers), sizeof handlers[0], handler_compare);

    if (row != NULL)
      row->handler (self, m, nick);
  }
}

/** gchat_session_supports: whether the server advertised @feature in ISUPPORT. */
gboolean
gchat_session_supports (GchatSession *self, const char *feature)
{
  return gchat_connection_get_isupport (self->conn, feature) != NULL;
}

/* A person's presence as seen in passing (channel traffic, QUIT). */
static void
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
static void
gchat_session_update_status (GchatSession *self)
{
  g_autofree char *status = NULL;

  switch (gchat_connection_get_state (self->conn)) {
    case GCHAT_CONNECTION_CONNECTING:
      status = g_strdup_printf ("Connecting to %s…", self->host);
      break;
    case GCHAT_CONNECTION_REGISTERING:
      status = g_strdup_printf ("Signing in to %s…", self->host);
      break;
    case GCHAT_CONNECTION_CONNECTED:
      status = g_strdup_printf ("Connected to %s as %s%s",
                                self->host,
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

/* Plan the next attempt: 1, 2, 4 ... seconds, capped. */
static void
gchat_session_schedule_reconnect (GchatSession *self)
{
  if (!self->want_connected || self->reconnect_source != 0)
    return;
  self->reconnect_delay = MIN (1u << MIN (self->attempts, 6u), GCHAT_SESSION_BACKOFF_MAX);
  self->attempts++;
  self->reconnect_source = g_timeout_add_seconds (self->reconnect_delay, reconnect_cb, self);
  gchat_session_update_status (self);
}

/* The connection dropped: mark everything offline and maybe reconnect. */
static void
on_disconnected (GchatConnection *conn, const char *reason, gpointer user_data)
{
  GchatSession    *self = user_data;
  g_autofree char *text = g_strdup_printf ("Disconnected: %s", reason);
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  g_clear_handle_id (&self->ison_source, g_source_remove);
  gchat_session_pause_uploads (self);
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
  gchat_session_history_reset (self);
  if (self->away) {
    self->away = FALSE;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_AWAY]);
  }
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
 * gchat_session_connect:
 * Connect (or reconnect with new parameters) and keep reconnecting with
 * backoff until gchat_session_disconnect.
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
    on_disconnected (self->conn, "Reconnecting with new settings", self);
  }
  g_free (self->host);
  self->host = g_strdup (host);
  self->port = port;
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
    on_disconnected (self->conn, "Cancelled", self);
  } else if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_DISCONNECTED) {
    gchat_connection_quit (self->conn, "Leaving");
  }
  gchat_session_update_status (self);
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

/** gchat_session_get_host: the server we connect to, or NULL. */
const char *
gchat_session_get_host (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return self->host;
}

/* Set an error that the entry shows; the text is also added to the active conversation. */
static gboolean gchat_session_fail (GchatSession *self, GError **error, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

static gboolean
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
static gboolean
gchat_session_check_online (GchatSession *self, GError **error)
{
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    return TRUE;
  return gchat_session_fail (self, error, "Not connected to a server yet");
}

/**
 * gchat_session_say:
 * Send @text to @conv as PRIVMSG (or a CTCP ACTION), split into lines that
 * fit once the server adds its prefix, and show it as our own message.
 */
gboolean
gchat_session_say (GchatSession      *self,
                   GchatConversation *conv,
                   const char        *text,
                   gboolean           action,
                   GError           **error)
{
  const char *target;
  gsize       room;
  gsize       len;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  if (conv == NULL || conv == self->server)
    return gchat_session_fail (
      self,
      error,
      "This is the server log: open a group (/join #name) or a person (/query nick) first");
  if (!gchat_conversation_get_joined (conv))
    return gchat_session_fail (self,
                               error,
                               "You are not in %s (type /join to go back)",
                               gchat_conversation_get_name (conv));
  if (*text == '\0')
    return FALSE;
  target = gchat_conversation_get_name (conv);
  room = CHAT_LINE_MAX - 2 - strlen ("PRIVMSG  :") - strlen (target) - RELAY_PREFIX_RESERVE -
    (action ? strlen ("\001ACTION \001") : 0);
  len = strlen (text);
  while (len > 0) {
    gsize            cut = chat_utf8_cut (text, len, room);
    g_autofree char *chunk = NULL;
    g_autofree char *wire = NULL;
    g_autoptr (GchatMessage) msg = NULL;

    if (cut == 0)
      break;
    chunk = g_strndup (text, cut);
    g_strdelimit (chunk, "\r\n", ' ');
    wire = action ? g_strdup_printf ("\001ACTION %s\001", chunk) : g_strdup (chunk);
    if (!gchat_connection_sendv (self->conn, "PRIVMSG", target, wire, NULL))
      return gchat_session_fail (self, error, "Could not send: the send queue is full");
    msg = gchat_message_new (action ? GCHAT_MESSAGE_ACTION : GCHAT_MESSAGE_TEXT,
                             gchat_connection_get_nick (self->conn),
                             chunk,
                             TRUE);
    gchat_conversation_add (conv, msg);
    text += cut;
    len -= cut;
  }
  return TRUE;
}

/**
 * gchat_session_join:
 * Join (or create) group @name. A new group we create gets +i when
 * @invite_only and +k when @key is set, once the server made us operator.
 */
gboolean
gchat_session_join (GchatSession *self,
                    const char   *name,
                    const char   *key,
                    gboolean      invite_only,
                    GError      **error)
{
  g_autofree char *chan = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  chan = chat_is_channel (name) ? g_strdup (name) : g_strconcat ("#", name, NULL);
  if (!chat_chan_valid (chan, CHAT_CHAN_MAX))
    return gchat_session_fail (
      self,
      error,
      "“%s” is not a valid group name (no spaces or commas, at most %d bytes)",
      chan,
      CHAT_CHAN_MAX);
  folded = g_ascii_strdown (chan, -1);
  if (key != NULL && *key == '\0')
    key = NULL;
  if (key != NULL)
    g_hash_table_insert (self->pending_keys, g_strdup (folded), g_strdup (key));
  if (invite_only)
    g_hash_table_add (self->pending_private, g_strdup (folded));
  g_hash_table_add (self->focus_on_join, g_strdup (folded));
  return gchat_connection_sendv (self->conn, "JOIN", chan, key, NULL);
}

/** gchat_session_set_topic: ask the server to change @conv's topic. */
void
gchat_session_set_topic (GchatSession *self, GchatConversation *conv, const char *topic)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TOPIC", gchat_conversation_get_name (conv), topic, NULL);
}

/** gchat_session_list_groups: ask the server for its groups (LIST) to fill the group list. */
void
gchat_session_list_groups (GchatSession *self)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    gchat_connection_sendv (self->conn, "LIST", NULL);
}

/** gchat_session_get_group_list: the groups of the last LIST (GchatGroupInfo). */
GListModel *
gchat_session_get_group_list (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->group_list);
}

/** gchat_session_whois: ask the server who @nick is; the answer is shown where we are. */
void
gchat_session_whois (GchatSession *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "WHOIS", nick, NULL);
}

/** gchat_session_kick: remove @nick from @conv. */
void
gchat_session_kick (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "KICK", gchat_conversation_get_name (conv), nick, NULL);
}

/** gchat_session_ban: ban @nick (nick!*@*) from @conv. */
void
gchat_session_ban (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_autofree char *mask = g_strdup_printf ("%s!*@*", nick);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "+b", mask, NULL);
}

/** gchat_session_make_admin: give @nick operator status (+o) in @conv. */
void
gchat_session_make_admin (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "+o", nick, NULL);
}

/** gchat_session_remove_admin: take operator status (-o) from @nick in @conv. */
void
gchat_session_remove_admin (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "-o", nick, NULL);
}

/** gchat_session_invite: invite @nick into @conv. */
void
gchat_session_invite (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "INVITE", nick, gchat_conversation_get_name (conv), NULL);
}

/**
 * gchat_session_ttt_challenge:
 * Challenge @nick (TTT INVITE), in @channel so its members watch, or
 * privately when @channel is NULL.
 */
gboolean
gchat_session_ttt_challenge (GchatSession *self,
                             const char   *nick,
                             const char   *channel,
                             GError      **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  if (!chat_nick_valid (nick, CHAT_NICK_MAX) || gchat_connection_is_me (self->conn, nick))
    return gchat_session_fail (self,
                               error,
                               "Challenge someone else: “%s” is not another person's nick",
                               nick);
  return gchat_connection_sendv (self->conn, "TTT", "INVITE", nick, channel, NULL);
}

/* The game against @nick that is being played, or NULL. */
static GchatGame *
gchat_session_game_with (GchatSession *self, const char *nick)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->games));

  for (guint i = n; i-- > 0;) {
    g_autoptr (GchatGame) g = g_list_model_get_item (G_LIST_MODEL (self->games), i);

    if (gchat_game_get_state (g) == GCHAT_GAME_PLAYING && gchat_game_get_my_mark (g) != 0 &&
        chat_casecmp (gchat_game_get_opponent (g), nick) == 0)
      return g;
  }
  return NULL;
}

/** gchat_session_ttt_move: play cell 1..9 in game @id (TTT MOVE id cell). */
void
gchat_session_ttt_move (GchatSession *self, const char *id, int cell)
{
  g_autofree char *c = g_strdup_printf ("%d", cell);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "MOVE", id, c, NULL);
}

/* /ttt nick cell: play in the running game against @nick. */
static gboolean
gchat_session_ttt_play (GchatSession *self, const char *nick, const char *cell, GError **error)
{
  GchatGame *game = gchat_session_game_with (self, nick);
  int        c = chat_ttt_parse_cell (cell);

  if (game == NULL)
    return gchat_session_fail (self,
                               error,
                               "You have no game running with %s (type /ttt %s to start one)",
                               nick,
                               nick);
  if (c < 0)
    return gchat_session_fail (self, error, "“%s” is not a cell: use 1 to 9 or a1 to c3", cell);
  gchat_session_ttt_move (self, gchat_game_get_id (game), c + 1);
  return TRUE;
}

/** gchat_session_ttt_answer: accept or decline invitation @id. */
void
gchat_session_ttt_answer (GchatSession *self, const char *id, gboolean accept)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", accept ? "ACCEPT" : "DECLINE", id, NULL);
}

/** gchat_session_ttt_rematch: invite the opponent of finished game @id again. */
void
gchat_session_ttt_rematch (GchatSession *self, const char *id)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "REMATCH", id, NULL);
}

/** gchat_session_ttt_resign: give up game @id. */
void
gchat_session_ttt_resign (GchatSession *self, const char *id)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TTT", "RESIGN", id, NULL);
}

/** gchat_session_get_games: every game seen in this session (GchatGame). */
GListModel *
gchat_session_get_games (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->games);
}


/* Hashing a file to send: it is read twice, once here and once to upload. */
typedef struct
{
  GchatSession *self;
  char         *target;
  GFile        *file;
  GInputStream *stream;
  GChecksum    *checksum;
  guint64       size;
  guint64       max;
} SendFileData;

/* Drop the state of a file being hashed. */
static void
send_file_data_free (SendFileData *d)
{
  g_object_unref (d->self);
  g_free (d->target);
  g_object_unref (d->file);
  g_clear_object (&d->stream);
  g_checksum_free (d->checksum);
  g_free (d);
}

/* Hashing stopped on @message: say so in the error bar. */
static void
send_file_error (SendFileData *d, const char *message)
{
  g_autofree char *text = g_strdup_printf ("Cannot read the file: %s", message);

  gchat_session_error (d->self, NULL, text);
  send_file_data_free (d);
}

/* The file is hashed: rewind it, offer it with SENDFILE, show it. */
static void
send_file_offer (SendFileData *d)
{
  GchatSession    *self = d->self;
  g_autofree char *name = g_file_get_basename (d->file);
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, d->size);
  const char      *sha = g_checksum_get_string (d->checksum);
  g_autoptr (GchatTransfer) t = NULL;
  g_autoptr (GError) error = NULL;

  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED) {
    send_file_error (d, "not connected any more");
    return;
  }
  if (!g_seekable_seek (G_SEEKABLE (d->stream), 0, G_SEEK_SET, NULL, &error)) {
    send_file_error (d, error->message);
    return;
  }
  t = gchat_transfer_new (GCHAT_TRANSFER_SEND, NULL, d->target, name, d->size, sha);
  gchat_transfer_set_upload (t, d->stream);
  /* Names cannot carry spaces on the wire; the server sanitises the rest. */
  g_strdelimit (name, " ", '_');
  gchat_connection_sendv (self->conn, "SENDFILE", "TO", d->target, name, size, sha, NULL);
  gchat_session_add_transfer (self, t, d->target, gchat_connection_get_nick (self->conn), TRUE);
  send_file_data_free (d);
}

/* Another piece of the file to hash; the next read, or the offer at the end. */
static void
send_file_hash_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendFileData *d = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) piece =
    g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;

  if (piece == NULL) {
    send_file_error (d, error->message);
    return;
  }
  len = g_bytes_get_size (piece);
  if (len == 0) {
    send_file_offer (d);
    return;
  }
  g_checksum_update (d->checksum, g_bytes_get_data (piece, NULL), len);
  d->size += len;
  if (d->size > d->max) {
    g_autofree char *max = gchat_transfer_format_size (d->max);
    g_autofree char *text =
      g_strdup_printf ("That file is too big (the server takes at most %s)", max);

    gchat_session_error (d->self, NULL, text);
    send_file_data_free (d);
    return;
  }
  g_input_stream_read_bytes_async (d->stream,
                                   SEND_FILE_HASH_PIECE,
                                   G_PRIORITY_DEFAULT,
                                   NULL,
                                   send_file_hash_cb,
                                   d);
}

/* The file to send is open: hash it piece by piece. */
static void
send_file_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendFileData *d = user_data;
  g_autoptr (GError) error = NULL;

  d->stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (source), result, &error));
  if (d->stream == NULL) {
    send_file_error (d, error->message);
    return;
  }
  g_input_stream_read_bytes_async (d->stream,
                                   SEND_FILE_HASH_PIECE,
                                   G_PRIORITY_DEFAULT,
                                   NULL,
                                   send_file_hash_cb,
                                   d);
}

/**
 * gchat_session_send_file:
 * Offer @file to @target (a nick or a group): it is read (asynchronously),
 * hashed and offered with SENDFILE; the upload starts when the server
 * answers UPLOAD.
 */
gboolean
gchat_session_send_file (GchatSession *self, const char *target, GFile *file, GError **error)
{
  SendFileData *d;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  d = g_new0 (SendFileData, 1);
  d->self = g_object_ref (self);
  d->target = g_strdup (target);
  d->file = g_object_ref (file);
  d->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* Without chatd/sendfile the server states no limit: it refuses with FAIL. */
  d->max = gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "maxsize", G_MAXUINT64);
  g_file_read_async (file, G_PRIORITY_DEFAULT, NULL, send_file_opened_cb, d);
  return TRUE;
}

/** gchat_session_transfer_answer: accept (download) or decline an offer. */
void
gchat_session_transfer_answer (GchatSession *self, const char *key, gboolean accept)
{
  GchatTransfer *t = gchat_session_find_transfer (self, key);

  if (t == NULL || gchat_transfer_get_state (t) != GCHAT_TRANSFER_OFFERED)
    return;
  gchat_connection_sendv (self->conn,
                          "SENDFILE",
                          accept ? "ACCEPT" : "DECLINE",
                          gchat_transfer_get_id (t),
                          NULL);
  if (accept) {
    g_autoptr (GFile) dest = gchat_session_download_file (self, t);

    gchat_transfer_set_destination (t, dest);
  }
  gchat_transfer_set_state (t, accept ? GCHAT_TRANSFER_ACTIVE : GCHAT_TRANSFER_DECLINED);
}

/**
 * gchat_session_transfer_cancel:
 * Stop a transfer: the sender withdraws it (CANCEL), a recipient refuses
 * the rest (DECLINE, as the protocol has it).
 */
void
gchat_session_transfer_cancel (GchatSession *self, const char *key)
{
  GchatTransfer *t = gchat_session_find_transfer (self, key);
  gboolean       send;

  if (t == NULL || gchat_transfer_is_over (t))
    return;
  send = gchat_transfer_get_direction (t) == GCHAT_TRANSFER_SEND;
  if (gchat_transfer_get_id (t) != NULL)
    gchat_connection_sendv (self->conn,
                            "SENDFILE",
                            send ? "CANCEL" : "DECLINE",
                            gchat_transfer_get_id (t),
                            NULL);
  gchat_transfer_set_state (t, GCHAT_TRANSFER_CANCELLED);
}

/** gchat_session_set_download_dir: where accepted files go (NULL: the download folder). */
void
gchat_session_set_download_dir (GchatSession *self, const char *dir)
{
  g_free (self->download_dir);
  self->download_dir = g_strdup (dir);
}

/** gchat_session_get_transfers: every transfer of this session (GchatTransfer). */
GListModel *
gchat_session_get_transfers (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->transfers);
}

/* The channel a command acts on: the active one, or an error. */
static GchatConversation *
gchat_session_need_channel (GchatSession *self, const char *command, GError **error)
{
  if (self->active != NULL &&
      gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL)
    return self->active;
  gchat_session_fail (self, error, "/%s works in a group: open one first", command);
  return NULL;
}

/* /quote: the raw line is parsed and formatted again, so it stays one valid line. */
static gboolean
gchat_session_quote (GchatSession *self, const char *raw, GError **error)
{
  struct chat_msg  m;
  g_autofree char *copy = g_strdup (raw);
  int              err;

  g_strdelimit (copy, "\r\n", ' ');
  err = chat_msg_parse (&m, copy, strlen (copy));
  if (err != CHAT_PARSE_OK)
    return gchat_session_fail (self, error, "Cannot send that line: %s", chat_parse_strerror (err));
  if (!gchat_connection_send (self->conn, m.command, m.argc, (const char *const *)m.argv))
    return gchat_session_fail (self, error, "Cannot send that line");
  return TRUE;
}

/**
 * gchat_session_change_password:
 * Ask the server to change the account's password. Later reconnects use
 * @new_password; a FAIL PASSWORD puts @old_password back.
 */
gboolean
gchat_session_change_password (GchatSession *self,
                               const char   *old_password,
                               const char   *new_password,
                               GError      **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "Log in to an account first to change its password");
  if (old_password == NULL || new_password == NULL || *new_password == '\0')
    return gchat_session_fail (self, error, "Type the old and the new password");
  if (!gchat_connection_sendv (self->conn, "PASSWORD", old_password, new_password, NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  g_free (self->old_password);
  self->old_password = g_strdup (old_password);
  gchat_connection_set_password (self->conn, new_password);
  return TRUE;
}

/**
 * gchat_session_unregister:
 * Ask the server to delete the account; its answer (UNREGISTER SUCCESS or
 * FAIL UNREGISTER) arrives later.
 */
gboolean
gchat_session_unregister (GchatSession *self, const char *password, GError **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "Log in to the account first to delete it");
  if (password == NULL || *password == '\0')
    return gchat_session_fail (self, error, "Type the password");
  if (!gchat_connection_sendv (self->conn, "UNREGISTER", password, NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  return TRUE;
}

/**
 * gchat_session_logout:
 * Log out of the account and stay connected; reconnects are anonymous.
 */
gboolean
gchat_session_logout (GchatSession *self, GError **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "You are not logged in");
  if (!gchat_connection_sendv (self->conn, "LOGOUT", NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  gchat_connection_set_account (self->conn, NULL, NULL, FALSE);
  return TRUE;
}

/* Run a parsed command (everything but plain text). */
static gboolean
gchat_session_command (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;
  const char        *a0 = cmd->argv[0];
  const char        *a1 = cmd->argv[1];

  switch (cmd->id) {
    case GCHAT_COMMAND_SAY:
      return gchat_session_say (self, self->active, a0, FALSE, error);
    case GCHAT_COMMAND_ME:
      return gchat_session_say (self, self->active, a0, TRUE, error);
    case GCHAT_COMMAND_HELP: {
      g_autofree char *help = gchat_command_help ();
      g_auto (GStrv) lines = g_strsplit (help, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        gchat_conversation_add_text (gchat_session_note_target (self),
                                     GCHAT_MESSAGE_INFO,
                                     lines[i]);
      return TRUE;
    }
    case GCHAT_COMMAND_CLOSE:
      if (self->active == NULL || self->active == self->server)
        return gchat_session_fail (self, error, "The server log cannot be closed");
      gchat_session_close_conversation (self, self->active);
      return TRUE;
    case GCHAT_COMMAND_QUERY:
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      conv = gchat_session_open_query (self, a0, TRUE);
      return a1 == NULL || gchat_session_say (self, conv, a1, FALSE, error);
    case GCHAT_COMMAND_SENDFILE: {
      g_autoptr (GFile) file = NULL;
      const char *target = a0;
      const char *path = a1;

      if (a1 == NULL) {
        /* "/sendfile path" in a conversation sends it there. */
        if (self->active == NULL || self->active == self->server)
          return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
        target = gchat_conversation_get_name (self->active);
        path = a0;
      }
      if (path == NULL)
        return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
      file = g_file_new_for_commandline_arg (path);
      return gchat_session_send_file (self, target, file, error);
    }
    default:
      break;
  }
  if (!gchat_session_check_online (self, error))
    return FALSE;
  switch (cmd->id) {
    case GCHAT_COMMAND_JOIN:
      if (a0 != NULL)
        return gchat_session_join (self, a0, a1, FALSE, error);
      if (self->active != NULL &&
          gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL)
        return gchat_session_join (self,
                                   gchat_conversation_get_name (self->active),
                                   gchat_conversation_get_key (self->active),
                                   FALSE,
                                   error);
      return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
    case GCHAT_COMMAND_PART: {
      g_autofree char *reason = NULL;
      const char      *chan;

      if (a0 != NULL && chat_is_channel (a0)) {
        chan = a0;
        reason = g_strdup (a1);
      } else {
        if ((conv = gchat_session_need_channel (self, "part", error)) == NULL)
          return FALSE;
        chan = gchat_conversation_get_name (conv);
        reason = a0 == NULL ? NULL : a1 == NULL ? g_strdup (a0) : g_strjoin (" ", a0, a1, NULL);
      }
      return gchat_connection_sendv (self->conn, "PART", chan, reason, NULL);
    }
    case GCHAT_COMMAND_MSG:
      if (chat_is_channel (a0)) {
        conv = gchat_session_find (self, a0);
        if (conv != NULL)
          return gchat_session_say (self, conv, a1, FALSE, error);
        return gchat_connection_sendv (self->conn, "PRIVMSG", a0, a1, NULL);
      }
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      return gchat_session_say (self, gchat_session_open_query (self, a0, FALSE), a1, FALSE, error);
    case GCHAT_COMMAND_TOPIC:
      if ((conv = gchat_session_need_channel (self, "topic", error)) == NULL)
        return FALSE;
      if (a0 == NULL) {
        g_autofree char *text =
          g_strdup_printf ("Topic: %s",
                           gchat_conversation_get_topic (conv) ? gchat_conversation_get_topic (conv)
                                                               : "(none)");

        gchat_conversation_add_text (conv, GCHAT_MESSAGE_INFO, text);
        return TRUE;
      }
      gchat_session_set_topic (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_KICK:
      if ((conv = gchat_session_need_channel (self, "kick", error)) == NULL)
        return FALSE;
      return gchat_connection_sendv (self->conn,
                                     "KICK",
                                     gchat_conversation_get_name (conv),
                                     a0,
                                     a1,
                                     NULL);
    case GCHAT_COMMAND_BAN:
      if ((conv = gchat_session_need_channel (self, "ban", error)) == NULL)
        return FALSE;
      gchat_session_ban (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_INVITE:
      if (a1 != NULL)
        return gchat_connection_sendv (self->conn, "INVITE", a0, a1, NULL);
      if ((conv = gchat_session_need_channel (self, "invite", error)) == NULL)
        return FALSE;
      gchat_session_invite (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_NICK:
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      return gchat_connection_sendv (self->conn, "NICK", a0, NULL);
    case GCHAT_COMMAND_AWAY:
      return gchat_connection_sendv (self->conn, "AWAY", a0, NULL);
    case GCHAT_COMMAND_TTT:
      if (a0 == NULL) {
        if (self->active == NULL ||
            gchat_conversation_get_kind (self->active) != GCHAT_CONVERSATION_QUERY)
          return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
        a0 = gchat_conversation_get_name (self->active);
      }
      if (a1 != NULL)
        return gchat_session_ttt_play (self, a0, a1, error);
      /* From a group, the game is played there for its members to watch. */
      return gchat_session_ttt_challenge (self,
                                          a0,
                                          self->active != NULL &&
                                              gchat_conversation_get_kind (self->active) ==
                                                GCHAT_CONVERSATION_CHANNEL
                                            ? gchat_conversation_get_name (self->active)
                                            : NULL,
                                          error);
    case GCHAT_COMMAND_QUOTE:
      return gchat_session_quote (self, a0, error);
    case GCHAT_COMMAND_PASSWORD:
      return gchat_session_change_password (self, a0, a1, error);
    case GCHAT_COMMAND_LOGOUT:
      return gchat_session_logout (self, error);
    case GCHAT_COMMAND_SAY:
    case GCHAT_COMMAND_ME:
    case GCHAT_COMMAND_CLOSE:
    case GCHAT_COMMAND_QUERY:
    case GCHAT_COMMAND_SENDFILE:
    case GCHAT_COMMAND_HELP:
    default:
      g_assert_not_reached ();
  }
  return FALSE;
}

/**
 * gchat_session_run:
 * Do what the user typed in the entry: plain text goes to the active
 * conversation, slash commands are parsed by gchat_command_parse. Errors are
 * shown in the active conversation and returned.
 */
gboolean
gchat_session_run (GchatSession *self, const char *input, GError **error)
{
  GchatCommand cmd;
  g_autoptr (GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_command_parse (input, &cmd, &local)) {
    if (!g_error_matches (local, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_EMPTY))
      gchat_conversation_add_text (gchat_session_note_target (self),
                                   GCHAT_MESSAGE_ERROR,
                                   local->message);
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  ok = gchat_session_command (self, &cmd, error);
  gchat_command_clear (&cmd);
  return ok;
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
  if (self->conn != NULL) {
    g_signal_handlers_disconnect_by_data (self->conn, self);
    gchat_connection_close (self->conn);
  }
  g_clear_object (&self->requests);
  g_clear_object (&self->conn);
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
  g_free (self->nick);
  g_free (self->realname);
  g_hash_table_unref (self->names_fresh);
  g_hash_table_unref (self->pending_keys);
  g_hash_table_unref (self->pending_private);
  g_hash_table_unref (self->focus_on_join);
  g_hash_table_unref (self->whox_pending);
  g_hash_table_unref (self->history_batches);
  g_ptr_array_unref (self->history_requests);
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
  self->names_fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending_private = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->focus_on_join = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->whox_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->history_batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->history_requests = g_ptr_array_new_with_free_func (history_request_free);
  server = gchat_conversation_new (GCHAT_CONVERSATION_SERVER, "Server");
  g_list_store_append (self->conversations, server);
  self->server = server;
  self->status = g_strdup ("Offline");
  g_signal_connect (self->conn, "message-received", G_CALLBACK (on_message_received), self);
  g_signal_connect (self->conn, "disconnected", G_CALLBACK (on_disconnected), self);
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
