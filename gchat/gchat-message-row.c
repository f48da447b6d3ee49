/*
 * gchat-message-row.c: a conversation item. Chat from others sits on the
 * left in a neutral bubble, ours on the right in the accent colour; events,
 * notes and errors are quieter full-width lines. Nicks get a colour from a
 * hash of the nick so the same person keeps the same colour. With a
 * profile (draft/metadata-2) a person's line shows their display name
 * beside the nick, their colour, and their avatar on the left.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "gchat-game-board.h"
#include "gchat-transfer-row.h"
#include "gchat-message-row.h"

struct _GchatMessageRow
{
  GtkBox parent_instance;

  AdwAvatar    *avatar;
  GtkWidget    *bubble;
  GtkWidget    *header;
  GtkLabel     *nick_label;
  GtkLabel     *time_label;
  GtkLabel     *text_label;
  GtkWidget    *actions_button; /* the message's menu: withdraw it */
  GtkWidget    *item_widget;    /* a board (or, later, a transfer) inside the bubble */
  GchatMessage *message;
  gulong        msgid_handler;
  gboolean      withdrawable; /* it may be withdrawn, once it has its msgid */
  GchatProfile *profile;      /* the sender's, or NULL */
  gulong        profile_handler;
  gboolean      chat;    /* a line someone said: it has a header */
  char         *said;    /* what the accessible label quotes */
  char         *a11y;    /* the accessible label set last */
  guint         classes; /* the kind_classes set on the row, one bit each */
};

G_DEFINE_FINAL_TYPE (GchatMessageRow, gchat_message_row, GTK_TYPE_BOX)

/* Readable on both light and dark backgrounds. */
static const char *const nick_palette[] = {
  "#1c71d8", "#c01c28", "#26a269", "#a347ba", "#c64600",
  "#2190a4", "#986a44", "#e66100", "#613583", "#0b7a75",
};

/** gchat_nick_color: the colour for @nick (a hash, stable across runs), as "#rrggbb". */
char *
gchat_nick_color (const char *nick)
{
  guint h = 5381;

  for (const char *p = nick; p != NULL && *p != '\0'; p++)
    h = h * 33 + (guchar)g_ascii_tolower (*p);
  return g_strdup (nick_palette[h % G_N_ELEMENTS (nick_palette)]);
}

static const char *const kind_classes[] = { "own",    "other",     "event",   "error",  "action",
                                            "notice", "highlight", "history", "divider" };

enum {
  ROW_OWN = 1 << 0,
  ROW_OTHER = 1 << 1,
  ROW_EVENT = 1 << 2,
  ROW_ERROR = 1 << 3,
  ROW_ACTION = 1 << 4,
  ROW_NOTICE = 1 << 5,
  ROW_HIGHLIGHT = 1 << 6,
  ROW_HISTORY = 1 << 7,
  ROW_DIVIDER = 1 << 8,
};

/*
 * Give the row the kind classes in @wanted (ROW_ bits) and no others. Only
 * the differences are toggled: each change invalidates the style of the row
 * and all it holds, and a recycled row mostly shows the same kind of line.
 */
static void
gchat_message_row_set_classes (GchatMessageRow *self, guint wanted)
{
  guint differ = self->classes ^ wanted;

  for (guint i = 0; i < G_N_ELEMENTS (kind_classes); i++) {
    if ((differ & (1u << i)) == 0)
      continue;
    if (wanted & (1u << i))
      gtk_widget_add_css_class (GTK_WIDGET (self), kind_classes[i]);
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self), kind_classes[i]);
  }
  self->classes = wanted;
}

/*
 * Show @text in @label (as markup when @markup), unless it shows just that:
 * a recycled row mostly shows the same nick and the same minute again, and
 * GtkLabel parses markup anew each time it is set.
 */
