/*
 * test-failover.c: a server entry that lists two chatd processes (started
 * by gui.sh with GCHAT_TEST_SECOND: GCHAT_TEST_PORT and GCHAT_TEST_PORT2).
 * gchat ("kim") connects to the first; the test kills it by its PID
 * (GCHAT_TEST_CHATD_PID); gchat moves on to the second by itself, says so
 * in the status line, rejoins its group and fetches what was said there
 * since its newest line (CHATHISTORY LATEST after it; the second node never
 * saw that msgid, so gchat asks again by its time). Any Gtk warning fails.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         ivy; /* on the first chatd */
static RawClient         jon; /* on the second */
static guint16           port_a;
static guint16           port_b;

/* Gtk (and gchat) warnings are bugs here: fail on the spot. */
static void
fatal_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_error ("a warning was logged (%s): %s", domain, message);
}

/* The message of @conv whose text is @text (borrowed), or NULL. */
static GchatMessage *
conv_find (GchatConversation *conv, const char *text)
{
  GListModel *messages;

  if (conv == NULL)
    return NULL;
  messages = gchat_conversation_get_messages (conv);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    if (g_strcmp0 (gchat_message_get_text (msg), text) == 0)
      return msg; /* the conversation still holds a reference */
  }
  return NULL;
}

/* How many messages of @conv have the text @text. */
static guint
conv_count (GchatConversation *conv, const char *text)
{
  GListModel *messages = gchat_conversation_get_messages (conv);
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
    g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

    n += g_strcmp0 (gchat_message_get_text (msg), text) == 0;
  }
  return n;
}

/* Condition: #net holds the line @data. */
static gboolean
net_says (gpointer data)
{
  return conv_find (gchat_session_find (session, "#net"), data) != NULL;
}

/* Condition: the status line is @data. */
static gboolean
status_is (gpointer data)
{
  return g_strcmp0 (gchat_session_get_status (session), data) == 0;
}

/* Condition: #net is joined. */
static gboolean
net_joined (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#net");

  return conv != NULL && gchat_conversation_get_joined (conv) == GPOINTER_TO_INT (data);
}

/* Step: the entry lists both; gchat is on the first, in #net with ivy. */
static void
test_first (void)
{
  GchatConfig     *config = g_new0 (GchatConfig, 1);
  g_autofree char *status = NULL;

  gui_raw_connect (&ivy, port_a, "ivy");
  gui_raw_send (&ivy, "JOIN #net");
  gui_raw_expect (&ivy, ":* 366 ivy #net *");
  config->host = g_strdup_printf ("127.0.0.1:%u, 127.0.0.1:%u", port_a, port_b);
  config->port = 6667; /* unused: both addresses name their port */
  config->nick = g_strdup ("kim");
  config->realname = g_strdup ("Kim Test");
  window = gchat_window_new (GTK_APPLICATION (app), config);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  gtk_window_present (GTK_WINDOW (window));
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_cmpuint (gchat_session_get_addresses_count (session), ==, 2);
  g_assert_cmpuint (gchat_session_get_port (session), ==, port_a);
  status = g_strdup_printf ("Connected to 127.0.0.1:%u as kim", port_a);
  g_assert_cmpstr (gchat_session_get_status (session), ==, status);
  gui_type_line (window, "/join #net");
  g_assert_true (gui_wait_for (net_joined, GINT_TO_POINTER (TRUE)));
  gui_raw_send (&ivy, "PRIVMSG #net :hello from the first node");
  g_assert_true (gui_wait_for (net_says, (gpointer) "hello from the first node"));
  g_assert_nonnull (gchat_message_get_msgid (
    conv_find (gchat_session_find (session, "#net"), "hello from the first node")));
}

/*
 * Step: the first chatd is killed; while gchat waits to reconnect, jon
 * talks in #net on the second. gchat ends up there, in #net again, with
 * jon's line loaded from the second node's history and nothing twice.
 */
static void
test_failover (void)
{
  const char        *pid_env = g_getenv ("GCHAT_TEST_CHATD_PID");
  GchatConversation *net = gchat_session_find (session, "#net");
  g_autofree char   *status = g_strdup_printf ("Connected to 127.0.0.1:%u as kim", port_b);
  GchatMessage      *missed;

  g_assert_nonnull (pid_env);
  gui_raw_connect (&jon, port_b, "jon");
  gui_raw_send (&jon, "JOIN #net");
  gui_raw_expect (&jon, ":* 366 jon #net *");
  g_assert_cmpint (kill ((pid_t)atoi (pid_env), SIGTERM), ==, 0);
  g_assert_true (gui_wait_for (net_joined, GINT_TO_POINTER (FALSE)));
  gui_raw_send (&jon, "PRIVMSG #net :said while you were moving");
  /* A round trip: the line is stored before gchat comes to ask. */
  gui_raw_send (&jon, "HISTORY #net 1");
  gui_raw_expect (&jon, "*End of history of #net*");
  g_assert_true (gui_wait_for (status_is, status));
  g_assert_cmpuint (gchat_session_get_port (session), ==, port_b);
  g_assert_true (gui_wait_for (net_joined, GINT_TO_POINTER (TRUE)));
  g_assert_true (gchat_session_find (session, "#net") == net);
  gui_raw_expect (&jon, ":kim!* JOIN #net*");
  if (!gui_wait_for (net_says, (gpointer) "said while you were moving")) {
    GchatConversation *convs[] = { net, gchat_session_get_server (session) };

    for (guint c = 0; c < 2; c++) {
      GListModel *m = gchat_conversation_get_messages (convs[c]);

      for (guint i = 0; i < g_list_model_get_n_items (m); i++) {
        g_autoptr (GchatMessage) msg = g_list_model_get_item (m, i);

        g_printerr ("# %u: %s\n", c, gchat_message_get_text (msg));
      }
    }
    g_error ("the line said on the second node never came");
  }
  missed = conv_find (net, "said while you were moving");
  g_assert_true (gchat_message_get_history (missed));
  g_assert_cmpuint (conv_count (net, "hello from the first node"), ==, 1);
  {
    g_autofree char *note =
      g_strdup_printf ("Trying the next server of the list, 127.0.0.1:%u", port_b);

    g_assert_nonnull (conv_find (gchat_session_get_server (session), note));
  }
  gui_type_line (window, "back, on the second node");
  gui_raw_expect (&jon, ":kim!* PRIVMSG #net :back, on the second node");
  gui_screenshot ("gchat-failover.png");
}

int
main (int argc, char **argv)
{
  const char *port2 = g_getenv ("GCHAT_TEST_PORT2");
  int         status;

  app = gui_test_init (argc, argv, &port_a);
  if (app == NULL)
    return 0;
  if (port2 == NULL) {
    g_print ("1..0 # SKIP run through failover.sh (GCHAT_TEST_PORT2 is not set)\n");
    return 0;
  }
  port_b = (guint16)atoi (port2);
  g_log_set_handler ("Gtk", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL, fatal_warning, NULL);
  g_log_set_handler ("gchat", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL, fatal_warning, NULL);
  g_test_add_func ("/failover/first", test_first);
  g_test_add_func ("/failover/next", test_failover);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&ivy);
  gui_raw_close (&jon);
  g_clear_object (&app);
  return status;
}
