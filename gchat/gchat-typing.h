/*
 * gchat-typing.h: IRCv3 typing notifications (the +typing client tag).
 * Times are microseconds on one clock (g_get_monotonic_time in the program,
 * made-up values in tests), always passed in.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Seconds from the IRCv3 typing specification, as microseconds. */
#define GCHAT_TYPING_THROTTLE (3 * G_USEC_PER_SEC) /* at most one active per */
#define GCHAT_TYPING_PAUSE (5 * G_USEC_PER_SEC)    /* idle until paused */
#define GCHAT_TYPING_ACTIVE_TTL (6 * G_USEC_PER_SEC)
#define GCHAT_TYPING_PAUSED_TTL (30 * G_USEC_PER_SEC)

typedef enum {
  GCHAT_TYPING_NONE, /* nothing to send */
  GCHAT_TYPING_ACTIVE,
  GCHAT_TYPING_PAUSED,
  GCHAT_TYPING_DONE,
} GchatTypingState;

const char      *gchat_typing_state_to_string (GchatTypingState state);
GchatTypingState gchat_typing_state_from_string (const char *value);

/* What we told others about our own typing in one conversation. */
typedef struct
{
  GchatTypingState sent;      /* last state sent: DONE when idle */
  gint64           active_at; /* when the last active went out */
  gint64           typed_at;  /* the last keystroke */
} GchatTypingOut;

void             gchat_typing_out_init (GchatTypingOut *out);
GchatTypingState gchat_typing_out_input (GchatTypingOut *out, const char *text, gint64 now);
GchatTypingState gchat_typing_out_idle (GchatTypingOut *out, gint64 now);
gint64           gchat_typing_out_pause_at (const GchatTypingOut *out);
GchatTypingState gchat_typing_out_stop (GchatTypingOut *out);
void             gchat_typing_out_sent (GchatTypingOut *out);
gboolean         gchat_typing_counts (const char *text);

/* Who else is typing in one conversation. */
#define GCHAT_TYPE_TYPING (gchat_typing_get_type ())
G_DECLARE_FINAL_TYPE (GchatTyping, gchat_typing, GCHAT, TYPING, GObject)

GchatTyping *gchat_typing_new (void);
gboolean gchat_typing_update (GchatTyping *self, const char *nick, const char *value, gint64 now);
gboolean gchat_typing_remove (GchatTyping *self, const char *nick);
gboolean gchat_typing_rename (GchatTyping *self, const char *nick, const char *to);
void     gchat_typing_clear (GchatTyping *self);
gboolean gchat_typing_expire (GchatTyping *self, gint64 now);
gint64   gchat_typing_next_expiry (GchatTyping *self);
GchatTypingState gchat_typing_get_state (GchatTyping *self, const char *nick);
const char      *gchat_typing_get_text (GchatTyping *self);

G_END_DECLS
