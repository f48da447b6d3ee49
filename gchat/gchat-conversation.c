/*
 * gchat-conversation.c: one conversation's state. The messages and the
 * members are GListStores so views can show them directly; the unread count
 * grows only for chat from other people while the conversation is not the
 * one on screen.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-conversation.h"

struct _GchatConversation
{
  GObject parent_instance;

  GchatConversationKind kind;
  char                 *name;
  char                 *topic;
  char                 *key;
  gboolean              joined;
  gboolean              op;
  gboolean              active;
  gboolean              mentioned;
  guint                 unread;
  GListStore           *messages;
  GListStore           *members;
  GchatRankFunc         rank;
  gpointer              rank_data;
  GchatTyping          *typing; /* who else is typing here */
  GchatScrollbackState  scrollback;
  GDateTime            *read_marker; /* draft/read-marker: read up to here, or NULL */
};

G_DEFINE_FINAL_TYPE (GchatConversation, gchat_conversation, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatConversationKind,
                    gchat_conversation_kind,
                    G_DEFINE_ENUM_VALUE (GCHAT_CONVERSATION_SERVER, "server"),
                    G_DEFINE_ENUM_VALUE (GCHAT_CONVERSATION_CHANNEL, "channel"),
                    G_DEFINE_ENUM_VALUE (GCHAT_CONVERSATION_QUERY, "query"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_NAME,
  PROP_TOPIC,
  PROP_JOINED,
  PROP_OPERATOR,
  PROP_UNREAD,
  PROP_MENTIONED,
  PROP_SCROLLBACK,
  LAST_PROP
};

static GParamSpec *pspecs[LAST_PROP];

static void
gchat_conversation_dispose (GObject *object)
{
  GchatConversation *self = GCHAT_CONVERSATION (object);

  g_clear_object (&self->messages);
  g_clear_object (&self->members);
  g_clear_object (&self->typing);
  G_OBJECT_CLASS (gchat_conversation_parent_class)->dispose (object);
}

static void
gchat_conversation_finalize (GObject *object)
{
  GchatConversation *self = GCHAT_CONVERSATION (object);

  g_free (self->name);
  g_free (self->topic);
  g_free (self->key);
  g_clear_pointer (&self->read_marker, g_date_time_unref);
  G_OBJECT_CLASS (gchat_conversation_parent_class)->finalize (object);
}

static void
gchat_conversation_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatConversation *self = GCHAT_CONVERSATION (object);

  switch (prop_id) {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;
    case PROP_JOINED:
      g_value_set_boolean (value, self->joined);
      break;
    case PROP_OPERATOR:
      g_value_set_boolean (value, self->op);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    case PROP_MENTIONED:
      g_value_set_boolean (value, self->mentioned);
      break;
    case PROP_SCROLLBACK:
      g_value_set_enum (value, self->scrollback);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_conversation_class_init (GchatConversationClass *klass)
{
  GObjectClass     *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = gchat_conversation_dispose;
  object_class->finalize = gchat_conversation_finalize;
  object_class->get_property = gchat_conversation_get_property;

  /** GchatConversation:kind: channel, query or server. */
  pspecs[PROP_KIND] = g_param_spec_enum ("kind",
                                         NULL,
                                         NULL,
                                         GCHAT_TYPE_CONVERSATION_KIND,
                                         GCHAT_CONVERSATION_CHANNEL,
                                         ro);
  /** GchatConversation:name: the channel name or the other person's nick. */
  pspecs[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  /** GchatConversation:topic: the channel topic, or NULL. */
  pspecs[PROP_TOPIC] = g_param_spec_string ("topic", NULL, NULL, NULL, ro);
  /** GchatConversation:joined: whether we are in the channel (queries: TRUE). */
  pspecs[PROP_JOINED] = g_param_spec_boolean ("joined", NULL, NULL, FALSE, ro);
  /** GchatConversation:operator: whether we hold channel operator status. */
  pspecs[PROP_OPERATOR] = g_param_spec_boolean ("operator", NULL, NULL, FALSE, ro);
  /** GchatConversation:unread: chat messages not seen yet. */
  pspecs[PROP_UNREAD] = g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /** GchatConversation:mentioned: an unread message mentions us. */
  pspecs[PROP_MENTIONED] = g_param_spec_boolean ("mentioned", NULL, NULL, FALSE, ro);
  /** GchatConversation:scrollback: where loading earlier messages stands. */
  pspecs[PROP_SCROLLBACK] = g_param_spec_enum ("scrollback",
                                               NULL,
                                               NULL,
                                               GCHAT_TYPE_SCROLLBACK_STATE,
                                               GCHAT_SCROLLBACK_NONE,
                                               ro);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_conversation_init (GchatConversation *self)
{
  self->messages = g_list_store_new (GCHAT_TYPE_MESSAGE);
  self->members = g_list_store_new (GCHAT_TYPE_MEMBER);
  self->typing = gchat_typing_new ();
}

/** gchat_conversation_get_typing: who else is typing here (IRCv3 +typing). */
GchatTyping *
gchat_conversation_get_typing (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return self->typing;
}

/** gchat_conversation_new: an empty conversation. */
GchatConversation *
gchat_conversation_new (GchatConversationKind kind, const char *name)
{
  GchatConversation *self = g_object_new (GCHAT_TYPE_CONVERSATION, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  self->joined = kind != GCHAT_CONVERSATION_CHANNEL;
  self->scrollback =
    kind == GCHAT_CONVERSATION_SERVER ? GCHAT_SCROLLBACK_NONE : GCHAT_SCROLLBACK_MORE;
  return self;
}

/** gchat_conversation_get_kind: channel, query or server. */
GchatConversationKind
gchat_conversation_get_kind (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), GCHAT_CONVERSATION_SERVER);
  return self->kind;
}

/** gchat_conversation_get_name: the channel name or nick. */
const char *
gchat_conversation_get_name (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return self->name;
}

/** gchat_conversation_set_name: follow a nick change of a query partner. */
void
gchat_conversation_set_name (GchatConversation *self, const char *name)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_NAME]);
}

