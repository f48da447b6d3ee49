/*
 * gchat-session-private.h: what the parts of GchatSession share (see the
 * head comment of gchat-session.c): its fields, and one prototype section
 * per file for the functions another part calls.
 */
#pragma once

#include "chat.h"
#include "gchat-command.h"
#include "gchat-game.h"
#include "gchat-group-info.h"
#include "gchat-group.h"
#include "gchat-scrollback.h"
#include "gchat-server-requests.h"
#include "gchat-session.h"
#include "gchat-profile.h"
#include "gchat-transfer.h"

typedef struct _SoupSession SoupSession;

G_BEGIN_DECLS

struct _GchatSession
{
  GObject parent_instance;

  GchatConnection   *conn;
  GListStore        *conversations;
  GListStore        *contacts;
  GListStore        *games;
  GListStore        *transfers;
  char              *download_dir; /* NULL: the XDG download folder */
  GListStore        *group_list;
  GchatConversation *server;
  GchatConversation *active;
  char              *status;
  char              *old_password; /* put back if a PASSWORD change fails */
  char              *host;         /* the address tried or used now, one of addresses */
  guint16            port;
  GPtrArray         *addresses; /* GNetworkAddress: the server entry's list, tried in turn */
  guint              address;   /* index of the one in host and port */
  guint              welcomed;  /* the address of the last welcome, G_MAXUINT before any */
  gboolean           moved;     /* that welcome was on another address than the one before */
  gboolean           tls;
  char              *nick;
  char              *realname;
  gboolean           want_connected;
  gboolean           away;
  guint              attempts;
  guint              reconnect_source;
  guint              reconnect_delay;
  guint              ison_source;
  gboolean           ison_unsupported;
  GHashTable        *names_fresh;
  GHashTable        *pending_keys;
  GHashTable        *pending_private;
  GHashTable        *focus_on_join;
  GHashTable        *whox_pending;      /* folded channels we sent WHO %tcnfa for */
  GHashTable        *history_batches;   /* open chathistory BATCH id -> target */
  GHashTable        *multiline_batches; /* draft/multiline BATCH id -> GchatMultiline */
  GHashTable        *label_batches;     /* labeled-response BATCH id -> label */
  GHashTable        *echo_labels;       /* label of a line we sent -> its GchatMessage */
  guint              echo_serial;

  /* CHATHISTORY requests in flight (GchatHistoryRequest), at most one per target. */
  GPtrArray *history_requests;

  /* Read markers waiting for their interval (gchat-session-markers.c). */
  GPtrArray *markread_pending; /* GchatConversation */
  guint      markread_source;
  /* People's metadata (gchat-session-profiles.c). */
  GHashTable   *profiles;       /* folded nick -> GchatProfile */
  GHashTable   *avatars;        /* address -> GdkTexture, fetched once */
  SoupSession  *soup;           /* made at the first avatar */
  GCancellable *profile_cancel; /* the fetches in flight */
  /* Operator status, game statistics and server information. */
  GchatServerRequests *requests;
};

/*
 * A CHATHISTORY request in flight (at most one per conversation): LATEST
 * on opening, or BEFORE on scrolling up, whose lines are kept until the
 * batch ends and then go on top all at once.
 */
typedef struct
{
  char      *target;
  char      *batch;    /* the answer's BATCH id, once it opened */
  gboolean   older;    /* BEFORE: the lines go above the ones shown */
  gboolean   by_time;  /* asked with timestamp= (after an unknown msgid) */
  gboolean   since;    /* LATEST after the newest line shown (a rejoin): fills the gap */
  guint      received; /* lines in the answer, copies included */
  guint      before;   /* the conversation's GchatScrollbackState when asked */
  GPtrArray *lines;    /* BEFORE: the messages so far, oldest first */
} GchatHistoryRequest;

/* gchat-session.c */
void gchat_session_announce_error (GchatSession *self, const char *text);
void gchat_session_toast (GchatSession *self, const char *text);
void gchat_session_notify_message (GchatSession *self, GchatConversation *conv, GchatMessage *msg);
gboolean           gchat_session_set_away_flag (GchatSession *self, gboolean away);
const char        *gchat_session_last_arg (const struct chat_msg *m);
GchatConversation *gchat_session_note_target (GchatSession *self);
void gchat_session_error (GchatSession *self, GchatConversation *conv, const char *text);
GchatConversation *gchat_session_ensure (GchatSession         *self,
                                         GchatConversationKind kind,
                                         const char           *name,
                                         gboolean              focus);
void               gchat_session_update_operator (GchatSession *self, GchatConversation *conv);
char              *gchat_session_text_from (const struct chat_msg *m, int first);
char              *gchat_session_numeric_text (const struct chat_msg *m);
void gchat_session_presence_list (GchatSession *self, const char *list, char sep, GchatPresence p);
void gchat_session_ison (GchatSession *self, const struct chat_msg *m);
gboolean gchat_session_ison_tick (gpointer user_data);
void     gchat_session_presence_seen (GchatSession *self, const char *nick, GchatPresence p);
void     gchat_session_update_status (GchatSession *self);
gboolean gchat_session_fail (GchatSession *self, GError **error, const char *format, ...)
  G_GNUC_PRINTF (3, 4);
