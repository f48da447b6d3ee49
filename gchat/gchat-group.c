/*
 * gchat-group.c: the administration state of one group (see
 * gchat-group.h). The session feeds it the server's lines; the group
 * settings dialog and the member list read it and follow ::changed and the
 * list models. The mode parsing and the diff that turns the dialog's
 * wishes into MODE lines are pure, so test-model checks them directly.
 */
#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "chat.h"
#include "gchat-ban.h"
#include "gchat-group.h"

struct _GchatGroup
{
  GObject parent_instance;

  char                  *name;
  gboolean               modes_known;
  GchatGroupModes        modes;
  GListStore            *bans;
  GPtrArray             *bans_pending; /* 367 lines until 368 */
  GchatGroupRegistration registration;
  char                  *owner;
  GtkStringList         *admins;
  GPtrArray             *admins_pending; /* ADMIN lines until END */
};

G_DEFINE_FINAL_TYPE (GchatGroup, gchat_group, G_TYPE_OBJECT)

enum { SIG_CHANGED, SIG_ADMINS_CHANGED, LAST_SIGNAL };

static guint signals[LAST_SIGNAL];

/** gchat_group_modes_clear: free the key and reset @modes to "nothing set". */
void
gchat_group_modes_clear (GchatGroupModes *modes)
{
  g_clear_pointer (&modes->key, g_free);
  memset (modes, 0, sizeof *modes);
}

/** gchat_group_modes_copy: @dest (cleared first) becomes a deep copy of @src. */
void
gchat_group_modes_copy (GchatGroupModes *dest, const GchatGroupModes *src)
{
  if (dest == src)
    return;
  gchat_group_modes_clear (dest);
  *dest = *src;
  dest->key = g_strdup (src->key);
}

/** gchat_group_modes_equal: whether two sets of modes are the same. */
gboolean
gchat_group_modes_equal (const GchatGroupModes *a, const GchatGroupModes *b)
{
  return a->invite_only == b->invite_only && a->moderated == b->moderated &&
    a->no_outside == b->no_outside && a->secret == b->secret && a->topic_lock == b->topic_lock &&
    g_strcmp0 (a->key, b->key) == 0 && a->limit == b->limit;
}

/* One wanted change: +x or -x with its parameter (or NULL). */
typedef struct
{
  gboolean    add;
  char        letter;
  const char *arg;
} ModeChange;

/* Add +letter or -letter when the flag differs. */
static void
diff_flag (GArray *changes, char letter, gboolean from, gboolean to)
{
  ModeChange c = { to, letter, NULL };

  if (from != to)
    g_array_append_val (changes, c);
}

/*
 * gchat_group_modes_diff:
 * The MODE lines that turn @from into @to, each a GStrv of the parameters
 * after the channel ("+ik-l", "key", NULL), with at most @max_args
 * parameters per line (the server's MODES). A removed key is sent as
 * "-k *" so that every server takes it. Returns: a GPtrArray of GStrv
 * (freed with it), empty when nothing changed.
 */
