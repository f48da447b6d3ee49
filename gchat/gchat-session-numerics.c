/*
 * gchat-session-numerics.c: numeric replies, from the same constants the
 * server uses (numeric.h). Two tables indexed by number: the handlers of
 * the numerics gchat acts on, and the wordings of the errors people meet.
 * A handler returns FALSE to leave the line to the generic treatment:
 * errors (400-599) in words, anything else as text in the server log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

#define NUMERIC_MAX 1000

/* TRUE: the line was dealt with; FALSE: the generic treatment follows. */
typedef gboolean (*GchatNumericFunc) (GchatSession *self, int num, const struct chat_msg *m);

/* Replies gchat needs no word about (ISUPPORT is read by the connection). */
static gboolean
numeric_silent (GchatSession *self, int num, const struct chat_msg *m)
{
  return TRUE;
}

/* The parameters after our nick, as a note where the user is. */
static gboolean
numeric_note (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char *text = gchat_session_numeric_text (m);

  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  return TRUE;
}

/* The parameters after our nick, in the server log. */
static gboolean
numeric_server_text (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char *text = gchat_session_numeric_text (m);

  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  return TRUE;
}

/* The last parameter, in the server log. */
static gboolean
numeric_log (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, gchat_session_last_arg (m));
  return TRUE;
}

/* RPL_WELCOME: registered; rejoin and follow contacts. */
static gboolean
numeric_welcome (GchatSession *self, int num, const struct chat_msg *m)
{
  numeric_log (self, num, m);
  gchat_session_welcome (self);
  return TRUE;
}

/* RPL_NAMREPLY: members of a group. */
static gboolean
numeric_names (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_names (self, m);
  return TRUE;
}

/* RPL_ENDOFNAMES: the member list is complete. */
static gboolean
numeric_names_end (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_names_end (self, m);
  return TRUE;
}

/* RPL_WHOSPCRPL: silent when it answers our own WHOX. */
static gboolean
numeric_whox_reply (GchatSession *self, int num, const struct chat_msg *m)
{
  return gchat_session_whox_reply (self, m);
}

/* RPL_ENDOFWHO: silent when it ends our own WHOX. */
static gboolean
numeric_whox_end (GchatSession *self, int num, const struct chat_msg *m)
{
  return gchat_session_whox_end (self, m);
}

/* 324, 367, 368: asked for by the group settings dialog, which shows them. */
static gboolean
numeric_group (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_group_numeric (self, num, m);
  return TRUE;
}

/* RPL_TOPIC: a group's topic, on joining or asked for. */
static gboolean
numeric_topic (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatConversation *conv;

  if (m->argc > 2 && (conv = gchat_session_find (self, m->argv[1])) != NULL) {
    g_autofree char *text = g_strdup_printf ("Topic: %s", m->argv[2]);

    gchat_conversation_set_topic (conv, m->argv[2]);
    gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
  }
  return TRUE;
}

/* RPL_NOTOPIC: the group has none. */
static gboolean
numeric_no_topic (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatConversation *conv;

  if (m->argc > 1 && (conv = gchat_session_find (self, m->argv[1])) != NULL)
    gchat_conversation_set_topic (conv, NULL);
  return TRUE;
}

/* RPL_AWAY: the person we wrote to is away; said once per message. */
static gboolean
numeric_away (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatContact      *contact;
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  if (m->argc <= 2)
    return TRUE;
  contact = gchat_session_find_contact (self, m->argv[1]);
  conv = gchat_session_find (self, m->argv[1]);
  if (contact != NULL) {
    gchat_contact_set_presence (contact, GCHAT_PRESENCE_AWAY);
    if (g_strcmp0 (gchat_contact_get_away_message (contact), m->argv[2]) == 0)
      return TRUE;
    gchat_contact_set_away_message (contact, m->argv[2]);
  }
  text = g_strdup_printf ("%s is away: %s", m->argv[1], m->argv[2]);
  gchat_conversation_add_text (conv != NULL ? conv : gchat_session_note_target (self),
                               GCHAT_MESSAGE_EVENT,
                               text);
  return TRUE;
}

