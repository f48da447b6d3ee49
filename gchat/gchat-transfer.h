/* gchat-transfer.h: one file transfer, either way, and its bookkeeping. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  GCHAT_TRANSFER_SEND,
  GCHAT_TRANSFER_RECEIVE,
} GchatTransferDirection;

typedef enum {
  GCHAT_TRANSFER_OFFERED,   /* incoming: accept or decline */
  GCHAT_TRANSFER_WAITING,   /* outgoing: waiting for the server to take it */
  GCHAT_TRANSFER_ACTIVE,    /* bytes are moving */
  GCHAT_TRANSFER_DONE,      /* complete and verified */
  GCHAT_TRANSFER_FAILED,    /* see the error */
  GCHAT_TRANSFER_CANCELLED, /* by us or the other side */
  GCHAT_TRANSFER_DECLINED,
} GchatTransferState;

#define GCHAT_TYPE_TRANSFER_STATE (gchat_transfer_state_get_type ())
GType gchat_transfer_state_get_type (void);

#define GCHAT_TYPE_TRANSFER (gchat_transfer_get_type ())
G_DECLARE_FINAL_TYPE (GchatTransfer, gchat_transfer, GCHAT, TRANSFER, GObject)

/* Received images up to this size get a thumbnail. */
#define GCHAT_TRANSFER_PREVIEW_MAX (32 * 1024 * 1024)

GchatTransfer         *gchat_transfer_new (GchatTransferDirection direction,
                                           const char            *id,
                                           const char            *peer,
                                           const char            *name,
                                           guint64                size,
                                           const char            *sha256);
const char            *gchat_transfer_get_key (GchatTransfer *self);
const char            *gchat_transfer_get_id (GchatTransfer *self);
void                   gchat_transfer_set_id (GchatTransfer *self, const char *id);
GchatTransferDirection gchat_transfer_get_direction (GchatTransfer *self);
const char            *gchat_transfer_get_peer (GchatTransfer *self);
const char            *gchat_transfer_get_name (GchatTransfer *self);
guint64                gchat_transfer_get_size (GchatTransfer *self);
guint64                gchat_transfer_get_done (GchatTransfer *self);
const char            *gchat_transfer_get_sha256 (GchatTransfer *self);
GchatTransferState     gchat_transfer_get_state (GchatTransfer *self);
const char            *gchat_transfer_get_error (GchatTransfer *self);
double                 gchat_transfer_get_fraction (GchatTransfer *self);
gboolean               gchat_transfer_is_over (GchatTransfer *self);
gboolean               gchat_transfer_is_image (GchatTransfer *self);
GFile                 *gchat_transfer_get_file (GchatTransfer *self);
guint64                gchat_transfer_get_written (GchatTransfer *self);
GFile                 *gchat_transfer_get_destination (GchatTransfer *self);
void                   gchat_transfer_set_destination (GchatTransfer *self, GFile *dest);
void                   gchat_transfer_set_upload (GchatTransfer *self, GInputStream *stream);
GInputStream          *gchat_transfer_get_upload (GchatTransfer *self);
gboolean               gchat_transfer_get_reading (GchatTransfer *self);
void                   gchat_transfer_set_reading (GchatTransfer *self, gboolean reading);
GBytes                *gchat_transfer_take_pending (GchatTransfer *self);
void                   gchat_transfer_set_pending (GchatTransfer *self, GBytes *chunk);
guint64                gchat_transfer_get_sent (GchatTransfer *self);
void                   gchat_transfer_set_sent (GchatTransfer *self, guint64 sent);
void                   gchat_transfer_set_state (GchatTransfer *self, GchatTransferState state);
void                   gchat_transfer_fail (GchatTransfer *self, const char *error);
gboolean gchat_transfer_receive (GchatTransfer *self, guint64 offset, const void *data, gsize len);
gboolean gchat_transfer_sent (GchatTransfer *self, guint64 acked);
gboolean gchat_transfer_finish (GchatTransfer *self);
char    *gchat_transfer_get_kind (GchatTransfer *self);
char    *gchat_transfer_describe (GchatTransfer *self);
char    *gchat_transfer_sanitize_name (const char *name);
char    *gchat_transfer_format_size (guint64 size);

G_END_DECLS
