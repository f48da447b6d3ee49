/*
 * gchat-window-view.c: the active conversation: a GtkListView of its
 * messages that sticks to the bottom and loads earlier pages at the top,
 * and the entry with slash commands, Tab completion and sent-line history;
 * the topic and invite popovers.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-window-private.h"

/* Within this many pixels of the bottom, new messages keep the view at the bottom. */
#define STICK_SLACK 40

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

/* The message rows under @widget (the message view's insides): may each be withdrawn? */
static void
gchat_window_sync_rows (GchatWindow *self, GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    if (GCHAT_IS_MESSAGE_ROW (child)) {
      GchatMessage *msg = gchat_message_row_get_message (GCHAT_MESSAGE_ROW (child));

      gchat_message_row_set_withdrawable (GCHAT_MESSAGE_ROW (child),
                                          msg != NULL &&
                                            gchat_session_can_withdraw (self->session,
                                                                        self->shown,
                                                                        msg));
    } else {
      gchat_window_sync_rows (self, child);
    }
  }
}

/**
 * gchat_window_sync_withdrawable: the rows on screen offer "Withdraw
 * message" again, as being an admin or being connected changed.
 */
void
gchat_window_sync_withdrawable (GchatWindow *self)
{
  if (self->shown != NULL)
    gchat_window_sync_rows (self, GTK_WIDGET (self->message_view));
}

/* The shown conversation changed a property (topic, joined, name, operator, scrollback). */
static void
on_shown_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  if (g_strcmp0 (pspec->name, "scrollback") == 0) {
    gchat_window_scrollback_changed (user_data);
    return;
  }
  gchat_window_sync_shown (user_data);
  if (g_strcmp0 (pspec->name, "operator") == 0 || g_strcmp0 (pspec->name, "joined") == 0)
    gchat_window_sync_withdrawable (user_data);
}

/**
 * gchat_window_report_read: the conversation on screen was seen to its
 * end when the window has the focus and the view is at the bottom: the
 * server keeps that for the account's other sessions (read marker).
 */
void
gchat_window_report_read (GchatWindow *self)
{
  if (self->shown != NULL && self->stick_bottom && gtk_window_is_active (GTK_WINDOW (self)))
    gchat_session_mark_read (self->session, self->shown);
}

/*
 * Frames to wait after a new model for the list view to measure it: until
 * then the adjustment still holds the old conversation's height, and a
 * value past the new one makes GTK 4.8 warn "GtkListView failed to scroll
 * to given position". A model as tall as the one before says nothing new
 * (no ::changed), hence the bound.
 */
#define MODEL_FRAMES_MAX 4

/* Frame tick: scroll to the end, before this frame's layout. */
static gboolean
scroll_to_end_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  GchatWindow *self = user_data;

  if (self->model_frames > 0) {
    self->model_frames--;
    return G_SOURCE_CONTINUE;
  }
  self->scroll_tick = 0;
  gtk_adjustment_set_value (self->vadj,
                            gtk_adjustment_get_upper (self->vadj) -
                              gtk_adjustment_get_page_size (self->vadj));
  gchat_window_report_read (self);
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
  self->model_frames = 0; /* the list view measured what it shows now */
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
  if (self->stick_bottom && self->scroll_tick == 0)
    gchat_window_report_read (self);
  /* Scrolled to the top by the user (not by a switch or our own moves): load earlier lines. */
  if (self->shown != NULL && self->scroll_tick == 0 &&
      gchat_conversation_get_scrollback (self->shown) == GCHAT_SCROLLBACK_MORE &&
      !gchat_scrollback_view_busy (self->scrollback) &&
      gchat_scrollback_view_at_top (self->scrollback))
    gchat_scrollback_view_load_later (self->scrollback, gchat_window_load_older, self);
}

/**
 * gchat_window_jump_to_first_unread: scroll the message view to the "New
 * messages" divider of the shown conversation (chat.jump-unread, Alt+Home).
 * Returns: FALSE when there is none.
 */
gboolean
gchat_window_jump_to_first_unread (GchatWindow *self)
{
  guint at = gchat_conversation_find_first_unread (self->shown);

  if (at == G_MAXUINT)
    return FALSE;
  /* The view's model has a header item first, except for the server log. */
  if (gchat_conversation_get_kind (self->shown) != GCHAT_CONVERSATION_SERVER)
    at++;
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_view), self->scroll_tick);
  self->scroll_tick = 0;
  self->stick_bottom = FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self->message_view),
                                     "list.scroll-to-item",
                                     "u",
                                     at);
}

