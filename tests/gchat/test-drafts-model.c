/*
 * test-drafts-model.c: the session's side of draft/multiline,
 * draft/message-redaction, draft/read-marker and echo-message, without a
 * window or a server: server lines go in through
 * gchat_connection_process_line, what gchat would send is caught from
 * ::line-sent (test-drafts runs the same against chatd, with a window).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gchat-session.h"
#include "gui-common.h"

typedef struct
{
  GchatSession    *session;
  GchatConnection *conn;
  GPtrArray       *sent;
} Fixture;

/* ::line-sent: remember what gchat would have written. */
static void
on_line_sent (GchatConnection *conn, const char *line, gpointer user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->sent, g_strdup (line));
}

/* Feed one line as if the server sent it. */
static void
feed (Fixture *f, const char *line)
{
  gchat_connection_process_line (f->conn, line);
}

/* The first line sent from the @from'th on that matches @glob, or NULL. */
static const char *
sent_find (Fixture *f, guint from, const char *glob)
{
  for (guint i = from; i < f->sent->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (f->sent, i)))
      return g_ptr_array_index (f->sent, i);
  return NULL;
}

/* The label of a sent line "@label=X ..." (a new string). */
static char *
label_of (const char *line)
{
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "@label="));
  return g_strndup (line + 7, strcspn (line + 7, "; "));
}

/* The message of @conv with @text (borrowed), or NULL. */
static GchatMessage *
find_text (GchatConversation *conv, const char *text)
{
  GListModel *model = gchat_conversation_get_messages (conv);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (model, i);

    if (g_strcmp0 (gchat_message_get_text (m), text) == 0)
      return m; /* the store keeps it */
  }
  return NULL;
}

/* How many messages of @conv a person said. */
static guint
count_chat (GchatConversation *conv)
{
  GListModel *model = gchat_conversation_get_messages (conv);
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (model, i);

    n += gchat_message_is_chat (m);
  }
  return n;
}

/* A session welcomed as alice, logged in, with the drafts' capabilities (small limits). */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  const char      *caps = data != NULL ? data
                                       : "draft/multiline echo-message labeled-response batch "
                                         "message-tags draft/message-redaction draft/read-marker";
  g_autofree char *ack = g_strdup_printf (":chatd.test CAP alice ACK :%s", caps);

  f->session = gchat_session_new ();
  f->conn = gchat_session_get_connection (f->session);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->conn, "line-sent", G_CALLBACK (on_line_sent), f);
  gchat_connection_set_nick (f->conn, "alice");
  feed (f,
        ":chatd.test CAP * LS :draft/multiline=max-bytes=1000,max-lines=2 echo-message "
        "labeled-response batch message-tags draft/message-redaction draft/read-marker");
  feed (f, ack);
  feed (f, ":chatd.test 001 alice :Welcome to chatd, alice");
  feed (f, ":chatd.test 900 alice alice!a@h alice :You are now logged in as alice");
  gchat_session_set_active (f->session, gchat_session_get_server (f->session));
  feed (f, ":alice!a@h JOIN #room");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_ptr_array_unref (f->sent);
}

