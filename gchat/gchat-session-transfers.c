/*
 * gchat-session-transfers.c: file transfers through the server (SENDFILE):
 * hashing and offering a file, the upload window, downloads to disk, and
 * picking up again after a reconnect.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* Without the chatd/sendfile capability: chunks that fit a 512-byte line. */
#define UPLOAD_CHUNK_SMALL 300
/* Chunks in flight when the server does not say. */
#define UPLOAD_WINDOW_DEFAULT 8
/* How much of a file to send is hashed per read. */
#define SEND_FILE_HASH_PIECE (256 * 1024)

/** gchat_session_find_transfer: the transfer with our key or the server's id (borrowed). */
GchatTransfer *
gchat_session_find_transfer (GchatSession *self, const char *key_or_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

    if (g_strcmp0 (gchat_transfer_get_key (t), key_or_id) == 0 ||
        g_strcmp0 (gchat_transfer_get_id (t), key_or_id) == 0)
      return t;
  }
  return NULL;
}

/* Keep a transfer and show it in the conversation with @where. */
static void
gchat_session_add_transfer (GchatSession  *self,
                            GchatTransfer *t,
                            const char    *where,
                            const char    *from,
                            gboolean       own)
{
  g_autoptr (GchatMessage) msg = gchat_message_new_item (from, G_OBJECT (t), own);
  GchatConversation *conv;

  g_list_store_append (self->transfers, t);
  conv = chat_is_channel (where) ? gchat_session_find (self, where)
                                 : gchat_session_open_query (self, where, FALSE);
  if (conv == NULL)
    conv = self->server;
  gchat_conversation_add (conv, msg);
  if (!own)
    gchat_session_notify_message (self, conv, msg);
}

/* The conversation a transfer is shown in (its peer's, or its channel's). */
static GchatConversation *
gchat_session_transfer_conversation (GchatSession *self, GchatTransfer *t)
{
  GchatConversation *conv = gchat_session_find (self, gchat_transfer_get_peer (t));

  return conv != NULL ? conv : gchat_session_note_target (self);
}

/* The bytes of one upload chunk, as big as chatd/sendfile and maxline allow. */
static guint64
gchat_session_upload_chunk (GchatSession *self)
{
  guint64 chunk =
    gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "chunk", UPLOAD_CHUNK_SMALL);

  /* The whole DATA line must fit the server's maxline. */
  chunk = MIN (chunk, (gchat_connection_get_max_line (self->conn) - 64) / 4 * 3);
  return MAX (chunk, 3);
}

static void gchat_session_pump_upload (GchatSession *self, GchatTransfer *t);

typedef struct
{
  GchatSession  *self;
  GchatTransfer *transfer;
} UploadRead;

/* A chunk came from the file: queue it and read on while the window has room. */
static void
upload_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadRead *r = user_data;
  g_autoptr (GchatSession) self = r->self;
  g_autoptr (GchatTransfer) t = r->transfer;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk = NULL;

  g_free (r);
  gchat_transfer_set_reading (t, FALSE);
  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  /* Without an id the connection dropped: the resumed upload seeks anew. */
  if (gchat_transfer_is_over (t) || self->conn == NULL || gchat_transfer_get_id (t) == NULL)
    return;
  if (chunk == NULL) {
    g_autofree char *text = g_strdup_printf ("Cannot read the file: %s", error->message);

    gchat_transfer_fail (t, text);
    return;
  }
  if (g_bytes_get_size (chunk) == 0) {
    gchat_transfer_fail (t, "The file became shorter while it was sent");
    return;
  }
  gchat_transfer_set_pending (t, chunk);
  gchat_session_pump_upload (self, t);
}

/*
 * Keep the upload going: queue the chunk already read, then read the next
 * one from the file (one read in flight) while fewer than window chunks
 * are unacknowledged; memory stays at about one window.
 */
