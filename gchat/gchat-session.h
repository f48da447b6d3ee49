/* gchat-session.h: what the client knows about one server. */
#pragma once

#include <gio/gio.h>

#include "gchat-connection.h"
#include "gchat-contact.h"
#include "gchat-conversation.h"
#include "gchat-game.h"
#include "gchat-group.h"
#include "gchat-profile.h"
#include "gchat-server-requests.h"
#include "gchat-transfer.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SESSION (gchat_session_get_type ())
G_DECLARE_FINAL_TYPE (GchatSession, gchat_session, GCHAT, SESSION, GObject)

/* Reconnect delays grow 1, 2, 4 ... seconds up to this. */
#define GCHAT_SESSION_BACKOFF_MAX 60

GchatSession      *gchat_session_new (void);
GchatConnection   *gchat_session_get_connection (GchatSession *self);
GListModel        *gchat_session_get_conversations (GchatSession *self);
GListModel        *gchat_session_get_contacts (GchatSession *self);
GchatConversation *gchat_session_get_server (GchatSession *self);
GchatConversation *gchat_session_find (GchatSession *self, const char *name);
GchatConversation *gchat_session_open_query (GchatSession *self, const char *nick, gboolean focus);
void               gchat_session_close_conversation (GchatSession *self, GchatConversation *conv);
void               gchat_session_set_active (GchatSession *self, GchatConversation *conv);
void               gchat_session_set_download_dir (GchatSession *self, const char *dir);
GchatConversation *gchat_session_get_active (GchatSession *self);
void               gchat_session_connect (GchatSession *self,
                                          const char   *host,
                                          guint16       port,
                                          gboolean      tls,
                                          const char   *nick,
                                          const char   *realname);
void               gchat_session_disconnect (GchatSession *self);
void               gchat_session_set_away (GchatSession *self, gboolean away, const char *message);
gboolean           gchat_session_get_away (GchatSession *self);
const char        *gchat_session_get_status (GchatSession *self);
const char        *gchat_session_get_host (GchatSession *self);
guint16            gchat_session_get_port (GchatSession *self);
guint              gchat_session_get_addresses_count (GchatSession *self);
GPtrArray         *gchat_session_parse_addresses (const char *list, guint16 port);
gboolean           gchat_session_run (GchatSession *self, const char *input, GError **error);
gboolean           gchat_session_join (GchatSession *self,
                                       const char   *name,
                                       const char   *key,
                                       gboolean      invite_only,
                                       GError      **error);
gboolean           gchat_session_say (GchatSession      *self,
                                      GchatConversation *conv,
                                      const char        *text,
                                      gboolean           action,
                                      GError           **error);
gboolean           gchat_session_can_withdraw (GchatSession      *self,
                                               GchatConversation *conv,
                                               GchatMessage      *msg);
gboolean gchat_session_withdraw (GchatSession *self, GchatConversation *conv, const char *msgid);
void     gchat_session_mark_read (GchatSession *self, GchatConversation *conv);
void     gchat_session_set_topic (GchatSession *self, GchatConversation *conv, const char *topic);
void     gchat_session_kick (GchatSession      *self,
                             GchatConversation *conv,
                             const char        *nick,
                             const char        *reason);
void     gchat_session_ban (GchatSession *self, GchatConversation *conv, const char *nick);
void     gchat_session_make_admin (GchatSession *self, GchatConversation *conv, const char *nick);
void     gchat_session_list_groups (GchatSession *self);
GListModel *gchat_session_get_group_list (GchatSession *self);
void        gchat_session_whois (GchatSession *self, const char *nick);
void gchat_session_remove_admin (GchatSession *self, GchatConversation *conv, const char *nick);
void gchat_session_invite (GchatSession *self, GchatConversation *conv, const char *nick);
GchatContact  *gchat_session_add_contact (GchatSession *self, const char *nick);
GchatContact  *gchat_session_find_contact (GchatSession *self, const char *nick);
void           gchat_session_remove_contact (GchatSession *self, const char *nick);
gboolean       gchat_session_is_admin (GchatSession *self, GchatMember *member);
gboolean       gchat_session_ttt_challenge (GchatSession *self,
                                            const char   *nick,
                                            const char   *channel,
                                            GError      **error);
void           gchat_session_ttt_move (GchatSession *self, const char *id, int cell);
void           gchat_session_ttt_answer (GchatSession *self, const char *id, gboolean accept);
void           gchat_session_ttt_rematch (GchatSession *self, const char *id);
void           gchat_session_ttt_resign (GchatSession *self, const char *id);
GchatGame     *gchat_session_find_game (GchatSession *self, const char *id);
GListModel    *gchat_session_get_games (GchatSession *self);
gboolean       gchat_session_send_file (GchatSession *self,
                                        const char   *target,
                                        GFile        *file,
                                        GError      **error);
void           gchat_session_transfer_answer (GchatSession *self, const char *key, gboolean accept);
void           gchat_session_transfer_cancel (GchatSession *self, const char *key);
GchatTransfer *gchat_session_find_transfer (GchatSession *self, const char *key_or_id);
GchatProfile  *gchat_session_get_profile (GchatSession *self, const char *nick);
GchatProfile  *gchat_session_lookup_profile (GchatSession *self, const char *nick);
gboolean       gchat_session_set_profile_key (GchatSession *self,
                                              const char   *key,
                                              const char   *value,
                                              GError      **error);
GListModel    *gchat_session_get_transfers (GchatSession *self);
gboolean       gchat_session_supports (GchatSession *self, const char *feature);
gboolean       gchat_session_load_older (GchatSession *self, GchatConversation *conv);
gboolean       gchat_session_can_load_older (GchatSession *self, GchatConversation *conv);
gboolean       gchat_session_unregister (GchatSession *self, const char *password, GError **error);
gboolean       gchat_session_change_password (GchatSession *self,
                                              const char   *old_password,
                                              const char   *new_password,
                                              GError      **error);
gboolean       gchat_session_logout (GchatSession *self, GError **error);
GchatServerRequests *gchat_session_get_requests (GchatSession *self);
gboolean             gchat_session_get_operator (GchatSession *self);

/* Group administration (gchat-group-settings, the member list). */
GchatGroup *gchat_session_get_group (GchatSession *self, GchatConversation *conv);
void        gchat_session_request_group (GchatSession *self, GchatConversation *conv);
void        gchat_session_set_group_modes (GchatSession          *self,
                                           GchatConversation     *conv,
                                           const GchatGroupModes *wanted);
void        gchat_session_set_ban (GchatSession      *self,
                                   GchatConversation *conv,
                                   const char        *mask,
                                   gboolean           add);
void        gchat_session_set_group_owner (GchatSession      *self,
                                           GchatConversation *conv,
                                           const char        *account);
void        gchat_session_set_permanent_admin (GchatSession      *self,
                                               GchatConversation *conv,
                                               const char        *account,
                                               gboolean           add);
gboolean    gchat_session_is_group_owner (GchatSession *self, GchatConversation *conv);

G_END_DECLS