/* The CAP request asks for the drafts, and echo-message only with labeled-response. */
static void
test_cap_request (void)
{
  g_autoptr (GchatSession) session = gchat_session_new ();
  GchatConnection *conn = gchat_session_get_connection (session);
  g_autoptr (GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  Fixture f = { session, conn, sent };

  g_signal_connect (conn, "line-sent", G_CALLBACK (on_line_sent), &f);
  feed (&f, ":chatd.test CAP * LS :batch echo-message draft/multiline=max-bytes=4096");
  g_assert_nonnull (sent_find (&f, 0, "CAP REQ :batch draft/multiline"));
  feed (&f,
        ":chatd.test CAP * LS :batch echo-message labeled-response draft/multiline=max-bytes=4096 "
        "draft/message-redaction draft/read-marker");
  g_assert_nonnull (sent_find (&f,
                               1,
                               "CAP REQ :batch labeled-response echo-message draft/multiline "
                               "draft/message-redaction draft/read-marker"));
}

/*
 * Three lines within max-lines=2: a batch of two, then one line; each is
 * one message of ours, and its echo (by label) gives it the msgid
 * without showing it again.
 */
static void
test_send_multiline (Fixture *f, gconstpointer data)
{
  GchatConversation *room = gchat_session_find (f->session, "#room");
  guint              from = f->sent->len;
  g_autofree char   *l1 = NULL;
  g_autofree char   *l2 = NULL;
  g_autofree char   *line = NULL;
  g_autoptr (GError) error = NULL;
  const char *open;
  char        ref[32];

  g_assert_true (gchat_session_say (f->session, room, "one\ntwo\nthree", FALSE, &error));
  g_assert_no_error (error);
  open = sent_find (f, from, "@label=* BATCH +* draft/multiline #room");
  l1 = label_of (open);
  g_assert_cmpint (sscanf (strstr (open, "BATCH +") + 7, "%31s", ref), ==, 1);
  line = g_strdup_printf ("@batch=%s PRIVMSG #room one", ref);
  g_assert_nonnull (sent_find (f, from, line));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("@batch=%s PRIVMSG #room two", ref);
  g_assert_nonnull (sent_find (f, from, line));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("BATCH -%s", ref);
  g_assert_nonnull (sent_find (f, from, line));
  l2 = label_of (sent_find (f, from, "@label=* PRIVMSG #room three"));
  g_assert_null (sent_find (f, from, "*PRIVMSG #room :three*"));
  g_assert_cmpuint (count_chat (room), ==, 2);
  g_assert_true (gchat_message_get_own (find_text (room, "one\ntwo")));
  g_assert_null (gchat_message_get_msgid (find_text (room, "one\ntwo")));

  /* The echoes: the batch inside a labeled-response batch, the line labeled itself. */
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("@label=%s :chatd.test BATCH +lr labeled-response", l1);
  feed (f, line);
  feed (f,
        "@batch=lr;time=2026-01-01T10:00:00.000Z;msgid=m1 :alice!a@h BATCH +x "
        "draft/multiline #room");
  feed (f, "@batch=x :alice!a@h PRIVMSG #room :one");
  feed (f, "@batch=x :alice!a@h PRIVMSG #room :two");
  feed (f, "@batch=lr :alice!a@h BATCH -x");
  feed (f, ":chatd.test BATCH -lr");
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("@label=%s;time=2026-01-01T10:00:01.000Z;msgid=m2 :alice!a@h PRIVMSG "
                          "#room three",
                          l2);
  feed (f, line);
  g_assert_cmpuint (count_chat (room), ==, 2);
  g_assert_cmpstr (gchat_message_get_msgid (find_text (room, "one\ntwo")), ==, "m1");
  g_assert_cmpstr (gchat_message_get_msgid (find_text (room, "three")), ==, "m2");
  {
    g_autofree char *when =
      g_date_time_format_iso8601 (gchat_message_get_time (find_text (room, "three")));

    g_assert_true (g_str_has_prefix (when, "2026-01-01T10:00:01"));
  }
  /* An echo without a label we know is still not shown twice. */
  feed (f, "@msgid=m9 :alice!a@h PRIVMSG #room :three");
  g_assert_cmpuint (count_chat (room), ==, 2);

  /*
   * A line longer than the wire takes is continued (concat) in its batch:
   * 800 bytes in lines of 375 (512 less the command, target and the
   * server's prefix), 2 a batch: two messages, 750 and 50 bytes.
   */
  from = f->sent->len;
  {
    g_autofree char *longer = g_strnfill (800, 'x');
    g_autofree char *first = g_strnfill (750, 'x');
    g_autofree char *rest = g_strnfill (50, 'x');

    g_assert_true (gchat_session_say (f->session, room, longer, FALSE, NULL));
    g_assert_nonnull (find_text (room, first));
    g_assert_nonnull (find_text (room, rest));
    g_assert_cmpuint (count_chat (room), ==, 4);
  }
  g_assert_nonnull (sent_find (f, from, "@batch=*;draft/multiline-concat PRIVMSG #room *"));
}

/* Without the capability: lines one by one, blank ones left out, each its own message. */
static void
test_send_lines (Fixture *f, gconstpointer data)
{
  GchatConversation *room = gchat_session_find (f->session, "#room");
  guint              from = f->sent->len;

  g_assert_true (gchat_session_say (f->session, room, "one\n\ntwo", FALSE, NULL));
  g_assert_null (sent_find (f, from, "*BATCH*"));
  g_assert_nonnull (sent_find (f, from, "PRIVMSG #room one"));
  g_assert_nonnull (sent_find (f, from, "PRIVMSG #room two"));
  g_assert_cmpuint (f->sent->len - from, ==, 2);
  g_assert_cmpuint (count_chat (room), ==, 2);

  /* A paste of more lines than gchat sends at once is refused whole, not cut. */
  {
    g_autoptr (GString) paste = g_string_new (NULL);
    g_autoptr (GError) error = NULL;

    for (guint i = 0; i < 600; i++)
      g_string_append_printf (paste, "line %u\n", i);
    from = f->sent->len;
    g_assert_false (gchat_session_say (f->session, room, paste->str, FALSE, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "too long"));
    g_assert_cmpuint (f->sent->len, ==, from);
    g_assert_cmpuint (count_chat (room), ==, 2);
  }
}

/* Batches received, live and in history: one message with its line breaks. */
static void
test_receive_multiline (Fixture *f, gconstpointer data)
{
  GchatConversation *room = gchat_session_find (f->session, "#room");
  GchatMessage      *msg;

  feed (f, "@time=2026-01-01T10:00:00.000Z;msgid=b1 :bob!b@h BATCH +r draft/multiline #room");
  feed (f, "@batch=r :bob!b@h PRIVMSG #room :int main(void)");
  feed (f, "@batch=r :bob!b@h PRIVMSG #room :");
  feed (f, "@batch=r :bob!b@h PRIVMSG #room :{ return ");
  feed (f, "@batch=r;draft/multiline-concat :bob!b@h PRIVMSG #room :0; }");
  g_assert_cmpuint (count_chat (room), ==, 0); /* nothing before the end */
  feed (f, ":bob!b@h BATCH -r");
  msg = find_text (room, "int main(void)\n\n{ return 0; }");
  g_assert_nonnull (msg);
  g_assert_cmpstr (gchat_message_get_msgid (msg), ==, "b1");
  g_assert_cmpstr (gchat_message_get_nick (msg), ==, "bob");
  g_assert_false (gchat_message_get_history (msg));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 1);

  feed (f, ":chatd.test BATCH +h chathistory #room");
  feed (f,
        "@time=2025-01-01T10:00:00.000Z;msgid=o1;batch=h :bob!b@h BATCH +o draft/multiline "
        "#room");
  feed (f, "@batch=o :bob!b@h PRIVMSG #room :said before");
  feed (f, "@batch=o :bob!b@h PRIVMSG #room :you came");
  feed (f, "@batch=h :bob!b@h BATCH -o");
  feed (f, ":chatd.test BATCH -h");
  msg = find_text (room, "said before\nyou came");
  g_assert_nonnull (msg);
  g_assert_true (gchat_message_get_history (msg));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 1);
}

