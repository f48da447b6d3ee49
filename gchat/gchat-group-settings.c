/*
 * gchat-group-settings.c: the group settings window (see
 * gchat-group-settings.h). It shows the group's GchatGroup, which the
 * session keeps up to date from the server's lines, and sends only what
 * the user changed: Apply turns the switches into as few MODE lines as the
 * server takes. A change someone else makes shows up at once, except in a
 * field the user is editing. Errors from the server arrive through the
 * session's ::server-error and are shown here too, since this window may
 * hide the main window's info bar.
 */
#include "config.h"

#include <string.h>

#include "gchat-ban.h"
#include "gchat-confirm-dialog.h"
#include "gchat-group-settings.h"

struct _GchatGroupSettings
{
  GtkWindow parent_instance;

  GtkLabel         *heading_label;
  GtkRevealer      *error_revealer;
  GtkLabel         *error_label;
  GtkStack         *stack;
  GtkLabel         *readonly_label;
  GtkEntry         *topic_entry;
  GtkSwitch        *invite_switch;
  GtkSwitch        *key_switch;
  GtkPasswordEntry *key_entry;
  GtkSwitch        *limit_switch;
  GtkSpinButton    *limit_spin;
  GtkSwitch        *moderated_switch;
  GtkSwitch        *no_outside_switch;
  GtkSwitch        *secret_switch;
  GtkSwitch        *topic_lock_switch;
  GtkWidget        *action_separator;
  GtkWidget        *action_bar;
  GtkLabel         *status_label;
  GtkButton        *revert_button;
  GtkButton        *apply_button;
  GtkListBox       *bans_list;
  GtkWidget        *add_ban_box;
  GtkEntry         *ban_entry;
  GtkLabel         *admins_status_label;
  GtkWidget        *admins_box;
  GtkLabel         *owner_label;
  GtkListBox       *admins_list;
  GtkWidget        *add_admin_box;
  GtkEntry         *admin_entry;

  GchatSession      *session;
  GchatConversation *conv;
  GchatGroup        *group;
  GchatGroupModes    shown;       /* the server's modes the fields were last set from */
  char              *topic_shown; /* likewise the topic */
  gboolean           filled;      /* the fields hold the server's modes (a 324 came) */
  gboolean           updating;    /* the fields are being set from the server */
  gboolean           editor;      /* we may change the settings (operator) */
  gboolean           owner;       /* we may change the permanent admins */
};

G_DEFINE_FINAL_TYPE (GchatGroupSettings, gchat_group_settings, GTK_TYPE_WINDOW)

static void gchat_group_settings_sync (GchatGroupSettings *self);

/* What the fields say now, as modes (the key is NULL when off). */
static void
gchat_group_settings_read (GchatGroupSettings *self, GchatGroupModes *modes)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));

  gchat_group_modes_clear (modes);
  modes->invite_only = gtk_switch_get_active (self->invite_switch);
  modes->moderated = gtk_switch_get_active (self->moderated_switch);
  modes->no_outside = gtk_switch_get_active (self->no_outside_switch);
  modes->secret = gtk_switch_get_active (self->secret_switch);
  modes->topic_lock = gtk_switch_get_active (self->topic_lock_switch);
  if (gtk_switch_get_active (self->key_switch))
    modes->key = g_strdup (key);
  if (gtk_switch_get_active (self->limit_switch))
    modes->limit = (guint)gtk_spin_button_get_value_as_int (self->limit_spin);
}

/* Whether the fields differ from what the server says. */
static gboolean
gchat_group_settings_dirty (GchatGroupSettings *self)
{
  GchatGroupModes wanted = { 0 };
  const char     *topic = gchat_conversation_get_topic (self->conv);
  gboolean        dirty;

  gchat_group_settings_read (self, &wanted);
  dirty = !gchat_group_modes_equal (&wanted, gchat_group_get_modes (self->group)) ||
    g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->topic_entry)), topic ? topic : "") != 0;
  gchat_group_modes_clear (&wanted);
  return dirty;
}

