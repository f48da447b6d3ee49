/* gchat-password-dialog.h: change the account's password (old, new, repeated). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_PASSWORD_DIALOG (gchat_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatPasswordDialog, gchat_password_dialog, GCHAT, PASSWORD_DIALOG, GtkWindow)

GchatPasswordDialog *gchat_password_dialog_new (GtkWindow *parent, const char *account);
const char          *gchat_password_dialog_get_old (GchatPasswordDialog *self);
const char          *gchat_password_dialog_get_new (GchatPasswordDialog *self);
void gchat_password_dialog_set_problem (GchatPasswordDialog *self, const char *problem);

G_END_DECLS
