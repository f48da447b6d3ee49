/*
 * gchat-transfer.c: the bookkeeping of one file transfer. Bytes only count
 * when they arrive at the offset we expect and never past the announced
 * size; a finished download must match its SHA-256 before it is "done". A
 * received file small enough is kept in memory so the row can preview an
 * image and "save as" can write it. The wire format lives in the session;
 * this object only keeps the numbers honest.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-transfer.h"

struct _GchatTransfer
{
  GObject parent_instance;

  GchatTransferDirection direction;
  GchatTransferState     state;
  char                  *key; /* ours, stable: buttons and actions use it */
  char                  *id;  /* the server's, once it gave one */
  char                  *peer;
  char                  *name;
  char                  *sha256;
  char                  *error;
  guint64                size;
  guint64                done;
  GFile                 *dest; /* where a download ends up */
  GFile                 *part; /* the file it is written to meanwhile */
  GOutputStream         *out;
  GCancellable          *cancel;
  GQueue                 writes; /* chunks received, not yet written (GBytes) */
  GBytes                *writing_chunk;
  guint64                written;
  gboolean               closing;
  GInputStream          *upload;  /* the file we send, positioned at @sent */
  GBytes                *pending; /* a chunk read but not yet queued */
  gboolean               reading; /* a chunk read is in flight */
  guint64                sent;    /* sent so far (acknowledged or not) */
  GChecksum             *checksum;
};

G_DEFINE_FINAL_TYPE (GchatTransfer, gchat_transfer, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatTransferState,
                    gchat_transfer_state,
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_OFFERED, "offered"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_ACTIVE, "active"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_CANCELLED, "cancelled"),
                    G_DEFINE_ENUM_VALUE (GCHAT_TRANSFER_DECLINED, "declined"))