/* Which fields and buttons may be used now. */
static void
gchat_group_settings_update_sensitivity (GchatGroupSettings *self)
{
  gboolean   edit = self->editor && self->filled;
  GtkWidget *fields[] = {
    GTK_WIDGET (self->topic_entry),      GTK_WIDGET (self->invite_switch),
    GTK_WIDGET (self->key_switch),       GTK_WIDGET (self->limit_switch),
    GTK_WIDGET (self->moderated_switch), GTK_WIDGET (self->no_outside_switch),
    GTK_WIDGET (self->secret_switch),    GTK_WIDGET (self->topic_lock_switch),
  };
  gboolean dirty = self->filled && gchat_group_settings_dirty (self);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_widget_set_sensitive (fields[i], edit);
  /* Admins see the key; others see it greyed (the server shows it to members). */
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_entry),
                            edit && gtk_switch_get_active (self->key_switch));
  gtk_widget_set_visible (GTK_WIDGET (self->key_entry), gtk_switch_get_active (self->key_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_spin),
                            edit && gtk_switch_get_active (self->limit_switch));
  gtk_widget_set_visible (GTK_WIDGET (self->limit_spin),
                          gtk_switch_get_active (self->limit_switch));
  gtk_widget_set_visible (GTK_WIDGET (self->readonly_label), !self->editor);
  /* Read-only: no Apply, no Undo, no bar for them. */
  gtk_widget_set_visible (self->action_separator, self->editor || !self->filled);
  gtk_widget_set_visible (self->action_bar, self->editor || !self->filled);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), self->editor);
  gtk_widget_set_visible (GTK_WIDGET (self->revert_button), self->editor);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), edit && dirty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revert_button), edit && dirty);
  if (!self->filled)
    gtk_label_set_text (self->status_label, "Asking the server for the current settings…");
  else if (self->editor && dirty)
    gtk_label_set_text (self->status_label, "Changed: Apply sends it to the server.");
  else
    gtk_label_set_text (self->status_label, "");
  gtk_widget_set_visible (self->add_ban_box, self->editor);
}

/* A field changed (the user, or the server through us). */
static void
on_field_changed_cb (GchatGroupSettings *self)
{
  gchat_group_settings_update_sensitivity (self);
}

/* Set the switches and entries from @modes; with @only_if, only the fields still showing @only_if.
 */
static void
gchat_group_settings_fill (GchatGroupSettings    *self,
                           const GchatGroupModes *modes,
                           const GchatGroupModes *only_if)
{
  GchatGroupModes now = { 0 };

  gchat_group_settings_read (self, &now);
  self->updating = TRUE;
#define FILL_SWITCH(sw, field)                                                                     \
  if (only_if == NULL || now.field == only_if->field)                                              \
    gtk_switch_set_active (self->sw, modes->field);
  FILL_SWITCH (invite_switch, invite_only);
  FILL_SWITCH (moderated_switch, moderated);
  FILL_SWITCH (no_outside_switch, no_outside);
  FILL_SWITCH (secret_switch, secret);
  FILL_SWITCH (topic_lock_switch, topic_lock);
#undef FILL_SWITCH
  if (only_if == NULL || g_strcmp0 (now.key, only_if->key) == 0) {
    gtk_switch_set_active (self->key_switch, modes->key != NULL);
    gtk_editable_set_text (GTK_EDITABLE (self->key_entry), modes->key != NULL ? modes->key : "");
  }
  if (only_if == NULL || now.limit == only_if->limit) {
    gtk_switch_set_active (self->limit_switch, modes->limit != 0);
    if (modes->limit != 0)
      gtk_spin_button_set_value (self->limit_spin, modes->limit);
  }
  self->updating = FALSE;
  gchat_group_modes_clear (&now);
}

