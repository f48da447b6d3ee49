/*
 * gchat-server-actions.c: a "server" action group on the main window:
 *
 *   server.oper          Become server operator… (GchatOperDialog)
 *   server.deoper        MODE <me> -o
 *   server.rehash        REHASH
 *   server.die           DIE, after a confirmation
 *   server.kill(s)       KILL nick :reason, after a confirmation with a reason
 *   server.stats         our tic-tac-toe record (GchatStatsDialog)
 *   server.record(s)     someone else's record
 *   server.info          Server information (GchatServerInfoDialog)
 *
 * The operator actions are enabled only while the session is an operator
 * (server.oper only while it is not), and the menus hide them when
 * disabled (hidden-when="action-disabled"). The
 * server's answers to them come back from GchatServerRequests::reply and
 * are shown in words in one message window.
 */
#include "config.h"

#include "gchat-confirm-dialog.h"
#include "gchat-oper-dialog.h"
#include "gchat-server-actions.h"
#include "gchat-server-info-dialog.h"
#include "gchat-stats-dialog.h"

#define SERVER_ACTIONS_KEY "gchat-server-actions"

typedef struct
{
  GtkWindow          *window; /* owns this */
  GchatSession       *session;
  GSimpleActionGroup *group;
  GtkWidget          *result; /* weak: the message window with the answers */
  GtkWidget          *stats;  /* weak */
  GtkWidget          *info;   /* weak */
} ServerActions;

/* Free the state when the window goes. */
static void
server_actions_free (ServerActions *sa)
{
  g_clear_weak_pointer (&sa->result);
  g_clear_weak_pointer (&sa->stats);
  g_clear_weak_pointer (&sa->info);
  g_object_unref (sa->group);
  g_free (sa);
}

/* Enable action @name or not. */
static void
server_actions_enable (ServerActions *sa, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (sa->group), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* Connection state or operator status changed: which actions make sense. */
static void
server_actions_sync (GtkWindow *window)
{
  ServerActions *sa = g_object_get_data (G_OBJECT (window), SERVER_ACTIONS_KEY);
  gboolean       online;
  gboolean       oper;
  int            state = 0;

  if (sa == NULL || sa->session == NULL)
    return;
  g_object_get (sa->session, "state", &state, NULL);
  online = state == GCHAT_CONNECTION_CONNECTED;
  oper = online && gchat_session_get_operator (sa->session);
  server_actions_enable (sa, "oper", online && !oper);
  server_actions_enable (sa, "deoper", oper);
  server_actions_enable (sa, "rehash", oper);
  server_actions_enable (sa, "die", oper);
  server_actions_enable (sa, "kill", oper);
  server_actions_enable (sa, "stats", online);
  server_actions_enable (sa, "record", online);
  server_actions_enable (sa, "info", online);
}

/* The requests object of the window's session. */
static GchatServerRequests *
server_actions_requests (ServerActions *sa)
{
  return gchat_session_get_requests (sa->session);
}

/* Operator: ask for name and password. */
static void
oper_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions   *sa = user_data;
  GchatOperDialog *dialog = gchat_oper_dialog_new (sa->window, server_actions_requests (sa));

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Give up operator status. */
static void
deoper_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions *sa = user_data;

  gchat_server_requests_give_up_operator (server_actions_requests (sa));
}

/* Reload the server's configuration; the answer shows in the message window. */
static void
rehash_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions *sa = user_data;

  gchat_server_requests_rehash (server_actions_requests (sa));
}

/* Shut down confirmed. */
static void
on_die_confirmed (GchatConfirmDialog *dialog, const char *reason, ServerActions *sa)
{
  gchat_server_requests_die (server_actions_requests (sa), reason);
}

/* Shut the server down, after saying clearly what that does. */
static void
die_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions   *sa = user_data;
  const char      *host = gchat_session_get_host (sa->session);
  g_autofree char *body =
    g_strdup_printf ("The chat server %s stops running. Every user, you included, is disconnected, "
                     "and nobody can connect again until its administrator starts it again. "
                     "gchat cannot undo this.",
                     host != NULL ? host : "");
  GchatConfirmDialog *dialog = gchat_confirm_dialog_new (sa->window,
                                                         "Shut down",
                                                         "Shut down the whole server?",
                                                         body,
                                                         "Shut Down Server");

  gchat_confirm_dialog_ask_reason (dialog, "_Reason (optional, sent to everyone)");
  g_signal_connect (dialog, "confirmed", G_CALLBACK (on_die_confirmed), sa);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Disconnect confirmed: the nick rides on the dialog. */
static void
on_kill_confirmed (GchatConfirmDialog *dialog, const char *reason, ServerActions *sa)
{
  const char *nick = g_object_get_data (G_OBJECT (dialog), "gchat-nick");

  gchat_server_requests_kill (server_actions_requests (sa), nick, reason);
}

