/*
 * gchat-typing.c: IRCv3 typing notifications
 * (https://ircv3.net/specs/client-tags/typing).
 *
 * Two small pieces, both with the time passed in so tests need no clock:
 * GchatTypingOut decides what our own keystrokes should send (active at
 * most every 3 s, paused after 5 s without a key, done when the entry
 * empties), and GchatTyping keeps who else is typing in one conversation,
 * forgets them when the specification says a notice goes stale (6 s after
 * active, 30 s after paused) and puts that into a short line of text.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-typing.h"

/** gchat_typing_state_to_string: the tag value for @state, or NULL for NONE. */
const char *
gchat_typing_state_to_string (GchatTypingState state)
{
  switch (state) {
    case GCHAT_TYPING_ACTIVE:
      return "active";
    case GCHAT_TYPING_PAUSED:
      return "paused";
    case GCHAT_TYPING_DONE:
      return "done";
    case GCHAT_TYPING_NONE:
    default:
      return NULL;
  }
}

/** gchat_typing_state_from_string: a tag value's state; NONE for unknown values. */
GchatTypingState
gchat_typing_state_from_string (const char *value)
{
  if (value == NULL)
    return GCHAT_TYPING_NONE;
  if (strcmp (value, "active") == 0)
    return GCHAT_TYPING_ACTIVE;
  if (strcmp (value, "paused") == 0)
    return GCHAT_TYPING_PAUSED;
  if (strcmp (value, "done") == 0)
    return GCHAT_TYPING_DONE;
  return GCHAT_TYPING_NONE;
}

/** gchat_typing_counts: whether entry text is a message being typed (not empty, not a command). */
gboolean
gchat_typing_counts (const char *text)
{
  return text != NULL && *text != '\0' && *text != '/';
}

/** gchat_typing_out_init: nothing sent yet, as after done. */
void
gchat_typing_out_init (GchatTypingOut *out)
{
  out->sent = GCHAT_TYPING_DONE;
  out->active_at = 0;
  out->typed_at = 0;
}

/**
 * gchat_typing_out_input: the entry now holds @text at @now.
 * Returns: the state to send (ACTIVE, throttled; DONE once the text no
 * longer counts), or NONE.
 */
GchatTypingState
gchat_typing_out_input (GchatTypingOut *out, const char *text, gint64 now)
{
  if (!gchat_typing_counts (text))
    return gchat_typing_out_stop (out);
  out->typed_at = now;
  if (out->sent == GCHAT_TYPING_ACTIVE && now - out->active_at < GCHAT_TYPING_THROTTLE)
    return GCHAT_TYPING_NONE;
  out->sent = GCHAT_TYPING_ACTIVE;
  out->active_at = now;
  return GCHAT_TYPING_ACTIVE;
}

/** gchat_typing_out_idle: check at @now for a pause; returns PAUSED once, else NONE. */
GchatTypingState
gchat_typing_out_idle (GchatTypingOut *out, gint64 now)
{
  if (out->sent != GCHAT_TYPING_ACTIVE || now - out->typed_at < GCHAT_TYPING_PAUSE)
    return GCHAT_TYPING_NONE;
  out->sent = GCHAT_TYPING_PAUSED;
  return GCHAT_TYPING_PAUSED;
}

/** gchat_typing_out_pause_at: when to call gchat_typing_out_idle next, or -1 for never. */
gint64
gchat_typing_out_pause_at (const GchatTypingOut *out)
{
  return out->sent == GCHAT_TYPING_ACTIVE ? out->typed_at + GCHAT_TYPING_PAUSE : -1;
}

/** gchat_typing_out_stop: we stopped (entry cleared, other target); DONE unless already done. */
GchatTypingState
gchat_typing_out_stop (GchatTypingOut *out)
{
  if (out->sent == GCHAT_TYPING_DONE)
    return GCHAT_TYPING_NONE;
  out->sent = GCHAT_TYPING_DONE;
  return GCHAT_TYPING_DONE;
}

/** gchat_typing_out_sent: the line went out; the message itself tells the others we are done. */
void
gchat_typing_out_sent (GchatTypingOut *out)
{
  out->sent = GCHAT_TYPING_DONE;
}

