/*
 * gchat-member.c: a nick in a channel with its status prefixes ("@+") and
 * away flag; the member list binds to its properties.
 */
#include "config.h"

#include <string.h>

#include "gchat-member.h"

struct _GchatMember
{
  GObject parent_instance;

  char    *nick;
  char    *prefixes;
  gboolean away;
  char    *account; /* logged in as this account, or NULL */
};

G_DEFINE_FINAL_TYPE (GchatMember, gchat_member, G_TYPE_OBJECT)

enum { PROP_0, PROP_NICK, PROP_PREFIXES, PROP_AWAY, PROP_ACCOUNT, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

static void
gchat_member_finalize (GObject *object)
{
  GchatMember *self = GCHAT_MEMBER (object);

  g_free (self->nick);
  g_free (self->prefixes);
  g_free (self->account);
  G_OBJECT_CLASS (gchat_member_parent_class)->finalize (object);
}

static void
gchat_member_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatMember *self = GCHAT_MEMBER (object);

  switch (prop_id) {
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    case PROP_PREFIXES:
      g_value_set_string (value, self->prefixes);
      break;
    case PROP_AWAY:
      g_value_set_boolean (value, self->away);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_member_class_init (GchatMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gchat_member_finalize;
  object_class->get_property = gchat_member_get_property;

  /** GchatMember:nick: the member's nick. */
  pspecs[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMember:prefixes: status symbols, highest first ("@+"). */
  pspecs[PROP_PREFIXES] =
    g_param_spec_string ("prefixes", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMember:away: whether the member is marked away. */
  pspecs[PROP_AWAY] =
    g_param_spec_boolean ("away", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatMember:account: the account the member is logged in as, or NULL. */
  pspecs[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_member_init (GchatMember *self)
{
  self->prefixes = g_strdup ("");
}

/** gchat_member_new: a member with status symbols @prefixes (may be NULL). */
GchatMember *
gchat_member_new (const char *nick, const char *prefixes)
{
  GchatMember *self = g_object_new (GCHAT_TYPE_MEMBER, NULL);

  self->nick = g_strdup (nick);
  gchat_member_set_prefixes (self, prefixes);
  return self;
}

/** gchat_member_get_nick: the nick. */
const char *
gchat_member_get_nick (GchatMember *self)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER (self), NULL);
  return self->nick;
}

/** gchat_member_set_nick: follow a NICK change. */
void
gchat_member_set_nick (GchatMember *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_MEMBER (self));
  if (g_strcmp0 (self->nick, nick) == 0)
    return;
  g_free (self->nick);
  self->nick = g_strdup (nick);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_NICK]);
}

/** gchat_member_get_prefixes: status symbols, highest first. */
const char *
gchat_member_get_prefixes (GchatMember *self)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER (self), "");
  return self->prefixes;
}

/** gchat_member_set_prefixes: replace the status symbols. */
void
gchat_member_set_prefixes (GchatMember *self, const char *prefixes)
{
  g_return_if_fail (GCHAT_IS_MEMBER (self));
  if (prefixes == NULL)
    prefixes = "";
  if (g_strcmp0 (self->prefixes, prefixes) == 0)
    return;
  g_free (self->prefixes);
  self->prefixes = g_strdup (prefixes);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_PREFIXES]);
}

/** gchat_member_has_prefix: whether the member holds status @symbol ('@'). */
gboolean
gchat_member_has_prefix (GchatMember *self, char symbol)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER (self), FALSE);
  return symbol != '\0' && strchr (self->prefixes, symbol) != NULL;
}

/** gchat_member_get_away: whether the member is away. */
gboolean
gchat_member_get_away (GchatMember *self)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER (self), FALSE);
  return self->away;
}

/** gchat_member_set_away: mark the member away or back. */
void
gchat_member_set_away (GchatMember *self, gboolean away)
{
  g_return_if_fail (GCHAT_IS_MEMBER (self));
  if (self->away == away)
    return;
  self->away = away;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_AWAY]);
}

/** gchat_member_get_account: the account the member is logged in as, or NULL. */
const char *
gchat_member_get_account (GchatMember *self)
{
  g_return_val_if_fail (GCHAT_IS_MEMBER (self), NULL);
  return self->account;
}

/** gchat_member_set_account: follow a login (@account) or logout (NULL or "*"). */
void
gchat_member_set_account (GchatMember *self, const char *account)
{
  g_return_if_fail (GCHAT_IS_MEMBER (self));
  if (account != NULL && (*account == '\0' || strcmp (account, "*") == 0))
    account = NULL;
  if (g_strcmp0 (self->account, account) == 0)
    return;
  g_free (self->account);
  self->account = g_strdup (account);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_ACCOUNT]);
}
