/*
 * gchat-window.c: the main window. A sidebar of list boxes bound to
 * filtered views of the session's conversations (server, groups, private)
 * and its contacts; a GtkListView of the active conversation's messages; an
 * entry with slash commands and Tab completion; the member list with admin
 * actions. The window only shows the models: GchatSession owns the state,
 * so nothing here waits on the network.
 */
#include "config.h"

#include <string.h>

#include "gchat-password-dialog.h"
#include "gchat-unregister-dialog.h"

#include "chat.h"
#include "gchat-command.h"
#include "gchat-connect-dialog.h"
#include "gchat-group-settings.h"
#include "gchat-join-dialog.h"
#include "gchat-member-list.h"
#include "gchat-message-row.h"
#include "gchat-scrollback-row.h"
#include "gchat-scrollback-view.h"
#include "gchat-sidebar-row.h"
#include "gchat-server-actions.h"
#include "gchat-trust-dialog.h"
#include "gchat-typing-indicator.h"
#include "gchat-typing-notifier.h"
#include "gchat-window.h"

/* Within this many pixels of the bottom, new messages keep the view at the bottom. */
#define STICK_SLACK 40

struct _GchatWindow
{
  GtkApplicationWindow parent_instance;

  gboolean account_fresh; /* the config's account is not handed to the connection yet */
  gboolean login_error;   /* the info bar says why logging in failed: keep it once connected */
  GtkToggleButton *sidebar_button;
  GtkLabel        *title_label;
  GtkLabel        *status_label;
  GtkToggleButton *members_button;
  GtkRevealer     *infobar_revealer;
  GtkLabel        *infobar_label;
  GtkWidget       *sidebar;
  GtkListBox      *server_list;
  GtkListBox      *groups_list;
  GtkListBox      *private_list;
  GtkListBox      *contacts_list;
  GtkPopover      *add_contact_popover;
  GtkEntry        *add_contact_entry;
  GtkWidget       *topic_bar;
  GtkLabel        *topic_label;
  GtkPopover      *topic_popover;
  GtkEntry        *topic_entry;
  GtkWidget       *invite_button;
  GtkPopover      *invite_popover;
  GtkEntry        *invite_entry;
  GtkListView     *message_view;
  GtkEntry        *entry;
  GtkRevealer     *members_revealer;
  GchatMemberList *member_list;

  /* Typing notifications: who else types, and ours (NULL until _new). */
  GchatTypingIndicator *typing_indicator;
  GchatTypingNotifier  *typing;

  GchatSession       *session;
  GchatConfig        *config;
  GSimpleActionGroup *actions;
  GchatConversation  *shown;
  gulong              shown_handler;
  GtkAdjustment      *vadj;
  gboolean            stick_bottom;
  double              last_upper;
  guint               scroll_tick;
  gboolean            selecting;
  gboolean            completing;
  gboolean            narrow;
  gboolean            quitting;
  guint               layout_idle;
  GchatCompletion     completion;
  GPtrArray          *history;     /* lines sent from the entry, oldest first */
  guint               history_pos; /* == history->len: the line being typed */

  /* Earlier messages: the reading position across a load. */
  GchatScrollbackView *scrollback;
};

G_DEFINE_FINAL_TYPE (GchatWindow, gchat_window, GTK_TYPE_APPLICATION_WINDOW)

static void gchat_window_show_conversation (GchatWindow *self, GchatConversation *conv);

/* Filter: conversations of one kind (the kind is the filter's data). */
static gboolean
filter_kind (gpointer item, gpointer user_data)
{
  return gchat_conversation_get_kind (item) == (GchatConversationKind)GPOINTER_TO_INT (user_data);
}

/* List box factory for conversations. */
static GtkWidget *
create_conversation_row (gpointer item, gpointer user_data)
{
  return gchat_sidebar_row_new_for_conversation (item);
}

/* List box factory for contacts. */
static GtkWidget *
create_contact_row (gpointer item, gpointer user_data)
{
  return gchat_sidebar_row_new_for_contact (item);
}

/* Bind @list to the session's conversations of @kind. */
static void
gchat_window_bind_kind (GchatWindow *self, GtkListBox *list, GchatConversationKind kind)
{
  GtkCustomFilter *filter = gtk_custom_filter_new (filter_kind, GINT_TO_POINTER (kind), NULL);
  g_autoptr (GtkFilterListModel) model =
    gtk_filter_list_model_new (g_object_ref (gchat_session_get_conversations (self->session)),
                               GTK_FILTER (filter));

  gtk_list_box_bind_model (list, G_LIST_MODEL (model), create_conversation_row, NULL, NULL);
}

/* The list box that shows conversations of @kind. */
static GtkListBox *
gchat_window_list_for (GchatWindow *self, GchatConversationKind kind)
{
  switch (kind) {
    case GCHAT_CONVERSATION_SERVER:
      return self->server_list;
    case GCHAT_CONVERSATION_CHANNEL:
      return self->groups_list;
    case GCHAT_CONVERSATION_QUERY:
    default:
      return self->private_list;
  }
}

/** gchat_window_find_row: the sidebar row showing @conv, or NULL. */
GchatSidebarRow *
gchat_window_find_row (GchatWindow *self, GchatConversation *conv)
{
  GtkListBox *list = gchat_window_list_for (self, gchat_conversation_get_kind (conv));

  for (int i = 0;; i++) {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

    if (row == NULL)
      return NULL;
    if (gchat_sidebar_row_get_conversation (GCHAT_SIDEBAR_ROW (row)) == conv)
      return GCHAT_SIDEBAR_ROW (row);
  }
}

/** gchat_window_find_contact_row: the sidebar row of contact @nick, or NULL. */
GchatSidebarRow *
gchat_window_find_contact_row (GchatWindow *self, const char *nick)
{
  for (int i = 0;; i++) {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->contacts_list, i);
    GchatContact  *contact;

    if (row == NULL)
      return NULL;
    contact = gchat_sidebar_row_get_contact (GCHAT_SIDEBAR_ROW (row));
    if (contact != NULL && chat_casecmp (gchat_contact_get_nick (contact), nick) == 0)
      return GCHAT_SIDEBAR_ROW (row);
  }
}

