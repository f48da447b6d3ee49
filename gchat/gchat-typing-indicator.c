/*
 * gchat-typing-indicator.c: one quiet line between the message list and
 * the entry that says who is typing in the shown conversation. It follows
 * a GchatTyping's text; the line keeps its height while empty so that the
 * messages do not jump each time someone starts or stops typing.
 */
#include "config.h"

#include "gchat-typing-indicator.h"

struct _GchatTypingIndicator
{
  GtkWidget parent_instance;

  GtkLabel    *label;
  GchatTyping *typing;
  gulong       handler;
};

G_DEFINE_FINAL_TYPE (GchatTypingIndicator, gchat_typing_indicator, GTK_TYPE_WIDGET)

/* Show the typing text; hide the label (also from screen readers) when there is none. */
static void
gchat_typing_indicator_sync (GchatTypingIndicator *self)
{
  const char *text = self->typing != NULL ? gchat_typing_get_text (self->typing) : "";

  gtk_label_set_text (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->label), *text != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text,
                                  -1);
}

/* The typing text changed. */
static void
on_typing_text (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  gchat_typing_indicator_sync (user_data);
}

/** gchat_typing_indicator_set_typing: follow @typing (the shown conversation's), or nothing. */
void
gchat_typing_indicator_set_typing (GchatTypingIndicator *self, GchatTyping *typing)
{
  g_return_if_fail (GCHAT_IS_TYPING_INDICATOR (self));
  if (self->typing != NULL)
    g_clear_signal_handler (&self->handler, self->typing);
  g_set_object (&self->typing, typing);
  if (typing != NULL)
    self->handler = g_signal_connect (typing, "notify::text", G_CALLBACK (on_typing_text), self);
  gchat_typing_indicator_sync (self);
}

/** gchat_typing_indicator_get_label: the label with the text (tests read it). */
GtkLabel *
gchat_typing_indicator_get_label (GchatTypingIndicator *self)
{
  g_return_val_if_fail (GCHAT_IS_TYPING_INDICATOR (self), NULL);
  return self->label;
}

static void
gchat_typing_indicator_dispose (GObject *object)
{
  GchatTypingIndicator *self = GCHAT_TYPING_INDICATOR (object);

  gchat_typing_indicator_set_typing (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), GCHAT_TYPE_TYPING_INDICATOR);
  G_OBJECT_CLASS (gchat_typing_indicator_parent_class)->dispose (object);
}

static void
gchat_typing_indicator_class_init (GchatTypingIndicatorClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = gchat_typing_indicator_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/chatd/Gchat/gchat-typing-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, GchatTypingIndicator, label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "typingindicator");
}

static void
gchat_typing_indicator_init (GchatTypingIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