/** gchat_conversation_is_named: whether @name is ours under the case mapping. */
gboolean
gchat_conversation_is_named (GchatConversation *self, const char *name)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  return name != NULL && chat_casecmp (self->name, name) == 0;
}

/** gchat_conversation_get_topic: the topic, or NULL. */
const char *
gchat_conversation_get_topic (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return self->topic;
}

/** gchat_conversation_set_topic: record a new topic (empty clears it). */
void
gchat_conversation_set_topic (GchatConversation *self, const char *topic)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (topic != NULL && *topic == '\0')
    topic = NULL;
  if (g_strcmp0 (self->topic, topic) == 0)
    return;
  g_free (self->topic);
  self->topic = g_strdup (topic);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_TOPIC]);
}

/** gchat_conversation_get_key: the channel key we joined with, or NULL. */
const char *
gchat_conversation_get_key (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return self->key;
}

/** gchat_conversation_set_key: remember the key for rejoining after a reconnect. */
void
gchat_conversation_set_key (GchatConversation *self, const char *key)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  g_free (self->key);
  self->key = g_strdup (key != NULL && *key != '\0' ? key : NULL);
}

/** gchat_conversation_get_joined: whether we are in it. */
gboolean
gchat_conversation_get_joined (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  return self->joined;
}

/** gchat_conversation_set_joined: record joining or leaving. */
void
gchat_conversation_set_joined (GchatConversation *self, gboolean joined)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (self->joined == joined)
    return;
  self->joined = joined;
  if (!joined) {
    gchat_conversation_clear_members (self);
    gchat_conversation_set_operator (self, FALSE);
  }
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_JOINED]);
}

/** gchat_conversation_get_operator: whether we are a channel operator. */
gboolean
gchat_conversation_get_operator (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  return self->op;
}

/** gchat_conversation_set_operator: record our operator status. */
void
gchat_conversation_set_operator (GchatConversation *self, gboolean op)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (self->op == op)
    return;
  self->op = op;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_OPERATOR]);
}

