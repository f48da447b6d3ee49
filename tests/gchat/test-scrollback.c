/*
 * test-scrollback.c: loading earlier messages against a real chatd with
 * its store (started by gui.sh with loopback exempt from flood control,
 * port in GCHAT_TEST_PORT). A raw client ("rob") writes 120 numbered lines
 * into a group before gchat ("sam") joins: gchat shows the latest 50;
 * scrolling to the top loads the 50 before them, in order, with the line
 * read at the top kept in place; then the last 20 and the "Beginning of
 * the conversation" row. The same for a private conversation between two
 * accounts, where the first load comes from the "Load earlier messages"
 * button (the keyboard's and screen reader's way).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-message-row.h"
#include "gchat-scrollback-row.h"
#include "gchat-window.h"
#include "gui-common.h"

#define LINES 120

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         rob;
static guint16           port;

/* What a test waits for: a conversation, a state and a number of chat lines. */
typedef struct
{
  const char          *name;
  GchatScrollbackState state;
  guint                chat;
} Want;

/* Chat lines (not notes, not the divider) in @conv. */
static guint
count_chat (GchatConversation *conv)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    n += gchat_message_is_chat (m);
  }
  return n;
}

/* Condition: the conversation is in the state with that many chat lines. */
static gboolean
reached (gpointer data)
{
  Want              *w = data;
  GchatConversation *conv = gchat_session_find (session, w->name);

  return conv != NULL && gchat_conversation_get_scrollback (conv) == w->state &&
    count_chat (conv) == w->chat;
}

/* Condition: the conversation has a line with this text (the last one sent). */
static gboolean
has_line (gpointer data)
{
  const char       **w = data;
  GchatConversation *conv = gchat_session_find (session, w[0]);
  GListModel        *msgs;

  if (conv == NULL)
    return FALSE;
  msgs = gchat_conversation_get_messages (conv);
  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    if (g_strcmp0 (gchat_message_get_text (m), w[1]) == 0)
      return TRUE;
  }
  return FALSE;
}

/*
 * The chat lines of @conv are "<prefix> NNN" from @first to LINES, each
 * once, in order, all from rob; every other item is a note, so the count
 * is the lines plus the notes.
 */
static void
assert_lines (GchatConversation *conv, const char *prefix, guint first, gboolean history)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  guint       n = g_list_model_get_n_items (msgs);
  guint       next = first;
  guint       notes = 0;

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);
    g_autofree char *want = NULL;

    if (!gchat_message_is_chat (m)) {
      notes++;
      continue;
    }
    want = g_strdup_printf ("%s %03u", prefix, next++);
    g_assert_cmpstr (gchat_message_get_text (m), ==, want);
    g_assert_cmpstr (gchat_message_get_nick (m), ==, "rob");
    if (history)
      g_assert_true (gchat_message_get_history (m));
  }
  g_assert_cmpuint (next, ==, LINES + 1);
  g_assert_cmpuint (n, ==, LINES - first + 1 + notes);
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);
}

/* The message view's vertical adjustment. */
static GtkAdjustment *
vadj (void)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (gchat_window_get_message_view (window)));
}

/* Let the view lay out (a few frames). */
static void
settle (void)
{
  gui_spin (250);
}

/* The y of @text's row in the view, or -1 when it is not on screen. */
static double
row_y (const char *text)
{
  GtkWidget       *view = GTK_WIDGET (gchat_window_get_message_view (window));
  GchatMessageRow *row = gui_find_row (window, text);
  graphene_point_t p;

  if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)) ||
      !gtk_widget_compute_point (GTK_WIDGET (row), view, &GRAPHENE_POINT_INIT (0, 0), &p))
    return -1;
  if (p.y + gtk_widget_get_height (GTK_WIDGET (row)) <= 0 || p.y >= gtk_widget_get_height (view))
    return -1;
  return p.y;
}

/* Condition: the row is on screen again, near where it was (data: Kept). */
typedef struct
{
  const char *text;
  double      y;
} Kept;

static gboolean
kept_in_place (gpointer data)
{
  Kept  *k = data;
  double y = row_y (k->text);

  return y >= 0 && ABS (y - k->y) < 2.0 && gtk_adjustment_get_value (vadj ()) > 0;
}

/* The scrollback row in the view (on screen), or NULL. */
static GchatScrollbackRow *
find_scrollback_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GchatScrollbackRow *row;

    if (GCHAT_IS_SCROLLBACK_ROW (child) && gtk_widget_get_mapped (child))
      return GCHAT_SCROLLBACK_ROW (child);
    if ((row = find_scrollback_row (child)) != NULL)
      return row;
  }
  return NULL;
}

/* Condition: the scrollback row is on screen with that text (data; "" for the button). */
static gboolean
scrollback_row_says (gpointer data)
{
  GchatScrollbackRow *row =
    find_scrollback_row (GTK_WIDGET (gchat_window_get_message_view (window)));

  return row != NULL && g_strcmp0 (gchat_scrollback_row_get_text (row), data) == 0;
}