/** gchat_window_select_conversation: show @conv and select its sidebar row. */
void
gchat_window_select_conversation (GchatWindow *self, GchatConversation *conv)
{
  GchatSidebarRow *row;

  g_return_if_fail (GCHAT_IS_WINDOW (self));
  row = gchat_window_find_row (self, conv);
  if (row != NULL)
    gtk_list_box_select_row (gchat_window_list_for (self, gchat_conversation_get_kind (conv)),
                             GTK_LIST_BOX_ROW (row));
  else
    gchat_window_show_conversation (self, conv);
}

/** gchat_window_show_by_name: show the conversation called @name; FALSE if none. */
gboolean
gchat_window_show_by_name (GchatWindow *self, const char *name)
{
  GchatConversation *conv = gchat_session_find (self->session, name);

  if (conv == NULL)
    return FALSE;
  gchat_window_select_conversation (self, conv);
  return TRUE;
}

/* A row was selected in one of the conversation lists: clear the others. */
static void
on_list_row_selected_cb (GtkListBox *list, GtkListBoxRow *row, GchatWindow *self)
{
  GtkListBox *lists[] = { self->server_list, self->groups_list, self->private_list };

  if (self->selecting)
    return;
  if (row == NULL) {
    /* The shown conversation went away (closed): fall back to the server log. */
    if (self->shown != NULL && gchat_window_find_row (self, self->shown) == NULL)
      gchat_window_select_conversation (self, gchat_session_get_server (self->session));
    return;
  }
  self->selecting = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (lists[i] != list)
      gtk_list_box_unselect_all (lists[i]);
  self->selecting = FALSE;
  gchat_window_show_conversation (self,
                                  gchat_sidebar_row_get_conversation (GCHAT_SIDEBAR_ROW (row)));
  if (self->narrow)
    gtk_toggle_button_set_active (self->sidebar_button, FALSE);
}

/* A contact was activated: open (or show) the private conversation. */
static void
on_contacts_list_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, GchatWindow *self)
{
  GchatContact *contact = gchat_sidebar_row_get_contact (GCHAT_SIDEBAR_ROW (row));

  gchat_window_select_conversation (self,
                                    gchat_session_open_query (self->session,
                                                              gchat_contact_get_nick (contact),
                                                              TRUE));
}

/* Title, topic bar, member button and actions from the shown conversation. */
static void
gchat_window_sync_shown (GchatWindow *self)
{
  GchatConversation    *conv = self->shown;
  GchatConversationKind kind = gchat_conversation_get_kind (conv);
  gboolean              channel = kind == GCHAT_CONVERSATION_CHANNEL;
  gboolean              joined = gchat_conversation_get_joined (conv);
  const char           *topic = gchat_conversation_get_topic (conv);
  g_autofree char      *placeholder = NULL;
  GAction              *action;

  gtk_label_set_text (self->title_label,
                      kind == GCHAT_CONVERSATION_SERVER ? "gchat"
                                                        : gchat_conversation_get_name (conv));
  gtk_widget_set_visible (self->topic_bar, channel);
  gtk_label_set_text (self->topic_label,
                      topic != NULL          ? topic
                        : channel && !joined ? "You are not in this group"
                                             : "No topic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->topic_label), topic);
  gtk_widget_set_sensitive (self->topic_bar, joined);
  gtk_widget_set_visible (GTK_WIDGET (self->members_button), channel);
  if (!channel)
    gtk_toggle_button_set_active (self->members_button, FALSE);
  if (kind == GCHAT_CONVERSATION_SERVER)
    placeholder = g_strdup ("Type /join #group, /query nick or /quote COMMAND");
  else
    placeholder = g_strdup_printf ("Message %s", gchat_conversation_get_name (conv));
  gtk_entry_set_placeholder_text (self->entry, placeholder);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "part");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), channel && joined);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "share-file");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               kind != GCHAT_CONVERSATION_SERVER && joined);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "ttt-challenge");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), kind == GCHAT_CONVERSATION_QUERY);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "close");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), kind != GCHAT_CONVERSATION_SERVER);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "group-settings");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), channel && joined);
}

/*
 * Earlier messages for the shown conversation: remember the message read
 * at the top as they are asked for, and keep it there once they are in.
 */
static void
gchat_window_scrollback_changed (GchatWindow *self)
{
  if (gchat_conversation_get_scrollback (self->shown) == GCHAT_SCROLLBACK_LOADING) {
    if (!self->stick_bottom)
      gchat_scrollback_view_remember (self->scrollback);
  } else if (gchat_scrollback_view_busy (self->scrollback)) {
    /* Earlier lines do not pull the view to the newest. */
    if (self->scroll_tick != 0)
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_view), self->scroll_tick);
    self->scroll_tick = 0;
    self->stick_bottom = FALSE;
    gchat_scrollback_view_restore (self->scrollback);
  }
}

/* The shown conversation changed a property (topic, joined, name, scrollback). */
static void
on_shown_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  if (g_strcmp0 (pspec->name, "scrollback") == 0)
    gchat_window_scrollback_changed (user_data);
  else
    gchat_window_sync_shown (user_data);
}

/* Frame tick: scroll to the end, before this frame's layout. */
static gboolean
scroll_to_end_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  GchatWindow *self = user_data;

  self->scroll_tick = 0;
  gtk_adjustment_set_value (self->vadj,
                            gtk_adjustment_get_upper (self->vadj) -
                              gtk_adjustment_get_page_size (self->vadj));
  return G_SOURCE_REMOVE;
}

/*
 * Scroll to the newest message on the next frame. Setting the value while
 * the list view lays out is undone by its own anchoring, so wait for the
 * frame; a row that grows later (an image) asks again through ::changed.
 */
static void
gchat_window_scroll_to_end (GchatWindow *self)
{
  self->stick_bottom = TRUE;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->message_view),
                                                      scroll_to_end_tick,
                                                      self,
                                                      NULL);
}

/* Lines kept for Up and Down in the entry. */
#define HISTORY_MAX 100

/* Remember a line sent from the entry (not twice in a row). */
static void
gchat_window_remember (GchatWindow *self, const char *text)
{
  if (self->history->len == 0 ||
      strcmp (g_ptr_array_index (self->history, self->history->len - 1), text) != 0)
    g_ptr_array_add (self->history, g_strdup (text));
  if (self->history->len > HISTORY_MAX)
    g_ptr_array_remove_index (self->history, 0);
  self->history_pos = self->history->len;
}

