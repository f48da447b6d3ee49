/*
 * gchat-unregister-dialog.c: deleting the account for good. It says what
 * goes with the account and asks for the password, which the server checks
 * (UNREGISTER); the window sends it on ::submitted and the server's answer
 * shows in the info bar.
 */
#include "config.h"

#include "gchat-dialog.h"
#include "gchat-unregister-dialog.h"

struct _GchatUnregisterDialog
{
  GtkWindow parent_instance;

  GtkLabel         *account_label;
  GtkPasswordEntry *password_entry;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (GchatUnregisterDialog, gchat_unregister_dialog, GTK_TYPE_WINDOW)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_unregister_dialog_get_password: the password as typed. */
const char *
gchat_unregister_dialog_get_password (GchatUnregisterDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

/** gchat_unregister_dialog_set_problem: show why it cannot go ahead (NULL: hide). */
void
gchat_unregister_dialog_set_problem (GchatUnregisterDialog *self, const char *problem)
{
  gchat_dialog_show_problem (self->problem_label, problem);
}

/* Delete: a password is needed; the window sends it. */
static void
on_delete_button_clicked_cb (GtkButton *button, GchatUnregisterDialog *self)
{
  gboolean done = FALSE;

  if (*gchat_unregister_dialog_get_password (self) == '\0') {
    gchat_unregister_dialog_set_problem (self, "Type your password to confirm.");
    return;
  }
  g_signal_emit (self, signals[SIG_SUBMITTED], 0, &done);
  if (done)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_unregister_dialog_class_init (GchatUnregisterDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-unregister-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatUnregisterDialog, account_label);
  gtk_widget_class_bind_template_child (widget_class, GchatUnregisterDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatUnregisterDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_button_clicked_cb);

  /** GchatUnregisterDialog::submitted: Delete pressed; set *done (a gboolean *) to TRUE to close.
   */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), TRUE);
}

static void
gchat_unregister_dialog_init (GchatUnregisterDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_unregister_dialog_new: a dialog over @parent for @account. */
GchatUnregisterDialog *
gchat_unregister_dialog_new (GtkWindow *parent, const char *account)
{
  GchatUnregisterDialog *self =
    g_object_new (GCHAT_TYPE_UNREGISTER_DIALOG, "transient-for", parent, NULL);
  g_autofree char *text =
    g_strdup_printf ("Delete the account %s? Its stored messages, private history, game "
                     "record and files are deleted with it, its permanent groups pass to "
                     "their first admin, and anyone may then take the name. This cannot "
                     "be undone.",
                     account != NULL ? account : "?");

  gtk_label_set_text (self->account_label, text);
  return self;
}