GPtrArray *
gchat_group_modes_diff (const GchatGroupModes *from, const GchatGroupModes *to, guint max_args)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_autoptr (GArray) changes = g_array_new (FALSE, FALSE, sizeof (ModeChange));
  char  limit[16];
  guint i = 0;

  if (max_args == 0)
    max_args = 3; /* RFC 1459's three when the server does not say */
  diff_flag (changes, 'i', from->invite_only, to->invite_only);
  diff_flag (changes, 'm', from->moderated, to->moderated);
  diff_flag (changes, 'n', from->no_outside, to->no_outside);
  diff_flag (changes, 's', from->secret, to->secret);
  diff_flag (changes, 't', from->topic_lock, to->topic_lock);
  if (g_strcmp0 (from->key, to->key) != 0) {
    ModeChange c = { to->key != NULL, 'k', to->key != NULL ? to->key : "*" };

    g_array_append_val (changes, c);
  }
  if (from->limit != to->limit) {
    ModeChange c = { to->limit != 0, 'l', NULL };

    g_snprintf (limit, sizeof limit, "%u", to->limit);
    if (to->limit != 0)
      c.arg = limit;
    g_array_append_val (changes, c);
  }
  while (i < changes->len) {
    g_autoptr (GString) modes = g_string_new (NULL);
    g_autoptr (GStrvBuilder) params = g_strv_builder_new ();
    guint nargs = 0;
    char  sign = 0;

    for (; i < changes->len; i++) {
      ModeChange *c = &g_array_index (changes, ModeChange, i);

      if (c->arg != NULL && nargs == max_args)
        break;
      if (sign != (c->add ? '+' : '-')) {
        sign = c->add ? '+' : '-';
        g_string_append_c (modes, sign);
      }
      g_string_append_c (modes, c->letter);
      if (c->arg != NULL) {
        g_strv_builder_add (params, c->arg);
        nargs++;
      }
    }
    {
      g_auto (GStrv) args = g_strv_builder_end (params);
      GStrvBuilder *line = g_strv_builder_new ();

      g_strv_builder_add (line, modes->str);
      g_strv_builder_addv (line, (const char **)args);
      g_ptr_array_add (lines, g_strv_builder_end (line));
      g_strv_builder_unref (line);
    }
  }
  return lines;
}

static void
gchat_group_finalize (GObject *object)
{
  GchatGroup *self = GCHAT_GROUP (object);

  g_free (self->name);
  gchat_group_modes_clear (&self->modes);
  g_clear_object (&self->bans);
  g_clear_pointer (&self->bans_pending, g_ptr_array_unref);
  g_free (self->owner);
  g_clear_object (&self->admins);
  g_clear_pointer (&self->admins_pending, g_ptr_array_unref);
  G_OBJECT_CLASS (gchat_group_parent_class)->finalize (object);
}

static void
gchat_group_class_init (GchatGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gchat_group_finalize;

  /** GchatGroup::changed: the modes, the registration or the owner changed. */
  signals[SIG_CHANGED] = g_signal_new ("changed",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0,
                                       NULL,
                                       NULL,
                                       NULL,
                                       G_TYPE_NONE,
                                       0);
  /** GchatGroup::admins-changed: the registration, the owner or the permanent admins changed. */
  signals[SIG_ADMINS_CHANGED] = g_signal_new ("admins-changed",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0,
                                              NULL,
                                              NULL,
                                              NULL,
                                              G_TYPE_NONE,
                                              0);
}

/* The owner or the admins changed: both signals. */
static void
gchat_group_admins_changed (GchatGroup *self)
{
  g_signal_emit (self, signals[SIG_CHANGED], 0);
  g_signal_emit (self, signals[SIG_ADMINS_CHANGED], 0);
}

static void
gchat_group_init (GchatGroup *self)
{
  self->bans = g_list_store_new (GCHAT_TYPE_BAN);
  self->admins = gtk_string_list_new (NULL);
}

/** gchat_group_new: nothing known yet about group @name. */
GchatGroup *
gchat_group_new (const char *name)
{
  GchatGroup *self = g_object_new (GCHAT_TYPE_GROUP, NULL);

  self->name = g_strdup (name);
  return self;
}

/** gchat_group_get_name: the group's name. */
const char *
gchat_group_get_name (GchatGroup *self)
{
  return self->name;
}

/** gchat_group_get_modes_known: whether a 324 told the modes (else they are guesses). */
gboolean
gchat_group_get_modes_known (GchatGroup *self)
{
  return self->modes_known;
}

/** gchat_group_get_modes: the modes as the server last said (borrowed). */
const GchatGroupModes *
gchat_group_get_modes (GchatGroup *self)
{
  return &self->modes;
}

/* The position of the ban @mask in @store, or -1. */
static int
gchat_group_find_ban (GListStore *store, const char *mask)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++) {
    g_autoptr (GchatBan) ban = g_list_model_get_item (G_LIST_MODEL (store), i);

    if (chat_casecmp (gchat_ban_get_mask (ban), mask) == 0)
      return (int)i;
  }
  return -1;
}

