/*
 * gchat-connection-register.c: the protocol chores GchatConnection does
 * itself before anyone else sees a line, mostly during registration:
 * answers PING, negotiates capabilities (CAP LS, ACK and NAK) and records
 * ISUPPORT tokens, finds a free nick, follows our own nick changes, and
 * logs in to an account (SASL PLAIN when offered, else LOGIN after the
 * welcome; REGISTER first when the user asked to create the account).
 */
#include "config.h"

#include <string.h>

#include "gchat-connection-private.h"
#include "numeric.h"

#define NICK_ATTEMPTS_MAX 8

/* Capabilities gchat understands; others offered by the server are ignored. */
static const char *const wanted_caps[] = { "account-notify",
                                           "account-tag",
                                           "batch",
                                           "away-notify",
                                           "extended-join",
                                           "extended-monitor",
                                           "multi-prefix",
                                           "server-time",
                                           "chatd/ttt",
                                           "chatd/chanadmin",
                                           "message-tags",            /* +typing on TAGMSG */
                                           "labeled-response",        /* quiet TAGMSG errors */
                                           "draft/metadata-2",        /* display names, avatars */
                                           "draft/metadata-notify-2", /* ...of contacts too */
                                           "echo-message",            /* msgids of our messages */
                                           "draft/multiline",
                                           "draft/message-redaction",
                                           "draft/read-marker",
                                           NULL };

/* Record one ISUPPORT token ("KEY=VALUE", "KEY" or "-KEY"). */
static void
gchat_connection_isupport_token (GchatConnection *self, const char *token)
{
  const char *eq;

  if (token[0] == '-') {
    g_hash_table_remove (self->isupport, token + 1);
    return;
  }
  eq = strchr (token, '=');
  if (eq == NULL) {
    g_hash_table_insert (self->isupport, g_ascii_strup (token, -1), g_strdup (""));
    return;
  }
  g_hash_table_insert (self->isupport, g_ascii_strup (token, eq - token), g_strdup (eq + 1));
  if (g_ascii_strncasecmp (token, "PREFIX=", 7) == 0 && eq[1] == '(') {
    const char *close = strchr (eq, ')');

    if (close != NULL && strlen (close + 1) == (gsize)(close - eq - 2)) {
      g_free (self->prefix_modes);
      g_free (self->prefix_symbols);
      self->prefix_modes = g_strndup (eq + 2, close - eq - 2);
      self->prefix_symbols = g_strdup (close + 1);
    }
  }
}

/* Answer CAP LS with a request for the capabilities we use, or end CAP. */
static void
gchat_connection_handle_cap (GchatConnection *self, const struct chat_msg *m)
{
  const char *sub;

  if (m->argc < 3)
    return;
  sub = m->argv[1];
  if (g_ascii_strcasecmp (sub, "LS") == 0) {
    g_autoptr (GString) req = g_string_new (NULL);
    g_auto (GStrv) offered = g_strsplit (m->argv[m->argc - 1], " ", -1);
    gboolean more = m->argc >= 4 && strcmp (m->argv[2], "*") == 0;

    for (guint i = 0; offered[i] != NULL; i++) {
      g_autofree char *name = g_strndup (offered[i], strcspn (offered[i], "="));
      const char      *eq = strchr (offered[i], '=');

      if (*name != '\0')
        g_hash_table_insert (self->caps_offered,
                             g_strdup (name),
                             g_strdup (eq != NULL ? eq + 1 : ""));
    }
    /* A list over several lines ("LS * :..."): ask once it is complete. */
    if (more)
      return;
    for (guint i = 0; wanted_caps[i] != NULL; i++) {
      if (!g_hash_table_contains (self->caps_offered, wanted_caps[i]))
        continue;
      /* Echoes are told from new lines by their label only. */
      if (strcmp (wanted_caps[i], "echo-message") == 0 &&
          !g_hash_table_contains (self->caps_offered, "labeled-response"))
        continue;
      if (req->len > 0)
        g_string_append_c (req, ' ');
      g_string_append (req, wanted_caps[i]);
    }
    if (g_hash_table_contains (self->caps_offered, "sasl") && self->account != NULL &&
        !self->register_account)
      g_string_append (req, req->len > 0 ? " sasl" : "sasl");
    if (req->len > 0)
      gchat_connection_sendv (self, "CAP", "REQ", req->str, NULL);
    else
      gchat_connection_sendv (self, "CAP", "END", NULL);
  } else if (g_ascii_strcasecmp (sub, "ACK") == 0) {
    g_auto (GStrv) acked = g_strsplit (m->argv[m->argc - 1], " ", -1);

    for (guint i = 0; acked[i] != NULL; i++) {
      if (acked[i][0] == '-')
        g_hash_table_remove (self->caps, acked[i] + 1);
      else if (acked[i][0] != '\0')
        g_hash_table_add (self->caps, g_strdup (acked[i]));
    }
    if (self->state != GCHAT_CONNECTION_REGISTERING)
      return;
    if (g_hash_table_contains (self->caps, "sasl") && self->account != NULL &&
        !self->sasl_pending) {
      /* Registration stays on hold until the server answers 903 or 904. */
      self->sasl_pending = TRUE;
      self->sasl_tried = TRUE;
      gchat_connection_sendv (self, "AUTHENTICATE", "PLAIN", NULL);
      return;
    }
    if (!self->sasl_pending)
      gchat_connection_sendv (self, "CAP", "END", NULL);
  } else if (g_ascii_strcasecmp (sub, "NAK") == 0) {
    if (self->state == GCHAT_CONNECTION_REGISTERING)
      gchat_connection_sendv (self, "CAP", "END", NULL);
  }
}

