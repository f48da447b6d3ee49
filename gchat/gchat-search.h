/* gchat-search.h: Ctrl+F, find messages; Ctrl+M, the lines that mention us. */
#pragma once

#include <adwaita.h>

#include "gchat-session.h"

G_BEGIN_DECLS

#define GCHAT_TYPE_SEARCH (gchat_search_get_type ())
G_DECLARE_FINAL_TYPE (GchatSearch, gchat_search, GCHAT, SEARCH, AdwWindow)

GchatSearch    *gchat_search_new (GtkWindow         *parent,
                                  GchatSession      *session,
                                  GchatConversation *current,
                                  gboolean           mentions);
GtkEditable    *gchat_search_get_entry (GchatSearch *self);
GListModel     *gchat_search_get_results (GchatSearch *self);
GtkCheckButton *gchat_search_get_all_check (GchatSearch *self);
GtkButton      *gchat_search_get_older_button (GchatSearch *self);
GtkListBox     *gchat_search_get_results_list (GchatSearch *self);
const char     *gchat_search_get_count (GchatSearch *self);

G_END_DECLS
