/* gchat-scrollback-row.h: the row at the top of a conversation's messages. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-conversation.h"
#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SCROLLBACK_ROW (gchat_scrollback_row_get_type ())
G_DECLARE_FINAL_TYPE (GchatScrollbackRow, gchat_scrollback_row, GCHAT, SCROLLBACK_ROW, GtkBox)

GtkWidget         *gchat_scrollback_row_new (void);
void               gchat_scrollback_row_set_conversation (GchatScrollbackRow *self,
                                                          GchatSession       *session,
                                                          GchatConversation  *conv);
GchatConversation *gchat_scrollback_row_get_conversation (GchatScrollbackRow *self);
GtkWidget         *gchat_scrollback_row_get_button (GchatScrollbackRow *self);
const char        *gchat_scrollback_row_get_text (GchatScrollbackRow *self);

G_END_DECLS