static void
gchat_session_pump_upload (GchatSession *self, GchatTransfer *t)
{
  GInputStream *stream = gchat_transfer_get_upload (t);
  guint64       chunk = gchat_session_upload_chunk (self);
  guint64       window =
    gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "window", UPLOAD_WINDOW_DEFAULT);
  guint64 size = gchat_transfer_get_size (t);
  g_autoptr (GBytes) pending = NULL;
  struct chat_file_window w;
  uint64_t                next;
  size_t                  next_len;
  UploadRead             *r;

  if (stream == NULL || gchat_transfer_get_id (t) == NULL || gchat_transfer_is_over (t) ||
      gchat_transfer_get_reading (t))
    return;
  window = MAX (window, 1);
  pending = gchat_transfer_take_pending (t);
  if (pending != NULL) {
    guint64          off = gchat_transfer_get_sent (t);
    gsize            len = g_bytes_get_size (pending);
    g_autofree char *b64 = NULL;

    if (len > size - off) {
      gchat_transfer_fail (t, "The file grew while it was sent");
      return;
    }
    b64 = g_base64_encode (g_bytes_get_data (pending, NULL), len);
    if (!gchat_connection_send_data (self->conn, gchat_transfer_get_id (t), off, b64)) {
      /* The queue is full: keep the chunk, the next ACK pumps again. */
      gchat_transfer_set_pending (t, pending);
      return;
    }
    gchat_transfer_set_sent (t, off + len);
  }
  /* The window rule the server follows for downloads (libchat/file.c). */
  w.size = size;
  w.acked = gchat_transfer_get_done (t);
  w.sent = gchat_transfer_get_sent (t);
  w.chunk = (size_t)chunk;
  w.window = (unsigned)MIN (window, G_MAXUINT);
  if (!chat_file_window_next (&w, &next, &next_len))
    return;
  r = g_new0 (UploadRead, 1);
  r->self = g_object_ref (self);
  r->transfer = g_object_ref (t);
  gchat_transfer_set_reading (t, TRUE);
  g_input_stream_read_bytes_async (stream, next_len, G_PRIORITY_DEFAULT, NULL, upload_read_cb, r);
}

/* The server takes our upload from @offset: move the file there and start. */
static void
gchat_session_start_upload (GchatSession *self, GchatTransfer *t, guint64 offset)
{
  GInputStream *stream = gchat_transfer_get_upload (t);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) stale = gchat_transfer_take_pending (t);

  gchat_transfer_set_sent (t, offset);
  if (!gchat_transfer_sent (t, offset))
    return;
  /* A seek on a local file is an lseek: it does not wait for the disk. */
  if (stream == NULL || !G_IS_SEEKABLE (stream) ||
      !g_seekable_seek (G_SEEKABLE (stream), (goffset)offset, G_SEEK_SET, NULL, &error)) {
    gchat_transfer_fail (t, "Cannot go back in the file to resume it");
    return;
  }
  gchat_session_pump_upload (self, t);
}

/* Our upload named @t's recipient @nick as @state (ACCEPTED, DECLINED, COMPLETE, CANCELLED). */
static void
gchat_session_transfer_status (GchatSession  *self,
                               GchatTransfer *t,
                               const char    *nick,
                               const char    *state)
{
  g_autofree char *text = NULL;
  gboolean         me = gchat_connection_is_me (self->conn, nick);

  if (gchat_transfer_get_direction (t) == GCHAT_TRANSFER_RECEIVE) {
    if (g_ascii_strcasecmp (state, "CANCELLED") == 0)
      gchat_transfer_set_state (t, GCHAT_TRANSFER_CANCELLED);
    return;
  }
  if (me)
    return;
  if (g_ascii_strcasecmp (state, "ACCEPTED") == 0)
    text = g_strdup_printf ("%s is fetching %s", nick, gchat_transfer_get_name (t));
  else if (g_ascii_strcasecmp (state, "DECLINED") == 0)
    text = g_strdup_printf ("%s declined %s", nick, gchat_transfer_get_name (t));
  else if (g_ascii_strcasecmp (state, "COMPLETE") == 0)
    text = g_strdup_printf ("%s received %s", nick, gchat_transfer_get_name (t));
  else
    return;
  gchat_conversation_add_text (gchat_session_transfer_conversation (self, t),
                               GCHAT_MESSAGE_EVENT,
                               text);
  /* Whether they took it is news wherever one is in the window. */
  if (g_ascii_strcasecmp (state, "ACCEPTED") != 0)
    gchat_session_toast (self, text);
}

