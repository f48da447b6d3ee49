/*
 * gchat-session-numerics.c: numeric replies, from the same constants the
 * server uses (numeric.h): a sorted table of handlers for the ones gchat
 * acts on, and a table of wordings for the errors people meet.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* An error numeric, put in words; specific wording for the common ones. */
static void
gchat_session_numeric_error (GchatSession *self, int num, const struct chat_msg *m)
{
  g_autofree char   *text = NULL;
  const char        *what = m->argc > 2 ? m->argv[1] : "";
  GchatConversation *conv = m->argc > 2 ? gchat_session_find (self, m->argv[1]) : NULL;

  switch (num) {
    case ERR_CHANOPRIVSNEEDED:
      text = g_strdup_printf ("You need to be an admin of %s to do that", what);
      break;
    case ERR_INVITEONLYCHAN:
      text = g_strdup_printf ("%s is private: you need an invitation to join", what);
      break;
    case ERR_BADCHANNELKEY:
      text = g_strdup_printf ("%s needs a key (password) to join", what);
      break;
    case ERR_BANNEDFROMCHAN:
      text = g_strdup_printf ("You are banned from %s", what);
      break;
    case ERR_CHANNELISFULL:
      text = g_strdup_printf ("%s is full", what);
      break;
    case ERR_NICKNAMEINUSE:
      text = g_strdup_printf ("The nick %s is already taken", what);
      break;
    case ERR_ERRONEUSNICKNAME:
      text = g_strdup_printf ("%s is not a valid nick", what);
      break;
    case ERR_NOSUCHNICK:
      text = g_strdup_printf ("%s is not online (no such nick or group)", what);
      break;
    case ERR_CANNOTSENDTOCHAN:
      text = g_strdup_printf ("Your message to %s was not delivered: %s", what, gchat_session_last_arg (m));
      break;
    case ERR_NOTONCHANNEL:
      text = g_strdup_printf ("You are not in %s", what);
      break;
    case ERR_INVALIDKEY:
      text = g_strdup_printf (
        "That key cannot be used for %s: no spaces, commas or colons, at most 32 characters", what);
      break;
    case ERR_INVALIDMODEPARAM:
      text = g_strdup_printf ("%s refused the setting: %s", what, gchat_session_last_arg (m));
      break;
    case ERR_SASLFAIL:
      text = g_strdup ("Login failed: wrong account name or password");
      break;
    case ERR_NICKLOCKED:
      text = g_strdup_printf ("Login refused: %s", gchat_session_last_arg (m));
      break;
    case ERR_PASSWDMISMATCH:
      text = g_strdup ("The server refused the password");
      break;
    case ERR_NOPRIVILEGES:
      text = g_strdup ("The server refused: only server operators may do that");
      break;
    case ERR_YOUREBANNEDCREEP:
      text = g_strdup_printf ("You are banned from this server: %s", gchat_session_last_arg (m));
      break;
    case ERR_UNKNOWNCOMMAND:
      if (g_ascii_strcasecmp (what, "LOGIN") == 0 || g_ascii_strcasecmp (what, "REGISTER") == 0)
        text = g_strdup ("This server has no accounts: you are chatting without one");
      else
        text = g_strdup_printf ("The server does not know the command %s", what);
      break;
    default: {
      g_autofree char *raw = gchat_session_numeric_text (m);

      text = g_strdup_printf ("Server error %03d: %s", num, raw);
      break;
    }
  }
  gchat_session_error (self, conv, text);
}

