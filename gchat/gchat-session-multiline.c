/*
 * gchat-session-multiline.c: IRCv3 draft/multiline both ways, and the
 * echoes (echo-message) that give our own messages their msgid.
 *
 * A text with line breaks goes as one draft/multiline batch (or several,
 * within the server's max-bytes and max-lines; line by line without the
 * capability), cut by chat_multiline_split (libchat). A batch received
 * (live, or nested in a chathistory batch) is collected here and handed
 * to the chat handler as one PRIVMSG with line breaks. Each message we
 * send carries a label; its echo (labeled-response) says its msgid, which
 * REDACT needs, and is not shown again.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-session-private.h"

/* Room left for ":nick!user@host " that the server puts before relayed text. */
#define RELAY_PREFIX_RESERVE 120

/* Lines of one text at most (a longer paste is refused, not cut). */
#define PIECES_MAX 512

/* A draft/multiline batch being received. */
typedef struct
{
  char      *source;
  char      *command; /* PRIVMSG or NOTICE, from its first line */
  char      *target;
  GPtrArray *keys; /* the tags of the opening BATCH (and the label it answers) */
  GPtrArray *values;
  GString   *text;
  guint      lines;
} GchatMultiline;

/* Free a batch being received. */
void
gchat_session_multiline_free (gpointer data)
{
  GchatMultiline *ml = data;

  g_free (ml->source);
  g_free (ml->command);
  g_free (ml->target);
  g_ptr_array_unref (ml->keys);
  g_ptr_array_unref (ml->values);
  g_string_free (ml->text, TRUE);
  g_free (ml);
}

/* Whether our messages come back to us (echo-message, with labels to match them). */
static gboolean
gchat_session_echoes (GchatSession *self)
{
  return gchat_connection_has_cap (self->conn, "echo-message") &&
    gchat_connection_has_cap (self->conn, "labeled-response");
}

/* A new label for a message we send; its echo finds @msg by it. NULL: no echoes. */
static char *
gchat_session_echo_label (GchatSession *self, GchatMessage *msg)
{
  char *label;

  if (!gchat_session_echoes (self))
    return NULL;
  label = g_strdup_printf ("e%u", ++self->echo_serial);
  g_hash_table_insert (self->echo_labels, g_strdup (label), g_object_ref (msg));
  return label;
}

/*
 * The label a line answers: its own tag, or the one of the labeled-response
 * batch it is in (a multiline echo is a batch inside that batch).
 */
static const char *
gchat_session_line_label (GchatSession *self, const struct chat_msg *m)
{
  const char *label = chat_msg_tag (m, "label", NULL);
  const char *batch = chat_msg_tag (m, "batch", NULL);

  if (label == NULL && batch != NULL)
    label = g_hash_table_lookup (self->label_batches, batch);
  return label;
}

/**
 * gchat_session_own_echo: whether @m is the echo of a line we sent (from
 * us, not history): then the message shown when it was sent takes the
 * msgid and the server's time (a later history request may start from
 * it), and @m is not shown again.
 */
gboolean
gchat_session_own_echo (GchatSession *self, const struct chat_msg *m, const char *nick)
{
  const char   *label;
  GchatMessage *msg;

  if (nick == NULL || !gchat_connection_is_me (self->conn, nick) ||
      !gchat_connection_has_cap (self->conn, "echo-message"))
    return FALSE;
  label = gchat_session_line_label (self, m);
  if (label != NULL && (msg = g_hash_table_lookup (self->echo_labels, label)) != NULL) {
    gchat_message_set_msgid (msg, chat_msg_tag (m, "msgid", NULL));
    gchat_session_stamp (msg, m);
    g_hash_table_remove (self->echo_labels, label);
  }
  return TRUE;
}

/**
 * gchat_session_send_labeled: send PRIVMSG @target :@wire for @msg (not
 * yet shown), labeled so that its echo gives @msg its msgid.
 */
gboolean
gchat_session_send_labeled (GchatSession *self,
                            GchatMessage *msg,
                            const char   *target,
                            const char   *wire)
{
  g_autofree char *label = gchat_session_echo_label (self, msg);
  g_autofree char *tags = label != NULL ? g_strconcat ("label=", label, NULL) : NULL;
  const char      *argv[] = { target, wire };

  if (gchat_connection_send_tagged (self->conn, tags, "PRIVMSG", 2, argv))
    return TRUE;
  if (label != NULL)
    g_hash_table_remove (self->echo_labels, label);
  return FALSE;
}