/* More of a download is on disk: acknowledge exactly that much. */
static void
gchat_session_transfer_written (GchatSession *self, GchatTransfer *t)
{
  g_autofree char *acked = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_written (t));

  gchat_connection_sendv (self->conn, "SENDFILE", "ACK", gchat_transfer_get_id (t), acked, NULL);
}

/* Whether a download still in progress is going to @file. */
static gboolean
gchat_session_download_taken (GchatSession *self, GFile *file)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
    GFile *dest = gchat_transfer_get_destination (t);

    if (dest != NULL && !gchat_transfer_is_over (t) && g_file_equal (dest, file))
      return TRUE;
  }
  return FALSE;
}

/* Where an accepted download goes: its name in the download folder, not taken yet. */
static GFile *
gchat_session_download_file (GchatSession *self, GchatTransfer *t)
{
  const char      *dir = self->download_dir;
  const char      *name = gchat_transfer_get_name (t);
  const char      *dot = strrchr (name, '.');
  g_autofree char *stem =
    g_strndup (name, dot != NULL && dot != name ? (gsize)(dot - name) : strlen (name));
  const char *ext = dot != NULL && dot != name ? dot : "";
  GFile      *file = NULL;

  if (dir == NULL)
    dir = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  if (dir == NULL)
    dir = g_get_home_dir ();
  /* A stat is quick; a name already there gets " (2)", " (3)" ... */
  for (guint i = 1; i <= 100; i++) {
    g_autofree char *base = i == 1 ? g_strdup (name) : g_strdup_printf ("%s (%u)%s", stem, i, ext);

    g_clear_object (&file);
    file = g_file_new_build_filename (dir, base, NULL);
    if (!g_file_query_exists (file, NULL) && !gchat_session_download_taken (self, file))
      break;
  }
  return file;
}

/*
 * SENDFILE from the server (doc/PROTOCOL.md, "File transfer"):
 *   SENDFILE UPLOAD <id> <offset> :<name>      our offer was taken: upload
 *   SENDFILE ACK <id> <offset>                 our upload is stored that far
 *   SENDFILE STORED <id> <size> <sha256> <n>   verified and offered to n
 *   SENDFILE OFFER <id> <from> <to> <size> <sha256> <mime> :<name>
 *   SENDFILE BEGIN <id> <offset> <size>        our download starts there
 *   SENDFILE DATA <id> <offset> <base64>       a chunk for us; we ACK it
 *   SENDFILE STATUS <id> <nick> <state>        a recipient's progress
 * Refusals come as FAIL SENDFILE <code> <id>; ENTRY and END (LIST) are shown
 * as text.
 */
