/* gchat-scrollback-view.h: the message view's side of loading earlier messages. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-conversation.h"

G_BEGIN_DECLS

typedef struct _GchatScrollbackView GchatScrollbackView;
typedef void (*GchatScrollbackViewFunc) (gpointer data);

GListModel          *gchat_scrollback_view_model_new (GchatConversation *conv);
GchatScrollbackView *gchat_scrollback_view_new (GtkListView *view);
void                 gchat_scrollback_view_free (GchatScrollbackView *self);
gboolean             gchat_scrollback_view_at_top (GchatScrollbackView *self);
void                 gchat_scrollback_view_remember (GchatScrollbackView *self);
void                 gchat_scrollback_view_restore (GchatScrollbackView *self);
void                 gchat_scrollback_view_cancel (GchatScrollbackView *self);
gboolean             gchat_scrollback_view_busy (GchatScrollbackView *self);
void                 gchat_scrollback_view_load_later (GchatScrollbackView    *self,
                                                       GchatScrollbackViewFunc load,
                                                       gpointer                data);

G_END_DECLS
