/* gchat-scrollback.h: loading earlier messages from the server's history. */
#pragma once

#include <gio/gio.h>

#include "gchat-message.h"

G_BEGIN_DECLS

/*
 * Where a conversation stands with its earlier messages: the row at the top
 * of the message view shows it (a button, a spinner or a quiet note).
 */
typedef enum {
  GCHAT_SCROLLBACK_NONE,      /* no history here (the server log) */
  GCHAT_SCROLLBACK_MORE,      /* earlier messages may exist */
  GCHAT_SCROLLBACK_LOADING,   /* a request is on its way */
  GCHAT_SCROLLBACK_BEGINNING, /* the server has nothing earlier */
  GCHAT_SCROLLBACK_FULL,      /* the scrollback limit is reached */
} GchatScrollbackState;

#define GCHAT_TYPE_SCROLLBACK_STATE (gchat_scrollback_state_get_type ())
GType gchat_scrollback_state_get_type (void);

/* Lines asked for at a time (LATEST on opening, BEFORE on scrolling up). */
#define GCHAT_SCROLLBACK_PAGE 50

char                *gchat_scrollback_timestamp (GDateTime *time);
GchatMessage        *gchat_scrollback_oldest (GListModel *messages);
GchatMessage        *gchat_scrollback_newest (GListModel *messages);
char                *gchat_scrollback_time_ref (GchatMessage *msg);
char                *gchat_scrollback_before_ref (GListModel *messages);
GchatScrollbackState gchat_scrollback_state_after (guint asked, guint received, gboolean capped);
const char          *gchat_scrollback_state_text (GchatScrollbackState state);

G_END_DECLS