/* Scroll to the very top, as a person dragging the scrollbar up would. */
static void
scroll_to_top (void)
{
  gtk_adjustment_set_value (vadj (), gtk_adjustment_get_lower (vadj ()));
}

/* Condition: the row that was at the top is on screen in the upper half, the view not at 0. */
static gboolean
still_read (gpointer data)
{
  double y = row_y (data);

  return y >= 0 && y < gtk_adjustment_get_page_size (vadj ()) / 2 &&
    gtk_adjustment_get_value (vadj ()) > gtk_adjustment_get_lower (vadj ());
}

/* Condition: the conversation waits for the server, or got its answer already. */
static gboolean
loading (gpointer data)
{
  Want              *w = data;
  GchatConversation *conv = gchat_session_find (session, w->name);

  return gchat_conversation_get_scrollback (conv) == GCHAT_SCROLLBACK_LOADING || reached (w);
}

/*
 * Scroll to the top and wait for @chat lines in @state. The line read at
 * the top (the oldest shown) stays where it was on screen when loading
 * began, and the view is no longer at 0.
 */
static void
load_by_scrolling (const char *name, const char *top_line, GchatScrollbackState state, guint chat)
{
  Want w = { name, state, chat };
  Kept k = { top_line, -1 };

  scroll_to_top ();
  g_assert_true (gui_wait_for (loading, &w));
  /* Asked once the rows were laid out at the top: where the line is now is where it stays. */
  if (!reached (&w))
    k.y = row_y (top_line);
  g_assert_true (gui_wait_for (reached, &w));
  /* Layout may take more than one pass on a loaded machine: wait for it. */
  g_assert_true (gui_wait_for (still_read, (gpointer)top_line));
  settle ();
  if (k.y >= 0 && !kept_in_place (&k))
    g_test_message ("kept at %f, now at %f", k.y, row_y (k.text));
  if (k.y >= 0)
    g_assert_true (kept_in_place (&k));
}

/* Write LINES lines "<prefix> NNN" from rob to @target. */
static void
rob_writes (const char *target, const char *prefix)
{
  for (guint i = 1; i <= LINES; i++) {
    g_autofree char *line = g_strdup_printf ("PRIVMSG %s :%s %03u", target, prefix, i);

    gui_raw_send (&rob, line);
  }
}

/*
 * Step: rob (an account) fills #long with 120 lines; sam (gchat, a new
 * account) joins and sees the latest 50, then scrolls up twice: 50 more,
 * then 20 and the beginning, in order, without copies, never unread.
 */
