/*
 * gchat-oper-dialog.c: asks for an operator name and password and sends
 * OPER. The dialog stays open until the server answers: on success it
 * closes, on an error (unknown name, wrong password, still busy) it says
 * so under the fields and the user can try again.
 */
#include "config.h"

#include <string.h>

#include "gchat-dialog.h"
#include "gchat-oper-dialog.h"

struct _GchatOperDialog
{
  GtkWindow parent_instance;

  GtkEntry            *name_entry;
  GtkPasswordEntry    *password_entry;
  GtkLabel            *problem_label;
  GtkWidget           *ok_button;
  GchatServerRequests *requests;
  gulong               result_handler;
};

G_DEFINE_FINAL_TYPE (GchatOperDialog, gchat_oper_dialog, GTK_TYPE_WINDOW)

/** gchat_oper_dialog_get_problem: the error shown under the fields, or NULL (tests read it). */
const char *
gchat_oper_dialog_get_problem (GchatOperDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_OPER_DIALOG (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->problem_label)))
    return NULL;
  return gtk_label_get_text (self->problem_label);
}

/* The server answered OPER: close on success, else say why and let the user retry. */
static void
on_oper_result (GchatServerRequests *requests, gboolean ok, const char *text, GchatOperDialog *self)
{
  gtk_widget_set_sensitive (self->ok_button, TRUE);
  gtk_button_set_label (GTK_BUTTON (self->ok_button), "OK");
  if (ok) {
    gtk_window_destroy (GTK_WINDOW (self));
    return;
  }
  gchat_dialog_show_problem (self->problem_label, text);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

/* OK: send OPER and wait for the answer with the button insensitive. */
static void
on_ok_button_clicked_cb (GtkButton *button, GchatOperDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (*name == '\0' || strchr (name, ' ') != NULL) {
    gchat_dialog_show_problem (self->problem_label, "Type the operator name (one word).");
    return;
  }
  if (*password == '\0' || strchr (password, ' ') != NULL) {
    gchat_dialog_show_problem (self->problem_label, "Type the password (without spaces).");
    return;
  }
  gchat_dialog_show_problem (self->problem_label, NULL);
  gtk_widget_set_sensitive (self->ok_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->ok_button), "Checking…");
  gchat_server_requests_oper (self->requests, name, password);
}

static void
gchat_oper_dialog_dispose (GObject *object)
{
  GchatOperDialog *self = GCHAT_OPER_DIALOG (object);

  if (self->requests != NULL)
    g_clear_signal_handler (&self->result_handler, self->requests);
  g_clear_object (&self->requests);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_OPER_DIALOG);
  G_OBJECT_CLASS (gchat_oper_dialog_parent_class)->dispose (object);
}

static void
gchat_oper_dialog_class_init (GchatOperDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_oper_dialog_dispose;
  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-oper-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatOperDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatOperDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatOperDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GchatOperDialog, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, on_ok_button_clicked_cb);
}

static void
gchat_oper_dialog_init (GchatOperDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_oper_dialog_new: a dialog over @parent that sends OPER through @requests. */
GchatOperDialog *
gchat_oper_dialog_new (GtkWindow *parent, GchatServerRequests *requests)
{
  GchatOperDialog *self = g_object_new (GCHAT_TYPE_OPER_DIALOG, "transient-for", parent, NULL);

  self->requests = g_object_ref (requests);
  self->result_handler =
    g_signal_connect (requests, "oper-result", G_CALLBACK (on_oper_result), self);
  return self;
}
