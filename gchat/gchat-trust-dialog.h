/* gchat-trust-dialog.h: trust a TLS server's unknown certificate, or not. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_TRUST_DIALOG (gchat_trust_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatTrustDialog, gchat_trust_dialog, GCHAT, TRUST_DIALOG, AdwMessageDialog)

GchatTrustDialog *gchat_trust_dialog_new (GtkWindow  *parent,
                                          const char *peer,
                                          const char *fingerprint);
const char       *gchat_trust_dialog_get_peer (GchatTrustDialog *self);
const char       *gchat_trust_dialog_get_fingerprint (GchatTrustDialog *self);

G_END_DECLS