void
gchat_session_handle_sendfile (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char        *sub = m->argc > 0 ? m->argv[0] : "";
  enum chat_file_sub s = chat_file_sub (sub);
  GchatTransfer     *t = m->argc > 1 ? gchat_session_find_transfer (self, m->argv[1]) : NULL;
  g_autofree char   *text = NULL;

  if (s == CHAT_FILE_SUB_UPLOAD && m->argc >= 3 && t == NULL) {
    guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

    /* Offers are answered in order: the oldest one without an id is this one. */
    for (guint i = 0; i < n; i++) {
      g_autoptr (GchatTransfer) w = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
      guint64 offset = g_ascii_strtoull (m->argv[2], NULL, 10);

      if (gchat_transfer_get_direction (w) != GCHAT_TRANSFER_SEND ||
          gchat_transfer_get_id (w) != NULL || gchat_transfer_is_over (w))
        continue;
      gchat_transfer_set_id (w, m->argv[1]);
      gchat_session_start_upload (self, w, offset);
      return;
    }
  }
  if (s == CHAT_FILE_SUB_ACK && m->argc >= 3 && t != NULL) {
    if (gchat_transfer_sent (t, g_ascii_strtoull (m->argv[2], NULL, 10)))
      gchat_session_pump_upload (self, t);
    return;
  }
  if (s == CHAT_FILE_SUB_STORED && t != NULL) {
    gchat_transfer_finish (t);
    return;
  }
  if (s == CHAT_FILE_SUB_OFFER && t != NULL &&
      gchat_transfer_get_direction (t) == GCHAT_TRANSFER_RECEIVE &&
      gchat_transfer_get_state (t) == GCHAT_TRANSFER_ACTIVE) {
    /* Offered again after a reconnect: go on from what arrived. */
    g_autofree char *from = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_done (t));

    gchat_connection_sendv (self->conn, "SENDFILE", "ACCEPT", m->argv[1], from, NULL);
    return;
  }
  if (s == CHAT_FILE_SUB_OFFER && m->argc >= 8 && t == NULL) {
    g_autoptr (GchatTransfer) fresh = NULL;
    const char *to = m->argv[3];

    fresh = gchat_transfer_new (GCHAT_TRANSFER_RECEIVE,
                                m->argv[1],
                                chat_is_channel (to) ? to : m->argv[2],
                                m->argv[7],
                                g_ascii_strtoull (m->argv[4], NULL, 10),
                                m->argv[5]);
    g_signal_connect_object (fresh,
                             "written",
                             G_CALLBACK (gchat_session_transfer_written),
                             self,
                             G_CONNECT_SWAPPED);
    gchat_session_add_transfer (self,
                                fresh,
                                chat_is_channel (to) ? to : m->argv[2],
                                m->argv[2],
                                FALSE);
    return;
  }
  if (s == CHAT_FILE_SUB_BEGIN && m->argc >= 3 && t != NULL) {
    if (g_ascii_strtoull (m->argv[2], NULL, 10) != gchat_transfer_get_done (t))
      gchat_transfer_fail (t, "The server resent from an offset gchat does not have");
    return;
  }
  if (s == CHAT_FILE_SUB_DATA && m->argc >= 4 && t != NULL) {
    size_t             b64len = strlen (m->argv[3]);
    g_autofree guchar *data = g_malloc (b64len / 4 * 3 + 1);
    ssize_t            len = chat_file_b64_decode (data, m->argv[3], b64len);
    uint64_t           offset = 0;

    if (len < 0 || chat_file_parse_u64 (m->argv[2], &offset) != 0) {
      gchat_transfer_fail (t, "The server sent a malformed chunk");
      gchat_connection_sendv (self->conn, "SENDFILE", "DECLINE", m->argv[1], NULL);
      return;
    }
    if (!gchat_transfer_receive (t, offset, data, (gsize)len)) {
      gchat_connection_sendv (self->conn, "SENDFILE", "DECLINE", m->argv[1], NULL);
      return;
    }
    /* Chunks are acknowledged once written (gchat_session_transfer_written). */
    return;
  }
  if (s == CHAT_FILE_SUB_STATUS && m->argc >= 4 && t != NULL) {
    gchat_session_transfer_status (self, t, m->argv[2], m->argv[3]);
    return;
  }
  text = gchat_session_text_from (m, 0);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* FAIL SENDFILE <code> <id> :text: the transfer concerned fails in words. */
gboolean
gchat_session_sendfile_fail (GchatSession *self, const struct chat_msg *m)
{
  GchatTransfer *t;

  if (m->argc < 4 || strcmp (m->argv[0], "SENDFILE") != 0 ||
      (t = gchat_session_find_transfer (self, m->argv[2])) == NULL)
    return FALSE;
  gchat_transfer_fail (t, gchat_session_last_arg (m));
  return TRUE;
}

/*
 * The connection dropped: our unfinished uploads wait, without the id of a
 * connection that is gone, to be offered again (gchat_session_resume_uploads).
 */
