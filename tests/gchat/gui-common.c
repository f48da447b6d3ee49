/*
 * gui-common.c: the harness the gchat GTest programs share (see
 * gui-common.h). Nothing here knows which test runs it.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "gui-common.h"

/* Keeps the argument vector alive for GTest, which holds on to it. */
static GPtrArray *gui_args;

/*
 * Start GTest in TAP mode with fatal criticals and register a gchat
 * application; *port is the chatd port that gui.sh passes. Returns: the
 * application, or NULL (after printing a TAP skip) when run without gui.sh.
 */
GchatApplication *
gui_test_init (int argc, char **argv, guint16 *port)
{
  const char       *port_env = g_getenv ("GCHAT_TEST_PORT");
  int               n;
  char            **v;
  GchatApplication *app;

  gui_args = g_ptr_array_new ();
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (gui_args, argv[i]);
  g_ptr_array_add (gui_args, (char *)"--tap");
  g_ptr_array_add (gui_args, NULL);
  n = (int)gui_args->len - 1;
  v = (char **)gui_args->pdata;
  gtk_test_init (&n, &v, NULL);
  /*
   * Criticals stay fatal (G_DEBUG=fatal-criticals); warnings do not, because
   * GIO warns when no notification daemon runs, as under Xvfb.
   */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  if (port_env == NULL) {
    g_print ("1..0 # SKIP run through gui.sh (GCHAT_TEST_PORT is not set)\n");
    return NULL;
  }
  *port = (guint16)atoi (port_env);
  app = gchat_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

/* Spin the main loop until @cond holds or GUI_WAIT_MS passes. */
gboolean
gui_wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + GUI_WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (!cond (data)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  }
  return TRUE;
}

/* Spin the main loop for @ms milliseconds (to let layout settle, or for what must not happen). */
void
gui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* The first visible GtkLabel under @root showing @text, or NULL. */
GtkWidget *
gui_find_label (GtkWidget *root, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child) &&
        g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
      return child;
    if ((found = gui_find_label (child, text)) != NULL)
      return found;
  }
  return NULL;
}

/* In a helper's child, before exec: receive SIGTERM when the test ends, even by aborting. */
static void
gui_child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/*
 * Start a helper process (an HTTP server, a peer) that cannot outlive the
 * test: a failed assertion aborts before any cleanup, and the kernel then
 * stops the child. Returns: the process, or NULL with @error.
 */
GSubprocess *
gui_spawn (GSubprocessFlags flags, const char *const *argv, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, gui_child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/* Let pending redraws and idles run (bounded). */
void
gui_drain (void)
{
  for (int i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* Save a screenshot of the screen when GCHAT_SHOT_DIR asks for it. */
void
gui_screenshot (const char *name)
{
  const char      *dir = g_getenv ("GCHAT_SHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *cmd = NULL;
  gint64           end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  if (dir == NULL)
    return;
  while (g_get_monotonic_time () < end) {
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  }
  path = g_build_filename (dir, name, NULL);
  cmd = g_strdup_printf ("import -window root -trim +repage %s", path);
  if (!g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL))
    g_test_message ("could not save %s", path);
}

/* The first of @lines that matches @glob, or NULL. */
const char *
gui_lines_find (GPtrArray *lines, const char *glob)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (lines, i)))
      return g_ptr_array_index (lines, i);
  return NULL;
}

typedef struct
{
  GPtrArray  *lines;
  const char *glob;
} GuiLinesWait;

/* Condition: one of the lines matches the glob. */
static gboolean
gui_lines_seen (gpointer data)
{
  GuiLinesWait *w = data;

  return gui_lines_find (w->lines, w->glob) != NULL;
}

/*
 * Wait until one of @lines (which the main loop fills) matches @glob; fail
 * the test otherwise, showing what @who got so the log says why.
 */
void
gui_lines_expect (GPtrArray *lines, const char *glob, const char *who)
{
  GuiLinesWait w = { lines, glob };

  if (!gui_wait_for (gui_lines_seen, &w)) {
    for (guint i = 0; i < lines->len; i++)
      g_test_message ("%s: %s", who, (char *)g_ptr_array_index (lines, i));
    g_error ("%s never matched “%s”", who, glob);
  }
}

/* Raw client: keep reading lines into c->lines, answering PINGs. */
static void
gui_raw_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RawClient *c = user_data;
  g_autoptr (GError) error = NULL;
  char *line =
    g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);

  if (line == NULL)
    return;
  g_strchomp (line);
  g_ptr_array_add (c->lines, line);
  if (g_str_has_prefix (line, "PING ")) {
    g_autofree char *pong = g_strdup_printf ("PONG %s\r\n", line + 5);

    g_output_stream_write_all (c->out, pong, strlen (pong), NULL, NULL, NULL);
  }
  g_data_input_stream_read_line_async (c->in, G_PRIORITY_DEFAULT, c->cancel, gui_raw_read_cb, c);
}

/* Raw client: send one line (CR LF added). */
void
gui_raw_send (RawClient *c, const char *line)
{
  g_autofree char *wire = g_strconcat (line, "\r\n", NULL);

  g_assert_true (g_output_stream_write_all (c->out, wire, strlen (wire), NULL, NULL, NULL));
}

