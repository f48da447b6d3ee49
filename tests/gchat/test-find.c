/*
 * test-find.c: gchat against a real chatd (started by gui.sh, port in
 * GCHAT_TEST_PORT, loopback trusted) for finding things: search in the
 * conversation on screen and in all of them, including earlier messages
 * fetched with CHATHISTORY on demand; the list of mentions; and the
 * confirmation before removing or banning someone from a group. "gil", a
 * raw client, talks to "fay" (gchat). Any Gtk warning fails the test.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-confirm-dialog.h"
#include "gchat-search.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         gil;
static guint16           port;

/* Gtk (and gchat) warnings are bugs here: fail on the spot. */
static void
fatal_warning (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_printerr ("%s: %s\n", domain, message);
  g_error ("a warning was logged: %s", message);
}

/* Whether @w has an accessible name of its own or through a label. */
static gboolean
named (GtkWidget *w)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL)
    return TRUE;
  return GTK_IS_CHECK_BUTTON (w) && gtk_check_button_get_label (GTK_CHECK_BUTTON (w)) != NULL;
}

/* Every control and list row under @w has an accessible name; the others go in @bad. */
static void
audit (GtkWidget *w, GString *bad)
{
  gboolean control = GTK_IS_BUTTON (w) || GTK_IS_CHECK_BUTTON (w) || GTK_IS_ENTRY (w) ||
    GTK_IS_SEARCH_ENTRY (w) || GTK_IS_LIST_BOX (w) || GTK_IS_LIST_BOX_ROW (w);

  if (GTK_IS_WINDOW_CONTROLS (w) || !gtk_widget_get_visible (w))
    return;
  if (control && !named (w))
    g_string_append_printf (bad, " %s", G_OBJECT_TYPE_NAME (w));
  if (control && !GTK_IS_LIST_BOX (w))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    audit (c, bad);
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

typedef struct
{
  const char *conv;
  const char *text;
} Said;

/* Condition: the conversation holds the line. */
static gboolean
said (gpointer data)
{
  Said *s = data;

  return conv_find (gchat_session_find (session, s->conv), s->text) != NULL;
}

/* Wait until conversation @conv holds @text. */
static void
wait_said (const char *conv, const char *text)
{
  Said s = { conv, text };

  if (!gui_wait_for (said, &s))
    g_error ("%s never showed \"%s\"", conv, text);
}

/* Condition: the results of the search @data hold exactly this many. */
typedef struct
{
  GchatSearch *search;
  guint        n;
} Count;

static gboolean
count_is (gpointer data)
{
  Count *c = data;

  return g_list_model_get_n_items (gchat_search_get_results (c->search)) == c->n;
}

/* Wait for @search to list @n results. */
static void
wait_count (GchatSearch *search, guint n)
{
  Count c = { search, n };

  if (!gui_wait_for (count_is, &c))
    g_error ("the search lists %u results, not %u (%s)",
             g_list_model_get_n_items (gchat_search_get_results (search)),
             n,
             gchat_search_get_count (search));
}

/* Condition: the line under the search entry starts with @data. */
static gboolean
count_says (gpointer data)
{
  GchatSearch *search = GCHAT_SEARCH (gui_find_toplevel (GCHAT_TYPE_SEARCH));

  return search != NULL && g_str_has_prefix (gchat_search_get_count (search), data);
}

/* Condition: the line under the search entry is @data. */
static gboolean
count_exactly (gpointer data)
{
  GchatSearch *search = GCHAT_SEARCH (gui_find_toplevel (GCHAT_TYPE_SEARCH));

  return search != NULL && g_strcmp0 (gchat_search_get_count (search), data) == 0;
}

/* The text of result @i. */
static const char *
result_text (GchatSearch *search, guint i)
{
  g_autoptr (GchatMessage) msg = g_list_model_get_item (gchat_search_get_results (search), i);

  return gchat_message_get_text (msg);
}

/* Condition: @data (a widget) is mapped. */
static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Condition: the row on screen for the found message carries "found". */
static gboolean
found_shown (gpointer data)
{
  GchatMessageRow *row = gui_find_row (window, data);

  return row != NULL && gtk_widget_has_css_class (GTK_WIDGET (row), "found");
}

/* Open search (or mentions) through its action, as Ctrl+F (Ctrl+M) does. */
static GchatSearch *
open_search (const char *action)
{
  GchatSearch *search;
  g_autoptr (GString) bad = g_string_new (NULL);

  g_action_group_activate_action (gchat_window_get_actions (window), action, NULL);
  search = GCHAT_SEARCH (gui_find_toplevel (GCHAT_TYPE_SEARCH));
  g_assert_nonnull (search);
  g_assert_true (gui_wait_for (mapped, search));
  audit (GTK_WIDGET (search), bad);
  if (bad->len > 0)
    g_error ("controls without an accessible name:%s", bad->str);
  return search;
}

/* Activate result @i as Enter on the row would. */
static void
activate_result (GchatSearch *search, guint i)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (gchat_search_get_results_list (search), i);

  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activate");
}