/* Mark the row of @msg as the one jumped to (CSS "found"), and no other. */
static void
gchat_window_mark_found (GchatWindow *self, GchatMessage *msg)
{
  g_set_object (&self->found, msg);
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->message_view)); item != NULL;
       item = gtk_widget_get_next_sibling (item)) {
    GtkWidget *row = gtk_widget_get_first_child (item);

    if (GCHAT_IS_MESSAGE_ROW (row)) {
      if (msg != NULL && gchat_message_row_get_message (GCHAT_MESSAGE_ROW (row)) == msg)
        gtk_widget_add_css_class (row, "found");
      else
        gtk_widget_remove_css_class (row, "found");
    }
  }
}

/**
 * gchat_window_jump_to_message: show @conv and scroll its message view to
 * @msg, marked as found (a search result or a mention).
 * Returns: FALSE when @conv no longer holds @msg.
 */
gboolean
gchat_window_jump_to_message (GchatWindow *self, GchatConversation *conv, GchatMessage *msg)
{
  GListModel *messages = gchat_conversation_get_messages (conv);
  guint       at = G_MAXUINT;

  for (guint i = g_list_model_get_n_items (messages); i > 0 && at == G_MAXUINT; i--) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (messages, i - 1);

    if (m == msg)
      at = i - 1;
  }
  if (at == G_MAXUINT)
    return FALSE;
  if (self->shown != conv)
    gchat_window_select_conversation (self, conv);
  /* The view's model has a header item first, except for the server log. */
  if (gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_SERVER)
    at++;
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_view), self->scroll_tick);
  self->scroll_tick = 0;
  self->stick_bottom = FALSE;
  gchat_window_mark_found (self, msg);
  return gtk_widget_activate_action (GTK_WIDGET (self->message_view),
                                     "list.scroll-to-item",
                                     "u",
                                     at);
}

/** gchat_window_get_found: the message last jumped to by search or mentions, or NULL. */
GchatMessage *
gchat_window_get_found (GchatWindow *self)
{
  return self->found;
}

/* Show @conv in the message view (without touching the sidebar selection). */
void
gchat_window_show_conversation (GchatWindow *self, GchatConversation *conv)
{
  g_autoptr (GtkNoSelection) sel = NULL;

  if (conv == NULL)
    conv = gchat_session_get_server (self->session);
  if (self->shown != NULL)
    g_clear_signal_handler (&self->shown_handler, self->shown);
  g_set_object (&self->shown, conv);
  g_clear_object (&self->found);
  self->shown_handler = g_signal_connect (conv, "notify", G_CALLBACK (on_shown_notify), self);
  /* Before it is marked read: where the unread lines start. */
  gchat_conversation_mark_first_unread (conv);
  gchat_session_set_active (self->session, conv);
  gchat_scrollback_view_cancel (self->scrollback);
  sel = gtk_no_selection_new (gchat_scrollback_view_model_new (conv));
  gtk_list_view_set_model (self->message_view, GTK_SELECTION_MODEL (sel));
  self->model_frames = MODEL_FRAMES_MAX;
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
  gchat_message_row_set_message (GCHAT_MESSAGE_ROW (child),
                                 obj,
                                 gchat_session_get_profile (self->session,
                                                            gchat_message_get_nick (obj)));
  gchat_message_row_set_withdrawable (GCHAT_MESSAGE_ROW (child),
                                      gchat_session_can_withdraw (self->session, self->shown, obj));
  if (obj == (gpointer)self->found)
    gtk_widget_add_css_class (child, "found");
  else
    gtk_widget_remove_css_class (child, "found");
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

/* Tab completes nicks instead of moving the focus; Shift+Enter breaks the line. */
static gboolean
on_entry_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GchatWindow           *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) &&
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) == GDK_SHIFT_MASK) {
    /* Shift+Enter: a line break; the message goes as one (draft/multiline). */
    int pos = gtk_editable_get_position (GTK_EDITABLE (self->entry));

    gtk_editable_insert_text (GTK_EDITABLE (self->entry), "\n", 1, &pos);
    gtk_editable_set_position (GTK_EDITABLE (self->entry), pos);
    return TRUE;
  }
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

/* Set up the message list and the entry (from gchat_window_init). */
void
gchat_window_view_init (GchatWindow *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;

  g_signal_connect (factory, "setup", G_CALLBACK (message_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (message_bind_cb), self);
  gtk_list_view_set_factory (self->message_view, factory);
  self->vadj = g_object_ref (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->message_view)));
  g_signal_connect (self->vadj, "changed", G_CALLBACK (on_vadj_changed), self);
  g_signal_connect (self->vadj, "value-changed", G_CALLBACK (on_vadj_value_changed), self);
  self->scrollback = gchat_scrollback_view_new (self->message_view);
  self->stick_bottom = TRUE;

  /* Coming back to the window reads what it shows. */
  g_signal_connect_swapped (self, "notify::is-active", G_CALLBACK (gchat_window_report_read), self);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

/* The template callbacks of the conversation view and the entry. */
void
gchat_window_view_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_send_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_topic_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_topic_set_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_invite_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_invite_send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_contact_activate_cb);
}
