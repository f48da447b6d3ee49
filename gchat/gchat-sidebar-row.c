/*
 * gchat-sidebar-row.c: one sidebar entry. For a conversation: its name and
 * an unread badge (red when it mentions us); for a contact: a presence dot
 * that follows the contact live. A conversation where someone is typing
 * says "typing…" after its name.
 */
#include "config.h"

#include <string.h>

#include "gchat-sidebar-row.h"

struct _GchatSidebarRow
{
  GtkListBoxRow parent_instance;

  GtkLabel          *icon_label;
  GtkLabel          *name_label;
  GtkLabel          *badge_label;
  GtkLabel          *typing_label;
  GtkMenuButton     *menu_button;
  GchatConversation *conv;
  GchatContact      *contact;
};

G_DEFINE_FINAL_TYPE (GchatSidebarRow, gchat_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

/* Badge and accessible label from the conversation's unread state. */
static void
gchat_sidebar_row_sync_conversation (GchatSidebarRow *self)
{
  guint            unread = gchat_conversation_get_unread (self->conv);
  g_autofree char *badge = g_strdup_printf ("%u", unread);
  g_autofree char *a11y = NULL;
  const char      *name = gchat_conversation_get_name (self->conv);
  const char      *typing = gchat_typing_get_text (gchat_conversation_get_typing (self->conv));

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->badge_label, badge);
  gtk_widget_set_visible (GTK_WIDGET (self->badge_label), unread > 0);
  if (gchat_conversation_get_mentioned (self->conv))
    gtk_widget_add_css_class (GTK_WIDGET (self->badge_label), "mention");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->badge_label), "mention");
  if (gchat_conversation_get_kind (self->conv) == GCHAT_CONVERSATION_CHANNEL &&
      !gchat_conversation_get_joined (self->conv))
    gtk_widget_add_css_class (GTK_WIDGET (self), "parted");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "parted");
  a11y = unread > 0 ? g_strdup_printf ("%s, %u unread", name, unread) : g_strdup (name);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), *typing != '\0');
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->typing_label), typing);
  if (*typing != '\0') {
    char *with = g_strdup_printf ("%s, %s", a11y, typing);

    g_free (a11y);
    a11y = with;
  }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* Presence dot and accessible label from the contact. */
static void
gchat_sidebar_row_sync_contact (GchatSidebarRow *self)
{
  static const char *const classes[] = { "unknown", "online", "away", "offline" };
  GchatPresence            p = gchat_contact_get_presence (self->contact);
  g_autofree char         *a11y = NULL;
  const char              *account;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->icon_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->icon_label), gchat_presence_to_string (p));
  gtk_label_set_text (self->name_label, gchat_contact_get_nick (self->contact));
  account = gchat_contact_get_account (self->contact);
  a11y = g_strdup_printf ("%s, %s%s%s",
                          gchat_contact_get_nick (self->contact),
                          gchat_presence_to_string (p),
                          account != NULL ? ", logged in as " : "",
                          account != NULL ? account : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               a11y + strlen (gchat_contact_get_nick (self->contact)) + 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* Any watched property changed. */
static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GchatSidebarRow *self = user_data;

  if (self->conv != NULL)
    gchat_sidebar_row_sync_conversation (self);
  else
    gchat_sidebar_row_sync_contact (self);
}

static void
gchat_sidebar_row_dispose (GObject *object)
{
  GchatSidebarRow *self = GCHAT_SIDEBAR_ROW (object);

  g_clear_object (&self->conv);
  g_clear_object (&self->contact);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_SIDEBAR_ROW);
  G_OBJECT_CLASS (gchat_sidebar_row_parent_class)->dispose (object);
}

static void
gchat_sidebar_row_class_init (GchatSidebarRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_sidebar_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-sidebar-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatSidebarRow, icon_label);
  gtk_widget_class_bind_template_child (widget_class, GchatSidebarRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, GchatSidebarRow, badge_label);
  gtk_widget_class_bind_template_child (widget_class, GchatSidebarRow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, GchatSidebarRow, menu_button);
}

