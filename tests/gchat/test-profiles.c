/*
 * test-profiles.c: display names, status lines and avatars from IRCv3
 * draft/metadata-2, against a real chatd (started by gui.sh, port in
 * GCHAT_TEST_PORT) and a real HTTP server on loopback for the avatar
 * (python3 -m http.server, started here and stopped by its PID). A raw
 * client "ivy" sets her profile and shares #plants with gchat ("ada"): the
 * member list shows her display name, status and picture, her lines show
 * the display name beside the nick and the avatar, changes follow at once,
 * a nick change keeps the profile, /profile sets gchat's own keys, and an
 * avatar that is too large or not an image is not shown.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gchat-member-list.h"
#include "gchat-message-row.h"
#include "gchat-window.h"
#include "gui-common.h"

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         ivy;
static guint16           port;
static GSubprocess      *httpd;
static char             *web_dir;
static guint16           web_port;

/* Condition: the HTTP server printed its port. */
static gboolean
httpd_listening (gpointer data)
{
  return web_port != 0;
}

/* A line from the HTTP server: "Serving HTTP on 127.0.0.1 port N ...". */
static void
httpd_line_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autofree char *line =
    g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), res, NULL, NULL);
  const char *at = line != NULL ? strstr (line, " port ") : NULL;

  if (at != NULL)
    web_port = (guint16)g_ascii_strtoull (at + 6, NULL, 10);
  else if (line != NULL)
    g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source),
                                         G_PRIORITY_DEFAULT,
                                         NULL,
                                         httpd_line_cb,
                                         NULL);
}

/* Files to serve: a 16x16 PNG, a text file, and 600 KiB of zeros. */
static void
httpd_start (void)
{
  g_autoptr (GBytes) pixels = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *png_path = NULL;
  g_autofree char   *big_path = NULL;
  g_autofree char   *txt_path = NULL;
  g_autofree guchar *zeros = g_malloc0 (600 * 1024);
  guchar             rgba[16 * 16 * 4];
  GDataInputStream  *out;
  const char        *argv[] = { "python3", "-u",        "-m",          "http.server", "0",
                                "--bind",  "127.0.0.1", "--directory", NULL,          NULL };

  for (guint i = 0; i < sizeof rgba; i += 4) {
    rgba[i] = 0x26;
    rgba[i + 1] = 0xa2;
    rgba[i + 2] = 0x69;
    rgba[i + 3] = 0xff;
  }
  pixels = g_bytes_new (rgba, sizeof rgba);
  texture = gdk_memory_texture_new (16, 16, GDK_MEMORY_R8G8B8A8, pixels, 16 * 4);
  png = gdk_texture_save_to_png_bytes (texture);
  web_dir = g_dir_make_tmp ("gchat-web-XXXXXX", NULL);
  png_path = g_build_filename (web_dir, "ivy.png", NULL);
  big_path = g_build_filename (web_dir, "big.png", NULL);
  txt_path = g_build_filename (web_dir, "note.png", NULL);
  argv[8] = web_dir;
  g_assert_true (g_file_set_contents (png_path,
                                      g_bytes_get_data (png, NULL),
                                      (gssize)g_bytes_get_size (png),
                                      NULL));
  g_assert_true (g_file_set_contents (big_path, (const char *)zeros, 600 * 1024, NULL));
  g_assert_true (g_file_set_contents (txt_path, "not a picture\n", -1, NULL));
  httpd =
    gui_spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (httpd));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, httpd_line_cb, NULL);
  g_assert_true (gui_wait_for (httpd_listening, NULL));
  g_object_unref (out);
}

/* Stop the HTTP server by its PID and remove what it served. */
static void
httpd_stop (void)
{
  const char *names[] = { "ivy.png", "big.png", "note.png" };

  if (httpd != NULL) {
    g_subprocess_force_exit (httpd);
    g_subprocess_wait (httpd, NULL, NULL);
    g_clear_object (&httpd);
  }
  for (guint i = 0; web_dir != NULL && i < G_N_ELEMENTS (names); i++) {
    g_autofree char *path = g_build_filename (web_dir, names[i], NULL);

    g_unlink (path);
  }
  if (web_dir != NULL)
    g_rmdir (web_dir);
  g_clear_pointer (&web_dir, g_free);
}

/* Condition: the member list shows the label @data. */
static gboolean
members_show (gpointer data)
{
  return gui_find_label (GTK_WIDGET (gchat_window_get_member_list (window)), data) != NULL;
}