gboolean gchat_session_check_online (GchatSession *self, GError **error);

/* gchat-session-irc.c */
void gchat_session_dispatch (GchatConnection *conn, gpointer msg, gpointer user_data);
void gchat_session_stamp (GchatMessage *msg, const struct chat_msg *m);
void gchat_session_chat (GchatSession          *self,
                         const struct chat_msg *m,
                         const char            *nick,
                         gboolean               notice);

/* gchat-session-multiline.c */
void     gchat_session_multiline_free (gpointer data);
gboolean gchat_session_own_echo (GchatSession *self, const struct chat_msg *m, const char *nick);
gboolean gchat_session_send_labeled (GchatSession *self,
                                     GchatMessage *msg,
                                     const char   *target,
                                     const char   *wire);
gboolean gchat_session_send_text (GchatSession      *self,
                                  GchatConversation *conv,
                                  const char        *text,
                                  GError           **error);
gboolean gchat_session_multiline_feed (GchatSession *self, const struct chat_msg *m);
void     gchat_session_multiline_reset (GchatSession *self);

/* gchat-session-markers.c */
void gchat_session_handle_redact (GchatSession *self, const struct chat_msg *m, const char *nick);
void gchat_session_handle_markread (GchatSession *self, const struct chat_msg *m, const char *nick);
void gchat_session_ask_read_marker (GchatSession *self, const char *target);

/* gchat-session-numerics.c */
void gchat_session_numeric (GchatSession *self, int num, const struct chat_msg *m);

/* gchat-session-groups.c */
void     gchat_session_request_whox (GchatSession *self, const char *channel);
gboolean gchat_session_whox_reply (GchatSession *self, const struct chat_msg *m);
gboolean gchat_session_whox_end (GchatSession *self, const struct chat_msg *m);
void     gchat_session_member_account (GchatSession *self, const char *nick, const char *account);
void gchat_session_handle_account (GchatSession *self, const struct chat_msg *m, const char *nick);
void gchat_session_group_mode (GchatSession          *self,
                               GchatConversation     *conv,
                               const char            *nick,
                               const struct chat_msg *m);
void gchat_session_group_numeric (GchatSession *self, int num, const struct chat_msg *m);
void gchat_session_handle_chanadmin (GchatSession          *self,
                                     const struct chat_msg *m,
                                     const char            *nick);
gboolean gchat_session_chanadmin_fail (GchatSession *self, const struct chat_msg *m);
void     gchat_session_chanadmin_ask (GchatSession *self, const char *channel);
void     gchat_session_names (GchatSession *self, const struct chat_msg *m);
void     gchat_session_names_end (GchatSession *self, const struct chat_msg *m);

/* gchat-session-history.c */
void                 gchat_session_history_request_free (gpointer data);
GchatHistoryRequest *gchat_session_history_request (GchatSession *self,
                                                    const char   *target,
                                                    const char   *batch);
gboolean             gchat_session_history_fail (GchatSession *self, const struct chat_msg *m);
void                 gchat_session_history_reset (GchatSession *self);
void gchat_session_handle_batch (GchatSession *self, const struct chat_msg *m, const char *nick);
void gchat_session_request_history (GchatSession *self, const char *target);
void gchat_session_handle_chathistory (GchatSession          *self,
                                       const struct chat_msg *m,
                                       const char            *nick);
void gchat_session_restore_queries (GchatSession *self);

/* gchat-session-transfers.c */
void gchat_session_handle_sendfile (GchatSession *self, const struct chat_msg *m, const char *nick);
gboolean gchat_session_sendfile_fail (GchatSession *self, const struct chat_msg *m);
void     gchat_session_pause_uploads (GchatSession *self);
void     gchat_session_resume_uploads (GchatSession *self);

/* gchat-session-games.c */
void     gchat_session_record_arrived (GchatServerRequests *requests,
                                       const char          *nick,
                                       const char          *error,
                                       GchatSession        *self);
void     gchat_session_handle_ttt (GchatSession *self, const struct chat_msg *m, const char *nick);
gboolean gchat_session_ttt_play (GchatSession *self,
                                 const char   *nick,
                                 const char   *cell,
                                 GError      **error);

/* gchat-session-markers.c */
void gchat_session_markers_reset (GchatSession *self);
/* gchat-session-profiles.c */
void gchat_session_profiles_welcome (GchatSession *self);
void gchat_session_handle_metadata (GchatSession *self, const struct chat_msg *m, const char *nick);
gboolean gchat_session_profile_numeric (GchatSession *self, int num, const struct chat_msg *m);
void     gchat_session_profile_renamed (GchatSession *self, const char *old, const char *nick);
void     gchat_session_profile_gone (GchatSession *self, const char *nick);
void     gchat_session_profile_ask (GchatSession *self, const char *nick);
/* gchat-session-reconnect.c */
void gchat_session_welcome (GchatSession *self);
void gchat_session_on_disconnected (GchatConnection *conn, const char *reason, gpointer user_data);

G_END_DECLS
