/*
 * gchat-window.c: the main window: its template, the sidebar of list boxes
 * bound to filtered views of the session's conversations (server, groups,
 * private) and its contacts, and the narrow/wide layout. The window only
 * shows the models: GchatSession owns the state, so nothing here waits on
 * the network. The rest is in parts over gchat-window-private.h:
 *   gchat-window-view.c     the messages, scrolling, the entry, topic and invite
 *   gchat-window-session.c  what the session says: errors, certificates,
 *                           notifications, and the connect and join dialogs
 *   gchat-window-actions.c  the "chat." actions of menus and buttons
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-window-private.h"

G_DEFINE_FINAL_TYPE (GchatWindow, gchat_window, ADW_TYPE_APPLICATION_WINDOW)


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

/*
 * The leaflet folded or unfolded: narrow is folded. Folded, the sidebar is
 * a page of its own (kept visible: the button goes to it, not hides it).
 */
static void
on_leaflet_folded_cb (AdwLeaflet *leaflet, GParamSpec *pspec, GchatWindow *self)
{
  gboolean narrow = adw_leaflet_get_folded (leaflet);

  if (narrow)
    gtk_widget_set_visible (self->sidebar, TRUE);
  if (narrow != self->narrow) {
    self->narrow = narrow;
    if (self->layout_idle == 0)
      self->layout_idle = g_idle_add (gchat_window_apply_layout, self);
  }
}

/* The sidebar button: wide, it shows or hides the sidebar; narrow, it goes to it or back. */
static void
on_sidebar_button_active (GtkToggleButton *button, GParamSpec *pspec, GchatWindow *self)
{
  gboolean active = gtk_toggle_button_get_active (button);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, active ? self->sidebar : self->content);
  else
    gtk_widget_set_visible (self->sidebar, active);
}

/* A swipe back (or the leaflet itself) changed the page: the button follows. */
static void
on_leaflet_visible_child (AdwLeaflet *leaflet, GParamSpec *pspec, GchatWindow *self)
{
  if (adw_leaflet_get_folded (leaflet))
    gtk_toggle_button_set_active (self->sidebar_button,
                                  adw_leaflet_get_visible_child (leaflet) == self->sidebar);
}

/** gchat_window_toast: show @text for a moment over the conversation (transient news). */
void
gchat_window_toast (GchatWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  g_return_if_fail (GCHAT_IS_WINDOW (self));
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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
  g_clear_object (&self->found);
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
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, content);
  gtk_widget_class_bind_template_child (widget_class, GchatWindow, toast_overlay);
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
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);
  gchat_window_view_class_init (widget_class);
  gchat_window_session_class_init (widget_class);
}

static void
gchat_window_init (GchatWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history = g_ptr_array_new_with_free_func (g_free);
  gchat_window_actions_init (self);
  g_signal_connect (self->sidebar_button,
                    "notify::active",
                    G_CALLBACK (on_sidebar_button_active),
                    self);
  g_signal_connect (self->leaflet,
                    "notify::visible-child",
                    G_CALLBACK (on_leaflet_visible_child),
                    self);
  gchat_window_view_init (self);

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
  gchat_window_session_init (self);
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
                    G_CALLBACK (gchat_window_contacts_changed),
                    self);
  return self;
}
