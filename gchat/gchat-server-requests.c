/*
 * gchat-server-requests.c: requests the window makes of the server itself,
 * and routing their replies to the dialogs that asked.
 *
 * The server answers one client's commands in order, so each request is
 * followed by "PING :gchat-N" and owns the replies up to the matching PONG:
 * only the oldest open request can claim a line, and only lines of the kinds
 * its command produces. A line nobody asked for through the UI (someone
 * typed /quote TTT STATS) is not claimed and shows in the server tab as
 * before. OPER is the exception: chatd checks the password on a worker
 * thread and keeps reading, so its PONG can overtake the answer; an OPER
 * stays open until 381 or one of its errors arrives instead.
 *
 * The session owns one of these and offers it every line first
 * (gchat_server_requests_feed); it also tracks user mode +o on our own nick.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "numeric.h"
#include "gchat-server-requests.h"

typedef enum { REQ_DEOPER, REQ_KILL, REQ_REHASH, REQ_DIE, REQ_STATS, REQ_INFO } RequestKind;

typedef struct
{
  RequestKind kind;
  char       *token; /* the PING token that closes it */
  char       *nick;  /* KILL victim; STATS subject (NULL: ourselves) */
  char       *later; /* REHASH: the 382 in words, if no NOTE or FAIL follows */
} Request;

struct _GchatServerRequests
{
  GObject parent_instance;

  GchatConnection   *conn;
  GchatConversation *server;
  GQueue             requests;
  guint              serial;
  gboolean           operator;
  gboolean           oper_pending;
  GHashTable        *stats; /* casefolded nick -> guint[3] wins, losses, draws */
  GString           *info[GCHAT_SERVER_INFO_N];
  char              *version;
  int                users;
  gboolean           info_pending;
};

G_DEFINE_FINAL_TYPE (GchatServerRequests, gchat_server_requests, G_TYPE_OBJECT)

enum { PROP_0, PROP_OPERATOR, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

enum { SIG_OPER_RESULT, SIG_REPLY, SIG_STATS, SIG_INFO_CHANGED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/* Free one request. */
static void
request_free (Request *r)
{
  g_free (r->token);
  g_free (r->nick);
  g_free (r->later);
  g_free (r);
}

/* The last parameter of @m, or "". */
static const char *
last_arg (const struct chat_msg *m)
{
  return m->argc > 0 ? m->argv[m->argc - 1] : "";
}

/* Whether @m came from the server rather than a user (no '!' in the source). */
static gboolean
from_server (const struct chat_msg *m)
{
  return m->source == NULL || strchr (m->source, '!') == NULL;
}

/* Whether lines can be sent now (else a request would wait for a PONG forever). */
static gboolean
gchat_server_requests_online (GchatServerRequests *self)
{
  return self->conn != NULL &&
    gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED;
}

/* Change the operator flag and tell who listens. */
static void
gchat_server_requests_set_operator (GchatServerRequests *self, gboolean operator)
{
  if (self->operator== operator)
    return;
  self->operator= operator;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_OPERATOR]);
}

/* Send @command with up to two arguments, then the PING that closes it. */
static void
gchat_server_requests_send (GchatServerRequests *self,
                            RequestKind          kind,
                            const char          *nick,
                            const char          *command,
                            const char          *arg1,
                            const char          *arg2)
{
  Request *r;

  if (!gchat_server_requests_online (self))
    return;
  r = g_new0 (Request, 1);
  r->kind = kind;
  r->nick = g_strdup (nick);
  r->token = g_strdup_printf ("gchat-%u", ++self->serial);
  gchat_connection_sendv (self->conn, command, arg1, arg2, NULL);
  gchat_connection_sendv (self->conn, "PING", r->token, NULL);
  g_queue_push_tail (&self->requests, r);
}

