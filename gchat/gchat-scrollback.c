/*
 * gchat-scrollback.c: the protocol side of loading earlier messages, as
 * small pure functions the model tests call without a window: which
 * message a CHATHISTORY BEFORE starts from, how its reference is written,
 * and what an answer says about the beginning of the conversation.
 */
#include "config.h"

#include "chat.h"
#include "gchat-conversation.h"
#include "gchat-scrollback.h"

G_DEFINE_ENUM_TYPE (GchatScrollbackState,
                    gchat_scrollback_state,
                    G_DEFINE_ENUM_VALUE (GCHAT_SCROLLBACK_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (GCHAT_SCROLLBACK_MORE, "more"),
                    G_DEFINE_ENUM_VALUE (GCHAT_SCROLLBACK_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (GCHAT_SCROLLBACK_BEGINNING, "beginning"),
                    G_DEFINE_ENUM_VALUE (GCHAT_SCROLLBACK_FULL, "full"))

/** gchat_scrollback_timestamp: @time as CHATHISTORY wants it (UTC, milliseconds, "Z"). */
char *
gchat_scrollback_timestamp (GDateTime *time)
{
  char buf[CHAT_TIME_MAX];

  chat_time_format (buf,
                    sizeof buf,
                    g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000);
  return g_strdup (buf);
}

/**
 * gchat_scrollback_oldest: the oldest line someone said in @messages
 * (borrowed), or NULL. Notes carry our clock, not the server's, so they
 * cannot say where the server's history stops.
 */
GchatMessage *
gchat_scrollback_oldest (GListModel *messages)
{
  guint n = g_list_model_get_n_items (messages);

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (gchat_message_is_chat (msg) && !gchat_message_get_divider (msg))
      return msg; /* the model keeps its own reference */
  }
  return NULL;
}

/**
 * gchat_scrollback_newest: the newest line someone said in @messages that
 * the server gave an id (borrowed), or NULL: where a rejoin's history
 * starts.
 */
GchatMessage *
gchat_scrollback_newest (GListModel *messages)
{
  for (guint i = g_list_model_get_n_items (messages); i > 0; i--) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i - 1);

    if (gchat_message_is_chat (msg) && !gchat_message_get_divider (msg) &&
        gchat_message_get_msgid (msg) != NULL)
      return msg; /* the model keeps its own reference */
  }
  return NULL;
}

/**
 * gchat_scrollback_time_ref: "timestamp=" for the time of @msg one
 * millisecond on, so that lines of the same millisecond come too: the
 * copies among them are skipped on arrival.
 */
char *
gchat_scrollback_time_ref (GchatMessage *msg)
{
  GDateTime *when = gchat_message_get_time (msg);
  /* Drop the microseconds, then step to the next millisecond. */
  g_autoptr (GDateTime) after =
    g_date_time_add (when, 1000 - g_date_time_get_microsecond (when) % 1000);
  g_autofree char *stamp = gchat_scrollback_timestamp (after);

  return g_strconcat ("timestamp=", stamp, NULL);
}

/**
 * gchat_scrollback_before_ref: the reference for "CHATHISTORY BEFORE", or
 * NULL when nothing is shown yet (ask for the LATEST instead): the oldest
 * line's msgid, which is exact, or else its time (a live line).
 */
char *
gchat_scrollback_before_ref (GListModel *messages)
{
  GchatMessage *oldest = gchat_scrollback_oldest (messages);

  if (oldest == NULL)
    return NULL;
  if (gchat_message_get_msgid (oldest) != NULL)
    return g_strconcat ("msgid=", gchat_message_get_msgid (oldest), NULL);
  return gchat_scrollback_time_ref (oldest);
}

/**
 * gchat_scrollback_state_after: what a history answer of @received lines
 * (copies included) to a request for @asked means. Fewer than asked: the
 * server has no more, this is the beginning. @capped (lines left out at
 * the scrollback limit) wins: the beginning is not on screen then.
 */
GchatScrollbackState
gchat_scrollback_state_after (guint asked, guint received, gboolean capped)
{
  if (capped)
    return GCHAT_SCROLLBACK_FULL;
  return received < asked ? GCHAT_SCROLLBACK_BEGINNING : GCHAT_SCROLLBACK_MORE;
}

/** gchat_scrollback_state_text: the words for the row at the top of the view, or NULL. */
const char *
gchat_scrollback_state_text (GchatScrollbackState state)
{
  switch (state) {
    case GCHAT_SCROLLBACK_MORE:
      return "Load earlier messages";
    case GCHAT_SCROLLBACK_LOADING:
      return "Loading earlier messages…";
    case GCHAT_SCROLLBACK_BEGINNING:
      return "Beginning of the conversation";
    case GCHAT_SCROLLBACK_FULL:
      return "Earlier messages are not loaded: the limit of " G_STRINGIFY (
        GCHAT_CONVERSATION_SCROLLBACK) " messages is reached";
    case GCHAT_SCROLLBACK_NONE:
    default:
      return NULL;
  }
}
