/* gchat-preferences.h: the preferences window and the style it sets. */
#pragma once

#include <adwaita.h>

#include "gchat-config.h"

G_BEGIN_DECLS

GtkWindow *gchat_preferences_new (GtkWindow *parent, GchatConfig *config);
void       gchat_preferences_apply_style (const GchatConfig *config);

G_END_DECLS
