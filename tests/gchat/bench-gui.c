/*
 * bench-gui.c: how gchat feels under load, measured in a real window under
 * Xvfb against a real chatd; contrib/gchat-bench/run.sh runs it through
 * tests/gchat/gui.sh. A benchmark, not a test: it checks that the work was
 * done (every line arrived, the file came through whole) and prints figures;
 * it never asserts a time.
 *
 * scroll: a group of GCHAT_BENCH_LINES lines (default 2,000) is scrolled from
 *   the bottom to the top and back, GCHAT_BENCH_STEP pixels (default 120) per
 *   frame, as a fast drag would; the time between frames, and the frames
 *   later than 1.5 refresh intervals, which a person sees as dropped.
 * typing: while a file of GCHAT_BENCH_MIB MiB (default 100) goes to a peer
 *   process (contrib/gchat-bench/peer.py, path in GCHAT_BENCH_PEER) and then
 *   comes back from it, a character goes into the entry every 50 ms: the
 *   time from each keystroke to the frame that shows it, and how late a
 *   10 ms timer fires (the longest the main loop was busy).
 *
 * The scroll also prints the CPU time the whole gchat process used while it
 * ran (getrusage), per frame: it moves much less than the frame intervals
 * when other processes load the machine. GCHAT_BENCH_SCROLL_ONLY=1
 * skips the typing phase (for profiling the scroll). Under
 * valgrind --tool=callgrind --collect-atstart=no only the scroll is counted.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_TOGGLE_COLLECT
#endif

#include "gchat-conversation.h"
#include "gchat-message.h"
#include "gchat-transfer.h"
#include "gchat-window.h"
#include "gui-common.h"

/* The longest any phase may take before the benchmark gives up. */
#define BENCH_PHASE_US (300 * G_TIME_SPAN_SECOND)

static GchatApplication *app;
static GchatWindow      *window;
static GchatSession     *session;
static RawClient         feeder;
static guint16           port;
static char             *work_dir;

/* An environment variable as a positive number, or @fallback. */
static guint
bench_env (const char *name, guint fallback)
{
  const char *v = g_getenv (name);
  guint64     n = v != NULL ? g_ascii_strtoull (v, NULL, 10) : 0;

  return n > 0 && n < G_MAXUINT ? (guint)n : fallback;
}

/* Sort helper for gint64 samples. */
static int
bench_cmp (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* The @pct percentile of @samples (microseconds, sorted here) in ms. */
static double
bench_pct (GArray *samples, double pct)
{
  guint i;

  if (samples->len == 0)
    return 0;
  g_array_sort (samples, bench_cmp);
  i = (guint)(pct / 100.0 * (samples->len - 1) + 0.5);
  return g_array_index (samples, gint64, i) / 1000.0;
}

/* Print one line of figures for @samples under @what. */
static void
bench_report (const char *what, GArray *samples)
{
  g_print ("# %s: %u samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           what,
           samples->len,
           bench_pct (samples, 50),
           bench_pct (samples, 99),
           bench_pct (samples, 100));
}

/* Spin the main loop until @cond holds or a phase's bound passes. */
static gboolean
bench_wait (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + BENCH_PHASE_US;

  while (!cond (data)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  }
  return TRUE;
}

/* The CPU time (user and system, all threads) this process has used, in microseconds. */
static gint64
bench_cpu_us (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0;
  return (gint64)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_TIME_SPAN_SECOND +
    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* The refresh interval of the window's monitor in microseconds (60 Hz if unknown). */
static gint64
bench_refresh_us (void)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  GdkMonitor *monitor =
    gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface);
  int mhz = monitor != NULL ? gdk_monitor_get_refresh_rate (monitor) : 0;

  return mhz > 0 ? (gint64)(1000000000.0 / mhz) : 16667;
}

/* The message view's vertical adjustment. */
static GtkAdjustment *
bench_vadj (void)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (gchat_window_get_message_view (window)));
}

