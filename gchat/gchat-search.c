/*
 * gchat-search.c: finding old messages (Ctrl+F) and the lines that mention
 * us (Ctrl+M). chatd has no search command, so the search runs here, over
 * the messages gchat holds; "Search earlier messages" asks the server for
 * one more CHATHISTORY page of each conversation searched, and the results
 * follow as the lines come in. The scope is the conversation on screen or,
 * with "In all conversations", every one. Results are newest first; Enter
 * or a click emits ::chosen with the conversation and the message, and the
 * window jumps to it.
 */
#include "config.h"

#include <string.h>

#include "gchat-search.h"

/* Results listed at most: enough to read, few enough to lay out at once. */
#define SEARCH_MAX_RESULTS 500

struct _GchatSearch
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkSearchEntry *search_entry;
  GtkCheckButton *all_check;
  GtkLabel       *count_label;
  GtkListBox     *results_list;
  GtkButton      *older_button;

  GchatSession      *session;
  GchatConversation *current;  /* the conversation on screen, or NULL */
  gboolean           mentions; /* only lines that mention us */
  GListStore        *results;  /* GchatMessage, newest first */
  GHashTable        *owners;   /* GchatMessage -> its GchatConversation (borrowed) */
  guint              refresh_idle;
};

G_DEFINE_FINAL_TYPE (GchatSearch, gchat_search, ADW_TYPE_WINDOW)