/* Condition: the member row labelled "Ivy Green" has an avatar with a picture. */
static gboolean
member_has_picture (gpointer data)
{
  GtkWidget *name =
    gui_find_label (GTK_WIDGET (gchat_window_get_member_list (window)), "Ivy Green");
  GtkWidget *row = name != NULL ? gtk_widget_get_parent (gtk_widget_get_parent (name)) : NULL;
  GtkWidget *avatar =
    row != NULL ? gtk_widget_get_next_sibling (gtk_widget_get_first_child (row)) : NULL;

  return avatar != NULL && ADW_IS_AVATAR (avatar) &&
    adw_avatar_get_custom_image (ADW_AVATAR (avatar)) != NULL;
}

/* Condition: ivy's profile has a picture. */
static gboolean
profile_has_picture (gpointer data)
{
  GchatProfile *p = gchat_session_lookup_profile (session, "ivy");

  return p != NULL && gchat_profile_get_picture (p) != NULL;
}

/* Condition: ivy's profile has the avatar address @data. */
static gboolean
profile_avatar_is (gpointer data)
{
  GchatProfile *p = gchat_session_lookup_profile (session, "ivy");

  return p != NULL && g_strcmp0 (gchat_profile_get_avatar (p), data) == 0;
}

/* Condition: #plants is shown with ivy in it. */
static gboolean
group_ready (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#plants");

  return conv != NULL && gchat_window_get_shown (window) == conv &&
    gchat_conversation_find_member (conv, "ivy") != NULL;
}

/* Condition: the message row with text @data names its sender "Ivy Green" and shows her picture. */
static gboolean
row_shows_profile (gpointer data)
{
  GchatMessageRow *row = gui_find_row (window, data);
  GtkWidget       *label = row != NULL ? gui_find_label (GTK_WIDGET (row), "Ivy Green ivy") : NULL;
  AdwAvatar       *avatar = row != NULL ? gchat_message_row_get_avatar (row) : NULL;

  return label != NULL && avatar != NULL && gtk_widget_get_visible (GTK_WIDGET (avatar)) &&
    adw_avatar_get_custom_image (avatar) != NULL;
}

/* The avatar address @name on the test's HTTP server. */
static char *
web_url (const char *name)
{
  return g_strdup_printf ("http://127.0.0.1:%u/%s", web_port, name);
}

/* Set ivy's @key to @value (NULL: remove it) and wait for the server's answer. */
static void
ivy_sets (const char *key, const char *value)
{
  g_autofree char *line = value != NULL ? g_strdup_printf ("METADATA * SET %s :%s", key, value)
                                        : g_strdup_printf ("METADATA * SET %s", key);
  g_autofree char *answer =
    g_strdup_printf (value != NULL ? ":* 761 * * %s *" : ":* 766 * * %s *", key);

  g_ptr_array_set_size (ivy.lines, 0);
  gui_raw_send (&ivy, line);
  gui_raw_expect (&ivy, answer);
}

/*
 * Step: ivy sets a display name, status and avatar and joins #plants; gchat
 * joins: the member list shows "Ivy Green", "repotting" and her picture.
 */
static void
test_member_list (void)
{
  g_autofree char *avatar = NULL;

  httpd_start ();
  avatar = web_url ("ivy.png");
  gui_raw_connect (&ivy, port, "ivy");
  ivy_sets ("display-name", "Ivy Green");
  ivy_sets ("status", "repotting");
  ivy_sets ("avatar", avatar);
  gui_raw_send (&ivy, "JOIN #plants");
  gui_raw_expect (&ivy, ":* 366 ivy #plants *");

  window = gui_open_window (app, port, "ada", NULL, NULL, FALSE, 1000, 640);
  session = gchat_window_get_session (window);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_assert_true (
    gchat_connection_has_cap (gchat_session_get_connection (session), "draft/metadata-2"));
  gui_type_line (window, "/join #plants");
  g_assert_true (gui_wait_for (group_ready, NULL));
  g_assert_true (gui_wait_for (members_show, (gpointer) "Ivy Green"));
  g_assert_true (gui_wait_for (members_show, (gpointer) "repotting"));
  g_assert_true (gui_wait_for (profile_has_picture, NULL));
  g_assert_true (gui_wait_for (member_has_picture, NULL));
}

/* Condition: the member list's label @data is on screen. */
static gboolean
label_mapped (gpointer data)
{
  GtkWidget *label = gui_find_label (GTK_WIDGET (gchat_window_get_member_list (window)), data);

  return label != NULL && gtk_widget_get_mapped (label);
}

/* Step: ivy's line shows her display name beside the nick, and her avatar. */
static void
test_message_row (void)
{
  GchatMessageRow *row;
  g_autofree char *time = NULL;
  g_autofree char *a11y = NULL;

  gui_raw_send (&ivy, "PRIVMSG #plants :the fern needs a bigger pot");
  g_assert_true (gui_wait_for (row_shows_profile, (gpointer) "the fern needs a bigger pot"));
  row = gui_find_row (window, "the fern needs a bigger pot");
  time = g_date_time_format (gchat_message_get_time (gchat_message_row_get_message (row)), "%H:%M");
  a11y = g_strdup_printf ("Ivy Green (ivy) at %s: the fern needs a bigger pot", time);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y);
  gtk_toggle_button_set_active (gchat_window_get_members_button (window), TRUE);
  g_assert_true (gui_wait_for (label_mapped, (gpointer) "repotting"));
  gui_screenshot ("gchat-profiles.png");
}

