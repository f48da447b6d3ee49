/*
 * gui-common.h: the harness the gchat GTest programs share: waiting on the
 * main loop with a timeout, a raw protocol client for the far side of a
 * conversation, and finding widgets in the real window.
 */
#pragma once

#include <gtk/gtk.h>

#include "gchat-application.h"
#include "gchat-message-row.h"
#include "gchat-session.h"
#include "gchat-window.h"

/* Every wait ends after this long. */
#define GUI_WAIT_MS 10000

/* A client that speaks the protocol by hand; every line it got is kept. */
typedef struct
{
  GSocketConnection *conn;
  GDataInputStream  *in;
  GOutputStream     *out;
  GCancellable      *cancel;
  GPtrArray         *lines;
} RawClient;

GchatApplication *gui_test_init (int argc, char **argv, guint16 *port);
gboolean          gui_wait_for (gboolean (*cond) (gpointer), gpointer data);
void              gui_drain (void);
void              gui_spin (guint ms);
GSubprocess      *gui_spawn (GSubprocessFlags flags, const char *const *argv, GError **error);
GtkWidget        *gui_find_label (GtkWidget *root, const char *text);
void              gui_screenshot (const char *name);
const char       *gui_lines_find (GPtrArray *lines, const char *glob);
void              gui_lines_expect (GPtrArray *lines, const char *glob, const char *who);
void              gui_raw_connect (RawClient *c, guint16 port, const char *nick);
void              gui_raw_send (RawClient *c, const char *line);
void              gui_raw_expect (RawClient *c, const char *glob);
void              gui_raw_close (RawClient *c);
GchatWindow      *gui_open_window (GchatApplication *app,
                                   guint16           port,
                                   const char       *nick,
                                   const char       *account,
                                   const char       *password,
                                   gboolean          register_account,
                                   int               width,
                                   int               height);
gboolean          gui_is_connected (gpointer session);
void              gui_collect_rows (GtkWidget *widget, GPtrArray *rows);
GchatMessageRow  *gui_find_row (GchatWindow *window, const char *text);
void              gui_type_line (GchatWindow *window, const char *text);
GtkWidget        *gui_find_by_id (GtkWidget *root, const char *id);
GtkWidget        *gui_find_toplevel (GType type);
gboolean          gui_menu_has (GMenuModel *model, const char *attribute, const char *value);
GtkMenuButton    *gui_find_menu_button (GtkWidget *widget, const char *label);
gboolean          gui_popover_mapped (gpointer data);
