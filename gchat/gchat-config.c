/*
 * gchat-config.c: the connect dialog's fields and the contact list, kept in
 * $XDG_CONFIG_HOME/gchat/gchat.ini. A key file needs no schema install,
 * unlike GSettings. The password is kept in memory only: a plain key file
 * is no place for it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gchat-config.h"

#define GROUP_SERVER "server"
#define GROUP_CONTACTS "contacts"
#define GROUP_TRUST "trust"
#define GROUP_PRIVACY "privacy"
#define GROUP_APPEARANCE "appearance"
#define DEFAULT_PORT 6667

/** gchat_config_path: where the key file lives. */
char *
gchat_config_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "gchat", "gchat.ini", NULL);
}

/** gchat_config_load: the saved settings, or defaults when there are none. */
GchatConfig *
gchat_config_load (void)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();
  GchatConfig     *config = g_new0 (GchatConfig, 1);
  gint             port;

  config->port = DEFAULT_PORT;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)) {
    config->host = g_strdup ("localhost");
    config->nick = g_strdup (g_get_user_name ());
    config->realname = g_strdup (g_get_real_name ());
    return config;
  }
  config->host = g_key_file_get_string (kf, GROUP_SERVER, "host", NULL);
  port = g_key_file_get_integer (kf, GROUP_SERVER, "port", NULL);
  if (port > 0 && port < 65536)
    config->port = port;
  config->tls = g_key_file_get_boolean (kf, GROUP_SERVER, "tls", NULL);
  config->nick = g_key_file_get_string (kf, GROUP_SERVER, "nick", NULL);
  config->realname = g_key_file_get_string (kf, GROUP_SERVER, "realname", NULL);
  config->account = g_key_file_get_string (kf, GROUP_SERVER, "account", NULL);
  config->autoconnect = g_key_file_get_boolean (kf, GROUP_SERVER, "autoconnect", NULL);
  config->contacts = g_key_file_get_string_list (kf, GROUP_CONTACTS, "nicks", NULL, NULL);
  /* Typing notifications go out unless the user turned them off. */
  config->hide_typing = g_key_file_has_key (kf, GROUP_PRIVACY, "send-typing", NULL) &&
    !g_key_file_get_boolean (kf, GROUP_PRIVACY, "send-typing", NULL);
  config->dark = g_key_file_get_boolean (kf, GROUP_APPEARANCE, "dark-style", NULL);
  if (config->host == NULL)
    config->host = g_strdup ("localhost");
  if (config->nick == NULL)
    config->nick = g_strdup (g_get_user_name ());
  return config;
}

/** gchat_config_save: write the settings, creating the directory (0700). */
gboolean
gchat_config_save (const GchatConfig *config, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  /* Keep groups written elsewhere, such as the trusted certificates. */
  g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "Cannot create %s", dir);
    return FALSE;
  }
  g_key_file_set_string (kf, GROUP_SERVER, "host", config->host ? config->host : "");
  g_key_file_set_integer (kf, GROUP_SERVER, "port", config->port);
  g_key_file_set_boolean (kf, GROUP_SERVER, "tls", config->tls);
  g_key_file_set_string (kf, GROUP_SERVER, "nick", config->nick ? config->nick : "");
  g_key_file_set_string (kf, GROUP_SERVER, "realname", config->realname ? config->realname : "");
  g_key_file_set_string (kf, GROUP_SERVER, "account", config->account ? config->account : "");
  g_key_file_set_boolean (kf, GROUP_SERVER, "autoconnect", config->autoconnect);
  g_key_file_set_boolean (kf, GROUP_PRIVACY, "send-typing", !config->hide_typing);
  g_key_file_set_boolean (kf, GROUP_APPEARANCE, "dark-style", config->dark);
  if (config->contacts != NULL)
    g_key_file_set_string_list (kf,
                                GROUP_CONTACTS,
                                "nicks",
                                (const char *const *)config->contacts,
                                g_strv_length (config->contacts));
  return g_key_file_save_to_file (kf, path, error);
}

/** gchat_config_free: free the settings. */
void
gchat_config_free (GchatConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->host);
  g_free (config->nick);
  g_free (config->realname);
  g_free (config->account);
  if (config->password != NULL)
    memset (config->password, 0, strlen (config->password));
  g_free (config->password);
  g_strfreev (config->contacts);
  g_free (config);
}

/** gchat_config_get_trusted: the SHA-256 fingerprint trusted for @peer (host:port), or NULL. */
char *
gchat_config_get_trusted (const char *peer)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_string (kf, GROUP_TRUST, peer, NULL);
}

/** gchat_config_set_trusted: remember @fingerprint as the certificate of @peer. */
gboolean
gchat_config_set_trusted (const char *peer, const char *fingerprint, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "Cannot create %s", dir);
    return FALSE;
  }
  g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_string (kf, GROUP_TRUST, peer, fingerprint);
  return g_key_file_save_to_file (kf, path, error);
}

/** gchat_config_peer: the key of a server in [trust]: "host:port". */
char *
gchat_config_peer (const char *host, guint16 port)
{
  return g_strdup_printf ("%s:%u", host != NULL ? host : "", port);
}

/**
 * gchat_config_forget_trusted:
 * Remove the fingerprint trusted for @peer, so the next TLS connect asks
 * again. Forgetting a peer that has none succeeds.
 */
gboolean
gchat_config_forget_trusted (const char *peer, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = gchat_config_path ();

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL) ||
      !g_key_file_has_key (kf, GROUP_TRUST, peer, NULL))
    return TRUE;
  g_key_file_remove_key (kf, GROUP_TRUST, peer, NULL);
  return g_key_file_save_to_file (kf, path, error);
}
