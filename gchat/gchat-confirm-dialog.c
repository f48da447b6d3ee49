/*
 * gchat-confirm-dialog.c: asks before something that cannot be undone
 * (disconnecting a user, shutting the server down). The action button says
 * what happens and is styled destructive; Cancel and Escape do nothing.
 * ::confirmed carries the typed reason, if one was asked for. The same
 * template, with only a Close button, shows the server's answers. An
 * AdwMessageDialog: responses "cancel" and "action" (or only "close"); the
 * reason entry is its extra child.
 */
#include "config.h"

#include "gchat-dialog.h"
#include "gchat-confirm-dialog.h"

struct _GchatConfirmDialog
{
  AdwMessageDialog parent_instance;

  GtkWidget *reason_box;
  GtkLabel  *reason_label;
  GtkEntry  *reason_entry;
};

G_DEFINE_FINAL_TYPE (GchatConfirmDialog, gchat_confirm_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { SIG_CONFIRMED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_confirm_dialog_ask_reason: also ask for a reason, under @label. */
void
gchat_confirm_dialog_ask_reason (GchatConfirmDialog *self, const char *label)
{
  g_return_if_fail (GCHAT_IS_CONFIRM_DIALOG (self));
  gtk_label_set_text_with_mnemonic (self->reason_label, label);
  gtk_widget_set_visible (self->reason_box, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
}

/** gchat_confirm_dialog_add_text: append a paragraph to the body (a later answer). */
void
gchat_confirm_dialog_add_text (GchatConfirmDialog *self, const char *text)
{
  g_autofree char *body = NULL;

  g_return_if_fail (GCHAT_IS_CONFIRM_DIALOG (self));
  body = g_strdup_printf ("%s\n%s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self)), text);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}

/** gchat_confirm_dialog_get_body: the text of the question or message (tests read it). */
const char *
gchat_confirm_dialog_get_body (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self));
}

/** gchat_confirm_dialog_get_action_button: the button that confirms or closes (tests click it). */
GtkWidget *
gchat_confirm_dialog_get_action_button (GchatConfirmDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  if (adw_message_dialog_has_response (dialog, "action"))
    return gchat_dialog_response_button (dialog, "action");
  return gchat_dialog_response_button (dialog, "close");
}

/** gchat_confirm_dialog_get_cancel_button: the button that backs out, NULL for a message. */
GtkWidget *
gchat_confirm_dialog_get_cancel_button (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return gchat_dialog_response_button (ADW_MESSAGE_DIALOG (self), "cancel");
}

/** gchat_confirm_dialog_get_reason: the reason entry (tests type into it). */
GtkEditable *
gchat_confirm_dialog_get_reason (GchatConfirmDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_CONFIRM_DIALOG (self), NULL);
  return GTK_EDITABLE (self->reason_entry);
}

/* The action response: tell whoever asked; the dialog closes itself. */
static void
gchat_confirm_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  GchatConfirmDialog *self = GCHAT_CONFIRM_DIALOG (dialog);

  if (g_strcmp0 (response, "action") == 0)
    g_signal_emit (self,
                   signals[SIG_CONFIRMED],
                   0,
                   gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));
}

static void
gchat_confirm_dialog_class_init (GchatConfirmDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  ADW_MESSAGE_DIALOG_CLASS (klass)->response = gchat_confirm_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-confirm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, reason_box);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, GchatConfirmDialog, reason_entry);

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

/* A dialog over @parent saying @heading / @body, with no responses yet. */
static GchatConfirmDialog *
gchat_confirm_dialog_new_bare (GtkWindow  *parent,
                               const char *title,
                               const char *heading,
                               const char *body)
{
  return g_object_new (GCHAT_TYPE_CONFIRM_DIALOG,
                       "transient-for",
                       parent,
                       "title",
                       title,
                       "heading",
                       heading,
                       "body",
                       body,
                       NULL);
}

/** gchat_confirm_dialog_new: ask @heading / @body over @parent; @action_label does it. */
GchatConfirmDialog *
gchat_confirm_dialog_new (GtkWindow  *parent,
                          const char *title,
                          const char *heading,
                          const char *body,
                          const char *action_label)
{
  GchatConfirmDialog *self = gchat_confirm_dialog_new_bare (parent, title, heading, body);
  AdwMessageDialog   *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_add_responses (dialog, "cancel", "_Cancel", "action", action_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "action", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_accessible_update_property (GTK_ACCESSIBLE (gchat_dialog_response_button (dialog, "action")),
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
  GchatConfirmDialog *self = gchat_confirm_dialog_new_bare (parent, title, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "close", "_Close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "close");
  gtk_window_set_modal (GTK_WINDOW (self), FALSE);
  return self;
}
