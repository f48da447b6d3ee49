/* gchat-ban.h: one entry of a group's ban list (mask, who set it, when). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_BAN (gchat_ban_get_type ())
G_DECLARE_FINAL_TYPE (GchatBan, gchat_ban, GCHAT, BAN, GObject)

GchatBan   *gchat_ban_new (const char *mask, const char *setter, gint64 when);
const char *gchat_ban_get_mask (GchatBan *self);
const char *gchat_ban_get_setter (GchatBan *self);
gint64      gchat_ban_get_when (GchatBan *self);
char       *gchat_ban_describe (GchatBan *self);

G_END_DECLS
