/*
 * gchat-group-settings.h: the "Group settings" window of one group: its
 * topic and modes, its ban list and its permanent admins, editable by
 * admins (and the owner), read-only for everyone else.
 */
#pragma once

#include <gtk/gtk.h>

#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_GROUP_SETTINGS (gchat_group_settings_get_type ())
G_DECLARE_FINAL_TYPE (GchatGroupSettings, gchat_group_settings, GCHAT, GROUP_SETTINGS, GtkWindow)

GchatGroupSettings *gchat_group_settings_new (GtkWindow         *parent,
                                              GchatSession      *session,
                                              GchatConversation *conv);
GchatConversation  *gchat_group_settings_get_conversation (GchatGroupSettings *self);
void                gchat_group_settings_show_page (GchatGroupSettings *self, const char *name);

G_END_DECLS
