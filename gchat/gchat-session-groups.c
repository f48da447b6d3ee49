/*
 * gchat-session-groups.c: groups and their members: names and WHOX
 * replies, modes, bans, permanent admins and owners (CHANADMIN), and the
 * admin actions of the member list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "numeric.h"
#include "gchat-session-private.h"

/* WHOX token of gchat's own WHO after JOIN: its 354s and 315 stay silent. */
#define WHOX_TOKEN "152"

/*
 * After our JOIN, ask (WHOX) for the account and away flag of everyone already
 * there: extended-join and account-notify only tell about later changes.
 */
void
gchat_session_request_whox (GchatSession *self, const char *channel)
{
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED ||
      !gchat_session_supports (self, "WHOX"))
    return;
  g_hash_table_add (self->whox_pending, g_ascii_strdown (channel, -1));
  gchat_connection_sendv (self->conn, "WHO", channel, "%tcnfa," WHOX_TOKEN, NULL);
}

/* RPL_WHOSPCRPL to our %tcnfa: token channel nick flags account. */
gboolean
gchat_session_whox_reply (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  GchatMember       *member;

  if (m->argc < 6 || strcmp (m->argv[1], WHOX_TOKEN) != 0)
    return FALSE;
  if ((conv = gchat_session_find (self, m->argv[2])) != NULL &&
      (member = gchat_conversation_find_member (conv, m->argv[3])) != NULL) {
    gchat_member_set_account (member, strcmp (m->argv[5], "0") == 0 ? NULL : m->argv[5]);
    gchat_member_set_away (member, m->argv[4][0] == 'G');
  }
  return TRUE;
}

/* RPL_ENDOFWHO: TRUE (stay silent) if it ends one of our own WHOX requests. */
gboolean
gchat_session_whox_end (GchatSession *self, const struct chat_msg *m)
{
  g_autofree char *folded = NULL;

  if (m->argc < 2)
    return FALSE;
  folded = g_ascii_strdown (m->argv[1], -1);
  return g_hash_table_remove (self->whox_pending, folded);
}

/* @nick is logged in as @account (NULL or "*": logged out) in every shared group. */
void
gchat_session_member_account (GchatSession *self, const char *nick, const char *account)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conversations));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatConversation) c = g_list_model_get_item (G_LIST_MODEL (self->conversations), i);
    GchatMember *member = gchat_conversation_find_member (c, nick);

    if (member != NULL)
      gchat_member_set_account (member, account);
  }
  if (gchat_session_find_contact (self, nick) != NULL)
    gchat_contact_set_account (gchat_session_find_contact (self, nick), account);
}

/* ACCOUNT name|* (account-notify): someone in a shared group logged in or out. */
void
gchat_session_handle_account (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  if (m->argc < 1 || nick == NULL)
    return;
  gchat_session_member_account (self, nick, m->argv[0]);
}

/*
 * Group administration: the GchatGroup of each group (modes, bans,
 * permanent admins) is kept on its conversation and fed from here; the
 * group settings dialog and the member list read it.
 */

/** gchat_session_get_group: the administration state of group @conv (created on first use). */
GchatGroup *
gchat_session_get_group (GchatSession *self, GchatConversation *conv)
{
  GchatGroup *group;

  g_return_val_if_fail (GCHAT_IS_SESSION (self), NULL);
  g_return_val_if_fail (GCHAT_IS_CONVERSATION (conv), NULL);
  group = g_object_get_data (G_OBJECT (conv), "gchat-group");
  if (group == NULL) {
    group = gchat_group_new (gchat_conversation_get_name (conv));
    g_object_set_data_full (G_OBJECT (conv), "gchat-group", group, g_object_unref);
  }
  return group;
}

/* The group called @name, when we have a conversation for it. */
static GchatGroup *
gchat_session_group_named (GchatSession *self, const char *name)
{
  GchatConversation *conv = gchat_session_find (self, name);

  if (conv == NULL || gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_CHANNEL)
    return NULL;
  return gchat_session_get_group (self, conv);
}

/* A MODE line for group @conv: its modes and ban list follow. */
void
gchat_session_group_mode (GchatSession          *self,
                          GchatConversation     *conv,
                          const char            *nick,
                          const struct chat_msg *m)
{
  struct chat_mode_spec spec;

  gchat_connection_get_mode_spec (self->conn, &spec);
  gchat_group_apply_mode (gchat_session_get_group (self, conv),
                          nick,
                          m->argv[1],
                          (const char *const *)m->argv + 2,
                          m->argc - 2,
                          &spec);
}