static void
gchat_message_row_set_label (GtkLabel *label, const char *text, gboolean markup)
{
  if (gtk_label_get_use_markup (label) == markup && strcmp (gtk_label_get_label (label), text) == 0)
    return;
  if (markup)
    gtk_label_set_markup (label, text);
  else
    gtk_label_set_text (label, text);
}

/* The row's accessible label, unless it says that already. */
static void
gchat_message_row_set_a11y (GchatMessageRow *self, const char *label)
{
  if (g_strcmp0 (self->a11y, label) == 0)
    return;
  g_free (self->a11y);
  self->a11y = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The menu button: shown when the message can be withdrawn (it has its msgid by now). */
static void
gchat_message_row_sync_actions (GchatMessageRow *self)
{
  gtk_widget_set_visible (self->actions_button,
                          self->withdrawable && self->message != NULL &&
                            gchat_message_get_msgid (self->message) != NULL);
}

/**
 * gchat_message_row_set_withdrawable: whether the shown message may be
 * withdrawn (ours, or we are an admin of the group, and the server can):
 * its menu offers it once the message has its id.
 */
void
gchat_message_row_set_withdrawable (GchatMessageRow *self, gboolean withdrawable)
{
  g_return_if_fail (GCHAT_IS_MESSAGE_ROW (self));
  self->withdrawable = withdrawable;
  gchat_message_row_sync_actions (self);
}

/** gchat_message_row_get_actions_button: the message's menu button (tests press it). */
GtkWidget *
gchat_message_row_get_actions_button (GchatMessageRow *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE_ROW (self), NULL);
  return self->actions_button;
}

/* A colour from a profile, if it is one ("#rrggbb"), else NULL. */
static const char *
gchat_message_row_profile_color (GchatProfile *profile)
{
  const char *c = profile != NULL ? gchat_profile_get_color (profile) : NULL;

  if (c == NULL || strlen (c) != 7 || c[0] != '#')
    return NULL;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (c[i]))
      return NULL;
  return c;
}

/*
 * The sender of a chat line: the name (the display name with the nick
 * beside it, or the nick), its colour, the avatar, and what a screen reader
 * says about the line.
 */
static void
gchat_message_row_sync_sender (GchatMessageRow *self)
{
  const char *nick = gchat_message_get_nick (self->message);
  const char *shown = self->profile != NULL ? gchat_profile_get_display_name (self->profile) : NULL;
  const char *chosen = gchat_message_row_profile_color (self->profile);
  g_autofree char *hashed = gchat_nick_color (nick);
  const char      *time = gchat_message_get_clock (self->message);
  g_autofree char *markup = NULL;
  g_autofree char *who = NULL;
  g_autofree char *a11y = NULL;
  gboolean         own = gchat_message_get_own (self->message);

  if (nick == NULL)
    nick = "";
  if (shown != NULL)
    who = g_strdup_printf ("%s (%s)", shown, nick);
  if (own && shown == NULL)
    markup = g_markup_printf_escaped ("<b>%s</b>", nick);
  else if (own)
    markup = g_markup_printf_escaped ("<b>%s</b> <small>%s</small>", shown, nick);
  else if (shown == NULL)
    markup = g_markup_printf_escaped ("<b><span foreground=\"%s\">%s</span></b>",
                                      chosen ? chosen : hashed,
                                      nick);
  else
    markup = g_markup_printf_escaped ("<b><span foreground=\"%s\">%s</span></b> <small>%s</small>",
                                      chosen ? chosen : hashed,
                                      shown,
                                      nick);
  gchat_message_row_set_label (self->nick_label, markup, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->avatar), !own);
  adw_avatar_set_text (self->avatar, shown != NULL ? shown : nick);
  adw_avatar_set_custom_image (self->avatar,
                               self->profile != NULL
                                 ? GDK_PAINTABLE (gchat_profile_get_picture (self->profile))
                                 : NULL);
  /* Dimming is not heard: say that a loaded line is from earlier. */
  a11y = g_strdup_printf ("%s%s%s at %s: %s",
                          gchat_message_get_history (self->message) ? "Earlier: " : "",
                          own ? "You, " : "",
                          who != NULL ? who : nick,
                          time,
                          self->said != NULL ? self->said : "");
  gchat_message_row_set_a11y (self, a11y);
}

