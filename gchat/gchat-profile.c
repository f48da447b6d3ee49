/*
 * gchat-profile.c: one person's metadata as the server tells it
 * (draft/metadata-2): a display name, an avatar address, a status line and a
 * colour, plus the avatar's picture once it has been fetched. Rows that show
 * the person bind to its properties, so a change shows everywhere at once.
 */
#include "config.h"

#include <string.h>

#include "gchat-profile.h"

struct _GchatProfile
{
  GObject parent_instance;

  char       *nick;
  char       *display_name;
  char       *avatar;
  char       *status;
  char       *color;
  GdkTexture *picture;
};

G_DEFINE_FINAL_TYPE (GchatProfile, gchat_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NICK,
  PROP_DISPLAY_NAME,
  PROP_LABEL,
  PROP_AVATAR,
  PROP_STATUS,
  PROP_COLOR,
  PROP_PICTURE,
  LAST_PROP
};

static GParamSpec *pspecs[LAST_PROP];

/* Replace *@slot by a copy of @value; whether it changed (g_set_str is GLib 2.76). */
static gboolean
gchat_profile_set_str (char **slot, const char *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

/* The metadata keys a profile holds, and where. */
static char **
gchat_profile_slot (GchatProfile *self, const char *key, int *prop)
{
  if (strcmp (key, "display-name") == 0) {
    *prop = PROP_DISPLAY_NAME;
    return &self->display_name;
  }
  if (strcmp (key, "avatar") == 0) {
    *prop = PROP_AVATAR;
    return &self->avatar;
  }
  if (strcmp (key, "status") == 0) {
    *prop = PROP_STATUS;
    return &self->status;
  }
  if (strcmp (key, "color") == 0) {
    *prop = PROP_COLOR;
    return &self->color;
  }
  return NULL;
}

/**
 * gchat_profile_set_key: @key (a metadata key) is now @value, or removed
 * when @value is NULL or empty. Returns: whether @key is one a profile keeps
 * and it changed.
 */
gboolean
gchat_profile_set_key (GchatProfile *self, const char *key, const char *value)
{
  int    prop = 0;
  char **slot;

  g_return_val_if_fail (GCHAT_IS_PROFILE (self), FALSE);
  if ((slot = gchat_profile_slot (self, key, &prop)) == NULL)
    return FALSE;
  if (value != NULL && *value == '\0')
    value = NULL;
  if (!gchat_profile_set_str (slot, value))
    return FALSE;
  /* The old picture goes first: whoever hears of the new address brings its own. */
  if (prop == PROP_AVATAR)
    gchat_profile_set_picture (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[prop]);
  if (prop == PROP_DISPLAY_NAME)
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_LABEL]);
  return TRUE;
}

/** gchat_profile_clear: forget every key (the person cleared them, or left). */
void
gchat_profile_clear (GchatProfile *self)
{
  static const char *const keys[] = { "display-name", "avatar", "status", "color" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gchat_profile_set_key (self, keys[i], NULL);
}

/** gchat_profile_get_nick: the nick the profile belongs to now. */
const char *
gchat_profile_get_nick (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->nick;
}

/** gchat_profile_set_nick: the person is now known as @nick. */
void
gchat_profile_set_nick (GchatProfile *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_PROFILE (self));
  if (!gchat_profile_set_str (&self->nick, nick))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_NICK]);
  if (self->display_name == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_LABEL]);
}

/** gchat_profile_get_display_name: the name the person chose, or NULL. */
const char *
gchat_profile_get_display_name (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->display_name;
}

/** gchat_profile_get_label: what to call the person: the display name, else the nick. */
const char *
gchat_profile_get_label (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->display_name != NULL ? self->display_name : self->nick;
}

/** gchat_profile_get_avatar: the avatar's address, or NULL. */
const char *
gchat_profile_get_avatar (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->avatar;
}

/** gchat_profile_get_status: the person's status line, or NULL. */
const char *
gchat_profile_get_status (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->status;
}

/** gchat_profile_get_color: the colour the person chose ("#rrggbb"), or NULL. */
const char *
gchat_profile_get_color (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->color;
}

/** gchat_profile_get_picture: the avatar's picture, once fetched, or NULL. */
GdkTexture *
gchat_profile_get_picture (GchatProfile *self)
{
  g_return_val_if_fail (GCHAT_IS_PROFILE (self), NULL);
  return self->picture;
}

/** gchat_profile_set_picture: the picture fetched from the avatar's address (or NULL). */
void
gchat_profile_set_picture (GchatProfile *self, GdkTexture *picture)
{
  g_return_if_fail (GCHAT_IS_PROFILE (self));
  if (g_set_object (&self->picture, picture))
    g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_PICTURE]);
}

static void
gchat_profile_finalize (GObject *object)
{
  GchatProfile *self = GCHAT_PROFILE (object);

  g_free (self->nick);
  g_free (self->display_name);
  g_free (self->avatar);
  g_free (self->status);
  g_free (self->color);
  g_clear_object (&self->picture);
  G_OBJECT_CLASS (gchat_profile_parent_class)->finalize (object);
}

static void
gchat_profile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatProfile *self = GCHAT_PROFILE (object);

  switch (prop_id) {
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_LABEL:
      g_value_set_string (value, gchat_profile_get_label (self));
      break;
    case PROP_AVATAR:
      g_value_set_string (value, self->avatar);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;
    case PROP_PICTURE:
      g_value_set_object (value, self->picture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_profile_class_init (GchatProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags   flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = gchat_profile_finalize;
  object_class->get_property = gchat_profile_get_property;

  /** GchatProfile:nick: the person's nick. */
  pspecs[PROP_NICK] = g_param_spec_string ("nick", NULL, NULL, NULL, flags);
  /** GchatProfile:display-name: the `display-name` key, or NULL. */
  pspecs[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  /** GchatProfile:label: the display name, or the nick without one. */
  pspecs[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  /** GchatProfile:avatar: the `avatar` key (an image address), or NULL. */
  pspecs[PROP_AVATAR] = g_param_spec_string ("avatar", NULL, NULL, NULL, flags);
  /** GchatProfile:status: the `status` key, or NULL. */
  pspecs[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  /** GchatProfile:color: the `color` key, or NULL. */
  pspecs[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, flags);
  /** GchatProfile:picture: the avatar's image, once fetched. */
  pspecs[PROP_PICTURE] = g_param_spec_object ("picture", NULL, NULL, GDK_TYPE_TEXTURE, flags);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_profile_init (GchatProfile *self)
{
}

/** gchat_profile_new: an empty profile for @nick. */
GchatProfile *
gchat_profile_new (const char *nick)
{
  GchatProfile *self = g_object_new (GCHAT_TYPE_PROFILE, NULL);

  self->nick = g_strdup (nick);
  return self;
}
