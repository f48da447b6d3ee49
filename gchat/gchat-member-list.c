/*
 * gchat-member-list.c: a GtkListView over the conversation's members. Each
 * row has a menu: "Send a private message" for everyone, and Kick, Ban and
 * Make (or remove) admin only while we are an operator of the group; the
 * owner of a registered group can also make a logged-in member a
 * permanent admin (by account). "Game record" is there for everyone, and
 * "Disconnect from server…" while we are a server operator (it fires
 * server.kill and is hidden while that is disabled). Our own row offers
 * to leave. The menu items fire the window's chat.* (and server.*)
 * actions with the nick (or account) as target. A member with a profile
 * (draft/metadata-2) shows an avatar, the display name and the status line.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "chat.h"
#include "gchat-member-list.h"

struct _GchatMemberList
{
  GtkBox parent_instance;

  GtkLabel          *heading;
  GtkListView       *view;
  GchatSession      *session;
  GchatConversation *conv;
  gulong             op_handler;
  GchatGroup        *group; /* of a channel, for its owner and permanent admins */
  gulong             group_handler;
  gulong             count_handler;
};

G_DEFINE_FINAL_TYPE (GchatMemberList, gchat_member_list, GTK_TYPE_BOX)

/* Append "label" firing @action with @nick as its target. */
static void
menu_add (GMenu *menu, const char *label, const char *action, const char *nick)
{
  g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (nick));
  g_menu_append_item (menu, item);
}

/* Whether we own the registered group shown. */
static gboolean
gchat_member_list_is_owner (GchatMemberList *self)
{
  return self->session != NULL && self->conv != NULL &&
    gchat_session_is_group_owner (self->session, self->conv);
}

/*
 * For the owner: make @member a permanent admin by its account, or no
 * longer; nothing for someone not logged in, who has no account to name.
 */
static void
gchat_member_list_permanent_item (GchatMemberList *self, GMenu *menu, GchatMember *member)
{
  const char      *account = member != NULL ? gchat_member_get_account (member) : NULL;
  GchatGroup      *group;
  g_autofree char *label = NULL;

  if (!gchat_member_list_is_owner (self) || self->group == NULL || account == NULL ||
      strcmp (account, "*") == 0)
    return;
  group = self->group;
  if (gchat_group_get_owner (group) != NULL &&
      chat_casecmp (gchat_group_get_owner (group), account) == 0)
    return;
  if (gchat_group_has_admin (group, account)) {
    label = g_strdup_printf ("No longer a permanent admin (account %s)", account);
    menu_add (menu, label, "chat.remove-permanent-admin", account);
  } else {
    label = g_strdup_printf ("Make permanent admin (account %s)", account);
    menu_add (menu, label, "chat.make-permanent-admin", account);
  }
}

/* Disconnect from server, shown only while we are a server operator (server.kill enabled). */
static void
gchat_member_list_add_server_items (GMenu *menu, const char *nick)
{
  g_autoptr (GMenu) oper = g_menu_new ();
  g_autoptr (GMenuItem) kill = g_menu_item_new ("Disconnect from server…", NULL);

  g_menu_item_set_action_and_target_value (kill, "server.kill", g_variant_new_string (nick));
  g_menu_item_set_attribute (kill, "hidden-when", "s", "action-disabled");
  g_menu_append_item (oper, kill);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (oper));
}

/** gchat_member_list_menu_for: the menu for @nick; admin items only when we are operator or owner.
 */
GMenuModel *
gchat_member_list_menu_for (GchatMemberList *self, const char *nick)
{
  GMenu *menu = g_menu_new ();

  GchatMember *member =
    self->conv != NULL ? gchat_conversation_find_member (self->conv, nick) : NULL;
  gboolean me = self->session != NULL &&
    gchat_connection_is_me (gchat_session_get_connection (self->session), nick);

  if (me) {
    menu_add (menu, "Leave this group", "chat.part-group", nick);
    return G_MENU_MODEL (menu);
  }
  menu_add (menu, "Send a private message", "chat.query", nick);
  menu_add (menu, "Who is this?", "chat.whois", nick);
  menu_add (menu, "Game record", "server.record", nick);
  if (self->conv != NULL &&
      (gchat_conversation_get_operator (self->conv) || gchat_member_list_is_owner (self))) {
    g_autoptr (GMenu) admin = g_menu_new ();

    if (!gchat_conversation_get_operator (self->conv))
      ; /* the owner may name permanent admins without being admin now */
    else if (member != NULL && self->session != NULL &&
             gchat_session_is_admin (self->session, member))
      menu_add (admin, "Remove admin rights", "chat.remove-admin", nick);
    else
      menu_add (admin, "Make admin until they leave", "chat.make-admin", nick);
    gchat_member_list_permanent_item (self, admin, member);
    if (gchat_conversation_get_operator (self->conv)) {
      menu_add (admin, "Remove from group", "chat.kick", nick);
      menu_add (admin, "Ban from group", "chat.ban", nick);
    }
    g_menu_append_section (menu, "Admin", G_MENU_MODEL (admin));
  }
  gchat_member_list_add_server_items (menu, nick);
  return G_MENU_MODEL (menu);
}