/* Tell the UI how an operator command went, and note it in the server tab. */
static void
gchat_server_requests_reply (GchatServerRequests *self,
                             GchatServerReply     what,
                             gboolean             ok,
                             const char          *text)
{
  if (self->server != NULL)
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  g_signal_emit (self, signals[SIG_REPLY], 0, what, ok, text);
}

/* OPER's answers: 381, 491, 464, 461 OPER, FAIL OPER. Returns: claimed. */
static gboolean
gchat_server_requests_feed_oper (GchatServerRequests *self, const struct chat_msg *m, int num)
{
  g_autofree char *text = NULL;
  gboolean         ok = FALSE;

  if (num == RPL_YOUREOPER) {
    ok = TRUE;
    text = g_strdup ("You are now a server operator");
  } else if (num == ERR_NOOPERHOST) {
    text = g_strdup ("The server has no operator of that name (or not for your address)");
  } else if (num == ERR_PASSWDMISMATCH) {
    text = g_strdup ("Wrong operator password");
  } else if (num == ERR_NEEDMOREPARAMS && m->argc > 1 &&
             g_ascii_strcasecmp (m->argv[1], "OPER") == 0) {
    text = g_strdup ("Type an operator name and a password");
  } else if (strcmp (m->command, "FAIL") == 0 && m->argc > 1 &&
             g_ascii_strcasecmp (m->argv[0], "OPER") == 0) {
    if (strcmp (m->argv[1], "TEMPORARILY_UNAVAILABLE") == 0)
      text = g_strdup ("The server is still checking an earlier attempt: try again in a moment");
    else
      text = g_strdup_printf ("The server refused: %s", last_arg (m));
  } else {
    return FALSE;
  }
  self->oper_pending = FALSE;
  if (ok)
    gchat_server_requests_set_operator (self, TRUE);
  if (self->server != NULL)
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  g_signal_emit (self, signals[SIG_OPER_RESULT], 0, ok, text);
  return TRUE;
}

/* "You are not an operator" in words, for the command @what. */
static void
gchat_server_requests_denied (GchatServerRequests *self, GchatServerReply what)
{
  gchat_server_requests_reply (self,
                               what,
                               FALSE,
                               "The server refused: you are not a server operator (any more)");
}

/* Replies to KILL: 401, 483, 461, 481, or the server's "*** Killed" notice. */
static gboolean
gchat_server_requests_feed_kill (GchatServerRequests   *self,
                                 Request               *r,
                                 const struct chat_msg *m,
                                 int                    num)
{
  g_autofree char *text = NULL;
  gboolean         ok = FALSE;

  if (num == ERR_NOSUCHNICK)
    text = g_strdup_printf ("%s is not online", m->argc > 2 ? m->argv[1] : r->nick);
  else if (num == ERR_CANTKILLSERVER)
    text = g_strdup_printf ("%s is the server itself: it cannot be disconnected", r->nick);
  else if (num == ERR_NEEDMOREPARAMS)
    text = g_strdup ("The server wants a nick and a reason");
  else if (num == ERR_NOPRIVILEGES) {
    gchat_server_requests_denied (self, GCHAT_SERVER_REPLY_KILL);
    return TRUE;
  } else if (strcmp (m->command, "NOTICE") == 0 && from_server (m) &&
             g_str_has_prefix (last_arg (m), "*** Killed")) {
    ok = TRUE;
    text = g_strdup_printf ("You disconnected %s from the server", r->nick);
  } else
    return FALSE;
  gchat_server_requests_reply (self, GCHAT_SERVER_REPLY_KILL, ok, text);
  return TRUE;
}

/*
 * Replies to REHASH: 382 names the file; chatd then says with NOTE or FAIL
 * REHASH whether it worked, and one message says both (other servers send
 * only 382, told at the PONG). 481 for non-operators.
 */