/** gchat_window_history_step: Up (-1) or Down (+1) through the lines sent before. */
gboolean
gchat_window_history_step (GchatWindow *self, int step)
{
  guint       pos;
  const char *text;

  if ((step < 0 && self->history_pos == 0) || (step > 0 && self->history_pos >= self->history->len))
    return FALSE;
  pos = self->history_pos + step;
  text = pos < self->history->len ? g_ptr_array_index (self->history, pos) : "";
  self->history_pos = pos;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  return TRUE;
}

/* Keep the newest message in view if the view was at the bottom. */
static void
on_vadj_changed (GtkAdjustment *adj, GchatWindow *self)
{
  self->last_upper = gtk_adjustment_get_upper (adj);
  if (self->stick_bottom)
    gchat_window_scroll_to_end (self);
}

/* The view is laid out at the top: ask for the earlier messages of the one shown. */
static void
gchat_window_load_older (gpointer data)
{
  GchatWindow *self = data;

  if (self->shown != NULL)
    gchat_session_load_older (self->session, self->shown);
}

/*
 * The view scrolled: stick to the bottom only while at the bottom. Compare
 * with the height seen before, as GTK may move the value before it tells
 * us the content grew; that must not count as the user scrolling up.
 */
static void
on_vadj_value_changed (GtkAdjustment *adj, GchatWindow *self)
{
  double upper = MIN (self->last_upper, gtk_adjustment_get_upper (adj));

  self->stick_bottom =
    gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >= upper - STICK_SLACK;
  /* Scrolled to the top by the user (not by a switch or our own moves): load earlier lines. */
  if (self->shown != NULL && self->scroll_tick == 0 &&
      gchat_conversation_get_scrollback (self->shown) == GCHAT_SCROLLBACK_MORE &&
      !gchat_scrollback_view_busy (self->scrollback) &&
      gchat_scrollback_view_at_top (self->scrollback))
    gchat_scrollback_view_load_later (self->scrollback, gchat_window_load_older, self);
}

/* Show @conv in the message view (without touching the sidebar selection). */
static void
gchat_window_show_conversation (GchatWindow *self, GchatConversation *conv)
{
  g_autoptr (GtkNoSelection) sel = NULL;

  if (conv == NULL)
    conv = gchat_session_get_server (self->session);
  if (self->shown != NULL)
    g_clear_signal_handler (&self->shown_handler, self->shown);
  g_set_object (&self->shown, conv);
  self->shown_handler = g_signal_connect (conv, "notify", G_CALLBACK (on_shown_notify), self);
  gchat_session_set_active (self->session, conv);
  gchat_scrollback_view_cancel (self->scrollback);
  sel = gtk_no_selection_new (gchat_scrollback_view_model_new (conv));
  gtk_list_view_set_model (self->message_view, GTK_SELECTION_MODEL (sel));
  gchat_window_scroll_to_end (self);
  gchat_member_list_set_conversation (self->member_list,
                                      self->session,
                                      gchat_conversation_get_kind (conv) ==
                                          GCHAT_CONVERSATION_CHANNEL
                                        ? conv
                                        : NULL);
  gchat_window_sync_shown (self);
  gchat_completion_reset (&self->completion);
  gchat_typing_indicator_set_typing (self->typing_indicator, gchat_conversation_get_typing (conv));
  if (self->typing != NULL)
    gchat_typing_notifier_set_target (self->typing, conv);
}

/* Message view factory: one GchatMessageRow per visible item. */
static void
message_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, gchat_message_row_new ());
  gtk_list_item_set_activatable (item, FALSE);
}

/*
 * Message view factory: show the item in the recycled row. The first item
 * is the conversation itself: the row about earlier messages.
 */
static void
message_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GchatWindow *self = user_data;
  gpointer     obj = gtk_list_item_get_item (item);
  GtkWidget   *child = gtk_list_item_get_child (item);

  if (GCHAT_IS_CONVERSATION (obj)) {
    if (!GCHAT_IS_SCROLLBACK_ROW (child)) {
      child = gchat_scrollback_row_new ();
      gtk_list_item_set_child (item, child);
    }
    gchat_scrollback_row_set_conversation (GCHAT_SCROLLBACK_ROW (child), self->session, obj);
    return;
  }
  if (!GCHAT_IS_MESSAGE_ROW (child)) {
    child = gchat_message_row_new ();
    gtk_list_item_set_child (item, child);
  }
  gchat_message_row_set_message (GCHAT_MESSAGE_ROW (child), obj);
}

/* Enter in the entry: run the text as a message or a command. */
static void
on_entry_activate_cb (GtkEntry *entry, GchatWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_autoptr (GError) error = NULL;

  if (*text == '\0')
    return;
  /* The conversation on screen is the target, whatever the session thinks. */
  gchat_session_set_active (self->session, self->shown);
  if (gchat_session_run (self->session, text, &error)) {
    gchat_window_remember (self, text);
    if (self->typing != NULL)
      gchat_typing_notifier_sent (self->typing);
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    gchat_window_scroll_to_end (self);
  } else if (error != NULL && error->domain == GCHAT_COMMAND_ERROR) {
    gtk_widget_error_bell (GTK_WIDGET (entry));
  }
}

/* The send button does what Enter does. */
static void
on_send_button_clicked_cb (GtkButton *button, GchatWindow *self)
{
  on_entry_activate_cb (self->entry, self);
}

/* Typing (not our own completion) starts a new completion. */
static void
on_entry_changed_cb (GtkEditable *editable, GchatWindow *self)
{
  if (!self->completing)
    gchat_completion_reset (&self->completion);
  if (self->typing != NULL)
    gchat_typing_notifier_input (self->typing, self->shown, gtk_editable_get_text (editable));
}

/** gchat_window_complete: Tab in the entry: complete the nick before the cursor. */
gboolean
gchat_window_complete (GchatWindow *self)
{
  g_autoptr (GPtrArray) nicks = g_ptr_array_new ();
  GListModel      *members = gchat_conversation_get_members (self->shown);
  GListModel      *contacts = gchat_session_get_contacts (self->session);
  const char      *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  int              cursor = gtk_editable_get_position (GTK_EDITABLE (self->entry));
  const char      *me = gchat_connection_get_nick (gchat_session_get_connection (self->session));
  g_autofree char *result = NULL;
  int              new_cursor = 0;

  for (guint i = 0; i < g_list_model_get_n_items (members); i++) {
    g_autoptr (GchatMember) m = g_list_model_get_item (members, i);

    if (me == NULL || chat_casecmp (gchat_member_get_nick (m), me) != 0)
      g_ptr_array_add (nicks, (gpointer)gchat_member_get_nick (m));
  }
  if (gchat_conversation_get_kind (self->shown) == GCHAT_CONVERSATION_QUERY)
    g_ptr_array_add (nicks, (gpointer)gchat_conversation_get_name (self->shown));
  if (nicks->len == 0) {
    for (guint i = 0; i < g_list_model_get_n_items (contacts); i++) {
      g_autoptr (GchatContact) c = g_list_model_get_item (contacts, i);

      g_ptr_array_add (nicks, (gpointer)gchat_contact_get_nick (c));
    }
  }
  g_ptr_array_add (nicks, NULL);
  result = gchat_command_complete (&self->completion,
                                   text,
                                   cursor,
                                   (const char *const *)nicks->pdata,
                                   &new_cursor);
  if (result == NULL) {
    gtk_widget_error_bell (GTK_WIDGET (self->entry));
    return FALSE;
  }
  self->completing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), result);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), new_cursor);
  self->completing = FALSE;
  return TRUE;
}