/* RPL_LISTSTART: a new group list begins. */
static gboolean
numeric_list_start (GchatSession *self, int num, const struct chat_msg *m)
{
  g_list_store_remove_all (self->group_list);
  return TRUE;
}

/* RPL_LIST: nick #name users :topic. */
static gboolean
numeric_list (GchatSession *self, int num, const struct chat_msg *m)
{
  if (m->argc > 3) {
    g_autoptr (GchatGroupInfo) info =
      gchat_group_info_new (m->argv[1], (guint)g_ascii_strtoull (m->argv[2], NULL, 10), m->argv[3]);

    g_list_store_append (self->group_list, info);
  }
  return TRUE;
}

/* RPL_WHOISUSER: nick user host * :realname. */
static gboolean
numeric_whois_user (GchatSession *self, int num, const struct chat_msg *m)
{
  if (m->argc > 5) {
    g_autofree char *text =
      g_strdup_printf ("%s is %s (%s@%s)", m->argv[1], m->argv[5], m->argv[2], m->argv[3]);

    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  }
  return TRUE;
}

/* RPL_WHOISACCOUNT: also tells the member lists and contacts. */
static gboolean
numeric_whois_account (GchatSession *self, int num, const struct chat_msg *m)
{
  if (m->argc > 3) {
    g_autofree char *text = g_strdup_printf ("%s is logged in as %s", m->argv[1], m->argv[2]);

    gchat_session_member_account (self, m->argv[1], m->argv[2]);
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  }
  return TRUE;
}

/* RPL_ENDOFMOTD: signed in; the private conversations can come back. */
static gboolean
numeric_motd_end (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_restore_queries (self);
  return FALSE;
}

/* ERR_NOMOTD: no error, the end of the welcome all the same. */
static gboolean
numeric_no_motd (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_restore_queries (self);
  return numeric_log (self, num, m);
}

/* RPL_UNAWAY, RPL_NOWAWAY: our own away state. */
static gboolean
numeric_own_away (GchatSession *self, int num, const struct chat_msg *m)
{
  if (gchat_session_set_away_flag (self, num == RPL_NOWAWAY))
    gchat_session_update_status (self);
  return numeric_note (self, num, m);
}

/* RPL_INVITING: our invitation went out. */
static gboolean
numeric_inviting (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char *text = NULL;

  if (m->argc <= 2)
    return numeric_note (self, num, m);
  text = g_strdup_printf ("Invited %s to %s", m->argv[1], m->argv[2]);
  gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  return TRUE;
}

/* RPL_ISON: which contacts are online. */
static gboolean
numeric_ison (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_ison (self, m);
  return TRUE;
}

/* RPL_MONONLINE, RPL_MONOFFLINE: contacts came or went (MONITOR). */
static gboolean
numeric_monitor (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_session_presence_list (self,
                               gchat_session_last_arg (m),
                               ',',
                               num == RPL_MONONLINE ? GCHAT_PRESENCE_ONLINE
                                                    : GCHAT_PRESENCE_OFFLINE);
  return TRUE;
}

/* RPL_LOGGEDIN: logged in to an account. */
static gboolean
numeric_logged_in (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char *text =
    g_strdup_printf ("You are logged in as %s", m->argc > 2 ? m->argv[2] : "?");

  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  gchat_session_update_status (self);
  /* Logged in after the welcome (LOGIN, REGISTER): SASL's comes before. */
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    gchat_session_restore_queries (self);
  return TRUE;
}

/* RPL_LOGGEDOUT. */
static gboolean
numeric_logged_out (GchatSession *self, int num, const struct chat_msg *m)
{
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, "You are logged out");
  gchat_session_update_status (self);
  return TRUE;
}

/* ERR_UNKNOWNCOMMAND: ISON and CAP missing are no errors; the rest is. */
static gboolean
numeric_unknown_command (GchatSession *self, int num, const struct chat_msg *m)
{
  if (m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "ISON") == 0) {
    /* Presence then comes from shared groups only. */
    self->ison_unsupported = TRUE;
    return TRUE;
  }
  /* A server without capability negotiation. */
  return m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "CAP") == 0;
}

