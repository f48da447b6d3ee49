/*
 * gchat-ban.c: a ban mask of a group as RPL_BANLIST (367) or a live
 * MODE +b tells it; GchatGroup keeps them in a GListStore for the group
 * settings dialog.
 */
#include "config.h"

#include <string.h>

#include "gchat-ban.h"

struct _GchatBan
{
  GObject parent_instance;

  char  *mask;
  char  *setter; /* "nick" or "nick!user@host"; NULL when unknown */
  gint64 when;   /* Unix time, 0 when unknown */
};

G_DEFINE_FINAL_TYPE (GchatBan, gchat_ban, G_TYPE_OBJECT)

static void
gchat_ban_finalize (GObject *object)
{
  GchatBan *self = GCHAT_BAN (object);

  g_free (self->mask);
  g_free (self->setter);
  G_OBJECT_CLASS (gchat_ban_parent_class)->finalize (object);
}

static void
gchat_ban_class_init (GchatBanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gchat_ban_finalize;
}

static void
gchat_ban_init (GchatBan *self)
{
}

/** gchat_ban_new: ban @mask, set by @setter (NULL or "*": unknown) at Unix time @when. */
GchatBan *
gchat_ban_new (const char *mask, const char *setter, gint64 when)
{
  GchatBan *self = g_object_new (GCHAT_TYPE_BAN, NULL);

  self->mask = g_strdup (mask);
  if (setter != NULL && *setter != '\0' && g_strcmp0 (setter, "*") != 0)
    self->setter = g_strndup (setter, strcspn (setter, "!"));
  self->when = when;
  return self;
}

/** gchat_ban_get_mask: the nick!user@host mask. */
const char *
gchat_ban_get_mask (GchatBan *self)
{
  return self->mask;
}

/** gchat_ban_get_setter: the nick of whoever set it, or NULL. */
const char *
gchat_ban_get_setter (GchatBan *self)
{
  return self->setter;
}

/** gchat_ban_get_when: when it was set (Unix time), 0 if unknown. */
gint64
gchat_ban_get_when (GchatBan *self)
{
  return self->when;
}

/** gchat_ban_describe: "set by X on 2026-11-25 08:00" in local time, for people. */
char *
gchat_ban_describe (GchatBan *self)
{
  g_autoptr (GDateTime) utc = self->when > 0 ? g_date_time_new_from_unix_utc (self->when) : NULL;
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *date = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : NULL;

  if (self->setter != NULL && date != NULL)
    return g_strdup_printf ("set by %s on %s", self->setter, date);
  if (self->setter != NULL)
    return g_strdup_printf ("set by %s", self->setter);
  if (date != NULL)
    return g_strdup_printf ("set on %s", date);
  return g_strdup ("");
}
