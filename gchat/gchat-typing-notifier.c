/*
 * gchat-typing-notifier.c: tells the people in a conversation that we are
 * typing (IRCv3 +typing on TAGMSG), from what the window's entry holds.
 *
 * The decisions live in GchatTypingOut (gchat-typing.c); this object feeds
 * it keystrokes and the time, sends what it says, and runs the one timer
 * that notices a pause. It also owns the "typing" action group on the
 * window: typing.send, the "Send typing notifications" check item, saved
 * in the key file. Nothing is sent to the server log, for slash commands,
 * without the message-tags capability, or while the setting is off.
 */
#include "config.h"

#include "gchat-typing.h"
#include "gchat-typing-notifier.h"

struct _GchatTypingNotifier
{
  GObject parent_instance;

  GtkWidget          *window; /* weak: holds our action group */
  GchatSession       *session;
  GchatConfig        *config; /* the window's; outlives us */
  GchatConversation  *target; /* where our state was sent, or NULL */
  GchatTypingOut      out;
  guint               pause_timer;
  GSimpleActionGroup *group;
  /* The entry's latest state, applied from an idle (see _input). */
  guint              pending;
  GchatConversation *pending_conv;
  char              *pending_text;
};

G_DEFINE_FINAL_TYPE (GchatTypingNotifier, gchat_typing_notifier, G_TYPE_OBJECT)

/* Whether a notification to @conv may go out now. */
static gboolean
gchat_typing_notifier_can_send (GchatTypingNotifier *self, GchatConversation *conv)
{
  GchatConnection *conn = gchat_session_get_connection (self->session);

  if (conv == NULL || self->config->hide_typing ||
      gchat_connection_get_state (conn) != GCHAT_CONNECTION_CONNECTED ||
      !gchat_connection_has_cap (conn, "message-tags"))
    return FALSE;
  switch (gchat_conversation_get_kind (conv)) {
    case GCHAT_CONVERSATION_CHANNEL:
      return gchat_conversation_get_joined (conv);
    case GCHAT_CONVERSATION_QUERY:
      return TRUE;
    case GCHAT_CONVERSATION_SERVER:
    default:
      return FALSE;
  }
}

/* Send @state to the target as "@+typing=state TAGMSG target". */
static void
gchat_typing_notifier_send (GchatTypingNotifier *self, GchatTypingState state)
{
  const char      *value = gchat_typing_state_to_string (state);
  const char      *argv[1];
  g_autofree char *tags = NULL;
  GchatConnection *conn;

  if (value == NULL || !gchat_typing_notifier_can_send (self, self->target))
    return;
  /* The quiet label drops the answer (ACK, or an error: they left, we are muted). */
  conn = gchat_session_get_connection (self->session);
  tags = g_strconcat (gchat_connection_has_cap (conn, "labeled-response")
                        ? "label=" GCHAT_CONNECTION_QUIET_LABEL ";+typing="
                        : "+typing=",
                      value,
                      NULL);
  argv[0] = gchat_conversation_get_name (self->target);
  gchat_connection_send_tagged (conn, tags, "TAGMSG", 1, argv);
}

/* Five seconds without a key: say we paused. */
static gboolean
gchat_typing_notifier_pause_cb (gpointer user_data)
{
  GchatTypingNotifier *self = user_data;

  self->pause_timer = 0;
  gchat_typing_notifier_send (self, gchat_typing_out_idle (&self->out, g_get_monotonic_time ()));
  return G_SOURCE_REMOVE;
}

/* Arm the pause timer for what the state machine expects next. */
static void
gchat_typing_notifier_arm (GchatTypingNotifier *self, gint64 now)
{
  gint64 at = gchat_typing_out_pause_at (&self->out);

  g_clear_handle_id (&self->pause_timer, g_source_remove);
  if (at >= 0)
    self->pause_timer =
      g_timeout_add ((guint)MAX (0, (at - now) / 1000 + 1), gchat_typing_notifier_pause_cb, self);
}

/* We stopped typing to the target: done, if we had said anything. */
static void
gchat_typing_notifier_stop (GchatTypingNotifier *self)
{
  g_clear_handle_id (&self->pause_timer, g_source_remove);
  gchat_typing_notifier_send (self, gchat_typing_out_stop (&self->out));
}

/* The entry holds @text while @conv is shown: send what that calls for. */
static void
gchat_typing_notifier_apply (GchatTypingNotifier *self, GchatConversation *conv, const char *text)
{
  gint64 now = g_get_monotonic_time ();

  gchat_typing_notifier_set_target (self, conv);
  if (!gchat_typing_notifier_can_send (self, conv)) {
    /* Nobody heard anything: forget quietly. */
    gchat_typing_out_stop (&self->out);
    g_clear_handle_id (&self->pause_timer, g_source_remove);
    return;
  }
  gchat_typing_notifier_send (self, gchat_typing_out_input (&self->out, text, now));
  gchat_typing_notifier_arm (self, now);
}

/* Idle: apply the entry's latest state. */
static gboolean
gchat_typing_notifier_pending_cb (gpointer user_data)
{
  GchatTypingNotifier *self = user_data;
  g_autoptr (GchatConversation) conv = g_steal_pointer (&self->pending_conv);
  g_autofree char *text = g_steal_pointer (&self->pending_text);

  self->pending = 0;
  gchat_typing_notifier_apply (self, conv, text);
  return G_SOURCE_REMOVE;
}