/** gchat_conversation_get_messages: the items, oldest first. */
GListModel *
gchat_conversation_get_messages (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return G_LIST_MODEL (self->messages);
}

/*
 * Whether @message is news: someone else's chat, live or, once the server
 * said how far we have read (read marker), from history after that point.
 */
static gboolean
gchat_conversation_is_news (GchatConversation *self, GchatMessage *message)
{
  if (gchat_message_get_own (message) || !gchat_message_is_chat (message))
    return FALSE;
  if (self->read_marker != NULL)
    return g_date_time_compare (gchat_message_get_time (message), self->read_marker) > 0;
  return !gchat_message_get_history (message);
}

/**
 * gchat_conversation_add:
 * Append @message, drop the oldest beyond the scrollback, and count it as
 * unread when someone else said it while we look elsewhere.
 */
void
gchat_conversation_add (GchatConversation *self, GchatMessage *message)
{
  guint n;
  guint at;

  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  /*
   * Messages carry their server time: history loaded after "You joined"
   * goes before the lines that are newer than it (a bounded walk back).
   * Within a second the order of arrival wins, so that the server's clock
   * against ours never swaps live lines.
   */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (at = n; at > 0 && n - at < GCHAT_CONVERSATION_SCROLLBACK; at--) {
    g_autoptr (GchatMessage) prev = g_list_model_get_item (G_LIST_MODEL (self->messages), at - 1);

    if (g_date_time_difference (gchat_message_get_time (prev), gchat_message_get_time (message)) <=
        G_TIME_SPAN_SECOND)
      break;
  }
  g_list_store_insert (self->messages, at, message);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  if (n > GCHAT_CONVERSATION_SCROLLBACK) {
    g_list_store_splice (self->messages, 0, n - GCHAT_CONVERSATION_SCROLLBACK, NULL, 0);
    /* Loading earlier lines again would push out the newest. */
    if (self->scrollback != GCHAT_SCROLLBACK_NONE)
      gchat_conversation_set_scrollback (self, GCHAT_SCROLLBACK_FULL);
  }
  /* History was said before we came: it is news only after the read marker. */
  if (self->active || !gchat_conversation_is_news (self, message))
    return;
  self->unread++;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_UNREAD]);
  if (gchat_message_get_highlight (message) && !self->mentioned) {
    self->mentioned = TRUE;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_MENTIONED]);
  }
}

/**
 * gchat_conversation_mark_history_end:
 * Put the one divider row ("Earlier messages") right after the newest message
 * loaded from history, so loaded and live lines are told apart; a divider
 * from an earlier load moves. Nothing happens without history.
 */
void
gchat_conversation_mark_history_end (GchatConversation *self)
{
  GListModel *model;
  guint       n;
  guint       last = G_MAXUINT;
  g_autoptr (GchatMessage) divider = NULL;

  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  model = G_LIST_MODEL (self->messages);
  n = g_list_model_get_n_items (model);
  for (guint i = n; i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (gchat_message_get_divider (msg) &&
        g_strcmp0 (gchat_message_get_text (msg), GCHAT_CONVERSATION_NEW_MESSAGES) != 0) {
      g_list_store_remove (self->messages, i - 1);
      if (last != G_MAXUINT)
        last--;
    } else if (last == G_MAXUINT && gchat_message_get_history (msg)) {
      last = i - 1;
    }
  }
  if (last == G_MAXUINT)
    return;
  {
    g_autoptr (GchatMessage) prev = g_list_model_get_item (model, last);

    divider = gchat_message_new_divider ("Earlier messages");
    gchat_message_set_time (divider, gchat_message_get_time (prev));
  }
  g_list_store_insert (self->messages, last + 1, divider);
}

/**
 * gchat_conversation_mark_first_unread:
 * Put the one "New messages" divider before the first unread line (the
 * unread count's worth of others' live chat lines, from the end), removing
 * an older one; call it before the conversation is marked read.
 * Returns: the divider's position in the messages, or G_MAXUINT when
 * nothing is unread.
 */
