/*
 * gchat-dialog.c: helpers the modal dialogs share (see gchat-dialog.h).
 * Each dialog stays its own final type; these only set up what they have
 * in common.
 */
#include "config.h"

#include "gchat-dialog.h"

/* Cancel: just close. */
static void
gchat_dialog_cancel_cb (GtkButton *button, GtkWindow *dialog)
{
  gtk_window_destroy (dialog);
}

/**
 * gchat_dialog_class_setup:
 * Use the template at @resource, whose Cancel button calls
 * on_cancel_button_clicked_cb, and let Escape close the dialog.
 */
void
gchat_dialog_class_setup (GtkWidgetClass *widget_class, const char *resource)
{
  gtk_widget_class_set_template_from_resource (widget_class, resource);
  gtk_widget_class_bind_template_callback_full (widget_class,
                                                "on_cancel_button_clicked_cb",
                                                G_CALLBACK (gchat_dialog_cancel_cb));
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/**
 * gchat_dialog_submitted_signal:
 * Create the ::submitted signal of dialog @type. With @with_done it carries
 * a gboolean * that a handler sets to TRUE when the dialog may close.
 * Returns: the signal id.
 */
guint
gchat_dialog_submitted_signal (GType type, gboolean with_done)
{
  return g_signal_new ("submitted",
                       type,
                       G_SIGNAL_RUN_LAST,
                       0,
                       NULL,
                       NULL,
                       NULL,
                       G_TYPE_NONE,
                       with_done ? 1 : 0,
                       G_TYPE_POINTER);
}

/** gchat_dialog_show_problem: show why the input cannot be used in @label (NULL: hide it). */
void
gchat_dialog_show_problem (GtkLabel *label, const char *problem)
{
  gtk_label_set_text (label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (label), problem != NULL);
}

/* The GtkButton under @w whose label is @label, or NULL. */
static GtkWidget *
gchat_dialog_find_button (GtkWidget *w, const char *label)
{
  if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0)
    return w;
  for (GtkWidget *child = gtk_widget_get_first_child (w); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = gchat_dialog_find_button (child, label);

    if (found != NULL)
      return found;
  }
  return NULL;
}

/**
 * gchat_dialog_response_button:
 * The button AdwMessageDialog shows for @response (found by its label, as
 * a person would), or NULL. Tests click it; dialogs describe it.
 */
GtkWidget *
gchat_dialog_response_button (AdwMessageDialog *dialog, const char *response)
{
  if (!adw_message_dialog_has_response (dialog, response))
    return NULL;
  return gchat_dialog_find_button (GTK_WIDGET (dialog),
                                   adw_message_dialog_get_response_label (dialog, response));
}
