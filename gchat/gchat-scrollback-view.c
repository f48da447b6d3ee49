/*
 * gchat-scrollback-view.c: what the message view does for earlier
 * messages. Its model is the conversation's messages under one header item
 * (the conversation itself, shown as a GchatScrollbackRow). When older
 * lines go in above, the message the user was reading must stay where it
 * was: GTK 4.8 has no scroll-to-item, and its list view keeps the top item
 * in place, so we remember the topmost message row and its height on
 * screen, and after the rows are allocated move the adjustment by how far
 * that row went (first by the growth of the content, when the row is off
 * screen, then exactly).
 */
#include "config.h"

#include <math.h>

#include "gchat-message-row.h"
#include "gchat-scrollback-view.h"

/* Frames to settle the position in: rows are measured as they show. */
#define KEEP_FRAMES_MAX 12

struct _GchatScrollbackView
{
  GtkListView            *view;
  GtkAdjustment          *vadj;
  GchatMessage           *anchor; /* the topmost message on screen when loading began */
  double                  anchor_y;
  double                  upper; /* the content's height then */
  guint                   tick;
  guint                   frames;
  gboolean                coarse; /* moved by the content's growth already */
  guint                   load_tick;
  guint                   load_frames;
  GchatScrollbackViewFunc load;
  gpointer                load_data;
};

/**
 * gchat_scrollback_view_model_new: the view's model for @conv: a header
 * item (the conversation; not for the server log) and then its messages.
 */
GListModel *
gchat_scrollback_view_model_new (GchatConversation *conv)
{
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr (GListStore) head = g_list_store_new (GCHAT_TYPE_CONVERSATION);

  if (gchat_conversation_get_kind (conv) != GCHAT_CONVERSATION_SERVER)
    g_list_store_append (head, conv);
  g_list_store_append (parts, head);
  g_list_store_append (parts, gchat_conversation_get_messages (conv));
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
}

/** gchat_scrollback_view_new: keep @view's reading position across loads. */
GchatScrollbackView *
gchat_scrollback_view_new (GtkListView *view)
{
  GchatScrollbackView *self = g_new0 (GchatScrollbackView, 1);

  self->view = view;
  self->vadj = g_object_ref (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)));
  return self;
}

/** gchat_scrollback_view_free: stop and free. */
void
gchat_scrollback_view_free (GchatScrollbackView *self)
{
  if (self == NULL)
    return;
  gchat_scrollback_view_cancel (self);
  if (self->load_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->view), self->load_tick);
  g_clear_object (&self->vadj);
  g_free (self);
}

/** gchat_scrollback_view_at_top: scrolled to the very top of content taller than the view. */
gboolean
gchat_scrollback_view_at_top (GchatScrollbackView *self)
{
  double lower = gtk_adjustment_get_lower (self->vadj);

  return gtk_adjustment_get_value (self->vadj) - lower < 1.0 &&
    gtk_adjustment_get_upper (self->vadj) - lower > gtk_adjustment_get_page_size (self->vadj) + 1.0;
}

/* The message row showing @msg (or, without @msg, the topmost one on screen) and its y. */
static GchatMessageRow *
gchat_scrollback_view_find (GchatScrollbackView *self, GchatMessage *msg, double *y)
{
  GchatMessageRow *best = NULL;
  double           best_y = 0;
  double           height = gtk_widget_get_height (GTK_WIDGET (self->view));

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->view)); item != NULL;
       item = gtk_widget_get_next_sibling (item)) {
    GtkWidget       *row = gtk_widget_get_first_child (item);
    graphene_point_t p;

    if (!GCHAT_IS_MESSAGE_ROW (row) || !gtk_widget_get_mapped (row) ||
        !gtk_widget_compute_point (row, GTK_WIDGET (self->view), &GRAPHENE_POINT_INIT (0, 0), &p))
      continue;
    if (msg != NULL) {
      if (gchat_message_row_get_message (GCHAT_MESSAGE_ROW (row)) == msg) {
        *y = p.y;
        return GCHAT_MESSAGE_ROW (row);
      }
      continue;
    }
    /* On screen, at least in part; the highest such. */
    if (p.y + gtk_widget_get_height (row) > 0 && p.y < height && (best == NULL || p.y < best_y)) {
      best = GCHAT_MESSAGE_ROW (row);
      best_y = p.y;
    }
  }
  *y = best_y;
  return best;
}

