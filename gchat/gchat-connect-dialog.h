/* gchat-connect-dialog.h: server, port, nick and real name. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-config.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_CONNECT_DIALOG (gchat_connect_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatConnectDialog, gchat_connect_dialog, GCHAT, CONNECT_DIALOG, GtkWindow)

GchatConnectDialog *gchat_connect_dialog_new (GtkWindow *parent, const GchatConfig *config);
void                gchat_connect_dialog_fill (GchatConnectDialog *self, GchatConfig *config);
gboolean            gchat_connect_dialog_validate (GchatConnectDialog *self, char **problem);

G_END_DECLS
