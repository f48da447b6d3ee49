/*
 * gchat-switcher.c: the conversation switcher (Ctrl+K). A search entry over
 * the session's conversations filtered by name (case-insensitive, any
 * part); Enter or a click emits ::chosen with the conversation and closes.
 * Down moves from the entry into the list, so the keyboard reaches every
 * match. Built in code: an entry and a list.
 */
#include "config.h"

#include <string.h>

#include "gchat-sidebar-row.h"
#include "gchat-switcher.h"

struct _GchatSwitcher
{
  AdwWindow parent_instance;

  GtkSearchEntry     *entry;
  GtkListBox         *list;
  GtkCustomFilter    *filter;
  GtkFilterListModel *matches;
};

G_DEFINE_FINAL_TYPE (GchatSwitcher, gchat_switcher, ADW_TYPE_WINDOW)

enum { SIG_CHOSEN, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/* Filter: the conversation's name contains what is typed (the server log as "Server"). */
static gboolean
switcher_match (gpointer item, gpointer user_data)
{
  GchatSwitcher   *self = user_data;
  g_autofree char *name = g_utf8_casefold (gchat_conversation_get_name (item), -1);
  g_autofree char *typed = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->entry)), -1);

  return strstr (name, typed) != NULL;
}

/* One row per match, as in the sidebar. */
static GtkWidget *
switcher_row (gpointer item, gpointer user_data)
{
  return gchat_sidebar_row_new_for_conversation (item);
}

/* Go to @conv and close. */
static void
gchat_switcher_choose (GchatSwitcher *self, GchatConversation *conv)
{
  g_signal_emit (self, signals[SIG_CHOSEN], 0, conv);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Typing narrows the list. */
static void
on_search_changed (GtkSearchEntry *entry, GchatSwitcher *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Enter in the entry: the first match. */
static void
on_activate (GtkSearchEntry *entry, GchatSwitcher *self)
{
  g_autoptr (GchatConversation) first = g_list_model_get_item (G_LIST_MODEL (self->matches), 0);

  if (first != NULL)
    gchat_switcher_choose (self, first);
}

/* A row activated (Enter on it, or a click). */
static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row, GchatSwitcher *self)
{
  gchat_switcher_choose (self, gchat_sidebar_row_get_conversation (GCHAT_SIDEBAR_ROW (row)));
}

/* Escape closes without going anywhere. */
static void
on_stop_search (GtkSearchEntry *entry, GchatSwitcher *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_switcher_dispose (GObject *object)
{
  GchatSwitcher *self = GCHAT_SWITCHER (object);

  g_clear_object (&self->matches);
  G_OBJECT_CLASS (gchat_switcher_parent_class)->dispose (object);
}

static void
gchat_switcher_class_init (GchatSwitcherClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gchat_switcher_dispose;
  /** GchatSwitcher::chosen: the user picked this conversation. */
  signals[SIG_CHOSEN] = g_signal_new ("chosen",
                                      G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST,
                                      0,
                                      NULL,
                                      NULL,
                                      NULL,
                                      G_TYPE_NONE,
                                      1,
                                      GCHAT_TYPE_CONVERSATION);
}

static void
gchat_switcher_init (GchatSwitcher *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroll = gtk_scrolled_window_new ();

  gtk_window_set_title (GTK_WINDOW (self), "Go to a conversation");
  gtk_window_set_default_size (GTK_WINDOW (self), 360, 320);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  self->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  /* A handful of names: narrow the list at once, not after the default pause. */
  gtk_search_entry_set_search_delay (self->entry, 0);
  g_object_set (self->entry, "placeholder-text", "Go to a conversation…", NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Conversation name",
                                  -1);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Matching conversations",
                                  -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll),
                                  GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->entry));
  gtk_box_append (GTK_BOX (box), scroll);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_search_entry_set_key_capture_widget (self->entry, GTK_WIDGET (self));
  g_signal_connect (self->entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->entry, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect (self->entry, "stop-search", G_CALLBACK (on_stop_search), self);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
}

/** gchat_switcher_new: a switcher over @session's conversations, for the window @parent. */
GchatSwitcher *
gchat_switcher_new (GtkWindow *parent, GchatSession *session)
{
  GchatSwitcher *self = g_object_new (GCHAT_TYPE_SWITCHER, "transient-for", parent, NULL);

  self->filter = gtk_custom_filter_new (switcher_match, self, NULL);
  self->matches =
    gtk_filter_list_model_new (g_object_ref (gchat_session_get_conversations (session)),
                               GTK_FILTER (self->filter));
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->matches), switcher_row, NULL, NULL);
  return self;
}

/** gchat_switcher_get_entry: the search entry (tests type into it). */
GtkEditable *
gchat_switcher_get_entry (GchatSwitcher *self)
{
  return GTK_EDITABLE (self->entry);
}

/** gchat_switcher_get_matches: the conversations that match what is typed. */
GListModel *
gchat_switcher_get_matches (GchatSwitcher *self)
{
  return G_LIST_MODEL (self->matches);
}