/* The topic changed on the server: show it unless the user is editing it. */
static void
gchat_group_settings_sync_topic (GchatGroupSettings *self, gboolean force)
{
  const char *topic = gchat_conversation_get_topic (self->conv);

  if (force ||
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->topic_entry)),
                 self->topic_shown ? self->topic_shown : "") == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->topic_entry), topic ? topic : "");
  g_free (self->topic_shown);
  self->topic_shown = g_strdup (topic);
}

/* "Owner: name", and what the permanent admins page says. */
static void
gchat_group_settings_sync_admins (GchatGroupSettings *self)
{
  GchatConnection *conn = gchat_session_get_connection (self->session);
  gboolean         registered =
    gchat_group_get_registration (self->group) == GCHAT_GROUP_REGISTRATION_REGISTERED;
  g_autofree char *owner = NULL;

  if (!gchat_connection_has_cap (conn, "chatd/chanadmin"))
    gtk_label_set_text (self->admins_status_label,
                        "This server does not keep permanent admins: admins are made with "
                        "“Make admin until they leave” in the member list.");
  else if (gchat_group_get_registration (self->group) == GCHAT_GROUP_REGISTRATION_UNKNOWN)
    gtk_label_set_text (self->admins_status_label, "Asking the server…");
  else if (!registered)
    gtk_label_set_text (self->admins_status_label,
                        "This group is not registered, so it has no owner and no permanent "
                        "admins, and it ends when the last member leaves. A group is registered "
                        "when someone logged in to an account creates it.");
  else
    gtk_label_set_text (self->admins_status_label,
                        "This group is registered: its settings are kept even when everyone has "
                        "left, and its owner chooses its permanent admins.");
  gtk_widget_set_visible (self->admins_box, registered);
  owner = g_markup_printf_escaped ("Owner: <b>%s</b>%s",
                                   gchat_group_get_owner (self->group) != NULL
                                     ? gchat_group_get_owner (self->group)
                                     : "?",
                                   self->owner ? " (you)" : "");
  gtk_label_set_markup (self->owner_label, owner);
  gtk_widget_set_visible (self->add_admin_box, self->owner);
}

/* "Unban" on a ban row. */
static void
on_unban_clicked (GtkButton *button, GchatGroupSettings *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gchat_session_set_ban (self->session,
                         self->conv,
                         g_object_get_data (G_OBJECT (button), "gchat-mask"),
                         FALSE);
}