/* The sender's profile changed: show the new name, colour or picture. */
static void
gchat_message_row_profile_changed (GchatMessageRow *self)
{
  if (self->chat && self->message != NULL)
    gchat_message_row_sync_sender (self);
}

/* Follow @profile (or none) while the row shows its sender's line. */
static void
gchat_message_row_follow_profile (GchatMessageRow *self, GchatProfile *profile)
{
  if (profile == self->profile)
    return;
  if (self->profile != NULL)
    g_clear_signal_handler (&self->profile_handler, self->profile);
  g_clear_object (&self->profile);
  if (profile != NULL) {
    self->profile = g_object_ref (profile);
    self->profile_handler =
      g_signal_connect_swapped (profile,
                                "notify",
                                G_CALLBACK (gchat_message_row_profile_changed),
                                self);
  }
}

/** gchat_message_row_get_avatar: the avatar shown beside someone else's line (tests look at it). */
AdwAvatar *
gchat_message_row_get_avatar (GchatMessageRow *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE_ROW (self), NULL);
  return self->avatar;
}

/**
 * gchat_message_row_set_message: show @message (rows are recycled by the
 * list view), its sender as @profile says (NULL: the nick alone), followed
 * while the row shows it.
 */
void
gchat_message_row_set_message (GchatMessageRow *self, GchatMessage *message, GchatProfile *profile)
{
  GchatMessageKind kind = gchat_message_get_kind (message);
  const char      *nick = gchat_message_get_nick (message);
  const char      *text = gchat_message_get_text (message);
  const char      *time = gchat_message_get_clock (message);
  g_autofree char *a11y = NULL;
  gboolean         own = gchat_message_get_own (message);
  guint            classes = gchat_message_get_history (message) ? ROW_HISTORY : 0;

  gchat_message_row_follow_profile (self, profile);
  self->chat = FALSE;
  if (self->message != NULL)
    g_clear_signal_handler (&self->msgid_handler, self->message);
  g_set_object (&self->message, message);
  self->msgid_handler = g_signal_connect_swapped (message,
                                                  "notify::msgid",
                                                  G_CALLBACK (gchat_message_row_sync_actions),
                                                  self);
  self->withdrawable = FALSE;
  gchat_message_row_sync_actions (self);
  if (self->item_widget != NULL) {
    gtk_box_remove (GTK_BOX (self->bubble), self->item_widget);
    self->item_widget = NULL;
  }
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self->text_label), FALSE); /* a recycled row */
  gchat_message_row_set_label (self->time_label, time, FALSE);
  gtk_label_set_xalign (self->text_label, 0);
  if (gchat_message_get_divider (message)) {
    /* A quiet centred rule under the loaded history; no time of its own. */
    gchat_message_row_set_classes (self, classes | ROW_DIVIDER);
    gtk_widget_set_visible (GTK_WIDGET (self->avatar), FALSE);
    gtk_widget_set_visible (self->header, FALSE);
    gtk_widget_set_halign (self->bubble, GTK_ALIGN_FILL);
    gtk_widget_set_hexpand (self->bubble, TRUE);
    gtk_label_set_xalign (self->text_label, 0.5);
    gchat_message_row_set_label (self->text_label, text, FALSE);
    gchat_message_row_set_a11y (self, text);
    return;
  }
  switch (kind) {
    case GCHAT_MESSAGE_EVENT:
    case GCHAT_MESSAGE_INFO:
    case GCHAT_MESSAGE_ERROR: {
      g_autofree char *line = g_strdup_printf ("%s  %s", time, text);

      gchat_message_row_set_classes (self,
                                     classes |
                                       (kind == GCHAT_MESSAGE_ERROR ? ROW_ERROR : ROW_EVENT));
      gtk_widget_set_visible (GTK_WIDGET (self->avatar), FALSE);
      gtk_widget_set_visible (self->header, FALSE);
      gtk_widget_set_halign (self->bubble, GTK_ALIGN_FILL);
      gtk_widget_set_hexpand (self->bubble, TRUE);
      gchat_message_row_set_label (self->text_label, line, FALSE);
      a11y = g_strdup (line);
      break;
    }
    case GCHAT_MESSAGE_ACTION:
    case GCHAT_MESSAGE_TEXT:
    case GCHAT_MESSAGE_NOTICE:
    case GCHAT_MESSAGE_ITEM:
    default:
      classes |= own ? ROW_OWN : ROW_OTHER;
      if (kind == GCHAT_MESSAGE_ACTION)
        classes |= ROW_ACTION;
      if (kind == GCHAT_MESSAGE_NOTICE)
        classes |= ROW_NOTICE;
      if (gchat_message_get_highlight (message))
        classes |= ROW_HIGHLIGHT;
      gchat_message_row_set_classes (self, classes);
      gtk_widget_set_visible (self->header, TRUE);
      /* Expand so that halign can push our own bubble to the right edge. */
      gtk_widget_set_hexpand (self->bubble, TRUE);
      gtk_widget_set_halign (self->bubble, own ? GTK_ALIGN_END : GTK_ALIGN_START);
      gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
      if (kind == GCHAT_MESSAGE_ACTION) {
        g_autofree char *line = g_strdup_printf ("%s %s", nick != NULL ? nick : "", text);

        gchat_message_row_set_label (self->text_label, line, FALSE);
      } else if (kind == GCHAT_MESSAGE_ITEM && GCHAT_IS_GAME (gchat_message_get_item (message))) {
        self->item_widget = gchat_game_board_new (GCHAT_GAME (gchat_message_get_item (message)));
        gtk_box_append (GTK_BOX (self->bubble), self->item_widget);
        gtk_widget_set_visible (GTK_WIDGET (self->text_label), FALSE);
        text = "Tic-tac-toe";
        gchat_message_row_set_label (self->text_label, text, FALSE);
      } else if (kind == GCHAT_MESSAGE_ITEM &&
                 GCHAT_IS_TRANSFER (gchat_message_get_item (message))) {
        self->item_widget =
          gchat_transfer_row_new (GCHAT_TRANSFER (gchat_message_get_item (message)));
        gtk_box_append (GTK_BOX (self->bubble), self->item_widget);
        gtk_widget_set_visible (GTK_WIDGET (self->text_label), FALSE);
        text = gchat_transfer_get_name (GCHAT_TRANSFER (gchat_message_get_item (message)));
        gchat_message_row_set_label (self->text_label, text, FALSE);
      } else if (kind == GCHAT_MESSAGE_ITEM) {
        gchat_message_row_set_label (self->text_label,
                                     "(an item this version of gchat cannot show)",
                                     FALSE);
      } else {
        const char *links = gchat_message_get_links (message);

        /*
         * Addresses are links (activate-link opens them); the rest stays
         * plain. Only a line with links takes the focus, so Tab reaches
         * its links (Enter opens one) without stopping at every line.
         */
        gchat_message_row_set_label (self->text_label, links != NULL ? links : text, links != NULL);
        gtk_widget_set_focusable (GTK_WIDGET (self->text_label), links != NULL);
      }
      self->chat = TRUE;
      g_free (self->said);
      self->said = g_strdup (text);
      gchat_message_row_sync_sender (self);
      return;
  }
  gchat_message_row_set_a11y (self, a11y);
}