/* Apply a change string ("+ik-l") with its parameters; TRUE if a mode we keep changed. */
static gboolean
gchat_group_parse (GchatGroup                  *self,
                   const char                  *setter,
                   const char                  *change,
                   const char *const           *args,
                   int                          nargs,
                   const struct chat_mode_spec *spec)
{
  GchatGroupModes         before = { 0 };
  gboolean                changed;
  struct chat_mode_change mc[CHAT_LINE_MAX];
  struct chat_mode_result res;

  gchat_group_modes_copy (&before, &self->modes);
  chat_mode_parse (spec, change, args, nargs, mc, G_N_ELEMENTS (mc), &res);
  for (size_t i = 0; i < res.n; i++) {
    const char *arg = mc[i].arg;
    gboolean    add = mc[i].add;

    switch (mc[i].letter) {
      case 'i':
        self->modes.invite_only = add;
        break;
      case 'm':
        self->modes.moderated = add;
        break;
      case 'n':
        self->modes.no_outside = add;
        break;
      case 's':
        self->modes.secret = add;
        break;
      case 't':
        self->modes.topic_lock = add;
        break;
      case 'k':
        g_free (self->modes.key);
        self->modes.key = add ? g_strdup (arg != NULL ? arg : "*") : NULL;
        break;
      case 'l':
        self->modes.limit = add && arg != NULL ? (guint)g_ascii_strtoull (arg, NULL, 10) : 0;
        break;
      case 'b':
        if (arg == NULL)
          break;
        if (add && gchat_group_find_ban (self->bans, arg) < 0) {
          g_autoptr (GchatBan) ban =
            gchat_ban_new (arg, setter, g_get_real_time () / G_USEC_PER_SEC);

          g_list_store_append (self->bans, ban);
        } else if (!add && gchat_group_find_ban (self->bans, arg) >= 0) {
          g_list_store_remove (self->bans, (guint)gchat_group_find_ban (self->bans, arg));
        }
        break;
      default:
        break;
    }
  }
  changed = !gchat_group_modes_equal (&before, &self->modes);
  gchat_group_modes_clear (&before);
  return changed;
}

/**
 * gchat_group_set_modes_reply:
 * RPL_CHANNELMODEIS: @change ("+iklnt") and its @args are all the modes
 * now; anything not named is off.
 */
void
gchat_group_set_modes_reply (GchatGroup                  *self,
                             const char                  *change,
                             const char *const           *args,
                             int                          nargs,
                             const struct chat_mode_spec *spec)
{
  gboolean        was_known = self->modes_known;
  GchatGroupModes before = { 0 };

  gchat_group_modes_copy (&before, &self->modes);
  gchat_group_modes_clear (&self->modes);
  gchat_group_parse (self, NULL, change, args, nargs, spec);
  self->modes_known = TRUE;
  if (!was_known || !gchat_group_modes_equal (&before, &self->modes))
    g_signal_emit (self, signals[SIG_CHANGED], 0);
  gchat_group_modes_clear (&before);
}

/**
 * gchat_group_apply_mode:
 * A MODE line from @setter: apply @change with its @args to the modes and
 * the ban list. @spec says which modes take a parameter.
 */
void
gchat_group_apply_mode (GchatGroup                  *self,
                        const char                  *setter,
                        const char                  *change,
                        const char *const           *args,
                        int                          nargs,
                        const struct chat_mode_spec *spec)
{
  if (gchat_group_parse (self, setter, change, args, nargs, spec))
    g_signal_emit (self, signals[SIG_CHANGED], 0);
}

/** gchat_group_get_bans: the ban list (GchatBan), live. */
GListModel *
gchat_group_get_bans (GchatGroup *self)
{
  return G_LIST_MODEL (self->bans);
}

/** gchat_group_ban_listed: RPL_BANLIST: one ban of a listing that ends with 368. */
void
gchat_group_ban_listed (GchatGroup *self, const char *mask, const char *setter, gint64 when)
{
  if (self->bans_pending == NULL)
    self->bans_pending = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->bans_pending, gchat_ban_new (mask, setter, when));
}

