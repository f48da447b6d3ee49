/*
 * gchat-command.c: the entry's slash commands as a table (name, id, argument
 * counts, usage) and Tab completion of nicks. Pure logic, so the unit tests
 * cover it without a window or a server.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-command.h"

struct command_entry
{
  const char    *name;
  GchatCommandId id;
  guint          min_args;
  guint          max_args; /* the last argument takes the rest of the line */
  gboolean       offline;  /* works without a connection (or says so itself) */
  const char    *usage;
};

/* Sorted by name for bsearch. */
static const struct command_entry commands[] = {
  { .name = "away",
    .id = GCHAT_COMMAND_AWAY,
    .min_args = 0,
    .max_args = 1,
    .usage = "/away [message] (no message: back)" },
  { .name = "ban", .id = GCHAT_COMMAND_BAN, .min_args = 1, .max_args = 1, .usage = "/ban nick" },
  { .name = "close",
    .id = GCHAT_COMMAND_CLOSE,
    .offline = TRUE,
    .min_args = 0,
    .max_args = 0,
    .usage = "/close" },
  { .name = "help",
    .id = GCHAT_COMMAND_HELP,
    .offline = TRUE,
    .min_args = 0,
    .max_args = 0,
    .usage = "/help (this list)" },
  { .name = "invite",
    .id = GCHAT_COMMAND_INVITE,
    .min_args = 1,
    .max_args = 2,
    .usage = "/invite nick [#group]" },
  { .name = "join",
    .id = GCHAT_COMMAND_JOIN,
    .min_args = 0,
    .max_args = 2,
    .usage = "/join [#group] [key]" },
  { .name = "kick",
    .id = GCHAT_COMMAND_KICK,
    .min_args = 1,
    .max_args = 2,
    .usage = "/kick nick [reason]" },
  { .name = "logout",
    .id = GCHAT_COMMAND_LOGOUT,
    .min_args = 0,
    .max_args = 0,
    .usage = "/logout (stay connected, without the account)" },
  { .name = "me",
    .id = GCHAT_COMMAND_ME,
    .offline = TRUE,
    .min_args = 1,
    .max_args = 1,
    .usage = "/me action" },
  { .name = "msg",
    .id = GCHAT_COMMAND_MSG,
    .min_args = 2,
    .max_args = 2,
    .usage = "/msg nick text" },
  { .name = "nick",
    .id = GCHAT_COMMAND_NICK,
    .min_args = 1,
    .max_args = 1,
    .usage = "/nick newnick" },
  { .name = "part",
    .id = GCHAT_COMMAND_PART,
    .min_args = 0,
    .max_args = 2,
    .usage = "/part [#group] [reason]" },
  { .name = "password",
    .id = GCHAT_COMMAND_PASSWORD,
    .min_args = 2,
    .max_args = 2,
    .usage = "/password old-password new-password" },
  { .name = "profile",
    .id = GCHAT_COMMAND_PROFILE,
    .min_args = 0,
    .max_args = 2,
    .usage = "/profile [display-name|avatar|status|color] [value] (no value: remove it)" },
  { .name = "query",
    .id = GCHAT_COMMAND_QUERY,
    .offline = TRUE,
    .min_args = 1,
    .max_args = 2,
    .usage = "/query nick [text]" },
  { .name = "quote",
    .id = GCHAT_COMMAND_QUOTE,
    .min_args = 1,
    .max_args = 1,
    .usage = "/quote raw line" },
  { .name = "sendfile",
    .id = GCHAT_COMMAND_SENDFILE,
    .offline = TRUE,
    .min_args = 1,
    .max_args = 2,
    .usage = "/sendfile [nick|#group] file (no target: this conversation)" },
  { .name = "topic",
    .id = GCHAT_COMMAND_TOPIC,
    .min_args = 0,
    .max_args = 1,
    .usage = "/topic [new topic]" },
  { .name = "ttt",
    .id = GCHAT_COMMAND_TTT,
    .min_args = 0,
    .max_args = 2,
    .usage = "/ttt [nick] [cell] (no cell: challenge; a cell 1-9 or a1-c3: play)" },
};

G_DEFINE_QUARK (gchat - command - error - quark, gchat_command_error)

/* bsearch comparator: a command name against a table row. */
static int
command_compare (const void *key, const void *row)
{
  return g_ascii_strcasecmp (key, ((const struct command_entry *)row)->name);
}

/** gchat_command_usage: how to call a command, for error messages. */
const char *
gchat_command_usage (GchatCommandId id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].id == id)
      return commands[i].usage;
  return "";
}

/* Split @rest into at most @max words; the last keeps the remaining text. */
static guint
command_split (const char *rest, guint max, char **argv)
{
  guint argc = 0;

  while (argc < max) {
    const char *end;

    while (*rest == ' ')
      rest++;
    if (*rest == '\0')
      break;
    if (argc == max - 1) {
      argv[argc++] = g_strchomp (g_strdup (rest));
      break;
    }
    end = strchr (rest, ' ');
    if (end == NULL)
      end = rest + strlen (rest);
    argv[argc++] = g_strndup (rest, end - rest);
    rest = end;
  }
  return argc;
}

/**
 * gchat_command_parse:
 * Turn a line typed in the entry into a command. Text not starting with '/'
 * (or starting with "//", which sends one '/') is GCHAT_COMMAND_SAY.
 * Returns: FALSE with @error set for an unknown command or wrong arguments;
 * the message says how to call it.
 */
