/*
 * gchat-trust-dialog.c: the question gchat asks the first time a TLS server
 * shows a certificate no authority vouches for (trust on first use). It
 * shows the server and the certificate's SHA-256 fingerprint, selectable so
 * it can be copied and compared. An AdwMessageDialog: the "trust" response
 * ("Trust and connect") emits ::submitted (the window saves the fingerprint
 * and connects), "cancel" (the button, or Escape) just closes. Enter does not
 * trust: there is no default response on purpose.
 */
#include "config.h"

#include <string.h>

#include "gchat-dialog.h"
#include "gchat-trust-dialog.h"

struct _GchatTrustDialog
{
  AdwMessageDialog parent_instance;

  GtkLabel *fingerprint_label;
  char     *peer;
  char     *fingerprint;
};

G_DEFINE_FINAL_TYPE (GchatTrustDialog, gchat_trust_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum { SIG_SUBMITTED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_trust_dialog_get_peer: the server asked about, as "host:port". */
const char *
gchat_trust_dialog_get_peer (GchatTrustDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_TRUST_DIALOG (self), NULL);
  return self->peer;
}

/** gchat_trust_dialog_get_fingerprint: the certificate's SHA-256, as shown. */
const char *
gchat_trust_dialog_get_fingerprint (GchatTrustDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_TRUST_DIALOG (self), NULL);
  return self->fingerprint;
}

/* A response: "trust" tells the window, which saves and connects; the dialog closes itself. */
static void
gchat_trust_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  if (g_strcmp0 (response, "trust") == 0)
    g_signal_emit (dialog, signals[SIG_SUBMITTED], 0);
}

static void
gchat_trust_dialog_finalize (GObject *object)
{
  GchatTrustDialog *self = GCHAT_TRUST_DIALOG (object);

  g_free (self->peer);
  g_free (self->fingerprint);
  G_OBJECT_CLASS (gchat_trust_dialog_parent_class)->finalize (object);
}

static void
gchat_trust_dialog_class_init (GchatTrustDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = gchat_trust_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = gchat_trust_dialog_response;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-trust-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatTrustDialog, fingerprint_label);

  /** GchatTrustDialog::submitted: the user chose "Trust and connect". */
  signals[SIG_SUBMITTED] = gchat_dialog_submitted_signal (G_TYPE_FROM_CLASS (klass), FALSE);
}

static void
gchat_trust_dialog_init (GchatTrustDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/*
 * @fingerprint with a line break after its 16th byte ("AB:" is three
 * characters), so the 32 bytes of a SHA-256 read as two equal halves.
 */
static char *
gchat_trust_dialog_two_lines (const char *fingerprint)
{
  if (strlen (fingerprint) != 32 * 3 - 1)
    return g_strdup (fingerprint);
  return g_strdup_printf ("%.*s\n%s", 16 * 3 - 1, fingerprint, fingerprint + 16 * 3);
}

/** gchat_trust_dialog_new: ask over @parent whether to trust @fingerprint for @peer. */
GchatTrustDialog *
gchat_trust_dialog_new (GtkWindow *parent, const char *peer, const char *fingerprint)
{
  GchatTrustDialog *self = g_object_new (GCHAT_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  g_autofree char  *heading = g_strdup_printf ("Trust the certificate of %s?", peer);
  g_autofree char  *shown = NULL;

  self->peer = g_strdup (peer);
  self->fingerprint = g_strdup (fingerprint);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  shown = gchat_trust_dialog_two_lines (fingerprint);
  gtk_label_set_text (self->fingerprint_label, shown);
  return self;
}
