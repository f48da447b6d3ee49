/*
 * gchat-session-commands.c: what the user types. Slash commands are parsed
 * by the command table in gchat-command.c and run here; the other calls are
 * what the window's buttons and dialogs do.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* Room left for ":nick!user@host " that the server puts before relayed text. */
#define RELAY_PREFIX_RESERVE 120

/**
 * gchat_session_say:
 * Send @text to @conv as PRIVMSG (or a CTCP ACTION), split into lines that
 * fit once the server adds its prefix, and show it as our own message.
 */
gboolean
gchat_session_say (GchatSession      *self,
                   GchatConversation *conv,
                   const char        *text,
                   gboolean           action,
                   GError           **error)
{
  const char *target;
  gsize       room;
  gsize       len;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  if (conv == NULL || conv == self->server)
    return gchat_session_fail (
      self,
      error,
      "This is the server log: open a group (/join #name) or a person (/query nick) first");
  if (!gchat_conversation_get_joined (conv))
    return gchat_session_fail (self,
                               error,
                               "You are not in %s (type /join to go back)",
                               gchat_conversation_get_name (conv));
  if (*text == '\0')
    return FALSE;
  target = gchat_conversation_get_name (conv);
  room = CHAT_LINE_MAX - 2 - strlen ("PRIVMSG  :") - strlen (target) - RELAY_PREFIX_RESERVE -
    (action ? strlen ("\001ACTION \001") : 0);
  len = strlen (text);
  while (len > 0) {
    gsize            cut = chat_utf8_cut (text, len, room);
    g_autofree char *chunk = NULL;
    g_autofree char *wire = NULL;
    g_autoptr (GchatMessage) msg = NULL;

    if (cut == 0)
      break;
    chunk = g_strndup (text, cut);
    g_strdelimit (chunk, "\r\n", ' ');
    wire = action ? g_strdup_printf ("\001ACTION %s\001", chunk) : g_strdup (chunk);
    if (!gchat_connection_sendv (self->conn, "PRIVMSG", target, wire, NULL))
      return gchat_session_fail (self, error, "Could not send: the send queue is full");
    msg = gchat_message_new (action ? GCHAT_MESSAGE_ACTION : GCHAT_MESSAGE_TEXT,
                             gchat_connection_get_nick (self->conn),
                             chunk,
                             TRUE);
    gchat_conversation_add (conv, msg);
    text += cut;
    len -= cut;
  }
  return TRUE;
}

/**
 * gchat_session_join:
 * Join (or create) group @name. A new group we create gets +i when
 * @invite_only and +k when @key is set, once the server made us operator.
 */
gboolean
gchat_session_join (GchatSession *self,
                    const char   *name,
                    const char   *key,
                    gboolean      invite_only,
                    GError      **error)
{
  g_autofree char *chan = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_session_check_online (self, error))
    return FALSE;
  chan = chat_is_channel (name) ? g_strdup (name) : g_strconcat ("#", name, NULL);
  if (!chat_chan_valid (chan, CHAT_CHAN_MAX))
    return gchat_session_fail (
      self,
      error,
      "“%s” is not a valid group name (no spaces or commas, at most %d bytes)",
      chan,
      CHAT_CHAN_MAX);
  folded = g_ascii_strdown (chan, -1);
  if (key != NULL && *key == '\0')
    key = NULL;
  if (key != NULL)
    g_hash_table_insert (self->pending_keys, g_strdup (folded), g_strdup (key));
  if (invite_only)
    g_hash_table_add (self->pending_private, g_strdup (folded));
  g_hash_table_add (self->focus_on_join, g_strdup (folded));
  return gchat_connection_sendv (self->conn, "JOIN", chan, key, NULL);
}

/** gchat_session_set_topic: ask the server to change @conv's topic. */
void
gchat_session_set_topic (GchatSession *self, GchatConversation *conv, const char *topic)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "TOPIC", gchat_conversation_get_name (conv), topic, NULL);
}

/** gchat_session_list_groups: ask the server for its groups (LIST) to fill the group list. */
void
gchat_session_list_groups (GchatSession *self)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (gchat_connection_get_state (self->conn) == GCHAT_CONNECTION_CONNECTED)
    gchat_connection_sendv (self->conn, "LIST", NULL);
}

/** gchat_session_get_group_list: the groups of the last LIST (GchatGroupInfo). */
GListModel *
gchat_session_get_group_list (GchatSession *self)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->group_list);
}

/** gchat_session_whois: ask the server who @nick is; the answer is shown where we are. */
void
gchat_session_whois (GchatSession *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "WHOIS", nick, NULL);
}

/* The channel a command acts on: the active one, or an error. */
static GchatConversation *
gchat_session_need_channel (GchatSession *self, const char *command, GError **error)
{
  if (self->active != NULL &&
      gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL)
    return self->active;
  gchat_session_fail (self, error, "/%s works in a group: open one first", command);
  return NULL;
}