/* REDACT takes the message away, in a group and privately, whoever sent it. */
static void
test_redact (Fixture *f, gconstpointer data)
{
  GchatConversation *room = gchat_session_find (f->session, "#room");
  GchatConversation *bob;
  GchatMessage      *mine;

  feed (f, "@msgid=r1 :bob!b@h PRIVMSG #room :oops");
  feed (f, "@msgid=r2 :bob!b@h PRIVMSG #room :fine");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 2);
  feed (f, ":bob!b@h REDACT #room r1 :typo");
  g_assert_null (find_text (room, "oops"));
  g_assert_nonnull (find_text (room, "fine"));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 1);
  feed (f, ":bob!b@h REDACT #room unknown");
  g_assert_nonnull (find_text (room, "fine"));

  /* Someone else's, as a group admin: can withdraw it once op. */
  feed (f, ":chatd.test 353 alice = #room :alice bob");
  feed (f, ":chatd.test 366 alice #room :End of /NAMES list");
  g_assert_false (gchat_session_can_withdraw (f->session, room, find_text (room, "fine")));
  feed (f, ":chatd.test MODE #room +o alice");
  g_assert_true (gchat_session_can_withdraw (f->session, room, find_text (room, "fine")));
  g_assert_true (gchat_session_withdraw (f->session, room, "r2"));
  g_assert_nonnull (sent_find (f, 0, "REDACT #room r2"));
  g_assert_nonnull (find_text (room, "fine")); /* until the server says so */
  feed (f, ":alice!a@h REDACT #room r2");
  g_assert_null (find_text (room, "fine"));

  /* Privately: their REDACT names us, ours names them. */
  feed (f, "@msgid=p1 :bob!b@h PRIVMSG alice :secret");
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (find_text (bob, "secret"));
  g_assert_false (gchat_session_can_withdraw (f->session, bob, find_text (bob, "secret")));
  feed (f, ":bob!b@h REDACT alice p1");
  g_assert_null (find_text (bob, "secret"));
  g_assert_true (gchat_session_say (f->session, bob, "mine", FALSE, NULL));
  mine = find_text (bob, "mine");
  g_assert_true (gchat_session_can_withdraw (f->session, bob, mine));
  gchat_message_set_msgid (mine, "p2");
  feed (f, ":alice!a@h REDACT bob p2");
  g_assert_null (find_text (bob, "mine"));
}