guint
gchat_conversation_mark_first_unread (GchatConversation *self)
{
  GListModel *model;
  guint       left, at = G_MAXUINT;
  g_autoptr (GchatMessage) divider = NULL;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), G_MAXUINT);
  model = G_LIST_MODEL (self->messages);
  left = self->unread;
  for (guint i = g_list_model_get_n_items (model); i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (gchat_message_get_divider (msg) &&
        g_strcmp0 (gchat_message_get_text (msg), GCHAT_CONVERSATION_NEW_MESSAGES) == 0) {
      g_list_store_remove (self->messages, i - 1);
      if (at != G_MAXUINT)
        at--;
    } else if (left > 0 && gchat_conversation_is_news (self, msg) && --left == 0) {
      at = i - 1;
    }
  }
  if (at == G_MAXUINT)
    return G_MAXUINT;
  {
    g_autoptr (GchatMessage) next = g_list_model_get_item (model, at);

    divider = gchat_message_new_divider (GCHAT_CONVERSATION_NEW_MESSAGES);
    gchat_message_set_time (divider, gchat_message_get_time (next));
  }
  g_list_store_insert (self->messages, at, divider);
  return at;
}

/** gchat_conversation_find_first_unread: where the "New messages" divider is, or G_MAXUINT. */
guint
gchat_conversation_find_first_unread (GchatConversation *self)
{
  GListModel *model;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), G_MAXUINT);
  model = G_LIST_MODEL (self->messages);
  for (guint i = g_list_model_get_n_items (model); i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (gchat_message_get_divider (msg) &&
        g_strcmp0 (gchat_message_get_text (msg), GCHAT_CONVERSATION_NEW_MESSAGES) == 0)
      return i - 1;
  }
  return G_MAXUINT;
}

/*
 * How far apart in time two lines may be and still be one: a second, or
 * a minute for our own lines, which carry our clock until the server's
 * comes back.
 */
static GTimeSpan
copy_slack (GchatMessage *message)
{
  return gchat_message_get_own (message) ? 60 * G_TIME_SPAN_SECOND : G_TIME_SPAN_SECOND;
}

/* Whether @m and @message are the same line: kind, sender and text (time aside). */
static gboolean
is_copy (GchatMessage *m, GchatMessage *message)
{
  gboolean own = gchat_message_get_own (message);

  return gchat_message_get_kind (m) == gchat_message_get_kind (message) &&
    gchat_message_get_own (m) == own &&
    g_strcmp0 (gchat_message_get_text (m), gchat_message_get_text (message)) == 0 &&
    (own || g_strcmp0 (gchat_message_get_nick (m), gchat_message_get_nick (message)) == 0);
}

/**
 * gchat_conversation_has_copy: whether @message, loaded from history, is
 * already shown: the same line at the same time (see copy_slack), looked
 * for back from the newest. A reconnect loads the latest lines again.
 */
gboolean
gchat_conversation_has_copy (GchatConversation *self, GchatMessage *message)
{
  GDateTime *when = gchat_message_get_time (message);
  GTimeSpan  slack = copy_slack (message);
  guint      n;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = n; i > 0; i--) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (G_LIST_MODEL (self->messages), i - 1);
    GTimeSpan diff = g_date_time_difference (gchat_message_get_time (m), when);

    if (diff < -slack)
      break; /* older than the window, and so is everything before it */
    if (diff <= slack && is_copy (m, message))
      return TRUE;
  }
  return FALSE;
}

/** gchat_conversation_add_text: append a note without a sender (event, info, error). */
void
gchat_conversation_add_text (GchatConversation *self, GchatMessageKind kind, const char *text)
{
  g_autoptr (GchatMessage) message = gchat_message_new (kind, NULL, text, FALSE);

  gchat_conversation_add (self, message);
}

/** gchat_conversation_get_unread: chat messages not seen yet. */
guint
gchat_conversation_get_unread (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), 0);
  return self->unread;
}

