/* gchat-typing-indicator.h: the quiet "ann is typing…" line under the messages. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-typing.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_TYPING_INDICATOR (gchat_typing_indicator_get_type ())
G_DECLARE_FINAL_TYPE (GchatTypingIndicator,
                      gchat_typing_indicator,
                      GCHAT,
                      TYPING_INDICATOR,
                      GtkWidget)

void      gchat_typing_indicator_set_typing (GchatTypingIndicator *self, GchatTyping *typing);
GtkLabel *gchat_typing_indicator_get_label (GchatTypingIndicator *self);

G_END_DECLS