enum { SIG_CHANGED, SIG_WRITTEN, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

static void
gchat_transfer_finalize (GObject *object)
{
  GchatTransfer *self = GCHAT_TRANSFER (object);

  g_free (self->key);
  g_free (self->id);
  g_free (self->peer);
  g_free (self->name);
  g_free (self->sha256);
  g_free (self->error);
  g_cancellable_cancel (self->cancel);
  g_clear_object (&self->cancel);
  g_queue_clear_full (&self->writes, (GDestroyNotify)g_bytes_unref);
  g_clear_pointer (&self->writing_chunk, g_bytes_unref);
  g_clear_object (&self->out);
  g_clear_object (&self->dest);
  g_clear_object (&self->part);
  g_clear_object (&self->upload);
  g_clear_pointer (&self->pending, g_bytes_unref);
  g_clear_pointer (&self->checksum, g_checksum_free);
  G_OBJECT_CLASS (gchat_transfer_parent_class)->finalize (object);
}

static void
gchat_transfer_class_init (GchatTransferClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gchat_transfer_finalize;

  /** GchatTransfer::changed: progress or state changed. */
  signals[SIG_CHANGED] = g_signal_new ("changed",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0,
                                       NULL,
                                       NULL,
                                       NULL,
                                       G_TYPE_NONE,
                                       0);
  /** GchatTransfer::written: more of a download is on disk (see get_written). */
  signals[SIG_WRITTEN] = g_signal_new ("written",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0,
                                       NULL,
                                       NULL,
                                       NULL,
                                       G_TYPE_NONE,
                                       0);
}

static void
gchat_transfer_init (GchatTransfer *self)
{
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  self->cancel = g_cancellable_new ();
  g_queue_init (&self->writes);
}

/**
 * gchat_transfer_sanitize_name:
 * A file name fit to show and to propose for saving, by the rule the
 * server applies too (chat_file_sanitize_name): the last path component,
 * no bidi or invisible characters, no controls, never "", "." or "..".
 */
char *
gchat_transfer_sanitize_name (const char *name)
{
  char out[CHAT_FILE_NAME_MAX + 1];

  chat_file_sanitize_name (out, sizeof out, name != NULL ? name : "");
  return g_strdup (out);
}

/** gchat_transfer_format_size: "512 bytes", "1.5 kB" (GLib's units). */
char *
gchat_transfer_format_size (guint64 size)
{
  return g_format_size (size);
}

/** gchat_transfer_new: a transfer of @size bytes named @name with @peer. */
GchatTransfer *
gchat_transfer_new (GchatTransferDirection direction,
                    const char            *id,
                    const char            *peer,
                    const char            *name,
                    guint64                size,
                    const char            *sha256)
{
  static guint   serial;
  GchatTransfer *self = g_object_new (GCHAT_TYPE_TRANSFER, NULL);

  self->key = g_strdup_printf ("t%u", ++serial);
  self->direction = direction;
  self->state =
    direction == GCHAT_TRANSFER_RECEIVE ? GCHAT_TRANSFER_OFFERED : GCHAT_TRANSFER_WAITING;
  self->id = g_strdup (id);
  self->peer = g_strdup (peer);
  self->name = gchat_transfer_sanitize_name (name);
  self->size = size;
  self->sha256 = g_ascii_strdown (sha256 != NULL ? sha256 : "", -1);
  return self;
}

/* Tell the views. */
static void
gchat_transfer_changed (GchatTransfer *self)
{
  g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_transfer_get_key: gchat's own name for the transfer, set at creation. */
const char *
gchat_transfer_get_key (GchatTransfer *self)
{
  return self->key;
}

/** gchat_transfer_get_id: the server's id, or NULL before it gave one. */
const char *
gchat_transfer_get_id (GchatTransfer *self)
{
  return self->id;
}

/** gchat_transfer_set_id: the server named our upload. */
void
gchat_transfer_set_id (GchatTransfer *self, const char *id)
{
  g_free (self->id);
  self->id = g_strdup (id);
}

/** gchat_transfer_get_direction: send or receive. */
GchatTransferDirection
gchat_transfer_get_direction (GchatTransfer *self)
{
  return self->direction;
}

/** gchat_transfer_get_peer: the other nick (or the group). */
const char *
gchat_transfer_get_peer (GchatTransfer *self)
{
  return self->peer;
}

/** gchat_transfer_get_name: the sanitised file name. */
const char *
gchat_transfer_get_name (GchatTransfer *self)
{
  return self->name;
}

/** gchat_transfer_get_size: the announced size in bytes. */
guint64
gchat_transfer_get_size (GchatTransfer *self)
{
  return self->size;
}

/** gchat_transfer_get_done: bytes received, or acknowledged by the server. */
guint64
gchat_transfer_get_done (GchatTransfer *self)
{
  return self->done;
}

/** gchat_transfer_get_sha256: the announced hash, lower-case hex. */
const char *
gchat_transfer_get_sha256 (GchatTransfer *self)
{
  return self->sha256;
}

/** gchat_transfer_get_state: where the transfer is. */
GchatTransferState
gchat_transfer_get_state (GchatTransfer *self)
{
  return self->state;
}

/** gchat_transfer_get_error: why it failed, or NULL. */
const char *
gchat_transfer_get_error (GchatTransfer *self)
{
  return self->error;
}

/** gchat_transfer_get_fraction: progress from 0 to 1 (1 for an empty file). */
double
gchat_transfer_get_fraction (GchatTransfer *self)
{
  return self->size == 0 ? 1.0 : (double)self->done / (double)self->size;
}

/** gchat_transfer_is_over: done, failed, cancelled or declined. */
gboolean
gchat_transfer_is_over (GchatTransfer *self)
{
  return self->state >= GCHAT_TRANSFER_DONE;
}

/** gchat_transfer_is_image: whether the name says it is a picture GdkTexture can load. */
gboolean
gchat_transfer_is_image (GchatTransfer *self)
{
  static const char *const ext[] = { ".png",  ".jpg", ".jpeg", ".gif", ".bmp",
                                     ".webp", ".tif", ".tiff", NULL };
  g_autofree char         *lower = g_ascii_strdown (self->name, -1);

  for (guint i = 0; ext[i] != NULL; i++)
    if (g_str_has_suffix (lower, ext[i]))
      return TRUE;
  return FALSE;
}

/** gchat_transfer_set_upload: the open file we send, read chunk by chunk. */
void
gchat_transfer_set_upload (GchatTransfer *self, GInputStream *stream)
{
  g_clear_object (&self->upload);
  self->upload = stream != NULL ? g_object_ref (stream) : NULL;
}

/** gchat_transfer_get_upload: the stream we send from, or NULL. */
GInputStream *
gchat_transfer_get_upload (GchatTransfer *self)
{
  return self->upload;
}

/** gchat_transfer_get_reading: whether a chunk read from the file is in flight. */
gboolean
gchat_transfer_get_reading (GchatTransfer *self)
{
  return self->reading;
}

/** gchat_transfer_set_reading: a chunk read started or ended. */
void
gchat_transfer_set_reading (GchatTransfer *self, gboolean reading)
{
  self->reading = reading;
}

/** gchat_transfer_take_pending: the chunk read but not yet queued (or NULL); ours now. */
GBytes *
gchat_transfer_take_pending (GchatTransfer *self)
{
  return g_steal_pointer (&self->pending);
}

/** gchat_transfer_set_pending: keep a read chunk the connection could not take yet. */
void
gchat_transfer_set_pending (GchatTransfer *self, GBytes *chunk)
{
  g_clear_pointer (&self->pending, g_bytes_unref);
  self->pending = chunk != NULL ? g_bytes_ref (chunk) : NULL;
}

/** gchat_transfer_get_sent: how far our upload has been written (acknowledged or not). */
guint64
gchat_transfer_get_sent (GchatTransfer *self)
{
  return self->sent;
}

/** gchat_transfer_set_sent: record bytes written (never past the size). */
void
gchat_transfer_set_sent (GchatTransfer *self, guint64 sent)
{
  self->sent = MIN (sent, self->size);
}

/** gchat_transfer_get_file: a finished download's file on disk, or NULL. */
GFile *
gchat_transfer_get_file (GchatTransfer *self)
{
  return self->state == GCHAT_TRANSFER_DONE ? self->dest : NULL;
}

/** gchat_transfer_get_destination: where a download goes (once accepted), or NULL. */
GFile *
gchat_transfer_get_destination (GchatTransfer *self)
{
  return self->dest;
}

/** gchat_transfer_get_written: bytes of a download written to disk so far. */
guint64
gchat_transfer_get_written (GchatTransfer *self)
{
  return self->written;
}

/* Over: let go of the file we sent from and any chunk still held. */
static void
gchat_transfer_release (GchatTransfer *self)
{
  if (self->upload != NULL)
    g_input_stream_close_async (self->upload, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->upload);
  g_clear_pointer (&self->pending, g_bytes_unref);
  g_cancellable_cancel (self->cancel);
  g_queue_clear_full (&self->writes, (GDestroyNotify)g_bytes_unref);
  if (self->out != NULL)
    g_output_stream_close_async (self->out, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->out);
  /* An unfinished download leaves nothing behind. */
  if (self->part != NULL && self->state != GCHAT_TRANSFER_DONE)
    g_file_delete_async (self->part, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

/** gchat_transfer_set_state: accepted, cancelled, declined ... (not past the end). */
void
gchat_transfer_set_state (GchatTransfer *self, GchatTransferState state)
{
  if (self->state == state || gchat_transfer_is_over (self))
    return;
  self->state = state;
  if (gchat_transfer_is_over (self))
    gchat_transfer_release (self);
  gchat_transfer_changed (self);
}

/** gchat_transfer_fail: stop with a reason in words. */
void
gchat_transfer_fail (GchatTransfer *self, const char *error)
{
  if (gchat_transfer_is_over (self))
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  self->state = GCHAT_TRANSFER_FAILED;
  gchat_transfer_release (self);
  gchat_transfer_changed (self);
}

static void gchat_transfer_write_next (GchatTransfer *self);

/* The verified download is in place: done. */
static void
gchat_transfer_moved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_move_finish (G_FILE (source), result, &error)) {
    g_autofree char *text = g_strdup_printf ("Cannot save the file: %s", error->message);

    gchat_transfer_fail (self, text);
    return;
  }
  if (gchat_transfer_is_over (self))
    return;
  self->state = GCHAT_TRANSFER_DONE;
  gchat_transfer_changed (self);
}

/* The download file is closed: give it its real name. */
static void
gchat_transfer_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatTransfer) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error)) {
    g_autofree char *text = g_strdup_printf ("Cannot write the file: %s", error->message);

    gchat_transfer_fail (self, text);
    return;
  }
  g_file_move_async (self->part,
                     self->dest,
                     G_FILE_COPY_NONE,
                     G_PRIORITY_DEFAULT,
                     self->cancel,
                     NULL,
                     NULL,
                     gchat_transfer_moved_cb,
                     g_object_ref (self));
}

