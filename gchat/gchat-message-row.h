/* gchat-message-row.h: how one conversation item looks. */
#pragma once

#include <adwaita.h>

#include "gchat-message.h"
#include "gchat-profile.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_MESSAGE_ROW (gchat_message_row_get_type ())
G_DECLARE_FINAL_TYPE (GchatMessageRow, gchat_message_row, GCHAT, MESSAGE_ROW, GtkBox)

GtkWidget    *gchat_message_row_new (void);
void          gchat_message_row_set_message (GchatMessageRow *self,
                                             GchatMessage    *message,
                                             GchatProfile    *profile);
GchatMessage *gchat_message_row_get_message (GchatMessageRow *self);
GtkWidget    *gchat_message_row_get_item_widget (GchatMessageRow *self);
const char   *gchat_message_row_get_text (GchatMessageRow *self);
void          gchat_message_row_set_withdrawable (GchatMessageRow *self, gboolean withdrawable);
GtkWidget    *gchat_message_row_get_actions_button (GchatMessageRow *self);
AdwAvatar    *gchat_message_row_get_avatar (GchatMessageRow *self);
char         *gchat_nick_color (const char *nick);

G_END_DECLS