/* /quote: the raw line is parsed and formatted again, so it stays one valid line. */
static gboolean
gchat_session_quote (GchatSession *self, const char *raw, GError **error)
{
  struct chat_msg  m;
  g_autofree char *copy = g_strdup (raw);
  int              err;

  g_strdelimit (copy, "\r\n", ' ');
  err = chat_msg_parse (&m, copy, strlen (copy));
  if (err != CHAT_PARSE_OK)
    return gchat_session_fail (self, error, "Cannot send that line: %s", chat_parse_strerror (err));
  if (!gchat_connection_send (self->conn, m.command, m.argc, (const char *const *)m.argv))
    return gchat_session_fail (self, error, "Cannot send that line");
  return TRUE;
}

/**
 * gchat_session_change_password:
 * Ask the server to change the account's password. Later reconnects use
 * @new_password; a FAIL PASSWORD puts @old_password back.
 */
gboolean
gchat_session_change_password (GchatSession *self,
                               const char   *old_password,
                               const char   *new_password,
                               GError      **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "Log in to an account first to change its password");
  if (old_password == NULL || new_password == NULL || *new_password == '\0')
    return gchat_session_fail (self, error, "Type the old and the new password");
  if (!gchat_connection_sendv (self->conn, "PASSWORD", old_password, new_password, NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  g_free (self->old_password);
  self->old_password = g_strdup (old_password);
  gchat_connection_set_password (self->conn, new_password);
  return TRUE;
}

/**
 * gchat_session_unregister:
 * Ask the server to delete the account; its answer (UNREGISTER SUCCESS or
 * FAIL UNREGISTER) arrives later.
 */
gboolean
gchat_session_unregister (GchatSession *self, const char *password, GError **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "Log in to the account first to delete it");
  if (password == NULL || *password == '\0')
    return gchat_session_fail (self, error, "Type the password");
  if (!gchat_connection_sendv (self->conn, "UNREGISTER", password, NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  return TRUE;
}

/**
 * gchat_session_logout:
 * Log out of the account and stay connected; reconnects are anonymous.
 */
gboolean
gchat_session_logout (GchatSession *self, GError **error)
{
  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_connection_get_logged_in (self->conn))
    return gchat_session_fail (self, error, "You are not logged in");
  if (!gchat_connection_sendv (self->conn, "LOGOUT", NULL))
    return gchat_session_fail (self, error, "Could not send: the send queue is full");
  gchat_connection_set_account (self->conn, NULL, NULL, FALSE);
  return TRUE;
}

/* Run a parsed command (everything but plain text). */
static gboolean
gchat_session_command (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;
  const char        *a0 = cmd->argv[0];
  const char        *a1 = cmd->argv[1];

  switch (cmd->id) {
    case GCHAT_COMMAND_SAY:
      return gchat_session_say (self, self->active, a0, FALSE, error);
    case GCHAT_COMMAND_ME:
      return gchat_session_say (self, self->active, a0, TRUE, error);
    case GCHAT_COMMAND_HELP: {
      g_autofree char *help = gchat_command_help ();
      g_auto (GStrv) lines = g_strsplit (help, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        gchat_conversation_add_text (gchat_session_note_target (self),
                                     GCHAT_MESSAGE_INFO,
                                     lines[i]);
      return TRUE;
    }
    case GCHAT_COMMAND_CLOSE:
      if (self->active == NULL || self->active == self->server)
        return gchat_session_fail (self, error, "The server log cannot be closed");
      gchat_session_close_conversation (self, self->active);
      return TRUE;
    case GCHAT_COMMAND_QUERY:
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      conv = gchat_session_open_query (self, a0, TRUE);
      return a1 == NULL || gchat_session_say (self, conv, a1, FALSE, error);
    case GCHAT_COMMAND_SENDFILE: {
      g_autoptr (GFile) file = NULL;
      const char *target = a0;
      const char *path = a1;

      if (a1 == NULL) {
        /* "/sendfile path" in a conversation sends it there. */
        if (self->active == NULL || self->active == self->server)
          return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
        target = gchat_conversation_get_name (self->active);
        path = a0;
      }
      if (path == NULL)
        return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
      file = g_file_new_for_commandline_arg (path);
      return gchat_session_send_file (self, target, file, error);
    }
    default:
      break;
  }
  if (!gchat_session_check_online (self, error))
    return FALSE;
  switch (cmd->id) {
    case GCHAT_COMMAND_JOIN:
      if (a0 != NULL)
        return gchat_session_join (self, a0, a1, FALSE, error);
      if (self->active != NULL &&
          gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL)
        return gchat_session_join (self,
                                   gchat_conversation_get_name (self->active),
                                   gchat_conversation_get_key (self->active),
                                   FALSE,
                                   error);
      return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
    case GCHAT_COMMAND_PART: {
      g_autofree char *reason = NULL;
      const char      *chan;

      if (a0 != NULL && chat_is_channel (a0)) {
        chan = a0;
        reason = g_strdup (a1);
      } else {
        if ((conv = gchat_session_need_channel (self, "part", error)) == NULL)
          return FALSE;
        chan = gchat_conversation_get_name (conv);
        reason = a0 == NULL ? NULL : a1 == NULL ? g_strdup (a0) : g_strjoin (" ", a0, a1, NULL);
      }
      return gchat_connection_sendv (self->conn, "PART", chan, reason, NULL);
    }
    case GCHAT_COMMAND_MSG:
      if (chat_is_channel (a0)) {
        conv = gchat_session_find (self, a0);
        if (conv != NULL)
          return gchat_session_say (self, conv, a1, FALSE, error);
        return gchat_connection_sendv (self->conn, "PRIVMSG", a0, a1, NULL);
      }
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      return gchat_session_say (self, gchat_session_open_query (self, a0, FALSE), a1, FALSE, error);
    case GCHAT_COMMAND_TOPIC:
      if ((conv = gchat_session_need_channel (self, "topic", error)) == NULL)
        return FALSE;
      if (a0 == NULL) {
        g_autofree char *text =
          g_strdup_printf ("Topic: %s",
                           gchat_conversation_get_topic (conv) ? gchat_conversation_get_topic (conv)
                                                               : "(none)");

        gchat_conversation_add_text (conv, GCHAT_MESSAGE_INFO, text);
        return TRUE;
      }
      gchat_session_set_topic (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_KICK:
      if ((conv = gchat_session_need_channel (self, "kick", error)) == NULL)
        return FALSE;
      return gchat_connection_sendv (self->conn,
                                     "KICK",
                                     gchat_conversation_get_name (conv),
                                     a0,
                                     a1,
                                     NULL);
    case GCHAT_COMMAND_BAN:
      if ((conv = gchat_session_need_channel (self, "ban", error)) == NULL)
        return FALSE;
      gchat_session_ban (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_INVITE:
      if (a1 != NULL)
        return gchat_connection_sendv (self->conn, "INVITE", a0, a1, NULL);
      if ((conv = gchat_session_need_channel (self, "invite", error)) == NULL)
        return FALSE;
      gchat_session_invite (self, conv, a0);
      return TRUE;
    case GCHAT_COMMAND_NICK:
      if (!chat_nick_valid (a0, CHAT_NICK_MAX))
        return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
      return gchat_connection_sendv (self->conn, "NICK", a0, NULL);
    case GCHAT_COMMAND_AWAY:
      return gchat_connection_sendv (self->conn, "AWAY", a0, NULL);
    case GCHAT_COMMAND_TTT:
      if (a0 == NULL) {
        if (self->active == NULL ||
            gchat_conversation_get_kind (self->active) != GCHAT_CONVERSATION_QUERY)
          return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
        a0 = gchat_conversation_get_name (self->active);
      }
      if (a1 != NULL)
        return gchat_session_ttt_play (self, a0, a1, error);
      /* From a group, the game is played there for its members to watch. */
      return gchat_session_ttt_challenge (self,
                                          a0,
                                          self->active != NULL &&
                                              gchat_conversation_get_kind (self->active) ==
                                                GCHAT_CONVERSATION_CHANNEL
                                            ? gchat_conversation_get_name (self->active)
                                            : NULL,
                                          error);
    case GCHAT_COMMAND_QUOTE:
      return gchat_session_quote (self, a0, error);
    case GCHAT_COMMAND_PASSWORD:
      return gchat_session_change_password (self, a0, a1, error);
    case GCHAT_COMMAND_LOGOUT:
      return gchat_session_logout (self, error);
    case GCHAT_COMMAND_SAY:
    case GCHAT_COMMAND_ME:
    case GCHAT_COMMAND_CLOSE:
    case GCHAT_COMMAND_QUERY:
    case GCHAT_COMMAND_SENDFILE:
    case GCHAT_COMMAND_HELP:
    default:
      g_assert_not_reached ();
  }
  return FALSE;
}

/**
 * gchat_session_run:
 * Do what the user typed in the entry: plain text goes to the active
 * conversation, slash commands are parsed by gchat_command_parse. Errors are
 * shown in the active conversation and returned.
 */
gboolean
gchat_session_run (GchatSession *self, const char *input, GError **error)
{
  GchatCommand cmd;
  g_autoptr (GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), FALSE);
  if (!gchat_command_parse (input, &cmd, &local)) {
    if (!g_error_matches (local, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_EMPTY))
      gchat_conversation_add_text (gchat_session_note_target (self),
                                   GCHAT_MESSAGE_ERROR,
                                   local->message);
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  ok = gchat_session_command (self, &cmd, error);
  gchat_command_clear (&cmd);
  return ok;
}
