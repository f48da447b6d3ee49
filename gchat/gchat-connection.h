/* gchat-connection.h: one connection to a chatd (IRC) server. */
#pragma once

#include <gio/gio.h>

#include "chat.h"

G_BEGIN_DECLS

typedef enum {
  GCHAT_CONNECTION_DISCONNECTED,
  GCHAT_CONNECTION_CONNECTING,
  GCHAT_CONNECTION_REGISTERING,
  GCHAT_CONNECTION_CONNECTED,
} GchatConnectionState;

#define GCHAT_TYPE_CONNECTION_STATE (gchat_connection_state_get_type ())
GType gchat_connection_state_get_type (void);

#define GCHAT_TYPE_CONNECTION (gchat_connection_get_type ())
G_DECLARE_FINAL_TYPE (GchatConnection, gchat_connection, GCHAT, CONNECTION, GObject)

/*
 * The longest line read or written: a SENDFILE DATA line (64 KiB of file
 * as base64 plus its head, chatd/sendfile's maxline) with tags. Longer
 * lines are dropped, so a peer cannot make us buffer without bound.
 */
/*
 * A label (labeled-response) for lines whose answers nobody wants, such as
 * a typing notice to someone who just went offline: those answers are
 * dropped before ::message-received.
 */
#define GCHAT_CONNECTION_QUIET_LABEL "q"
#define GCHAT_CONNECTION_LINE_MAX (CHAT_TAGS_MAX + 65536 + 1024)

/* Lines waiting to be written; more are refused. */
#define GCHAT_CONNECTION_QUEUE_MAX 2000

GchatConnection     *gchat_connection_new (void);
char                *gchat_connection_fingerprint (GTlsCertificate *cert);
const char          *gchat_connection_get_refused_fingerprint (GchatConnection *self);
void                 gchat_connection_connect_async (GchatConnection    *self,
                                                     const char         *host,
                                                     guint16             port,
                                                     gboolean            tls,
                                                     const char         *nick,
                                                     const char         *realname,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean             gchat_connection_connect_finish (GchatConnection *self,
                                                      GAsyncResult    *result,
                                                      GError         **error);
void                 gchat_connection_set_account (GchatConnection *self,
                                                   const char      *account,
                                                   const char      *password,
                                                   gboolean         register_account);
void                 gchat_connection_account_registered (GchatConnection *self);
const char          *gchat_connection_get_account (GchatConnection *self);
void                 gchat_connection_set_password (GchatConnection *self, const char *password);
const char          *gchat_connection_get_password (GchatConnection *self);
gboolean             gchat_connection_get_logged_in (GchatConnection *self);
void                 gchat_connection_quit (GchatConnection *self, const char *reason);
void                 gchat_connection_close (GchatConnection *self);
gboolean             gchat_connection_send (GchatConnection   *self,
                                            const char        *command,
                                            int                argc,
                                            const char *const *argv);
gboolean             gchat_connection_send_tagged (GchatConnection   *self,
                                                   const char        *tags,
                                                   const char        *command,
                                                   int                argc,
                                                   const char *const *argv);
gboolean             gchat_connection_sendv (GchatConnection *self,
                                             const char      *command,
                                             ...) G_GNUC_NULL_TERMINATED;
gboolean             gchat_connection_send_data (GchatConnection *self,
                                                 const char      *id,
                                                 guint64          offset,
                                                 const char      *b64);
const char          *gchat_connection_get_cap_value (GchatConnection *self, const char *cap);
guint64              gchat_connection_get_cap_number (GchatConnection *self,
                                                      const char      *cap,
                                                      const char      *key,
                                                      guint64          fallback);
gsize                gchat_connection_get_max_line (GchatConnection *self);
void                 gchat_connection_process_line (GchatConnection *self, const char *line);
GSocket             *gchat_connection_get_socket (GchatConnection *self);
GchatConnectionState gchat_connection_get_state (GchatConnection *self);
const char          *gchat_connection_get_nick (GchatConnection *self);
void                 gchat_connection_set_nick (GchatConnection *self, const char *nick);
const char          *gchat_connection_get_isupport (GchatConnection *self, const char *key);
gboolean             gchat_connection_has_cap (GchatConnection *self, const char *cap);
gboolean             gchat_connection_is_me (GchatConnection *self, const char *nick);
char                 gchat_connection_mode_for_prefix (GchatConnection *self, char symbol);
char                 gchat_connection_prefix_for_mode (GchatConnection *self, char mode);
int                  gchat_connection_prefix_rank (GchatConnection *self, char symbol);
void gchat_connection_get_mode_spec (GchatConnection *self, struct chat_mode_spec *spec);

G_END_DECLS
