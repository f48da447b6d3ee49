/* main.c: start gchat. Everything else lives in libgchat.a for the tests. */
#include "config.h"

#include "gchat-application.h"

int
main (int argc, char **argv)
{
  g_autoptr (GchatApplication) app = gchat_application_new (G_APPLICATION_DEFAULT_FLAGS);

  g_set_application_name ("gchat");
  return g_application_run (G_APPLICATION (app), argc, argv);
}