void
gchat_session_pause_uploads (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);

    if (gchat_transfer_get_direction (t) != GCHAT_TRANSFER_SEND || gchat_transfer_is_over (t))
      continue;
    gchat_transfer_set_id (t, NULL);
    gchat_transfer_set_state (t, GCHAT_TRANSFER_WAITING);
  }
}

/*
 * Connected again: offer each unfinished upload with the same SENDFILE
 * line; the server's UPLOAD reply says where to go on (doc/PROTOCOL.md,
 * "Interruptions"), and a file it had whole is stored at once.
 */
void
gchat_session_resume_uploads (GchatSession *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->transfers));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->transfers), i);
    g_autofree char *name = NULL;
    g_autofree char *size = NULL;

    if (gchat_transfer_get_direction (t) != GCHAT_TRANSFER_SEND || gchat_transfer_is_over (t) ||
        gchat_transfer_get_id (t) != NULL)
      continue;
    name = g_strdup (gchat_transfer_get_name (t));
    g_strdelimit (name, " ", '_');
    size = g_strdup_printf ("%" G_GUINT64_FORMAT, gchat_transfer_get_size (t));
    gchat_connection_sendv (self->conn,
                            "SENDFILE",
                            "TO",
                            gchat_transfer_get_peer (t),
                            name,
                            size,
                            gchat_transfer_get_sha256 (t),
                            NULL);
  }
}

/* Hashing a file to send: it is read twice, once here and once to upload. */
typedef struct
{
  GchatSession *self;
  char         *target;
  GFile        *file;
  GInputStream *stream;
  GChecksum    *checksum;
  guint64       size;
  guint64       max;
} SendFileData;

/* Drop the state of a file being hashed. */
static void
send_file_data_free (SendFileData *d)
{
  g_object_unref (d->self);
  g_free (d->target);
  g_object_unref (d->file);
  g_clear_object (&d->stream);
  g_checksum_free (d->checksum);
  g_free (d);
}

/* Hashing stopped on @message: say so in the error bar. */
static void
send_file_error (SendFileData *d, const char *message)
{
  g_autofree char *text = g_strdup_printf ("Cannot read the file: %s", message);

  gchat_session_error (d->self, NULL, text);
  send_file_data_free (d);
}

/* The file is hashed: rewind it, offer it with SENDFILE, show it. */
static void
send_file_offer (SendFileData *d)
{
  GchatSession    *self = d->self;
  g_autofree char *name = g_file_get_basename (d->file);
  g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT, d->size);
  const char      *sha = g_checksum_get_string (d->checksum);
  g_autoptr (GchatTransfer) t = NULL;
  g_autoptr (GError) error = NULL;

  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED) {
    send_file_error (d, "not connected any more");
    return;
  }
  if (!g_seekable_seek (G_SEEKABLE (d->stream), 0, G_SEEK_SET, NULL, &error)) {
    send_file_error (d, error->message);
    return;
  }
  t = gchat_transfer_new (GCHAT_TRANSFER_SEND, NULL, d->target, name, d->size, sha);
  gchat_transfer_set_upload (t, d->stream);
  /* Names cannot carry spaces on the wire; the server sanitises the rest. */
  g_strdelimit (name, " ", '_');
  gchat_connection_sendv (self->conn, "SENDFILE", "TO", d->target, name, size, sha, NULL);
  gchat_session_add_transfer (self, t, d->target, gchat_connection_get_nick (self->conn), TRUE);
  send_file_data_free (d);
}

/* Another piece of the file to hash; the next read, or the offer at the end. */
static void
send_file_hash_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendFileData *d = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) piece =
    g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;

  if (piece == NULL) {
    send_file_error (d, error->message);
    return;
  }
  len = g_bytes_get_size (piece);
  if (len == 0) {
    send_file_offer (d);
    return;
  }
  g_checksum_update (d->checksum, g_bytes_get_data (piece, NULL), len);
  d->size += len;
  if (d->size > d->max) {
    g_autofree char *max = gchat_transfer_format_size (d->max);
    g_autofree char *text =
      g_strdup_printf ("That file is too big (the server takes at most %s)", max);

    gchat_session_error (d->self, NULL, text);
    send_file_data_free (d);
    return;
  }
  g_input_stream_read_bytes_async (d->stream,
                                   SEND_FILE_HASH_PIECE,
                                   G_PRIORITY_DEFAULT,
                                   NULL,
                                   send_file_hash_cb,
                                   d);
}