/* The text of one batch: its pieces, '\n' between lines, nothing between concats. */
static char *
gchat_session_batch_text (const char *text, const struct chat_ml_piece *p, gsize n)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < n; i++) {
    if (i > 0 && !p[i].concat)
      g_string_append_c (s, '\n');
    g_string_append_len (s, text + p[i].off, p[i].len);
  }
  return g_string_free (s, FALSE);
}

/* Send the @n pieces @p of @text to @target as one batch (or one line), shown in @conv. */
static gboolean
gchat_session_send_batch (GchatSession               *self,
                          GchatConversation          *conv,
                          const char                 *target,
                          const char                 *text,
                          const struct chat_ml_piece *p,
                          gsize                       n,
                          gboolean                    batch)
{
  g_autofree char *shown = gchat_session_batch_text (text, p, n);
  g_autoptr (GchatMessage) msg =
    gchat_message_new (GCHAT_MESSAGE_TEXT, gchat_connection_get_nick (self->conn), shown, TRUE);
  g_autofree char *label = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *ref = g_strdup_printf ("ml%u", ++self->echo_serial);
  g_autofree char *open = g_strconcat ("+", ref, NULL);
  g_autofree char *close = g_strconcat ("-", ref, NULL);
  const char      *argv[] = { open, "draft/multiline", target };
  const char      *cargv[] = { close };
  gboolean         sent;

  if (!batch) {
    if (!gchat_session_send_labeled (self, msg, target, shown))
      return FALSE;
    gchat_conversation_add (conv, msg);
    return TRUE;
  }
  label = gchat_session_echo_label (self, msg);
  tags = label != NULL ? g_strconcat ("label=", label, NULL) : NULL;
  sent = gchat_connection_send_tagged (self->conn, tags, "BATCH", 3, argv);
  for (gsize i = 0; i < n && sent; i++) {
    g_autofree char *line = g_strndup (text + p[i].off, p[i].len);
    g_autofree char *ltags =
      g_strconcat ("batch=", ref, p[i].concat ? ";draft/multiline-concat" : "", NULL);
    const char *largv[] = { target, line };

    sent = gchat_connection_send_tagged (self->conn, ltags, "PRIVMSG", 2, largv);
  }
  /* Closed even after a refused line, so that the server does not keep it open. */
  if (!gchat_connection_send_tagged (self->conn, NULL, "BATCH", 1, cargv))
    sent = FALSE;
  if (!sent) {
    if (label != NULL)
      g_hash_table_remove (self->echo_labels, label);
    return FALSE;
  }
  gchat_conversation_add (conv, msg);
  return TRUE;
}

/**
 * gchat_session_send_text:
 * Send @text (no action) to @conv's target: lines cut to fit once the
 * server adds its prefix, several lines as draft/multiline batches when
 * the server takes them, each message shown as ours.
 */
gboolean
gchat_session_send_text (GchatSession      *self,
                         GchatConversation *conv,
                         const char        *text,
                         GError           **error)
{
  const char           *target = gchat_conversation_get_name (conv);
  const char           *value = gchat_connection_get_cap_value (self->conn, "draft/multiline");
  struct chat_ml_limits lim;
  gboolean              batches = FALSE;
  g_autofree struct chat_ml_piece *p = g_new (struct chat_ml_piece, PIECES_MAX);
  gsize                            room;
  gsize                            n;

  room = CHAT_LINE_MAX - 2 - strlen ("PRIVMSG  :") - strlen (target) - RELAY_PREFIX_RESERVE;
  if (gchat_connection_has_cap (self->conn, "draft/multiline") &&
      gchat_connection_has_cap (self->conn, "batch") && chat_multiline_limits (value, &lim) == 0)
    batches = TRUE;
  n = chat_multiline_split (text, strlen (text), room, batches ? &lim : NULL, p, PIECES_MAX);
  if (n > PIECES_MAX)
    return gchat_session_fail (self,
                               error,
                               "This text is too long to send at once (%d lines at most)",
                               PIECES_MAX);
  for (gsize i = 0; i < n;) {
    gsize end = i + 1;

    while (end < n && !p[end].first)
      end++;
    if (!gchat_session_send_batch (self,
                                   conv,
                                   target,
                                   text,
                                   p + i,
                                   end - i,
                                   batches && end - i > 1))
      return gchat_session_fail (self, error, "Could not send: the send queue is full");
    i = end;
  }
  return TRUE;
}

/* Copy the tags of @m into @ml. */
static void
multiline_keep_tags (GchatMultiline *ml, const struct chat_msg *m)
{
  for (gsize i = 0; i < m->ntags; i++) {
    g_ptr_array_add (ml->keys, g_strdup (m->tags[i].key));
    g_ptr_array_add (ml->values, g_strdup (m->tags[i].value));
  }
}

