/*
 * gchat-window-private.h: what the parts of GchatWindow share (see the head
 * comment of gchat-window.c): its fields, and one prototype section per
 * file for the functions another part calls.
 */
#pragma once

#include "gchat-command.h"
#include "gchat-connect-dialog.h"
#include "gchat-group-settings.h"
#include "gchat-join-dialog.h"
#include "gchat-member-list.h"
#include "gchat-message-row.h"
#include "gchat-password-dialog.h"
#include "gchat-scrollback-row.h"
#include "gchat-scrollback-view.h"
#include "gchat-server-actions.h"
#include "gchat-sidebar-row.h"
#include "gchat-trust-dialog.h"
#include "gchat-typing-indicator.h"
#include "gchat-typing-notifier.h"
#include "gchat-unregister-dialog.h"
#include "gchat-window.h"

G_BEGIN_DECLS


struct _GchatWindow
{
  AdwApplicationWindow parent_instance;

  gboolean account_fresh; /* the config's account is not handed to the connection yet */
  gboolean login_error;   /* the info bar says why logging in failed: keep it once connected */
  GtkToggleButton *sidebar_button;
  GtkLabel        *title_label;
  GtkLabel        *status_label;
  GtkToggleButton *members_button;
  GtkRevealer     *infobar_revealer;
  GtkLabel        *infobar_label;
  GtkWidget       *sidebar;
  AdwLeaflet      *leaflet; /* folds the sidebar away when narrow */
  GtkWidget       *content;
  AdwToastOverlay *toast_overlay;
  GtkListBox      *server_list;
  GtkListBox      *groups_list;
  GtkListBox      *private_list;
  GtkListBox      *contacts_list;
  GtkPopover      *add_contact_popover;
  GtkEntry        *add_contact_entry;
  GtkWidget       *topic_bar;
  GtkLabel        *topic_label;
  GtkPopover      *topic_popover;
  GtkEntry        *topic_entry;
  GtkWidget       *invite_button;
  GtkPopover      *invite_popover;
  GtkEntry        *invite_entry;
  GtkListView     *message_view;
  GtkEntry        *entry;
  GtkRevealer     *members_revealer;
  GchatMemberList *member_list;

  /* Typing notifications: who else types, and ours (NULL until _new). */
  GchatTypingIndicator *typing_indicator;
  GchatTypingNotifier  *typing;

  GchatSession       *session;
  GchatConfig        *config;
  GSimpleActionGroup *actions;
  GchatConversation  *shown;
  gulong              shown_handler;
  GtkAdjustment      *vadj;
  gboolean            stick_bottom;
  double              last_upper;
  guint               scroll_tick;
  guint               model_frames; /* frames to wait for a new model's layout, or 0 */
  gboolean            selecting;
  gboolean            completing;
  gboolean            narrow;
  gboolean            quitting;
  guint               layout_idle;
  GchatCompletion     completion;
  GPtrArray          *history;     /* lines sent from the entry, oldest first */
  guint               history_pos; /* == history->len: the line being typed */

  GchatMessage *found; /* jumped to from search or mentions: marked "found" */

  /* Earlier messages: the reading position across a load. */
  GchatScrollbackView *scrollback;
};

/* gchat-window-view.c */
void gchat_window_show_conversation (GchatWindow *self, GchatConversation *conv);
void gchat_window_view_init (GchatWindow *self);
void gchat_window_report_read (GchatWindow *self);
void gchat_window_sync_withdrawable (GchatWindow *self);
void gchat_window_view_class_init (GtkWidgetClass *widget_class);

/* gchat-window-session.c */
void gchat_window_contacts_changed (GListModel  *model,
                                    guint        pos,
                                    guint        removed,
                                    guint        added,
                                    GchatWindow *self);
void gchat_window_session_init (GchatWindow *self);
void gchat_window_session_class_init (GtkWidgetClass *widget_class);

/* gchat-window-actions.c */
void gchat_window_session_away (GObject *object, GParamSpec *pspec, GchatWindow *self);
void gchat_window_actions_init (GchatWindow *self);

G_END_DECLS
