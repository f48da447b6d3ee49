/*
 * gchat-stats-dialog.c: wins, losses and draws of one player, asked for
 * with TTT STATS when the dialog opens or another name is looked up. The
 * numbers come from GchatServerRequests::stats, so the answer never shows
 * up as text in the server tab.
 */
#include "config.h"

#include <string.h>

#include "chat.h"
#include "gchat-dialog.h"
#include "gchat-stats-dialog.h"

struct _GchatStatsDialog
{
  GtkWindow parent_instance;

  GtkLabel            *heading_label;
  GtkLabel            *wins_label;
  GtkLabel            *losses_label;
  GtkLabel            *draws_label;
  GtkLabel            *played_label;
  GtkLabel            *status_label;
  GtkEntry            *player_entry;
  GchatServerRequests *requests;
  gulong               stats_handler;
  char                *player; /* whose record is shown */
  char                *me;
  gboolean             known;
};

G_DEFINE_FINAL_TYPE (GchatStatsDialog, gchat_stats_dialog, GTK_TYPE_WINDOW)

/* Show the record we know for the player, or dashes. */
static void
gchat_stats_dialog_sync (GchatStatsDialog *self)
{
  guint            w = 0, l = 0, d = 0;
  g_autofree char *heading = NULL;
  g_autofree char *played = NULL;
  char             num[3][16];

  self->known = gchat_server_requests_lookup_stats (self->requests, self->player, &w, &l, &d);
  if (self->me != NULL && chat_casecmp (self->player, self->me) == 0)
    heading = g_strdup_printf ("Your games (%s)", self->player);
  else
    heading = g_strdup_printf ("Games of %s", self->player);
  gtk_label_set_text (self->heading_label, heading);
  g_snprintf (num[0], sizeof num[0], "%u", w);
  g_snprintf (num[1], sizeof num[1], "%u", l);
  g_snprintf (num[2], sizeof num[2], "%u", d);
  gtk_label_set_text (self->wins_label, self->known ? num[0] : "–");
  gtk_label_set_text (self->losses_label, self->known ? num[1] : "–");
  gtk_label_set_text (self->draws_label, self->known ? num[2] : "–");
  if (self->known)
    played = g_strdup_printf (w + l + d == 1 ? "%u game finished" : "%u games finished", w + l + d);
  gtk_label_set_text (self->played_label, played != NULL ? played : "");
}

/* A STATS answer (or its error) arrived: show it if it is about our player. */
static void
on_stats (GchatServerRequests *requests,
          const char          *nick,
          const char          *error,
          GchatStatsDialog    *self)
{
  if (nick == NULL || chat_casecmp (nick, self->player) != 0)
    return;
  gchat_stats_dialog_sync (self);
  if (error != NULL) {
    g_autofree char *text = g_strdup_printf ("No record: %s", error);

    gchat_dialog_show_problem (self->status_label, text);
  } else {
    gchat_dialog_show_problem (self->status_label, NULL);
  }
}

/** gchat_stats_dialog_show_player: ask the server for @nick's record and show it. */
void
gchat_stats_dialog_show_player (GchatStatsDialog *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_STATS_DIALOG (self));
  g_free (self->player);
  self->player = g_strdup (nick);
  gchat_stats_dialog_sync (self);
  gchat_dialog_show_problem (self->status_label, "Asking the server…");
  gchat_server_requests_stats (self->requests,
                               self->me != NULL && chat_casecmp (nick, self->me) == 0 ? NULL
                                                                                      : nick);
}

/** gchat_stats_dialog_get_player: whose record is shown. */
const char *
gchat_stats_dialog_get_player (GchatStatsDialog *self)
{
  g_return_val_if_fail (GCHAT_IS_STATS_DIALOG (self), NULL);
  return self->player;
}

/** gchat_stats_dialog_get_record: the numbers shown, read back from the labels (tests). */
gboolean
gchat_stats_dialog_get_record (GchatStatsDialog *self, guint *wins, guint *losses, guint *draws)
{
  g_return_val_if_fail (GCHAT_IS_STATS_DIALOG (self), FALSE);
  if (!self->known)
    return FALSE;
  *wins = (guint)g_ascii_strtoull (gtk_label_get_text (self->wins_label), NULL, 10);
  *losses = (guint)g_ascii_strtoull (gtk_label_get_text (self->losses_label), NULL, 10);
  *draws = (guint)g_ascii_strtoull (gtk_label_get_text (self->draws_label), NULL, 10);
  return TRUE;
}

/* Look up: the record of the nick typed in the entry. */
static void
on_lookup_cb (GtkWidget *widget, GchatStatsDialog *self)
{
  g_autofree char *nick =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->player_entry))));

  if (*nick == '\0' || strchr (nick, ' ') != NULL) {
    gchat_dialog_show_problem (self->status_label, "Type one nick or account name.");
    return;
  }
  gchat_stats_dialog_show_player (self, nick);
}

/* Close. */
static void
on_close_button_clicked_cb (GtkButton *button, GchatStatsDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
gchat_stats_dialog_dispose (GObject *object)
{
  GchatStatsDialog *self = GCHAT_STATS_DIALOG (object);

  if (self->requests != NULL)
    g_clear_signal_handler (&self->stats_handler, self->requests);
  g_clear_object (&self->requests);
  g_clear_pointer (&self->player, g_free);
  g_clear_pointer (&self->me, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_STATS_DIALOG);
  G_OBJECT_CLASS (gchat_stats_dialog_parent_class)->dispose (object);
}

static void
gchat_stats_dialog_class_init (GchatStatsDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_stats_dialog_dispose;
  gchat_dialog_class_setup (widget_class, "/org/chatd/Gchat/gchat-stats-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, wins_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, losses_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, draws_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, played_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, GchatStatsDialog, player_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_lookup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_close_button_clicked_cb);
}

static void
gchat_stats_dialog_init (GchatStatsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * gchat_stats_dialog_new: a dialog over @parent showing @nick's record
 * (NULL: ours, @me), asked for through @requests at once.
 */
GchatStatsDialog *
gchat_stats_dialog_new (GtkWindow           *parent,
                        GchatServerRequests *requests,
                        const char          *nick,
                        const char          *me)
{
  GchatStatsDialog *self = g_object_new (GCHAT_TYPE_STATS_DIALOG, "transient-for", parent, NULL);

  self->requests = g_object_ref (requests);
  self->me = g_strdup (me);
  self->stats_handler = g_signal_connect (requests, "stats", G_CALLBACK (on_stats), self);
  gchat_stats_dialog_show_player (self, nick != NULL ? nick : me != NULL ? me : "*");
  return self;
}
