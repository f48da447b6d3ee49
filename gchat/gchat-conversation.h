/* gchat-conversation.h: a channel ("group"), a query or the server log. */
#pragma once

#include <gio/gio.h>

#include "gchat-member.h"
#include "gchat-message.h"
#include "gchat-typing.h"
#include "gchat-scrollback.h"

G_BEGIN_DECLS

typedef enum {
  GCHAT_CONVERSATION_SERVER,
  GCHAT_CONVERSATION_CHANNEL,
  GCHAT_CONVERSATION_QUERY,
} GchatConversationKind;

#define GCHAT_TYPE_CONVERSATION_KIND (gchat_conversation_kind_get_type ())
GType gchat_conversation_kind_get_type (void);

#define GCHAT_TYPE_CONVERSATION (gchat_conversation_get_type ())
G_DECLARE_FINAL_TYPE (GchatConversation, gchat_conversation, GCHAT, CONVERSATION, GObject)

/* Scrollback kept per conversation; older items are dropped. */
#define GCHAT_CONVERSATION_SCROLLBACK 5000

/* Orders members: rank of their highest prefix (-1 for none), then name. */
typedef int (*GchatRankFunc) (char symbol, gpointer user_data);

GchatConversation    *gchat_conversation_new (GchatConversationKind kind, const char *name);
GchatConversationKind gchat_conversation_get_kind (GchatConversation *self);
const char           *gchat_conversation_get_name (GchatConversation *self);
void                  gchat_conversation_set_name (GchatConversation *self, const char *name);
gboolean              gchat_conversation_is_named (GchatConversation *self, const char *name);
const char           *gchat_conversation_get_topic (GchatConversation *self);
void                  gchat_conversation_set_topic (GchatConversation *self, const char *topic);
const char           *gchat_conversation_get_key (GchatConversation *self);
void                  gchat_conversation_set_key (GchatConversation *self, const char *key);
gboolean              gchat_conversation_get_joined (GchatConversation *self);
void                  gchat_conversation_set_joined (GchatConversation *self, gboolean joined);
gboolean              gchat_conversation_get_operator (GchatConversation *self);
void                  gchat_conversation_set_operator (GchatConversation *self, gboolean op);
GListModel           *gchat_conversation_get_messages (GchatConversation *self);
void                  gchat_conversation_add (GchatConversation *self, GchatMessage *message);
void gchat_conversation_add_text (GchatConversation *self, GchatMessageKind kind, const char *text);
void gchat_conversation_mark_history_end (GchatConversation *self);
gboolean gchat_conversation_has_copy (GchatConversation *self, GchatMessage *message);
guint    gchat_conversation_get_unread (GchatConversation *self);
/* The text of the divider before the first unread line. */
#define GCHAT_CONVERSATION_NEW_MESSAGES "New messages"
guint        gchat_conversation_mark_first_unread (GchatConversation *self);
guint        gchat_conversation_find_first_unread (GchatConversation *self);
gboolean     gchat_conversation_get_mentioned (GchatConversation *self);
void         gchat_conversation_set_active (GchatConversation *self, gboolean active);
gboolean     gchat_conversation_get_active (GchatConversation *self);
void         gchat_conversation_mark_read (GchatConversation *self);
void         gchat_conversation_set_read_marker (GchatConversation *self, GDateTime *marker);
GDateTime   *gchat_conversation_get_read_marker (GchatConversation *self);
gboolean     gchat_conversation_remove_msgid (GchatConversation *self, const char *msgid);
GListModel  *gchat_conversation_get_members (GchatConversation *self);
void         gchat_conversation_set_rank_func (GchatConversation *self,
                                               GchatRankFunc      func,
                                               gpointer           user_data);
GchatMember *gchat_conversation_find_member (GchatConversation *self, const char *nick);
GchatMember *gchat_conversation_add_member (GchatConversation *self,
                                            const char        *nick,
                                            const char        *prefixes);
gboolean     gchat_conversation_remove_member (GchatConversation *self, const char *nick);
gboolean     gchat_conversation_rename_member (GchatConversation *self,
                                               const char        *old_nick,
                                               const char        *new_nick);
void         gchat_conversation_update_member_prefix (GchatConversation *self,
                                                      const char        *nick,
                                                      char               symbol,
                                                      gboolean           add);
void         gchat_conversation_clear_members (GchatConversation *self);
GchatTyping *gchat_conversation_get_typing (GchatConversation *self);
/* Earlier messages loaded on scrolling up (gchat-scrollback.h). */
GchatScrollbackState gchat_conversation_get_scrollback (GchatConversation *self);
void  gchat_conversation_set_scrollback (GchatConversation *self, GchatScrollbackState state);
guint gchat_conversation_add_older (GchatConversation *self, GPtrArray *older, gboolean *capped);

G_END_DECLS
