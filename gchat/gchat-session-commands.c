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
 * fit once the server adds its prefix (a text of several lines as
 * draft/multiline batches: gchat-session-multiline.c), and show it as our
 * own message.
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
  if (!action)
    return gchat_session_send_text (self, conv, text, error);
  target = gchat_conversation_get_name (conv);
  room = CHAT_LINE_MAX - 2 - strlen ("PRIVMSG  :") - strlen (target) - RELAY_PREFIX_RESERVE -
    strlen ("\001ACTION \001");
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
    wire = g_strdup_printf ("\001ACTION %s\001", chunk);
    msg =
      gchat_message_new (GCHAT_MESSAGE_ACTION, gchat_connection_get_nick (self->conn), chunk, TRUE);
    if (!gchat_session_send_labeled (self, msg, target, wire))
      return gchat_session_fail (self, error, "Could not send: the send queue is full");
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

/* Each command's handler; the table in gchat-command.c checked its arguments. */
typedef gboolean (*GchatCommandFunc) (GchatSession *self, GchatCommand *cmd, GError **error);

/* The usage error for @cmd. */
static gboolean
command_usage (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_session_fail (self, error, "Usage: %s", gchat_command_usage (cmd->id));
}

/* Plain text, and /me. */
static gboolean
command_say (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_session_say (self, self->active, cmd->argv[0], cmd->id == GCHAT_COMMAND_ME, error);
}

/* /help: the command list, in the conversation on screen. */
static gboolean
command_help (GchatSession *self, GchatCommand *cmd, GError **error)
{
  g_autofree char *help = gchat_command_help ();
  g_auto (GStrv) lines = g_strsplit (help, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, lines[i]);
  return TRUE;
}

/* /close: leave and forget the conversation on screen. */
static gboolean
command_close (GchatSession *self, GchatCommand *cmd, GError **error)
{
  if (self->active == NULL || self->active == self->server)
    return gchat_session_fail (self, error, "The server log cannot be closed");
  gchat_session_close_conversation (self, self->active);
  return TRUE;
}

/* /query nick [text]. */
static gboolean
command_query (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;

  if (!chat_nick_valid (cmd->argv[0], CHAT_NICK_MAX))
    return gchat_session_fail (self, error, "“%s” is not a valid nick", cmd->argv[0]);
  conv = gchat_session_open_query (self, cmd->argv[0], TRUE);
  return cmd->argv[1] == NULL || gchat_session_say (self, conv, cmd->argv[1], FALSE, error);
}

/* /sendfile [target] path; without a target, to the conversation on screen. */
static gboolean
command_sendfile (GchatSession *self, GchatCommand *cmd, GError **error)
{
  g_autoptr (GFile) file = NULL;
  const char *target = cmd->argv[0];
  const char *path = cmd->argv[1];

  if (path == NULL) {
    if (self->active == NULL || self->active == self->server)
      return command_usage (self, cmd, error);
    target = gchat_conversation_get_name (self->active);
    path = cmd->argv[0];
  }
  if (path == NULL)
    return command_usage (self, cmd, error);
  file = g_file_new_for_commandline_arg (path);
  return gchat_session_send_file (self, target, file, error);
}

/* /join [#group] [key]; without a group, back into the one on screen. */
static gboolean
command_join (GchatSession *self, GchatCommand *cmd, GError **error)
{
  if (cmd->argv[0] != NULL)
    return gchat_session_join (self, cmd->argv[0], cmd->argv[1], FALSE, error);
  if (self->active != NULL &&
      gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL)
    return gchat_session_join (self,
                               gchat_conversation_get_name (self->active),
                               gchat_conversation_get_key (self->active),
                               FALSE,
                               error);
  return command_usage (self, cmd, error);
}

