/*
 * test-oper-model.c: GchatServerRequests without a window or a server.
 * Server lines go in through gchat_connection_process_line, as the socket
 * would deliver them, so they pass the session's dispatcher; the lines
 * gchat would send are caught from ::line-sent.
 */
#include "config.h"

#include <string.h>

#include "gchat-session.h"
#include "gui-common.h"

typedef struct
{
  GchatSession        *session;
  GchatConnection     *conn;
  GchatServerRequests *requests;
  GPtrArray           *sent;
  /* What the signals said last. */
  int      oper_results;
  gboolean oper_ok;
  char    *oper_text;
  int      replies;
  int      reply_what;
  gboolean reply_ok;
  char    *reply_text;
  char    *stats_nick;
  char    *stats_error;
  int      info_changes;
} Fixture;

/* ::line-sent: remember what gchat would have written. */
static void
on_line_sent (GchatConnection *conn, const char *line, Fixture *f)
{
  g_ptr_array_add (f->sent, g_strdup (line));
}

/* ::oper-result. */
static void
on_oper_result (GchatServerRequests *r, gboolean ok, const char *text, Fixture *f)
{
  f->oper_results++;
  f->oper_ok = ok;
  g_free (f->oper_text);
  f->oper_text = g_strdup (text);
}

/* ::reply. */
static void
on_reply (GchatServerRequests *r, int what, gboolean ok, const char *text, Fixture *f)
{
  f->replies++;
  f->reply_what = what;
  f->reply_ok = ok;
  g_free (f->reply_text);
  f->reply_text = g_strdup (text);
}

/* ::stats. */
static void
on_stats (GchatServerRequests *r, const char *nick, const char *error, Fixture *f)
{
  g_free (f->stats_nick);
  g_free (f->stats_error);
  f->stats_nick = g_strdup (nick);
  f->stats_error = g_strdup (error);
}

/* ::info-changed. */
static void
on_info_changed (GchatServerRequests *r, Fixture *f)
{
  f->info_changes++;
}

/* Feed one line as if the server sent it. */
static void
feed (Fixture *f, const char *line)
{
  gchat_connection_process_line (f->conn, line);
}

/* The last line gchat sent. */
static const char *
last_sent (Fixture *f)
{
  g_assert_cmpuint (f->sent->len, >, 0);
  return g_ptr_array_index (f->sent, f->sent->len - 1);
}

/* How many sent lines are @line. */
static guint
sent_count (Fixture *f, const char *line)
{
  guint n = 0;

  for (guint i = 0; i < f->sent->len; i++)
    if (strcmp (g_ptr_array_index (f->sent, i), line) == 0)
      n++;
  return n;
}

/* The PING token of the last request ("PING gchat-N" was sent last). */
static char *
pong_for_last (Fixture *f)
{
  const char *ping = last_sent (f);

  g_assert_true (g_str_has_prefix (ping, "PING "));
  return g_strdup_printf (":chatd.test PONG chatd.test :%s", ping + 5);
}

/* How many messages of the server tab contain @text. */
static guint
server_count (Fixture *f, const char *text)
{
  GListModel *msgs = gchat_conversation_get_messages (gchat_session_get_server (f->session));
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    if (strstr (gchat_message_get_text (m), text) != NULL)
      n++;
  }
  return n;
}

/* A session that the server has welcomed as alice. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->session = gchat_session_new ();
  f->conn = gchat_session_get_connection (f->session);
  f->requests = gchat_session_get_requests (f->session);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->conn, "line-sent", G_CALLBACK (on_line_sent), f);
  g_signal_connect (f->requests, "oper-result", G_CALLBACK (on_oper_result), f);
  g_signal_connect (f->requests, "reply", G_CALLBACK (on_reply), f);
  g_signal_connect (f->requests, "stats", G_CALLBACK (on_stats), f);
  g_signal_connect (f->requests, "info-changed", G_CALLBACK (on_info_changed), f);
  gchat_connection_set_nick (f->conn, "alice");
  feed (f, ":chatd.test 001 alice :Welcome to chatd, alice");
  gchat_session_set_active (f->session, gchat_session_get_server (f->session));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_ptr_array_unref (f->sent);
  g_free (f->oper_text);
  g_free (f->reply_text);
  g_free (f->stats_nick);
  g_free (f->stats_error);
}

/* Offline, nothing is sent and nothing waits for an answer that cannot come. */
static void
test_offline (void)
{
  g_autoptr (GchatSession) session = gchat_session_new ();
  GchatServerRequests *requests = gchat_session_get_requests (session);
  Fixture              f = { 0 };

  g_signal_connect (requests, "oper-result", G_CALLBACK (on_oper_result), &f);
  gchat_server_requests_oper (requests, "root", "pw");
  g_assert_cmpint (f.oper_results, ==, 1);
  g_assert_false (f.oper_ok);
  g_assert_false (gchat_server_requests_get_oper_pending (requests));
  gchat_server_requests_info (requests);
  g_assert_false (gchat_server_requests_get_info_pending (requests));
  g_free (f.oper_text);
}

