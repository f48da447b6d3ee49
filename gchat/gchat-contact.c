/*
 * gchat-contact.c: a nick in the contacts list. Presence comes from MONITOR
 * (730/731) when the server offers it, else from what we see: JOIN, QUIT,
 * NAMES and ISON replies; away from away-notify and 301.
 */
#include "config.h"

#include "gchat-contact.h"

struct _GchatContact
{
  GObject parent_instance;

  char         *nick;
  GchatPresence presence;
  char         *away_message;
  char         *account; /* logged in as this account, or NULL (not known or not logged in) */
};

G_DEFINE_FINAL_TYPE (GchatContact, gchat_contact, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (GchatPresence,
                    gchat_presence,
                    G_DEFINE_ENUM_VALUE (GCHAT_PRESENCE_UNKNOWN, "unknown"),
                    G_DEFINE_ENUM_VALUE (GCHAT_PRESENCE_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (GCHAT_PRESENCE_AWAY, "away"),
                    G_DEFINE_ENUM_VALUE (GCHAT_PRESENCE_OFFLINE, "offline"))

enum { PROP_0, PROP_NICK, PROP_PRESENCE, PROP_ACCOUNT, LAST_PROP };

static GParamSpec *pspecs[LAST_PROP];

static void
gchat_contact_finalize (GObject *object)
{
  GchatContact *self = GCHAT_CONTACT (object);

  g_free (self->nick);
  g_free (self->away_message);
  g_free (self->account);
  G_OBJECT_CLASS (gchat_contact_parent_class)->finalize (object);
}

static void
gchat_contact_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GchatContact *self = GCHAT_CONTACT (object);

  switch (prop_id) {
    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;
    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
gchat_contact_class_init (GchatContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gchat_contact_finalize;
  object_class->get_property = gchat_contact_get_property;

  /** GchatContact:nick: the contact's nick. */
  pspecs[PROP_NICK] =
    g_param_spec_string ("nick", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatContact:presence: online, away, offline or not known yet. */
  pspecs[PROP_PRESENCE] = g_param_spec_enum ("presence",
                                             NULL,
                                             NULL,
                                             GCHAT_TYPE_PRESENCE,
                                             GCHAT_PRESENCE_UNKNOWN,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /** GchatContact:account: the account the contact is logged in as, or NULL. */
  pspecs[PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, LAST_PROP, pspecs);
}

static void
gchat_contact_init (GchatContact *self)
{
}

/** gchat_contact_new: a contact whose presence is not known yet. */
GchatContact *
gchat_contact_new (const char *nick)
{
  GchatContact *self = g_object_new (GCHAT_TYPE_CONTACT, NULL);

  self->nick = g_strdup (nick);
  return self;
}

/** gchat_contact_get_nick: the nick. */
const char *
gchat_contact_get_nick (GchatContact *self)
{
  g_return_val_if_fail (GCHAT_IS_CONTACT (self), NULL);
  return self->nick;
}

/** gchat_contact_set_nick: follow a NICK change. */
void
gchat_contact_set_nick (GchatContact *self, const char *nick)
{
  g_return_if_fail (GCHAT_IS_CONTACT (self));
  if (g_strcmp0 (self->nick, nick) == 0)
    return;
  g_free (self->nick);
  self->nick = g_strdup (nick);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_NICK]);
}

/** gchat_contact_get_presence: the last known presence. */
GchatPresence
gchat_contact_get_presence (GchatContact *self)
{
  g_return_val_if_fail (GCHAT_IS_CONTACT (self), GCHAT_PRESENCE_UNKNOWN);
  return self->presence;
}

/** gchat_contact_set_presence: record a presence change. */
void
gchat_contact_set_presence (GchatContact *self, GchatPresence presence)
{
  g_return_if_fail (GCHAT_IS_CONTACT (self));
  if (self->presence == presence)
    return;
  self->presence = presence;
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_PRESENCE]);
  if (presence == GCHAT_PRESENCE_OFFLINE)
    gchat_contact_set_account (self, NULL); /* whoever comes back logs in again */
}

/** gchat_contact_get_away_message: the away text, or NULL. */
const char *
gchat_contact_get_away_message (GchatContact *self)
{
  g_return_val_if_fail (GCHAT_IS_CONTACT (self), NULL);
  return self->away_message;
}

/** gchat_contact_set_away_message: record the away text (NULL when back). */
void
gchat_contact_set_away_message (GchatContact *self, const char *message)
{
  g_return_if_fail (GCHAT_IS_CONTACT (self));
  g_free (self->away_message);
  self->away_message = g_strdup (message);
}

/** gchat_presence_to_string: a word for a presence, for labels. */
const char *
gchat_presence_to_string (GchatPresence presence)
{
  switch (presence) {
    case GCHAT_PRESENCE_ONLINE:
      return "online";
    case GCHAT_PRESENCE_AWAY:
      return "away";
    case GCHAT_PRESENCE_OFFLINE:
      return "offline";
    case GCHAT_PRESENCE_UNKNOWN:
    default:
      return "unknown";
  }
}

/** gchat_contact_get_account: the account the contact is logged in as, or NULL. */
const char *
gchat_contact_get_account (GchatContact *self)
{
  g_return_val_if_fail (GCHAT_IS_CONTACT (self), NULL);
  return self->account;
}

/** gchat_contact_set_account: follow a login (@account) or logout (NULL or "*"). */
void
gchat_contact_set_account (GchatContact *self, const char *account)
{
  g_return_if_fail (GCHAT_IS_CONTACT (self));
  if (account != NULL && (*account == '\0' || g_strcmp0 (account, "*") == 0))
    account = NULL;
  if (g_strcmp0 (self->account, account) == 0)
    return;
  g_free (self->account);
  self->account = g_strdup (account);
  g_object_notify_by_pspec (G_OBJECT (self), pspecs[PROP_ACCOUNT]);
}