enum { SIG_CHOSEN, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/* Whether @haystack holds @needle (both casefolded), or @needle is empty. */
static gboolean
search_holds (const char *haystack, const char *needle)
{
  g_autofree char *folded = NULL;

  if (*needle == '\0')
    return TRUE;
  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

/* The conversations searched: the one on screen, or all of them. */
static GPtrArray *
search_scope (GchatSearch *self)
{
  GPtrArray  *scope = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *convs = gchat_session_get_conversations (self->session);

  if (self->current != NULL && !gtk_check_button_get_active (self->all_check)) {
    g_ptr_array_add (scope, g_object_ref (self->current));
    return scope;
  }
  for (guint i = 0; i < g_list_model_get_n_items (convs); i++)
    g_ptr_array_add (scope, g_list_model_get_item (convs, i));
  return scope;
}

/* Newest first; a message without a time last. */
static int
search_compare (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gchat_message_get_time (*(GchatMessage **)a);
  GDateTime *tb = gchat_message_get_time (*(GchatMessage **)b);

  if (ta == NULL || tb == NULL)
    return (ta == NULL) - (tb == NULL);
  return -g_date_time_compare (ta, tb);
}

/* The words under the entry: how many, and whether the server has more. */
static void
search_update_count (GchatSearch *self, GPtrArray *scope, gboolean empty_query)
{
  guint            n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  gboolean         more = FALSE, loading = FALSE;
  g_autofree char *text = NULL;

  for (guint i = 0; i < scope->len; i++) {
    GchatConversation *conv = g_ptr_array_index (scope, i);

    more |= gchat_session_can_load_older (self->session, conv);
    loading |= gchat_conversation_get_scrollback (conv) == GCHAT_SCROLLBACK_LOADING;
  }
  gtk_widget_set_sensitive (GTK_WIDGET (self->older_button), more);
  if (empty_query)
    text = g_strdup ("Type a word to find the messages that contain it.");
  else if (n == 0)
    text = g_strdup (self->mentions ? "No message mentions you." : "No message found.");
  else
    text = g_strdup_printf (self->mentions ? "%u %s mentioning you%s." : "%u %s found%s.",
                            n,
                            n == 1 ? "message" : "messages",
                            n >= SEARCH_MAX_RESULTS ? " (only the newest are listed)" : "");
  if (loading || (more && !empty_query)) {
    char *longer = g_strconcat (text,
                                loading ? " Loading earlier messages…"
                                        : " Earlier messages can be loaded from the server.",
                                NULL);

    g_free (text);
    text = longer;
  }
  gtk_label_set_text (self->count_label, text);
}

/* Run the search again over what the scope holds now. */
static void
search_refresh (GchatSearch *self)
{
  g_autoptr (GPtrArray) scope = search_scope (self);
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *needle =
    g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gboolean empty_query = *needle == '\0' && !self->mentions;

  g_hash_table_remove_all (self->owners);
  for (guint c = 0; c < scope->len && !empty_query; c++) {
    GchatConversation *conv = g_ptr_array_index (scope, c);
    GListModel        *messages = gchat_conversation_get_messages (conv);

    for (guint i = 0; i < g_list_model_get_n_items (messages); i++) {
      g_autoptr (GchatMessage) msg = g_list_model_get_item (messages, i);

      if (!gchat_message_is_chat (msg) || gchat_message_get_divider (msg) ||
          (self->mentions && !gchat_message_get_highlight (msg)))
        continue;
      if (!search_holds (gchat_message_get_text (msg), needle) &&
          !search_holds (gchat_message_get_nick (msg), needle))
        continue;
      g_hash_table_insert (self->owners, msg, conv);
      g_ptr_array_add (hits, g_steal_pointer (&msg));
    }
  }
  g_ptr_array_sort (hits, search_compare);
  if (hits->len > SEARCH_MAX_RESULTS)
    g_ptr_array_set_size (hits, SEARCH_MAX_RESULTS);
  g_list_store_splice (self->results,
                       0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       hits->pdata,
                       hits->len);
  search_update_count (self, scope, empty_query);
}

/* Idle: refresh once for a burst of changes (a page of history). */
static gboolean
search_refresh_idle (gpointer data)
{
  GchatSearch *self = data;

  self->refresh_idle = 0;
  search_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Something the search looks at changed: refresh soon. */
static void
search_queue_refresh (GchatSearch *self)
{
  if (self->refresh_idle == 0)
    self->refresh_idle = g_idle_add (search_refresh_idle, self);
}

/* One result: where and who above, the line below; its accessible name says all. */
static GtkWidget *
search_row (gpointer item, gpointer user_data)
{
  GchatSearch       *self = user_data;
  GchatMessage      *msg = item;
  GchatConversation *conv = g_hash_table_lookup (self->owners, msg);
  GDateTime         *time = gchat_message_get_time (msg);
  g_autoptr (GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;
  g_autofree char *when = local != NULL ? g_date_time_format (local, "%x %H:%M") : g_strdup ("");
  const char      *where = conv != NULL ? gchat_conversation_get_name (conv) : "";
  const char      *nick = gchat_message_get_nick (msg) != NULL ? gchat_message_get_nick (msg) : "";
  g_autofree char *head = g_strdup_printf ("%s · %s · %s", where, nick, when);
  g_autofree char *label =
    g_strdup_printf ("%s in %s at %s: %s", nick, where, when, gchat_message_get_text (msg));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_label_new (head);
  GtkWidget *text = gtk_label_new (gchat_message_get_text (msg));

  gtk_label_set_xalign (GTK_LABEL (top), 0);
  gtk_label_set_ellipsize (GTK_LABEL (top), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (top, "dim-label");
  gtk_widget_add_css_class (top, "caption");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return row;
}

/* Jump to the result at @pos and close. */
static void
gchat_search_choose (GchatSearch *self, guint pos)
{
  g_autoptr (GchatMessage) msg = g_list_model_get_item (G_LIST_MODEL (self->results), pos);
  GchatConversation *conv;

  if (msg == NULL || (conv = g_hash_table_lookup (self->owners, msg)) == NULL)
    return;
  g_object_ref (self);
  g_signal_emit (self, signals[SIG_CHOSEN], 0, conv, msg);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* Typing searches again. */
static void
on_search_changed (GtkSearchEntry *entry, GchatSearch *self)
{
  search_refresh (self);
}

/* Enter in the entry: the newest result. */
static void
on_search_activate (GtkSearchEntry *entry, GchatSearch *self)
{
  gchat_search_choose (self, 0);
}

/* Escape closes. */
static void
on_stop_search (GtkSearchEntry *entry, GchatSearch *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

/* The scope changed. */
static void
on_all_toggled (GtkCheckButton *check, GchatSearch *self)
{
  search_refresh (self);
}

/* A result activated (Enter on it, or a click). */
static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, GchatSearch *self)
{
  gchat_search_choose (self, gtk_list_box_row_get_index (row));
}

/* Ask for one more page of history in every conversation searched that has more. */
static void
on_older_clicked (GtkButton *button, GchatSearch *self)
{
  g_autoptr (GPtrArray) scope = search_scope (self);

  for (guint i = 0; i < scope->len; i++)
    gchat_session_load_older (self->session, g_ptr_array_index (scope, i));
  search_queue_refresh (self);
}

static void
gchat_search_dispose (GObject *object)
{
  GchatSearch *self = GCHAT_SEARCH (object);

  g_clear_handle_id (&self->refresh_idle, g_source_remove);
  g_clear_object (&self->session);
  g_clear_object (&self->current);
  g_clear_object (&self->results);
  g_clear_pointer (&self->owners, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), GCHAT_TYPE_SEARCH);
  G_OBJECT_CLASS (gchat_search_parent_class)->dispose (object);
}

static void
gchat_search_class_init (GchatSearchClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = gchat_search_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/chatd/Gchat/gchat-search.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, window_title);
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, all_check);
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, count_label);
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, results_list);
  gtk_widget_class_bind_template_child (widget_class, GchatSearch, older_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_all_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_older_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  /** GchatSearch::chosen: the user picked this message of this conversation. */
  signals[SIG_CHOSEN] = g_signal_new ("chosen",
                                      G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST,
                                      0,
                                      NULL,
                                      NULL,
                                      NULL,
                                      G_TYPE_NONE,
                                      2,
                                      GCHAT_TYPE_CONVERSATION,
                                      GCHAT_TYPE_MESSAGE);
}

static void
gchat_search_init (GchatSearch *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->results = g_list_store_new (GCHAT_TYPE_MESSAGE);
  self->owners = g_hash_table_new (NULL, NULL);
  gtk_list_box_bind_model (self->results_list,
                           G_LIST_MODEL (self->results),
                           search_row,
                           self,
                           NULL);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

/**
 * gchat_search_new: a search over @session's messages, for the window
 * @parent; @current (may be NULL) is the conversation on screen. With
 * @mentions, it lists the lines that mention us, in all conversations.
 */
GchatSearch *
gchat_search_new (GtkWindow         *parent,
                  GchatSession      *session,
                  GchatConversation *current,
                  gboolean           mentions)
{
  GchatSearch *self = g_object_new (GCHAT_TYPE_SEARCH, "transient-for", parent, NULL);
  GListModel  *convs = gchat_session_get_conversations (session);

  self->session = g_object_ref (session);
  self->current = current != NULL ? g_object_ref (current) : NULL;
  self->mentions = mentions;
  if (mentions) {
    gtk_window_set_title (GTK_WINDOW (self), "Mentions");
    adw_window_title_set_title (self->window_title, "Mentions");
    adw_window_title_set_subtitle (self->window_title, "Messages that name you");
    g_object_set (self->search_entry, "placeholder-text", "Filter mentions…", NULL);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    "Filter mentions",
                                    -1);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->results_list),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    "Mentions",
                                    -1);
  }
  gtk_check_button_set_active (self->all_check, mentions || current == NULL);
  /* Follow new lines and loaded pages in every conversation there is now. */
  for (guint i = 0; i < g_list_model_get_n_items (convs); i++) {
    g_autoptr (GchatConversation) conv = g_list_model_get_item (convs, i);

    g_signal_connect_object (gchat_conversation_get_messages (conv),
                             "items-changed",
                             G_CALLBACK (search_queue_refresh),
                             self,
                             G_CONNECT_SWAPPED);
    g_signal_connect_object (conv,
                             "notify::scrollback",
                             G_CALLBACK (search_queue_refresh),
                             self,
                             G_CONNECT_SWAPPED);
  }
  g_signal_connect_object (convs,
                           "items-changed",
                           G_CALLBACK (search_queue_refresh),
                           self,
                           G_CONNECT_SWAPPED);
  search_refresh (self);
  return self;
}

/** gchat_search_get_entry: the search entry (tests type into it). */
GtkEditable *
gchat_search_get_entry (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

/** gchat_search_get_results: the messages found, newest first. */
GListModel *
gchat_search_get_results (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return G_LIST_MODEL (self->results);
}

/** gchat_search_get_all_check: "In all conversations". */
GtkCheckButton *
gchat_search_get_all_check (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return self->all_check;
}

/** gchat_search_get_older_button: "Search earlier messages". */
GtkButton *
gchat_search_get_older_button (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return self->older_button;
}

/** gchat_search_get_results_list: the list box of results (tests activate rows). */
GtkListBox *
gchat_search_get_results_list (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return self->results_list;
}

/** gchat_search_get_count: the line that says how many were found. */
const char *
gchat_search_get_count (GchatSearch *self)
{
  g_return_val_if_fail (GCHAT_IS_SEARCH (self), NULL);
  return gtk_label_get_text (self->count_label);
}