/* OPER: errors in words, +o from MODE or 381, -o from MODE; the property follows. */
static void
test_oper (Fixture *f, gconstpointer data)
{
  gchat_server_requests_oper (f->requests, "root", "guess");
  g_assert_cmpstr (last_sent (f), ==, "OPER root guess");
  g_assert_true (gchat_server_requests_get_oper_pending (f->requests));
  /* chatd answers OPER from a worker thread: other lines come first. */
  feed (f, ":chatd.test 372 alice :- not for the dialog");
  g_assert_cmpint (f->oper_results, ==, 0);
  feed (f, ":chatd.test 464 alice :Password incorrect");
  g_assert_cmpint (f->oper_results, ==, 1);
  g_assert_false (f->oper_ok);
  g_assert_cmpstr (f->oper_text, ==, "Wrong operator password");
  g_assert_false (gchat_session_get_operator (f->session));
  /* Claimed: only the words reach the server tab, not the raw numeric. */
  g_assert_cmpuint (server_count (f, "Password incorrect"), ==, 0);
  g_assert_cmpuint (server_count (f, "Wrong operator password"), ==, 1);

  gchat_server_requests_oper (f->requests, "nobody", "x");
  feed (f, ":chatd.test 491 alice :No O-lines for your host");
  g_assert_nonnull (strstr (f->oper_text, "no operator of that name"));
  gchat_server_requests_oper (f->requests, "root", "x");
  feed (f, ":chatd.test FAIL OPER TEMPORARILY_UNAVAILABLE :Busy");
  g_assert_nonnull (strstr (f->oper_text, "still checking"));
  gchat_server_requests_oper (f->requests, "root", "");
  feed (f, ":chatd.test 461 alice OPER :Not enough parameters");
  g_assert_nonnull (strstr (f->oper_text, "name and a password"));
  g_assert_cmpint (f->oper_results, ==, 4);

  gchat_server_requests_oper (f->requests, "root", "opensesame");
  feed (f, ":alice MODE alice :+o");
  g_assert_true (gchat_session_get_operator (f->session));
  feed (f, ":chatd.test 381 alice :You are now an IRC operator");
  g_assert_true (f->oper_ok);
  g_assert_false (gchat_server_requests_get_oper_pending (f->requests));

  /* Someone else's modes change nothing; our -o does. */
  feed (f, ":bob MODE bob :-o");
  g_assert_true (gchat_session_get_operator (f->session));
  gchat_server_requests_give_up_operator (f->requests);
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "MODE alice -o");
  feed (f, ":alice MODE alice :-o");
  g_assert_false (gchat_session_get_operator (f->session));

  /* A lost connection forgets the status and ends a pending OPER. */
  feed (f, ":chatd.test 381 alice :You are now an IRC operator");
  g_assert_true (gchat_session_get_operator (f->session));
  gchat_server_requests_oper (f->requests, "root", "again");
  gchat_server_requests_reset (f->requests);
  g_assert_false (gchat_session_get_operator (f->session));
  g_assert_false (f->oper_ok);
  g_assert_nonnull (strstr (f->oper_text, "lost"));
}

