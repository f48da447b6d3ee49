/*
 * gchat-confirm-dialog.c: asks before something that cannot be undone
 * (disconnecting a user, shutting the server down). The action button says
 * what happens and is styled destructive; Cancel and Escape do nothing.
 * ::confirmed carries the typed reason, if one was asked for. The same
 * template, with only a Close button, shows the server's answers.
 */
#include "config.h"

#include "gchat-dialog.h"
#include "gchat-confirm-dialog.h"

struct _GchatConfirmDialog
{
  GtkWindow parent_instance;

  GtkLabel  *heading_label;
  GtkLabel  *body_label;
  GtkLabel  *reason_label;
  GtkEntry  *reason_entry;
  GtkWidget *action_button;
  GtkWidget *cancel_button;
};

G_DEFINE_FINAL_TYPE (GchatConfirmDialog, gchat_confirm_dialog, GTK_TYPE_WINDOW)

enum { SIG_CONFIRMED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_confirm_dialog_ask_reason: also ask for a reason, under @label. */
void
gchat_confirm_dialog_ask_reason (GchatConfirmDialog *self, const char *label)
{
  g_return_if_fail (GCHAT_IS_CONFIRM_DIALOG (self));
  gtk_label_set_text_with_mnemonic (self->reason_label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_entry), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

/** gchat_confirm_dialog_add_text: append a paragraph to the body (a later answer). */
void
gchat_confirm_dialog_add_text (GchatConfirmDialog *self, const char *text)
{
  g_autofree char *body = NULL;

  g_return_if_fail (GCHAT_IS_CONFIRM_DIALOG (self));
  body = g_strdup_printf ("%s\n%s", gtk_label_get_text (self->body_label), text);
  gtk_label_set_text (self->body_label, body);
}

/** gchat_confirm_dialog_get_body: the text of the question or message (tests read it). */
const char *
gchat_confirm_dialog_get_body (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return gtk_label_get_text (self->body_label);
}

/** gchat_confirm_dialog_get_action_button: the button that confirms (tests click it). */
GtkWidget *
gchat_confirm_dialog_get_action_button (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return self->action_button;
}

/** gchat_confirm_dialog_get_cancel_button: the button that backs out (tests click it). */
GtkWidget *
gchat_confirm_dialog_get_cancel_button (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return self->cancel_button;
}

/** gchat_confirm_dialog_get_reason: the reason entry (tests type into it). */
GtkEditable *
gchat_confirm_dialog_get_reason (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return GTK_EDITABLE (self->reason_entry);
}

/* The action button: tell whoever asked, then close. */
static void
on_action_button_clicked_cb (GtkButton *button, GchatConfirmDialog *self)
{
  g_signal_emit (self,
                 signals[SIG_CONFIRMED],
                 0,
                 gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_confirm_dialog_class_init (GchatConfirmDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-confirm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, action_button);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_action_button_clicked_cb);

  /** GchatConfirmDialog::confirmed: the action button was pressed; carries the reason ("" if none).
   */
  signals[SIG_CONFIRMED] = g_signal_new ("confirmed",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0,
                                         NULL,
                                         NULL,
                                         NULL,
                                         G_TYPE_NONE,
                                         1,
                                         G_TYPE_STRING);
}

static void
gchat_confirm_dialog_init (GchatConfirmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_confirm_dialog_new: ask @heading / @body over @parent; @action_label does it. */
GchatConfirmDialog *
gchat_confirm_dialog_new (GtkWindow  *parent,
                          const char *title,
                          const char *heading,
                          const char *body,
                          const char *action_label)
{
  GchatConfirmDialog *self =
    g_object_new (GCHAT_TYPE_CONFIRM_DIALOG, "transient-for", parent, "title", title, NULL);

  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->body_label, body);
  gtk_button_set_label (GTK_BUTTON (self->action_button), action_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->action_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  body,
                                  -1);
  return self;
}

/** gchat_confirm_dialog_new_message: just tell @heading / @body, with a Close button. */
GchatConfirmDialog *
gchat_confirm_dialog_new_message (GtkWindow  *parent,
                                  const char *title,
                                  const char *heading,
                                  const char *body)
{
  GchatConfirmDialog *self = gchat_confirm_dialog_new (parent, title, heading, body, "Close");

  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_remove_css_class (self->action_button, "destructive-action");
  gtk_window_set_modal (GTK_WINDOW (self), FALSE);
  return self;
}