/*
 * Step: gil says 60 lines in #old before fay comes, fay creates #find;
 * then gil talks in #find and privately.
 */
static void
test_setup (void)
{
  GtkApplication *gapp = GTK_APPLICATION (app);
  g_auto (GStrv) search_keys = gtk_application_get_accels_for_action (gapp, "chat.search");
  g_auto (GStrv) mention_keys = gtk_application_get_accels_for_action (gapp, "chat.mentions");

  g_assert_cmpstr (search_keys[0], ==, "<Control>f");
  g_assert_cmpstr (mention_keys[0], ==, "<Control>m");
  gui_raw_connect (&gil, port, "gil");
  gui_raw_send (&gil, "JOIN #old");
  gui_raw_expect (&gil, ":* 366 gil #old *");
  gui_raw_send (&gil, "PRIVMSG #old :an ancient needle");
  for (int i = 0; i < 59; i++) {
    g_autofree char *line = g_strdup_printf ("PRIVMSG #old :filler line %d", i);

    gui_raw_send (&gil, line);
  }
  gui_raw_send (&gil, "HISTORY #old 1");
  gui_raw_expect (&gil, "*End of history of #old*");

  window = gui_open_window (app, port, "fay", NULL, NULL, FALSE, 900, 600);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  gui_type_line (window, "/join #find");
  wait_said ("#find", "You joined #find");
  gui_raw_send (&gil, "JOIN #find");
  gui_raw_expect (&gil, ":* 366 gil #find *");
  gui_raw_send (&gil, "PRIVMSG #find :the blue whale sings");
  gui_raw_send (&gil, "PRIVMSG #find :a red apple");
  gui_raw_send (&gil, "PRIVMSG #find :fay: look at this");
  gui_raw_send (&gil, "PRIVMSG fay :a Blue note for you");
  wait_said ("#find", "fay: look at this");
  wait_said ("gil", "a Blue note for you");
  gui_type_line (window, "/join #old");
  wait_said ("#old", "filler line 58");
}

/*
 * Step: Ctrl+F in #find finds "blue" there, any case; "In all
 * conversations" adds the private line; Enter on a result jumps to it.
 */
static void
test_search (void)
{
  GchatConversation *find = gchat_session_find (session, "#find");
  GchatSearch       *search;

  gchat_window_select_conversation (window, find);
  gui_drain ();
  search = open_search ("search");
  g_assert_false (gtk_check_button_get_active (gchat_search_get_all_check (search)));
  g_assert_cmpuint (g_list_model_get_n_items (gchat_search_get_results (search)), ==, 0);
  gtk_editable_set_text (gchat_search_get_entry (search), "BLUE");
  wait_count (search, 1);
  g_assert_cmpstr (result_text (search, 0), ==, "the blue whale sings");
  g_assert_nonnull (strstr (gchat_search_get_count (search), "1 message found"));
  gtk_check_button_set_active (gchat_search_get_all_check (search), TRUE);
  wait_count (search, 2);
  /* Newest first: the private line came last. */
  g_assert_cmpstr (result_text (search, 0), ==, "a Blue note for you");
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (gchat_search_get_results_list (search), 1);
    GchatMessage  *msg = conv_find (find, "the blue whale sings");
    g_autoptr (GDateTime) local = g_date_time_to_local (gchat_message_get_time (msg));
    g_autofree char *when = g_date_time_format (local, "%x %H:%M");
    g_autofree char *label = g_strdup_printf ("gil in #find at %s: the blue whale sings", when);

    g_assert_nonnull (row);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         label);
  }
  gui_screenshot ("gchat-search.png");
  activate_result (search, 1);
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_SEARCH));
  g_assert_true (gchat_window_get_shown (window) == find);
  g_assert_true (gchat_window_get_found (window) == conv_find (find, "the blue whale sings"));
  g_assert_true (gui_wait_for (found_shown, (gpointer) "the blue whale sings"));

  /* Escape (stop-search) closes without jumping. */
  search = open_search ("search");
  g_signal_emit_by_name (gchat_search_get_entry (search), "stop-search");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_SEARCH));
}

