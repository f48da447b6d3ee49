/* gchat-profile.h: what a person says about themselves (IRCv3 metadata). */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_PROFILE (gchat_profile_get_type ())
G_DECLARE_FINAL_TYPE (GchatProfile, gchat_profile, GCHAT, PROFILE, GObject)

GchatProfile *gchat_profile_new (const char *nick);
const char   *gchat_profile_get_nick (GchatProfile *self);
void          gchat_profile_set_nick (GchatProfile *self, const char *nick);
const char   *gchat_profile_get_display_name (GchatProfile *self);
const char   *gchat_profile_get_label (GchatProfile *self);
const char   *gchat_profile_get_avatar (GchatProfile *self);
const char   *gchat_profile_get_status (GchatProfile *self);
const char   *gchat_profile_get_color (GchatProfile *self);
gboolean      gchat_profile_set_key (GchatProfile *self, const char *key, const char *value);
void          gchat_profile_clear (GchatProfile *self);
GdkTexture   *gchat_profile_get_picture (GchatProfile *self);
void          gchat_profile_set_picture (GchatProfile *self, GdkTexture *picture);

G_END_DECLS