/** gchat_group_ban_list_end: RPL_ENDOFBANLIST: the listing replaces the list. */
void
gchat_group_ban_list_end (GchatGroup *self)
{
  guint n = self->bans_pending != NULL ? self->bans_pending->len : 0;

  g_list_store_splice (self->bans,
                       0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->bans)),
                       n > 0 ? self->bans_pending->pdata : NULL,
                       n);
  g_clear_pointer (&self->bans_pending, g_ptr_array_unref);
}

/** gchat_group_get_registration: whether the group is registered (kept by the server). */
GchatGroupRegistration
gchat_group_get_registration (GchatGroup *self)
{
  return self->registration;
}

/** gchat_group_get_owner: the owning account of a registered group, or NULL. */
const char *
gchat_group_get_owner (GchatGroup *self)
{
  return self->owner;
}

/** gchat_group_get_admins: the permanent admins' accounts (GtkStringObject), live. */
GListModel *
gchat_group_get_admins (GchatGroup *self)
{
  return G_LIST_MODEL (self->admins);
}

/* The position of @account among the admins, or -1. */
static int
gchat_group_find_admin (GchatGroup *self, const char *account)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->admins));

  for (guint i = 0; i < n; i++)
    if (chat_casecmp (gtk_string_list_get_string (self->admins, i), account) == 0)
      return (int)i;
  return -1;
}

/** gchat_group_has_admin: whether @account is a permanent admin. */
gboolean
gchat_group_has_admin (GchatGroup *self, const char *account)
{
  return account != NULL && gchat_group_find_admin (self, account) >= 0;
}

/**
 * gchat_group_chanadmin_line:
 * One machine line "CHANADMIN <#group> <what> [<account>]" (doc/PROTOCOL.md,
 * "CHANADMIN for programs"): OWNER starts a listing, ADMIN adds to it, END
 * ends it; ADDED and REMOVED are changes. Returns: FALSE for a line gchat
 * does not understand.
 */
gboolean
gchat_group_chanadmin_line (GchatGroup *self, const char *what, const char *account)
{
  if (g_ascii_strcasecmp (what, "END") == 0) {
    if (self->admins_pending == NULL)
      self->admins_pending = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (self->admins_pending, NULL);
    gtk_string_list_splice (self->admins,
                            0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->admins)),
                            (const char *const *)self->admins_pending->pdata);
    g_clear_pointer (&self->admins_pending, g_ptr_array_unref);
    self->registration = GCHAT_GROUP_REGISTRATION_REGISTERED;
    gchat_group_admins_changed (self);
    return TRUE;
  }
  if (account == NULL || *account == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (what, "OWNER") == 0) {
    g_free (self->owner);
    self->owner = g_strdup (account);
    g_clear_pointer (&self->admins_pending, g_ptr_array_unref);
    self->admins_pending = g_ptr_array_new_with_free_func (g_free);
    return TRUE;
  }
  if (g_ascii_strcasecmp (what, "ADMIN") == 0) {
    if (self->admins_pending == NULL)
      self->admins_pending = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (self->admins_pending, g_strdup (account));
    return TRUE;
  }
  if (g_ascii_strcasecmp (what, "ADDED") == 0) {
    /* The owner is no admin of their own group; chatd says ADDED all the same. */
    if (gchat_group_find_admin (self, account) < 0 &&
        (self->owner == NULL || chat_casecmp (self->owner, account) != 0))
      gtk_string_list_append (self->admins, account);
    gchat_group_admins_changed (self);
    return TRUE;
  }
  if (g_ascii_strcasecmp (what, "REMOVED") == 0) {
    int pos = gchat_group_find_admin (self, account);

    if (pos >= 0)
      gtk_string_list_remove (self->admins, (guint)pos);
    gchat_group_admins_changed (self);
    return TRUE;
  }
  return FALSE;
}

/** gchat_group_set_not_registered: the server said FAIL CHANADMIN NOT_REGISTERED. */
void
gchat_group_set_not_registered (GchatGroup *self)
{
  g_clear_pointer (&self->owner, g_free);
  gtk_string_list_splice (self->admins,
                          0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->admins)),
                          NULL);
  self->registration = GCHAT_GROUP_REGISTRATION_NONE;
  gchat_group_admins_changed (self);
}