/* Tab completes nicks instead of moving the focus. */
static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GchatWindow           *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (keyval == GDK_KEY_Up || keyval == GDK_KEY_Down)
    return gchat_window_history_step (self, keyval == GDK_KEY_Up ? -1 : 1);
  if (keyval != GDK_KEY_Tab)
    return FALSE;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->entry)) == '\0')
    return FALSE;
  gchat_window_complete (self);
  return TRUE;
}

/* Topic popover: set the typed topic on the shown group. */
static void
on_topic_entry_activate_cb (GtkEntry *entry, GchatWindow *self)
{
  gchat_session_set_topic (self->session,
                           self->shown,
                           gtk_editable_get_text (GTK_EDITABLE (self->topic_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->topic_entry), "");
  gtk_popover_popdown (self->topic_popover);
}

/* The Set button of the topic popover. */
static void
on_topic_set_clicked_cb (GtkButton *button, GchatWindow *self)
{
  on_topic_entry_activate_cb (self->topic_entry, self);
}

/* Invite popover: invite the typed nick into the shown group. */
static void
on_invite_entry_activate_cb (GtkEntry *entry, GchatWindow *self)
{
  const char *nick = gtk_editable_get_text (GTK_EDITABLE (self->invite_entry));

  if (!chat_nick_valid (nick, CHAT_NICK_MAX)) {
    gtk_widget_error_bell (GTK_WIDGET (self->invite_entry));
    return;
  }
  gchat_session_invite (self->session, self->shown, nick);
  gtk_editable_set_text (GTK_EDITABLE (self->invite_entry), "");
  gtk_popover_popdown (self->invite_popover);
}

/* The Invite button of the invite popover. */
static void
on_invite_send_clicked_cb (GtkButton *button, GchatWindow *self)
{
  on_invite_entry_activate_cb (self->invite_entry, self);
}

/* Add-contact popover: follow the typed nick. */
static void
on_add_contact_activate_cb (GtkWidget *widget, GchatWindow *self)
{
  const char *nick = gtk_editable_get_text (GTK_EDITABLE (self->add_contact_entry));

  if (!chat_nick_valid (nick, CHAT_NICK_MAX)) {
    gtk_widget_error_bell (GTK_WIDGET (self->add_contact_entry));
    return;
  }
  gchat_session_add_contact (self->session, nick);
  gtk_editable_set_text (GTK_EDITABLE (self->add_contact_entry), "");
  gtk_popover_popdown (self->add_contact_popover);
}

/* The close button of the info bar. */
static void
on_infobar_close_clicked_cb (GtkButton *button, GchatWindow *self)
{
  gtk_revealer_set_reveal_child (self->infobar_revealer, FALSE);
}

/** gchat_window_show_error: put @text in the info bar above the messages. */
void
gchat_window_show_error (GchatWindow *self, const char *text)
{
  g_return_if_fail (GCHAT_IS_WINDOW (self));
  gtk_label_set_text (self->infobar_label, text);
  gtk_revealer_set_reveal_child (self->infobar_revealer, TRUE);
}

/** gchat_window_get_actions: the window's "chat." actions (tests read their enabled state). */
GActionGroup *
gchat_window_get_actions (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

/** gchat_window_get_error: the info bar text, or NULL when hidden (tests read it). */
const char *
gchat_window_get_error (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->infobar_revealer))
    return NULL;
  return gtk_label_get_text (self->infobar_label);
}

/* "Trust and connect": save the fingerprint, then connect again. */
static void
on_trust_submitted (GchatTrustDialog *dialog, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (gchat_config_set_trusted (gchat_trust_dialog_get_peer (dialog),
                                gchat_trust_dialog_get_fingerprint (dialog),
                                &error))
    gchat_window_connect (self);
  else
    gchat_window_show_error (self, error->message);
}

/* A TLS server showed a certificate we do not trust: ask, or warn if it changed. */
static void
on_certificate_unknown (GchatConnection *conn,
                        const char      *peer,
                        const char      *fingerprint,
                        gboolean         changed,
                        GchatWindow     *self)
{
  GchatTrustDialog *dialog;

  (void)conn;
  if (changed) {
    g_autofree char *text = g_strdup_printf (
      "The certificate of %s changed since you trusted it (SHA-256 now %s); not connecting. "
      "Only if you know why it changed: Connect to a server, Forget trusted certificate.",
      peer,
      fingerprint);

    gchat_window_show_error (self, text);
    return;
  }
  dialog = gchat_trust_dialog_new (GTK_WINDOW (self), peer, fingerprint);
  g_signal_connect (dialog, "submitted", G_CALLBACK (on_trust_submitted), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The session reports an error from the server, in words. */
static void
on_server_error (GchatSession *session, const char *text, GchatWindow *self)
{
  GchatConnectionState state = gchat_connection_get_state (gchat_session_get_connection (session));

  self->login_error = state == GCHAT_CONNECTION_REGISTERING;
  gchat_window_show_error (self, text);
}

/* A conversation appeared or was asked for; show it when asked to. */
static void
on_conversation_opened (GchatSession      *session,
                        GchatConversation *conv,
                        gboolean           focus,
                        GchatWindow       *self)
{
  if (focus)
    gchat_window_select_conversation (self, conv);
}

/* A private message or mention: a desktop notification when we are not looked at. */
static void
on_notify_message (GchatSession      *session,
                   GchatConversation *conv,
                   GchatMessage      *msg,
                   GchatWindow       *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GNotification) n = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (app == NULL || (gtk_window_is_active (GTK_WINDOW (self)) && conv == self->shown))
    return;
  if (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_QUERY)
    title = g_strdup_printf ("Private message from %s", gchat_message_get_nick (msg));
  else if (gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL)
    title = g_strdup_printf ("%s mentioned you in %s",
                             gchat_message_get_nick (msg),
                             gchat_conversation_get_name (conv));
  else
    title = g_strdup ("gchat");
  n = g_notification_new (title);
  if (GCHAT_IS_GAME (gchat_message_get_item (msg)))
    body = gchat_game_describe (GCHAT_GAME (gchat_message_get_item (msg)));
  else if (GCHAT_IS_TRANSFER (gchat_message_get_item (msg)))
    body =
      g_strdup_printf ("Offers you %s",
                       gchat_transfer_get_name (GCHAT_TRANSFER (gchat_message_get_item (msg))));
  else
    body = g_strdup (gchat_message_get_text (msg));
  g_notification_set_body (n, body);
  g_application_send_notification (app, "gchat-message", n);
}

/* Account actions only make sense while the server says we are logged in. */
static void
on_logged_in (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GchatConnection *conn = gchat_session_get_connection (self->session);
  gboolean         logged_in = gchat_connection_get_state (conn) == GCHAT_CONNECTION_CONNECTED &&
    gchat_connection_get_logged_in (conn);
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "change-password");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "logout");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "delete-account");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), logged_in);
}

