/*
 * gchat-connection.c: the socket side of a server connection: the GObject
 * (properties, signals, lifecycle), connecting (TLS, with trust on first
 * use), reading raw bytes into libchat's bounded line splitter, parsing
 * each line with chat_msg_parse and emitting it, QUIT and close, and the
 * getters. Writes go through a queue with exactly one write in flight,
 * because GIO allows only one per stream. What the connection does with a
 * line before anyone else sees it (registration, capabilities, logging in)
 * is in gchat-connection-register.c; the two share
 * gchat-connection-private.h.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "gchat-config.h"
#include "gchat-connection-private.h"

#define READ_CHUNK 65536
#define QUIT_GRACE_MS 2000

G_DEFINE_FINAL_TYPE (GchatConnection, gchat_connection, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatConnectionState,
                    gchat_connection_state,
                    G_DEFINE_ENUM_VALUE (GCHAT_CONNECTION_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (GCHAT_CONNECTION_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (GCHAT_CONNECTION_REGISTERING, "registering"),
                    G_DEFINE_ENUM_VALUE (GCHAT_CONNECTION_CONNECTED, "connected"))

enum { PROP_0, PROP_STATE, PROP_NICK, PROP_LOGGED_IN, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

enum {
  SIG_MESSAGE_RECEIVED,
  SIG_LINE_SENT,
  SIG_DISCONNECTED,
  SIG_CERTIFICATE_UNKNOWN,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

static void gchat_connection_pump (GchatConnection *self);

/* Change the state and tell listeners, once per real change. */
void
gchat_connection_set_state (GchatConnection *self, GchatConnectionState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_STATE]);
}

/* Record whether the server says we are logged in; tell listeners on change. */
void
gchat_connection_set_logged_in (GchatConnection *self, gboolean logged_in)
{
  if (self->logged_in == logged_in)
    return;
  self->logged_in = logged_in;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_LOGGED_IN]);
}

/* Drop the socket and everything tied to it, without signalling. */
static void
gchat_connection_teardown (GchatConnection *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->quit_timeout, g_source_remove);
  /* Close the socket itself: the streams refuse while a read is pending. */
  if (self->socket != NULL)
    g_socket_close (g_socket_connection_get_socket (self->socket), NULL);
  self->in = NULL;
  self->out = NULL;
  g_clear_object (&self->socket);
  g_clear_object (&self->client);
  g_clear_pointer (&self->inflight, g_bytes_unref);
  g_queue_clear_full (&self->outq, (GDestroyNotify)g_bytes_unref);
  self->closing = FALSE;
  self->cap_open = FALSE;
  self->sasl_pending = FALSE;
  self->sasl_tried = FALSE;
  self->logged_in = FALSE;
  self->nick_attempts = 0;
  chat_linebuf_init (&self->linebuf, self->linestore, GCHAT_CONNECTION_LINE_MAX + 1);
}

/* The connection ended for a reason the user did not ask for (or did). */
static void
gchat_connection_lost (GchatConnection *self, const char *reason)
{
  if (self->state == GCHAT_CONNECTION_DISCONNECTED)
    return;
  gchat_connection_teardown (self);
  gchat_connection_set_state (self, GCHAT_CONNECTION_DISCONNECTED);
  g_signal_emit (self, signals[SIG_DISCONNECTED], 0, reason);
}


/*
 * SENDFILE DATA lines may be longer than 512 bytes (up to the chatd/sendfile
 * maxline). The head before the base64 is an ordinary line: libchat parses
 * it, and the base64 (one word) becomes the last parameter.
 */
static gboolean
gchat_connection_parse_data (struct chat_msg *m, char *line, size_t len)
{
  char *space = memrchr (line, ' ', len);

  if (space == NULL)
    return FALSE;
  *space = '\0';
  if (chat_msg_parse (m, line, space - line) != CHAT_PARSE_OK ||
      strcmp (m->command, "SENDFILE") != 0 || m->argc != 3 ||
      g_ascii_strcasecmp (m->argv[0], "DATA") != 0 || m->trailing) {
    *space = ' ';
    return FALSE;
  }
  line[len] = '\0';
  m->argv[m->argc++] = space + 1;
  return TRUE;
}