/* /part [#group] [reason]. */
static gboolean
command_part (GchatSession *self, GchatCommand *cmd, GError **error)
{
  const char        *a0 = cmd->argv[0];
  const char        *a1 = cmd->argv[1];
  g_autofree char   *reason = NULL;
  const char        *chan;
  GchatConversation *conv;

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

/* /msg target text: shown where it went, when we have that conversation. */
static gboolean
command_msg (GchatSession *self, GchatCommand *cmd, GError **error)
{
  const char        *a0 = cmd->argv[0];
  const char        *a1 = cmd->argv[1];
  GchatConversation *conv;

  if (chat_is_channel (a0)) {
    conv = gchat_session_find (self, a0);
    if (conv != NULL)
      return gchat_session_say (self, conv, a1, FALSE, error);
    return gchat_connection_sendv (self->conn, "PRIVMSG", a0, a1, NULL);
  }
  if (!chat_nick_valid (a0, CHAT_NICK_MAX))
    return gchat_session_fail (self, error, "“%s” is not a valid nick", a0);
  return gchat_session_say (self, gchat_session_open_query (self, a0, FALSE), a1, FALSE, error);
}

/* /topic [new topic]: without one, show it. */
static gboolean
command_topic (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;

  if ((conv = gchat_session_need_channel (self, "topic", error)) == NULL)
    return FALSE;
  if (cmd->argv[0] == NULL) {
    const char      *topic = gchat_conversation_get_topic (conv);
    g_autofree char *text = g_strdup_printf ("Topic: %s", topic ? topic : "(none)");

    gchat_conversation_add_text (conv, GCHAT_MESSAGE_INFO, text);
    return TRUE;
  }
  gchat_session_set_topic (self, conv, cmd->argv[0]);
  return TRUE;
}

/* /kick nick [reason]. */
static gboolean
command_kick (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;

  if ((conv = gchat_session_need_channel (self, "kick", error)) == NULL)
    return FALSE;
  return gchat_connection_sendv (self->conn,
                                 "KICK",
                                 gchat_conversation_get_name (conv),
                                 cmd->argv[0],
                                 cmd->argv[1],
                                 NULL);
}

/* /ban nick. */
static gboolean
command_ban (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;

  if ((conv = gchat_session_need_channel (self, "ban", error)) == NULL)
    return FALSE;
  gchat_session_ban (self, conv, cmd->argv[0]);
  return TRUE;
}

/* /invite nick [#group]. */
static gboolean
command_invite (GchatSession *self, GchatCommand *cmd, GError **error)
{
  GchatConversation *conv;

  if (cmd->argv[1] != NULL)
    return gchat_connection_sendv (self->conn, "INVITE", cmd->argv[0], cmd->argv[1], NULL);
  if ((conv = gchat_session_need_channel (self, "invite", error)) == NULL)
    return FALSE;
  gchat_session_invite (self, conv, cmd->argv[0]);
  return TRUE;
}

/* /nick newnick. */
static gboolean
command_nick (GchatSession *self, GchatCommand *cmd, GError **error)
{
  if (!chat_nick_valid (cmd->argv[0], CHAT_NICK_MAX))
    return gchat_session_fail (self, error, "“%s” is not a valid nick", cmd->argv[0]);
  return gchat_connection_sendv (self->conn, "NICK", cmd->argv[0], NULL);
}

/* /away [message]. */
static gboolean
command_away (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_connection_sendv (self->conn, "AWAY", cmd->argv[0], NULL);
}

/* /ttt [nick] [cell]: challenge (in a group, for its members to watch) or play. */
static gboolean
command_ttt (GchatSession *self, GchatCommand *cmd, GError **error)
{
  const char *nick = cmd->argv[0];
  gboolean    in_group = self->active != NULL &&
    gchat_conversation_get_kind (self->active) == GCHAT_CONVERSATION_CHANNEL;

  if (nick == NULL) {
    if (self->active == NULL ||
        gchat_conversation_get_kind (self->active) != GCHAT_CONVERSATION_QUERY)
      return command_usage (self, cmd, error);
    nick = gchat_conversation_get_name (self->active);
  }
  if (cmd->argv[1] != NULL)
    return gchat_session_ttt_play (self, nick, cmd->argv[1], error);
  return gchat_session_ttt_challenge (self,
                                      nick,
                                      in_group ? gchat_conversation_get_name (self->active) : NULL,
                                      error);
}

/* /quote raw line. */
static gboolean
command_quote (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_session_quote (self, cmd->argv[0], error);
}

/* /password old new. */
static gboolean
command_password (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_session_change_password (self, cmd->argv[0], cmd->argv[1], error);
}

/* /logout. */
static gboolean
command_logout (GchatSession *self, GchatCommand *cmd, GError **error)
{
  return gchat_session_logout (self, error);
}

/*
 * /profile: what others see of us (draft/metadata-2); /profile KEY VALUE
 * sets one key, /profile KEY removes it.
 */
static gboolean
command_profile (GchatSession *self, GchatCommand *cmd, GError **error)
{
  static const char *const keys[] = { "display-name", "avatar", "status", "color" };
  GchatProfile            *own;

  if (cmd->argc > 0) {
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      if (g_ascii_strcasecmp (cmd->argv[0], keys[i]) == 0)
        return gchat_session_set_profile_key (self, keys[i], cmd->argv[1], error);
    return command_usage (self, cmd, error);
  }
  own = gchat_session_get_profile (self, gchat_connection_get_nick (self->conn));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    g_autofree char *value = NULL;
    g_autofree char *line = NULL;

    g_object_get (own, keys[i], &value, NULL);
    line = g_strdup_printf ("%s: %s", keys[i], value != NULL ? value : "(not set)");
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, line);
  }
  return TRUE;
}

/* The handler of each command of gchat-command.c's table, by id. */
static const GchatCommandFunc command_handlers[] = {
  [GCHAT_COMMAND_SAY] = command_say,       [GCHAT_COMMAND_ME] = command_say,
  [GCHAT_COMMAND_HELP] = command_help,     [GCHAT_COMMAND_CLOSE] = command_close,
  [GCHAT_COMMAND_QUERY] = command_query,   [GCHAT_COMMAND_SENDFILE] = command_sendfile,
  [GCHAT_COMMAND_JOIN] = command_join,     [GCHAT_COMMAND_PART] = command_part,
  [GCHAT_COMMAND_MSG] = command_msg,       [GCHAT_COMMAND_TOPIC] = command_topic,
  [GCHAT_COMMAND_KICK] = command_kick,     [GCHAT_COMMAND_BAN] = command_ban,
  [GCHAT_COMMAND_INVITE] = command_invite, [GCHAT_COMMAND_NICK] = command_nick,
  [GCHAT_COMMAND_AWAY] = command_away,     [GCHAT_COMMAND_TTT] = command_ttt,
  [GCHAT_COMMAND_QUOTE] = command_quote,   [GCHAT_COMMAND_PASSWORD] = command_password,
  [GCHAT_COMMAND_LOGOUT] = command_logout, [GCHAT_COMMAND_PROFILE] = command_profile,
};

/*
 * Run a parsed command: the table in gchat-command.c says whether it needs
 * a connection, so that is checked once here and not in every handler.
 */
static gboolean
gchat_session_command (GchatSession *self, GchatCommand *cmd, GError **error)
{
  g_assert ((gsize)cmd->id < G_N_ELEMENTS (command_handlers) && command_handlers[cmd->id] != NULL);
  if (cmd->online && !gchat_session_check_online (self, error))
    return FALSE;
  return command_handlers[cmd->id](self, cmd, error);
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
