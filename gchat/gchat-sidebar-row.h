/* gchat-sidebar-row.h: a conversation or contact in the sidebar. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-contact.h"
#include "gchat-conversation.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SIDEBAR_ROW (gchat_sidebar_row_get_type ())
G_DECLARE_FINAL_TYPE (GchatSidebarRow, gchat_sidebar_row, GCHAT, SIDEBAR_ROW, GtkListBoxRow)

GtkWidget         *gchat_sidebar_row_new_for_conversation (GchatConversation *conv);
GtkWidget         *gchat_sidebar_row_new_for_contact (GchatContact *contact);
GchatConversation *gchat_sidebar_row_get_conversation (GchatSidebarRow *self);
GchatContact      *gchat_sidebar_row_get_contact (GchatSidebarRow *self);
const char        *gchat_sidebar_row_get_badge (GchatSidebarRow *self);

G_END_DECLS
