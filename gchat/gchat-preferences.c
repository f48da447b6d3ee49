/*
 * gchat-preferences.c: the preferences window (AdwPreferencesWindow). The
 * style follows the system (AdwStyleManager's default scheme) unless the
 * "Dark style" switch forces dark; the choice is saved with the settings.
 * Built in code: one page, one switch so far (typing notifications stay a
 * stateful action in the main menu, where the typing notifier owns them).
 */
#include "config.h"

#include "gchat-preferences.h"

/** gchat_preferences_apply_style: follow the system, or force dark when the settings say so. */
void
gchat_preferences_apply_style (const GchatConfig *config)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      config->dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                   : ADW_COLOR_SCHEME_DEFAULT);
}

/* Save the settings; a failure is only logged: the choice holds for this run. */
static void
preferences_save (GchatConfig *config)
{
  g_autoptr (GError) error = NULL;

  if (!gchat_config_save (config, &error))
    g_message ("cannot save the settings: %s", error->message);
}

/* The dark style switch moved. */
static void
on_dark_active (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GchatConfig *config = user_data;

  config->dark = gtk_switch_get_active (GTK_SWITCH (object));
  gchat_preferences_apply_style (config);
  preferences_save (config);
}

/* A row with a switch: the row's title is the switch's accessible name. */
static GtkSwitch *
preferences_switch_row (AdwPreferencesGroup *group,
                        const char          *title,
                        const char          *subtitle,
                        gboolean             active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (group, row);
  return GTK_SWITCH (sw);
}

/**
 * gchat_preferences_new: the preferences window for @config (borrowed: it
 * lives as long as the main window, which is @parent).
 */
GtkWindow *
gchat_preferences_new (GtkWindow *parent, GchatConfig *config)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *look = adw_preferences_group_new ();
  GtkSwitch *sw;

  gtk_window_set_title (GTK_WINDOW (window), "Preferences");
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), "General");
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (look), "Appearance");
  sw = preferences_switch_row (ADW_PREFERENCES_GROUP (look),
                               "Dark style",
                               "Off: follow the system",
                               config->dark);
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_dark_active), config);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (look));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  return GTK_WINDOW (window);
}
