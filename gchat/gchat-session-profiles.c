/*
 * gchat-session-profiles.c: what people say about themselves, through
 * IRCv3 draft/metadata-2. One GchatProfile per nick, filled from METADATA
 * lines and the 761/766 answers, renamed with NICK and dropped at QUIT (rows
 * that showed it keep theirs); a query asks for the other side's keys. An
 * avatar's picture is fetched over HTTP(S) with libsoup, at most
 * AVATAR_MAX_BYTES, once per address, and never blocks the main loop.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "gchat-session-private.h"
#include "numeric.h"

#define AVATAR_MAX_BYTES (512 * 1024)

/* Whether @target names a channel rather than a person. */
static gboolean
profile_is_channel (const char *target)
{
  return strchr ("#&!+", target[0]) != NULL;
}

/** gchat_session_lookup_profile: the profile of @nick, or NULL when nothing is known. */
GchatProfile *
gchat_session_lookup_profile (GchatSession *self, const char *nick)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  if (nick == NULL)
    return NULL;
  folded = g_ascii_strdown (nick, -1);
  return g_hash_table_lookup (self->profiles, folded);
}

/* Picture fetch in flight: for whom, from where. */
typedef struct
{
  GchatProfile  *profile;
  GHashTable    *cache; /* the session's: address -> GdkTexture */
  char          *url;
  SoupMessage   *msg;
  GOutputStream *sink;
} AvatarFetch;

/* Free a finished fetch. */
static void
avatar_fetch_free (AvatarFetch *f)
{
  g_object_unref (f->profile);
  g_hash_table_unref (f->cache);
  g_free (f->url);
  g_clear_object (&f->msg);
  g_clear_object (&f->sink);
  g_free (f);
}

/* The picture's bytes are in: decode them, keep them, show them. */
static void
avatar_spliced_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  AvatarFetch *f = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), res, &error) < 0) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("avatar %s: %s", f->url, error->message);
    avatar_fetch_free (f);
    return;
  }
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (f->sink));
  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL) {
    g_message ("avatar %s: not an image gchat can show: %s", f->url, error->message);
    avatar_fetch_free (f);
    return;
  }
  g_hash_table_insert (f->cache, g_strdup (f->url), g_object_ref (texture));
  if (g_strcmp0 (gchat_profile_get_avatar (f->profile), f->url) == 0)
    gchat_profile_set_picture (f->profile, texture);
  avatar_fetch_free (f);
}

/* The server answered: read a body of an image's size into memory. */
static void
avatar_sent_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  AvatarFetch *f = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  goffset length;

  if (body == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_message ("avatar %s: %s", f->url, error->message);
    avatar_fetch_free (f);
    return;
  }
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (f->msg));
  if (soup_message_get_status (f->msg) != SOUP_STATUS_OK || length > AVATAR_MAX_BYTES) {
    g_message ("avatar %s: HTTP %u, %" G_GOFFSET_FORMAT " bytes: not shown",
               f->url,
               soup_message_get_status (f->msg),
               length);
    avatar_fetch_free (f);
    return;
  }
  /* A fixed buffer: a body larger than that fails the splice (G_IO_ERROR_NO_SPACE). */
  f->sink =
    g_memory_output_stream_new (g_malloc (AVATAR_MAX_BYTES), AVATAR_MAX_BYTES, NULL, g_free);
  g_output_stream_splice_async (f->sink,
                                body,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                  G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_LOW,
                                g_task_get_cancellable (G_TASK (res)),
                                avatar_spliced_cb,
                                f);
}