/* Parse one received line, do the chores, and emit it. */
static void
gchat_connection_line (GchatConnection *self, char *line, size_t len)
{
  struct chat_msg  m;
  g_autofree char *valid = NULL;
  int              err;

  if (!chat_utf8_valid (line, len)) {
    /* Some servers relay Latin-1; show it mangled instead of dropping. */
    valid = g_utf8_make_valid (line, len);
    line = valid;
    len = strlen (valid);
  }
  err = chat_msg_parse (&m, line, len);
  if (err == CHAT_PARSE_LINE_LONG && gchat_connection_parse_data (&m, line, len))
    err = CHAT_PARSE_OK;
  if (err != CHAT_PARSE_OK) {
    g_debug ("ignoring unparsable line: %s", chat_parse_strerror (err));
    return;
  }
  gchat_connection_handle (self, &m);
  /* Answers to lines sent with the quiet label (typing notices) concern nobody. */
  if (g_strcmp0 (chat_msg_tag (&m, "label", NULL), GCHAT_CONNECTION_QUIET_LABEL) == 0)
    return;
  g_signal_emit (self, signals[SIG_MESSAGE_RECEIVED], 0, &m);
}

/* chat_linebuf callback: one complete line from the server. */
static void
gchat_connection_linebuf_cb (void *arg, char *line, size_t len, bool toolong)
{
  GchatConnection *self = arg;

  if (self->state == GCHAT_CONNECTION_DISCONNECTED)
    return;
  if (toolong) {
    g_debug ("dropping an overlong line from the server");
    return;
  }
  gchat_connection_line (self, line, len);
}

/**
 * gchat_connection_process_line:
 * Handle @line as if the server had sent it (tests and replays use this).
 */
void
gchat_connection_process_line (GchatConnection *self, const char *line)
{
  g_autofree char *copy = g_strdup (line);

  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  gchat_connection_line (self, copy, strlen (copy));
}

static void gchat_connection_read (GchatConnection *self);

/* Completion of one read: feed the splitter and read again. */
static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatConnection) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize       size;
  const char *data;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (G_INPUT_STREAM (source) != self->in)
    return;
  /* After our QUIT, the end of the connection is what we asked for. */
  if (bytes == NULL) {
    gchat_connection_lost (self, self->closing ? "Disconnected" : error->message);
    return;
  }
  data = g_bytes_get_data (bytes, &size);
  if (size == 0) {
    gchat_connection_lost (self,
                           self->closing ? "Disconnected" : "The server closed the connection");
    return;
  }
  /* Lines after our QUIT (its echo, the server's ERROR) concern nobody. */
  if (!self->closing)
    chat_linebuf_feed (&self->linebuf, data, size, gchat_connection_linebuf_cb, self);
  if (self->in == G_INPUT_STREAM (source))
    gchat_connection_read (self);
}

/* Start the next read; the callback holds a reference. */
static void
gchat_connection_read (GchatConnection *self)
{
  g_input_stream_read_bytes_async (self->in,
                                   READ_CHUNK,
                                   G_PRIORITY_DEFAULT,
                                   self->cancellable,
                                   read_cb,
                                   g_object_ref (self));
}

/* Completion of the one write in flight: start the next. */
static void
write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatConnection) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
        G_OUTPUT_STREAM (source) == self->out)
      gchat_connection_lost (self, error->message);
    return;
  }
  if (G_OUTPUT_STREAM (source) != self->out)
    return;
  g_clear_pointer (&self->inflight, g_bytes_unref);
  gchat_connection_pump (self);
}

/*
 * Start a write if none is in flight. Once a requested QUIT is out, the
 * server closes (or the grace period ends it): closing first, with the
 * server's last lines unread, makes the kernel reset the connection,
 * and a server that had not read the QUIT yet loses it (the others see
 * "Write error" or "Connection reset" instead of the reason).
 */