static gboolean
gchat_server_requests_feed_rehash (GchatServerRequests   *self,
                                   Request               *r,
                                   const struct chat_msg *m,
                                   int                    num)
{
  g_autofree char *text = NULL;
  gboolean         ok = TRUE;
  gboolean standard = (strcmp (m->command, "NOTE") == 0 || strcmp (m->command, "FAIL") == 0) &&
    m->argc > 2 && g_ascii_strcasecmp (m->argv[0], "REHASH") == 0;

  if (num == RPL_REHASHING) {
    g_free (r->nick);
    r->nick = g_strdup (m->argc > 2 ? m->argv[1] : "");
    g_free (r->later);
    r->later = g_strdup_printf ("The server is reloading its configuration file %s", r->nick);
    return TRUE;
  }
  if (num == ERR_NOPRIVILEGES) {
    gchat_server_requests_denied (self, GCHAT_SERVER_REPLY_REHASH);
    return TRUE;
  }
  if (!standard)
    return FALSE;
  g_clear_pointer (&r->later, g_free);
  if (strcmp (m->command, "NOTE") == 0) {
    text = g_strdup_printf ("The server reloaded its configuration%s%s",
                            r->nick != NULL && *r->nick != '\0' ? " from " : "",
                            r->nick != NULL ? r->nick : "");
  } else {
    ok = FALSE;
    text = g_strdup_printf ("The server could not reload its configuration and keeps the old "
                            "one: %s",
                            last_arg (m));
  }
  gchat_server_requests_reply (self, GCHAT_SERVER_REPLY_REHASH, ok, text);
  return TRUE;
}

/* Replies to MODE nick -o (221 is swallowed) and DIE: 481, 502. */
static gboolean
gchat_server_requests_feed_denied (GchatServerRequests   *self,
                                   Request               *r,
                                   const struct chat_msg *m,
                                   int                    num)
{
  GchatServerReply what = r->kind == REQ_DIE ? GCHAT_SERVER_REPLY_DIE : GCHAT_SERVER_REPLY_DEOPER;

  if (num == ERR_NOPRIVILEGES || num == ERR_USERSDONTMATCH) {
    gchat_server_requests_denied (self, what);
    return TRUE;
  }
  return r->kind == REQ_DEOPER && num == RPL_UMODEIS;
}

/* Replies to TTT STATS: the STATS machine line, or FAIL TTT. */
static gboolean
gchat_server_requests_feed_stats (GchatServerRequests *self, Request *r, const struct chat_msg *m)
{
  if (strcmp (m->command, "TTT") == 0 && m->argc >= 5 &&
      g_ascii_strcasecmp (m->argv[0], "STATS") == 0) {
    char   key[64];
    guint *rec = g_new (guint, 3);

    for (int i = 0; i < 3; i++)
      rec[i] = (guint)g_ascii_strtoull (m->argv[2 + i], NULL, 10);
    chat_casefold (key, m->argv[1], sizeof key);
    g_hash_table_replace (self->stats, g_strdup (key), rec);
    g_signal_emit (self, signals[SIG_STATS], 0, m->argv[1], NULL);
    return TRUE;
  }
  if ((strcmp (m->command, "FAIL") == 0 && m->argc > 2 &&
       g_ascii_strcasecmp (m->argv[0], "TTT") == 0) ||
      (m->argc > 1 && strcmp (m->command, "461") == 0 &&
       g_ascii_strcasecmp (m->argv[1], "TTT") == 0)) {
    const char *nick =
      r->nick != NULL || self->conn == NULL ? r->nick : gchat_connection_get_nick (self->conn);

    g_signal_emit (self, signals[SIG_STATS], 0, nick, last_arg (m));
    return TRUE;
  }
  return FALSE;
}

/* Append @text as a line of section @s. */
static void
gchat_server_requests_info_add (GchatServerRequests   *self,
                                GchatServerInfoSection s,
                                const char            *text)
{
  if (self->info[s]->len > 0)
    g_string_append_c (self->info[s], '\n');
  g_string_append (self->info[s], text);
}

