/* gchat-member-list.h: the members of a group, with admin actions. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_MEMBER_LIST (gchat_member_list_get_type ())
G_DECLARE_FINAL_TYPE (GchatMemberList, gchat_member_list, GCHAT, MEMBER_LIST, GtkBox)

GtkWidget   *gchat_member_list_new (void);
void         gchat_member_list_set_conversation (GchatMemberList   *self,
                                                 GchatSession      *session,
                                                 GchatConversation *conv);
GMenuModel  *gchat_member_list_menu_for (GchatMemberList *self, const char *nick);
GtkListView *gchat_member_list_get_view (GchatMemberList *self);

G_END_DECLS