/* A chunk is on disk: acknowledge it (via "written") and write the next. */
static void
gchat_transfer_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk = g_steal_pointer (&self->writing_chunk);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)) {
    g_autofree char *text = g_strdup_printf ("Cannot write the file: %s", error->message);

    gchat_transfer_fail (self, text);
    return;
  }
  if (gchat_transfer_is_over (self))
    return;
  self->written += g_bytes_get_size (chunk);
  g_signal_emit (self, signals[SIG_WRITTEN], 0);
  gchat_transfer_write_next (self);
}

/*
 * Write received chunks in order, one write in flight; once every byte is
 * written and the SHA-256 matches, close the file and rename it into place.
 */
static void
gchat_transfer_write_next (GchatTransfer *self)
{
  if (self->out == NULL || self->writing_chunk != NULL || self->closing ||
      gchat_transfer_is_over (self))
    return;
  if (!g_queue_is_empty (&self->writes)) {
    gsize         len;
    gconstpointer data;

    self->writing_chunk = g_queue_pop_head (&self->writes);
    data = g_bytes_get_data (self->writing_chunk, &len);
    g_output_stream_write_all_async (self->out,
                                     data,
                                     len,
                                     G_PRIORITY_DEFAULT,
                                     self->cancel,
                                     gchat_transfer_written_cb,
                                     g_object_ref (self));
    return;
  }
  if (self->written != self->size)
    return;
  if (g_ascii_strcasecmp (g_checksum_get_string (self->checksum), self->sha256) != 0) {
    gchat_transfer_fail (self, "The file is damaged (its SHA-256 does not match)");
    return;
  }
  self->closing = TRUE;
  g_output_stream_close_async (self->out,
                               G_PRIORITY_DEFAULT,
                               self->cancel,
                               gchat_transfer_closed_cb,
                               g_object_ref (self));
}