/* The replies to VERSION, LUSERS, ADMIN, TIME and MOTD, one section each. */
static gboolean
gchat_server_requests_feed_info (GchatServerRequests *self, const struct chat_msg *m, int num)
{
  g_autofree char *text = NULL;

  switch (num) {
    case RPL_VERSION:
      /* me version server :comments */
      if (m->argc > 2) {
        g_free (self->version);
        self->version = g_strdup (m->argv[1]);
        text = g_strdup_printf ("%s on %s%s%s%s",
                                m->argv[1],
                                m->argv[2],
                                m->argc > 3 ? " (" : "",
                                m->argc > 3 ? m->argv[3] : "",
                                m->argc > 3 ? ")" : "");
        gchat_server_requests_info_add (self, GCHAT_SERVER_INFO_VERSION, text);
      }
      return TRUE;
    case RPL_ISUPPORT:
      for (int i = 1; i < m->argc - 1; i++) {
        if (self->info[GCHAT_SERVER_INFO_SUPPORT]->len > 0)
          g_string_append_c (self->info[GCHAT_SERVER_INFO_SUPPORT], ' ');
        g_string_append (self->info[GCHAT_SERVER_INFO_SUPPORT], m->argv[i]);
      }
      return TRUE;
    case RPL_LUSEROP:
    case RPL_LUSERUNKNOWN:
    case RPL_LUSERCHANNELS:
      /* me count :what */
      text = m->argc > 2 ? g_strdup_printf ("%s %s", m->argv[1], last_arg (m)) : NULL;
      G_GNUC_FALLTHROUGH;
    case RPL_LUSERCLIENT:
    case RPL_LUSERME:
    case RPL_LOCALUSERS:
    case RPL_GLOBALUSERS:
      if ((num == RPL_GLOBALUSERS || (num == RPL_LOCALUSERS && self->users < 0)) && m->argc > 2)
        self->users = atoi (m->argv[1]);
      gchat_server_requests_info_add (self,
                                      GCHAT_SERVER_INFO_USERS,
                                      text != NULL ? text : last_arg (m));
      return TRUE;
    case RPL_ADMINME:
      return TRUE;
    case RPL_ADMINLOC1:
    case RPL_ADMINLOC2:
    case RPL_ADMINEMAIL:
      gchat_server_requests_info_add (self, GCHAT_SERVER_INFO_ADMIN, last_arg (m));
      return TRUE;
    case RPL_TIME:
      gchat_server_requests_info_add (self, GCHAT_SERVER_INFO_TIME, last_arg (m));
      return TRUE;
    case RPL_MOTDSTART:
    case RPL_ENDOFMOTD:
      return TRUE;
    case RPL_MOTD: {
      const char *line = last_arg (m);

      /* Lines start with "- " by convention. */
      if (g_str_has_prefix (line, "- "))
        line += 2;
      else if (strcmp (line, "-") == 0)
        line = "";
      gchat_server_requests_info_add (self, GCHAT_SERVER_INFO_MOTD, line);
      return TRUE;
    }
    case ERR_NOMOTD:
      gchat_server_requests_info_add (self, GCHAT_SERVER_INFO_MOTD, "(no message of the day)");
      return TRUE;
    case ERR_NOSUCHSERVER:
    case ERR_UNKNOWNCOMMAND:
      /* A server without ADMIN or TIME: leave that section empty. */
      return TRUE;
    default:
      return FALSE;
  }
}

/* The open request @r may claim @m. Returns: claimed. */
static gboolean
gchat_server_requests_feed_request (GchatServerRequests   *self,
                                    Request               *r,
                                    const struct chat_msg *m,
                                    int                    num)
{
  switch (r->kind) {
    case REQ_KILL:
      return gchat_server_requests_feed_kill (self, r, m, num);
    case REQ_REHASH:
      return gchat_server_requests_feed_rehash (self, r, m, num);
    case REQ_DIE:
    case REQ_DEOPER:
      return gchat_server_requests_feed_denied (self, r, m, num);
    case REQ_STATS:
      return gchat_server_requests_feed_stats (self, r, m);
    case REQ_INFO:
      return num > 0 && gchat_server_requests_feed_info (self, m, num);
    default:
      return FALSE;
  }
}