/** gchat_conversation_get_mentioned: whether an unread message mentions us. */
gboolean
gchat_conversation_get_mentioned (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  return self->mentioned;
}

/** gchat_conversation_mark_read: everything has been seen. */
void
gchat_conversation_mark_read (GchatConversation *self)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (self->unread != 0) {
    self->unread = 0;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_UNREAD]);
  }
  if (self->mentioned) {
    self->mentioned = FALSE;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_MENTIONED]);
  }
}

/** gchat_conversation_set_active: whether it is the one on screen (read as it comes). */
void
gchat_conversation_set_active (GchatConversation *self, gboolean active)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  self->active = active;
  if (active)
    gchat_conversation_mark_read (self);
}

/**
 * gchat_conversation_set_read_marker: how far the account has read here
 * (draft/read-marker, maybe on another computer; never back): what is
 * older is read, what is newer (history included) unread unless on screen.
 */
void
gchat_conversation_set_read_marker (GchatConversation *self, GDateTime *marker)
{
  GListModel *model;
  guint       unread = 0;
  gboolean    mentioned = FALSE;

  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (marker == NULL ||
      (self->read_marker != NULL && g_date_time_compare (marker, self->read_marker) <= 0))
    return;
  g_clear_pointer (&self->read_marker, g_date_time_unref);
  self->read_marker = g_date_time_ref (marker);
  if (self->active)
    return;
  model = G_LIST_MODEL (self->messages);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i);

    if (gchat_conversation_is_news (self, msg)) {
      unread++;
      mentioned = mentioned || gchat_message_get_highlight (msg);
    }
  }
  if (unread != self->unread) {
    self->unread = unread;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_UNREAD]);
  }
  if (mentioned != self->mentioned) {
    self->mentioned = mentioned;
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_MENTIONED]);
  }
}

/** gchat_conversation_get_read_marker: how far the account has read here, or NULL. */
GDateTime *
gchat_conversation_get_read_marker (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return self->read_marker;
}

/**
 * gchat_conversation_remove_msgid: take away the message the server calls
 * @msgid (withdrawn with REDACT). Returns whether it was shown.
 */
gboolean
gchat_conversation_remove_msgid (GchatConversation *self, const char *msgid)
{
  GListModel *model;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  model = G_LIST_MODEL (self->messages);
  for (guint i = g_list_model_get_n_items (model); msgid != NULL && i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (model, i - 1);

    if (g_strcmp0 (gchat_message_get_msgid (msg), msgid) != 0)
      continue;
    g_list_store_remove (self->messages, i - 1);
    if (!self->active && self->unread > 0 && gchat_conversation_is_news (self, msg)) {
      self->unread--;
      g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_UNREAD]);
    }
    return TRUE;
  }
  return FALSE;
}

/** gchat_conversation_get_active: whether it is on screen. */
gboolean
gchat_conversation_get_active (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  return self->active;
}

/** gchat_conversation_get_members: the members, operators first. */
GListModel *
gchat_conversation_get_members (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  return G_LIST_MODEL (self->members);
}

/** gchat_conversation_set_rank_func: how to order status prefixes (the server's PREFIX). */
void
gchat_conversation_set_rank_func (GchatConversation *self, GchatRankFunc func, gpointer user_data)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  self->rank = func;
  self->rank_data = user_data;
}

/* Rank of a prefix symbol: lower is higher status; no prefix sorts last. */
static int
gchat_conversation_rank (GchatConversation *self, char symbol)
{
  int r;

  if (symbol == '\0')
    return G_MAXINT;
  if (self->rank != NULL) {
    r = self->rank (symbol, self->rank_data);
    return r < 0 ? G_MAXINT : r;
  }
  return symbol == '@' ? 0 : symbol == '+' ? 1 : G_MAXINT;
}

/* Sort members by their highest status, then by name. */
static int
member_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GchatConversation *self = user_data;
  GchatMember       *ma = (GchatMember *)a;
  GchatMember       *mb = (GchatMember *)b;
  int                ra = gchat_conversation_rank (self, gchat_member_get_prefixes (ma)[0]);
  int                rb = gchat_conversation_rank (self, gchat_member_get_prefixes (mb)[0]);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  return chat_casecmp (gchat_member_get_nick (ma), gchat_member_get_nick (mb));
}

