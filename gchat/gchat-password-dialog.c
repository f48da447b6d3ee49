/*
 * gchat-password-dialog.c: the old password and the new one twice. It only
 * checks that the two new ones match and are long enough; the window sends
 * PASSWORD on ::submitted and the server's answer shows in the info bar.
 */
#include "config.h"

#include <string.h>

#include "gchat-dialog.h"
#include "gchat-password-dialog.h"

/* chatd's minimum (doc/PROTOCOL.md, Accounts); the server checks the rest. */
#define PASSWORD_MIN 8

struct _GchatPasswordDialog
{
  GtkWindow parent_instance;

  GtkLabel         *account_label;
  GtkPasswordEntry *old_entry;
  GtkPasswordEntry *new_entry;
  GtkPasswordEntry *repeat_entry;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (GchatPasswordDialog, gchat_password_dialog, GTK_TYPE_WINDOW)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_password_dialog_get_old: the current password as typed. */
const char *
gchat_password_dialog_get_old (GchatPasswordDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->old_entry));
}

/** gchat_password_dialog_get_new: the new password as typed. */
const char *
gchat_password_dialog_get_new (GchatPasswordDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->new_entry));
}

/** gchat_password_dialog_set_problem: show why the input cannot be used (NULL: hide). */
void
gchat_password_dialog_set_problem (GchatPasswordDialog *self, const char *problem)
{
  gchat_dialog_show_problem (self->problem_label, problem);
}

/* Change: check what can be checked here, then let the window send it. */
static void
on_change_button_clicked_cb (GtkButton *button, GchatPasswordDialog *self)
{
  const char *new_password = gchat_password_dialog_get_new (self);
  gboolean    done = FALSE;

  if (*gchat_password_dialog_get_old (self) == '\0') {
    gchat_password_dialog_set_problem (self, "Type your current password.");
    return;
  }
  if (strlen (new_password) < PASSWORD_MIN) {
    gchat_password_dialog_set_problem (self, "The new password needs at least 8 characters.");
    return;
  }
  if (strcmp (new_password, gtk_editable_get_text (GTK_EDITABLE (self->repeat_entry))) != 0) {
    gchat_password_dialog_set_problem (self, "The two new passwords differ.");
    return;
  }
  g_signal_emit (self, signals[SIG_SUBMITTED], 0, &done);
  if (done)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_password_dialog_class_init (GchatPasswordDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatPasswordDialog, account_label);
  gtk_widget_class_bind_template_child (widget_class, GchatPasswordDialog, old_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatPasswordDialog, new_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatPasswordDialog, repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatPasswordDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_change_button_clicked_cb);

  /** GchatPasswordDialog::submitted: Change pressed; set *done (a gboolean *) to TRUE to close. */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), TRUE);
}

static void
gchat_password_dialog_init (GchatPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_password_dialog_new: a dialog over @parent for @account. */
GchatPasswordDialog *
gchat_password_dialog_new (GtkWindow *parent, const char *account)
{
  GchatPasswordDialog *self =
    g_object_new (GCHAT_TYPE_PASSWORD_DIALOG, "transient-for", parent, NULL);
  g_autofree char *text = g_strdup_printf ("Account: %s", account != NULL ? account : "?");

  gtk_label_set_text (self->account_label, text);
  return self;
}