/* Connection state: which actions make sense; finish a pending close. */
static void
on_session_state (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GchatConnectionState state =
    gchat_connection_get_state (gchat_session_get_connection (self->session));
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "disconnect");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state != GCHAT_CONNECTION_DISCONNECTED);
  on_logged_in (NULL, NULL, self);
  /* Connecting again ends the last connection's trouble, not a refused login. */
  if (state == GCHAT_CONNECTION_CONNECTED && !self->login_error)
    gtk_revealer_set_reveal_child (self->infobar_revealer, FALSE);
  if (state != GCHAT_CONNECTION_CONNECTED)
    self->login_error = FALSE;
  if (self->quitting && state == GCHAT_CONNECTION_DISCONNECTED)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Save the contact list whenever it changes. */
static void
on_contacts_changed (GListModel *model, guint pos, guint removed, guint added, GchatWindow *self)
{
  guint n = g_list_model_get_n_items (model);
  g_autoptr (GError) error = NULL;

  g_strfreev (self->config->contacts);
  self->config->contacts = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatContact) c = g_list_model_get_item (model, i);

    self->config->contacts[i] = g_strdup (gchat_contact_get_nick (c));
  }
  if (!gchat_config_save (self->config, &error))
    g_warning ("Cannot save the settings: %s", error->message);
}

/** gchat_window_connect: connect with the settings as they are. */
void
gchat_window_connect (GchatWindow *self)
{
  GchatConfig *c;

  g_return_if_fail (GCHAT_IS_WINDOW (self));
  c = self->config;
  /*
   * Only new settings go to the connection: it knows better after a
   * REGISTER (log in next time), /password or /logout.
   */
  if (self->account_fresh)
    gchat_connection_set_account (gchat_session_get_connection (self->session),
                                  c->account,
                                  c->password,
                                  c->register_account);
  self->account_fresh = FALSE;
  gchat_session_connect (self->session, c->host, c->port, c->tls, c->nick, c->realname);
}

/* The connect dialog was submitted: remember the fields and connect. */
static void
on_connect_submitted (GchatConnectDialog *dialog, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  gchat_connect_dialog_fill (dialog, self->config);
  self->account_fresh = TRUE;
  if (!gchat_config_save (self->config, &error))
    gchat_window_show_error (self, error->message);
  gchat_window_connect (self);
}

/** gchat_window_show_connect_dialog: ask for the server and nick. */
void
gchat_window_show_connect_dialog (GchatWindow *self)
{
  GchatConnectDialog *dialog;

  /*
   * Once handed over, the connection knows the password better: a /logout
   * drops it and a password change replaces it. Never offer a stale one.
   */
  if (!self->account_fresh) {
    const char *password =
      gchat_connection_get_password (gchat_session_get_connection (self->session));

    if (self->config->password != NULL)
      memset (self->config->password, 0, strlen (self->config->password));
    g_free (self->config->password);
    self->config->password = g_strdup (password);
  }
  dialog = gchat_connect_dialog_new (GTK_WINDOW (self), self->config);

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_connect_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The join dialog was submitted: join, and close it unless that failed at once. */
static void
on_join_submitted (GchatJoinDialog *dialog, gboolean *done, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  *done = gchat_session_join (self->session,
                              gchat_join_dialog_get_name (dialog),
                              gchat_join_dialog_get_key (dialog),
                              gchat_join_dialog_get_private (dialog),
                              &error);
  if (!*done)
    gchat_join_dialog_set_problem (dialog, error != NULL ? error->message : "Could not join");
}

/** gchat_window_show_join_dialog: ask for a group to join or create. */
void
gchat_window_show_join_dialog (GchatWindow *self)
{
  GchatJoinDialog *dialog = gchat_join_dialog_new (GTK_WINDOW (self));

  gchat_join_dialog_set_groups (dialog, gchat_session_get_group_list (self->session));
  gchat_session_list_groups (self->session);

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_join_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.connect */
static void
connect_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_connect_dialog (user_data);
}

/* chat.disconnect */
static void
disconnect_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_disconnect (self->session);
}

/* The password dialog was submitted: send PASSWORD, or say why not. */
static void
on_password_submitted (GchatPasswordDialog *dialog, gboolean *done, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  *done = gchat_session_change_password (self->session,
                                         gchat_password_dialog_get_old (dialog),
                                         gchat_password_dialog_get_new (dialog),
                                         &error);
  if (!*done)
    gchat_password_dialog_set_problem (dialog, error->message);
}

/** gchat_window_show_password_dialog: ask for the old and the new password. */
void
gchat_window_show_password_dialog (GchatWindow *self)
{
  GchatPasswordDialog *dialog =
    gchat_password_dialog_new (GTK_WINDOW (self),
                               gchat_connection_get_account (
                                 gchat_session_get_connection (self->session)));

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_password_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.change-password */
static void
change_password_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_password_dialog (user_data);
}

