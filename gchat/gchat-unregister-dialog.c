/*
 * gchat-unregister-dialog.c: deleting the account for good. An
 * AdwMessageDialog that says what goes with the account and asks for the
 * password (its extra child), which the server checks (UNREGISTER). Delete
 * is enabled once a password is typed; it emits ::submitted and the window
 * sends the password; the server's answer, or why it could not be sent,
 * shows in the window's info bar.
 */
#include "config.h"

#include "gchat-dialog.h"
#include "gchat-unregister-dialog.h"

struct _GchatUnregisterDialog
{
  AdwMessageDialog parent_instance;

  GtkPasswordEntry *password_entry;
};

G_DEFINE_FINAL_TYPE (GchatUnregisterDialog, gchat_unregister_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_unregister_dialog_get_password: the password as typed. */
const char *
gchat_unregister_dialog_get_password (GchatUnregisterDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

/* No password, no Delete. */
static void
on_password_changed_cb (GtkEditable *entry, GchatUnregisterDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self),
                                           "delete",
                                           *gtk_editable_get_text (entry) != '\0');
}

/* Delete: the window sends the password; the dialog closes itself. */
static void
gchat_unregister_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  GchatUnregisterDialog *self = GCHAT_UNREGISTER_DIALOG (dialog);

  if (g_strcmp0 (response, "delete") == 0 && *gchat_unregister_dialog_get_password (self) != '\0')
    g_signal_emit (self, signals[SIG_SUBMITTED], 0);
}

static void
gchat_unregister_dialog_class_init (GchatUnregisterDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  ADW_MESSAGE_DIALOG_CLASS (klass)->response = gchat_unregister_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-unregister-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatUnregisterDialog, password_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed_cb);

  /** GchatUnregisterDialog::submitted: Delete chosen with a password typed. */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), FALSE);
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
  g_autofree char *heading =
    g_strdup_printf ("Delete the account %s?", account != NULL ? account : "?");

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               "Its stored messages, private history, game record and files "
                               "are deleted with it, its permanent groups pass to their first "
                               "admin, and anyone may then take the name. This cannot be "
                               "undone. Type your password to confirm.");
  return self;
}
