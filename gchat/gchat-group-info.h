/* gchat-group-info.h: one group as LIST shows it (name, member count, topic). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_GROUP_INFO (gchat_group_info_get_type ())
G_DECLARE_FINAL_TYPE (GchatGroupInfo, gchat_group_info, GCHAT, GROUP_INFO, GObject)

GchatGroupInfo *gchat_group_info_new (const char *name, guint users, const char *topic);
const char     *gchat_group_info_get_name (GchatGroupInfo *self);
guint           gchat_group_info_get_users (GchatGroupInfo *self);
const char     *gchat_group_info_get_topic (GchatGroupInfo *self);

G_END_DECLS