/* Scrolling: direction, step, and the frames seen. */
typedef struct
{
  int      dir; /* -1 up, +1 down, 0 finished */
  double   step;
  gint64   last;
  GArray  *intervals;
  guint    late;
  gint64   late_us;
  gboolean done;
} Scroll;

/* Tick: note the frame's interval, then move the view one step. */
static gboolean
bench_scroll_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Scroll        *s = data;
  GtkAdjustment *adj = bench_vadj ();
  gint64         now = g_get_monotonic_time (); /* the clock's frame time is smoothed */
  double         v = gtk_adjustment_get_value (adj);
  double         bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  if (s->last != 0) {
    gint64 d = now - s->last;

    g_array_append_val (s->intervals, d);
    s->late += d > s->late_us;
  }
  s->last = now;
  if (s->dir < 0 && v <= 0)
    s->dir = 1;
  else if (s->dir > 0 && v >= bottom) {
    s->done = TRUE;
    return G_SOURCE_REMOVE;
  }
  gtk_adjustment_set_value (adj, CLAMP (v + s->dir * s->step, 0, bottom));
  return G_SOURCE_CONTINUE;
}

/* Condition: the scroll went up and down again. */
static gboolean
bench_scrolled (gpointer data)
{
  return ((Scroll *)data)->done;
}