/* A row of the ban list: the mask, who set it and when, and Unban for admins. */
static GtkWidget *
create_ban_row (gpointer item, gpointer user_data)
{
  GchatGroupSettings *self = user_data;
  GchatBan           *ban = item;
  GtkWidget          *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget          *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget          *mask = gtk_label_new (gchat_ban_get_mask (ban));
  g_autofree char    *about = gchat_ban_describe (ban);
  GtkWidget          *by = gtk_label_new (about);
  g_autofree char    *label = g_strdup_printf ("Unban %s", gchat_ban_get_mask (ban));
  g_autofree char    *row_label = g_strdup_printf ("%s, %s", gchat_ban_get_mask (ban), about);
  GtkWidget          *unban = gtk_button_new_with_label ("Unban");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_label_set_xalign (GTK_LABEL (mask), 0);
  gtk_label_set_selectable (GTK_LABEL (mask), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (mask), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (mask, "monospace");
  gtk_label_set_xalign (GTK_LABEL (by), 0);
  gtk_widget_add_css_class (by, "dim-label");
  gtk_widget_add_css_class (by, "caption");
  gtk_widget_set_visible (by, *about != '\0');
  gtk_box_append (GTK_BOX (text), mask);
  gtk_box_append (GTK_BOX (text), by);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_valign (unban, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (unban, self->editor);
  g_object_set_data_full (G_OBJECT (unban),
                          "gchat-mask",
                          g_strdup (gchat_ban_get_mask (ban)),
                          g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (unban), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (unban, "clicked", G_CALLBACK (on_unban_clicked), self);
  gtk_box_append (GTK_BOX (box), unban);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  row_label,
                                  -1);
  return box;
}

/* "Remove" on a permanent admin row. */
static void
on_remove_admin_clicked (GtkButton *button, GchatGroupSettings *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gchat_session_set_permanent_admin (self->session,
                                     self->conv,
                                     g_object_get_data (G_OBJECT (button), "gchat-account"),
                                     FALSE);
}

/* The owner confirmed: hand the group over. */
static void
on_make_owner_confirmed (GchatConfirmDialog *dialog, const char *reason, GchatGroupSettings *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gchat_session_set_group_owner (self->session,
                                 self->conv,
                                 g_object_get_data (G_OBJECT (dialog), "gchat-account"));
}

/* "Make owner" on a permanent admin row: ask first, it cannot be taken back. */
static void
on_make_owner_clicked (GtkButton *button, GchatGroupSettings *self)
{
  const char      *account = g_object_get_data (G_OBJECT (button), "gchat-owner-account");
  g_autofree char *heading =
    g_strdup_printf ("Make %s the owner of %s?", account, gchat_conversation_get_name (self->conv));
  GchatConfirmDialog *dialog =
    gchat_confirm_dialog_new (GTK_WINDOW (self),
                              "Make owner",
                              heading,
                              "You stay a permanent admin, but only the new owner can then "
                              "choose the permanent admins or give the group back.",
                              "Make owner");

  g_object_set_data_full (G_OBJECT (dialog), "gchat-account", g_strdup (account), g_free);
  g_signal_connect_object (dialog, "confirmed", G_CALLBACK (on_make_owner_confirmed), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A row of the permanent admins: the account, and Make owner and Remove for the owner. */
static GtkWidget *
create_admin_row (gpointer item, gpointer user_data)
{
  GchatGroupSettings *self = user_data;
  const char         *account = gtk_string_object_get_string (item);
  GtkWidget          *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget          *name = gtk_label_new (account);
  GtkWidget          *remove = gtk_button_new_with_label ("Remove");
  GtkWidget          *make_owner = gtk_button_new_with_label ("Make owner");
  g_autofree char    *label = g_strdup_printf ("Remove %s from the permanent admins", account);
  g_autofree char    *owner_label = g_strdup_printf ("Make %s the owner of the group", account);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_box_append (GTK_BOX (box), name);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (remove, self->owner);
  g_object_set_data_full (G_OBJECT (remove), "gchat-account", g_strdup (account), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label,
                                  -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_admin_clicked), self);
  gtk_widget_set_valign (make_owner, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (make_owner, self->owner);
  gtk_widget_set_name (make_owner, "make_owner_button");
  g_object_set_data_full (G_OBJECT (make_owner), "gchat-owner-account", g_strdup (account), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (make_owner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  owner_label,
                                  -1);
  g_signal_connect (make_owner, "clicked", G_CALLBACK (on_make_owner_clicked), self);
  gtk_box_append (GTK_BOX (box), make_owner);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, account, -1);
  return box;
}

/* Our rights changed: rebuild the rows so their buttons follow. */
static void
gchat_group_settings_bind_lists (GchatGroupSettings *self)
{
  gtk_list_box_bind_model (self->bans_list,
                           gchat_group_get_bans (self->group),
                           create_ban_row,
                           self,
                           NULL);
  gtk_list_box_bind_model (self->admins_list,
                           gchat_group_get_admins (self->group),
                           create_admin_row,
                           self,
                           NULL);
}

/* Everything from the group's state: fields the user did not touch, rights, texts. */
static void
gchat_group_settings_sync (GchatGroupSettings *self)
{
  const GchatGroupModes *modes = gchat_group_get_modes (self->group);
  gboolean               editor = gchat_conversation_get_operator (self->conv);
  gboolean               owner = gchat_session_is_group_owner (self->session, self->conv);

  if (gchat_group_get_modes_known (self->group)) {
    gchat_group_settings_fill (self, modes, self->filled ? &self->shown : NULL);
    gchat_group_modes_copy (&self->shown, modes);
    self->filled = TRUE;
  }
  if (editor != self->editor || owner != self->owner) {
    self->editor = editor;
    self->owner = owner;
    gchat_group_settings_bind_lists (self);
  }
  gchat_group_settings_sync_admins (self);
  gchat_group_settings_update_sensitivity (self);
}

/* The group's modes, registration or admins changed. */
static void
on_group_changed (GchatGroup *group, GchatGroupSettings *self)
{
  gchat_group_settings_sync (self);
}

/* The conversation's topic or our operator status changed. */
static void
on_conv_notify (GObject *object, GParamSpec *pspec, GchatGroupSettings *self)
{
  if (g_strcmp0 (pspec->name, "topic") == 0)
    gchat_group_settings_sync_topic (self, FALSE);
  gchat_group_settings_sync (self);
}

/* An error from the server: probably about what we just sent, so say it here. */
static void
on_server_error (GchatSession *session, const char *text, GchatGroupSettings *self)
{
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* Apply: the changed modes as MODE lines, the topic as TOPIC. */
static void
on_apply_clicked_cb (GchatGroupSettings *self)
{
  GchatGroupModes wanted = { 0 };
  const char     *topic = gtk_editable_get_text (GTK_EDITABLE (self->topic_entry));
  const char     *old_topic = gchat_conversation_get_topic (self->conv);

  gchat_group_settings_read (self, &wanted);
  if (wanted.key != NULL && (*wanted.key == '\0' || strpbrk (wanted.key, " ,:") != NULL)) {
    on_server_error (self->session,
                     *wanted.key == '\0' ? "Type a key, or turn the key off"
                                         : "A key cannot have spaces, commas or colons",
                     self);
    gchat_group_modes_clear (&wanted);
    return;
  }
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  if (!gchat_group_modes_equal (&wanted, gchat_group_get_modes (self->group)))
    gchat_session_set_group_modes (self->session, self->conv, &wanted);
  if (g_strcmp0 (topic, old_topic ? old_topic : "") != 0)
    gchat_session_set_topic (self->session, self->conv, topic);
  gchat_group_modes_clear (&wanted);
}

/* Undo: the fields show the server's settings again. */
static void
on_revert_clicked_cb (GchatGroupSettings *self)
{
  gchat_group_settings_fill (self, gchat_group_get_modes (self->group), NULL);
  gchat_group_settings_sync_topic (self, TRUE);
  gchat_group_settings_update_sensitivity (self);
}

/* Ban the mask typed. */
static void
on_ban_clicked_cb (GchatGroupSettings *self)
{
  g_autofree char *mask =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ban_entry))));

  if (*mask == '\0' || strchr (mask, ' ') != NULL) {
    on_server_error (self->session, "Type one mask to ban, like nick!*@*", self);
    return;
  }
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gchat_session_set_ban (self->session, self->conv, mask, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->ban_entry), "");
}