/* Operator commands: each reply goes to the oldest open request, up to its PONG. */
static void
test_commands (Fixture *f, gconstpointer data)
{
  g_autofree char *pong_kill = NULL;
  g_autofree char *pong_rehash = NULL;
  g_autofree char *pong_die = NULL;

  gchat_server_requests_kill (f->requests, "bob", "spam");
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "KILL bob spam");
  pong_kill = pong_for_last (f);
  gchat_server_requests_rehash (f->requests);
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "REHASH");
  pong_rehash = pong_for_last (f);

  /* 481 has no command in it: it belongs to KILL, the oldest open request. */
  feed (f, ":chatd.test 481 alice :Permission Denied- You're not an IRC operator");
  g_assert_cmpint (f->replies, ==, 1);
  g_assert_cmpint (f->reply_what, ==, GCHAT_SERVER_REPLY_KILL);
  g_assert_false (f->reply_ok);
  g_assert_nonnull (strstr (f->reply_text, "not a server operator"));
  feed (f, pong_kill);
  feed (f, ":chatd.test 382 alice chatd.conf :Rehashing");
  g_assert_cmpint (f->replies, ==, 1);
  feed (f, ":chatd.test NOTE REHASH RELOADED :The configuration was reloaded");
  g_assert_cmpint (f->replies, ==, 2);
  g_assert_cmpint (f->reply_what, ==, GCHAT_SERVER_REPLY_REHASH);
  g_assert_true (f->reply_ok);
  g_assert_cmpstr (f->reply_text, ==, "The server reloaded its configuration from chatd.conf");
  feed (f, pong_rehash);
  g_assert_cmpint (f->replies, ==, 2);
  g_assert_cmpuint (server_count (f, "Rehashing"), ==, 0);

  /* A server with only 382 is told at the PONG; a failed reload in words. */
  gchat_server_requests_rehash (f->requests);
  g_free (pong_rehash);
  pong_rehash = pong_for_last (f);
  feed (f, ":chatd.test 382 alice other.conf :Rehashing");
  feed (f, pong_rehash);
  g_assert_cmpint (f->replies, ==, 3);
  g_assert_nonnull (strstr (f->reply_text, "other.conf"));
  gchat_server_requests_rehash (f->requests);
  g_free (pong_rehash);
  pong_rehash = pong_for_last (f);
  feed (f, ":chatd.test 382 alice chatd.conf :Rehashing");
  feed (f, ":chatd.test FAIL REHASH CONFIG_ERROR :line 3: unknown key");
  feed (f, pong_rehash);
  g_assert_cmpint (f->replies, ==, 4);
  g_assert_false (f->reply_ok);
  g_assert_nonnull (strstr (f->reply_text, "keeps the old one: line 3: unknown key"));

  /* KILL: the victim is not online, the server itself, or it worked. */
  gchat_server_requests_kill (f->requests, "zed", NULL);
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "KILL zed :No reason given");
  feed (f, ":chatd.test 401 alice zed :No such nick/channel");
  g_assert_cmpstr (f->reply_text, ==, "zed is not online");
  g_free (pong_kill);
  pong_kill = pong_for_last (f);
  feed (f, pong_kill);
  gchat_server_requests_kill (f->requests, "bob", "bye");
  feed (f, ":chatd.test NOTICE alice :*** Killed bob (bye)");
  g_assert_true (f->reply_ok);
  g_assert_cmpstr (f->reply_text, ==, "You disconnected bob from the server");
  g_free (pong_kill);
  pong_kill = pong_for_last (f);
  feed (f, pong_kill);

  /* A server notice nobody waits for is left alone. */
  feed (f, ":chatd.test NOTICE alice :*** Killed carl (later)");
  g_assert_cmpint (f->replies, ==, 6);

  gchat_server_requests_die (f->requests, "maintenance");
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "DIE maintenance");
  pong_die = pong_for_last (f);
  feed (f, ":chatd.test 481 alice :Permission Denied- You're not an IRC operator");
  g_assert_cmpint (f->reply_what, ==, GCHAT_SERVER_REPLY_DIE);
  feed (f, pong_die);
}