/* Registration-time nick collision: try nick_, nick__, then digits. */
static void
gchat_connection_retry_nick (GchatConnection *self, const char *taken)
{
  g_autofree char *next = NULL;

  if (++self->nick_attempts > NICK_ATTEMPTS_MAX)
    return;
  if (strlen (taken) + 1 <= 9 || self->nick_attempts <= 2)
    next = g_strdup_printf ("%.*s_", CHAT_NICK_MAX - 1, taken);
  else
    next = g_strdup_printf ("%.*s%u", 6, taken, g_random_int_range (100, 999));
  gchat_connection_set_nick (self, next);
  gchat_connection_sendv (self, "NICK", next, NULL);
}

/* AUTHENTICATE +: send "account NUL account NUL password" in base64. */
static void
gchat_connection_sasl_plain (GchatConnection *self, const struct chat_msg *m)
{
  g_autofree char *plain = NULL;
  g_autofree char *encoded = NULL;
  gsize            alen;
  gsize            plen;
  gsize            len;
  gsize            off;

  if (!self->sasl_pending || m->argc < 1 || strcmp (m->argv[0], "+") != 0 || self->account == NULL)
    return;
  alen = strlen (self->account);
  plen = strlen (self->password);
  len = 2 * alen + plen + 2;
  plain = g_malloc (len);
  memcpy (plain, self->account, alen);
  plain[alen] = '\0';
  memcpy (plain + alen + 1, self->account, alen);
  plain[2 * alen + 1] = '\0';
  memcpy (plain + 2 * alen + 2, self->password, plen);
  encoded = g_base64_encode ((const guchar *)plain, len);
  memset (plain, 0, len);
  /* Chunks of 400 bytes; a final "+" when the last chunk was exactly 400. */
  for (off = 0; off < strlen (encoded); off += 400) {
    g_autofree char *chunk = g_strndup (encoded + off, 400);

    gchat_connection_sendv (self, "AUTHENTICATE", chunk, NULL);
  }
  if (strlen (encoded) % 400 == 0)
    gchat_connection_sendv (self, "AUTHENTICATE", "+", NULL);
}

/* After the welcome: register the account, or log in when SASL was not offered. */
static void
gchat_connection_login (GchatConnection *self)
{
  if (self->account == NULL)
    return;
  if (self->register_account) {
    gchat_connection_sendv (self, "REGISTER", self->account, "*", self->password, NULL);
    return;
  }
  /* A refused SASL login is not tried again with LOGIN: that would count twice
   * towards the server's limit on failed logins. */
  if (!self->logged_in && !self->sasl_tried)
    gchat_connection_sendv (self, "LOGIN", self->account, self->password, NULL);
}

/* Protocol chores the connection does itself before anyone else sees a line. */
void
gchat_connection_handle (GchatConnection *self, const struct chat_msg *m)
{
  const char *cmd = m->command;

  if (strcmp (cmd, "PING") == 0) {
    const char *token = m->argc > 0 ? m->argv[m->argc - 1] : "";

    gchat_connection_sendv (self, "PONG", token, NULL);
  } else if (strcmp (cmd, "CAP") == 0) {
    gchat_connection_handle_cap (self, m);
  } else if (strcmp (cmd, "AUTHENTICATE") == 0) {
    gchat_connection_sasl_plain (self, m);
  } else if (g_ascii_isdigit (cmd[0])) {
    switch (atoi (cmd)) {
      case RPL_WELCOME:
        if (m->argc > 0)
          gchat_connection_set_nick (self, m->argv[0]);
        gchat_connection_set_state (self, GCHAT_CONNECTION_CONNECTED);
        gchat_connection_login (self);
        break;
      case RPL_LOGGEDIN:
        gchat_connection_set_logged_in (self, TRUE);
        break;
      case RPL_LOGGEDOUT:
        gchat_connection_set_logged_in (self, FALSE);
        break;
      case RPL_SASLSUCCESS:
      case ERR_SASLFAIL:
      case ERR_SASLTOOLONG:
      case ERR_SASLABORTED:
      case ERR_SASLALREADY:
      case ERR_NICKLOCKED:
        if (self->sasl_pending && self->state == GCHAT_CONNECTION_REGISTERING) {
          self->sasl_pending = FALSE;
          gchat_connection_sendv (self, "CAP", "END", NULL);
        }
        break;
      case RPL_ISUPPORT:
        for (int i = 1; i < m->argc - 1; i++)
          gchat_connection_isupport_token (self, m->argv[i]);
        break;
      case ERR_NICKNAMEINUSE:
      case ERR_ERRONEUSNICKNAME:
        if (self->state == GCHAT_CONNECTION_REGISTERING && m->argc > 1)
          gchat_connection_retry_nick (self, m->argv[1]);
        break;
      default:
        break;
    }
  } else if (strcmp (cmd, "NICK") == 0 && m->source != NULL && m->argc > 0) {
    g_autofree char *nick = g_strndup (m->source, strcspn (m->source, "!@"));

    if (gchat_connection_is_me (self, nick))
      gchat_connection_set_nick (self, m->argv[0]);
  }
}
