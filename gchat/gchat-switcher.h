/* gchat-switcher.h: Ctrl+K, go to a conversation by typing part of its name. */
#pragma once

#include <adwaita.h>

#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SWITCHER (gchat_switcher_get_type ())
G_DECLARE_FINAL_TYPE (GchatSwitcher, gchat_switcher, GCHAT, SWITCHER, AdwWindow)

GchatSwitcher *gchat_switcher_new (GtkWindow *parent, GchatSession *session);
GtkEditable   *gchat_switcher_get_entry (GchatSwitcher *self);
GListModel    *gchat_switcher_get_matches (GchatSwitcher *self);

G_END_DECLS