/* TTT STATS: asked-for answers are kept and signalled; others show as text. */
static void
test_stats (Fixture *f, gconstpointer data)
{
  g_autofree char *pong = NULL;
  guint            w = 0, l = 0, d = 0;

  gchat_server_requests_stats (f->requests, "Bob");
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "TTT STATS Bob");
  pong = pong_for_last (f);
  /* A game line in between is not the answer. */
  feed (f, ":chatd.test TTT PLAYER 3 carl back");
  g_assert_null (f->stats_nick);
  feed (f, ":chatd.test TTT STATS bob 3 1 2");
  g_assert_cmpstr (f->stats_nick, ==, "bob");
  g_assert_null (f->stats_error);
  g_assert_true (gchat_server_requests_lookup_stats (f->requests, "BOB", &w, &l, &d));
  g_assert_cmpuint (w, ==, 3);
  g_assert_cmpuint (l, ==, 1);
  g_assert_cmpuint (d, ==, 2);
  feed (f, pong);
  g_assert_cmpuint (server_count (f, "STATS bob"), ==, 0);

  /* Nobody asked for this one in the UI (typed with /quote): text, as before. */
  feed (f, ":chatd.test TTT STATS carol 1 1 1");
  g_assert_cmpuint (server_count (f, "STATS carol 1 1 1"), ==, 1);
  g_assert_false (gchat_server_requests_lookup_stats (f->requests, "carol", &w, &l, &d));

  /* Our own record, and an unknown player. */
  gchat_server_requests_stats (f->requests, NULL);
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "TTT STATS");
  g_free (pong);
  pong = pong_for_last (f);
  feed (f, ":chatd.test TTT STATS alice 0 0 0");
  g_assert_cmpstr (f->stats_nick, ==, "alice");
  feed (f, pong);
  gchat_server_requests_stats (f->requests, "zed");
  g_free (pong);
  pong = pong_for_last (f);
  feed (f, ":chatd.test FAIL TTT NO_SUCH_NICK zed :No such nick and no record");
  g_assert_cmpstr (f->stats_nick, ==, "zed");
  g_assert_cmpstr (f->stats_error, ==, "No such nick and no record");
  feed (f, pong);
  g_assert_cmpuint (server_count (f, "No such nick and no record"), ==, 0);
}

/* A game's board shows the opponent's record, asked for when it starts and ends. */
static void
test_game_record (Fixture *f, gconstpointer data)
{
  g_autofree char *pong = NULL;
  GchatGame       *game;

  feed (f, ":chatd.test CAP alice ACK :chatd/ttt");
  g_assert_true (gchat_connection_has_cap (f->conn, "chatd/ttt"));
  feed (f, ":chatd.test TTT INVITE 7 bob alice x pending");
  game = gchat_session_find_game (f->session, "7");
  g_assert_nonnull (game);
  g_assert_null (gchat_game_get_record (game));
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 2), ==, "TTT STATS bob");
  pong = pong_for_last (f);
  feed (f, ":chatd.test TTT STATS bob 2 0 1");
  feed (f, pong);
  g_assert_cmpstr (gchat_game_get_record (game), ==, "bob: 2 won, 0 lost, 1 drawn");

  /* The game ends: the record changed, so it is asked for again. */
  feed (f, ":chatd.test TTT STATE 7 bob alice --------- bob playing -");
  feed (f, ":chatd.test TTT STATE 7 bob alice ----x---- alice playing -");
  g_assert_cmpuint (sent_count (f, "TTT STATS bob"), ==, 1);
  feed (f, ":chatd.test TTT STATE 7 bob alice ----x---- - x resign");
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_OVER);
  g_assert_cmpuint (sent_count (f, "TTT STATS bob"), ==, 2);
  g_free (pong);
  pong = pong_for_last (f);
  feed (f, ":chatd.test TTT STATS bob 3 0 1");
  feed (f, pong);
  g_assert_cmpstr (gchat_game_get_record (game), ==, "bob: 3 won, 0 lost, 1 drawn");
}