static void
gchat_connection_pump (GchatConnection *self)
{
  gsize       size;
  const char *data;

  if (self->out == NULL || self->inflight != NULL)
    return;
  self->inflight = g_queue_pop_head (&self->outq);
  if (self->inflight == NULL)
    return;
  data = g_bytes_get_data (self->inflight, &size);
  g_output_stream_write_all_async (self->out,
                                   data,
                                   size,
                                   G_PRIORITY_DEFAULT,
                                   self->cancellable,
                                   write_cb,
                                   g_object_ref (self));
}

/*
 * Queue the @len bytes of @line (CR LF included) and announce it through
 * ::line-sent without the CR LF, which overwrites @line. Without a socket
 * the line is only announced. Returns: FALSE when the queue is full.
 */
static gboolean
gchat_connection_queue (GchatConnection *self, char *line, gsize len)
{
  if (self->out != NULL) {
    if (g_queue_get_length (&self->outq) >= GCHAT_CONNECTION_QUEUE_MAX)
      return FALSE;
    g_queue_push_tail (&self->outq, g_bytes_new (line, len));
  }
  line[len - 2] = '\0';
  g_signal_emit (self, signals[SIG_LINE_SENT], 0, line);
  gchat_connection_pump (self);
  return TRUE;
}

/**
 * gchat_connection_send:
 * Format a line with chat_msg_format and queue it. Without a socket the line
 * is only announced through ::line-sent, which tests rely on.
 * Returns: FALSE if the line could not be formatted or the queue is full.
 */
gboolean
gchat_connection_send (GchatConnection   *self,
                       const char        *command,
                       int                argc,
                       const char *const *argv)
{
  return gchat_connection_send_tagged (self, NULL, command, argc, argv);
}

/**
 * gchat_connection_send_tagged: like gchat_connection_send, with a tag
 * section (@tags without '@', already escaped; NULL for none), such as
 * "+typing=active" before a TAGMSG.
 */
gboolean
gchat_connection_send_tagged (GchatConnection   *self,
                              const char        *tags,
                              const char        *command,
                              int                argc,
                              const char *const *argv)
{
  char buf[CHAT_WIRE_MAX + 1];
  bool truncated = false;
  int  n;

  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), FALSE);
  n = chat_msg_format (buf, sizeof buf, tags, NULL, command, argc, argv, &truncated);
  if (n < 2)
    return FALSE;
  return gchat_connection_queue (self, buf, n);
}

/**
 * gchat_connection_send_data:
 * Queue "SENDFILE DATA id offset base64", which may be longer than 512
 * bytes: up to the maxline the server advertises in chatd/sendfile.
 * Returns: FALSE when it is too long or the queue is full.
 */
gboolean
gchat_connection_send_data (GchatConnection *self, const char *id, guint64 offset, const char *b64)
{
  g_autofree char *line =
    g_strdup_printf ("SENDFILE DATA %s %" G_GUINT64_FORMAT " %s\r\n", id, offset, b64);
  gsize len = strlen (line);

  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), FALSE);
  if (len > gchat_connection_get_max_line (self))
    return FALSE;
  return gchat_connection_queue (self, line, len);
}

/** gchat_connection_get_cap_value: the value the server offered with capability @cap ("" for none),
 * or NULL. */
const char *
gchat_connection_get_cap_value (GchatConnection *self, const char *cap)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return g_hash_table_lookup (self->caps_offered, cap);
}

/**
 * gchat_connection_get_cap_number:
 * A number from a capability value such as "maxline=66048,chunk=49152":
 * the value of @key, or @fallback when absent.
 */