/* The delete dialog was submitted: send UNREGISTER, or say why not. */
static void
on_unregister_submitted (GchatUnregisterDialog *dialog, gboolean *done, GchatWindow *self)
{
  g_autoptr (GError) error = NULL;

  *done =
    gchat_session_unregister (self->session, gchat_unregister_dialog_get_password (dialog), &error);
  if (!*done)
    gchat_unregister_dialog_set_problem (dialog, error->message);
}

/** gchat_window_show_unregister_dialog: confirm deleting the account with its password. */
void
gchat_window_show_unregister_dialog (GchatWindow *self)
{
  GchatUnregisterDialog *dialog =
    gchat_unregister_dialog_new (GTK_WINDOW (self),
                                 gchat_connection_get_account (
                                   gchat_session_get_connection (self->session)));

  g_signal_connect_object (dialog, "submitted", G_CALLBACK (on_unregister_submitted), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* chat.delete-account */
static void
delete_account_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_unregister_dialog (user_data);
}

/* chat.logout: leave the account, stay in the chat. */
static void
logout_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!gchat_session_logout (self->session, &error))
    gchat_window_show_error (self, error->message);
}

/* chat.join-dialog */
static void
join_dialog_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_join_dialog (user_data);
}

/* chat.part: leave the shown group but keep its history on screen. */
static void
part_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_active (self->session, self->shown);
  gchat_session_run (self->session, "/part", NULL);
}

/* chat.close: leave and forget the shown conversation. */
static void
close_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  if (self->shown != gchat_session_get_server (self->session))
    gchat_session_close_conversation (self->session, self->shown);
}

/* chat.query(nick) */
static void
query_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_window_select_conversation (self,
                                    gchat_session_open_query (self->session,
                                                              g_variant_get_string (param, NULL),
                                                              TRUE));
}

/* chat.whois(nick) */
static void
whois_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_active (self->session, self->shown);
  gchat_session_whois (self->session, g_variant_get_string (param, NULL));
}

/* chat.make-admin(nick) */
static void
make_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_make_admin (self->session, self->shown, g_variant_get_string (param, NULL));
}

/* chat.remove-admin(nick) */
static void
remove_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_remove_admin (self->session, self->shown, g_variant_get_string (param, NULL));
}

/* chat.part-group(nick): our own member row's "leave" (the nick is ours). */
static void
part_group_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  part_activated (action, NULL, user_data);
}

/* chat.kick(nick) */
static void
kick_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_kick (self->session, self->shown, g_variant_get_string (param, NULL));
}

/* chat.ban(nick): ban, then remove, so the person cannot come straight back. */
static void
ban_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;
  const char  *nick = g_variant_get_string (param, NULL);

  gchat_session_ban (self->session, self->shown, nick);
  gchat_session_kick (self->session, self->shown, nick);
}

/**
 * gchat_window_show_group_settings:
 * Open (or bring up) the settings window of the group on screen.
 * Returns: (transfer none): the window, or NULL when no group is shown.
 */
GtkWidget *
gchat_window_show_group_settings (GchatWindow *self)
{
  GListModel         *tops = gtk_window_get_toplevels ();
  GchatGroupSettings *dialog;

  if (self->shown == NULL ||
      gchat_conversation_get_kind (self->shown) != GCHAT_CONVERSATION_CHANNEL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++) {
    g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

    if (GCHAT_IS_GROUP_SETTINGS (w) &&
        gchat_group_settings_get_conversation (GCHAT_GROUP_SETTINGS (w)) == self->shown) {
      gtk_window_present (GTK_WINDOW (w));
      return w;
    }
  }
  dialog = gchat_group_settings_new (GTK_WINDOW (self), self->session, self->shown);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WIDGET (dialog);
}

/* chat.group-settings */
static void
group_settings_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  gchat_window_show_group_settings (user_data);
}

/* chat.make-permanent-admin(account): CHANADMIN +account in the group on screen. */
static void
make_permanent_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_permanent_admin (self->session,
                                     self->shown,
                                     g_variant_get_string (param, NULL),
                                     TRUE);
}

/* chat.remove-permanent-admin(account): CHANADMIN -account in the group on screen. */
static void
remove_permanent_admin_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_permanent_admin (self->session,
                                     self->shown,
                                     g_variant_get_string (param, NULL),
                                     FALSE);
}

/* chat.ttt-challenge: challenge the person of the private conversation on screen. */
static void
ttt_challenge_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  if (gchat_conversation_get_kind (self->shown) == GCHAT_CONVERSATION_QUERY)
    gchat_session_ttt_challenge (self->session,
                                 gchat_conversation_get_name (self->shown),
                                 NULL,
                                 NULL);
}

/* chat.ttt-move((id, cell)) from a board's cell button. */
static void
ttt_move_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;
  const char  *id;
  int          cell;

  g_variant_get (param, "(&si)", &id, &cell);
  gchat_session_ttt_move (self->session, id, cell);
}

/* chat.focus-entry: the keyboard goes to the message entry. */
static void
focus_entry_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* chat.ttt-accept(id) */
static void
ttt_accept_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_answer (self->session, g_variant_get_string (param, NULL), TRUE);
}

/* chat.ttt-decline(id) */
static void
ttt_decline_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_answer (self->session, g_variant_get_string (param, NULL), FALSE);
}

/* chat.ttt-rematch(id) */
static void
ttt_rematch_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_rematch (self->session, g_variant_get_string (param, NULL));
}

/* chat.transfer-accept(key) */
static void
transfer_accept_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_answer (self->session, g_variant_get_string (param, NULL), TRUE);
}

/* chat.transfer-decline(key) */
static void
transfer_decline_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_answer (self->session, g_variant_get_string (param, NULL), FALSE);
}

/* chat.transfer-cancel(key) */
static void
transfer_cancel_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_transfer_cancel (self->session, g_variant_get_string (param, NULL));
}

/* The received file was copied (or not). */
static void
save_copied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GchatWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_copy_finish (G_FILE (source), result, &error)) {
    g_autofree char *text = g_strdup_printf ("Could not save the file: %s", error->message);

    gchat_window_show_error (self, text);
  }
}

/* The save dialog answered: copy the received file there. */
static void
on_save_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GchatWindow   *self = user_data;
  GchatTransfer *t = g_object_get_data (G_OBJECT (dialog), "gchat-transfer");
  g_autoptr (GFile) file = NULL;
  GFile *received;

  if (response == GTK_RESPONSE_ACCEPT && t != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (received = gchat_transfer_get_file (t)) != NULL && !g_file_equal (received, file))
    g_file_copy_async (received,
                       file,
                       G_FILE_COPY_OVERWRITE,
                       G_PRIORITY_DEFAULT,
                       NULL,
                       NULL,
                       NULL,
                       save_copied_cb,
                       g_object_ref (self));
  g_object_unref (dialog);
}

