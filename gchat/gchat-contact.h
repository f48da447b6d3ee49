/* gchat-contact.h: a person we follow, with presence. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  GCHAT_PRESENCE_UNKNOWN,
  GCHAT_PRESENCE_ONLINE,
  GCHAT_PRESENCE_AWAY,
  GCHAT_PRESENCE_OFFLINE,
} GchatPresence;

#define GCHAT_TYPE_PRESENCE (gchat_presence_get_type ())
GType gchat_presence_get_type (void);

#define GCHAT_TYPE_CONTACT (gchat_contact_get_type ())
G_DECLARE_FINAL_TYPE (GchatContact, gchat_contact, GCHAT, CONTACT, GObject)

GchatContact *gchat_contact_new (const char *nick);
const char   *gchat_contact_get_nick (GchatContact *self);
void          gchat_contact_set_nick (GchatContact *self, const char *nick);
GchatPresence gchat_contact_get_presence (GchatContact *self);
void          gchat_contact_set_presence (GchatContact *self, GchatPresence presence);
const char   *gchat_contact_get_away_message (GchatContact *self);
void          gchat_contact_set_away_message (GchatContact *self, const char *message);
const char   *gchat_contact_get_account (GchatContact *self);
void          gchat_contact_set_account (GchatContact *self, const char *account);
const char   *gchat_presence_to_string (GchatPresence presence);

G_END_DECLS