/* Condition: the conversation @data holds the benchmark's last line. */
static gboolean
bench_all_lines (gpointer data)
{
  GchatConversation *conv = gchat_session_find (session, "#bench");
  GListModel        *msgs;
  guint              n;

  if (conv == NULL ||
      (n = g_list_model_get_n_items (msgs = gchat_conversation_get_messages (conv))) == 0)
    return FALSE;
  for (guint i = n; i-- > 0 && i + 5 > n;) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    if (g_strcmp0 (gchat_message_get_text (m), data) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Condition: the message view is taller than its window (the rows are laid out). */
static gboolean
bench_laid_out (gpointer data)
{
  GtkAdjustment *adj = bench_vadj ();

  return gtk_adjustment_get_page_size (adj) > 0 &&
    gtk_adjustment_get_upper (adj) > 2 * gtk_adjustment_get_page_size (adj);
}

/* Phase 1: 2,000 lines in #bench, scrolled to the top and back. */
static void
bench_scroll (void)
{
  guint            lines = bench_env ("GCHAT_BENCH_LINES", 2000);
  g_autofree char *last =
    g_strdup_printf ("line %u of the benchmark, with some words to wrap", lines);
  Scroll s = { .dir = -1, .step = bench_env ("GCHAT_BENCH_STEP", 120) };
  guint  tick;
  gint64 cpu, wall;

  gui_raw_connect (&feeder, port, "feeder");
  gui_raw_send (&feeder, "JOIN #bench");
  gui_raw_expect (&feeder, ":* 366 feeder #bench *");
  gui_type_line (window, "/join #bench");
  gui_raw_expect (&feeder, ":alice!* JOIN *#bench*");
  for (guint i = 1; i <= lines; i++) {
    g_autofree char *line =
      g_strdup_printf ("PRIVMSG #bench :line %u of the benchmark, with some words to wrap", i);

    gui_raw_send (&feeder, line);
  }
  g_assert_true (bench_wait (bench_all_lines, last));
  g_assert_true (bench_wait (bench_laid_out, NULL)); /* slow under valgrind */
  gui_spin (500);
  s.intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  s.late_us = bench_refresh_us () * 3 / 2;
  cpu = bench_cpu_us ();
  wall = g_get_monotonic_time ();
  CALLGRIND_TOGGLE_COLLECT;
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (gchat_window_get_message_view (window)),
                                       bench_scroll_tick,
                                       &s,
                                       NULL);
  if (!bench_wait (bench_scrolled, &s)) {
    gtk_widget_remove_tick_callback (GTK_WIDGET (gchat_window_get_message_view (window)), tick);
    g_error ("the scroll did not finish");
  }
  CALLGRIND_TOGGLE_COLLECT;
  cpu = bench_cpu_us () - cpu;
  wall = g_get_monotonic_time () - wall;
  g_print ("# scroll: %u lines, %.0f px per frame, refresh %.2f ms\n",
           lines,
           s.step,
           bench_refresh_us () / 1000.0);
  g_print ("# scroll: %u of %u frames later than %.1f ms (dropped)\n",
           s.late,
           s.intervals->len,
           s.late_us / 1000.0);
  bench_report ("scroll frame interval", s.intervals);
  g_print ("# scroll: CPU time %.3f s in %.3f s, %.2f ms per frame, %.0f frames per CPU-second\n",
           cpu / 1e6,
           wall / 1e6,
           s.intervals->len > 0 ? cpu / 1000.0 / s.intervals->len : 0,
           cpu > 0 ? s.intervals->len * 1e6 / cpu : 0);
  g_array_unref (s.intervals);
}

/* Typing while a transfer runs: keystrokes waiting for their frame, timer lateness. */
typedef struct
{
  gint64  typed;    /* when the last character went in, 0 once painted */
  gint64  expected; /* when the 10 ms timer should fire next */
  GArray *to_paint;
  GArray *late;
  guint   chars;
} Typing;

/* Every 50 ms: one more character in the entry. */
static gboolean
bench_type (gpointer data)
{
  Typing      *t = data;
  GtkEditable *entry = GTK_EDITABLE (gchat_window_get_entry (window));
  int          pos = -1;

  if (++t->chars % 40 == 0)
    gtk_editable_set_text (entry, "");
  pos = gtk_editable_get_position (entry);
  gtk_editable_insert_text (entry, "a", 1, &pos);
  gtk_editable_set_position (entry, pos);
  t->typed = g_get_monotonic_time ();
  return G_SOURCE_CONTINUE;
}

/* After each frame: a keystroke waiting for it has been shown. */
static void
bench_after_paint (GdkFrameClock *clock, gpointer data)
{
  Typing *t = data;

  if (t->typed != 0) {
    gint64 d = g_get_monotonic_time () - t->typed;

    g_array_append_val (t->to_paint, d);
    t->typed = 0;
  }
}

/* Every 10 ms: how late this firing is. */
static gboolean
bench_timer (gpointer data)
{
  Typing *t = data;
  gint64  now = g_get_monotonic_time ();
  gint64  d = MAX (0, now - t->expected);

  g_array_append_val (t->late, d);
  t->expected = now + 10 * G_TIME_SPAN_MILLISECOND;
  return G_SOURCE_CONTINUE;
}

/* The peer process and what it printed. */
typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  char             *line;
  gboolean          exited;
  gboolean          ok;
} Peer;

/* A line from the peer arrived; keep the last one and read on. */
static void
bench_peer_line (GObject *source, GAsyncResult *res, gpointer data)
{
  Peer *p = data;
  char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), res, NULL, NULL);

  if (line == NULL)
    return;
  g_free (p->line);
  p->line = line;
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, bench_peer_line, p);
}

/* The peer ended. */
static void
bench_peer_exited (GObject *source, GAsyncResult *res, gpointer data)
{
  Peer *p = data;

  p->ok = g_subprocess_wait_check_finish (G_SUBPROCESS (source), res, NULL);
  p->exited = TRUE;
}

/* Condition: the peer said @data ("ready") or more. */
static gboolean
bench_peer_ready (gpointer data)
{
  Peer *p = data;

  return p->exited || (p->line != NULL && strcmp (p->line, "ready") == 0);
}

/* Condition: the peer ended. */
static gboolean
bench_peer_done (gpointer data)
{
  return ((Peer *)data)->exited;
}

