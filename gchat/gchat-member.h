/* gchat-member.h: one nick in a channel's member list. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GCHAT_TYPE_MEMBER (gchat_member_get_type ())
G_DECLARE_FINAL_TYPE (GchatMember, gchat_member, GCHAT, MEMBER, GObject)

GchatMember *gchat_member_new (const char *nick, const char *prefixes);
const char  *gchat_member_get_nick (GchatMember *self);
void         gchat_member_set_nick (GchatMember *self, const char *nick);
const char  *gchat_member_get_prefixes (GchatMember *self);
void         gchat_member_set_prefixes (GchatMember *self, const char *prefixes);
gboolean     gchat_member_has_prefix (GchatMember *self, char symbol);
gboolean     gchat_member_get_away (GchatMember *self);
void         gchat_member_set_away (GchatMember *self, gboolean away);
const char  *gchat_member_get_account (GchatMember *self);
void         gchat_member_set_account (GchatMember *self, const char *account);

G_END_DECLS
