/* gchat-message.h: one item in a conversation. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * What an item is. TEXT, ACTION and NOTICE come from people; EVENT is a
 * membership or topic change, INFO a server or client note, ERROR a refusal
 * from the server. ITEM is the extension point for non-text items (a file
 * offer, a game board): the payload is in the "item" property and a row
 * widget for it is chosen by the item's type.
 */
typedef enum {
  GCHAT_MESSAGE_TEXT,
  GCHAT_MESSAGE_ACTION,
  GCHAT_MESSAGE_NOTICE,
  GCHAT_MESSAGE_EVENT,
  GCHAT_MESSAGE_INFO,
  GCHAT_MESSAGE_ERROR,
  GCHAT_MESSAGE_ITEM,
} GchatMessageKind;

#define GCHAT_TYPE_MESSAGE_KIND (gchat_message_kind_get_type ())
GType gchat_message_kind_get_type (void);

#define GCHAT_TYPE_MESSAGE (gchat_message_get_type ())
G_DECLARE_FINAL_TYPE (GchatMessage, gchat_message, GCHAT, MESSAGE, GObject)

GchatMessage    *gchat_message_new (GchatMessageKind kind,
                                    const char      *nick,
                                    const char      *text,
                                    gboolean         own);
GchatMessage    *gchat_message_new_item (const char *nick, GObject *item, gboolean own);
GchatMessageKind gchat_message_get_kind (GchatMessage *self);
const char      *gchat_message_get_nick (GchatMessage *self);
const char      *gchat_message_get_text (GchatMessage *self);
gboolean         gchat_message_get_own (GchatMessage *self);
gboolean         gchat_message_get_highlight (GchatMessage *self);
void             gchat_message_set_highlight (GchatMessage *self, gboolean highlight);
GDateTime       *gchat_message_get_time (GchatMessage *self);
void             gchat_message_set_time (GchatMessage *self, GDateTime *time);
GObject         *gchat_message_get_item (GchatMessage *self);
gboolean         gchat_message_is_chat (GchatMessage *self);
GchatMessage    *gchat_message_new_divider (const char *text);
gboolean         gchat_message_get_history (GchatMessage *self);
void             gchat_message_set_history (GchatMessage *self, gboolean history);
gboolean         gchat_message_get_divider (GchatMessage *self);
const char      *gchat_message_get_msgid (GchatMessage *self);
void             gchat_message_set_msgid (GchatMessage *self, const char *msgid);
char            *gchat_message_linkify (const char *text);
const char      *gchat_message_get_clock (GchatMessage *self);
const char      *gchat_message_get_links (GchatMessage *self);

G_END_DECLS
