/*
 * gchat-session-irc.c: the IRC state machine. Incoming lines arrive parsed
 * from GchatConnection and go through one dispatcher: numerics to
 * gchat-session-numerics.c, named commands through a sorted table whose
 * handlers live here (chat, membership, modes) or with their feature.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

typedef void (*GchatHandler) (GchatSession *self, const struct chat_msg *m, const char *nick);

/* The nick part of a message source ("nick!user@host" -> "nick"). */
static char *
source_nick (const struct chat_msg *m)
{
  if (m->source == NULL)
    return NULL;
  return g_strndup (m->source, strcspn (m->source, "!@"));
}

/* Whether the source is a server rather than a person. */
static gboolean
source_is_server (const struct chat_msg *m)
{
  return m->source == NULL || (strchr (m->source, '!') == NULL && strchr (m->source, '.') != NULL);
}

/* Whether @text mentions @nick as a word. */
static gboolean
mentions (const char *text, const char *nick)
{
  gsize n = strlen (nick);

  if (n == 0)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++) {
    if (g_ascii_strncasecmp (p, nick, n) != 0)
      continue;
    if ((p == text || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[n]))
      return TRUE;
  }
  return FALSE;
}

/* Use the server-time tag when the server sent one (history, replays, echoes). */
void
gchat_session_stamp (GchatMessage *msg, const struct chat_msg *m)
{
  const char *iso = chat_msg_tag (m, "time", NULL);
  g_autoptr (GDateTime) secs = NULL;
  g_autoptr (GDateTime) utc = NULL;
  int64_t ms;

  if (iso == NULL || chat_time_parse (iso, &ms) != 0)
    return;
  secs = g_date_time_new_from_unix_utc (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  if (secs == NULL)
    return;
  utc = g_date_time_add (secs, (ms - g_date_time_to_unix (secs) * 1000) * 1000);
  if (utc != NULL)
    gchat_message_set_time (msg, utc);
}

/*
 * Typing notifications (IRCv3 +typing): the conversation a notice from
 * @nick to @target is about: the group, or an open private conversation
 * (a notice alone never opens one). NULL when there is none.
 */
static GchatTyping *
gchat_session_typing_for (GchatSession *self, const char *target, const char *nick)
{
  GchatConversation *conv;

  if (nick == NULL || gchat_connection_is_me (self->conn, nick))
    return NULL;
  conv = gchat_session_find (self, chat_is_channel (target) ? target : nick);
  if (conv == NULL || gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_SERVER)
    return NULL;
  return gchat_conversation_get_typing (conv);
}

/* Apply the +typing tag of @m (if any) from @nick to @target. */
static void
gchat_session_typing_tag (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char  *value = chat_msg_tag (m, "+typing", NULL);
  GchatTyping *typing;

  if (value != NULL && m->argc > 0 &&
      (typing = gchat_session_typing_for (self, m->argv[0], nick)) != NULL)
    gchat_typing_update (typing, nick, value, g_get_monotonic_time ());
}

/* @nick left every conversation (quit), or is now called @to: typing follows. */
static void
gchat_session_typing_gone (GchatSession *self, const char *nick, const char *to)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (to != NULL)
      gchat_typing_rename (gchat_conversation_get_typing (c), nick, to);
    else
      gchat_typing_remove (gchat_conversation_get_typing (c), nick);
  }
}

/* TAGMSG: only tags; gchat knows +typing and ignores the rest. */
static void
handle_tagmsg (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_typing_tag (self, m, nick);
}

/*
 * PRIVMSG and NOTICE (and a whole multiline batch): route to the channel
 * or query, detect mentions. The echo of our own line only gives it its
 * msgid.
 */
