/*
 * test-tls.c: gchat over chatd's TLS listener (started by gui.sh with a
 * fresh self-signed certificate, port in GCHAT_TEST_TLS_PORT). The first
 * connect asks whether to trust the certificate; Trust saves its
 * fingerprint and reconnects, and a message reaches a plain-TCP raw client;
 * a changed certificate is then refused in words; forgetting it from the
 * connect dialog makes the next connect ask again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gchat-application.h"
#include "gchat-config.h"
#include "gchat-connect-dialog.h"
#include "gchat-dialog.h"
#include "gchat-trust-dialog.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         erin;
static guint16           port;

/* Condition: the trust question is on screen. */
static gboolean
trust_dialog_shown (gpointer data)
{
  (void)data;
  return gui_find_toplevel (GCHAT_TYPE_TRUST_DIALOG) != NULL;
}

/* Step: trust the certificate on first use, then talk over TLS. */
static void
test_trust (void)
{
  const char      *tls_env = g_getenv ("GCHAT_TEST_TLS_PORT");
  GchatConfig     *config;
  GtkWidget       *dialog;
  GtkWidget       *trust;
  g_autofree char *peer = NULL;
  g_autofree char *fp = NULL;

  if (tls_env == NULL || *tls_env == '\0') {
    g_test_skip ("openssl is missing: no TLS listener");
    return;
  }
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ())) {
    g_test_skip ("GIO has no TLS backend (glib-networking)");
    return;
  }
  gui_raw_connect (&erin, port, "erin");
  config = g_new0 (GchatConfig, 1);
  config->host = g_strdup ("127.0.0.1");
  config->port = (guint16)atoi (tls_env);
  config->tls = TRUE;
  config->nick = g_strdup ("tess");
  window = gchat_window_new (GTK_APPLICATION (app), config);
  session = gchat_window_get_session (window);
  gtk_window_present (GTK_WINDOW (window));
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (trust_dialog_shown, NULL));
  dialog = gui_find_toplevel (GCHAT_TYPE_TRUST_DIALOG);
  peer = g_strdup_printf ("127.0.0.1:%s", tls_env);
  g_assert_cmpstr (gchat_trust_dialog_get_peer (GCHAT_TRUST_DIALOG (dialog)), ==, peer);
  /* The fingerprint is shown, selectable, as SHA-256 hex pairs. */
  {
    GtkWidget  *label = gui_find_by_id (dialog, "fingerprint_label");
    const char *shown = gtk_label_get_text (GTK_LABEL (label));

    const char *fp_now = gchat_trust_dialog_get_fingerprint (GCHAT_TRUST_DIALOG (dialog));

    /* Two halves of 16 bytes, one per line. */
    g_assert_cmpuint (strlen (fp_now), ==, 32 * 3 - 1);
    g_assert_cmpuint (strlen (shown), ==, 32 * 3 - 1);
    g_assert_cmpint (shown[16 * 3 - 1], ==, '\n');
    g_assert_cmpint (strncmp (shown, fp_now, 16 * 3 - 1), ==, 0);
    g_assert_cmpstr (shown + 16 * 3, ==, fp_now + 16 * 3);
    g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  }
  gui_screenshot ("gchat-trust.png");
  trust = gchat_dialog_response_button (ADW_MESSAGE_DIALOG (dialog), "trust");
  g_assert_nonnull (trust);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (trust)), ==, "_Trust and connect");
  g_signal_emit_by_name (trust, "clicked");
  g_assert_true (gui_wait_for (gui_is_connected, session));
  fp = gchat_config_get_trusted (peer);
  g_assert_nonnull (fp);
  gchat_connection_sendv (gchat_session_get_connection (session),
                          "PRIVMSG",
                          "erin",
                          "hello over TLS",
                          NULL);
  gui_raw_expect (&erin, ":tess!* PRIVMSG erin :hello over TLS");
}

/* Condition: the info bar says the certificate changed. */
static gboolean
changed_shown (gpointer data)
{
  const char *text = gchat_window_get_error (window);

  (void)data;
  return text != NULL && strstr (text, "changed") != NULL;
}

/* Condition: offline. */
static gboolean
is_disconnected (gpointer data)
{
  (void)data;
  return gchat_connection_get_state (gchat_session_get_connection (session)) ==
    GCHAT_CONNECTION_DISCONNECTED;
}

/* Step: a different certificate than the trusted one is refused in words. */
static void
test_changed (void)
{
  const char      *tls_env = g_getenv ("GCHAT_TEST_TLS_PORT");
  g_autofree char *peer = NULL;

  if (window == NULL || !gui_is_connected (session)) {
    g_test_skip ("no TLS connection to start from");
    return;
  }
  peer = g_strdup_printf ("127.0.0.1:%s", tls_env);
  g_assert_true (gchat_config_set_trusted (peer, "00:11:22", NULL));
  gchat_connection_quit (gchat_session_get_connection (session), "bye");
  g_assert_true (gui_wait_for (is_disconnected, NULL));
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (changed_shown, NULL));
  g_assert_null (gui_find_toplevel (GCHAT_TYPE_TRUST_DIALOG));
  g_assert_true (is_disconnected (NULL));
}

/*
 * Step: the connect dialog forgets the (changed) trusted fingerprint; its
 * button is only sensitive for a server:port with one; connecting asks again.
 */
static void
test_forget (void)
{
  const char      *tls_env = g_getenv ("GCHAT_TEST_TLS_PORT");
  g_autofree char *peer = NULL;
  GtkWidget       *dialog;
  GtkWidget       *forget;
  GtkWidget       *port_spin;
  GtkWidget       *trust;

  if (window == NULL || tls_env == NULL || !is_disconnected (NULL)) {
    g_test_skip ("no TLS window to start from");
    return;
  }
  peer = g_strdup_printf ("127.0.0.1:%s", tls_env);
  g_assert_nonnull (gchat_config_get_trusted (peer));
  gchat_window_show_connect_dialog (window);
  dialog = gui_find_toplevel (GCHAT_TYPE_CONNECT_DIALOG);
  g_assert_nonnull (dialog);
  forget = gui_find_by_id (dialog, "forget_button");
  port_spin = gui_find_by_id (dialog, "port_spin");
  g_assert_true (gtk_widget_get_sensitive (forget));
  /* Another port has nothing to forget; back to the TLS one. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (port_spin), 1);
  g_assert_false (gtk_widget_get_sensitive (forget));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (port_spin), atoi (tls_env));
  g_assert_true (gtk_widget_get_sensitive (forget));
  gui_screenshot ("gchat-forget.png");
  g_signal_emit_by_name (forget, "clicked");
  g_assert_null (gchat_config_get_trusted (peer));
  g_assert_false (gtk_widget_get_sensitive (forget));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (forget)), ==, "Certificate forgotten");
  /* Connect again from the dialog: the trust question comes back. */
  g_signal_emit_by_name (gui_find_by_id (gtk_window_get_titlebar (GTK_WINDOW (dialog)),
                                         "connect_button"),
                         "clicked");
  g_assert_true (gui_wait_for (trust_dialog_shown, NULL));
  dialog = gui_find_toplevel (GCHAT_TYPE_TRUST_DIALOG);
  trust = gchat_dialog_response_button (ADW_MESSAGE_DIALOG (dialog), "trust");
  g_signal_emit_by_name (trust, "clicked");
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_nonnull (gchat_config_get_trusted (peer));
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_test_add_func ("/tls/trust", test_trust);
  g_test_add_func ("/tls/changed", test_changed);
  g_test_add_func ("/tls/forget", test_forget);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
