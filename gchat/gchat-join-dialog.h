/* gchat-join-dialog.h: join an existing group or create a new one. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_JOIN_DIALOG (gchat_join_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatJoinDialog, gchat_join_dialog, GCHAT, JOIN_DIALOG, GtkWindow)

GchatJoinDialog *gchat_join_dialog_new (GtkWindow *parent);
const char      *gchat_join_dialog_get_name (GchatJoinDialog *self);
const char      *gchat_join_dialog_get_key (GchatJoinDialog *self);
gboolean         gchat_join_dialog_get_private (GchatJoinDialog *self);
void             gchat_join_dialog_set_problem (GchatJoinDialog *self, const char *problem);
void             gchat_join_dialog_set_groups (GchatJoinDialog *self, GListModel *model);
GtkListBox      *gchat_join_dialog_get_groups_list (GchatJoinDialog *self);

G_END_DECLS
