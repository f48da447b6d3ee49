/*
 * gchat-transfer-row.c: shows a GchatTransfer: name, a thumbnail for a
 * received image (decoded from the received file on a worker thread; a
 * click opens it full size), the progress in words and as a bar, and the buttons
 * that make sense now. Buttons fire the window's chat.transfer-* actions
 * with the transfer id, so the row never talks to the session.
 */
#include "config.h"

#include "gchat-transfer-row.h"

struct _GchatTransferRow
{
  GtkBox parent_instance;

  GtkLabel       *name_label;
  GtkPicture     *picture;
  GtkLabel       *status_label;
  GtkProgressBar *progress;
  GtkWidget      *accept_button;
  GtkWidget      *decline_button;
  GtkWidget      *save_button;
  GtkWidget      *cancel_button;
  GchatTransfer  *transfer;
  GdkTexture     *texture;
  GCancellable   *loading; /* the thumbnail being decoded, or NULL */
};

G_DEFINE_FINAL_TYPE (GchatTransferRow, gchat_transfer_row, GTK_TYPE_BOX)

/* On a worker thread: decode the image file (GdkTexture is thread-safe). */
static void
load_texture_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError     *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_file (G_FILE (data), &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

/* Back on the main loop: show the thumbnail, unless the row moved on. */
static void
load_texture_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GchatTransferRow *self = GCHAT_TRANSFER_ROW (source);
  g_autoptr (GError) error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_debug ("no preview: %s", error->message);
    return;
  }
  g_clear_object (&self->loading);
  g_clear_object (&self->texture);
  self->texture = texture;
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->texture));
  gtk_widget_set_visible (GTK_WIDGET (self->picture), TRUE);
}

/*
 * A received image becomes a texture once, when it is complete. Decoding
 * a large picture takes a while, so it runs on a thread, never on the UI.
 */
static void
gchat_transfer_row_load_texture (GchatTransferRow *self)
{
  GFile *file = gchat_transfer_get_file (self->transfer);
  g_autoptr (GTask) task = NULL;

  /* Only pictures of a sensible size. */
  if (self->texture != NULL || self->loading != NULL || !gchat_transfer_is_image (self->transfer) ||
      file == NULL || gchat_transfer_get_size (self->transfer) > GCHAT_TRANSFER_PREVIEW_MAX)
    return;
  self->loading = g_cancellable_new ();
  task = g_task_new (self, self->loading, load_texture_done, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_texture_thread);
}

/* Show the transfer's state. */
static void
gchat_transfer_row_sync (GchatTransferRow *self)
{
  GchatTransferState state = gchat_transfer_get_state (self->transfer);
  gboolean           in = gchat_transfer_get_direction (self->transfer) == GCHAT_TRANSFER_RECEIVE;
  g_autofree char   *status = gchat_transfer_describe (self->transfer);
  g_autofree char   *size = gchat_transfer_format_size (gchat_transfer_get_size (self->transfer));
  g_autofree char   *a11y = NULL;

  gtk_label_set_text (self->status_label, status);
  gtk_progress_bar_set_fraction (self->progress, gchat_transfer_get_fraction (self->transfer));
  gtk_widget_set_visible (GTK_WIDGET (self->progress), state == GCHAT_TRANSFER_ACTIVE);
  gtk_widget_set_visible (self->accept_button, in && state == GCHAT_TRANSFER_OFFERED);
  gtk_widget_set_visible (self->decline_button, in && state == GCHAT_TRANSFER_OFFERED);
  gtk_widget_set_visible (self->save_button, in && state == GCHAT_TRANSFER_DONE);
  gtk_widget_set_visible (self->cancel_button,
                          state == GCHAT_TRANSFER_ACTIVE || state == GCHAT_TRANSFER_WAITING);
  if (state == GCHAT_TRANSFER_DONE && in)
    gchat_transfer_row_load_texture (self);
  a11y =
    g_strdup_printf ("File %s, %s: %s", gchat_transfer_get_name (self->transfer), size, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

/* The transfer moved on. */
static void
on_transfer_changed (GchatTransfer *transfer, GchatTransferRow *self)
{
  gchat_transfer_row_sync (self);
}

/** gchat_transfer_row_show_full: open the image in a window of its own. */
void
gchat_transfer_row_show_full (GchatTransferRow *self)
{
  GtkWidget *window;
  GtkWidget *picture;
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->texture == NULL)
    return;
  window = gtk_window_new ();
  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (self->texture));
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gchat_transfer_get_name (self->transfer),
                                  -1);
  gtk_window_set_title (GTK_WINDOW (window), gchat_transfer_get_name (self->transfer));
  gtk_window_set_default_size (GTK_WINDOW (window),
                               MIN (gdk_texture_get_width (self->texture), 1200),
                               MIN (gdk_texture_get_height (self->texture), 900));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_set_child (GTK_WINDOW (window), picture);
  gtk_window_present (GTK_WINDOW (window));
}

/* A click on the thumbnail. */
static void
on_picture_pressed (GtkGestureClick *gesture, int n, double x, double y, GchatTransferRow *self)
{
  gchat_transfer_row_show_full (self);
}

/** gchat_transfer_row_get_transfer: the transfer shown. */
GchatTransfer *
gchat_transfer_row_get_transfer (GchatTransferRow *self)
{
  return self->transfer;
}

/** gchat_transfer_row_get_picture: the thumbnail (tests look at it). */
GtkPicture *
gchat_transfer_row_get_picture (GchatTransferRow *self)
{
  return self->picture;
}

/** gchat_transfer_row_get_status: the status line shown. */
const char *
gchat_transfer_row_get_status (GchatTransferRow *self)
{
  return gtk_label_get_text (self->status_label);
}

static void
gchat_transfer_row_dispose (GObject *object)
{
  GchatTransferRow *self = GCHAT_TRANSFER_ROW (object);

  if (self->transfer != NULL)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_clear_object (&self->transfer);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_object (&self->texture);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_TRANSFER_ROW);
  G_OBJECT_CLASS (gchat_transfer_row_parent_class)->dispose (object);
}

static void
gchat_transfer_row_class_init (GchatTransferRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_transfer_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-transfer-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, picture);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, progress);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, accept_button);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, decline_button);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, save_button);
  gtk_widget_class_bind_template_child (widget_class, GchatTransferRow, cancel_button);
}

static void
gchat_transfer_row_init (GchatTransferRow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (click, "pressed", G_CALLBACK (on_picture_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (click));
}

/** gchat_transfer_row_new: a row following @transfer. */
GtkWidget *
gchat_transfer_row_new (GchatTransfer *transfer)
{
  GchatTransferRow *self = g_object_new (GCHAT_TYPE_TRANSFER_ROW, NULL);
  GVariant  *id = g_variant_ref_sink (g_variant_new_string (gchat_transfer_get_key (transfer)));
  GtkWidget *buttons[] = {
    self->accept_button, self->decline_button, self->save_button, self->cancel_button
  };

  self->transfer = g_object_ref (transfer);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (buttons[i]), id);
  g_variant_unref (id);
  gtk_label_set_text (self->name_label, gchat_transfer_get_name (transfer));
  g_signal_connect (transfer, "changed", G_CALLBACK (on_transfer_changed), self);
  gchat_transfer_row_sync (self);
  return GTK_WIDGET (self);
}