void
gchat_session_chat (GchatSession *self, const struct chat_msg *m, const char *nick, gboolean notice)
{
  g_autoptr (GchatMessage) msg = NULL;
  g_autofree char   *ctcp = NULL;
  GchatConversation *conv;
  GchatMessageKind   kind = notice ? GCHAT_MESSAGE_NOTICE : GCHAT_MESSAGE_TEXT;
  const char        *batch = chat_msg_tag (m, "batch", NULL);
  gboolean    history = batch != NULL && g_hash_table_contains (self->history_batches, batch);
  const char *target;
  const char *peer;
  const char *text;
  gboolean    to_channel;

  GchatHistoryRequest *req = NULL;

  if (m->argc < 2)
    return;
  if (!history && gchat_session_own_echo (self, m, nick))
    return;
  if (history && (req = gchat_session_history_request (self, NULL, batch)) != NULL)
    req->received++; /* counted even if not shown: the server has this many */
  target = m->argv[0];
  text = m->argv[1];
  to_channel = chat_is_channel (target);
  /* A private line of ours (echoes stopped above: from history) belongs with its target. */
  peer = nick != NULL && gchat_connection_is_me (self->conn, nick) ? target : nick;
  if (text[0] == '\001') {
    gsize len = strcspn (text + 1, "\001");

    ctcp = g_strndup (text + 1, len);
    if (g_ascii_strncasecmp (ctcp, "ACTION ", 7) == 0) {
      kind = GCHAT_MESSAGE_ACTION;
      text = ctcp + 7;
    } else {
      if (!notice && g_ascii_strcasecmp (ctcp, "VERSION") == 0 && nick != NULL)
        gchat_connection_sendv (self->conn,
                                "NOTICE",
                                nick,
                                "\001VERSION gchat " VERSION "\001",
                                NULL);
      return;
    }
  }
  if (to_channel) {
    conv = gchat_session_find (self, target);
    if (conv == NULL)
      conv = self->server;
  } else if (history) {
    /* A private history batch names the other side, whoever spoke. */
    conv =
      gchat_session_open_query (self, g_hash_table_lookup (self->history_batches, batch), FALSE);
  } else if (source_is_server (m) || nick == NULL) {
    conv = self->server;
  } else if (notice) {
    conv = gchat_session_find (self, peer);
    if (conv == NULL)
      conv = gchat_session_note_target (self);
  } else {
    conv = gchat_session_open_query (self, peer, FALSE);
  }
  if (source_is_server (m) && kind == GCHAT_MESSAGE_NOTICE)
    kind = GCHAT_MESSAGE_INFO; /* server notices are notes, not chat */
  /* Our own lines (echoes stopped above: from history) show as ours. */
  msg =
    gchat_message_new (kind, nick, text, nick != NULL && gchat_connection_is_me (self->conn, nick));
  gchat_session_stamp (msg, m);
  gchat_message_set_history (msg, history);
  gchat_message_set_msgid (msg, chat_msg_tag (m, "msgid", NULL));
  if (req != NULL && req->older) {
    /* Earlier lines wait for the end of their batch, then go on top together. */
    g_ptr_array_add (req->lines, g_steal_pointer (&msg));
    return;
  }
  if (history) {
    /* Said before we came: no account or presence news, no notification. */
    if (!gchat_conversation_has_copy (conv, msg))
      gchat_conversation_add (conv, msg);
    return;
  }
  if (to_channel && nick != NULL && chat_msg_tag (m, "account", NULL) != NULL &&
      gchat_conversation_find_member (conv, nick) != NULL)
    gchat_member_set_account (gchat_conversation_find_member (conv, nick),
                              chat_msg_tag (m, "account", NULL));
  if (to_channel && mentions (text, gchat_connection_get_nick (self->conn)))
    gchat_message_set_highlight (msg, TRUE);
  gchat_conversation_add (conv, msg);
  /* Their message ends their typing (unless it says otherwise). */
  if (nick != NULL)
    gchat_typing_remove (gchat_conversation_get_typing (conv), nick);
  gchat_session_typing_tag (self, m, nick);
  if (nick != NULL && !source_is_server (m))
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
  if (gchat_message_get_highlight (msg) ||
      (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_QUERY && !notice))
    gchat_session_notify_message (self, conv, msg);
}

/* PRIVMSG from someone. */
static void
handle_privmsg (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_chat (self, m, nick, FALSE);
}

/* NOTICE: never answered automatically (RFC 1459). */
static void
handle_notice (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gchat_session_chat (self, m, nick, TRUE);
}