/* BATCH -ref of a multiline batch: hand the whole message on as one PRIVMSG (or NOTICE). */
static void
multiline_deliver (GchatSession *self, GchatMultiline *ml)
{
  struct chat_msg  m = { 0 };
  g_autofree char *nick = NULL;

  if (ml->command == NULL)
    return;
  for (guint i = 0; i < ml->keys->len && m.ntags < CHAT_TAGS_N; i++) {
    m.tags[m.ntags].key = g_ptr_array_index (ml->keys, i);
    m.tags[m.ntags].value = g_ptr_array_index (ml->values, i);
    m.ntags++;
  }
  m.source = ml->source;
  m.command = ml->command;
  m.argc = 2;
  m.argv[0] = ml->target;
  m.argv[1] = ml->text->str;
  m.trailing = true;
  nick = ml->source != NULL ? g_strndup (ml->source, strcspn (ml->source, "!@")) : NULL;
  gchat_session_chat (self, &m, nick, strcmp (ml->command, "NOTICE") == 0);
}

/*
 * Take the lines of draft/multiline batches (and remember labeled-response
 * batches, whose label the lines inside answer). TRUE: @m was taken.
 */
gboolean
gchat_session_multiline_feed (GchatSession *self, const struct chat_msg *m)
{
  const char     *batch = chat_msg_tag (m, "batch", NULL);
  const char     *label = chat_msg_tag (m, "label", NULL);
  GchatMultiline *ml;
  bool            concat;

  if (strcmp (m->command, "BATCH") == 0 && m->argc >= 1 && m->argv[0][0] == '+') {
    if (m->argc >= 2 && strcmp (m->argv[1], "labeled-response") == 0 && label != NULL) {
      g_hash_table_insert (self->label_batches, g_strdup (m->argv[0] + 1), g_strdup (label));
      return TRUE;
    }
    if (m->argc < 3 || strcmp (m->argv[1], "draft/multiline") != 0)
      return FALSE;
    ml = g_new0 (GchatMultiline, 1);
    ml->source = g_strdup (m->source);
    ml->target = g_strdup (m->argv[2]);
    ml->keys = g_ptr_array_new_with_free_func (g_free);
    ml->values = g_ptr_array_new_with_free_func (g_free);
    ml->text = g_string_new (NULL);
    multiline_keep_tags (ml, m);
    label = gchat_session_line_label (self, m);
    if (label != NULL && chat_msg_tag (m, "label", NULL) == NULL) {
      g_ptr_array_add (ml->keys, g_strdup ("label"));
      g_ptr_array_add (ml->values, g_strdup (label));
    }
    g_hash_table_insert (self->multiline_batches, g_strdup (m->argv[0] + 1), ml);
    return TRUE;
  }
  if (strcmp (m->command, "BATCH") == 0 && m->argc >= 1 && m->argv[0][0] == '-') {
    if (g_hash_table_remove (self->label_batches, m->argv[0] + 1))
      return TRUE;
    if ((ml = g_hash_table_lookup (self->multiline_batches, m->argv[0] + 1)) == NULL)
      return FALSE;
    multiline_deliver (self, ml);
    g_hash_table_remove (self->multiline_batches, m->argv[0] + 1);
    return TRUE;
  }
  /* An answer to a message of ours that is not its echo (a refusal): no echo will come. */
  if (label != NULL && strcmp (m->command, "PRIVMSG") != 0 && strcmp (m->command, "NOTICE") != 0)
    g_hash_table_remove (self->echo_labels, label);
  if (batch == NULL || (ml = g_hash_table_lookup (self->multiline_batches, batch)) == NULL)
    return FALSE;
  if (m->argc < 2 || ml->lines >= 1000 || ml->text->len > 65536)
    return TRUE; /* bounded: a batch without end does not grow without end */
  if (ml->command == NULL)
    ml->command = g_strdup (m->command);
  chat_msg_tag (m, "draft/multiline-concat", &concat);
  if (ml->lines > 0 && !concat)
    g_string_append_c (ml->text, '\n');
  g_string_append (ml->text, m->argv[1]);
  ml->lines++;
  return TRUE;
}

/* The connection dropped: batches half received and echoes awaited are gone. */
void
gchat_session_multiline_reset (GchatSession *self)
{
  g_hash_table_remove_all (self->multiline_batches);
  g_hash_table_remove_all (self->label_batches);
  g_hash_table_remove_all (self->echo_labels);
}