guint64
gchat_connection_get_cap_number (GchatConnection *self,
                                 const char      *cap,
                                 const char      *key,
                                 guint64          fallback)
{
  const char *value = gchat_connection_get_cap_value (self, cap);
  g_auto (GStrv) pairs = NULL;
  gsize klen = strlen (key);

  if (value == NULL)
    return fallback;
  pairs = g_strsplit (value, ",", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    if (strncmp (pairs[i], key, klen) == 0 && pairs[i][klen] == '=')
      return g_ascii_strtoull (pairs[i] + klen + 1, NULL, 10);
  return fallback;
}

/** gchat_connection_get_max_line: the longest line we may send, CR LF included. */
gsize
gchat_connection_get_max_line (GchatConnection *self)
{
  guint64 max = gchat_connection_get_cap_number (self, "chatd/sendfile", "maxline", CHAT_LINE_MAX);

  return (gsize)MIN (MAX (max, CHAT_LINE_MAX), GCHAT_CONNECTION_LINE_MAX);
}

/**
 * gchat_connection_sendv:
 * gchat_connection_send with the parameters as a NULL-terminated list.
 */
gboolean
gchat_connection_sendv (GchatConnection *self, const char *command, ...)
{
  const char *argv[CHAT_PARAMS_MAX];
  const char *arg;
  int         argc = 0;
  va_list     ap;

  va_start (ap, command);
  while ((arg = va_arg (ap, const char *)) != NULL && argc < CHAT_PARAMS_MAX)
    argv[argc++] = arg;
  va_end (ap);
  return gchat_connection_send (self, command, argc, argv);
}

/**
 * gchat_connection_fingerprint:
 * The SHA-256 of @cert's DER form, as colon-separated upper-case hex.
 */
char *
gchat_connection_fingerprint (GTlsCertificate *cert)
{
  g_autoptr (GByteArray) der = NULL;
  GString *out = g_string_new (NULL);

  g_object_get (cert, "certificate", &der, NULL);
  if (der != NULL) {
    g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);

    for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
      g_string_append_printf (out,
                              "%s%c%c",
                              i > 0 ? ":" : "",
                              g_ascii_toupper (hex[i]),
                              g_ascii_toupper (hex[i + 1]));
  }
  return g_string_free (out, FALSE);
}

/* Trust on first use: accept only the certificate the user trusted before;
 * remember any other one so the window can ask once the handshake fails. */
static gboolean
accept_certificate_cb (GTlsConnection      *conn,
                       GTlsCertificate     *cert,
                       GTlsCertificateFlags errors,
                       gpointer             user_data)
{
  GchatConnection *self = user_data;
  g_autofree char *fp = gchat_connection_fingerprint (cert);
  g_autofree char *known = gchat_config_get_trusted (self->tls_peer);

  (void)conn;
  (void)errors;
  if (known != NULL && g_ascii_strcasecmp (known, fp) == 0)
    return TRUE;
  g_free (self->tls_fingerprint);
  self->tls_fingerprint = g_steal_pointer (&fp);
  self->tls_changed = known != NULL;
  return FALSE;
}

/* Watch the TLS handshake begin so our certificate check runs. */
static void
client_event_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 gpointer            user_data)
{
  (void)client;
  (void)connectable;
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CLIENT_CONNECTION (connection))
    g_signal_connect_object (connection,
                             "accept-certificate",
                             G_CALLBACK (accept_certificate_cb),
                             user_data,
                             0);
}