static void
test_group (void)
{
  GchatConversation  *conv;
  GchatScrollbackRow *row;
  Want                latest = { "#long", GCHAT_SCROLLBACK_MORE, 50 };

  gui_raw_connect (&rob, port, "rob");
  gui_raw_send (&rob, "REGISTER rob * robs-password");
  gui_raw_expect (&rob, "*REGISTER SUCCESS rob*");
  gui_raw_send (&rob, "JOIN #long");
  gui_raw_expect (&rob, ":* 366 rob #long *");
  rob_writes ("#long", "group line");
  /* A round trip: every line is stored before sam asks. */
  gui_raw_send (&rob, "HISTORY #long 1");
  gui_raw_expect (&rob, "*End of history of #long*");

  window = gui_open_window (app, port, "sam", "sam", "sams-password", TRUE, 900, 560);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_true (gchat_session_supports (session, "CHATHISTORY"));
  gui_type_line (window, "/join #long");
  g_assert_true (gui_wait_for (reached, &latest));
  conv = gchat_session_find (session, "#long");
  g_assert_true (gchat_window_get_shown (window) == conv);
  assert_lines (conv, "group line", 71, TRUE);
  settle ();

  load_by_scrolling ("#long", "group line 071", GCHAT_SCROLLBACK_MORE, 100);
  assert_lines (conv, "group line", 21, TRUE);
  load_by_scrolling ("#long", "group line 021", GCHAT_SCROLLBACK_BEGINNING, LINES);
  assert_lines (conv, "group line", 1, TRUE);

  /* At the top now: the quiet row says it, and nothing more is asked. */
  scroll_to_top ();
  g_assert_true (gui_wait_for (scrollback_row_says, (gpointer) "Beginning of the conversation"));
  row = find_scrollback_row (GTK_WIDGET (gchat_window_get_message_view (window)));
  g_assert_false (gtk_widget_get_visible (gchat_scrollback_row_get_button (row)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Beginning of the conversation");
  g_assert_nonnull (gui_find_row (window, "group line 001"));
  settle ();
  g_assert_cmpint (gchat_conversation_get_scrollback (conv), ==, GCHAT_SCROLLBACK_BEGINNING);
  assert_lines (conv, "group line", 1, TRUE);
  gui_screenshot ("gchat-scrollback-beginning.png");
}

/*
 * Step: rob writes 120 private lines to sam; sam closes the conversation
 * and opens it again: the latest 50 from history; the "Load earlier
 * messages" button loads 50 more, keeping the line read in place; then
 * scrolling to the top the last 20 and the beginning.
 */
static void
test_private (void)
{
  const char         *last[] = { "rob", "private line 120" };
  Want                latest = { "rob", GCHAT_SCROLLBACK_MORE, 50 };
  Want                more = { "rob", GCHAT_SCROLLBACK_MORE, 100 };
  GchatConversation  *conv;
  GchatScrollbackRow *row;
  GtkWidget          *button;
  Kept                k = { "private line 071", -1 };

  if (window == NULL) {
    g_test_skip ("no window from the group step");
    return;
  }
  rob_writes ("sam", "private line");
  g_assert_true (gui_wait_for (has_line, last));
  gchat_session_close_conversation (session, gchat_session_find (session, "rob"));
  g_assert_null (gchat_session_find (session, "rob"));
  conv = gchat_session_open_query (session, "rob", TRUE);
  g_assert_true (gchat_window_show_by_name (window, "rob"));
  g_assert_true (gui_wait_for (reached, &latest));
  assert_lines (conv, "private line", 71, TRUE);
  settle ();

  /* Near the top, not at it: the button shows, labelled for screen readers. */
  gtk_adjustment_set_value (vadj (), gtk_adjustment_get_lower (vadj ()) + 5);
  g_assert_true (gui_wait_for (scrollback_row_says, (gpointer) ""));
  row = find_scrollback_row (GTK_WIDGET (gchat_window_get_message_view (window)));
  button = gchat_scrollback_row_get_button (row);
  g_assert_true (gtk_widget_get_visible (button));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Load earlier messages");
  settle ();
  g_assert_cmpint (gchat_conversation_get_scrollback (conv), ==, GCHAT_SCROLLBACK_MORE);
  gui_screenshot ("gchat-scrollback-button.png");
  k.y = row_y (k.text);
  g_assert_cmpfloat (k.y, >=, 0);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (gchat_conversation_get_scrollback (conv), ==, GCHAT_SCROLLBACK_LOADING);
  g_assert_true (gui_wait_for (reached, &more));
  settle ();
  g_assert_true (gui_wait_for (kept_in_place, &k));
  g_assert_true (kept_in_place (&k));
  assert_lines (conv, "private line", 21, TRUE);

  load_by_scrolling ("rob", "private line 021", GCHAT_SCROLLBACK_BEGINNING, LINES);
  assert_lines (conv, "private line", 1, TRUE);
  scroll_to_top ();
  g_assert_true (gui_wait_for (scrollback_row_says, (gpointer) "Beginning of the conversation"));

  /* How the row looks while the server answers (too quick to catch on loopback). */
  gchat_conversation_set_scrollback (conv, GCHAT_SCROLLBACK_LOADING);
  g_assert_true (gui_wait_for (scrollback_row_says, (gpointer) "Loading earlier messages…"));
  row = find_scrollback_row (GTK_WIDGET (gchat_window_get_message_view (window)));
  g_assert_false (gtk_widget_get_visible (gchat_scrollback_row_get_button (row)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Loading earlier messages…");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_BUSY, TRUE);
  gui_screenshot ("gchat-scrollback-loading.png");
  gchat_conversation_set_scrollback (conv, GCHAT_SCROLLBACK_BEGINNING);
  g_assert_true (gui_wait_for (scrollback_row_says, (gpointer) "Beginning of the conversation"));
}

/* GTK's warnings, counted (and still printed) so that a step can say there were none. */
static guint gtk_warnings;

/* Log writer: count the Gtk domain's warnings, then write as usual (GTK logs structured). */
static GLogWriterOutput
count_gtk_warnings (GLogLevelFlags   log_level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         data)
{
  if ((log_level & G_LOG_LEVEL_WARNING) != 0) {
    for (gsize i = 0; i < n_fields; i++)
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0 &&
          g_strcmp0 (fields[i].value, "Gtk") == 0)
        gtk_warnings++;
  }
  return g_log_writer_default (log_level, fields, n_fields, data);
}

/*
 * Step: switching conversations and loading earlier lines made GTK warn
 * nothing: a scroll to the end set on a new model before its layout once
 * gave "GtkListView failed to scroll to given position".
 */
static void
test_no_warnings (void)
{
  g_assert_cmpuint (gtk_warnings, ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_log_set_writer_func (count_gtk_warnings, NULL, NULL);
  g_test_add_func ("/scrollback/group", test_group);
  g_test_add_func ("/scrollback/private", test_private);
  g_test_add_func ("/scrollback/no-gtk-warnings", test_no_warnings);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&rob);
  g_clear_object (&app);
  return status;
}