typedef struct
{
  char            *nick;
  GchatTypingState state; /* ACTIVE or PAUSED */
  gint64           expires;
} Typist;

struct _GchatTyping
{
  GObject parent_instance;

  GPtrArray *typists; /* Typist, in the order they started */
  char      *text;    /* "" when nobody is typing */
  guint      timer;
  gint64     timer_at; /* the expiry the timer stands for */
};

G_DEFINE_FINAL_TYPE (GchatTyping, gchat_typing, G_TYPE_OBJECT)

enum { PROP_0, PROP_TEXT, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

/* Free one entry of the typists array. */
static void
typist_free (gpointer data)
{
  Typist *t = data;

  g_free (t->nick);
  g_free (t);
}

/* The index of @nick in the typists, or -1. */
static int
gchat_typing_index (GchatTyping *self, const char *nick)
{
  for (guint i = 0; i < self->typists->len; i++) {
    Typist *t = g_ptr_array_index (self->typists, i);

    if (chat_casecmp (t->nick, nick) == 0)
      return (int)i;
  }
  return -1;
}

/* Put the active typists into words; paused ones have stopped for now. */
static char *
gchat_typing_describe (GchatTyping *self)
{
  const char *names[2] = { NULL, NULL };
  guint       n = 0;

  for (guint i = 0; i < self->typists->len; i++) {
    Typist *t = g_ptr_array_index (self->typists, i);

    if (t->state != GCHAT_TYPING_ACTIVE)
      continue;
    if (n < G_N_ELEMENTS (names))
      names[n] = t->nick;
    n++;
  }
  if (n == 0)
    return g_strdup ("");
  if (n == 1)
    return g_strdup_printf ("%s is typing…", names[0]);
  if (n == 2)
    return g_strdup_printf ("%s and %s are typing…", names[0], names[1]);
  return g_strdup_printf ("%u people are typing…", n);
}

static gboolean gchat_typing_timer_cb (gpointer user_data);

/* Refresh the text; tell listeners when it changed. */
static void
gchat_typing_refresh (GchatTyping *self)
{
  g_autofree char *text = gchat_typing_describe (self);

  if (self->typists->len == 0)
    g_clear_handle_id (&self->timer, g_source_remove);
  if (g_strcmp0 (text, self->text) == 0)
    return;
  g_free (self->text);
  self->text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_TEXT]);
}

/*
 * After a change at @now: arm one timer for the next expiry, counted from
 * @now so that made-up test times never fire early. Removals keep the timer
 * they have: it stands for an expiry no later than any left, and firing it
 * re-arms for the next.
 */
static void
gchat_typing_rearm (GchatTyping *self, gint64 now)
{
  gint64 next = gchat_typing_next_expiry (self);

  g_clear_handle_id (&self->timer, g_source_remove);
  if (next > 0) {
    self->timer_at = next;
    self->timer =
      g_timeout_add ((guint)MAX (0, (next - now + 999) / 1000), gchat_typing_timer_cb, self);
  }
  gchat_typing_refresh (self);
}

/* The earliest notice went stale: forget it (and any others due). */
static gboolean
gchat_typing_timer_cb (gpointer user_data)
{
  GchatTyping *self = user_data;

  self->timer = 0;
  gchat_typing_expire (self, self->timer_at);
  return G_SOURCE_REMOVE;
}

/**
 * gchat_typing_update: @nick sent +typing=@value at @now. Unknown values
 * are ignored, as the specification asks.
 * Returns: whether anything changed.
 */
gboolean
gchat_typing_update (GchatTyping *self, const char *nick, const char *value, gint64 now)
{
  GchatTypingState state = gchat_typing_state_from_string (value);
  int              i;
  Typist          *t;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), FALSE);
  if (nick == NULL || state == GCHAT_TYPING_NONE)
    return FALSE;
  if (state == GCHAT_TYPING_DONE)
    return gchat_typing_remove (self, nick);
  i = gchat_typing_index (self, nick);
  if (i < 0) {
    t = g_new0 (Typist, 1);
    t->nick = g_strdup (nick);
    g_ptr_array_add (self->typists, t);
  } else {
    t = g_ptr_array_index (self->typists, i);
  }
  t->state = state;
  t->expires =
    now + (state == GCHAT_TYPING_ACTIVE ? GCHAT_TYPING_ACTIVE_TTL : GCHAT_TYPING_PAUSED_TTL);
  gchat_typing_rearm (self, now);
  return TRUE;
}