/* The TCP (and TLS) connection is up: register and start reading. */
static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GchatConnection   *self = g_task_get_source_object (task);
  GSocketConnection *conn;

  conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (conn == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      gchat_connection_teardown (self);
      gchat_connection_set_state (self, GCHAT_CONNECTION_DISCONNECTED);
      if (self->tls_fingerprint != NULL)
        g_signal_emit (self,
                       signals[SIG_CERTIFICATE_UNKNOWN],
                       0,
                       self->tls_peer,
                       self->tls_fingerprint,
                       self->tls_changed);
    }
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  self->socket = conn;
  self->in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  self->out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  gchat_connection_set_state (self, GCHAT_CONNECTION_REGISTERING);
  gchat_connection_sendv (self, "CAP", "LS", "302", NULL);
  gchat_connection_sendv (self, "NICK", self->nick, NULL);
  gchat_connection_sendv (self, "USER", self->nick, "0", "*", self->realname, NULL);
  gchat_connection_read (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * gchat_connection_connect_async:
 * Connect to @host:@port and start registering as @nick. Completes when the
 * socket is up; the state turns CONNECTED when the server welcomes us.
 */
void
gchat_connection_connect_async (GchatConnection    *self,
                                const char         *host,
                                guint16             port,
                                gboolean            tls,
                                const char         *nick,
                                const char         *realname,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  gchat_connection_teardown (self);
  g_hash_table_remove_all (self->isupport);
  g_hash_table_remove_all (self->caps);
  g_hash_table_remove_all (self->caps_offered);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, gchat_connection_connect_async);
  /* A failed connect tears down (cancelling our cancellable) before it
   * returns the real error, which must not turn into "cancelled". */
  g_task_set_check_cancellable (task, FALSE);
  gchat_connection_set_nick (self, nick);
  g_free (self->realname);
  self->realname = g_strdup (realname != NULL && *realname != '\0' ? realname : nick);
  self->client = g_socket_client_new ();
  g_socket_client_set_tls (self->client, tls);
  g_free (self->tls_peer);
  self->tls_peer = g_strdup_printf ("%s:%u", host, port);
  g_clear_pointer (&self->tls_fingerprint, g_free);
  self->tls_changed = FALSE;
  if (tls)
    g_signal_connect_object (self->client, "event", G_CALLBACK (client_event_cb), self, 0);
  g_socket_client_set_timeout (self->client, 30);
  gchat_connection_set_state (self, GCHAT_CONNECTION_CONNECTING);
  g_socket_client_connect_to_host_async (self->client,
                                         host,
                                         port,
                                         self->cancellable,
                                         connect_cb,
                                         g_steal_pointer (&task));
}

/** gchat_connection_connect_finish: the result of gchat_connection_connect_async. */
gboolean
gchat_connection_connect_finish (GchatConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The server did not close after our QUIT: close it ourselves. */
static gboolean
quit_timeout_cb (gpointer user_data)
{
  GchatConnection *self = user_data;

  self->quit_timeout = 0;
  gchat_connection_lost (self, "Disconnected");
  return G_SOURCE_REMOVE;
}

/**
 * gchat_connection_quit:
 * Say QUIT and close once the server has closed its side (or after a
 * short grace period).
 */
void
gchat_connection_quit (GchatConnection *self, const char *reason)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  if (self->out == NULL) {
    gchat_connection_lost (self, "Disconnected");
    return;
  }
  gchat_connection_sendv (self, "QUIT", reason != NULL ? reason : "Leaving", NULL);
  self->closing = TRUE;
  if (self->quit_timeout == 0)
    self->quit_timeout = g_timeout_add (QUIT_GRACE_MS, quit_timeout_cb, self);
  gchat_connection_pump (self);
}

/**
 * gchat_connection_close:
 * Drop the connection at once, without ::disconnected.
 */
void
gchat_connection_close (GchatConnection *self)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  gchat_connection_teardown (self);
  gchat_connection_set_state (self, GCHAT_CONNECTION_DISCONNECTED);
}

/**
 * gchat_connection_set_account:
 * Log in as @account with @password on the next connection (NULL or "":
 * stay anonymous). With @register_account the account is created first.
 */
void
gchat_connection_set_account (GchatConnection *self,
                              const char      *account,
                              const char      *password,
                              gboolean         register_account)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  g_clear_pointer (&self->account, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  if (account != NULL && *account != '\0') {
    self->account = g_strdup (account);
    self->password = g_strdup (password != NULL ? password : "");
  }
  self->register_account = register_account && self->account != NULL;
}

/**
 * gchat_connection_account_registered:
 * The account now exists: later connections log in instead of registering.
 */
void
gchat_connection_account_registered (GchatConnection *self)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  self->register_account = FALSE;
}

/** gchat_connection_get_account: the account gchat logs in as, or NULL (anonymous). */
const char *
gchat_connection_get_account (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return self->account;
}

/**
 * gchat_connection_set_password:
 * Log in with @password from the next connection on (after a password change),
 * keeping the account; the old password is wiped from memory.
 */
void
gchat_connection_set_password (GchatConnection *self, const char *password)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  if (self->account == NULL)
    return;
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password != NULL ? password : "");
}