/* The file to download into is open: write what already arrived. */
static void
gchat_transfer_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatTransfer) self = user_data;
  g_autoptr (GError) error = NULL;
  GFileOutputStream *out = g_file_replace_finish (G_FILE (source), result, &error);

  if (out == NULL) {
    g_autofree char *text = g_strdup_printf ("Cannot write the file: %s", error->message);

    gchat_transfer_fail (self, text);
    return;
  }
  self->out = G_OUTPUT_STREAM (out);
  if (gchat_transfer_is_over (self)) {
    gchat_transfer_release (self);
    return;
  }
  gchat_transfer_write_next (self);
}

/**
 * gchat_transfer_set_destination:
 * Download into @dest: the bytes go to a hidden file next to it, which is
 * renamed to @dest once complete and verified.
 */
void
gchat_transfer_set_destination (GchatTransfer *self, GFile *dest)
{
  g_autoptr (GFile) dir = g_file_get_parent (dest);
  g_autofree char *base = g_file_get_basename (dest);
  g_autofree char *part = g_strdup_printf (".%s.%s.part", base, self->key);

  g_return_if_fail (self->dest == NULL);
  self->dest = g_object_ref (dest);
  self->part = g_file_get_child (dir, part);
  g_file_replace_async (self->part,
                        NULL,
                        FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT,
                        self->cancel,
                        gchat_transfer_opened_cb,
                        g_object_ref (self));
}

/**
 * gchat_transfer_receive:
 * Take @len bytes that start at @offset. They must continue exactly where
 * the last ones ended and stay within the announced size.
 * Returns: FALSE (and the transfer fails) otherwise.
 */