/* ERR_NICKNAMEINUSE, ERR_ERRONEUSNICKNAME: while signing in, the connection tries another. */
static gboolean
numeric_nick_refused (GchatSession *self, int num, const struct chat_msg *m)
{
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    return FALSE;
  return numeric_server_text (self, num, m);
}

/*
 * How the common errors read; {target} is the parameter after our nick,
 * {reason} the last one. Others read "Server error NNN: ...".
 */
static const char *const numeric_errors[NUMERIC_MAX] = {
  [ERR_CHANOPRIVSNEEDED] = "You need to be an admin of {target} to do that",
  [ERR_INVITEONLYCHAN] = "{target} is private: you need an invitation to join",
  [ERR_BADCHANNELKEY] = "{target} needs a key (password) to join",
  [ERR_BANNEDFROMCHAN] = "You are banned from {target}",
  [ERR_CHANNELISFULL] = "{target} is full",
  [ERR_NICKNAMEINUSE] = "The nick {target} is already taken",
  [ERR_ERRONEUSNICKNAME] = "{target} is not a valid nick",
  [ERR_NOSUCHNICK] = "{target} is not online (no such nick or group)",
  [ERR_CANNOTSENDTOCHAN] = "Your message to {target} was not delivered: {reason}",
  [ERR_NOTONCHANNEL] = "You are not in {target}",
  [ERR_INVALIDKEY] =
    "That key cannot be used for {target}: no spaces, commas or colons, at most 32 characters",
  [ERR_INVALIDMODEPARAM] = "{target} refused the setting: {reason}",
  [ERR_SASLFAIL] = "Login failed: wrong account name or password",
  [ERR_NICKLOCKED] = "Login refused: {reason}",
  [ERR_PASSWDMISMATCH] = "The server refused the password",
  [ERR_NOPRIVILEGES] = "The server refused: only server operators may do that",
  [ERR_YOUREBANNEDCREEP] = "You are banned from this server: {reason}",
  [ERR_UNKNOWNCOMMAND] = "The server does not know the command {target}",
};

/* @template with {target} and {reason} filled in, in one pass (they may hold braces). */
static GString *
numeric_expand (const char *template, const char *target, const char *reason)
{
  GString *text = g_string_new (NULL);

  for (const char *p = template; *p != '\0'; p++) {
    if (g_str_has_prefix (p, "{target}")) {
      g_string_append (text, target);
      p += strlen ("{target}") - 1;
    } else if (g_str_has_prefix (p, "{reason}")) {
      g_string_append (text, reason);
      p += strlen ("{reason}") - 1;
    } else {
      g_string_append_c (text, *p);
    }
  }
  return text;
}

/* An error numeric, put in words from numeric_errors. */
static gboolean
numeric_error (GchatSession *self, int num, const struct chat_msg *m)
{
  const char        *what = m->argc > 2 ? m->argv[1] : "";
  GchatConversation *conv = m->argc > 2 ? gchat_session_find (self, m->argv[1]) : NULL;
  g_autoptr (GString) text = NULL;

  if (num == ERR_UNKNOWNCOMMAND &&
      (g_ascii_strcasecmp (what, "LOGIN") == 0 || g_ascii_strcasecmp (what, "REGISTER") == 0)) {
    text = g_string_new ("This server has no accounts: you are chatting without one");
  } else if (num >= 0 && num < NUMERIC_MAX && numeric_errors[num] != NULL) {
    text = numeric_expand (numeric_errors[num], what, gchat_session_last_arg (m));
  } else {
    g_autofree char *raw = gchat_session_numeric_text (m);

    text = g_string_new (NULL);
    g_string_printf (text, "Server error %03d: %s", num, raw);
  }
  gchat_session_error (self, conv, text->str);
  return TRUE;
}

/* ERR_NICKNAMEINUSE, ERR_ERRONEUSNICKNAME once connected: a /nick refused. */
static gboolean
numeric_nick_error (GchatSession *self, int num, const struct chat_msg *m)
{
  return numeric_nick_refused (self, num, m) || numeric_error (self, num, m);
}

/* ERR_UNKNOWNCOMMAND: quiet for ISON and CAP, else an error. */
static gboolean
numeric_unknown (GchatSession *self, int num, const struct chat_msg *m)
{
  return numeric_unknown_command (self, num, m) || numeric_error (self, num, m);
}