/** gchat_scrollback_view_remember: note the message read at the top as loading starts. */
void
gchat_scrollback_view_remember (GchatScrollbackView *self)
{
  GchatMessageRow *row;

  gchat_scrollback_view_cancel (self);
  row = gchat_scrollback_view_find (self, NULL, &self->anchor_y);
  if (row == NULL)
    return;
  g_set_object (&self->anchor, gchat_message_row_get_message (row));
  self->upper = gtk_adjustment_get_upper (self->vadj);
}

/* Frame tick: move the remembered message back to where it was, until it stays. */
static gboolean
keep_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  GchatScrollbackView *self = user_data;
  double               y = 0;
  double               value = gtk_adjustment_get_value (self->vadj);

  self->frames++;
  if (gchat_scrollback_view_find (self, self->anchor, &y) != NULL) {
    /* The first tick comes before the layout of the new lines: not yet. */
    if (fabs (y - self->anchor_y) < 1.0 && self->frames >= 2) {
      self->tick = 0;
      gchat_scrollback_view_cancel (self);
      return G_SOURCE_REMOVE;
    }
    gtk_adjustment_set_value (self->vadj, value + y - self->anchor_y);
  } else if (!self->coarse) {
    /* Off screen: the lines went in above it; move by what they added. */
    self->coarse = TRUE;
    gtk_adjustment_set_value (self->vadj,
                              value + gtk_adjustment_get_upper (self->vadj) - self->upper);
  }
  if (self->frames >= KEEP_FRAMES_MAX) {
    self->tick = 0;
    gchat_scrollback_view_cancel (self);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/** gchat_scrollback_view_restore: the lines are in: bring the remembered message back. */
void
gchat_scrollback_view_restore (GchatScrollbackView *self)
{
  if (self->anchor == NULL || self->tick != 0)
    return;
  self->frames = 0;
  self->coarse = FALSE;
  self->tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->view), keep_tick, self, NULL);
}

/* Frame tick: the rows are laid out for the new scroll position: load if still at the top. */
static gboolean
load_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  GchatScrollbackView *self = user_data;

  /* Ticks come before the frame's layout: the second sees the first's. */
  if (++self->load_frames < 2)
    return G_SOURCE_CONTINUE;
  self->load_tick = 0;
  if (gchat_scrollback_view_at_top (self) && self->anchor == NULL)
    self->load (self->load_data);
  return G_SOURCE_REMOVE;
}

/**
 * gchat_scrollback_view_load_later: the view reached the top: call @load
 * once the rows are laid out there, so that the message remembered as
 * read is the one on screen now, not before the scroll.
 */
void
gchat_scrollback_view_load_later (GchatScrollbackView    *self,
                                  GchatScrollbackViewFunc load,
                                  gpointer                data)
{
  self->load = load;
  self->load_data = data;
  if (self->load_tick != 0)
    return;
  self->load_frames = 0;
  self->load_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->view), load_tick, self, NULL);
}

/** gchat_scrollback_view_cancel: forget the position (another conversation is shown). */
void
gchat_scrollback_view_cancel (GchatScrollbackView *self)
{
  if (self->tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->view), self->tick);
  self->tick = 0;
  if (self->load_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->view), self->load_tick);
  self->load_tick = 0;
  g_clear_object (&self->anchor);
}

/** gchat_scrollback_view_busy: a position is remembered or being restored. */
gboolean
gchat_scrollback_view_busy (GchatScrollbackView *self)
{
  return self->anchor != NULL;
}