gboolean
gchat_command_parse (const char *input, GchatCommand *cmd, GError **error)
{
  const struct command_entry *entry;
  g_autofree char            *name = NULL;
  const char                 *rest;
  gsize                       len;

  memset (cmd, 0, sizeof *cmd);
  if (input == NULL || *input == '\0') {
    g_set_error_literal (error, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_EMPTY, "Nothing to send");
    return FALSE;
  }
  if (input[0] != '/' || input[1] == '/') {
    cmd->id = GCHAT_COMMAND_SAY;
    cmd->name = "say";
    cmd->argc = 1;
    cmd->argv[0] = g_strdup (input[0] == '/' ? input + 1 : input);
    return TRUE;
  }
  len = strcspn (input + 1, " ");
  name = g_strndup (input + 1, len);
  rest = input + 1 + len;
  entry = bsearch (name, commands, G_N_ELEMENTS (commands), sizeof commands[0], command_compare);
  if (entry == NULL) {
    g_set_error (error,
                 GCHAT_COMMAND_ERROR,
                 GCHAT_COMMAND_ERROR_UNKNOWN,
                 "Unknown command /%s (/help lists them)",
                 name);
    return FALSE;
  }
  cmd->id = entry->id;
  cmd->name = entry->name;
  cmd->online = !entry->offline;
  cmd->argc = entry->max_args > 0 ? command_split (rest, entry->max_args, cmd->argv) : 0;
  if (cmd->argc < entry->min_args ||
      (entry->max_args == 0 && strspn (rest, " ") != strlen (rest))) {
    gchat_command_clear (cmd);
    g_set_error (error, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_USAGE, "Usage: %s", entry->usage);
    return FALSE;
  }
  return TRUE;
}

/** gchat_command_clear: free the arguments. */
void
gchat_command_clear (GchatCommand *cmd)
{
  for (guint i = 0; i < G_N_ELEMENTS (cmd->argv); i++)
    g_clear_pointer (&cmd->argv[i], g_free);
  cmd->argc = 0;
}

/** gchat_command_help: every command's usage, one per line. */
char *
gchat_command_help (void)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "\n" : "", commands[i].usage);
  return g_string_free (s, FALSE);
}

/** gchat_completion_reset: forget the last completion (the user typed something). */
void
gchat_completion_reset (GchatCompletion *state)
{
  g_clear_pointer (&state->prefix, g_free);
  g_clear_pointer (&state->last, g_free);
  state->start = 0;
}

/* Whether @nick starts with @prefix under the ASCII case mapping. */
static gboolean
nick_has_prefix (const char *nick, const char *prefix)
{
  return g_ascii_strncasecmp (nick, prefix, strlen (prefix)) == 0;
}

/**
 * gchat_command_complete:
 * Complete the word before @cursor (a character offset) from @nicks. The
 * first press offers the first match in case-insensitive order; each
 * further press with the same @state offers the next one, wrapping around.
 * At the start of the line the nick gets ": ", elsewhere a space.
 * Returns: the new text, or NULL when nothing matches; @new_cursor is where
 * the cursor goes.
 */
char *
gchat_command_complete (GchatCompletion   *state,
                        const char        *text,
                        int                cursor,
                        const char *const *nicks,
                        int               *new_cursor)
{
  const char *best = NULL;
  const char *first = NULL;
  const char *cursor_p;
  const char *word_p;
  const char *tail;
  const char *suffix;
  GString    *out;
  gboolean    command = FALSE;
  /* "/away", "/ban" ...: built once, kept for the life of the program. */
  static const char **names;

  cursor_p = g_utf8_offset_to_pointer (text, cursor);
  if (state->prefix == NULL) {
    word_p = cursor_p;
    while (word_p > text && word_p[-1] != ' ')
      word_p--;
    if (word_p == cursor_p)
      return NULL;
    state->prefix = g_strndup (word_p, cursor_p - word_p);
    state->start = g_utf8_pointer_to_offset (text, word_p);
  }
  word_p = g_utf8_offset_to_pointer (text, state->start);
  /* "/jo" at the start of the line completes command names instead. */
  if (state->start == 0 && state->prefix[0] == '/') {
    if (names == NULL) {
      names = g_new0 (const char *, G_N_ELEMENTS (commands) + 1);
      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        names[i] = g_strconcat ("/", commands[i].name, NULL);
    }
    nicks = names;
    command = TRUE;
  }
  /* The smallest match after the last one offered, else the smallest. */
  for (guint i = 0; nicks[i] != NULL; i++) {
    if (!nick_has_prefix (nicks[i], state->prefix))
      continue;
    if (first == NULL || chat_casecmp (nicks[i], first) < 0)
      first = nicks[i];
    if (state->last != NULL && chat_casecmp (nicks[i], state->last) <= 0)
      continue;
    if (best == NULL || chat_casecmp (nicks[i], best) < 0)
      best = nicks[i];
  }
  if (best == NULL)
    best = first;
  if (best == NULL)
    return NULL;
  g_free (state->last);
  state->last = g_strdup (best);
  /* Replace everything from the word start to the cursor. */
  tail = cursor_p;
  suffix = state->start == 0 && !command ? ": " : " ";
  if (g_str_has_prefix (tail, suffix))
    tail += strlen (suffix);
  out = g_string_new_len (text, word_p - text);
  g_string_append (out, best);
  g_string_append (out, suffix);
  *new_cursor = (int)g_utf8_strlen (out->str, -1);
  g_string_append (out, tail);
  return g_string_free (out, FALSE);
}
