/*
 * gchat-message.c: one item in a conversation's list: who, what, when.
 *
 * Immutable after construction except for the highlight and history flags
 * (set before the message is added), so rows can bind without watching for
 * changes; only the msgid of our own line comes later (with its echo), and
 * says so through notify::msgid.
 */
#include "config.h"

#include <string.h>

#include "gchat-message.h"

struct _GchatMessage
{
  GObject parent_instance;

  GchatMessageKind kind;
  char            *nick;
  char            *text;
  gboolean         own;
  gboolean         highlight;
  gboolean         history; /* loaded from the server's history, not live */
  gboolean         divider; /* the row that ends a loaded block of history */
  GDateTime       *time;
  GObject         *item;
  char            *msgid;  /* the server's id (history lines), or NULL */
  char            *clock;  /* "%H:%M" of time, made on first use */
  char            *links;  /* the text's markup with links, made on first use */
  gboolean         linked; /* links was made (it stays NULL without an address) */
};

G_DEFINE_FINAL_TYPE (GchatMessage, gchat_message, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatMessageKind,
                    gchat_message_kind,
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_TEXT, "text"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_ACTION, "action"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_NOTICE, "notice"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_EVENT, "event"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_INFO, "info"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_ERROR, "error"),
                    G_DEFINE_ENUM_VALUE (GCHAT_MESSAGE_ITEM, "item"))

enum { PROP_0, PROP_KIND, PROP_NICK, PROP_TEXT, PROP_OWN, PROP_HISTORY, PROP_MSGID, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

static void
gchat_message_finalize (GObject *object)
{
  GchatMessage *self = GCHAT_MESSAGE (object);

  g_free (self->nick);
  g_free (self->text);
  g_free (self->msgid);
  g_free (self->clock);
  g_free (self->links);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (gchat_message_parent_class)->finalize (object);
}

static void
gchat_message_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatMessage *self = GCHAT_MESSAGE (object);

  switch (prop_id) {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_OWN:
      g_value_set_boolean (value, self->own);
      break;
    case PROP_HISTORY:
      g_value_set_boolean (value, self->history);
      break;
    case PROP_MSGID:
      g_value_set_string (value, self->msgid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_message_class_init (GchatMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gchat_message_finalize;
  object_class->get_property = gchat_message_get_property;

  /** GchatMessage:kind: what the item is. */
  pspecs[PROP_KIND] = g_param_spec_enum ("kind",
                                         NULL,
                                         NULL,
                                         GCHAT_TYPE_MESSAGE_KIND,
                                         GCHAT_MESSAGE_TEXT,
                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMessage:nick: who sent it, or NULL for server notes. */
  pspecs[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMessage:text: the text as shown. */
  pspecs[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMessage:own: whether we sent it. */
  pspecs[PROP_OWN] =
    g_param_spec_boolean ("own", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMessage:history: loaded from the server's history (CHATHISTORY), not said live. */
  pspecs[PROP_HISTORY] =
    g_param_spec_boolean ("history", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMessage:msgid: the server's id (REDACT names it), or NULL. */
  pspecs[PROP_MSGID] =
    g_param_spec_string ("msgid", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_message_init (GchatMessage *self)
{
  self->time = g_date_time_new_now_local ();
}

/** gchat_message_new: a message stamped with the current time. */
GchatMessage *
gchat_message_new (GchatMessageKind kind, const char *nick, const char *text, gboolean own)
{
  GchatMessage *self = g_object_new (GCHAT_TYPE_MESSAGE, NULL);

  self->kind = kind;
  self->nick = g_strdup (nick);
  self->text = g_strdup (text != NULL ? text : "");
  self->own = own;
  return self;
}

/** gchat_message_new_item: a non-text item (file offer, game) carried by @item. */
GchatMessage *
gchat_message_new_item (const char *nick, GObject *item, gboolean own)
{
  GchatMessage *self = gchat_message_new (GCHAT_MESSAGE_ITEM, nick, NULL, own);

  self->item = g_object_ref (item);
  return self;
}

/** gchat_message_new_divider: the quiet row that separates loaded history from live chat. */
GchatMessage *
gchat_message_new_divider (const char *text)
{
  GchatMessage *self = gchat_message_new (GCHAT_MESSAGE_INFO, NULL, text, FALSE);

  self->divider = TRUE;
  return self;
}

/** gchat_message_get_kind: what the item is. */
GchatMessageKind
gchat_message_get_kind (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), GCHAT_MESSAGE_INFO);
  return self->kind;
}

/** gchat_message_get_nick: the sender, or NULL. */
const char *
gchat_message_get_nick (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  return self->nick;
}

/** gchat_message_get_text: the text (never NULL). */
const char *
gchat_message_get_text (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  return self->text;
}

/** gchat_message_get_own: whether we sent it. */
gboolean
gchat_message_get_own (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), FALSE);
  return self->own;
}

/** gchat_message_get_highlight: whether it mentions us. */
gboolean
gchat_message_get_highlight (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), FALSE);
  return self->highlight;
}

/** gchat_message_set_highlight: mark it as mentioning us. */
void
gchat_message_set_highlight (GchatMessage *self, gboolean highlight)
{
  g_return_if_fail (GCHAT_IS_MESSAGE (self));
  self->highlight = highlight;
}

/** gchat_message_get_time: when it arrived. */
GDateTime *
gchat_message_get_time (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  return self->time;
}

/** gchat_message_set_time: when it was really sent (server-time), shown in local time. */
void
gchat_message_set_time (GchatMessage *self, GDateTime *time)
{
  g_return_if_fail (GCHAT_IS_MESSAGE (self));
  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->clock, g_free);
  self->time = g_date_time_to_local (time);
}

/**
 * gchat_message_get_clock: the time as a row shows it ("%H:%M"), made once:
 * a list view binds the same message again each time it scrolls past.
 */
const char *
gchat_message_get_clock (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  if (self->clock == NULL)
    self->clock = g_date_time_format (self->time, "%H:%M");
  return self->clock;
}

/**
 * gchat_message_get_links: the text as markup with its addresses made links
 * (gchat_message_linkify, made once), or NULL when it has none.
 */
const char *
gchat_message_get_links (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  if (!self->linked) {
    self->links = gchat_message_linkify (self->text);
    self->linked = TRUE;
  }
  return self->links;
}

/** gchat_message_get_item: the payload of an ITEM, or NULL. */
GObject *
gchat_message_get_item (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  return self->item;
}

/** gchat_message_is_chat: whether a person said it (counts as unread). */
gboolean
gchat_message_is_chat (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), FALSE);
  return self->kind == GCHAT_MESSAGE_TEXT || self->kind == GCHAT_MESSAGE_ACTION ||
    self->kind == GCHAT_MESSAGE_NOTICE || self->kind == GCHAT_MESSAGE_ITEM;
}

/** gchat_message_get_history: whether it was loaded from history rather than said live. */
gboolean
gchat_message_get_history (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), FALSE);
  return self->history;
}

