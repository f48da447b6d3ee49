/* gchat-window.h: the main window. */
#pragma once

#include <adwaita.h>

#include "gchat-config.h"
#include "gchat-member-list.h"
#include "gchat-sidebar-row.h"
#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_WINDOW (gchat_window_get_type ())
G_DECLARE_FINAL_TYPE (GchatWindow, gchat_window, GCHAT, WINDOW, AdwApplicationWindow)


GchatWindow       *gchat_window_new (GtkApplication *app, GchatConfig *config);
GchatSession      *gchat_window_get_session (GchatWindow *self);
void               gchat_window_connect (GchatWindow *self);
void               gchat_window_show_connect_dialog (GchatWindow *self);
void               gchat_window_show_join_dialog (GchatWindow *self);
void               gchat_window_show_password_dialog (GchatWindow *self);
void               gchat_window_show_unregister_dialog (GchatWindow *self);
void               gchat_window_select_conversation (GchatWindow *self, GchatConversation *conv);
gboolean           gchat_window_show_by_name (GchatWindow *self, const char *name);
gboolean           gchat_window_jump_to_first_unread (GchatWindow *self);
gboolean           gchat_window_jump_to_message (GchatWindow       *self,
                                                 GchatConversation *conv,
                                                 GchatMessage      *msg);
GchatMessage      *gchat_window_get_found (GchatWindow *self);
void               gchat_window_show_error (GchatWindow *self, const char *text);
const char        *gchat_window_get_error (GchatWindow *self);
GActionGroup      *gchat_window_get_actions (GchatWindow *self);
GchatConversation *gchat_window_get_shown (GchatWindow *self);
GtkEntry          *gchat_window_get_entry (GchatWindow *self);
GtkListView       *gchat_window_get_message_view (GchatWindow *self);
GchatMemberList   *gchat_window_get_member_list (GchatWindow *self);
GtkToggleButton   *gchat_window_get_members_button (GchatWindow *self);
GchatSidebarRow   *gchat_window_find_row (GchatWindow *self, GchatConversation *conv);
GchatSidebarRow   *gchat_window_find_contact_row (GchatWindow *self, const char *nick);
gboolean           gchat_window_complete (GchatWindow *self);
gboolean           gchat_window_history_step (GchatWindow *self, int step);
gboolean           gchat_window_get_narrow (GchatWindow *self);
void               gchat_window_toast (GchatWindow *self, const char *text);
GtkWidget         *gchat_window_show_group_settings (GchatWindow *self);

G_END_DECLS
