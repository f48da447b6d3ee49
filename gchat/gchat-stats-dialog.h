/* gchat-stats-dialog.h: a player's tic-tac-toe record (TTT STATS). */
#pragma once

#include <gtk/gtk.h>

#include "gchat-server-requests.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_STATS_DIALOG (gchat_stats_dialog_get_type ())
G_DECLARE_FINAL_TYPE (GchatStatsDialog, gchat_stats_dialog, GCHAT, STATS_DIALOG, GtkWindow)

GchatStatsDialog *gchat_stats_dialog_new (GtkWindow           *parent,
                                          GchatServerRequests *requests,
                                          const char          *nick,
                                          const char          *me);
void              gchat_stats_dialog_show_player (GchatStatsDialog *self, const char *nick);
const char       *gchat_stats_dialog_get_player (GchatStatsDialog *self);
gboolean          gchat_stats_dialog_get_record (GchatStatsDialog *self,
                                                 guint            *wins,
                                                 guint            *losses,
                                                 guint            *draws);

G_END_DECLS