/* chat.transfer-save(key): "save as" for a received file. */
static void
transfer_save_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow   *self = user_data;
  GchatTransfer *t =
    gchat_session_find_transfer (self->session, g_variant_get_string (param, NULL));
  GtkFileChooserNative *dialog;

  if (t == NULL)
    return;
  dialog = gtk_file_chooser_native_new ("Save the file",
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        "_Save",
                                        "_Cancel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), gchat_transfer_get_name (t));
  g_object_set_data_full (G_OBJECT (dialog), "gchat-transfer", g_object_ref (t), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The open dialog answered: offer the chosen file to the conversation on screen. */
static void
on_share_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GchatWindow *self = user_data;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    gchat_session_send_file (self->session, gchat_conversation_get_name (self->shown), file, NULL);
  g_object_unref (dialog);
}

/* chat.share-file: choose a file for the conversation on screen. */
static void
share_file_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow          *self = user_data;
  GtkFileChooserNative *dialog;

  if (gchat_conversation_get_kind (self->shown) == GCHAT_CONVERSATION_SERVER)
    return;
  dialog = gtk_file_chooser_native_new ("Share a file",
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        "_Share",
                                        "_Cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_share_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* chat.ttt-resign(id) */
static void
ttt_resign_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_ttt_resign (self->session, g_variant_get_string (param, NULL));
}

/* chat.away (a check item): ask the server; the state follows its answer. */
static void
away_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_set_away (self->session, g_variant_get_boolean (value), "Away");
}

/* The server marked us away or back: the menu's check follows. */
static void
on_session_away (GObject *object, GParamSpec *pspec, GchatWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "away");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (gchat_session_get_away (self->session)));
}

/* chat.remove-contact(nick) */
static void
remove_contact_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GchatWindow *self = user_data;

  gchat_session_remove_contact (self->session, g_variant_get_string (param, NULL));
}

static const GActionEntry window_actions[] = {
  { .name = "connect", .activate = connect_activated },
  { .name = "disconnect", .activate = disconnect_activated },
  { .name = "join-dialog", .activate = join_dialog_activated },
  { .name = "change-password", .activate = change_password_activated },
  { .name = "delete-account", .activate = delete_account_activated },
  { .name = "logout", .activate = logout_activated },
  { .name = "part", .activate = part_activated },
  { .name = "close", .activate = close_activated },
  { .name = "query", .activate = query_activated, .parameter_type = "s" },
  { .name = "make-admin", .activate = make_admin_activated, .parameter_type = "s" },
  { .name = "whois", .activate = whois_activated, .parameter_type = "s" },
  { .name = "remove-admin", .activate = remove_admin_activated, .parameter_type = "s" },
  { .name = "part-group", .activate = part_group_activated, .parameter_type = "s" },
  { .name = "kick", .activate = kick_activated, .parameter_type = "s" },
  { .name = "ban", .activate = ban_activated, .parameter_type = "s" },
  { .name = "remove-contact", .activate = remove_contact_activated, .parameter_type = "s" },
  { .name = "ttt-challenge", .activate = ttt_challenge_activated },
  { .name = "share-file", .activate = share_file_activated },
  { .name = "away", .state = "false", .change_state = away_change_state },
  { .name = "transfer-accept", .activate = transfer_accept_activated, .parameter_type = "s" },
  { .name = "transfer-decline", .activate = transfer_decline_activated, .parameter_type = "s" },
  { .name = "transfer-cancel", .activate = transfer_cancel_activated, .parameter_type = "s" },
  { .name = "transfer-save", .activate = transfer_save_activated, .parameter_type = "s" },
  { .name = "ttt-move", .activate = ttt_move_activated, .parameter_type = "(si)" },
  { .name = "focus-entry", .activate = focus_entry_activated },
  { .name = "ttt-accept", .activate = ttt_accept_activated, .parameter_type = "s" },
  { .name = "ttt-decline", .activate = ttt_decline_activated, .parameter_type = "s" },
  { .name = "ttt-rematch", .activate = ttt_rematch_activated, .parameter_type = "s" },
  { .name = "ttt-resign", .activate = ttt_resign_activated, .parameter_type = "s" },
  { .name = "group-settings", .activate = group_settings_activated },
  { .name = "make-permanent-admin",
    .activate = make_permanent_admin_activated,
    .parameter_type = "s" },
  { .name = "remove-permanent-admin",
    .activate = remove_permanent_admin_activated,
    .parameter_type = "s" },
};

/* Narrow or wide: fold the side panes (run from idle, outside allocation). */
static gboolean
gchat_window_apply_layout (gpointer user_data)
{
  GchatWindow *self = user_data;

  self->layout_idle = 0;
  gtk_toggle_button_set_active (self->sidebar_button, !self->narrow);
  if (self->narrow)
    gtk_toggle_button_set_active (self->members_button, FALSE);
  if (self->narrow)
    gtk_widget_add_css_class (GTK_WIDGET (self), "narrow");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "narrow");
  return G_SOURCE_REMOVE;
}

/* Watch the width: crossing GCHAT_WINDOW_NARROW changes the layout. */
static void
gchat_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  GchatWindow *self = GCHAT_WINDOW (widget);
  gboolean     narrow = width < GCHAT_WINDOW_NARROW;

  GTK_WIDGET_CLASS (gchat_window_parent_class)->size_allocate (widget, width, height, baseline);
  if (narrow != self->narrow) {
    self->narrow = narrow;
    if (self->layout_idle == 0)
      self->layout_idle = g_idle_add (gchat_window_apply_layout, self);
  }
}

/** gchat_window_get_narrow: whether the narrow layout is in use. */
gboolean
gchat_window_get_narrow (GchatWindow *self)
{
  return self->narrow;
}

/* Closing while connected: say QUIT first, then go when the line is out. */
static gboolean
gchat_window_close_request (GtkWindow *window)
{
  GchatWindow         *self = GCHAT_WINDOW (window);
  GchatConnectionState state =
    gchat_connection_get_state (gchat_session_get_connection (self->session));

  if (state == GCHAT_CONNECTION_DISCONNECTED || self->quitting)
    return GTK_WINDOW_CLASS (gchat_window_parent_class)->close_request (window);
  self->quitting = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gchat_session_disconnect (self->session);
  return TRUE;
}