gboolean
gchat_transfer_receive (GchatTransfer *self, guint64 offset, const void *data, gsize len)
{
  if (self->direction != GCHAT_TRANSFER_RECEIVE || gchat_transfer_is_over (self))
    return FALSE;
  if (offset != self->done) {
    gchat_transfer_fail (self, "Data arrived out of order");
    return FALSE;
  }
  if (len > self->size - self->done) {
    gchat_transfer_fail (self, "More data than the announced size");
    return FALSE;
  }
  g_checksum_update (self->checksum, data, len);
  self->done += len;
  self->state = GCHAT_TRANSFER_ACTIVE;
  if (self->dest != NULL) {
    g_queue_push_tail (&self->writes, g_bytes_new (data, len));
    gchat_transfer_write_next (self);
  }
  gchat_transfer_changed (self);
  return TRUE;
}

/** gchat_transfer_sent: the server acknowledged our upload up to @acked bytes. */
gboolean
gchat_transfer_sent (GchatTransfer *self, guint64 acked)
{
  if (self->direction != GCHAT_TRANSFER_SEND || gchat_transfer_is_over (self))
    return FALSE;
  if (acked < self->done || acked > self->sent) {
    gchat_transfer_fail (self, "The server acknowledged bytes we did not send");
    return FALSE;
  }
  self->done = acked;
  self->state = GCHAT_TRANSFER_ACTIVE;
  gchat_transfer_changed (self);
  return TRUE;
}

/**
 * gchat_transfer_finish:
 * The other side says it is complete. A download must have every byte and
 * the announced SHA-256; an upload every byte acknowledged.
 */
gboolean
gchat_transfer_finish (GchatTransfer *self)
{
  if (gchat_transfer_is_over (self))
    return self->state == GCHAT_TRANSFER_DONE;
  if (self->done != self->size) {
    gchat_transfer_fail (self, "The transfer ended before all the data arrived");
    return FALSE;
  }
  if (self->dest != NULL)
    return TRUE; /* the writer finishes it once the file is on disk */
  if (self->direction == GCHAT_TRANSFER_RECEIVE &&
      g_ascii_strcasecmp (g_checksum_get_string (self->checksum), self->sha256) != 0) {
    gchat_transfer_fail (self, "The file is damaged (its SHA-256 does not match)");
    return FALSE;
  }
  self->state = GCHAT_TRANSFER_DONE;
  gchat_transfer_release (self);
  gchat_transfer_changed (self);
  return TRUE;
}

/** gchat_transfer_get_kind: what the file is, in words ("PNG image"), from its name. */
char *
gchat_transfer_get_kind (GchatTransfer *self)
{
  g_autofree char *type = g_content_type_guess (self->name, NULL, 0, NULL);

  return g_content_type_get_description (type);
}

/** gchat_transfer_describe: one line for the row: kind, size, progress or outcome. */
char *
gchat_transfer_describe (GchatTransfer *self)
{
  g_autofree char *size = gchat_transfer_format_size (self->size);
  g_autofree char *done = gchat_transfer_format_size (self->done);
  g_autofree char *kind = gchat_transfer_get_kind (self);
  gboolean         in = self->direction == GCHAT_TRANSFER_RECEIVE;

  switch (self->state) {
    case GCHAT_TRANSFER_OFFERED:
      return g_strdup_printf ("%s offers a file: %s, %s", self->peer, kind, size);
    case GCHAT_TRANSFER_WAITING:
      return g_strdup_printf ("Waiting to send %s to %s", size, self->peer);
    case GCHAT_TRANSFER_ACTIVE:
      return g_strdup_printf ("%s %s of %s", in ? "Received" : "Sent", done, size);
    case GCHAT_TRANSFER_DONE:
      return g_strdup_printf ("%s: %s, %s", in ? "Received" : "Sent", kind, size);
    case GCHAT_TRANSFER_FAILED:
      return g_strdup_printf ("Failed: %s", self->error != NULL ? self->error : "unknown error");
    case GCHAT_TRANSFER_CANCELLED:
      return g_strdup ("Cancelled");
    case GCHAT_TRANSFER_DECLINED:
    default:
      return g_strdup ("Declined");
  }
}