/* Position of @nick in the member store, or -1. */
static int
gchat_conversation_member_index (GchatConversation *self, const char *nick)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->members));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatMember) m = g_list_model_get_item (G_LIST_MODEL (self->members), i);

    if (chat_casecmp (gchat_member_get_nick (m), nick) == 0)
      return (int)i;
  }
  return -1;
}

/** gchat_conversation_find_member: the member called @nick (borrowed), or NULL. */
GchatMember *
gchat_conversation_find_member (GchatConversation *self, const char *nick)
{
  g_autoptr (GchatMember) m = NULL;
  int i;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  i = gchat_conversation_member_index (self, nick);
  if (i < 0)
    return NULL;
  m = g_list_model_get_item (G_LIST_MODEL (self->members), i);
  return m; /* the store keeps its own reference */
}

/** gchat_conversation_add_member: add or update a member; returns it (borrowed). */
GchatMember *
gchat_conversation_add_member (GchatConversation *self, const char *nick, const char *prefixes)
{
  g_autoptr (GchatMember) m = NULL;
  int i;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), NULL);
  i = gchat_conversation_member_index (self, nick);
  if (i >= 0) {
    m = g_list_model_get_item (G_LIST_MODEL (self->members), i);
    if (g_strcmp0 (gchat_member_get_prefixes (m), prefixes != NULL ? prefixes : "") == 0)
      return m;
    g_list_store_remove (self->members, i);
    gchat_member_set_prefixes (m, prefixes);
  } else {
    m = gchat_member_new (nick, prefixes);
  }
  g_list_store_insert_sorted (self->members, m, member_compare, self);
  return m;
}

/** gchat_conversation_remove_member: drop @nick; FALSE if it was not a member. */
gboolean
gchat_conversation_remove_member (GchatConversation *self, const char *nick)
{
  int i;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  i = gchat_conversation_member_index (self, nick);
  if (i < 0)
    return FALSE;
  g_list_store_remove (self->members, i);
  return TRUE;
}

/** gchat_conversation_rename_member: follow a NICK; FALSE if @old_nick is not here. */
gboolean
gchat_conversation_rename_member (GchatConversation *self,
                                  const char        *old_nick,
                                  const char        *new_nick)
{
  g_autoptr (GchatMember) m = NULL;
  int i;

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), FALSE);
  i = gchat_conversation_member_index (self, old_nick);
  if (i < 0)
    return FALSE;
  m = g_list_model_get_item (G_LIST_MODEL (self->members), i);
  g_list_store_remove (self->members, i);
  gchat_member_set_nick (m, new_nick);
  g_list_store_insert_sorted (self->members, m, member_compare, self);
  return TRUE;
}

/** gchat_conversation_update_member_prefix: give or take a status symbol ('@'). */
void
gchat_conversation_update_member_prefix (GchatConversation *self,
                                         const char        *nick,
                                         char               symbol,
                                         gboolean           add)
{
  GchatMember *m;
  g_autoptr (GString) next = NULL;
  const char *cur;

  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  m = gchat_conversation_find_member (self, nick);
  if (m == NULL || symbol == '\0')
    return;
  cur = gchat_member_get_prefixes (m);
  next = g_string_new (NULL);
  for (const char *p = cur; *p != '\0'; p++)
    if (*p != symbol)
      g_string_append_c (next, *p);
  if (add) {
    gsize at = 0;

    while (at < next->len &&
           gchat_conversation_rank (self, next->str[at]) < gchat_conversation_rank (self, symbol))
      at++;
    g_string_insert_c (next, at, symbol);
  }
  gchat_conversation_add_member (self, nick, next->str);
}

/** gchat_conversation_clear_members: forget all members (we left, or NAMES restarts). */
void
gchat_conversation_clear_members (GchatConversation *self)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  g_list_store_remove_all (self->members);
}