/** gchat_window_get_session: the session shown (borrowed). */
GchatSession *
gchat_window_get_session (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->session;
}

/** gchat_window_get_shown: the conversation on screen (borrowed). */
GchatConversation *
gchat_window_get_shown (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->shown;
}

/** gchat_window_get_entry: the message entry (tests type into it). */
GtkEntry *
gchat_window_get_entry (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->entry;
}

/** gchat_window_get_message_view: the message list view. */
GtkListView *
gchat_window_get_message_view (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->message_view;
}

/** gchat_window_get_member_list: the member list pane. */
GchatMemberList *
gchat_window_get_member_list (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->member_list;
}

/** gchat_window_get_members_button: the toggle that shows the member list. */
GtkToggleButton *
gchat_window_get_members_button (GchatWindow *self)
{
  g_return_val_if_fail (GCHAT_IS_WINDOW (self), NULL);
  return self->members_button;
}

static void
gchat_window_dispose (GObject *object)
{
  GchatWindow *self = GCHAT_WINDOW (object);

  g_clear_handle_id (&self->layout_idle, g_source_remove);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_view), self->scroll_tick);
  self->scroll_tick = 0;
  if (self->shown != NULL)
    g_clear_signal_handler (&self->shown_handler, self->shown);
  g_clear_object (&self->shown);
  if (self->session != NULL) {
    g_signal_handlers_disconnect_by_data (self->session, self);
    g_signal_handlers_disconnect_by_data (gchat_session_get_contacts (self->session), self);
    gchat_session_disconnect (self->session);
  }
  if (self->vadj != NULL)
    g_signal_handlers_disconnect_by_data (self->vadj, self);
  g_clear_object (&self->vadj);
  g_clear_object (&self->typing);
  g_clear_pointer (&self->scrollback, gchat_scrollback_view_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (gchat_window_parent_class)->dispose (object);
}

static void
gchat_window_finalize (GObject *object)
{
  GchatWindow *self = GCHAT_WINDOW (object);

  gchat_completion_reset (&self->completion);
  g_ptr_array_unref (self->history);
  gchat_config_free (self->config);
  G_OBJECT_CLASS (gchat_window_parent_class)->finalize (object);
}

static void
gchat_window_class_init (GchatWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = gchat_window_dispose;
  object_class->finalize = gchat_window_finalize;
  widget_class->size_allocate = gchat_window_size_allocate;
  window_class->close_request = gchat_window_close_request;

  g_type_ensure (GCHAT_TYPE_MEMBER_LIST);
  g_type_ensure (GCHAT_TYPE_TYPING_INDICATOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/chatd/Gchat/gchat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, members_button);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, infobar_revealer);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, infobar_label);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, server_list);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, groups_list);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, private_list);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, contacts_list);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, add_contact_popover);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, add_contact_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, topic_bar);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, topic_label);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, topic_popover);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, topic_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, invite_button);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, invite_popover);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, invite_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, message_view);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, entry);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, typing_indicator);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, members_revealer);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, member_list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_contacts_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_topic_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_topic_set_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_invite_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_invite_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_contact_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_infobar_close_clicked_cb);
}

static void
gchat_window_init (GchatWindow *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->history = g_ptr_array_new_with_free_func (g_free);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions),
                                   window_actions,
                                   G_N_ELEMENTS (window_actions),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "chat", G_ACTION_GROUP (self->actions));
  g_object_bind_property (self->sidebar_button,
                          "active",
                          self->sidebar,
                          "visible",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect (factory, "setup", G_CALLBACK (message_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (message_bind_cb), self);
  gtk_list_view_set_factory (self->message_view, factory);
  self->vadj = g_object_ref (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->message_view)));
  g_signal_connect (self->vadj, "changed", G_CALLBACK (on_vadj_changed), self);
  g_signal_connect (self->vadj, "value-changed", G_CALLBACK (on_vadj_value_changed), self);
  self->scrollback = gchat_scrollback_view_new (self->message_view);
  self->stick_bottom = TRUE;

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  self->session = gchat_session_new ();
  gchat_window_bind_kind (self, self->server_list, GCHAT_CONVERSATION_SERVER);
  gchat_window_bind_kind (self, self->groups_list, GCHAT_CONVERSATION_CHANNEL);
  gchat_window_bind_kind (self, self->private_list, GCHAT_CONVERSATION_QUERY);
  gtk_list_box_bind_model (self->contacts_list,
                           gchat_session_get_contacts (self->session),
                           create_contact_row,
                           NULL,
                           NULL);
  g_object_bind_property (self->session,
                          "status",
                          self->status_label,
                          "label",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect (self->session, "server-error", G_CALLBACK (on_server_error), self);
  g_signal_connect_object (gchat_session_get_connection (self->session),
                           "certificate-unknown",
                           G_CALLBACK (on_certificate_unknown),
                           self,
                           0);
  g_signal_connect (self->session,
                    "conversation-opened",
                    G_CALLBACK (on_conversation_opened),
                    self);
  g_signal_connect (self->session, "notify-message", G_CALLBACK (on_notify_message), self);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  g_signal_connect (self->session, "notify::away", G_CALLBACK (on_session_away), self);
  g_signal_connect_object (gchat_session_get_connection (self->session),
                           "notify::logged-in",
                           G_CALLBACK (on_logged_in),
                           self,
                           0);
  on_session_state (NULL, NULL, self);
  gchat_server_actions_install (GTK_WINDOW (self), self->session);
  gchat_window_select_conversation (self, gchat_session_get_server (self->session));
}

/** gchat_window_new: the main window for @app; takes @config. */
GchatWindow *
gchat_window_new (GtkApplication *app, GchatConfig *config)
{
  GchatWindow *self = g_object_new (GCHAT_TYPE_WINDOW, "application", app, NULL);

  self->config = config;
  self->account_fresh = TRUE;
  self->typing = gchat_typing_notifier_new (GTK_WIDGET (self), self->session, config);
  for (guint i = 0; config->contacts != NULL && config->contacts[i] != NULL; i++)
    if (chat_nick_valid (config->contacts[i], CHAT_NICK_MAX))
      gchat_session_add_contact (self->session, config->contacts[i]);
  g_signal_connect (gchat_session_get_contacts (self->session),
                    "items-changed",
                    G_CALLBACK (on_contacts_changed),
                    self);
  return self;
}
