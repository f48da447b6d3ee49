/* gchat-typing-notifier.h: sends our own typing notifications from the entry. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-config.h"
#include "gchat-conversation.h"
#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_TYPING_NOTIFIER (gchat_typing_notifier_get_type ())
G_DECLARE_FINAL_TYPE (GchatTypingNotifier, gchat_typing_notifier, GCHAT, TYPING_NOTIFIER, GObject)

GchatTypingNotifier *gchat_typing_notifier_new (GtkWidget    *window,
                                                GchatSession *session,
                                                GchatConfig  *config);
void                 gchat_typing_notifier_input (GchatTypingNotifier *self,
                                                  GchatConversation   *conv,
                                                  const char          *text);
void     gchat_typing_notifier_set_target (GchatTypingNotifier *self, GchatConversation *conv);
void     gchat_typing_notifier_sent (GchatTypingNotifier *self);
void     gchat_typing_notifier_set_enabled (GchatTypingNotifier *self, gboolean enabled);
gboolean gchat_typing_notifier_get_enabled (GchatTypingNotifier *self);

G_END_DECLS
