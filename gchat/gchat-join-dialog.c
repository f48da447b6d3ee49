/*
 * gchat-join-dialog.c: a group name, "private" (+i) and a key (+k). The
 * window joins on ::submitted; the modes are set once the server makes us
 * operator of the new group.
 */
#include "config.h"

#include "gchat-group-info.h"
#include "gchat-dialog.h"
#include "gchat-join-dialog.h"

struct _GchatJoinDialog
{
  GtkWindow parent_instance;

  GtkEntry         *name_entry;
  GtkCheckButton   *private_check;
  GtkPasswordEntry *key_entry;
  GtkLabel         *problem_label;
  GtkListBox       *groups_list;
};

G_DEFINE_FINAL_TYPE (GchatJoinDialog, gchat_join_dialog, GTK_TYPE_WINDOW)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_join_dialog_get_name: the group name as typed. */
const char *
gchat_join_dialog_get_name (GchatJoinDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
}

/** gchat_join_dialog_get_key: the key, "" for none. */
const char *
gchat_join_dialog_get_key (GchatJoinDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
}

/** gchat_join_dialog_get_private: whether a new group should be invite-only. */
gboolean
gchat_join_dialog_get_private (GchatJoinDialog *self)
{
  return gtk_check_button_get_active (self->private_check);
}

/** gchat_join_dialog_set_problem: show why the input cannot be used. */
void
gchat_join_dialog_set_problem (GchatJoinDialog *self, const char *problem)
{
  gchat_dialog_show_problem (self->problem_label, problem);
}

/* Join: a handler returning TRUE means it worked and the dialog can go. */
static void
on_join_button_clicked_cb (GtkButton *button, GchatJoinDialog *self)
{
  gboolean done = FALSE;

  if (*gchat_join_dialog_get_name (self) == '\0') {
    gchat_join_dialog_set_problem (self, "Enter a name for the group.");
    return;
  }
  g_signal_emit (self, signals[SIG_SUBMITTED], 0, &done);
  if (done)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* A group picked from the list: its name goes into the entry. */
static void
on_groups_list_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, GchatJoinDialog *self)
{
  GchatGroupInfo *info = g_object_get_data (G_OBJECT (row), "gchat-group");

  if (info != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), gchat_group_info_get_name (info));
}

/* One row of the group list: name, members, topic. */
static GtkWidget *
create_group_row (gpointer item, gpointer user_data)
{
  GchatGroupInfo  *info = item;
  guint            users = gchat_group_info_get_users (info);
  g_autofree char *text = g_strdup_printf ("%s (%u)%s%s",
                                           gchat_group_info_get_name (info),
                                           users,
                                           *gchat_group_info_get_topic (info) != '\0' ? " — " : "",
                                           gchat_group_info_get_topic (info));
  g_autofree char *a11y = g_strdup_printf ("%s, %u %s",
                                           gchat_group_info_get_name (info),
                                           users,
                                           users == 1 ? "member" : "members");
  GtkWidget       *label = gtk_label_new (text);
  GtkWidget       *row = gtk_list_box_row_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  g_object_set_data_full (G_OBJECT (row), "gchat-group", g_object_ref (info), g_object_unref);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  return row;
}

/** gchat_join_dialog_set_groups: offer the groups of @model (GchatGroupInfo). */
void
gchat_join_dialog_set_groups (GchatJoinDialog *self, GListModel *model)
{
  gtk_list_box_bind_model (self->groups_list, model, create_group_row, NULL, NULL);
}

/** gchat_join_dialog_get_groups_list: the list of the server's groups (tests pick from it). */
GtkListBox *
gchat_join_dialog_get_groups_list (GchatJoinDialog *self)
{
  return self->groups_list;
}

static void
gchat_join_dialog_class_init (GchatJoinDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatJoinDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatJoinDialog, private_check);
  gtk_widget_class_bind_template_child (widget_class, GchatJoinDialog, key_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatJoinDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GchatJoinDialog, groups_list);
  gtk_widget_class_bind_template_callback (widget_class, on_groups_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_join_button_clicked_cb);

  /** GchatJoinDialog::submitted: Join pressed; set *done (a gboolean *) to TRUE to close. */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), TRUE);
}

static void
gchat_join_dialog_init (GchatJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_join_dialog_new: an empty dialog over @parent. */
GchatJoinDialog *
gchat_join_dialog_new (GtkWindow *parent)
{
  return g_object_new (GCHAT_TYPE_JOIN_DIALOG, "transient-for", parent, NULL);
}