/* Make the account typed a permanent admin. */
static void
on_add_admin_clicked_cb (GchatGroupSettings *self)
{
  g_autofree char *account =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->admin_entry))));

  if (*account == '\0' || strchr (account, ' ') != NULL) {
    on_server_error (self->session, "Type the account name of the new admin", self);
    return;
  }
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gchat_session_set_permanent_admin (self->session, self->conv, account, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->admin_entry), "");
}

static void
gchat_group_settings_dispose (GObject *object)
{
  GchatGroupSettings *self = GCHAT_GROUP_SETTINGS (object);

  if (self->group != NULL)
    g_signal_handlers_disconnect_by_data (self->group, self);
  if (self->conv != NULL)
    g_signal_handlers_disconnect_by_data (self->conv, self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->group);
  g_clear_object (&self->conv);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_GROUP_SETTINGS);
  G_OBJECT_CLASS (gchat_group_settings_parent_class)->dispose (object);
}

static void
gchat_group_settings_finalize (GObject *object)
{
  GchatGroupSettings *self = GCHAT_GROUP_SETTINGS (object);

  gchat_group_modes_clear (&self->shown);
  g_free (self->topic_shown);
  G_OBJECT_CLASS (gchat_group_settings_parent_class)->finalize (object);
}

static void
gchat_group_settings_class_init (GchatGroupSettingsClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_group_settings_dispose;
  object_class->finalize = gchat_group_settings_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-group-settings.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, GchatGroupSettings, name)
  CHILD (heading_label);
  CHILD (error_revealer);
  CHILD (error_label);
  CHILD (stack);
  CHILD (readonly_label);
  CHILD (topic_entry);
  CHILD (invite_switch);
  CHILD (key_switch);
  CHILD (key_entry);
  CHILD (limit_switch);
  CHILD (limit_spin);
  CHILD (moderated_switch);
  CHILD (no_outside_switch);
  CHILD (secret_switch);
  CHILD (topic_lock_switch);
  CHILD (action_separator);
  CHILD (action_bar);
  CHILD (status_label);
  CHILD (revert_button);
  CHILD (apply_button);
  CHILD (bans_list);
  CHILD (add_ban_box);
  CHILD (ban_entry);
  CHILD (admins_status_label);
  CHILD (admins_box);
  CHILD (owner_label);
  CHILD (admins_list);
  CHILD (add_admin_box);
  CHILD (admin_entry);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_revert_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_ban_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_admin_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
