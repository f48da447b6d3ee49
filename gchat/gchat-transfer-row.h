/* gchat-transfer-row.h: a file transfer in a conversation. */
#pragma once

#include <gtk/gtk.h>

#include "gchat-transfer.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_TRANSFER_ROW (gchat_transfer_row_get_type ())
G_DECLARE_FINAL_TYPE (GchatTransferRow, gchat_transfer_row, GCHAT, TRANSFER_ROW, GtkBox)

GtkWidget     *gchat_transfer_row_new (GchatTransfer *transfer);
GchatTransfer *gchat_transfer_row_get_transfer (GchatTransferRow *self);
GtkPicture    *gchat_transfer_row_get_picture (GchatTransferRow *self);
const char    *gchat_transfer_row_get_status (GchatTransferRow *self);
void           gchat_transfer_row_show_full (GchatTransferRow *self);

G_END_DECLS
