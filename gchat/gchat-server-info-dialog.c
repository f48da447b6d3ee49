/*
 * gchat-server-info-dialog.c: the answers to VERSION, LUSERS, ADMIN, TIME
 * and MOTD in labelled sections, asked for afresh each time the dialog
 * opens or Refresh is pressed. GchatServerRequests collects the lines, so
 * they do not also fill the server tab.
 */
#include "config.h"

#include "gchat-dialog.h"
#include "gchat-server-info-dialog.h"

struct _GchatServerInfoDialog
{
  GtkWindow parent_instance;

  GtkLabel            *host_label;
  GtkLabel            *status_label;
  GtkLabel            *version_label;
  GtkLabel            *support_label;
  GtkLabel            *users_label;
  GtkLabel            *admin_label;
  GtkLabel            *time_label;
  GtkLabel            *motd_label;
  GtkWidget           *refresh_button;
  GchatServerRequests *requests;
  gulong               info_handler;
};

G_DEFINE_FINAL_TYPE (GchatServerInfoDialog, gchat_server_info_dialog, GTK_TYPE_WINDOW)

/* The label that shows section @s. */
static GtkLabel *
gchat_server_info_dialog_label (GchatServerInfoDialog *self, GchatServerInfoSection s)
{
  switch (s) {
    case GCHAT_SERVER_INFO_VERSION:
      return self->version_label;
    case GCHAT_SERVER_INFO_SUPPORT:
      return self->support_label;
    case GCHAT_SERVER_INFO_USERS:
      return self->users_label;
    case GCHAT_SERVER_INFO_ADMIN:
      return self->admin_label;
    case GCHAT_SERVER_INFO_TIME:
      return self->time_label;
    case GCHAT_SERVER_INFO_MOTD:
    default:
      return self->motd_label;
  }
}

/* Fill every section from what the server has answered so far. */
static void
on_info_changed (GchatServerRequests *requests, GchatServerInfoDialog *self)
{
  gboolean loading = gchat_server_requests_get_info_pending (requests);

  for (int s = 0; s < GCHAT_SERVER_INFO_N; s++) {
    const char *text = gchat_server_requests_get_info (requests, s);

    gtk_label_set_text (gchat_server_info_dialog_label (self, s),
                        *text != '\0' ? text
                          : loading   ? "…"
                                      : "(the server did not say)");
  }
  gchat_dialog_show_problem (self->status_label, loading ? "Asking the server…" : NULL);
  gtk_widget_set_sensitive (self->refresh_button, !loading);
}

/** gchat_server_info_dialog_get_text: what section @s shows (tests read it). */
const char *
gchat_server_info_dialog_get_text (GchatServerInfoDialog *self, GchatServerInfoSection s)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_INFO_DIALOG (self), NULL);
  return gtk_label_get_text (gchat_server_info_dialog_label (self, s));
}

/** gchat_server_info_dialog_get_loading: whether the answers are still coming. */
gboolean
gchat_server_info_dialog_get_loading (GchatServerInfoDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_SERVER_INFO_DIALOG (self), FALSE);
  return gchat_server_requests_get_info_pending (self->requests);
}

/* Refresh: ask again. */
static void
on_refresh_button_clicked_cb (GtkButton *button, GchatServerInfoDialog *self)
{
  gchat_server_requests_info (self->requests);
}

/* Close. */
static void
on_close_button_clicked_cb (GtkButton *button, GchatServerInfoDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_server_info_dialog_dispose (GObject *object)
{
  GchatServerInfoDialog *self = GCHAT_SERVER_INFO_DIALOG (object);

  if (self->requests != NULL)
    g_clear_signal_handler (&self->info_handler, self->requests);
  g_clear_object (&self->requests);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_SERVER_INFO_DIALOG);
  G_OBJECT_CLASS (gchat_server_info_dialog_parent_class)->dispose (object);
}

static void
gchat_server_info_dialog_class_init (GchatServerInfoDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_server_info_dialog_dispose;
  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-server-info-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, host_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, version_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, support_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, users_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, admin_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, time_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, motd_label);
  gtk_widget_class_bind_template_child (widget_class, GchatServerInfoDialog, refresh_button);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_button_clicked_cb);
}

static void
gchat_server_info_dialog_init (GchatServerInfoDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/** gchat_server_info_dialog_new: a dialog over @parent about @host; asks at once. */
GchatServerInfoDialog *
gchat_server_info_dialog_new (GtkWindow *parent, GchatServerRequests *requests, const char *host)
{
  GchatServerInfoDialog *self =
    g_object_new (GCHAT_TYPE_SERVER_INFO_DIALOG, "transient-for", parent, NULL);

  gtk_label_set_text (self->host_label, host != NULL ? host : "");
  self->requests = g_object_ref (requests);
  self->info_handler =
    g_signal_connect (requests, "info-changed", G_CALLBACK (on_info_changed), self);
  gchat_server_requests_info (requests);
  return self;
}