gchat_group_settings_init (GchatGroupSettings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * gchat_group_settings_new:
 * The settings window of group @conv, over @parent. It asks the server for
 * the group's modes, bans and admins, and fills in as they arrive.
 */
GchatGroupSettings *
gchat_group_settings_new (GtkWindow *parent, GchatSession *session, GchatConversation *conv)
{
  GchatGroupSettings *self =
    g_object_new (GCHAT_TYPE_GROUP_SETTINGS,
                  "transient-for",
                  parent,
                  "application",
                  parent != NULL ? gtk_window_get_application (parent) : NULL,
                  NULL);
  g_autofree char *title = g_strdup_printf ("Settings of %s", gchat_conversation_get_name (conv));

  self->session = g_object_ref (session);
  self->conv = g_object_ref (conv);
  self->group = g_object_ref (gchat_session_get_group (session, conv));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->heading_label, gchat_conversation_get_name (conv));
  g_signal_connect (self->group, "changed", G_CALLBACK (on_group_changed), self);
  g_signal_connect (self->conv, "notify::topic", G_CALLBACK (on_conv_notify), self);
  g_signal_connect (self->conv, "notify::operator", G_CALLBACK (on_conv_notify), self);
  g_signal_connect (self->session, "server-error", G_CALLBACK (on_server_error), self);
  self->editor = gchat_conversation_get_operator (conv);
  self->owner = gchat_session_is_group_owner (session, conv);
  gchat_group_settings_bind_lists (self);
  gchat_group_settings_sync_topic (self, TRUE);
  gchat_group_settings_sync (self);
  gchat_session_request_group (session, conv);
  return self;
}

/** gchat_group_settings_get_conversation: the group shown. */
GchatConversation *
gchat_group_settings_get_conversation (GchatGroupSettings *self)
{
  g_return_val_if_fail (GCHAT_IS_GROUP_SETTINGS (self), NULL);
  return self->conv;
}

/** gchat_group_settings_show_page: show page "settings", "bans" or "admins". */
void
gchat_group_settings_show_page (GchatGroupSettings *self, const char *name)
{
  g_return_if_fail (GCHAT_IS_GROUP_SETTINGS (self));
  gtk_stack_set_visible_child_name (self->stack, name);
}
