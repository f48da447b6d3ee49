/* gchat-unregister-dialog.h: delete the account, after typing its password. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_UNREGISTER_DIALOG (gchat_unregister_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatUnregisterDialog,
                      gchat_unregister_dialog,
                      GCHAT,
                      UNREGISTER_DIALOG,
                      AdwMessageDialog)

GchatUnregisterDialog *gchat_unregister_dialog_new (GtkWindow *parent, const char *account);
const char            *gchat_unregister_dialog_get_password (GchatUnregisterDialog *self);

G_END_DECLS