/* Wait until the raw client received a line matching @glob. */
void
gui_raw_expect (RawClient *c, const char *glob)
{
  gui_lines_expect (c->lines, glob, "the raw client");
}

/* Connect the raw client to chatd on @port and register it as @nick. */
void
gui_raw_connect (RawClient *c, guint16 port, const char *nick)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *nick_line = g_strdup_printf ("NICK %s", nick);
  g_autofree char *user_line = g_strdup_printf ("USER %s 0 * :Raw %s", nick, nick);

  c->conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  c->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (c->conn)));
  g_data_input_stream_set_newline_type (c->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  c->out = g_io_stream_get_output_stream (G_IO_STREAM (c->conn));
  c->cancel = g_cancellable_new ();
  c->lines = g_ptr_array_new_with_free_func (g_free);
  g_data_input_stream_read_line_async (c->in, G_PRIORITY_DEFAULT, c->cancel, gui_raw_read_cb, c);
  gui_raw_send (c, nick_line);
  gui_raw_send (c, user_line);
  gui_raw_expect (c, ":* 001 *");
}

/* Condition: the GchatSession @session is connected. */
gboolean
gui_is_connected (gpointer session)
{
  return gchat_connection_get_state (gchat_session_get_connection (session)) ==
    GCHAT_CONNECTION_CONNECTED;
}

/* The message rows under @widget (a message view) that are currently shown. */
void
gui_collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (GCHAT_IS_MESSAGE_ROW (child))
      g_ptr_array_add (rows, child);
    else
      gui_collect_rows (child, rows);
  }
}

/* The row of @window's message view whose text is @text, or NULL. */
GchatMessageRow *
gui_find_row (GchatWindow *window, const char *text)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  gui_collect_rows (GTK_WIDGET (gchat_window_get_message_view (window)), rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (gchat_message_row_get_text (rows->pdata[i]), text) == 0)
      return rows->pdata[i];
  return NULL;
}

/* Type @text into @window's entry and press Enter. */
void
gui_type_line (GchatWindow *window, const char *text)
{
  GtkEntry *entry = gchat_window_get_entry (window);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
}

/* The widget with the buildable id @id under @root (popovers included), or NULL. */
GtkWidget *
gui_find_by_id (GtkWidget *root, const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found;

    if (GTK_IS_BUILDABLE (child) &&
        g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (child)), id) == 0)
      return child;
    if ((found = gui_find_by_id (child, id)) != NULL)
      return found;
  }
  return NULL;
}

/* The open toplevel window of @type (a dialog, say), or NULL. */
GtkWidget *
gui_find_toplevel (GType type)
{
  GListModel *tops = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
    g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
      return w; /* the toplevel list keeps it alive */
  }
  return NULL;
}

/* Whether @model (or a section of it) has an item whose @attribute (label, action) is @value. */
gboolean
gui_menu_has (GMenuModel *model, const char *attribute, const char *value)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++) {
    g_autofree char *v = NULL;
    GMenuModel      *section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

    if (section != NULL) {
      gboolean found = gui_menu_has (section, attribute, value);

      g_object_unref (section);
      if (found)
        return TRUE;
    }
    if (g_menu_model_get_item_attribute (model, i, attribute, "s", &v) && g_strcmp0 (v, value) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The menu button with the tooltip @label under @widget, or NULL. */
GtkMenuButton *
gui_find_menu_button (GtkWidget *widget, const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkMenuButton *found;

    if (GTK_IS_MENU_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), label) == 0)
      return GTK_MENU_BUTTON (child);
    if ((found = gui_find_menu_button (child, label)) != NULL)
      return found;
  }
  return NULL;
}

/* Condition: the menu button in @data has its popover on screen. */
gboolean
gui_popover_mapped (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (data);

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

/* Close a raw client (nothing if it never connected); it can connect again. */
void
gui_raw_close (RawClient *c)
{
  if (c->conn == NULL)
    return;
  g_cancellable_cancel (c->cancel);
  g_clear_object (&c->in);
  c->out = NULL; /* the connection's own stream */
  g_clear_object (&c->conn);
  g_clear_object (&c->cancel);
  g_clear_pointer (&c->lines, g_ptr_array_unref);
}

/*
 * A main window for @app on a chatd at 127.0.0.1:@port as @nick, logged in
 * to @account with @password when given (registering it first if
 * @register_account), @width by @height, on screen but not connected yet.
 */
GchatWindow *
gui_open_window (GchatApplication *app,
                 guint16           port,
                 const char       *nick,
                 const char       *account,
                 const char       *password,
                 gboolean          register_account,
                 int               width,
                 int               height)
{
  GchatConfig *config = g_new0 (GchatConfig, 1);
  GchatWindow *window;

  config->host = g_strdup ("127.0.0.1");
  config->port = port;
  config->nick = g_strdup (nick);
  config->realname = g_strdup_printf ("%c%s Test", g_ascii_toupper (nick[0]), nick + 1);
  config->account = g_strdup (account);
  config->password = g_strdup (password);
  config->register_account = register_account;
  window = gchat_window_new (GTK_APPLICATION (app), config);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}
