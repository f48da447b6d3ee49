/*
 * gchat-confirm-dialog.h: a question with a destructive answer (and
 * optionally a reason to type), or just a message with a Close button.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_CONFIRM_DIALOG (gchat_confirm_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatConfirmDialog,
                      gchat_confirm_dialog,
                      GCHAT,
                      CONFIRM_DIALOG,
                      AdwMessageDialog)

GchatConfirmDialog *gchat_confirm_dialog_new (GtkWindow  *parent,
                                              const char *title,
                                              const char *heading,
                                              const char *body,
                                              const char *action_label);
GchatConfirmDialog *gchat_confirm_dialog_new_message (GtkWindow  *parent,
                                                      const char *title,
                                                      const char *heading,
                                                      const char *body);
void                gchat_confirm_dialog_ask_reason (GchatConfirmDialog *self, const char *label);
void                gchat_confirm_dialog_add_text (GchatConfirmDialog *self, const char *text);
const char         *gchat_confirm_dialog_get_body (GchatConfirmDialog *self);
GtkWidget          *gchat_confirm_dialog_get_action_button (GchatConfirmDialog *self);
GtkWidget          *gchat_confirm_dialog_get_cancel_button (GchatConfirmDialog *self);
GtkEditable        *gchat_confirm_dialog_get_reason (GchatConfirmDialog *self);

G_END_DECLS