/* Factory: build the row widgets once; bind fills them. */
static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *prefix = gtk_label_new (NULL);
  GtkWidget *avatar = adw_avatar_new (24, NULL, TRUE);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *nick = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *menu = gtk_menu_button_new ();

  gtk_label_set_width_chars (GTK_LABEL (prefix), 1);
  gtk_widget_add_css_class (prefix, "member-prefix");
  gtk_label_set_xalign (GTK_LABEL (nick), 0);
  gtk_label_set_ellipsize (GTK_LABEL (nick), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (names, TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, "dim-label");
  gtk_box_append (GTK_BOX (names), nick);
  gtk_box_append (GTK_BOX (names), status);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "view-more-symbolic");
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (menu), FALSE);
  gtk_box_append (GTK_BOX (box), prefix);
  gtk_box_append (GTK_BOX (box), avatar);
  gtk_box_append (GTK_BOX (box), names);
  gtk_box_append (GTK_BOX (box), menu);
  gtk_list_item_set_child (item, box);
}

static void bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data);

/* A member logged in or out, or went away: show the row again. */
static void
on_member_changed (GchatMember *member, GParamSpec *pspec, GtkListItem *item)
{
  GchatMemberList *self = g_object_get_data (G_OBJECT (item), "gchat-member-list");

  if (gtk_list_item_get_item (item) == (gpointer)member && self != NULL)
    bind_cb (NULL, item, self);
}

/* The member's profile changed: show the row again. */
static void
on_profile_changed (GchatProfile *profile, GParamSpec *pspec, GtkListItem *item)
{
  GchatMemberList *self = g_object_get_data (G_OBJECT (item), "gchat-member-list");
  GchatMember     *member = gtk_list_item_get_item (item);

  if (self != NULL && member != NULL)
    bind_cb (NULL, item, self);
}

/* The row no longer shows @member: stop following it and its profile. */
static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GObject      *member = gtk_list_item_get_item (item);
  GchatProfile *profile = g_object_get_data (G_OBJECT (item), "gchat-profile");

  if (member != NULL)
    g_signal_handlers_disconnect_by_func (member, on_member_changed, item);
  if (profile != NULL)
    g_signal_handlers_disconnect_by_func (profile, on_profile_changed, item);
  g_object_set_data (G_OBJECT (item), "gchat-profile", NULL);
}

/* Factory: show one member (symbol, nick, login) and give its menu button a fresh menu. */
static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GchatMemberList *self = user_data;
  GchatMember     *member = gtk_list_item_get_item (item);
  GtkWidget       *box = gtk_list_item_get_child (item);
  GtkWidget       *prefix = gtk_widget_get_first_child (box);
  GtkWidget       *avatar = gtk_widget_get_next_sibling (prefix);
  GtkWidget       *names = gtk_widget_get_next_sibling (avatar);
  GtkWidget       *nick = gtk_widget_get_first_child (names);
  GtkWidget       *status = gtk_widget_get_next_sibling (nick);
  GtkWidget       *menu = gtk_widget_get_next_sibling (names);
  const char      *name = gchat_member_get_nick (member);
  GchatProfile    *profile =
    self->session != NULL ? gchat_session_get_profile (self->session, name) : NULL;
  const char      *shown = profile != NULL ? gchat_profile_get_display_name (profile) : NULL;
  const char      *said = profile != NULL ? gchat_profile_get_status (profile) : NULL;
  g_autofree char *who = shown != NULL ? g_strdup_printf ("%s (%s)", shown, name) : g_strdup (name);
  g_autofree char *status_text =
    said != NULL ? g_strdup_printf (", status: %s", said) : g_strdup ("");
  char symbol[2] = { gchat_member_get_prefixes (member)[0], '\0' };
  g_autoptr (GMenuModel) model = gchat_member_list_menu_for (self, name);
  g_autofree char *menu_label = g_strdup_printf ("Actions for %s", name);
  g_autofree char *row_label = NULL;
  g_autofree char *account_text = NULL;
  gboolean         admin = self->session != NULL && gchat_session_is_admin (self->session, member);

  if (factory != NULL) {
    g_object_set_data (G_OBJECT (item), "gchat-member-list", self);
    g_signal_connect (member, "notify::account", G_CALLBACK (on_member_changed), item);
    g_signal_connect (member, "notify::away", G_CALLBACK (on_member_changed), item);
    if (profile != NULL) {
      g_object_set_data_full (G_OBJECT (item),
                              "gchat-profile",
                              g_object_ref (profile),
                              g_object_unref);
      g_signal_connect (profile, "notify", G_CALLBACK (on_profile_changed), item);
    }
  }
  gtk_label_set_text (GTK_LABEL (prefix), symbol);
  gtk_label_set_text (GTK_LABEL (nick), shown != NULL ? shown : name);
  gtk_label_set_text (GTK_LABEL (status), said != NULL ? said : "");
  gtk_widget_set_visible (status, said != NULL);
  adw_avatar_set_text (ADW_AVATAR (avatar), shown != NULL ? shown : name);
  adw_avatar_set_custom_image (ADW_AVATAR (avatar),
                               profile != NULL ? GDK_PAINTABLE (gchat_profile_get_picture (profile))
                                               : NULL);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu), model);
  gtk_widget_set_tooltip_text (menu, menu_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_label,
                                  -1);
  account_text = gchat_member_get_account (member) != NULL
    ? g_strdup_printf (", logged in as %s", gchat_member_get_account (member))
    : g_strdup ("");
  row_label = g_strdup_printf ("%s%s%s%s%s",
                               who,
                               admin ? ", admin" : "",
                               gchat_member_get_away (member) ? ", away" : "",
                               status_text,
                               account_text);
  gtk_widget_set_tooltip_text (nick, *account_text != '\0' ? account_text + 2 : "Not logged in");
  if (gchat_member_get_account (member) != NULL)
    gtk_widget_add_css_class (nick, "member-account");
  else
    gtk_widget_remove_css_class (nick, "member-account");
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  row_label,
                                  -1);
  if (gchat_member_get_away (member))
    gtk_widget_add_css_class (nick, "dim-label");
  else
    gtk_widget_remove_css_class (nick, "dim-label");
}

