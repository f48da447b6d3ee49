/* gchat-server-info-dialog.h: what the server says about itself (VERSION, LUSERS, ADMIN, TIME,
 * MOTD). */
#pragma once

#include <gtk/gtk.h>

#include "gchat-server-requests.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SERVER_INFO_DIALOG (gchat_server_info_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatServerInfoDialog,
                      gchat_server_info_dialog,
                      GCHAT,
                      SERVER_INFO_DIALOG,
                      GtkWindow)

GchatServerInfoDialog *gchat_server_info_dialog_new (GtkWindow           *parent,
                                                     GchatServerRequests *requests,
                                                     const char          *host);
const char            *gchat_server_info_dialog_get_text (GchatServerInfoDialog *self,
                                                          GchatServerInfoSection s);
gboolean               gchat_server_info_dialog_get_loading (GchatServerInfoDialog *self);

G_END_DECLS