/* 324 (the modes), 367 (a ban) and 368 (end of bans) for a group. */
void
gchat_session_group_numeric (GchatSession *self, int num, const struct chat_msg *m)
{
  GchatGroup *group = m->argc > 1 ? gchat_session_group_named (self, m->argv[1]) : NULL;

  if (group == NULL) {
    g_autofree char *text = gchat_session_numeric_text (m);

    gchat_conversation_add_text (gchat_session_note_target (self), GCHAT_MESSAGE_INFO, text);
    return;
  }
  if (num == RPL_CHANNELMODEIS && m->argc > 2) {
    struct chat_mode_spec spec;

    gchat_connection_get_mode_spec (self->conn, &spec);
    gchat_group_set_modes_reply (group,
                                 m->argv[2],
                                 (const char *const *)m->argv + 3,
                                 m->argc - 3,
                                 &spec);
  } else if (num == RPL_BANLIST && m->argc > 2)
    gchat_group_ban_listed (group,
                            m->argv[2],
                            m->argc > 3 ? m->argv[3] : NULL,
                            m->argc > 4 ? g_ascii_strtoll (m->argv[4], NULL, 10) : 0);
  else if (num == RPL_ENDOFBANLIST)
    gchat_group_ban_list_end (group);
}

/* CHANADMIN <#group> OWNER|ADMIN|END|ADDED|REMOVED [account] (chatd/chanadmin). */
void
gchat_session_handle_chanadmin (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  GchatGroup        *group = m->argc > 1 ? gchat_session_group_named (self, m->argv[0]) : NULL;
  GchatConversation *conv;
  g_autofree char   *text = NULL;

  if (group == NULL ||
      !gchat_group_chanadmin_line (group, m->argv[1], m->argc > 2 ? m->argv[2] : NULL))
    return;
  if (g_ascii_strcasecmp (m->argv[1], "ADDED") == 0 && m->argc > 2)
    text = g_strdup_printf ("%s is now a permanent admin of %s", m->argv[2], m->argv[0]);
  else if (g_ascii_strcasecmp (m->argv[1], "REMOVED") == 0 && m->argc > 2)
    text = g_strdup_printf ("%s is no longer a permanent admin of %s", m->argv[2], m->argv[0]);
  if (text != NULL && (conv = gchat_session_find (self, m->argv[0])) != NULL)
    gchat_conversation_add_text (conv, GCHAT_MESSAGE_EVENT, text);
}

/* FAIL CHANADMIN NOT_REGISTERED <#group>: not an error, the group is just not registered. */
gboolean
gchat_session_chanadmin_fail (GchatSession *self, const struct chat_msg *m)
{
  GchatGroup *group;

  if (m->argc < 4 || g_ascii_strcasecmp (m->argv[0], "CHANADMIN") != 0 ||
      strcmp (m->argv[1], "NOT_REGISTERED") != 0 ||
      (group = gchat_session_group_named (self, m->argv[2])) == NULL)
    return FALSE;
  gchat_group_set_not_registered (group);
  return TRUE;
}

/* Ask who owns @channel: only someone logged in can own one, and the menus need to know. */
void
gchat_session_chanadmin_ask (GchatSession *self, const char *channel)
{
  if (gchat_connection_has_cap (self->conn, "chatd/chanadmin") &&
      gchat_connection_get_logged_in (self->conn))
    gchat_connection_sendv (self->conn, "CHANADMIN", channel, NULL);
}

/** gchat_session_request_group: ask for @conv's modes, bans and (if possible) permanent admins. */
void
gchat_session_request_group (GchatSession *self, GchatConversation *conv)
{
  const char *name = gchat_conversation_get_name (conv);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (gchat_connection_get_state (self->conn) != GCHAT_CONNECTION_CONNECTED)
    return;
  gchat_connection_sendv (self->conn, "MODE", name, NULL);
  gchat_connection_sendv (self->conn, "MODE", name, "b", NULL);
  if (gchat_connection_has_cap (self->conn, "chatd/chanadmin"))
    gchat_connection_sendv (self->conn, "CHANADMIN", name, NULL);
}

/**
 * gchat_session_set_group_modes:
 * Send the MODE lines that change @conv's modes from what the server last
 * said to @wanted, as few as the server's MODES allows.
 */
void
gchat_session_set_group_modes (GchatSession          *self,
                               GchatConversation     *conv,
                               const GchatGroupModes *wanted)
{
  const char *max = gchat_connection_get_isupport (self->conn, "MODES");
  g_autoptr (GPtrArray) lines = NULL;

  g_return_if_fail (GCHAT_IS_SESSION (self));
  lines = gchat_group_modes_diff (gchat_group_get_modes (gchat_session_get_group (self, conv)),
                                  wanted,
                                  max != NULL ? (guint)g_ascii_strtoull (max, NULL, 10) : 0);
  for (guint i = 0; i < lines->len; i++) {
    g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
    g_auto (GStrv) argv = NULL;

    g_strv_builder_add (b, gchat_conversation_get_name (conv));
    g_strv_builder_addv (b, (const char **)g_ptr_array_index (lines, i));
    argv = g_strv_builder_end (b);
    gchat_connection_send (self->conn,
                           "MODE",
                           (int)g_strv_length (argv),
                           (const char *const *)argv);
  }
}

/** gchat_session_set_ban: ban (@add) or unban the mask @mask in @conv. */
void
gchat_session_set_ban (GchatSession *self, GchatConversation *conv, const char *mask, gboolean add)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn,
                          "MODE",
                          gchat_conversation_get_name (conv),
                          add ? "+b" : "-b",
                          mask,
                          NULL);
}

