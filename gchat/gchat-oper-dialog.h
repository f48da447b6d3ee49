/* gchat-oper-dialog.h: become a server operator (operator name and password). */
#pragma once

#include <gtk/gtk.h>

#include "gchat-server-requests.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_OPER_DIALOG (gchat_oper_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatOperDialog, gchat_oper_dialog, GCHAT, OPER_DIALOG, GtkWindow)

GchatOperDialog *gchat_oper_dialog_new (GtkWindow *parent, GchatServerRequests *requests);
const char      *gchat_oper_dialog_get_problem (GchatOperDialog *self);

G_END_DECLS