/** gchat_message_set_history: mark it as loaded from history (before adding it). */
void
gchat_message_set_history (GchatMessage *self, gboolean history)
{
  g_return_if_fail (GCHAT_IS_MESSAGE (self));
  if (self->history == !!history)
    return;
  self->history = !!history;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_HISTORY]);
}

/** gchat_message_get_divider: whether it is the row that ends a block of history. */
gboolean
gchat_message_get_divider (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), FALSE);
  return self->divider;
}

/** gchat_message_get_msgid: the server's id for the line (history carries one), or NULL. */
const char *
gchat_message_get_msgid (GchatMessage *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE (self), NULL);
  return self->msgid;
}

/** gchat_message_set_msgid: record the msgid tag (before the message is added, or from its echo).
 */
void
gchat_message_set_msgid (GchatMessage *self, const char *msgid)
{
  g_return_if_fail (GCHAT_IS_MESSAGE (self));
  if (msgid != NULL && *msgid == '\0')
    msgid = NULL;
  if (g_strcmp0 (self->msgid, msgid) == 0)
    return;
  g_free (self->msgid);
  self->msgid = g_strdup (msgid);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_MSGID]);
}

/* Characters that end a sentence rather than a link ("see https://x.org."). */
#define LINK_TRAILING ".,;:!?)]}'\""

/**
 * gchat_message_linkify: Pango markup for @text with each http(s):// or
 * www. address made a link (<a href>), the rest escaped; NULL when there
 * is no address, so the caller keeps plain text.
 */
char *
gchat_message_linkify (const char *text)
{
  static GRegex *re;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GString) out = NULL;
  const char *done = text;

  if (g_once_init_enter (&re)) {
    GRegex *fresh = g_regex_new ("\\b(?:https?://|www\\.)[^\\s<>\"]+",
                                 G_REGEX_CASELESS | G_REGEX_OPTIMIZE,
                                 0,
                                 NULL);

    g_once_init_leave (&re, fresh);
  }
  if (!g_regex_match (re, text, 0, &match))
    return NULL;
  out = g_string_new (NULL);
  while (g_match_info_matches (match)) {
    int start, end;

    g_match_info_fetch_pos (match, 0, &start, &end);
    while (end > start && strchr (LINK_TRAILING, text[end - 1]) != NULL)
      end--;
    if (end > start) {
      g_autofree char *before = g_markup_escape_text (done, text + start - done);
      g_autofree char *shown = g_markup_escape_text (text + start, end - start);
      g_autofree char *uri = g_ascii_strncasecmp (text + start, "www.", 4) == 0
        ? g_strconcat ("http://", shown, NULL)
        : g_strdup (shown);

      g_string_append (out, before);
      g_string_append_printf (out, "<a href=\"%s\">%s</a>", uri, shown);
      done = text + end;
    }
    g_match_info_next (match, NULL);
  }
  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (out, rest);
  }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