/* MARKREAD: the unread count follows the marker; history after it is unread too. */
static void
test_read_marker (Fixture *f, gconstpointer data)
{
  GchatConversation *room = gchat_session_find (f->session, "#room");
  GchatConversation *old;
  guint              from;

  feed (f, "@time=2026-01-01T10:00:00.000Z :bob!b@h PRIVMSG #room :alice: first");
  feed (f, "@time=2026-01-01T10:01:00.000Z :bob!b@h PRIVMSG #room :second");
  feed (f, "@time=2026-01-01T10:02:00.000Z :bob!b@h PRIVMSG #room :third");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 3);
  g_assert_true (gchat_conversation_get_mentioned (room));
  feed (f, ":chatd.test MARKREAD #room *");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 3);
  feed (f, ":chatd.test MARKREAD #ROOM timestamp=2026-01-01T10:00:30.000Z");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 2);
  g_assert_false (gchat_conversation_get_mentioned (room));
  /* Never back. */
  feed (f, ":chatd.test MARKREAD #room timestamp=2025-01-01T00:00:00.000Z");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 2);
  feed (f, ":chatd.test MARKREAD #room timestamp=garbage");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 2);
  feed (f, ":chatd.test MARKREAD #room timestamp=2026-01-01T10:02:00.000Z");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);

  /* Reading it here tells the server once, with the newest line's time. */
  from = f->sent->len;
  feed (f, "@time=2026-01-01T10:03:00.000Z :bob!b@h PRIVMSG #room :fourth");
  gchat_session_set_active (f->session, room);
  gchat_session_mark_read (f->session, room);
  g_assert_nonnull (sent_find (f, from, "MARKREAD #room timestamp=2026-01-01T10:03:00.000Z"));
  g_assert_cmpuint (f->sent->len - from, ==, 1);
  gchat_session_mark_read (f->session, room);
  g_assert_cmpuint (f->sent->len - from, ==, 1);
  /* The server log has no marker. */
  gchat_session_mark_read (f->session, gchat_session_get_server (f->session));
  g_assert_cmpuint (f->sent->len - from, ==, 1);
  /*
   * Reading on as lines arrive: within the interval the moves wait, then
   * go as one MARKREAD with the newest time (a busy group would otherwise
   * cost a line per line, which flood control counts).
   */
  feed (f, "@time=2026-01-01T10:04:00.000Z :bob!b@h PRIVMSG #room :fifth");
  gchat_session_mark_read (f->session, room);
  feed (f, "@time=2026-01-01T10:05:00.000Z :bob!b@h PRIVMSG #room :sixth");
  gchat_session_mark_read (f->session, room);
  g_assert_cmpuint (f->sent->len - from, ==, 1);
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);
  for (gint64 end = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;
       f->sent->len - from < 2 && g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10000);
  g_assert_cmpuint (f->sent->len - from, ==, 2);
  g_assert_nonnull (sent_find (f, from + 1, "MARKREAD #room timestamp=2026-01-01T10:05:00.000Z"));
  gchat_session_set_active (f->session, gchat_session_get_server (f->session));

  /* A group joined with a marker: its history after the marker is unread. */
  feed (f, ":alice!a@h JOIN #old");
  old = gchat_session_find (f->session, "#old");
  feed (f, ":chatd.test MARKREAD #old timestamp=2026-01-01T09:00:30.000Z");
  feed (f, ":chatd.test BATCH +h chathistory #old");
  feed (f, "@time=2026-01-01T09:00:00.000Z;batch=h :bob!b@h PRIVMSG #old :read");
  feed (f, "@time=2026-01-01T09:01:00.000Z;batch=h :bob!b@h PRIVMSG #old :not read");
  feed (f, ":chatd.test BATCH -h");
  g_assert_cmpuint (gchat_conversation_get_unread (old), ==, 1);
}

