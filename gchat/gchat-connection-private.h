/*
 * gchat-connection-private.h: what the two parts of GchatConnection share
 * (see the head comment of gchat-connection.c): its fields, and one
 * prototype section per file for the functions the other part calls.
 */
#pragma once

#include "gchat-connection.h"

G_BEGIN_DECLS

struct _GchatConnection
{
  GObject parent_instance;

  GchatConnectionState state;
  char                *nick;
  char                *realname;
  GSocketClient       *client;
  GSocketConnection   *socket;
  GInputStream        *in;
  GOutputStream       *out;
  GCancellable        *cancellable;
  struct chat_linebuf  linebuf;
  char                *linestore; /* GCHAT_CONNECTION_LINE_MAX + 1 bytes */
  GQueue               outq;
  GBytes              *inflight;
  gboolean             closing;
  guint                quit_timeout;
  guint                nick_attempts;
  gboolean             cap_open;
  char                *account;
  char                *password;
  gboolean             register_account;
  gboolean             sasl_pending;
  gboolean             sasl_tried; /* this connection already tried the password */
  gboolean             logged_in;
  GHashTable          *isupport;
  GHashTable          *caps;
  GHashTable          *caps_offered; /* name -> value ("" for none) */
  char                *prefix_modes;
  char                *prefix_symbols;
  char                *tls_peer;        /* host:port of a TLS connect */
  char                *tls_fingerprint; /* refused certificate's SHA-256, or NULL */
  gboolean             tls_changed;     /* another fingerprint was trusted */
};

/* gchat-connection.c */
void gchat_connection_set_state (GchatConnection *self, GchatConnectionState state);
void gchat_connection_set_logged_in (GchatConnection *self, gboolean logged_in);

/* gchat-connection-register.c */
void gchat_connection_handle (GchatConnection *self, const struct chat_msg *m);

G_END_DECLS