/* Disconnect a user from the server: ask for a reason and confirm. */
static void
kill_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions   *sa = user_data;
  const char      *nick = g_variant_get_string (param, NULL);
  g_autofree char *heading = g_strdup_printf ("Disconnect %s from the server?", nick);
  g_autofree char *body = g_strdup_printf (
    "%s's connection is closed now. Everyone who shares a group with them sees them "
    "leave with your reason. They can connect again.",
    nick);
  GchatConfirmDialog *dialog =
    gchat_confirm_dialog_new (sa->window, "Disconnect user", heading, body, "Disconnect");

  g_object_set_data_full (G_OBJECT (dialog), "gchat-nick", g_strdup (nick), g_free);
  gchat_confirm_dialog_ask_reason (dialog, "_Reason (shown to them and to others)");
  g_signal_connect (dialog, "confirmed", G_CALLBACK (on_kill_confirmed), sa);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Show @nick's record (NULL: ours), reusing an open statistics dialog. */
static void
server_actions_show_stats (ServerActions *sa, const char *nick)
{
  const char *me = gchat_connection_get_nick (gchat_session_get_connection (sa->session));

  if (sa->stats != NULL) {
    gchat_stats_dialog_show_player (GCHAT_STATS_DIALOG (sa->stats), nick != NULL ? nick : me);
  } else {
    GtkWidget *dialog =
      GTK_WIDGET (gchat_stats_dialog_new (sa->window, server_actions_requests (sa), nick, me));

    g_set_weak_pointer (&sa->stats, dialog);
  }
  gtk_window_present (GTK_WINDOW (sa->stats));
}

/* Our own game statistics. */
static void
stats_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  server_actions_show_stats (user_data, NULL);
}

/* Someone's game record. */
static void
record_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  server_actions_show_stats (user_data, g_variant_get_string (param, NULL));
}

/* Server information, asked afresh. */
static void
info_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ServerActions *sa = user_data;

  if (sa->info != NULL) {
    gchat_server_requests_info (server_actions_requests (sa));
  } else {
    GtkWidget *dialog =
      GTK_WIDGET (gchat_server_info_dialog_new (sa->window,
                                                server_actions_requests (sa),
                                                gchat_session_get_host (sa->session)));

    g_set_weak_pointer (&sa->info, dialog);
  }
  gtk_window_present (GTK_WINDOW (sa->info));
}

/* An operator command was answered: say so in the message window. */
static void
on_reply (GchatServerRequests *requests,
          GchatServerReply     what,
          gboolean             ok,
          const char          *text,
          GtkWindow           *window)
{
  ServerActions *sa = g_object_get_data (G_OBJECT (window), SERVER_ACTIONS_KEY);
  const char    *heading = what == GCHAT_SERVER_REPLY_KILL ? "Disconnecting a user"
       : what == GCHAT_SERVER_REPLY_REHASH                 ? "Reloading the configuration"
       : what == GCHAT_SERVER_REPLY_DIE                    ? "Shutting down the server"
                                                           : "Giving up operator status";

  if (sa == NULL)
    return;
  if (sa->result != NULL) {
    gchat_confirm_dialog_add_text (GCHAT_CONFIRM_DIALOG (sa->result), text);
  } else {
    GtkWidget *dialog =
      GTK_WIDGET (gchat_confirm_dialog_new_message (window, "Server operator", heading, text));

    g_set_weak_pointer (&sa->result, dialog);
  }
  gtk_window_present (GTK_WINDOW (sa->result));
}

static const GActionEntry server_actions[] = {
  { .name = "oper", .activate = oper_activated },
  { .name = "deoper", .activate = deoper_activated },
  { .name = "rehash", .activate = rehash_activated },
  { .name = "die", .activate = die_activated },
  { .name = "kill", .activate = kill_activated, .parameter_type = "s" },
  { .name = "stats", .activate = stats_activated },
  { .name = "record", .activate = record_activated, .parameter_type = "s" },
  { .name = "info", .activate = info_activated },
};

/** gchat_server_actions_get: the "server." actions of @window (tests read their state). */
GActionGroup *
gchat_server_actions_get (GtkWindow *window)
{
  ServerActions *sa = g_object_get_data (G_OBJECT (window), SERVER_ACTIONS_KEY);

  return sa != NULL ? G_ACTION_GROUP (sa->group) : NULL;
}

/**
 * gchat_server_actions_install:
 * Add the "server." actions to @window for @session (which the window
 * owns and outlives).
 */
void
gchat_server_actions_install (GtkWindow *window, GchatSession *session)
{
  ServerActions *sa = g_new0 (ServerActions, 1);

  sa->window = window;
  sa->session = session;
  sa->group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (sa->group),
                                   server_actions,
                                   G_N_ELEMENTS (server_actions),
                                   sa);
  g_object_set_data_full (G_OBJECT (window),
                          SERVER_ACTIONS_KEY,
                          sa,
                          (GDestroyNotify)server_actions_free);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "server", G_ACTION_GROUP (sa->group));
  g_signal_connect_object (session,
                           "notify::state",
                           G_CALLBACK (server_actions_sync),
                           window,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session,
                           "notify::operator",
                           G_CALLBACK (server_actions_sync),
                           window,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gchat_session_get_requests (session),
                           "reply",
                           G_CALLBACK (on_reply),
                           window,
                           0);
  server_actions_sync (window);
}