/* Not logged in: no markers sent (the server keeps them per account). */
static void
test_read_marker_no_account (void)
{
  g_autoptr (GchatSession) session = gchat_session_new ();
  GchatConnection *conn = gchat_session_get_connection (session);
  g_autoptr (GPtrArray) sent = g_ptr_array_new_with_free_func (g_free);
  Fixture            f = { session, conn, sent };
  GchatConversation *room;

  g_signal_connect (conn, "line-sent", G_CALLBACK (on_line_sent), &f);
  gchat_connection_set_nick (conn, "alice");
  feed (&f, ":chatd.test CAP alice ACK :draft/read-marker");
  feed (&f, ":chatd.test 001 alice :Welcome");
  feed (&f, ":alice!a@h JOIN #room");
  room = gchat_session_find (session, "#room");
  feed (&f, "@time=2026-01-01T10:00:00.000Z :bob!b@h PRIVMSG #room :hi");
  gchat_session_mark_read (session, room);
  g_assert_null (sent_find (&f, 0, "MARKREAD*"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/drafts/cap-request", test_cap_request);
  g_test_add ("/drafts/send-multiline",
              Fixture,
              NULL,
              fixture_setup,
              test_send_multiline,
              fixture_teardown);
  g_test_add ("/drafts/send-lines",
              Fixture,
              "batch message-tags",
              fixture_setup,
              test_send_lines,
              fixture_teardown);
  g_test_add ("/drafts/receive-multiline",
              Fixture,
              NULL,
              fixture_setup,
              test_receive_multiline,
              fixture_teardown);
  g_test_add ("/drafts/redact", Fixture, NULL, fixture_setup, test_redact, fixture_teardown);
  g_test_add ("/drafts/read-marker",
              Fixture,
              NULL,
              fixture_setup,
              test_read_marker,
              fixture_teardown);
  g_test_add_func ("/drafts/read-marker-no-account", test_read_marker_no_account);
  return g_test_run ();
}