/* What gchat does with each numeric it knows; the rest get the generic treatment. */
static const GchatNumericFunc numerics[NUMERIC_MAX] = {
  [RPL_WELCOME] = numeric_welcome,
  [RPL_ISUPPORT] = numeric_silent,
  [RPL_TOPICWHOTIME] = numeric_silent,
  [RPL_CREATIONTIME] = numeric_silent,
  [RPL_ENDOFMONLIST] = numeric_silent,
  [RPL_MONLIST] = numeric_silent,
  [RPL_LISTEND] = numeric_silent,
  [RPL_ENDOFWHOIS] = numeric_silent,
  [RPL_SASLSUCCESS] = numeric_silent,
  [RPL_NAMREPLY] = numeric_names,
  [RPL_ENDOFNAMES] = numeric_names_end,
  [RPL_WHOSPCRPL] = numeric_whox_reply,
  [RPL_ENDOFWHO] = numeric_whox_end,
  [RPL_CHANNELMODEIS] = numeric_group,
  [RPL_BANLIST] = numeric_group,
  [RPL_ENDOFBANLIST] = numeric_group,
  [RPL_TOPIC] = numeric_topic,
  [RPL_NOTOPIC] = numeric_no_topic,
  [RPL_AWAY] = numeric_away,
  [RPL_LISTSTART] = numeric_list_start,
  [RPL_LIST] = numeric_list,
  [RPL_WHOISUSER] = numeric_whois_user,
  [RPL_WHOISACCOUNT] = numeric_whois_account,
  /* The rest of a WHOIS answer goes where it was asked. */
  [RPL_WHOISSERVER] = numeric_note,
  [RPL_WHOISOPERATOR] = numeric_note,
  [RPL_WHOISIDLE] = numeric_note,
  [RPL_WHOISCHANNELS] = numeric_note,
  [RPL_WHOISREGNICK] = numeric_note,
  [RPL_WHOISHOST] = numeric_note,
  [RPL_WHOISACTUALLY] = numeric_note,
  [RPL_ENDOFMOTD] = numeric_motd_end,
  /* The counts are repeated in the text. */
  [RPL_LOCALUSERS] = numeric_log,
  [RPL_GLOBALUSERS] = numeric_log,
  [ERR_NOMOTD] = numeric_no_motd,
  [RPL_UNAWAY] = numeric_own_away,
  [RPL_NOWAWAY] = numeric_own_away,
  [RPL_INVITING] = numeric_inviting,
  [RPL_ISON] = numeric_ison,
  [RPL_MONONLINE] = numeric_monitor,
  [RPL_MONOFFLINE] = numeric_monitor,
  [RPL_LOGGEDIN] = numeric_logged_in,
  [RPL_LOGGEDOUT] = numeric_logged_out,
  [RPL_KEYVALUE] = gchat_session_profile_numeric,
  [RPL_KEYNOTSET] = gchat_session_profile_numeric,
  [RPL_METADATASUBOK] = gchat_session_profile_numeric,
  [RPL_METADATAUNSUBOK] = gchat_session_profile_numeric,
  [RPL_METADATASUBS] = gchat_session_profile_numeric,
  [RPL_METADATASYNCLATER] = gchat_session_profile_numeric,
  [ERR_UNKNOWNCOMMAND] = numeric_unknown,
  [ERR_NICKNAMEINUSE] = numeric_nick_error,
  [ERR_ERRONEUSNICKNAME] = numeric_nick_error,
  /* Login errors are numbered above 900, but are errors all the same. */
  [ERR_NICKLOCKED] = numeric_error,
  [ERR_SASLFAIL] = numeric_error,
  [ERR_SASLTOOLONG] = numeric_error,
  [ERR_SASLABORTED] = numeric_error,
  [ERR_SASLALREADY] = numeric_error,
};

/* Numerics: the table's handler, else errors in words and the rest as text. */
void
gchat_session_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  if (num >= 0 && num < NUMERIC_MAX && numerics[num] != NULL && numerics[num](self, num, m))
    return;
  if (num >= 400 && num < 600)
    numeric_error (self, num, m);
  else
    numeric_server_text (self, num, m);
}