/* Numerics: the same constants the server uses, from numeric.h. */
void
gchat_session_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  switch (num) {
    case RPL_WELCOME:
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, gchat_session_last_arg (m));
      gchat_session_welcome (self);
      return;
    case RPL_ISUPPORT:
    case RPL_TOPICWHOTIME:
    case RPL_CREATIONTIME:
    case RPL_ENDOFMONLIST:
    case RPL_MONLIST:
      return;
    case RPL_NAMREPLY:
      gchat_session_names (self, m);
      return;
    case RPL_WHOSPCRPL:
      if (gchat_session_whox_reply (self, m))
        return;
      break;
    case RPL_ENDOFWHO:
      if (gchat_session_whox_end (self, m))
        return;
      break;
    case RPL_CHANNELMODEIS:
    case RPL_BANLIST:
    case RPL_ENDOFBANLIST:
      /* Asked for by the group settings dialog, which shows them. */
      gchat_session_group_numeric (self, num, m);
      return;
    case RPL_ENDOFNAMES:
      gchat_session_names_end (self, m);
      return;
    case RPL_TOPIC:
      if (m->argc > 2 && (conv = gchat_session_find (self, m->argv[1])) != NULL) {
        gchat_conversation_set_topic (conv, m->argv[2]);
        text = g_strdup_printf ("Topic: %s", m->argv[2]);
        gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
      }
      return;
    case RPL_NOTOPIC:
      if (m->argc > 1 && (conv = gchat_session_find (self, m->argv[1])) != NULL)
        gchat_conversation_set_topic (conv, NULL);
      return;
    case RPL_AWAY:
      if (m->argc > 2) {
        GchatContact *contact = gchat_session_find_contact (self, m->argv[1]);

        conv = gchat_session_find (self, m->argv[1]);
        if (contact != NULL) {
          gchat_contact_set_presence (contact, GCHAT_PRESENCE_AWAY);
          if (g_strcmp0 (gchat_contact_get_away_message (contact), m->argv[2]) == 0)
            return;
          gchat_contact_set_away_message (contact, m->argv[2]);
        }
        text = g_strdup_printf ("%s is away: %s", m->argv[1], m->argv[2]);
        gchat_conversation_add_text (conv != NULL ? conv : gchat_session_note_target (self),
                                     GCHAT_MESSAGE_EVENT,
                                     text);
      }
      return;
    case RPL_LISTSTART:
      g_list_store_remove_all (self->group_list);
      return;
    case RPL_LIST:
      /* nick #name users :topic */
      if (m->argc > 3) {
        g_autoptr (GchatGroupInfo) info =
          gchat_group_info_new (m->argv[1],
                                (guint)g_ascii_strtoull (m->argv[2], NULL, 10),
                                m->argv[3]);

        g_list_store_append (self->group_list, info);
      }
      return;
    case RPL_LISTEND:
      return;
    case RPL_WHOISUSER:
      /* nick user host * :realname */
      if (m->argc > 5) {
        text = g_strdup_printf ("%s is %s (%s@%s)", m->argv[1], m->argv[5], m->argv[2], m->argv[3]);
        gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      }
      return;
    case RPL_WHOISACCOUNT:
      if (m->argc > 3) {
        gchat_session_member_account (self, m->argv[1], m->argv[2]);
        text = g_strdup_printf ("%s is logged in as %s", m->argv[1], m->argv[2]);
        gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      }
      return;
    case RPL_WHOISSERVER:
    case RPL_WHOISOPERATOR:
    case RPL_WHOISIDLE:
    case RPL_WHOISCHANNELS:
    case RPL_WHOISREGNICK:
    case RPL_WHOISHOST:
    case RPL_WHOISACTUALLY:
      /* The rest of a WHOIS answer goes where it was asked. */
      text = gchat_session_numeric_text (m);
      gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      return;
    case RPL_ENDOFWHOIS:
      return;
    case RPL_ENDOFMOTD:
      gchat_session_restore_queries (self);
      break;
    case RPL_LOCALUSERS:
    case RPL_GLOBALUSERS:
    case ERR_NOMOTD:
      if (num == ERR_NOMOTD)
        gchat_session_restore_queries (self);
      /* The counts are repeated in the text; a missing MOTD is no error. */
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, gchat_session_last_arg (m));
      return;
    case RPL_UNAWAY:
    case RPL_NOWAWAY:
      if (gchat_session_set_away_flag (self, num == RPL_NOWAWAY))
        gchat_session_update_status (self);
      G_GNUC_FALLTHROUGH;
    case RPL_INVITING:
      if (num == RPL_INVITING && m->argc > 2)
        text = g_strdup_printf ("Invited %s to %s", m->argv[1], m->argv[2]);
      else
        text = gchat_session_numeric_text (m);
      gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
      return;
    case RPL_ISON:
      gchat_session_ison (self, m);
      return;
    case RPL_MONONLINE:
      gchat_session_presence_list (self, gchat_session_last_arg (m), ',', GCHAT_PRESENCE_ONLINE);
      return;
    case RPL_MONOFFLINE:
      gchat_session_presence_list (self, gchat_session_last_arg (m), ',', GCHAT_PRESENCE_OFFLINE);
      return;
    case RPL_LOGGEDIN:
      text = g_strdup_printf ("You are logged in as %s", m->argc > 2 ? m->argv[2] : "?");
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
      gchat_session_update_status (self);
      /* Logged in after the welcome (LOGIN, REGISTER): SASL's comes before. */
      if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
        gchat_session_restore_queries (self);
      return;
    case RPL_LOGGEDOUT:
      gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, "You are logged out");
      gchat_session_update_status (self);
      return;
    case RPL_SASLSUCCESS:
      return;
    case ERR_UNKNOWNCOMMAND:
      if (m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "ISON") == 0) {
        /* Presence then comes from shared groups only. */
        self->ison_unsupported = TRUE;
        return;
      }
      if (m->argc > 1 && g_ascii_strcasecmp (m->argv[1], "CAP") == 0)
        return; /* a server without capability negotiation */
      break;
    case ERR_NICKNAMEINUSE:
    case ERR_ERRONEUSNICKNAME:
      if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED) {
        text = gchat_session_numeric_text (m);
        gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
        return;
      }
      break;
    case ERR_NICKLOCKED:
    case ERR_SASLFAIL:
    case ERR_SASLTOOLONG:
    case ERR_SASLABORTED:
    case ERR_SASLALREADY:
      /* Login errors are numbered above 900, but are errors all the same. */
      gchat_session_numeric_error (self, num, m);
      return;
    default:
      break;
  }
  if (num >= 400 && num < 600) {
    gchat_session_numeric_error (self, num, m);
    return;
  }
  text = gchat_session_numeric_text (m);
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
}