/* The file to send is open: hash it piece by piece. */
static void
send_file_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SendFileData *d = user_data;
  g_autoptr (GError) error = NULL;

  d->stream = G_INPUT_STREAM (g_file_read_finish (G_FILE (source), result, &error));
  if (d->stream == NULL) {
    send_file_error (d, error->message);
    return;
  }
  g_input_stream_read_bytes_async (d->stream,
                                   SEND_FILE_HASH_PIECE,
                                   G_PRIORITY_DEFAULT,
                                   NULL,
                                   send_file_hash_cb,
                                   d);
}

/**
 * gchat_session_send_file:
 * Offer @file to @target (a nick or a group): it is read (asynchronously),
 * hashed and offered with SENDFILE; the upload starts when the server
 * answers UPLOAD.
 */
gboolean
gchat_session_send_file (GchatSession *self, const char *target, GFile *file, GError **error)
{
  SendFileData *d;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  d = g_new0 (SendFileData, 1);
  d->self = g_object_ref (self);
  d->target = g_strdup (target);
  d->file = g_object_ref (file);
  d->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* Without chatd/sendfile the server states no limit: it refuses with FAIL. */
  d->max = gchat_connection_get_cap_number (self->conn, "chatd/sendfile", "maxsize", G_MAXUINT64);
  g_file_read_async (file, G_PRIORITY_DEFAULT, NULL, send_file_opened_cb, d);
  return TRUE;
}

/** gchat_session_transfer_answer: accept (download) or decline an offer. */
void
gchat_session_transfer_answer (GchatSession *self, const char *key, gboolean accept)
{
  GchatTransfer *t = gchat_session_find_transfer (self, key);

  if (t == NULL || gchat_transfer_get_state (t) != GCHAT_TRANSFER_OFFERED)
    return;
  gchat_connection_sendv (self->conn,
                          "SENDFILE",
                          accept ? "ACCEPT" : "DECLINE",
                          gchat_transfer_get_id (t),
                          NULL);
  if (accept) {
    g_autoptr (GFile) dest = gchat_session_download_file (self, t);

    gchat_transfer_set_destination (t, dest);
  }
  gchat_transfer_set_state (t, accept ? GCHAT_TRANSFER_ACTIVE : GCHAT_TRANSFER_DECLINED);
}

/**
 * gchat_session_transfer_cancel:
 * Stop a transfer: the sender withdraws it (CANCEL), a recipient refuses
 * the rest (DECLINE, as the protocol has it).
 */
void
gchat_session_transfer_cancel (GchatSession *self, const char *key)
{
  GchatTransfer *t = gchat_session_find_transfer (self, key);
  gboolean       send;

  if (t == NULL || gchat_transfer_is_over (t))
    return;
  send = gchat_transfer_get_direction (t) == GCHAT_TRANSFER_SEND;
  if (gchat_transfer_get_id (t) != NULL)
    gchat_connection_sendv (self->conn,
                            "SENDFILE",
                            send ? "CANCEL" : "DECLINE",
                            gchat_transfer_get_id (t),
                            NULL);
  gchat_transfer_set_state (t, GCHAT_TRANSFER_CANCELLED);
}

/** gchat_session_set_download_dir: where accepted files go (NULL: the download folder). */
void
gchat_session_set_download_dir (GchatSession *self, const char *dir)
{
  g_free (self->download_dir);
  self->download_dir = g_strdup (dir);
}

/** gchat_session_get_transfers: every transfer of this session (GchatTransfer). */
GListModel *
gchat_session_get_transfers (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->transfers);
}