/* Start peer.py in @mode with @arg; wait until it is registered. */
static void
bench_peer_start (Peer *p, const char *mode, const char *arg)
{
  const char      *script = g_getenv ("GCHAT_BENCH_PEER");
  g_autofree char *port_s = g_strdup_printf ("%u", port);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "python3", script, port_s, mode, arg, NULL };

  g_assert_nonnull (script);
  p->proc = gui_spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv, &error);
  g_assert_no_error (error);
  p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->proc));
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, bench_peer_line, p);
  g_subprocess_wait_check_async (p->proc, NULL, bench_peer_exited, p);
  g_assert_true (bench_wait (bench_peer_ready, p));
  g_assert_false (p->exited);
}

/* Free what bench_peer_start made (the process has ended). */
static void
bench_peer_clear (Peer *p)
{
  g_clear_object (&p->out);
  g_clear_object (&p->proc);
  g_clear_pointer (&p->line, g_free);
  p->exited = p->ok = FALSE;
}

/* A file of @mib MiB of pseudo-random bytes at @path; its SHA-256. */
static char *
bench_make_file (const char *path, guint mib)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261208);
  FILE    *f = g_fopen (path, "wb");
  guint32 *block = g_new (guint32, 262144);

  g_assert_nonnull (f);
  for (guint m = 0; m < mib; m++) {
    for (guint i = 0; i < 262144; i++)
      block[i] = g_rand_int (rand);
    g_assert_cmpuint (fwrite (block, 1, 1048576, f), ==, 1048576);
    g_checksum_update (sum, (const guchar *)block, 1048576);
  }
  g_assert_cmpint (fclose (f), ==, 0);
  g_free (block);
  return g_strdup (g_checksum_get_string (sum));
}

/* The transfer named @name (borrowed), or NULL. */
static GchatTransfer *
bench_transfer_named (const char *name)
{
  GListModel *transfers = gchat_session_get_transfers (session);

  for (guint i = 0; i < g_list_model_get_n_items (transfers); i++) {
    g_autoptr (GchatTransfer) t = g_list_model_get_item (transfers, i);

    if (g_strcmp0 (gchat_transfer_get_name (t), name) == 0 && !gchat_transfer_is_over (t))
      return t;
  }
  return NULL;
}

/* Condition: an incoming transfer named @data is offered. */
static gboolean
bench_offered (gpointer data)
{
  return bench_transfer_named (data) != NULL;
}

/* Condition: the transfer @data is over. */
static gboolean
bench_transfer_over (gpointer data)
{
  return gchat_transfer_is_over (data);
}

/* Start measuring typing: the timers and the frame clock handler. */
static void
bench_typing_begin (Typing *t, guint *sources, gulong *paint)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  t->to_paint = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->late = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->expected = g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND;
  gtk_widget_grab_focus (GTK_WIDGET (gchat_window_get_entry (window)));
  sources[0] = g_timeout_add (50, bench_type, t);
  sources[1] = g_timeout_add (10, bench_timer, t);
  *paint = g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint), t);
}

/* Stop measuring and print the figures of @what. */
static void
bench_typing_end (Typing *t, guint *sources, gulong paint, const char *what)
{
  g_autofree char *keys = g_strdup_printf ("%s: keystroke to frame", what);
  g_autofree char *late = g_strdup_printf ("%s: 10 ms timer late by", what);

  g_source_remove (sources[0]);
  g_source_remove (sources[1]);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), paint);
  gtk_editable_set_text (GTK_EDITABLE (gchat_window_get_entry (window)), "");
  bench_report (keys, t->to_paint);
  bench_report (late, t->late);
  g_array_unref (t->to_paint);
  g_array_unref (t->late);
}