/*
 * Step: the needle of #old is older than the 50 lines loaded on joining:
 * not found at first, found after "Search earlier messages" fetched the
 * page before (CHATHISTORY BEFORE), and the jump goes to it.
 */
static void
test_search_earlier (void)
{
  GchatConversation *old = gchat_session_find (session, "#old");
  GchatSearch       *search;

  g_assert_null (conv_find (old, "an ancient needle"));
  gchat_window_select_conversation (window, old);
  gui_drain ();
  search = open_search ("search");
  gtk_editable_set_text (gchat_search_get_entry (search), "needle");
  /* The entry reports the change after its search delay. */
  g_assert_true (gui_wait_for (count_says, (gpointer) "No message found."));
  g_assert_cmpuint (g_list_model_get_n_items (gchat_search_get_results (search)), ==, 0);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (gchat_search_get_older_button (search))));
  g_assert_nonnull (strstr (gchat_search_get_count (search), "Earlier messages can be loaded"));
  g_signal_emit_by_name (gchat_search_get_older_button (search), "clicked");
  wait_count (search, 1);
  g_assert_cmpstr (result_text (search, 0), ==, "an ancient needle");
  /* That page held the beginning: nothing more to fetch. */
  g_assert_cmpint (gchat_conversation_get_scrollback (old), ==, GCHAT_SCROLLBACK_BEGINNING);
  gui_drain ();
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (gchat_search_get_older_button (search))));
  g_signal_emit_by_name (gchat_search_get_entry (search), "activate");
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_SEARCH));
  g_assert_true (gui_wait_for (found_shown, (gpointer) "an ancient needle"));
}

/*
 * Step: lines naming fay are highlighted; Ctrl+M lists them from every
 * conversation, newest first, and jumps to one.
 */
static void
test_mentions (void)
{
  GchatConversation *find = gchat_session_find (session, "#find");
  GchatSearch       *search;
  GchatMessageRow   *row;

  gui_type_line (window, "/join #other");
  gui_raw_send (&gil, "JOIN #other");
  gui_raw_expect (&gil, ":* 366 gil #other *");
  gui_raw_send (&gil, "PRIVMSG #other :is FAY around?");
  wait_said ("#other", "is FAY around?");
  g_assert_true (gchat_message_get_highlight (conv_find (find, "fay: look at this")));
  g_assert_false (gchat_message_get_highlight (conv_find (find, "a red apple")));
  gchat_window_select_conversation (window, find);
  search = open_search ("mentions");
  g_assert_true (gtk_check_button_get_active (gchat_search_get_all_check (search)));
  wait_count (search, 2);
  g_assert_cmpstr (result_text (search, 0), ==, "is FAY around?");
  g_assert_cmpstr (result_text (search, 1), ==, "fay: look at this");
  /* Every group's history is in, and the private one has none (no accounts). */
  g_assert_true (gui_wait_for (count_exactly, (gpointer) "2 messages mentioning you."));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (gchat_search_get_older_button (search))));
  gui_screenshot ("gchat-mentions.png");
  /* Typing narrows the mentions. */
  gtk_editable_set_text (gchat_search_get_entry (search), "look");
  wait_count (search, 1);
  activate_result (search, 0);
  g_assert_true (gchat_window_get_shown (window) == find);
  g_assert_true (gui_wait_for (found_shown, (gpointer) "fay: look at this"));
  row = gui_find_row (window, "fay: look at this");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "highlight"));
  gui_screenshot ("gchat-mention-found.png");
}

/* Condition: a confirmation dialog is up. */
static gboolean
confirm_up (gpointer data)
{
  return gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG) != NULL;
}

/*
 * Step: "Ban from group" and "Remove from group" ask first; Cancel sends
 * nothing, Remove sends KICK with the typed reason.
 */
static void
test_kick_confirm (void)
{
  GchatConversation  *find = gchat_session_find (session, "#find");
  GchatConfirmDialog *dialog;
  GVariant           *nick = g_variant_new_string ("gil");

  gchat_window_select_conversation (window, find);
  gui_drain ();
  g_assert_true (gchat_conversation_get_operator (find));
  g_variant_ref_sink (nick);
  g_action_group_activate_action (gchat_window_get_actions (window), "ban", nick);
  g_assert_true (gui_wait_for (confirm_up, NULL));
  dialog = GCHAT_CONFIRM_DIALOG (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                   ==,
                   "Ban gil from #find?");
  g_signal_emit_by_name (gchat_confirm_dialog_get_cancel_button (dialog), "clicked");
  gui_drain ();
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));

  g_action_group_activate_action (gchat_window_get_actions (window), "kick", nick);
  g_assert_true (gui_wait_for (confirm_up, NULL));
  dialog = GCHAT_CONFIRM_DIALOG (gui_find_toplevel (GCHAT_TYPE_CONFIRM_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                   ==,
                   "Remove gil from #find?");
  gtk_editable_set_text (gchat_confirm_dialog_get_reason (dialog), "off topic");
  gui_drain ();
  gui_screenshot ("gchat-kick.png");
  g_signal_emit_by_name (gchat_confirm_dialog_get_action_button (dialog), "clicked");
  gui_raw_expect (&gil, ":fay!* KICK #find gil :off topic");
  /* The cancelled ban never went out. */
  g_assert_null (gui_lines_find (gil.lines, "* MODE #find +b *"));
  g_variant_unref (nick);
}