/* A link in a message: open it with the desktop's handler (gtk_show_uri: GTK 4.8). */
static gboolean
on_activate_link (GtkLabel *label, const char *uri, GchatMessageRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (label));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

/** gchat_message_row_get_message: the item shown. */
GchatMessage *
gchat_message_row_get_message (GchatMessageRow *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

/** gchat_message_row_get_item_widget: the widget shown for an item (a game board), or NULL. */
GtkWidget *
gchat_message_row_get_item_widget (GchatMessageRow *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE_ROW (self), NULL);
  return self->item_widget;
}

/** gchat_message_row_get_text: the text label's contents (tests read it). */
const char *
gchat_message_row_get_text (GchatMessageRow *self)
{
  g_return_val_if_fail (GCHAT_IS_MESSAGE_ROW (self), NULL);
  return gtk_label_get_text (self->text_label);
}

static void
gchat_message_row_dispose (GObject *object)
{
  GchatMessageRow *self = GCHAT_MESSAGE_ROW (object);

  if (self->message != NULL)
    g_clear_signal_handler (&self->msgid_handler, self->message);
  g_clear_object (&self->message);
  gchat_message_row_follow_profile (self, NULL);
  g_clear_pointer (&self->said, g_free);
  g_clear_pointer (&self->a11y, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_MESSAGE_ROW);
  G_OBJECT_CLASS (gchat_message_row_parent_class)->dispose (object);
}