/* Server information: five commands, one PING; sections filled, nothing in the tab. */
static void
test_info (Fixture *f, gconstpointer data)
{
  static const char *const lines[] = {
    ":chatd.test 351 alice chatd-0.1.0 chatd.test :libevent 2.1.12-stable",
    ":chatd.test 005 alice CASEMAPPING=ascii NICKLEN=30 :are supported by this server",
    ":chatd.test 251 alice :There are 4 users and 1 invisible on 1 server",
    ":chatd.test 252 alice 1 :operator(s) online",
    ":chatd.test 254 alice 2 :channels formed",
    ":chatd.test 255 alice :I have 5 clients and 0 servers",
    ":chatd.test 265 alice 5 7 :Current local users 5, max 7",
    ":chatd.test 266 alice 5 7 :Current global users 5, max 7",
    ":bob!bob@host PRIVMSG alice :hello in between",
    ":chatd.test 256 alice chatd.test :Administrative info",
    ":chatd.test 257 alice :The admins",
    ":chatd.test 259 alice :root@example.org",
    ":chatd.test 391 alice chatd.test 1795590080 0 :Wednesday November 25 2026 -- 07:01:20 UTC",
    ":chatd.test 375 alice :- chatd.test Message of the day - ",
    ":chatd.test 372 alice :- Be nice.",
    ":chatd.test 372 alice :-",
    ":chatd.test 372 alice :- Really.",
    ":chatd.test 376 alice :End of /MOTD command.",
  };
  g_autofree char *pong = NULL;
  const char      *sent[] = { "VERSION", "LUSERS", "ADMIN", "TIME", "MOTD" };

  gchat_server_requests_info (f->requests);
  g_assert_true (gchat_server_requests_get_info_pending (f->requests));
  g_assert_cmpint (f->info_changes, ==, 1);
  g_assert_cmpuint (f->sent->len, >=, 6);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 6 + i), ==, sent[i]);
  pong = pong_for_last (f);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    feed (f, lines[i]);
  g_assert_true (gchat_server_requests_get_info_pending (f->requests));
  feed (f, pong);
  g_assert_false (gchat_server_requests_get_info_pending (f->requests));
  g_assert_cmpint (f->info_changes, ==, 2);

  g_assert_cmpstr (gchat_server_requests_get_version (f->requests), ==, "chatd-0.1.0");
  g_assert_cmpint (gchat_server_requests_get_user_count (f->requests), ==, 5);
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_VERSION),
                   ==,
                   "chatd-0.1.0 on chatd.test (libevent 2.1.12-stable)");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_SUPPORT),
                   ==,
                   "CASEMAPPING=ascii NICKLEN=30");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_USERS),
                   ==,
                   "There are 4 users and 1 invisible on 1 server\n1 operator(s) online\n"
                   "2 channels formed\nI have 5 clients and 0 servers\n"
                   "Current local users 5, max 7\nCurrent global users 5, max 7");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_ADMIN),
                   ==,
                   "The admins\nroot@example.org");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_TIME),
                   ==,
                   "Wednesday November 25 2026 -- 07:01:20 UTC");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_MOTD),
                   ==,
                   "Be nice.\n\nReally.");
  /* Nothing of it in the server tab; the private message still arrived. */
  g_assert_cmpuint (server_count (f, "Be nice"), ==, 0);
  g_assert_cmpuint (server_count (f, "There are 4 users"), ==, 0);
  g_assert_nonnull (gchat_session_find (f->session, "bob"));
  /* After the PONG, a MOTD is the server's own again (e.g. typed /motd). */
  feed (f, ":chatd.test 372 alice :- Be nice.");
  g_assert_cmpuint (server_count (f, "Be nice"), ==, 1);

  /* Asking again starts from empty sections. */
  gchat_server_requests_info (f->requests);
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_MOTD), ==, "");
  g_assert_cmpint (gchat_server_requests_get_user_count (f->requests), ==, -1);
  feed (f, ":chatd.test 422 alice :MOTD File is missing");
  g_assert_cmpstr (gchat_server_requests_get_info (f->requests, GCHAT_SERVER_INFO_MOTD),
                   ==,
                   "(no message of the day)");
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  int    n;
  char **v;

  /* TAP for the automake driver. */
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, (char *)"--tap");
  g_ptr_array_add (args, NULL);
  n = (int)args->len - 1;
  v = (char **)args->pdata;
  g_test_init (&n, &v, NULL);
  g_test_add_func ("/oper-model/offline", test_offline);
  g_test_add ("/oper-model/oper", Fixture, NULL, fixture_setup, test_oper, fixture_teardown);
  g_test_add ("/oper-model/commands",
              Fixture,
              NULL,
              fixture_setup,
              test_commands,
              fixture_teardown);
  g_test_add ("/oper-model/stats", Fixture, NULL, fixture_setup, test_stats, fixture_teardown);
  g_test_add ("/oper-model/game-record",
              Fixture,
              NULL,
              fixture_setup,
              test_game_record,
              fixture_teardown);
  g_test_add ("/oper-model/info", Fixture, NULL, fixture_setup, test_info, fixture_teardown);
  return g_test_run ();
}