/* Heading with the member count. */
static void
gchat_member_list_update_heading (GchatMemberList *self)
{
  g_autofree char *text = NULL;
  guint            n =
    self->conv != NULL ? g_list_model_get_n_items (gchat_conversation_get_members (self->conv)) : 0;

  text = g_strdup_printf ("Members (%u)", n);
  gtk_label_set_text (self->heading, text);
}

/* Rebind every row (our operator status changed, so the menus change). */
static void
gchat_member_list_reload (GchatMemberList *self)
{
  g_autoptr (GtkNoSelection) sel = NULL;

  if (self->conv == NULL) {
    gtk_list_view_set_model (self->view, NULL);
    return;
  }
  sel = gtk_no_selection_new (g_object_ref (gchat_conversation_get_members (self->conv)));
  gtk_list_view_set_model (self->view, GTK_SELECTION_MODEL (sel));
  gchat_member_list_update_heading (self);
}

/* Our operator status in the group changed. */
static void
on_operator_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  gchat_member_list_reload (user_data);
}

/* Members came or went. */
static void
on_members_changed (GListModel *model, guint pos, guint removed, guint added, gpointer user_data)
{
  gchat_member_list_update_heading (user_data);
}

/** gchat_member_list_set_conversation: show @conv's members (NULL: none). */
void
gchat_member_list_set_conversation (GchatMemberList   *self,
                                    GchatSession      *session,
                                    GchatConversation *conv)
{
  g_return_if_fail (GCHAT_IS_MEMBER_LIST (self));
  if (self->conv != NULL) {
    g_clear_signal_handler (&self->op_handler, self->conv);
    if (self->group != NULL)
      g_clear_signal_handler (&self->group_handler, self->group);
    g_clear_object (&self->group);
    g_clear_signal_handler (&self->count_handler, gchat_conversation_get_members (self->conv));
  }
  g_set_object (&self->session, session);
  g_set_object (&self->conv, conv);
  if (conv != NULL) {
    self->op_handler =
      g_signal_connect (conv, "notify::operator", G_CALLBACK (on_operator_notify), self);
    /* The owner and the permanent admins change the menus too. */
    if (session != NULL && gchat_conversation_get_kind (conv) == GCHAT_CONVERSATION_CHANNEL) {
      self->group = g_object_ref (gchat_session_get_group (session, conv));
      self->group_handler = g_signal_connect_swapped (self->group,
                                                      "admins-changed",
                                                      G_CALLBACK (gchat_member_list_reload),
                                                      self);
    }
    self->count_handler = g_signal_connect (gchat_conversation_get_members (conv),
                                            "items-changed",
                                            G_CALLBACK (on_members_changed),
                                            self);
  }
  gchat_member_list_reload (self);
}

/** gchat_member_list_get_view: the list view (tests look at it). */
GtkListView *
gchat_member_list_get_view (GchatMemberList *self)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER_LIST (self), NULL);
  return self->view;
}

static void
gchat_member_list_dispose (GObject *object)
{
  GchatMemberList *self = GCHAT_MEMBER_LIST (object);

  gchat_member_list_set_conversation (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_MEMBER_LIST);
  G_OBJECT_CLASS (gchat_member_list_parent_class)->dispose (object);
}

static void
gchat_member_list_class_init (GchatMemberListClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_member_list_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-member-list.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatMemberList, heading);
  gtk_widget_class_bind_template_child (widget_class, GchatMemberList, view);
}

static void
gchat_member_list_init (GchatMemberList *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->view, factory);
}

/** gchat_member_list_new: an empty member list. */
GtkWidget *
gchat_member_list_new (void)
{
  return g_object_new (GCHAT_TYPE_MEMBER_LIST, NULL);
}
