/*
 * gchat-application.c: the application object. It registers the bundled
 * resources and the style sheet, parses the command line options that
 * pre-fill (and optionally submit) the connect dialog, and opens the window.
 */
#include "config.h"

#include <stdlib.h>

#include "gchat-application.h"
#include "gchat-resources.h"
#include "gchat-preferences.h"
#include "gchat-window.h"

struct _GchatApplication
{
  AdwApplication parent_instance;

  char    *host;
  int      port;
  char    *nick;
  gboolean connect;
};

G_DEFINE_FINAL_TYPE (GchatApplication, gchat_application, ADW_TYPE_APPLICATION)

/** gchat_application_register_resources: make the .ui and .css files available (once). */
void
gchat_application_register_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gchat_register_resource ();
    g_once_init_leave (&done, 1);
  }
}

/*
 * app.quit: close every window as its close button would, so a connected
 * window says QUIT before it goes; the application ends with the last one.
 */
static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  GList          *windows = g_list_copy (gtk_application_get_windows (app));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

/* app.about: who made this and under which name. */
static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  adw_about_window_set_application_name (about, "gchat");
  adw_about_window_set_application_icon (about, GCHAT_APPLICATION_ID);
  adw_about_window_set_version (about, VERSION);
  adw_about_window_set_comments (about, "A desktop client for chatd");
  adw_about_window_set_license_type (about, GTK_LICENSE_MIT_X11);
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
};

static void
gchat_application_startup (GApplication *app)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const join_accels[] = { "<Control>j", NULL };
  static const char *const prefs_accels[] = { "<Control>comma", NULL };
  static const char *const switch_accels[] = { "<Control>k", NULL };
  static const char *const unread_accels[] = { "<Alt>Home", NULL };
  static const char *const search_accels[] = { "<Control>f", NULL };
  static const char *const mentions_accels[] = { "<Control>m", NULL };

  /* Before GtkApplication's startup, which looks for gtk/help-overlay.ui. */
  gchat_application_register_resources ();
  G_APPLICATION_CLASS (gchat_application_parent_class)->startup (app);
  gtk_css_provider_load_from_resource (css, "/org/chatd/Gchat/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "chat.join-dialog", join_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "chat.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "chat.jump-unread", unread_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "chat.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "chat.mentions", mentions_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                         "chat.switch-conversation",
                                         switch_accels);
}

/* Show the window; connect at once when the options or the settings ask for it. */
static void
gchat_application_activate (GApplication *app)
{
  GchatApplication *self = GCHAT_APPLICATION (app);
  GtkWindow        *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GchatConfig      *config;

  if (window != NULL) {
    gtk_window_present (window);
    return;
  }
  config = gchat_config_load ();
  gchat_preferences_apply_style (config);
  if (self->host != NULL) {
    g_free (config->host);
    config->host = g_strdup (self->host);
  }
  if (self->port > 0 && self->port < 65536)
    config->port = (guint16)self->port;
  if (self->nick != NULL) {
    g_free (config->nick);
    config->nick = g_strdup (self->nick);
  }
  window = GTK_WINDOW (gchat_window_new (GTK_APPLICATION (app), config));
  gtk_window_present (window);
  if (self->connect || config->autoconnect)
    gchat_window_connect (GCHAT_WINDOW (window));
  else
    gchat_window_show_connect_dialog (GCHAT_WINDOW (window));
}

static void
gchat_application_finalize (GObject *object)
{
  GchatApplication *self = GCHAT_APPLICATION (object);

  g_free (self->host);
  g_free (self->nick);
  G_OBJECT_CLASS (gchat_application_parent_class)->finalize (object);
}

static void
gchat_application_class_init (GchatApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = gchat_application_finalize;
  app_class->startup = gchat_application_startup;
  app_class->activate = gchat_application_activate;
}

static void
gchat_application_init (GchatApplication *self)
{
  const GOptionEntry options[] = {
    { "host", 'H', 0, G_OPTION_ARG_STRING, &self->host, "Server to connect to", "HOST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &self->port, "Port of the server", "PORT" },
    { "nick", 'n', 0, G_OPTION_ARG_STRING, &self->nick, "Nick to use", "NICK" },
    { "connect", 'c', 0, G_OPTION_ARG_NONE, &self->connect, "Connect without asking", NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/** gchat_application_new: the application; tests pass G_APPLICATION_NON_UNIQUE. */
GchatApplication *
gchat_application_new (GApplicationFlags flags)
{
  return g_object_new (GCHAT_TYPE_APPLICATION,
                       "application-id",
                       GCHAT_APPLICATION_ID,
                       "flags",
                       flags,
                       NULL);
}