/* The avatar address of @profile changed: show its picture, fetching it if new. */
static void
profile_avatar_changed (GchatProfile *profile, GParamSpec *pspec, GchatSession *self)
{
  const char  *url = gchat_profile_get_avatar (profile);
  GdkTexture  *known;
  AvatarFetch *f;

  if (url == NULL || !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
    return;
  if ((known = g_hash_table_lookup (self->avatars, url)) != NULL) {
    gchat_profile_set_picture (profile, known);
    return;
  }
  f = g_new0 (AvatarFetch, 1);
  if ((f->msg = soup_message_new ("GET", url)) == NULL) {
    g_free (f);
    return;
  }
  f->profile = g_object_ref (profile);
  f->cache = g_hash_table_ref (self->avatars);
  f->url = g_strdup (url);
  if (self->soup == NULL)
    self->soup = soup_session_new_with_options ("timeout", 20, "max-conns", 4, NULL);
  soup_session_send_async (self->soup,
                           f->msg,
                           G_PRIORITY_LOW,
                           self->profile_cancel,
                           avatar_sent_cb,
                           f);
}

/** gchat_session_get_profile: the profile of @nick, made empty if none is known yet. */
GchatProfile *
gchat_session_get_profile (GchatSession *self, const char *nick)
{
  GchatProfile *profile = gchat_session_lookup_profile (self, nick);

  if (profile == NULL && nick != NULL) {
    profile = gchat_profile_new (nick);
    g_signal_connect_object (profile,
                             "notify::avatar",
                             G_CALLBACK (profile_avatar_changed),
                             self,
                             0);
    g_hash_table_insert (self->profiles, g_ascii_strdown (nick, -1), profile);
  }
  return profile;
}

/** gchat_session_profiles_welcome: registered: hear about the keys gchat shows (before any JOIN).
 */
void
gchat_session_profiles_welcome (GchatSession *self)
{
  if (gchat_connection_has_cap (self->conn, "draft/metadata-2"))
    gchat_connection_sendv (self->conn,
                            "METADATA",
                            "*",
                            "SUB",
                            "display-name",
                            "avatar",
                            "status",
                            "color",
                            NULL);
}

/* @target's @key is @value now (NULL: removed). */
static void
profile_set (GchatSession *self, const char *target, const char *key, const char *value)
{
  if (*target == '\0' || strcmp (target, "*") == 0 || profile_is_channel (target))
    return;
  gchat_profile_set_key (gchat_session_get_profile (self, target), key, value);
}

/* METADATA <target> <key> <visibility> [:value]: a subscribed key changed. */
void
gchat_session_handle_metadata (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  if (m->argc < 3)
    return;
  profile_set (self, m->argv[0], m->argv[1], m->argc >= 4 ? m->argv[3] : NULL);
}

/*
 * RPL_KEYVALUE, RPL_KEYNOTSET, the subscription answers and
 * RPL_METADATASYNCLATER (ask for a large channel's keys with SYNC).
 */
gboolean
gchat_session_profile_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  switch (num) {
    case RPL_KEYVALUE:
      if (m->argc >= 4)
        profile_set (self, m->argv[1], m->argv[2], m->argc >= 5 ? m->argv[4] : NULL);
      return TRUE;
    case RPL_KEYNOTSET:
      if (m->argc >= 3)
        profile_set (self, m->argv[1], m->argv[2], NULL);
      return TRUE;
    case RPL_METADATASYNCLATER:
      if (m->argc >= 2)
        gchat_connection_sendv (self->conn, "METADATA", m->argv[1], "SYNC", NULL);
      return TRUE;
    default: /* RPL_METADATASUBOK, UNSUBOK, SUBS */
      return TRUE;
  }
}

/** gchat_session_profile_renamed: @old is now known as @nick. */
void
gchat_session_profile_renamed (GchatSession *self, const char *old, const char *nick)
{
  g_autofree char *from = g_ascii_strdown (old, -1);
  g_autofree char *to = g_ascii_strdown (nick, -1);
  gpointer         key = NULL, profile = NULL;

  if (!g_hash_table_steal_extended (self->profiles, from, &key, &profile))
    return;
  g_free (key);
  gchat_profile_set_nick (profile, nick);
  g_hash_table_insert (self->profiles, g_steal_pointer (&to), profile);
}

/** gchat_session_profile_gone: @nick left the server; someone else may take the nick. */
void
gchat_session_profile_gone (GchatSession *self, const char *nick)
{
  g_autofree char *folded = g_ascii_strdown (nick, -1);

  g_hash_table_remove (self->profiles, folded);
}

/* Whether we share a joined group with @nick (its JOIN told us the keys, changes follow). */
static gboolean
profile_shared (GchatSession *self, const char *nick)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_CHANNEL &&
        gchat_conversation_get_joined (c) && gchat_conversation_find_member (c, nick) != NULL)
      return TRUE;
  }
  return FALSE;
}

/**
 * gchat_session_profile_ask: the user opened a private conversation with
 * @nick: ask the server for the keys, unless a shared group already told
 * them (one line less in the burst after a reconnect, which flood control
 * counts).
 */
void
gchat_session_profile_ask (GchatSession *self, const char *nick)
{
  if (gchat_connection_has_cap (self->conn, "draft/metadata-2") && !profile_is_channel (nick) &&
      gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED &&
      !profile_shared (self, nick))
    gchat_connection_sendv (self->conn,
                            "METADATA",
                            nick,
                            "GET",
                            "display-name",
                            "avatar",
                            "status",
                            "color",
                            NULL);
}

/**
 * gchat_session_set_profile_key: tell the server our @key is @value (NULL
 * or empty: remove it). Returns: FALSE with @error when the server does
 * not keep metadata or we are offline.
 */
gboolean
gchat_session_set_profile_key (GchatSession *self,
                               const char   *key,
                               const char   *value,
                               GError      **error)
{
  if (!gchat_session_check_online (self, error))
    return FALSE;
  if (!gchat_connection_has_cap (self->conn, "draft/metadata-2"))
    return gchat_session_fail (self, error, "This server keeps no profiles (no draft/metadata-2)");
  if (value != NULL && *value != '\0')
    return gchat_connection_sendv (self->conn, "METADATA", "*", "SET", key, value, NULL);
  return gchat_connection_sendv (self->conn, "METADATA", "*", "SET", key, NULL);
}