/** gchat_connection_get_password: the password the next login uses, or NULL without an account. */
const char *
gchat_connection_get_password (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return self->account != NULL ? self->password : NULL;
}

/** gchat_connection_get_logged_in: whether the server said we are logged in (900). */
gboolean
gchat_connection_get_logged_in (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), FALSE);
  return self->logged_in;
}

/** gchat_connection_get_socket: the socket while connected, or NULL (tests cut it). */
GSocket *
gchat_connection_get_socket (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return self->socket != NULL ? g_socket_connection_get_socket (self->socket) : NULL;
}

/** gchat_connection_get_state: where the connection is in its life. */
GchatConnectionState
gchat_connection_get_state (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), GCHAT_CONNECTION_DISCONNECTED);
  return self->state;
}

/** gchat_connection_get_nick: our current (or wanted) nick. */
const char *
gchat_connection_get_nick (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return self->nick;
}

/** gchat_connection_set_nick: record our nick as the server knows it. */
void
gchat_connection_set_nick (GchatConnection *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_CONNECTION (self));
  if (g_strcmp0 (self->nick, nick) == 0)
    return;
  g_free (self->nick);
  self->nick = g_strdup (nick);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_NICK]);
}

/**
 * gchat_connection_get_isupport:
 * Returns: the value of an ISUPPORT (005) token, "" for a token without a
 * value, or NULL when the server did not advertise it.
 */
const char *
gchat_connection_get_isupport (GchatConnection *self, const char *key)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return g_hash_table_lookup (self->isupport, key);
}

/** gchat_connection_has_cap: whether the server acknowledged capability @cap. */
gboolean
gchat_connection_has_cap (GchatConnection *self, const char *cap)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), FALSE);
  return g_hash_table_contains (self->caps, cap);
}

/** gchat_connection_is_me: whether @nick is ours under the server's case mapping. */
gboolean
gchat_connection_is_me (GchatConnection *self, const char *nick)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), FALSE);
  return nick != NULL && self->nick != NULL && chat_casecmp (nick, self->nick) == 0;
}

/** gchat_connection_mode_for_prefix: '@' -> 'o' under the server's PREFIX, or 0. */
char
gchat_connection_mode_for_prefix (GchatConnection *self, char symbol)
{
  const char *p = symbol != '\0' ? strchr (self->prefix_symbols, symbol) : NULL;

  return p != NULL ? self->prefix_modes[p - self->prefix_symbols] : '\0';
}

/** gchat_connection_prefix_for_mode: 'o' -> '@' under the server's PREFIX, or 0. */
char
gchat_connection_prefix_for_mode (GchatConnection *self, char mode)
{
  const char *p = mode != '\0' ? strchr (self->prefix_modes, mode) : NULL;

  return p != NULL ? self->prefix_symbols[p - self->prefix_modes] : '\0';
}

/** gchat_connection_prefix_rank: 0 for the highest prefix, larger for lower, -1 if none. */
int
gchat_connection_prefix_rank (GchatConnection *self, char symbol)
{
  const char *p = symbol != '\0' ? strchr (self->prefix_symbols, symbol) : NULL;

  return p != NULL ? (int)(p - self->prefix_symbols) : -1;
}

/**
 * gchat_connection_get_mode_spec:
 * How the server's channel modes take parameters (CHANMODES and PREFIX),
 * for chat_mode_parse. No MODES limit: the server already applied it.
 */
void
gchat_connection_get_mode_spec (GchatConnection *self, struct chat_mode_spec *spec)
{
  chat_mode_spec_init (spec,
                       gchat_connection_get_isupport (self, "CHANMODES"),
                       self->prefix_modes,
                       0);
}

static void
gchat_connection_dispose (GObject *object)
{
  GchatConnection *self = GCHAT_CONNECTION (object);

  gchat_connection_teardown (self);
  G_OBJECT_CLASS (gchat_connection_parent_class)->dispose (object);
}

