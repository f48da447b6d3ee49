/* gchat-command.h: slash commands typed in the entry, and nick completion. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  GCHAT_COMMAND_SAY = 0, /* plain text (or "//text") for the current conversation */
  GCHAT_COMMAND_JOIN,
  GCHAT_COMMAND_PART,
  GCHAT_COMMAND_MSG,
  GCHAT_COMMAND_ME,
  GCHAT_COMMAND_TOPIC,
  GCHAT_COMMAND_KICK,
  GCHAT_COMMAND_BAN,
  GCHAT_COMMAND_INVITE,
  GCHAT_COMMAND_NICK,
  GCHAT_COMMAND_AWAY,
  GCHAT_COMMAND_QUOTE,
  GCHAT_COMMAND_QUERY,
  GCHAT_COMMAND_CLOSE,
  GCHAT_COMMAND_SENDFILE,
  GCHAT_COMMAND_TTT,
  GCHAT_COMMAND_HELP,
  GCHAT_COMMAND_PASSWORD,
  GCHAT_COMMAND_LOGOUT,
  GCHAT_COMMAND_PROFILE,
} GchatCommandId;

/* A parsed command: up to three arguments, the last one keeps the rest. */
typedef struct
{
  GchatCommandId id;
  const char    *name;
  gboolean       online; /* needs a connection (the table says) */
  guint          argc;
  char          *argv[3];
} GchatCommand;

#define GCHAT_COMMAND_ERROR (gchat_command_error_quark ())
GQuark gchat_command_error_quark (void);

typedef enum {
  GCHAT_COMMAND_ERROR_UNKNOWN,
  GCHAT_COMMAND_ERROR_USAGE,
  GCHAT_COMMAND_ERROR_EMPTY,
} GchatCommandError;

gboolean    gchat_command_parse (const char *input, GchatCommand *cmd, GError **error);
void        gchat_command_clear (GchatCommand *cmd);
const char *gchat_command_usage (GchatCommandId id);
char       *gchat_command_help (void);

/* Tab completion state kept by the entry between presses. */
typedef struct
{
  char *prefix; /* the word as typed before the first Tab */
  char *last;   /* the nick offered last time */
  int   start;  /* where the word starts, in characters */
} GchatCompletion;

char *gchat_command_complete (GchatCompletion   *state,
                              const char        *text,
                              int                cursor,
                              const char *const *nicks,
                              int               *new_cursor);
void  gchat_completion_reset (GchatCompletion *state);

G_END_DECLS