/** gchat_typing_remove: @nick is done (a message, done, left); returns whether they were typing. */
gboolean
gchat_typing_remove (GchatTyping *self, const char *nick)
{
  int i;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), FALSE);
  if (nick == NULL || (i = gchat_typing_index (self, nick)) < 0)
    return FALSE;
  g_ptr_array_remove_index (self->typists, (guint)i);
  gchat_typing_refresh (self);
  return TRUE;
}

/** gchat_typing_rename: @nick is now called @to; returns whether they were typing. */
gboolean
gchat_typing_rename (GchatTyping *self, const char *nick, const char *to)
{
  int     i;
  Typist *t;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), FALSE);
  if (nick == NULL || to == NULL || (i = gchat_typing_index (self, nick)) < 0)
    return FALSE;
  t = g_ptr_array_index (self->typists, i);
  g_free (t->nick);
  t->nick = g_strdup (to);
  gchat_typing_refresh (self);
  return TRUE;
}

/** gchat_typing_clear: forget everyone (we left, or the connection dropped). */
void
gchat_typing_clear (GchatTyping *self)
{
  g_return_if_fail (GCHAT_IS_TYPING (self));
  g_ptr_array_set_size (self->typists, 0);
  gchat_typing_refresh (self);
}

/** gchat_typing_expire: forget the notices stale at @now; returns whether any were. */
gboolean
gchat_typing_expire (GchatTyping *self, gint64 now)
{
  gboolean any = FALSE;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), FALSE);
  for (guint i = self->typists->len; i-- > 0;) {
    Typist *t = g_ptr_array_index (self->typists, i);

    if (t->expires <= now) {
      g_ptr_array_remove_index (self->typists, i);
      any = TRUE;
    }
  }
  gchat_typing_rearm (self, now);
  return any;
}

/** gchat_typing_next_expiry: when the next notice goes stale, or 0 when nobody is typing. */
gint64
gchat_typing_next_expiry (GchatTyping *self)
{
  gint64 next = 0;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), 0);
  for (guint i = 0; i < self->typists->len; i++) {
    Typist *t = g_ptr_array_index (self->typists, i);

    if (next == 0 || t->expires < next)
      next = t->expires;
  }
  return next;
}

/** gchat_typing_get_state: ACTIVE or PAUSED for someone typing, else NONE. */
GchatTypingState
gchat_typing_get_state (GchatTyping *self, const char *nick)
{
  int i;

  g_return_val_if_fail (GCHAT_IS_TYPING (self), GCHAT_TYPING_NONE);
  if (nick == NULL || (i = gchat_typing_index (self, nick)) < 0)
    return GCHAT_TYPING_NONE;
  return ((Typist *)g_ptr_array_index (self->typists, i))->state;
}

/** gchat_typing_get_text: "ann is typing…" and the like; "" when nobody is. */
const char *
gchat_typing_get_text (GchatTyping *self)
{
  g_return_val_if_fail (GCHAT_IS_TYPING (self), "");
  return self->text;
}

static void
gchat_typing_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatTyping *self = GCHAT_TYPING (object);

  switch (prop_id) {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_typing_finalize (GObject *object)
{
  GchatTyping *self = GCHAT_TYPING (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_ptr_array_unref (self->typists);
  g_free (self->text);
  G_OBJECT_CLASS (gchat_typing_parent_class)->finalize (object);
}

static void
gchat_typing_class_init (GchatTypingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gchat_typing_finalize;
  object_class->get_property = gchat_typing_get_property;

  /** GchatTyping:text: who is typing, in words; "" when nobody is. */
  pspecs[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_typing_init (GchatTyping *self)
{
  self->typists = g_ptr_array_new_with_free_func (typist_free);
  self->text = g_strdup ("");
}

/** gchat_typing_new: nobody typing yet. */
GchatTyping *
gchat_typing_new (void)
{
  return g_object_new (GCHAT_TYPE_TYPING, NULL);
}