/* MODE on our own nick: +o and -o change the operator flag (never claimed). */
static void
gchat_server_requests_user_mode (GchatServerRequests *self, const struct chat_msg *m)
{
  gboolean add = TRUE;

  if (m->argc < 2 || self->conn == NULL || !gchat_connection_is_me (self->conn, m->argv[0]))
    return;
  for (const char *p = m->argv[1]; *p != '\0'; p++) {
    if (*p == '+' || *p == '-')
      add = *p == '+';
    else if (*p == 'o')
      gchat_server_requests_set_operator (self, add);
  }
}

/**
 * gchat_server_requests_feed:
 * Offer one line from the server before the session handles it.
 * Returns: TRUE when it answered a request of ours and must not be shown
 * again.
 */
gboolean
gchat_server_requests_feed (GchatServerRequests *self, const struct chat_msg *m)
{
  int      num = 0;
  Request *r;

  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), FALSE);
  if (g_ascii_isdigit (m->command[0]) && strlen (m->command) == 3)
    num = atoi (m->command);
  if (strcmp (m->command, "MODE") == 0)
    gchat_server_requests_user_mode (self, m);
  if (self->oper_pending && gchat_server_requests_feed_oper (self, m, num))
    return TRUE;
  if (num == RPL_YOUREOPER)
    gchat_server_requests_set_operator (self, TRUE);
  if ((r = g_queue_peek_head (&self->requests)) == NULL)
    return FALSE;
  if (strcmp (m->command, "PONG") == 0 && strcmp (last_arg (m), r->token) == 0) {
    g_queue_pop_head (&self->requests);
    if (r->later != NULL)
      gchat_server_requests_reply (self, GCHAT_SERVER_REPLY_REHASH, TRUE, r->later);
    if (r->kind == REQ_INFO) {
      self->info_pending = FALSE;
      g_signal_emit (self, signals[SIG_INFO_CHANGED], 0);
    }
    request_free (r);
    return TRUE;
  }
  return gchat_server_requests_feed_request (self, r, m, num);
}

/** gchat_server_requests_reset: the connection is gone: forget requests and +o. */
void
gchat_server_requests_reset (GchatServerRequests *self)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  g_queue_clear_full (&self->requests, (GDestroyNotify)request_free);
  if (self->oper_pending) {
    self->oper_pending = FALSE;
    g_signal_emit (self,
                   signals[SIG_OPER_RESULT],
                   0,
                   FALSE,
                   "The connection to the server was lost");
  }
  if (self->info_pending) {
    self->info_pending = FALSE;
    g_signal_emit (self, signals[SIG_INFO_CHANGED], 0);
  }
  gchat_server_requests_set_operator (self, FALSE);
}

/** gchat_server_requests_get_operator: whether the server made us an operator (+o). */
gboolean
gchat_server_requests_get_operator (GchatServerRequests *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), FALSE);
  return self->operator;
}

/** gchat_server_requests_get_oper_pending: whether an OPER waits for its answer. */
gboolean
gchat_server_requests_get_oper_pending (GchatServerRequests *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), FALSE);
  return self->oper_pending;
}

/** gchat_server_requests_oper: OPER @name @password; the answer comes as ::oper-result. */
void
gchat_server_requests_oper (GchatServerRequests *self, const char *name, const char *password)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  if (!gchat_server_requests_online (self)) {
    g_signal_emit (self, signals[SIG_OPER_RESULT], 0, FALSE, "Not connected to the server");
    return;
  }
  self->oper_pending = TRUE;
  gchat_connection_sendv (self->conn, "OPER", name, password, NULL);
}

