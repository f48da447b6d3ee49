/* gchat-application.h: the GtkApplication: app id, app actions, options. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GCHAT_APPLICATION_ID "org.chatd.Gchat"

#define GCHAT_TYPE_APPLICATION (gchat_application_get_type ())
G_DECLARE_FINAL_TYPE (GchatApplication, gchat_application, GCHAT, APPLICATION, AdwApplication)

GchatApplication *gchat_application_new (GApplicationFlags flags);
void              gchat_application_register_resources (void);

G_END_DECLS
