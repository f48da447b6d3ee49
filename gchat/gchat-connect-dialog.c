/*
 * gchat-connect-dialog.c: asks for the server and the nick. Emits
 * ::submitted when the fields are valid; the window connects and saves them.
 * TLS is offered only when GIO has a TLS backend. An account and password
 * log in (SASL PLAIN or LOGIN); "register" creates the account first.
 * "Forget trusted certificate" drops the fingerprint gchat trusts for the
 * server:port shown, so the next TLS connect asks again.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-config.h"
#include "gchat-dialog.h"
#include "gchat-connect-dialog.h"
#include "gchat-session.h"

struct _GchatConnectDialog
{
  GtkWindow parent_instance;

  GtkEntry         *host_entry;
  GtkSpinButton    *port_spin;
  GtkCheckButton   *tls_check;
  GtkEntry         *nick_entry;
  GtkEntry         *realname_entry;
  GtkEntry         *account_entry;
  GtkPasswordEntry *password_entry;
  GtkCheckButton   *register_check;
  GtkButton        *forget_button;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (GchatConnectDialog, gchat_connect_dialog, GTK_TYPE_WINDOW)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_connect_dialog_validate: whether the fields can be used; @problem says why not. */
gboolean
gchat_connect_dialog_validate (GchatConnectDialog *self, char **problem)
{
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->host_entry));
  const char *nick = gtk_editable_get_text (GTK_EDITABLE (self->nick_entry));
  const char *account = gtk_editable_get_text (GTK_EDITABLE (self->account_entry));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  g_autoptr (GPtrArray) addresses = gchat_session_parse_addresses (host, 6667);
  g_auto (GStrv) parts = g_strsplit_set (host, ", \t", -1);
  guint entries = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    entries += *parts[i] != '\0';
  if (entries == 0 || addresses->len != entries) {
    *problem = g_strdup ("Enter the server's host name or address (several as host:port, "
                         "host:port to try in turn).");
    return FALSE;
  }
  if (!chat_nick_valid (nick, CHAT_NICK_MAX)) {
    *problem = g_strdup (
      "A nick is 1 to 30 characters: letters, digits and []\\`_^{|}- (not starting with a digit or -).");
    return FALSE;
  }
  if (*account != '\0' && *password == '\0') {
    *problem = g_strdup ("Enter the password of the account (or leave the account empty).");
    return FALSE;
  }
  if (gtk_check_button_get_active (self->register_check) && *account == '\0') {
    *problem = g_strdup ("Enter the name of the account to register and its password.");
    return FALSE;
  }
  return TRUE;
}

/** gchat_connect_dialog_fill: copy the fields into @config. */
void
gchat_connect_dialog_fill (GchatConnectDialog *self, GchatConfig *config)
{
  g_free (config->host);
  config->host = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_entry)));
  config->port = (guint16)gtk_spin_button_get_value_as_int (self->port_spin);
  config->tls = gtk_check_button_get_active (self->tls_check);
  g_free (config->nick);
  config->nick = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->nick_entry)));
  g_free (config->realname);
  config->realname = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->realname_entry)));
  g_free (config->account);
  config->account = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->account_entry)));
  g_free (config->password);
  config->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_entry)));
  config->register_account = gtk_check_button_get_active (self->register_check);
}

/* The [trust] key of the server:port in the fields. */
static char *
gchat_connect_dialog_peer (GchatConnectDialog *self)
{
  return gchat_config_peer (gtk_editable_get_text (GTK_EDITABLE (self->host_entry)),
                            (guint16)gtk_spin_button_get_value_as_int (self->port_spin));
}

/* Forget is offered only while the server:port shown has a trusted fingerprint. */
static void
gchat_connect_dialog_update_forget (GchatConnectDialog *self)
{
  g_autofree char *peer = NULL;
  g_autofree char *fp = NULL;
  g_autofree char *tip = NULL;

  if (self->forget_button == NULL || self->port_spin == NULL || self->host_entry == NULL)
    return; /* still being built */
  peer = gchat_connect_dialog_peer (self);
  fp = gchat_config_get_trusted (peer);
  gtk_button_set_label (self->forget_button, "_Forget trusted certificate");
  gtk_widget_set_sensitive (GTK_WIDGET (self->forget_button), fp != NULL);
  if (fp != NULL)
    tip = g_strdup_printf ("gchat trusts this certificate for %s (SHA-256 %s); forget it to be "
                           "asked again on the next TLS connect",
                           peer,
                           fp);
  else
    tip = g_strdup_printf ("No certificate is trusted for %s", peer);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->forget_button), tip);
}

/* The host or port changed: does the new server have a trusted certificate? */
static void
on_peer_changed_cb (GtkWidget *widget, GchatConnectDialog *self)
{
  gchat_connect_dialog_update_forget (self);
}

/* Forget: remove the fingerprint from gchat.ini and say so on the button. */
static void
on_forget_button_clicked_cb (GtkButton *button, GchatConnectDialog *self)
{
  g_autofree char *peer = gchat_connect_dialog_peer (self);
  g_autoptr (GError) error = NULL;

  if (!gchat_config_forget_trusted (peer, &error)) {
    gchat_dialog_show_problem (self->problem_label, error->message);
    return;
  }
  gchat_connect_dialog_update_forget (self);
  gtk_button_set_label (self->forget_button, "Certificate forgotten");
}

/* Connect: validate, then hand over to the window. */
static void
on_connect_button_clicked_cb (GtkButton *button, GchatConnectDialog *self)
{
  g_autofree char *problem = NULL;

  if (!gchat_connect_dialog_validate (self, &problem)) {
    gchat_dialog_show_problem (self->problem_label, problem);
    return;
  }
  g_signal_emit (self, signals[SIG_SUBMITTED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_connect_dialog_class_init (GchatConnectDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, host_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, tls_check);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, nick_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, realname_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, account_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, register_check);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, forget_button);
  gtk_widget_class_bind_template_child (widget_class, GchatConnectDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_peer_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_forget_button_clicked_cb);

  /** GchatConnectDialog::submitted: the user pressed Connect with valid fields. */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), FALSE);
}

static void
gchat_connect_dialog_init (GchatConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ())) {
    gtk_widget_set_sensitive (GTK_WIDGET (self->tls_check), FALSE);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->tls_check),
                                 "TLS is not available: install glib-networking");
  }
}

/** gchat_connect_dialog_new: a dialog showing @config's values. */
GchatConnectDialog *
gchat_connect_dialog_new (GtkWindow *parent, const GchatConfig *config)
{
  GchatConnectDialog *self =
    g_object_new (GCHAT_TYPE_CONNECT_DIALOG, "transient-for", parent, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->host_entry), config->host ? config->host : "");
  gtk_spin_button_set_value (self->port_spin, config->port);
  gtk_check_button_set_active (self->tls_check,
                               config->tls &&
                                 gtk_widget_get_sensitive (GTK_WIDGET (self->tls_check)));
  gtk_editable_set_text (GTK_EDITABLE (self->nick_entry), config->nick ? config->nick : "");
  gtk_editable_set_text (GTK_EDITABLE (self->realname_entry),
                         config->realname ? config->realname : "");
  gtk_editable_set_text (GTK_EDITABLE (self->account_entry),
                         config->account ? config->account : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry),
                         config->password ? config->password : "");
  gchat_connect_dialog_update_forget (self);
  return self;
}