/* Phase 2: type while alice sends the file to bob, then while bob sends it back. */
static void
bench_typing (void)
{
  guint            mib = bench_env ("GCHAT_BENCH_MIB", 100);
  g_autofree char *path = g_build_filename (work_dir, "bench.bin", NULL);
  g_autofree char *back = g_build_filename (work_dir, "bench-back.bin", NULL);
  g_autofree char *sha = bench_make_file (path, mib);
  g_autofree char *cmd = g_strdup_printf ("/sendfile bob %s", path);
  g_autofree char *received = NULL;
  g_autofree char *got = NULL;
  Peer             peer = { 0 };
  Typing           t = { 0 };
  guint            sources[2];
  gulong           paint;
  GchatTransfer   *in;
  gint64           start;
  gchar           *data = NULL;
  gsize            len = 0;

  /* Idle: the same measurement without a transfer, for comparison. */
  bench_typing_begin (&t, sources, &paint);
  gui_spin (5000);
  bench_typing_end (&t, sources, paint, "idle");

  bench_peer_start (&peer, "recv", sha);
  g_assert_true (gchat_window_show_by_name (window, "#bench"));
  start = g_get_monotonic_time ();
  gui_type_line (window, cmd);
  bench_typing_begin (&t, sources, &paint);
  g_assert_true (bench_wait (bench_peer_done, &peer));
  bench_typing_end (&t, sources, paint, "sending");
  g_assert_true (peer.ok);
  g_print (
    "# sending: %u MiB from gchat to the peer in %.2f s (%.1f MB/s), SHA-256 checked by the peer\n",
    mib,
    (g_get_monotonic_time () - start) / 1e6,
    mib * 1.048576 / ((g_get_monotonic_time () - start) / 1e6));
  bench_peer_clear (&peer);

  g_assert_cmpint (g_rename (path, back), ==, 0);
  bench_peer_start (&peer, "send", back);
  start = g_get_monotonic_time ();
  bench_typing_begin (&t, sources, &paint);
  g_assert_true (bench_wait (bench_offered, (gpointer) "bench-back.bin"));
  in = bench_transfer_named ("bench-back.bin");
  gchat_session_transfer_answer (session, gchat_transfer_get_key (in), TRUE);
  g_assert_true (bench_wait (bench_transfer_over, in));
  bench_typing_end (&t, sources, paint, "receiving");
  g_assert_cmpint (gchat_transfer_get_state (in), ==, GCHAT_TRANSFER_DONE);
  g_print ("# receiving: %u MiB from the peer to gchat in %.2f s (%.1f MB/s)\n",
           mib,
           (g_get_monotonic_time () - start) / 1e6,
           mib * 1.048576 / ((g_get_monotonic_time () - start) / 1e6));
  received = g_file_get_path (gchat_transfer_get_file (in));
  g_assert_true (g_file_get_contents (received, &data, &len, NULL));
  got = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)data, len);
  g_free (data);
  g_assert_cmpstr (got, ==, sha);
  g_assert_true (bench_wait (bench_peer_done, &peer));
  g_assert_true (peer.ok);
  bench_peer_clear (&peer);
  g_unlink (received);
  g_unlink (back);
}

int
main (int argc, char **argv)
{
  int status;

  app = gui_test_init (argc, argv, &port);
  if (app == NULL)
    return 0;
  work_dir = g_dir_make_tmp ("gchat-bench-XXXXXX", NULL);
  g_assert_nonnull (work_dir);
  window = gui_open_window (app, port, "alice", NULL, NULL, FALSE, 1000, 700);
  session = gchat_window_get_session (window);
  gchat_session_set_download_dir (session, work_dir);
  gchat_window_connect (window);
  g_assert_true (gui_wait_for (gui_is_connected, session));
  g_test_add_func ("/bench/scroll", bench_scroll);
  if (bench_env ("GCHAT_BENCH_SCROLL_ONLY", 0) == 0)
    g_test_add_func ("/bench/typing", bench_typing);
  status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (window));
  gui_raw_close (&feeder);
  g_rmdir (work_dir);
  g_free (work_dir);
  g_clear_object (&app);
  return status;
}