/** gchat_conversation_get_scrollback: where loading earlier messages stands. */
GchatScrollbackState
gchat_conversation_get_scrollback (GchatConversation *self)
{
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), GCHAT_SCROLLBACK_NONE);
  return self->scrollback;
}

/** gchat_conversation_set_scrollback: record a request, an answer or the limit. */
void
gchat_conversation_set_scrollback (GchatConversation *self, GchatScrollbackState state)
{
  g_return_if_fail (GCHAT_IS_CONVERSATION (self));
  if (self->scrollback == state)
    return;
  self->scrollback = state;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_SCROLLBACK]);
}

/* The first position whose item is not older than @when (the items are by time). */
static guint
gchat_conversation_lower_bound (GchatConversation *self, GDateTime *when)
{
  GListModel *model = G_LIST_MODEL (self->messages);
  guint       lo = 0;
  guint       hi = g_list_model_get_n_items (model);

  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    g_autoptr (GchatMessage) m = g_list_model_get_item (model, mid);

    if (g_date_time_compare (gchat_message_get_time (m), when) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Whether a copy of @message is near where it would go (see has_copy). */
static gboolean
gchat_conversation_has_copy_near (GchatConversation *self, GchatMessage *message)
{
  GListModel *model = G_LIST_MODEL (self->messages);
  GDateTime  *when = gchat_message_get_time (message);
  GTimeSpan   slack = copy_slack (message);
  g_autoptr (GDateTime) from = g_date_time_add (when, -slack);
  guint n = g_list_model_get_n_items (model);

  for (guint i = gchat_conversation_lower_bound (self, from); i < n; i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (model, i);

    if (g_date_time_difference (gchat_message_get_time (m), when) > slack)
      break;
    if (is_copy (m, message))
      return TRUE;
  }
  return FALSE;
}

/**
 * gchat_conversation_add_older:
 * Put @older (GchatMessages loaded from history, oldest first) in their
 * places by time, before everything newer, with one list change per run
 * of neighbours. Copies of lines shown are skipped; lines of the same time
 * keep the order they came in. At the scrollback limit the oldest of them
 * stay out (never the newest lines shown) and @capped says so. Nothing
 * counts as unread. Returns how many went in.
 */
guint
gchat_conversation_add_older (GchatConversation *self, GPtrArray *older, gboolean *capped)
{
  g_autoptr (GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr (GPtrArray) run = g_ptr_array_new ();
  guint n;
  guint room;
  guint first;
  guint run_at = 0;
  guint next = 0; /* lines of this call go after the ones before them */

  g_return_val_if_fail (GCHAT_IS_CONVERSATION (self), 0);
  for (guint i = 0; i < older->len; i++)
    if (!gchat_conversation_has_copy_near (self, g_ptr_array_index (older, i)))
      g_ptr_array_add (fresh, g_ptr_array_index (older, i));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  room = n < GCHAT_CONVERSATION_SCROLLBACK ? GCHAT_CONVERSATION_SCROLLBACK - n : 0;
  first = fresh->len > room ? fresh->len - room : 0;
  if (capped != NULL)
    *capped = first > 0;
  for (guint i = first; i < fresh->len; i++) {
    GchatMessage *msg = g_ptr_array_index (fresh, i);
    guint         at = gchat_conversation_lower_bound (self, gchat_message_get_time (msg));

    if (run->len > 0 && at <= run_at) {
      g_ptr_array_add (run, msg);
      continue;
    }
    if (run->len > 0) {
      g_list_store_splice (self->messages, run_at, 0, run->pdata, run->len);
      next = run_at + run->len;
      g_ptr_array_set_size (run, 0);
      at = gchat_conversation_lower_bound (self, gchat_message_get_time (msg));
    }
    run_at = MAX (at, next);
    g_ptr_array_add (run, msg);
  }
  if (run->len > 0)
    g_list_store_splice (self->messages, run_at, 0, run->pdata, run->len);
  return fresh->len - first;
}