/** gchat_session_set_permanent_admin: make @account a permanent admin of @conv, or no more. */
void
gchat_session_set_permanent_admin (GchatSession      *self,
                                   GchatConversation *conv,
                                   const char        *account,
                                   gboolean           add)
{
  g_autofree char *arg = g_strconcat (add ? "+" : "-", account, NULL);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "CHANADMIN", gchat_conversation_get_name (conv), arg, NULL);
}

/** gchat_session_set_group_owner: hand the registered group @conv to @account (we stay admin). */
void
gchat_session_set_group_owner (GchatSession *self, GchatConversation *conv, const char *account)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn,
                          "CHANADMIN",
                          gchat_conversation_get_name (conv),
                          "OWNER",
                          account,
                          NULL);
}

/** gchat_session_is_group_owner: whether our account owns the registered group @conv. */
gboolean
gchat_session_is_group_owner (GchatSession *self, GchatConversation *conv)
{
  GchatGroup *group = g_object_get_data (G_OBJECT (conv), "gchat-group");
  const char *account = gchat_connection_get_account (self->conn);

  return group != NULL && gchat_connection_get_logged_in (self->conn) && account != NULL &&
    gchat_group_get_owner (group) != NULL &&
    chat_casecmp (gchat_group_get_owner (group), account) == 0;
}

/* RPL_NAMREPLY: one batch of members; the first after a join replaces the list. */
void
gchat_session_names (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_auto (GStrv) names = NULL;
  g_autofree char *folded = NULL;

  if (m->argc < 4 || (conv = gchat_session_find (self, m->argv[2])) == NULL)
    return;
  folded = g_ascii_strdown (m->argv[2], -1);
  if (!g_hash_table_contains (self->names_fresh, folded)) {
    gchat_conversation_clear_members (conv);
    g_hash_table_add (self->names_fresh, g_strdup (folded));
  }
  names = g_strsplit (m->argv[3], " ", -1);
  for (guint i = 0; names[i] != NULL; i++) {
    const char      *p = names[i];
    g_autofree char *nick = NULL;
    g_autofree char *prefixes = NULL;

    while (*p != '\0' && gchat_connection_mode_for_prefix (self->conn, *p) != '\0')
      p++;
    if (*p == '\0')
      continue;
    prefixes = g_strndup (names[i], p - names[i]);
    nick = g_strndup (p, strcspn (p, "!"));
    gchat_conversation_add_member (conv, nick, prefixes);
    gchat_session_presence_seen (self, nick, GCHAT_PRESENCE_ONLINE);
  }
}

/* RPL_ENDOFNAMES: the list is complete; apply the modes of a new private group. */
void
gchat_session_names_end (GchatSession *self, const struct chat_msg *m)
{
  GchatConversation *conv;
  g_autofree char   *folded = NULL;

  if (m->argc < 2)
    return;
  folded = g_ascii_strdown (m->argv[1], -1);
  g_hash_table_remove (self->names_fresh, folded);
  if ((conv = gchat_session_find (self, m->argv[1])) == NULL)
    return;
  gchat_session_update_operator (self, conv);
  if (gchat_conversation_get_operator (conv)) {
    const char *key = gchat_conversation_get_key (conv);

    if (g_hash_table_remove (self->pending_private, folded))
      gchat_connection_sendv (self->conn, "MODE", m->argv[1], "+i", NULL);
    if (key != NULL && g_hash_table_contains (self->pending_keys, folded))
      gchat_connection_sendv (self->conn, "MODE", m->argv[1], "+k", key, NULL);
  }
  g_hash_table_remove (self->pending_keys, folded);
  g_hash_table_remove (self->pending_private, folded);
}

/** gchat_session_kick: remove @nick from @conv, saying @reason (NULL or "": none). */
void
gchat_session_kick (GchatSession      *self,
                    GchatConversation *conv,
                    const char        *nick,
                    const char        *reason)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  if (reason != NULL && *reason == '\0')
    reason = NULL; /* the argument list ends at the NULL */
  gchat_connection_sendv (self->conn,
                          "KICK",
                          gchat_conversation_get_name (conv),
                          nick,
                          reason,
                          NULL);
}

/** gchat_session_ban: ban @nick (nick!*@*) from @conv. */
void
gchat_session_ban (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_autofree char *mask = g_strdup_printf ("%s!*@*", nick);

  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "+b", mask, NULL);
}

/** gchat_session_make_admin: give @nick operator status (+o) in @conv. */
void
gchat_session_make_admin (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "+o", nick, NULL);
}

/** gchat_session_remove_admin: take operator status (-o) from @nick in @conv. */
void
gchat_session_remove_admin (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "MODE", gchat_conversation_get_name (conv), "-o", nick, NULL);
}

/** gchat_session_invite: invite @nick into @conv. */
void
gchat_session_invite (GchatSession *self, GchatConversation *conv, const char *nick)
{
  g_return_if_fail (GCHAT_IS_SESSION (self));
  gchat_connection_sendv (self->conn, "INVITE", nick, gchat_conversation_get_name (conv), NULL);
}
