/*
 * gchat-dialog.h: what the small modal dialogs (connect, join, password)
 * share: a .ui template whose Cancel button and Escape close the window, a
 * problem label under the fields and a ::submitted signal. The confirmations
 * (trust, delete account, kick...) are AdwMessageDialogs instead.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void       gchat_dialog_class_setup (GtkWidgetClass *widget_class, const char *resource);
guint      gchat_dialog_submitted_signal (GType type, gboolean with_done);
void       gchat_dialog_show_problem (GtkLabel *label, const char *problem);
GtkWidget *gchat_dialog_response_button (AdwMessageDialog *dialog, const char *response);

G_END_DECLS
