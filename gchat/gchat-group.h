/*
 * gchat-group.h: what gchat knows about administering one group: its
 * modes (from 324 and live MODE lines), its ban list (367/368, MODE +b/-b)
 * and, for a registered group, its owner and permanent admins (CHANADMIN
 * machine lines of the chatd/chanadmin capability).
 */
#pragma once

#include <gio/gio.h>

#include "chat.h"

G_BEGIN_DECLS

/* The group modes gchat edits; flags, a key and a member limit. */
typedef struct
{
  gboolean invite_only; /* +i */
  gboolean moderated;   /* +m */
  gboolean no_outside;  /* +n */
  gboolean secret;      /* +s */
  gboolean topic_lock;  /* +t */
  char    *key;         /* +k, NULL when off */
  guint    limit;       /* +l, 0 when off */
} GchatGroupModes;

void       gchat_group_modes_clear (GchatGroupModes *modes);
void       gchat_group_modes_copy (GchatGroupModes *dest, const GchatGroupModes *src);
gboolean   gchat_group_modes_equal (const GchatGroupModes *a, const GchatGroupModes *b);
GPtrArray *gchat_group_modes_diff (const GchatGroupModes *from,
                                   const GchatGroupModes *to,
                                   guint                  max_args);


typedef enum {
  GCHAT_GROUP_REGISTRATION_UNKNOWN,
  GCHAT_GROUP_REGISTRATION_NONE,
  GCHAT_GROUP_REGISTRATION_REGISTERED,
} GchatGroupRegistration;

#define GCHAT_TYPE_GROUP (gchat_group_get_type ())
G_DECLARE_FINAL_TYPE (GchatGroup, gchat_group, GCHAT, GROUP, GObject)

GchatGroup            *gchat_group_new (const char *name);
const char            *gchat_group_get_name (GchatGroup *self);
gboolean               gchat_group_get_modes_known (GchatGroup *self);
const GchatGroupModes *gchat_group_get_modes (GchatGroup *self);
void                   gchat_group_set_modes_reply (GchatGroup                  *self,
                                                    const char                  *change,
                                                    const char *const           *args,
                                                    int                          nargs,
                                                    const struct chat_mode_spec *spec);
void                   gchat_group_apply_mode (GchatGroup                  *self,
                                               const char                  *setter,
                                               const char                  *change,
                                               const char *const           *args,
                                               int                          nargs,
                                               const struct chat_mode_spec *spec);
GListModel            *gchat_group_get_bans (GchatGroup *self);
void gchat_group_ban_listed (GchatGroup *self, const char *mask, const char *setter, gint64 when);
void gchat_group_ban_list_end (GchatGroup *self);
GchatGroupRegistration gchat_group_get_registration (GchatGroup *self);
const char            *gchat_group_get_owner (GchatGroup *self);
GListModel            *gchat_group_get_admins (GchatGroup *self);
gboolean               gchat_group_has_admin (GchatGroup *self, const char *account);
gboolean gchat_group_chanadmin_line (GchatGroup *self, const char *what, const char *account);
void     gchat_group_set_not_registered (GchatGroup *self);

G_END_DECLS