/* Condition: a row with the text is on screen. */
static gboolean
row_shown (gpointer data)
{
  return gui_find_row (window, data) != NULL;
}

/* Whether a visible, sensitive, focusable widget under @w activates @action. */
static gboolean
button_for (GtkWidget *w, const char *action)
{
  if (!gtk_widget_get_visible (w))
    return FALSE;
  if (GTK_IS_ACTIONABLE (w) && gtk_widget_get_focusable (w) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (button_for (c, action))
      return TRUE;
  return FALSE;
}

/*
 * Step: keyboard only. A line with a link takes the focus (and Tab there
 * lands on the link); a plain line does not, so Tab does not stop at every
 * line. Every window action without a parameter is in the main menu, has
 * a shortcut, or is a focusable button.
 */
static void
test_keyboard (void)
{
  GchatConversation *find = gchat_session_find (session, "#find");
  GtkApplication    *gapp = GTK_APPLICATION (app);
  GActionGroup      *actions = gchat_window_get_actions (window);
  GtkMenuButton     *menu = GTK_MENU_BUTTON (gui_find_by_id (GTK_WIDGET (window), "menu_button"));
  GMenuModel        *main_menu = gtk_menu_button_get_menu_model (menu);
  g_auto (GStrv) names = g_action_group_list_actions (actions);
  g_autoptr (GString) unreachable = g_string_new (NULL);
  GchatMessageRow *row;
  GtkWidget       *label;

  gchat_window_select_conversation (window, find);
  gui_raw_send (&gil, "JOIN #find");
  gui_raw_send (&gil, "PRIVMSG #find :notes at https://example.org/notes today");
  g_assert_true (gui_wait_for (row_shown, (gpointer) "notes at https://example.org/notes today"));
  row = gui_find_row (window, "notes at https://example.org/notes today");
  label = gui_find_by_id (GTK_WIDGET (row), "text_label");
  g_assert_true (gtk_widget_get_focusable (label));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_widget_has_focus (label));
  gui_drain ();
  gui_screenshot ("gchat-link-focus.png");
  g_assert_cmpstr (gtk_label_get_current_uri (GTK_LABEL (label)), ==, "https://example.org/notes");
  row = gui_find_row (window, "a red apple");
  g_assert_nonnull (row);
  g_assert_false (gtk_widget_get_focusable (gui_find_by_id (GTK_WIDGET (row), "text_label")));

  for (guint i = 0; names[i] != NULL; i++) {
    g_autofree char *detailed = g_strconcat ("chat.", names[i], NULL);
    g_auto (GStrv) accels = gtk_application_get_accels_for_action (gapp, detailed);

    if (g_action_group_get_action_parameter_type (actions, names[i]) != NULL)
      continue; /* per member, transfer or game: in their own menus and buttons */
    if (strcmp (names[i], "focus-entry") == 0)
      continue; /* a game board's own step back to the entry, which Tab reaches */
    if (accels[0] != NULL || gui_menu_has (main_menu, "action", detailed) ||
        button_for (GTK_WIDGET (window), detailed))
      continue;
    g_string_append_printf (unreachable, " %s", detailed);
  }
  if (unreachable->len > 0)
    g_error ("actions the keyboard cannot reach:%s", unreachable->str);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_log_set_handler ("Gtk", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL, fatal_warning, NULL);
  g_log_set_handler ("gchat", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL, fatal_warning, NULL);
  g_test_add_func ("/find/setup", test_setup);
  g_test_add_func ("/find/search", test_search);
  g_test_add_func ("/find/search-earlier", test_search_earlier);
  g_test_add_func ("/find/mentions", test_mentions);
  g_test_add_func ("/find/kick-confirm", test_kick_confirm);
  g_test_add_func ("/find/keyboard", test_keyboard);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&gil);
  g_clear_object (&app);
  return status;
}