/** gchat_server_requests_give_up_operator: MODE <me> -o. */
void
gchat_server_requests_give_up_operator (GchatServerRequests *self)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  if (self->conn == NULL)
    return;
  gchat_server_requests_send (self,
                              REQ_DEOPER,
                              NULL,
                              "MODE",
                              gchat_connection_get_nick (self->conn),
                              "-o");
}

/** gchat_server_requests_kill: KILL @nick :@reason. */
void
gchat_server_requests_kill (GchatServerRequests *self, const char *nick, const char *reason)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  gchat_server_requests_send (self,
                              REQ_KILL,
                              nick,
                              "KILL",
                              nick,
                              reason != NULL && *reason != '\0' ? reason : "No reason given");
}

/** gchat_server_requests_rehash: REHASH. */
void
gchat_server_requests_rehash (GchatServerRequests *self)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  gchat_server_requests_send (self, REQ_REHASH, NULL, "REHASH", NULL, NULL);
}

/** gchat_server_requests_die: DIE [:@reason]: the server shuts down. */
void
gchat_server_requests_die (GchatServerRequests *self, const char *reason)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  gchat_server_requests_send (self,
                              REQ_DIE,
                              NULL,
                              "DIE",
                              reason != NULL && *reason != '\0' ? reason : NULL,
                              NULL);
}

/** gchat_server_requests_stats: TTT STATS [@nick]; the answer comes as ::stats. */
void
gchat_server_requests_stats (GchatServerRequests *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  gchat_server_requests_send (self, REQ_STATS, nick, "TTT", "STATS", nick);
}

/** gchat_server_requests_lookup_stats: the last known record of @nick. Returns: whether known. */
gboolean
gchat_server_requests_lookup_stats (GchatServerRequests *self,
                                    const char          *nick,
                                    guint               *wins,
                                    guint               *losses,
                                    guint               *draws)
{
  char   key[64];
  guint *rec;

  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), FALSE);
  if (nick == NULL)
    return FALSE;
  chat_casefold (key, nick, sizeof key);
  if ((rec = g_hash_table_lookup (self->stats, key)) == NULL)
    return FALSE;
  *wins = rec[0];
  *losses = rec[1];
  *draws = rec[2];
  return TRUE;
}

/** gchat_server_requests_info: ask VERSION, LUSERS, ADMIN, TIME and MOTD afresh. */
void
gchat_server_requests_info (GchatServerRequests *self)
{
  g_return_if_fail (GCHAT_IS_SERVER_REQUESTS (self));
  for (int i = 0; i < GCHAT_SERVER_INFO_N; i++)
    g_string_truncate (self->info[i], 0);
  g_clear_pointer (&self->version, g_free);
  self->users = -1;
  if (!gchat_server_requests_online (self)) {
    g_signal_emit (self, signals[SIG_INFO_CHANGED], 0);
    return;
  }
  self->info_pending = TRUE;
  gchat_connection_sendv (self->conn, "VERSION", NULL);
  gchat_connection_sendv (self->conn, "LUSERS", NULL);
  gchat_connection_sendv (self->conn, "ADMIN", NULL);
  gchat_connection_sendv (self->conn, "TIME", NULL);
  /* The last one carries the PING, so the request spans all five. */
  gchat_server_requests_send (self, REQ_INFO, NULL, "MOTD", NULL, NULL);
  g_signal_emit (self, signals[SIG_INFO_CHANGED], 0);
}

/** gchat_server_requests_get_info_pending: whether the information is on its way. */
gboolean
gchat_server_requests_get_info_pending (GchatServerRequests *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), FALSE);
  return self->info_pending;
}