static void
gchat_connection_finalize (GObject *object)
{
  GchatConnection *self = GCHAT_CONNECTION (object);

  g_free (self->nick);
  g_free (self->realname);
  gchat_connection_set_account (self, NULL, NULL, FALSE);
  g_free (self->prefix_modes);
  g_free (self->prefix_symbols);
  g_free (self->tls_peer);
  g_free (self->tls_fingerprint);
  g_hash_table_unref (self->isupport);
  g_hash_table_unref (self->caps);
  g_hash_table_unref (self->caps_offered);
  g_free (self->linestore);
  G_OBJECT_CLASS (gchat_connection_parent_class)->finalize (object);
}

static void
gchat_connection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatConnection *self = GCHAT_CONNECTION (object);

  switch (prop_id) {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    case PROP_LOGGED_IN:
      g_value_set_boolean (value, self->logged_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_connection_class_init (GchatConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gchat_connection_dispose;
  object_class->finalize = gchat_connection_finalize;
  object_class->get_property = gchat_connection_get_property;

  /** GchatConnection:state: the connection's lifecycle state. */
  pspecs[PROP_STATE] = g_param_spec_enum ("state",
                                          NULL,
                                          NULL,
                                          GCHAT_TYPE_CONNECTION_STATE,
                                          GCHAT_CONNECTION_DISCONNECTED,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatConnection:nick: our nick on the server. */
  pspecs[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatConnection:logged-in: whether the server said we are logged in. */
  pspecs[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in",
                                                 NULL,
                                                 NULL,
                                                 FALSE,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);

  /**
   * GchatConnection::message-received:
   * A parsed line (a `const struct chat_msg *`, valid during the emission).
   */
  signals[SIG_MESSAGE_RECEIVED] = g_signal_new ("message-received",
                                                G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST,
                                                0,
                                                NULL,
                                                NULL,
                                                NULL,
                                                G_TYPE_NONE,
                                                1,
                                                G_TYPE_POINTER);
  /** GchatConnection::line-sent: a line queued for the server, without CR LF. */
  signals[SIG_LINE_SENT] = g_signal_new ("line-sent",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0,
                                         NULL,
                                         NULL,
                                         NULL,
                                         G_TYPE_NONE,
                                         1,
                                         G_TYPE_STRING);
  /** GchatConnection::disconnected: the connection ended; the reason in words. */
  signals[SIG_DISCONNECTED] = g_signal_new ("disconnected",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0,
                                            NULL,
                                            NULL,
                                            NULL,
                                            G_TYPE_NONE,
                                            1,
                                            G_TYPE_STRING);
  /**
   * GchatConnection::certificate-unknown:
   * A TLS connect failed on a certificate not trusted for host:port; the
   * arguments are host:port, its SHA-256 fingerprint and whether another
   * fingerprint was trusted for that peer (the certificate changed).
   */
  signals[SIG_CERTIFICATE_UNKNOWN] = g_signal_new ("certificate-unknown",
                                                   G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST,
                                                   0,
                                                   NULL,
                                                   NULL,
                                                   NULL,
                                                   G_TYPE_NONE,
                                                   3,
                                                   G_TYPE_STRING,
                                                   G_TYPE_STRING,
                                                   G_TYPE_BOOLEAN);
}

static void
gchat_connection_init (GchatConnection *self)
{
  g_queue_init (&self->outq);
  self->isupport = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->caps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->caps_offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->linestore = g_malloc (GCHAT_CONNECTION_LINE_MAX + 1);
  self->prefix_modes = g_strdup ("ov");
  self->prefix_symbols = g_strdup ("@+");
  chat_linebuf_init (&self->linebuf, self->linestore, GCHAT_CONNECTION_LINE_MAX + 1);
}

/** gchat_connection_get_refused_fingerprint: the certificate the last TLS connect refused, or NULL.
 */
const char *
gchat_connection_get_refused_fingerprint (GchatConnection *self)
{
  g_return_val_if_fail (GCHAT_IS_CONNECTION (self), NULL);
  return self->tls_fingerprint;
}

/** gchat_connection_new: a disconnected connection. */
GchatConnection *
gchat_connection_new (void)
{
  return g_object_new (GCHAT_TYPE_CONNECTION, NULL);
}
