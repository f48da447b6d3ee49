/*
 * gchat-server-requests.h: what the window asks of the server itself
 * (operator commands, game statistics, server information) and the replies,
 * which go to the dialogs that asked instead of the server tab.
 */
#pragma once

#include <gio/gio.h>

#include "chat.h"
#include "gchat-connection.h"
#include "gchat-conversation.h"

G_BEGIN_DECLS

/* The sections of the server information, in the order they are shown. */
typedef enum {
  GCHAT_SERVER_INFO_VERSION,
  GCHAT_SERVER_INFO_SUPPORT,
  GCHAT_SERVER_INFO_USERS,
  GCHAT_SERVER_INFO_ADMIN,
  GCHAT_SERVER_INFO_TIME,
  GCHAT_SERVER_INFO_MOTD,
  GCHAT_SERVER_INFO_N
} GchatServerInfoSection;

/* What an operator command was, for ::reply. */
typedef enum {
  GCHAT_SERVER_REPLY_KILL,
  GCHAT_SERVER_REPLY_REHASH,
  GCHAT_SERVER_REPLY_DIE,
  GCHAT_SERVER_REPLY_DEOPER
} GchatServerReply;

#define GCHAT_TYPE_SERVER_REQUESTS (gchat_server_requests_get_type ())
G_DECLARE_FINAL_TYPE (GchatServerRequests, gchat_server_requests, GCHAT, SERVER_REQUESTS, GObject)

GchatServerRequests *gchat_server_requests_new (GchatConnection *conn, GchatConversation *server);
gboolean gchat_server_requests_feed (GchatServerRequests *self, const struct chat_msg *m);
void     gchat_server_requests_reset (GchatServerRequests *self);
gboolean gchat_server_requests_get_operator (GchatServerRequests *self);
gboolean gchat_server_requests_get_oper_pending (GchatServerRequests *self);
void gchat_server_requests_oper (GchatServerRequests *self, const char *name, const char *password);
void gchat_server_requests_give_up_operator (GchatServerRequests *self);
void gchat_server_requests_kill (GchatServerRequests *self, const char *nick, const char *reason);
void gchat_server_requests_rehash (GchatServerRequests *self);
void gchat_server_requests_die (GchatServerRequests *self, const char *reason);
void gchat_server_requests_stats (GchatServerRequests *self, const char *nick);
gboolean    gchat_server_requests_lookup_stats (GchatServerRequests *self,
                                                const char          *nick,
                                                guint               *wins,
                                                guint               *losses,
                                                guint               *draws);
void        gchat_server_requests_info (GchatServerRequests *self);
gboolean    gchat_server_requests_get_info_pending (GchatServerRequests *self);
const char *gchat_server_requests_get_info (GchatServerRequests *self, GchatServerInfoSection s);
const char *gchat_server_requests_get_version (GchatServerRequests *self);
int         gchat_server_requests_get_user_count (GchatServerRequests *self);

G_END_DECLS
