/*
 * gchat-group-info.c: a row of the server's group list (RPL_LIST), kept
 * in a GListStore by the session for the join dialog to offer.
 */
#include "config.h"

#include "gchat-group-info.h"

struct _GchatGroupInfo
{
  GObject parent_instance;

  char *name;
  guint users;
  char *topic;
};

G_DEFINE_FINAL_TYPE (GchatGroupInfo, gchat_group_info, G_TYPE_OBJECT)

static void
gchat_group_info_finalize (GObject *object)
{
  GchatGroupInfo *self = GCHAT_GROUP_INFO (object);

  g_free (self->name);
  g_free (self->topic);
  G_OBJECT_CLASS (gchat_group_info_parent_class)->finalize (object);
}

static void
gchat_group_info_class_init (GchatGroupInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gchat_group_info_finalize;
}

static void
gchat_group_info_init (GchatGroupInfo *self)
{
}

/** gchat_group_info_new: group @name with @users members and @topic. */
GchatGroupInfo *
gchat_group_info_new (const char *name, guint users, const char *topic)
{
  GchatGroupInfo *self = g_object_new (GCHAT_TYPE_GROUP_INFO, NULL);

  self->name = g_strdup (name);
  self->users = users;
  self->topic = g_strdup (topic != NULL ? topic : "");
  return self;
}

/** gchat_group_info_get_name: the group's name (#...). */
const char *
gchat_group_info_get_name (GchatGroupInfo *self)
{
  return self->name;
}

/** gchat_group_info_get_users: how many are in it. */
guint
gchat_group_info_get_users (GchatGroupInfo *self)
{
  return self->users;
}

/** gchat_group_info_get_topic: its topic, "" for none. */
const char *
gchat_group_info_get_topic (GchatGroupInfo *self)
{
  return self->topic;
}