/* Forget an entry state not applied yet. */
static void
gchat_typing_notifier_drop_pending (GchatTypingNotifier *self)
{
  g_clear_handle_id (&self->pending, g_source_remove);
  g_clear_object (&self->pending_conv);
  g_clear_pointer (&self->pending_text, g_free);
}

/**
 * gchat_typing_notifier_input: the entry holds @text while @conv is shown
 * (called on every change and when another conversation is shown). Applied
 * from an idle, because replacing the text changes it twice (deleted, then
 * inserted) and the empty moment between must not send done and active.
 */
void
gchat_typing_notifier_input (GchatTypingNotifier *self, GchatConversation *conv, const char *text)
{
  g_return_if_fail (GCHAT_IS_TYPING_NOTIFIER (self));
  g_set_object (&self->pending_conv, conv);
  g_free (self->pending_text);
  self->pending_text = g_strdup (text);
  if (self->pending == 0)
    self->pending = g_idle_add (gchat_typing_notifier_pending_cb, self);
}

/**
 * gchat_typing_notifier_set_target: another conversation is shown: done
 * for the one we typed to. A draft kept in the entry is not typing; the
 * next key is.
 */
void
gchat_typing_notifier_set_target (GchatTypingNotifier *self, GchatConversation *conv)
{
  g_return_if_fail (GCHAT_IS_TYPING_NOTIFIER (self));
  /* Keys typed before the switch belong to the old conversation. */
  if (self->pending != 0) {
    g_clear_handle_id (&self->pending, g_source_remove);
    gchat_typing_notifier_pending_cb (self);
  }
  if (conv == self->target)
    return;
  gchat_typing_notifier_stop (self);
  g_set_object (&self->target, conv);
}

/** gchat_typing_notifier_sent: the entry's line went out; the message itself says we are done. */
void
gchat_typing_notifier_sent (GchatTypingNotifier *self)
{
  g_return_if_fail (GCHAT_IS_TYPING_NOTIFIER (self));
  /* Keys typed just before Enter need no notice of their own. */
  gchat_typing_notifier_drop_pending (self);
  g_clear_handle_id (&self->pause_timer, g_source_remove);
  gchat_typing_out_sent (&self->out);
}

/** gchat_typing_notifier_set_enabled: send notifications or not (saved in the key file). */
void
gchat_typing_notifier_set_enabled (GchatTypingNotifier *self, gboolean enabled)
{
  g_autoptr (GError) error = NULL;
  GAction *action;

  g_return_if_fail (GCHAT_IS_TYPING_NOTIFIER (self));
  if (enabled == !self->config->hide_typing)
    return;
  /* Turned off while typing: take back the active we sent. */
  if (!enabled)
    gchat_typing_notifier_stop (self);
  self->config->hide_typing = !enabled;
  action = g_action_map_lookup_action (G_ACTION_MAP (self->group), "send");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (enabled));
  if (!gchat_config_save (self->config, &error))
    g_warning ("Cannot save the settings: %s", error->message);
}

/** gchat_typing_notifier_get_enabled: whether notifications go out. */
gboolean
gchat_typing_notifier_get_enabled (GchatTypingNotifier *self)
{
  g_return_val_if_fail (GCHAT_IS_TYPING_NOTIFIER (self), FALSE);
  return !self->config->hide_typing;
}

/* typing.send (a check item). */
static void
send_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  gchat_typing_notifier_set_enabled (user_data, g_variant_get_boolean (value));
}

static const GActionEntry notifier_actions[] = {
  { .name = "send", .state = "true", .change_state = send_change_state },
};

static void
gchat_typing_notifier_dispose (GObject *object)
{
  GchatTypingNotifier *self = GCHAT_TYPING_NOTIFIER (object);

  g_clear_handle_id (&self->pause_timer, g_source_remove);
  gchat_typing_notifier_drop_pending (self);
  g_clear_object (&self->target);
  g_clear_object (&self->session);
  /* The window may outlive us briefly: take our actions off it. */
  if (self->window != NULL) {
    gtk_widget_insert_action_group (self->window, "typing", NULL);
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *)&self->window);
    self->window = NULL;
  }
  g_clear_object (&self->group);
  G_OBJECT_CLASS (gchat_typing_notifier_parent_class)->dispose (object);
}

static void
gchat_typing_notifier_class_init (GchatTypingNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gchat_typing_notifier_dispose;
}

static void
gchat_typing_notifier_init (GchatTypingNotifier *self)
{
  gchat_typing_out_init (&self->out);
}

/**
 * gchat_typing_notifier_new: typing notifications for @session, with the
 * setting in @config, and the "typing" action group put on @window. The
 * window keeps the notifier for as long as it lives.
 */
GchatTypingNotifier *
gchat_typing_notifier_new (GtkWidget *window, GchatSession *session, GchatConfig *config)
{
  GchatTypingNotifier *self = g_object_new (GCHAT_TYPE_TYPING_NOTIFIER, NULL);
  GAction             *action;

  self->session = g_object_ref (session);
  self->config = config;
  self->group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->group),
                                   notifier_actions,
                                   G_N_ELEMENTS (notifier_actions),
                                   self);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->group), "send");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (!config->hide_typing));
  gtk_widget_insert_action_group (window, "typing", G_ACTION_GROUP (self->group));
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&self->window);
  return self;
}
