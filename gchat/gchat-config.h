/* gchat-config.h: settings remembered between runs, in a key file. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char    *host;
  guint16  port;
  gboolean tls;
  char    *nick;
  char    *realname;
  char    *account;          /* log in as this account ("" or NULL: anonymous) */
  char    *password;         /* never written to disk */
  gboolean register_account; /* create the account first (not saved) */
  gboolean autoconnect;
  gboolean hide_typing; /* do not send typing notifications (saved as send-typing) */
  gboolean dark;        /* dark style whatever the system prefers */
  GStrv    contacts;
} GchatConfig;

GchatConfig *gchat_config_load (void);
gboolean     gchat_config_save (const GchatConfig *config, GError **error);
void         gchat_config_free (GchatConfig *config);
char        *gchat_config_path (void);
char        *gchat_config_get_trusted (const char *peer);
gboolean     gchat_config_set_trusted (const char *peer, const char *fingerprint, GError **error);
char        *gchat_config_peer (const char *host, guint16 port);
gboolean     gchat_config_forget_trusted (const char *peer, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GchatConfig, gchat_config_free)

G_END_DECLS