/* row.withdraw: the window asks first (chat.withdraw-message). */
static void
gchat_message_row_withdraw (GtkWidget *widget, const char *action_name, GVariant *param)
{
  GchatMessageRow *self = GCHAT_MESSAGE_ROW (widget);
  const char      *msgid = self->message != NULL ? gchat_message_get_msgid (self->message) : NULL;

  if (msgid != NULL)
    gtk_widget_activate_action (widget, "chat.withdraw-message", "s", msgid);
}

/* A right click on a message (outside its selectable text) opens its menu, when it has one. */
static void
on_secondary_pressed (GtkGestureClick *gesture, int n, double x, double y, GchatMessageRow *self)
{
  if (!gtk_widget_get_visible (self->actions_button))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->actions_button));
}

static void
gchat_message_row_class_init (GchatMessageRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gchat_message_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, header);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, nick_label);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, GchatMessageRow, actions_button);
  gtk_widget_class_install_action (widget_class, "row.withdraw", NULL, gchat_message_row_withdraw);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST_ITEM);
}

/* Put the cursor at the start of the first address of the text, if any. */
static gboolean
text_cursor_to_link (gpointer data)
{
  static const char *const starts[] = { "https://", "http://", "www." };
  GtkLabel                *label = data;
  const char              *text = gtk_label_get_text (label);
  const char              *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (starts); i++) {
    const char *at = strstr (text, starts[i]);

    if (at != NULL && (first == NULL || at < first))
      first = at;
  }
  if (first != NULL && gtk_widget_has_focus (GTK_WIDGET (label))) {
    int offset = (int)g_utf8_pointer_to_offset (text, first);

    gtk_label_select_region (label, offset, offset);
  }
  return G_SOURCE_REMOVE;
}

/*
 * The keyboard reached a line with links. A selectable label selects all
 * of itself once focused, and then Tab leaves and Enter opens nothing: on
 * the next turn of the loop, put the cursor in the first address instead,
 * so Enter opens it and Tab goes on to the next.
 */
static void
on_text_focus_enter (GtkEventControllerFocus *focus, GchatMessageRow *self)
{
  if (gtk_widget_get_focusable (GTK_WIDGET (self->text_label)))
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE,
                     text_cursor_to_link,
                     g_object_ref (self->text_label),
                     g_object_unref);
}

static void
gchat_message_row_init (GchatMessageRow *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture         *click = gtk_gesture_click_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self->text_label, "activate-link", G_CALLBACK (on_activate_link), self);
  g_signal_connect (focus, "enter", G_CALLBACK (on_text_focus_enter), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_label), focus);
}

/** gchat_message_row_new: an empty row for the list view's factory. */
GtkWidget *
gchat_message_row_new (void)
{
  return g_object_new (GCHAT_TYPE_MESSAGE_ROW, NULL);
}
