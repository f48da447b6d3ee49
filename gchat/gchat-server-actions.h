/*
 * gchat-server-actions.h: the window's "server." actions (operator
 * commands, game statistics, server information) and the dialogs they open.
 */
#pragma once

#include <gtk/gtk.h>

#include "gchat-session.h"

G_BEGIN_DECLS

void          gchat_server_actions_install (GtkWindow *window, GchatSession *session);
GActionGroup *gchat_server_actions_get (GtkWindow *window);

G_END_DECLS