/** gchat_server_requests_get_info: section @s of the last answer, one item a line ("" if none). */
const char *
gchat_server_requests_get_info (GchatServerRequests *self, GchatServerInfoSection s)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), "");
  g_return_val_if_fail (s < GCHAT_SERVER_INFO_N, "");
  return self->info[s]->str;
}

/** gchat_server_requests_get_version: the server's version string (351), or NULL. */
const char *
gchat_server_requests_get_version (GchatServerRequests *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), NULL);
  return self->version;
}

/** gchat_server_requests_get_user_count: users online (266, else 265), or -1. */
int
gchat_server_requests_get_user_count (GchatServerRequests *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_REQUESTS (self), -1);
  return self->users;
}

static void
gchat_server_requests_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  GchatServerRequests *self = GCHAT_SERVER_REQUESTS (object);

  switch (id) {
    case PROP_OPERATOR:
      g_value_set_boolean (value, self->operator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
}

static void
gchat_server_requests_finalize (GObject *object)
{
  GchatServerRequests *self = GCHAT_SERVER_REQUESTS (object);

  g_queue_clear_full (&self->requests, (GDestroyNotify)request_free);
  g_clear_weak_pointer (&self->conn);
  g_clear_weak_pointer (&self->server);
  g_hash_table_unref (self->stats);
  for (int i = 0; i < GCHAT_SERVER_INFO_N; i++)
    g_string_free (self->info[i], TRUE);
  g_free (self->version);
  G_OBJECT_CLASS (gchat_server_requests_parent_class)->finalize (object);
}

static void
gchat_server_requests_class_init (GchatServerRequestsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gchat_server_requests_get_property;
  object_class->finalize = gchat_server_requests_finalize;
  pspecs[PROP_OPERATOR] =
    g_param_spec_boolean ("operator",
                          NULL,
                          NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);

  /** GchatServerRequests::oper-result: (ok, text in words) for the last OPER. */
  signals[SIG_OPER_RESULT] = g_signal_new ("oper-result",
                                           G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST,
                                           0,
                                           NULL,
                                           NULL,
                                           NULL,
                                           G_TYPE_NONE,
                                           2,
                                           G_TYPE_BOOLEAN,
                                           G_TYPE_STRING);
  /** GchatServerRequests::reply: (GchatServerReply what, ok, text in words). */
  signals[SIG_REPLY] = g_signal_new ("reply",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0,
                                     NULL,
                                     NULL,
                                     NULL,
                                     G_TYPE_NONE,
                                     3,
                                     G_TYPE_INT,
                                     G_TYPE_BOOLEAN,
                                     G_TYPE_STRING);
  /** GchatServerRequests::stats: (nick, error or NULL); the record is in lookup_stats. */
  signals[SIG_STATS] = g_signal_new ("stats",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0,
                                     NULL,
                                     NULL,
                                     NULL,
                                     G_TYPE_NONE,
                                     2,
                                     G_TYPE_STRING,
                                     G_TYPE_STRING);
  /** GchatServerRequests::info-changed: the information was asked for, or is complete. */
  signals[SIG_INFO_CHANGED] = g_signal_new ("info-changed",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0,
                                            NULL,
                                            NULL,
                                            NULL,
                                            G_TYPE_NONE,
                                            0);
}

static void
gchat_server_requests_init (GchatServerRequests *self)
{
  g_queue_init (&self->requests);
  self->stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; i < GCHAT_SERVER_INFO_N; i++)
    self->info[i] = g_string_new (NULL);
  self->users = -1;
}

/** gchat_server_requests_new: requests sent on @conn; notes go to @server (may be NULL). */
GchatServerRequests *
gchat_server_requests_new (GchatConnection *conn, GchatConversation *server)
{
  GchatServerRequests *self = g_object_new (GCHAT_TYPE_SERVER_REQUESTS, NULL);

  /* Both belong to the session; dialogs may hold this a little longer. */
  g_set_weak_pointer (&self->conn, conn);
  g_set_weak_pointer (&self->server, server);
  return self;
}