/* Condition: the member list no longer shows the label @data. */
static gboolean
members_lack (gpointer data)
{
  return !members_show (data);
}

/*
 * Step: ivy changes her status and display name: the member list and her
 * line follow without anything else happening; removing the display name
 * shows the nick again.
 */
static void
test_changes (void)
{
  ivy_sets ("status", "watering");
  g_assert_true (gui_wait_for (members_show, (gpointer) "watering"));
  g_assert_true (gui_wait_for (members_lack, (gpointer) "repotting"));
  ivy_sets ("display-name", "Ivy G.");
  g_assert_true (gui_wait_for (members_show, (gpointer) "Ivy G."));
  ivy_sets ("display-name", NULL);
  g_assert_true (gui_wait_for (members_lack, (gpointer) "Ivy G."));
  g_assert_true (gui_wait_for (members_show, (gpointer) "ivy"));
  ivy_sets ("display-name", "Ivy Green");
  g_assert_true (gui_wait_for (members_show, (gpointer) "Ivy Green"));
}

/* Condition: the profile of @data ("nick=display name"; "nick=": none) says so. */
static gboolean
profile_named (gpointer data)
{
  g_auto (GStrv) kv = g_strsplit (data, "=", 2);
  GchatProfile *p = gchat_session_lookup_profile (session, kv[0]);

  return p != NULL &&
    g_strcmp0 (gchat_profile_get_display_name (p), *kv[1] != '\0' ? kv[1] : NULL) == 0;
}

/* Step: ivy becomes ivy2: her profile goes with her; the old nick has none. */
static void
test_nick_change (void)
{
  gui_raw_send (&ivy, "NICK ivy2");
  gui_raw_expect (&ivy, ":ivy!* NICK *ivy2*");
  g_assert_true (gui_wait_for (profile_named, (gpointer) "ivy2=Ivy Green"));
  g_assert_null (gchat_session_lookup_profile (session, "ivy"));
  gui_raw_send (&ivy, "NICK ivy");
  gui_raw_expect (&ivy, ":ivy2!* NICK *ivy*");
  g_assert_true (gui_wait_for (profile_named, (gpointer) "ivy=Ivy Green"));
}

/* Step: /profile sets gchat's own display name; ivy reads it from the server. */
static void
test_own_profile (void)
{
  gui_type_line (window, "/profile display-name Ada Lovelace");
  g_assert_true (gui_wait_for (profile_named, (gpointer) "ada=Ada Lovelace"));
  g_ptr_array_set_size (ivy.lines, 0);
  gui_raw_send (&ivy, "METADATA ada GET display-name");
  gui_raw_expect (&ivy, ":* 761 ivy ada display-name * :Ada Lovelace");
  gui_type_line (window, "/profile display-name");
  g_assert_true (gui_wait_for (profile_named, (gpointer) "ada="));
  g_ptr_array_set_size (ivy.lines, 0);
  gui_raw_send (&ivy, "METADATA ada GET display-name");
  gui_raw_expect (&ivy, ":* 766 ivy ada display-name *");
}

/*
 * Step: an avatar of 600 KiB and one that is not an image show no picture
 * (the initials stay) and break nothing; a good one afterwards shows again.
 */
static void
test_bad_avatars (void)
{
  const char *bad[] = { "big.png", "note.png", "missing.png" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *url = web_url (bad[i]);

    ivy_sets ("avatar", url);
    g_assert_true (gui_wait_for (profile_avatar_is, url));
    gui_spin (1000);
    g_assert_null (gchat_profile_get_picture (gchat_session_lookup_profile (session, "ivy")));
  }
  {
    g_autofree char *url = web_url ("ivy.png");

    ivy_sets ("avatar", url);
    g_assert_true (gui_wait_for (profile_has_picture, NULL));
  }
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  g_test_add_func ("/profiles/member-list", test_member_list);
  g_test_add_func ("/profiles/message-row", test_message_row);
  g_test_add_func ("/profiles/changes", test_changes);
  g_test_add_func ("/profiles/nick-change", test_nick_change);
  g_test_add_func ("/profiles/own", test_own_profile);
  g_test_add_func ("/profiles/bad-avatars", test_bad_avatars);
  status = g_test_run ();
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&ivy);
  httpd_stop ();
  g_clear_object (&app);
  return status;
}