/* JOIN: ours opens the group; someone else's adds a member. */
static void
handle_join (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  g_autofree char   *folded = NULL;

  if (m->argc < 1 || nick == NULL)
    return;
  if (gchat_connection_is_me (self->conn, nick)) {
    gboolean    focus;
    const char *key;

    folded = g_ascii_strdown (m->argv[0], -1);
    focus = g_hash_table_remove (self->focus_on_join, folded);
    conv = gchat_session_ensure (self, GCHAT_CONVERSATION_CHANNEL, m->argv[0], focus);
    key = g_hash_table_lookup (self->pending_keys, folded);
    if (key != NULL)
      gchat_conversation_set_key (conv, key);
    gchat_conversation_clear_members (conv);
    gchat_conversation_set_joined (conv, TRUE);
    g_object_set_data (G_OBJECT (conv), "gchat-rejoin", NULL);
    gchat_session_request_history (self, m->argv[0]);
    gchat_session_request_whox (self, m->argv[0]);
    gchat_session_chanadmin_ask (self, m->argv[0]);
    text = g_strdup_printf ("You joined %s", m->argv[0]);
  } else {
    conv = gchat_session_find (self, m->argv[0]);
    if (conv == NULL)
      return;
    gchat_conversation_add_member (conv, nick, NULL);
    /* extended-join: JOIN #channel account|* :realname */
    if (m->argc >= 3)
      gchat_member_set_account (gchat_conversation_find_member (conv, nick), m->argv[1]);
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
    text = g_strdup_printf ("%s joined", nick);
  }
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* PART: ours closes membership; someone else's removes a member. */
static void
handle_part (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  const char        *reason = m->argc > 1 ? m->argv[1] : NULL;

  if (m->argc < 1 || nick == NULL || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  if (gchat_connection_is_me (self->conn, nick)) {
    gchat_conversation_set_joined (conv, FALSE);
    gchat_typing_clear (gchat_conversation_get_typing (conv));
    text = g_strdup_printf ("You left %s", m->argv[0]);
  } else {
    gchat_conversation_remove_member (conv, nick);
    gchat_typing_remove (gchat_conversation_get_typing (conv), nick);
    if (reason != NULL && *reason != '\0')
      text = g_strdup_printf ("%s left (%s)", nick, reason);
    else
      text = g_strdup_printf ("%s left", nick);
  }
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* KICK: someone (maybe us) removed from a group by an operator. */
static void
handle_kick (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;
  const char        *reason = m->argc > 2 && *m->argv[2] != '\0' ? m->argv[2] : NULL;
  const char        *by = nick != NULL ? nick : "the server";

  if (m->argc < 2 || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  if (gchat_connection_is_me (self->conn, m->argv[1])) {
    gchat_conversation_set_joined (conv, FALSE);
    gchat_typing_clear (gchat_conversation_get_typing (conv));
    text = g_strdup_printf ("%s removed you from %s%s%s%s",
                            by,
                            m->argv[0],
                            reason ? " (" : "",
                            reason ? reason : "",
                            reason ? ")" : "");
    gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
    gchat_session_announce_error (self, text);
    return;
  }
  gchat_conversation_remove_member (conv, m->argv[1]);
  gchat_typing_remove (gchat_conversation_get_typing (conv), m->argv[1]);
  text = g_strdup_printf ("%s removed %s%s%s%s",
                          by,
                          m->argv[1],
                          reason ? " (" : "",
                          reason ? reason : "",
                          reason ? ")" : "");
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* QUIT: the person left the server; every shared group says so. */
static void
handle_quit (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  const char      *reason = m->argc > 0 && *m->argv[0] != '\0' ? m->argv[0] : NULL;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (nick == NULL)
    return;
  text = reason != NULL ? g_strdup_printf ("%s went offline (%s)", nick, reason)
                        : g_strdup_printf ("%s went offline", nick);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);

    if (gchat_conversation_remove_member (c, nick) ||
        (gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_QUERY &&
         gchat_conversation_is_named (c, nick)))
      gchat_conversation_add_text (c, GCHAT_MESSAGE_EVENT, text);
  }
  gchat_session_typing_gone (self, nick, NULL);
  gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_OFFLINE);
  gchat_session_profile_gone (self, nick);
}

/* NICK: follow the person through members, queries and contacts. */
static void
handle_nick (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  gboolean         me;
  const char      *to;
  GchatContact    *contact;
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (m->argc < 1 || nick == NULL)
    return;
  to = m->argv[0];
  /* The connection already took our new nick, so compare with the new one. */
  me = gchat_connection_is_me (self->conn, to);
  text = me ? g_strdup_printf ("You are now known as %s", to)
            : g_strdup_printf ("%s is now known as %s", nick, to);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    gboolean query = gchat_conversation_get_kind (c) == GCHAT_CONVERSATION_QUERY &&
      gchat_conversation_is_named (c, nick);

    if (gchat_conversation_rename_member (c, nick, to) || query || (me && c == self->server))
      gchat_conversation_add_text (c, GCHAT_MESSAGE_EVENT, text);
    if (query && gchat_session_find (self, to) == NULL)
      gchat_conversation_set_name (c, to);
  }
  gchat_session_typing_gone (self, nick, to);
  gchat_session_profile_renamed (self, nick, to);
  contact = gchat_session_find_contact (self, nick);
  if (contact != NULL && gchat_session_find_contact (self, to) == NULL)
    gchat_contact_set_nick (contact, to);
  if (me) {
    g_free (self->nick);
    self->nick = g_strdup (to);
    gchat_session_update_status (self);
  }
}

/* TOPIC: someone changed a group's topic. */
static void
handle_topic (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  if (m->argc < 2 || (conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  gchat_conversation_set_topic (conv, m->argv[1]);
  if (*m->argv[1] == '\0')
    text = g_strdup_printf ("%s cleared the topic", nick != NULL ? nick : "The server");
  else
    text = g_strdup_printf ("%s changed the topic to: %s",
                            nick != NULL ? nick : "The server",
                            m->argv[1]);
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* One channel mode change in words ("made bob an admin"), or NULL if unknown. */
static char *
describe_channel_mode (char mode, gboolean add, const char *arg)
{
  switch (mode) {
    case 'o':
      return add ? g_strdup_printf ("made %s an admin", arg)
                 : g_strdup_printf ("took %s's admin rights", arg);
    case 'v':
      return add ? g_strdup_printf ("let %s speak in the moderated group", arg)
                 : g_strdup_printf ("took %s's voice", arg);
    case 'b':
      return add ? g_strdup_printf ("banned %s", arg)
                 : g_strdup_printf ("lifted the ban on %s", arg);
    case 'i':
      return g_strdup (add ? "made the group invite-only" : "opened the group to everyone");
    case 'k':
      return g_strdup (add ? "set a key (password) to join" : "removed the key");
    case 'l':
      return add ? g_strdup_printf ("limited the group to %s members", arg)
                 : g_strdup ("removed the member limit");
    case 'm':
      return g_strdup (add ? "made the group moderated" : "ended moderation");
    case 'n':
      return g_strdup (add ? "closed the group to outside messages"
                           : "allowed messages from outside the group");
    case 's':
      return g_strdup (add ? "made the group secret" : "made the group visible in the list");
    case 't':
      return g_strdup (add ? "let only admins set the topic" : "let everyone set the topic");
    default:
      return NULL;
  }
}

/*
 * MODE: member status changes update the member list; every change is
 * shown in words, with the mode line after it for those who know IRC:
 * "alice made bob an admin (+o bob)".
 */
static void
handle_mode (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatConversation *conv;
  g_autoptr (GString) text = NULL;
  g_autoptr (GString) raw = g_string_new (NULL);
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  struct chat_mode_spec   spec;
  struct chat_mode_change mc[CHAT_LINE_MAX];
  struct chat_mode_result res;

  if (m->argc < 2)
    return;
  for (int i = 1; i < m->argc; i++)
    g_string_append_printf (raw, "%s%s", i > 1 ? " " : "", m->argv[i]);
  text = g_string_new (nick != NULL ? nick : "The server");
  if (!chat_is_channel (m->argv[0])) {
    g_string_append_printf (text, " set user mode %s", raw->str);
    gchat_conversation_add_text (self->server, GCHAT_MESSAGE_EVENT, text->str);
    return;
  }
  if ((conv = gchat_session_find (self, m->argv[0])) == NULL)
    return;
  gchat_connection_get_mode_spec (self->conn, &spec);
  chat_mode_parse (&spec,
                   m->argv[1],
                   (const char *const *)m->argv + 2,
                   m->argc - 2,
                   mc,
                   G_N_ELEMENTS (mc),
                   &res);
  for (size_t i = 0; i < res.n; i++) {
    const char *arg = mc[i].arg;
    gboolean    add = mc[i].add;
    char        letter = mc[i].letter;
    char       *word;

    if (arg != NULL && mc[i].type == CHAT_MODE_PREFIX)
      gchat_conversation_update_member_prefix (conv,
                                               arg,
                                               gchat_connection_prefix_for_mode (self->conn,
                                                                                 letter),
                                               add);
    word = describe_channel_mode (letter, add, arg != NULL ? arg : "?");
    g_ptr_array_add (words,
                     word != NULL ? word
                                  : g_strdup_printf ("set mode %c%c", add ? '+' : '-', letter));
  }
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf (text,
                            "%s%s",
                            i == 0                  ? " "
                              : i + 1 == words->len ? " and "
                                                    : ", ",
                            (char *)words->pdata[i]);
  g_string_append_printf (text, " (%s)", raw->str);
  gchat_session_group_mode (self, conv, nick, m);
  gchat_session_update_operator (self, conv);
  gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text->str);
}

/* AWAY (away-notify): someone went away or came back. */
static void
handle_away (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  gboolean      away = m->argc > 0 && *m->argv[0] != '\0';
  GchatContact *contact;
  guint         n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  if (nick == NULL)
    return;
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    GchatMember *member = gchat_conversation_find_member (c, nick);

    if (member != NULL)
      gchat_member_set_away (member, away);
  }
  contact = gchat_session_find_contact (self, nick);
  if (contact != NULL) {
    gchat_contact_set_away_message (contact, away ? m->argv[0] : NULL);
    gchat_contact_set_presence (contact, away ? GCHAT_PRESENCE_AWAY : GCHAT_PRESENCE_ONLINE);
  }
}

/* ERROR: the server is closing our connection and says why. */
static void
handle_error (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text =
    g_strdup_printf ("The server closed the connection: %s", gchat_session_last_arg (m));

  gchat_session_error (self, self->server, text);
}

/* FAIL, WARN, NOTE (IRCv3 standard replies): command code [context] :description. */
static void
handle_standard_reply (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  const char      *cmd = m->argc > 0 ? m->argv[0] : "*";

  if (m->argc < 3)
    return;
  if (strcmp (m->command, "FAIL") == 0) {
    if (gchat_session_chanadmin_fail (self, m) || gchat_session_history_fail (self, m))
      return;
    /* Someone without an account has no private history: nothing to show. */
    if (g_ascii_strcasecmp (cmd, "CHATHISTORY") == 0 &&
        g_ascii_strcasecmp (m->argv[1], "INVALID_TARGET") == 0)
      return;
    /* A refused transfer also says so on its own row. */
    gchat_session_sendfile_fail (self, m);
    if (g_ascii_strcasecmp (cmd, "PASSWORD") == 0 && self->old_password != NULL) {
      /* The change did not happen: keep logging in with the old one. */
      gchat_connection_set_password (self->conn, self->old_password);
      g_clear_pointer (&self->old_password, g_free);
    }
    text = g_strdup_printf ("%s failed: %s", cmd, gchat_session_last_arg (m));
    gchat_session_error (self, NULL, text);
  } else {
    text = g_strdup_printf ("%s: %s", cmd, gchat_session_last_arg (m));
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
  }
}

/* INVITE: someone invites us to a group. */
static void
handle_invite (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;
  g_autoptr (GchatMessage) msg = NULL;

  if (m->argc < 2)
    return;
  text = g_strdup_printf ("%s invites you to %s (type /join %s)", nick, m->argv[1], m->argv[1]);
  msg = gchat_message_new (GCHAT_MESSAGE_INFO, nick, text, FALSE);
  gchat_conversation_add (gchat_session_note_target (self), msg);
  gchat_session_notify_message (self, gchat_session_note_target (self), msg);
}

/* REGISTER SUCCESS|VERIFICATION_REQUIRED account :text (account-registration). */
static void
handle_register (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;

  if (m->argc < 2)
    return;
  if (g_ascii_strcasecmp (m->argv[0], "SUCCESS") == 0) {
    gchat_connection_account_registered (self->conn);
    text = g_strdup_printf ("Account %s created", m->argv[1]);
  } else {
    text = g_strdup_printf ("Account %s: %s", m->argv[1], gchat_session_last_arg (m));
  }
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  if (gchat_session_note_target (self) != self->server)
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* UNREGISTER SUCCESS account :text: the account is gone, so is its password. */
static void
handle_unregister (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  g_autofree char *text = NULL;

  if (m->argc < 2 || g_ascii_strcasecmp (m->argv[0], "SUCCESS") != 0)
    return;
  /* Reconnecting must not try to log in to it again. */
  gchat_connection_set_account (self->conn, NULL, NULL, FALSE);
  text = g_strdup_printf ("Account %s deleted", m->argv[1]);
  gchat_conversation_add_text (self->server, GCHAT_MESSAGE_INFO, text);
  if (gchat_session_note_target (self) != self->server)
    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
}

/* Named commands, sorted by name for bsearch. */
struct handler_entry
{
  const char  *name;
  GchatHandler handler;
};

static const struct handler_entry handlers[] = {
  { "ACCOUNT", gchat_session_handle_account },
  { "AWAY", handle_away },
  { "BATCH", gchat_session_handle_batch },
  { "CHANADMIN", gchat_session_handle_chanadmin },
  { "CHATHISTORY", gchat_session_handle_chathistory },
  { "ERROR", handle_error },
  { "FAIL", handle_standard_reply },
  { "INVITE", handle_invite },
  { "JOIN", handle_join },
  { "KICK", handle_kick },
  { "MARKREAD", gchat_session_handle_markread },
  { "METADATA", gchat_session_handle_metadata },
  { "MODE", handle_mode },
  { "NICK", handle_nick },
  { "NOTE", handle_standard_reply },
  { "NOTICE", handle_notice },
  { "PART", handle_part },
  { "PRIVMSG", handle_privmsg },
  { "QUIT", handle_quit },
  { "REDACT", gchat_session_handle_redact },
  { "REGISTER", handle_register },
  { "SENDFILE", gchat_session_handle_sendfile },
  { "TAGMSG", handle_tagmsg },
  { "TOPIC", handle_topic },
  { "TTT", gchat_session_handle_ttt },
  { "UNREGISTER", handle_unregister },
  { "WARN", handle_standard_reply },
};

/* bsearch comparator over the handler table. */
static int
handler_compare (const void *key, const void *row)
{
  return strcmp (key, *(const char *const *)row);
}

/* Dispatch one parsed line: numerics by number, commands through the table. */
void
gchat_session_dispatch (GchatConnection *conn, gpointer msg, gpointer user_data)
{
  GchatSession          *self = user_data;
  const struct chat_msg *m = msg;
  g_autofree char       *nick = source_nick (m);

  /* Replies to what a dialog asked for go to that dialog only. */
  if (gchat_server_requests_feed (self->requests, m))
    return;
  if (gchat_session_multiline_feed (self, m))
    return;
  if (g_ascii_isdigit (m->command[0]) && strlen (m->command) == 3) {
    gchat_session_numeric (self, atoi (m->command), m);
  } else {
    const struct handler_entry *row =
      bsearch (m->command, handlers, G_N_ELEMENTS (handlers), sizeof handlers[0], handler_compare);

    if (row != NULL)
      row->handler (self, m, nick);
  }
}