static void
gchat_sidebar_row_init (GchatSidebarRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_sidebar_row_new_for_conversation: a row that follows @conv. */
GtkWidget *
gchat_sidebar_row_new_for_conversation (GchatConversation *conv)
{
  GchatSidebarRow      *self = g_object_new (GCHAT_TYPE_SIDEBAR_ROW, NULL);
  GchatConversationKind kind = gchat_conversation_get_kind (conv);

  self->conv = g_object_ref (conv);
  gtk_label_set_text (self->icon_label,
                      kind == GCHAT_CONVERSATION_CHANNEL   ? "#"
                        : kind == GCHAT_CONVERSATION_QUERY ? "@"
                                                           : "⌂");
  g_signal_connect_object (conv, "notify", G_CALLBACK (on_notify), self, 0);
  g_signal_connect_object (gchat_conversation_get_typing (conv),
                           "notify::text",
                           G_CALLBACK (on_notify),
                           self,
                           0);
  gchat_sidebar_row_sync_conversation (self);
  return GTK_WIDGET (self);
}

/* A contact row's menu: talk to them, see their game record, or stop following them. */
static void
gchat_sidebar_row_contact_menu (GchatSidebarRow *self)
{
  const char *nick = gchat_contact_get_nick (self->contact);
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) query = g_menu_item_new ("Send a private message", NULL);
  g_autoptr (GMenuItem) remove = g_menu_item_new ("Remove from contacts", NULL);
  g_autofree char *label = g_strdup_printf ("Actions for contact %s", nick);

  g_menu_item_set_action_and_target_value (query, "chat.query", g_variant_new_string (nick));
  g_menu_item_set_action_and_target_value (remove,
                                           "chat.remove-contact",
                                           g_variant_new_string (nick));
  g_menu_append_item (menu, query);
  {
    g_autoptr (GMenuItem) record = g_menu_item_new ("Game record", NULL);

    g_menu_item_set_action_and_target_value (record, "server.record", g_variant_new_string (nick));
    g_menu_append_item (menu, record);
  }
  g_menu_append_item (menu, remove);
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label,
                                  -1);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), TRUE);
}

/** gchat_sidebar_row_new_for_contact: a row that follows @contact's presence. */
GtkWidget *
gchat_sidebar_row_new_for_contact (GchatContact *contact)
{
  GchatSidebarRow *self = g_object_new (GCHAT_TYPE_SIDEBAR_ROW, NULL);

  self->contact = g_object_ref (contact);
  gchat_sidebar_row_contact_menu (self);
  gtk_label_set_text (self->icon_label, "●");
  gtk_widget_add_css_class (GTK_WIDGET (self->icon_label), "presence");
  g_signal_connect_object (contact, "notify", G_CALLBACK (on_notify), self, 0);
  gchat_sidebar_row_sync_contact (self);
  return GTK_WIDGET (self);
}

/** gchat_sidebar_row_get_conversation: the conversation, or NULL for a contact row. */
GchatConversation *
gchat_sidebar_row_get_conversation (GchatSidebarRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SIDEBAR_ROW (self), NULL);
  return self->conv;
}

/** gchat_sidebar_row_get_contact: the contact, or NULL for a conversation row. */
GchatContact *
gchat_sidebar_row_get_contact (GchatSidebarRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SIDEBAR_ROW (self), NULL);
  return self->contact;
}

/** gchat_sidebar_row_get_badge: the badge text, or NULL when hidden (tests read it). */
const char *
gchat_sidebar_row_get_badge (GchatSidebarRow *self)
{
  g_return_val_if_fail (GCHAT_IS_SIDEBAR_ROW (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->badge_label)))
    return NULL;
  return gtk_label_get_text (self->badge_label);
}
