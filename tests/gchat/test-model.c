/*
 * test-model.c: gchat's model logic without a window or a server. Server
 * lines go in through gchat_connection_process_line, exactly as the socket
 * would deliver them; lines gchat would send are caught from ::line-sent.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "gchat-command.h"
#include "gchat-ban.h"
#include "gchat-config.h"
#include "gchat-session.h"
#include "gui-common.h"

typedef struct
{
  GchatSession    *session;
  GchatConnection *conn;
  GPtrArray       *sent;
  char            *dir; /* downloads go here */
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

/* Whether a sent line matches @glob. */
static gboolean
sent_matches (Fixture *f, const char *glob)
{
  for (guint i = 0; i < f->sent->len; i++)
    if (g_pattern_match_simple (glob, g_ptr_array_index (f->sent, i)))
      return TRUE;
  return FALSE;
}

/* The last message of @conv (borrowed). */
static GchatMessage *
last_message (GchatConversation *conv)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  guint       n = g_list_model_get_n_items (msgs);
  g_autoptr (GchatMessage) m = NULL;

  g_assert_cmpuint (n, >, 0);
  m = g_list_model_get_item (msgs, n - 1);
  return m; /* the store keeps a reference */
}

/* A session that the server has welcomed as alice. */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->session = gchat_session_new ();
  f->dir = g_dir_make_tmp ("gchat-dl-XXXXXX", NULL);
  gchat_session_set_download_dir (f->session, f->dir);
  f->conn = gchat_session_get_connection (f->session);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->conn, "line-sent", G_CALLBACK (on_line_sent), f);
  gchat_connection_set_nick (f->conn, "alice");
  feed (f, ":chatd.test 001 alice :Welcome to chatd, alice");
  feed (f,
        ":chatd.test 005 alice PREFIX=(ov)@+ CHANMODES=beI,k,l,imnst MONITOR=100 :are supported");
  gchat_session_set_active (f->session, gchat_session_get_server (f->session));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->session);
  g_ptr_array_unref (f->sent);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);

    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Addresses become links; the rest is escaped; no address, no markup. */
static void
test_message_linkify (void)
{
  g_autofree char *a = gchat_message_linkify ("see https://x.org/a?b=1&c=<2> now.");
  g_autofree char *b = gchat_message_linkify ("go to www.example.org, then (http://y.net/p).");
  g_autofree char *c = gchat_message_linkify ("no <b>links</b> & no markup");

  g_assert_cmpstr (
    a,
    ==,
    "see <a href=\"https://x.org/a?b=1&amp;c=\">https://x.org/a?b=1&amp;c=</a>&lt;2&gt; now.");
  g_assert_cmpstr (b,
                   ==,
                   "go to <a href=\"http://www.example.org\">www.example.org</a>, then (<a "
                   "href=\"http://y.net/p\">http://y.net/p</a>).");
  g_assert_null (c);
}

/* A message's derived strings (shown time, linked markup) are made once and kept. */
static void
test_message_cached (void)
{
  g_autoptr (GchatMessage) linked =
    gchat_message_new (GCHAT_MESSAGE_TEXT, "bob", "www.a.org", FALSE);
  g_autoptr (GchatMessage) plain = gchat_message_new (GCHAT_MESSAGE_TEXT, "bob", "a & b", FALSE);
  g_autoptr (GDateTime) utc = g_date_time_new_utc (2026, 12, 8, 4, 5, 0);
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *shown = g_date_time_format (local, "%H:%M");
  const char      *links = gchat_message_get_links (linked);

  g_assert_cmpstr (links, ==, "<a href=\"http://www.a.org\">www.a.org</a>");
  g_assert_true (gchat_message_get_links (linked) == links);
  g_assert_null (gchat_message_get_links (plain));
  g_assert_null (gchat_message_get_links (plain));
  g_assert_nonnull (gchat_message_get_clock (plain));
  gchat_message_set_time (plain, utc); /* server-time comes after the message is made */
  g_assert_cmpstr (gchat_message_get_clock (plain), ==, shown);
}

/* Slash commands: arguments, "the rest of the line", errors with usage. */
static void
test_command_parse (void)
{
  GchatCommand cmd;
  g_autoptr (GError) error = NULL;

  g_assert_true (gchat_command_parse ("/msg bob hello there", &cmd, NULL));
  g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_MSG);
  g_assert_cmpstr (cmd.argv[0], ==, "bob");
  g_assert_cmpstr (cmd.argv[1], ==, "hello there");
  gchat_command_clear (&cmd);

  g_assert_true (gchat_command_parse ("/join #room secret", &cmd, NULL));
  g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_JOIN);
  g_assert_cmpstr (cmd.argv[1], ==, "secret");
  g_assert_true (cmd.online); /* the session checks the connection once, from the table */
  gchat_command_clear (&cmd);

  g_assert_true (gchat_command_parse ("//not a command", &cmd, NULL));
  g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_SAY);
  g_assert_cmpstr (cmd.argv[0], ==, "/not a command");
  gchat_command_clear (&cmd);

  g_assert_true (gchat_command_parse ("/ME waves", &cmd, NULL));
  g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_ME);
  g_assert_false (cmd.online); /* gchat_session_say says why it cannot send */
  gchat_command_clear (&cmd);

  g_assert_false (gchat_command_parse ("/frobnicate", &cmd, &error));
  g_assert_error (error, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_UNKNOWN);
  g_clear_error (&error);

  g_assert_true (gchat_command_parse ("/help", &cmd, NULL));
  g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_HELP);
  gchat_command_clear (&cmd);
  {
    g_autofree char *help = gchat_command_help ();

    g_auto (GStrv) lines = g_strsplit (help, "\n", -1);

    g_assert_nonnull (strstr (help, "/join [#group] [key]"));
    g_assert_nonnull (strstr (help, "/sendfile"));
    /* Every command the help lists is found (the table is searched, so it must stay sorted). */
    for (guint i = 0; lines[i] != NULL; i++) {
      g_autofree char *name = g_strndup (lines[i], strcspn (lines[i], " "));
      g_autoptr (GError) found = NULL;

      if (gchat_command_parse (name, &cmd, &found))
        gchat_command_clear (&cmd);
      else
        g_assert_false (g_error_matches (found, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_UNKNOWN));
    }
    g_assert_true (gchat_command_parse ("/profile status out for lunch", &cmd, NULL));
    g_assert_cmpint (cmd.id, ==, GCHAT_COMMAND_PROFILE);
    g_assert_cmpstr (cmd.argv[1], ==, "out for lunch");
    gchat_command_clear (&cmd);
  }

  g_assert_false (gchat_command_parse ("/kick", &cmd, &error));
  g_assert_error (error, GCHAT_COMMAND_ERROR, GCHAT_COMMAND_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "/kick nick"));
}

/* Tab completion cycles through matching nicks and adds ": " at the start. */
static void
test_completion (void)
{
  const char      *nicks[] = { "bob", "Alice", "alan", NULL };
  GchatCompletion  state = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *mid = NULL;
  g_autofree char *cmd = NULL;
  int              cursor = 0;

  first = gchat_command_complete (&state, "al", 2, nicks, &cursor);
  g_assert_cmpstr (first, ==, "alan: ");
  g_assert_cmpint (cursor, ==, 6);
  second = gchat_command_complete (&state, first, cursor, nicks, &cursor);
  g_assert_cmpstr (second, ==, "Alice: ");
  third = gchat_command_complete (&state, second, cursor, nicks, &cursor);
  g_assert_cmpstr (third, ==, "alan: ");
  gchat_completion_reset (&state);

  cmd = gchat_command_complete (&state, "/jo", 3, nicks, &cursor);
  g_assert_cmpstr (cmd, ==, "/join ");
  g_assert_cmpint (cursor, ==, 6);
  gchat_completion_reset (&state);

  mid = gchat_command_complete (&state, "hi b", 4, nicks, &cursor);
  g_assert_cmpstr (mid, ==, "hi bob ");
  gchat_completion_reset (&state);
  g_assert_null (gchat_command_complete (&state, "zz", 2, nicks, &cursor));
  gchat_completion_reset (&state);
}

/* Joining a group, its members and our admin status. */
static void
test_join_and_members (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatMember       *bob;

  feed (f, ":alice!a@127.0.0.1 JOIN #room");
  room = gchat_session_find (f->session, "#ROOM");
  g_assert_nonnull (room);
  g_assert_cmpint (gchat_conversation_get_kind (room), ==, GCHAT_CONVERSATION_CHANNEL);
  g_assert_true (gchat_conversation_get_joined (room));
  feed (f, ":chatd.test 353 alice = #room :@alice bob");
  feed (f, ":chatd.test 366 alice #room :End of /NAMES list");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_members (room)), ==, 2);
  g_assert_true (gchat_conversation_get_operator (room));

  feed (f, ":carol!c@h JOIN #room");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_members (room)), ==, 3);
  g_assert_cmpint (gchat_message_get_kind (last_message (room)), ==, GCHAT_MESSAGE_EVENT);
  g_assert_cmpstr (gchat_message_get_text (last_message (room)), ==, "carol joined");

  feed (f, ":alice!a@h MODE #room +o bob");
  g_assert_cmpstr (gchat_message_get_text (last_message (room)),
                   ==,
                   "alice made bob an admin (+o bob)");
  feed (f, ":alice!a@h MODE #room +ikl-t sesame 25");
  g_assert_cmpstr (gchat_message_get_text (last_message (room)),
                   ==,
                   "alice made the group invite-only, set a key (password) to join, limited the "
                   "group to 25 members and let everyone set the topic (+ikl-t sesame 25)");
  bob = gchat_conversation_find_member (room, "bob");
  g_assert_cmpstr (gchat_member_get_prefixes (bob), ==, "@");
  g_assert_true (gchat_session_is_admin (f->session, bob));

  feed (f, ":carol!c@h PART #room :later");
  g_assert_null (gchat_conversation_find_member (room, "carol"));
  g_assert_cmpstr (gchat_message_get_text (last_message (room)), ==, "carol left (later)");

  feed (f, ":bob!b@h TOPIC #room :plans for Friday");
  g_assert_cmpstr (gchat_conversation_get_topic (room), ==, "plans for Friday");

  feed (f, ":bob!b@h KICK #room alice :bye");
  g_assert_false (gchat_conversation_get_joined (room));
  g_assert_false (gchat_conversation_get_operator (room));
  g_assert_nonnull (
    strstr (gchat_message_get_text (last_message (room)), "bob removed you from #room"));
}

/* Unread counts: chat from others while we look elsewhere; mentions. */
static void
test_unread (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatConversation *bob;

  feed (f, ":alice!a@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  feed (f, ":bob!b@h PRIVMSG #room :hello everyone");
  feed (f, ":bob!b@h JOIN #room");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 1);
  g_assert_false (gchat_conversation_get_mentioned (room));
  feed (f, ":bob!b@h PRIVMSG #room :alice: are you there?");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 2);
  g_assert_true (gchat_conversation_get_mentioned (room));
  g_assert_true (gchat_message_get_highlight (last_message (room)));
  g_assert_false (gchat_message_get_own (last_message (room)));
  g_assert_cmpstr (gchat_message_get_nick (last_message (room)), ==, "bob");

  gchat_session_set_active (f->session, room);
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);
  g_assert_false (gchat_conversation_get_mentioned (room));
  feed (f, ":bob!b@h PRIVMSG #room :seen");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);

  /* Our own messages never count, and are marked as ours. */
  gchat_session_set_active (f->session, gchat_session_get_server (f->session));
  g_assert_true (gchat_session_say (f->session, room, "my reply", FALSE, NULL));
  g_assert_true (sent_matches (f, "PRIVMSG #room :my reply"));
  g_assert_true (gchat_message_get_own (last_message (room)));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);

  /* A private message opens a conversation with its own count. */
  feed (f, ":bob!b@h PRIVMSG alice :psst");
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (bob);
  g_assert_cmpint (gchat_conversation_get_kind (bob), ==, GCHAT_CONVERSATION_QUERY);
  g_assert_cmpuint (gchat_conversation_get_unread (bob), ==, 1);
  g_assert_cmpstr (gchat_message_get_text (last_message (bob)), ==, "psst");

  /* Events (joins, topic) are not unread chat. */
  feed (f, ":dave!d@h JOIN #room");
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);
}

/* Contacts: MONITOR online/offline, AWAY, QUIT. */
static void
test_presence (Fixture *f, gconstpointer data)
{
  GchatContact *bob;

  bob = gchat_session_add_contact (f->session, "bob");
  g_assert_true (sent_matches (f, "MONITOR + bob"));
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_UNKNOWN);
  feed (f, ":chatd.test 730 alice :bob!b@h");
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_ONLINE);
  feed (f, ":bob!b@h AWAY :lunch");
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_AWAY);
  g_assert_cmpstr (gchat_contact_get_away_message (bob), ==, "lunch");
  feed (f, ":bob!b@h AWAY");
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_ONLINE);
  feed (f, ":chatd.test 731 alice :bob");
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_OFFLINE);
  feed (f, ":chatd.test 730 alice :bob!b@h");
  feed (f, ":bob!b@h QUIT :gone");
  g_assert_cmpint (gchat_contact_get_presence (bob), ==, GCHAT_PRESENCE_OFFLINE);
  gchat_session_remove_contact (f->session, "bob");
  g_assert_true (sent_matches (f, "MONITOR - bob"));
  g_assert_null (gchat_session_find_contact (f->session, "bob"));
}

/* Server errors are put in words, in the conversation and on ::server-error. */
static void
on_server_error (GchatSession *session, const char *text, gpointer user_data)
{
  g_free (*(char **)user_data);
  *(char **)user_data = g_strdup (text);
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autofree char   *error = NULL;
  GchatConversation *room;

  g_signal_connect (f->session, "server-error", G_CALLBACK (on_server_error), &error);
  feed (f, ":alice!a@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  gchat_session_set_active (f->session, room);
  feed (f, ":chatd.test 482 alice #room :You're not channel operator");
  g_assert_cmpstr (error, ==, "You need to be an admin of #room to do that");
  g_assert_cmpint (gchat_message_get_kind (last_message (room)), ==, GCHAT_MESSAGE_ERROR);
  feed (f, ":chatd.test 475 alice #secret :Cannot join channel (+k)");
  g_assert_cmpstr (error, ==, "#secret needs a key (password) to join");
  feed (f, "FAIL REGISTER ACCOUNT_EXISTS alice :Account already exists");
  g_assert_cmpstr (error, ==, "REGISTER failed: Account already exists");
  feed (f, ":chatd.test 499 alice x :Something odd");
  g_assert_cmpstr (error, ==, "Server error 499: x Something odd");
  /* No private history with someone without an account: not an error. */
  g_clear_pointer (&error, g_free);
  feed (f, "FAIL CHATHISTORY INVALID_TARGET LATEST :bob: no such channel, and no logged-in user");
  g_assert_null (error);
  g_signal_handlers_disconnect_by_data (f->session, &error);
}

/* Commands typed in the entry become the right lines. */
static void
test_commands_send (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  g_autoptr (GError) error = NULL;

  g_assert_true (gchat_session_run (f->session, "/join #room key", NULL));
  g_assert_true (sent_matches (f, "JOIN #room key"));
  feed (f, ":alice!a@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  g_assert_cmpstr (gchat_conversation_get_key (room), ==, "key");
  gchat_session_set_active (f->session, room);
  g_assert_true (gchat_session_run (f->session, "/me waves", NULL));
  g_assert_true (sent_matches (f, "PRIVMSG #room :\001ACTION waves\001"));
  g_assert_cmpint (gchat_message_get_kind (last_message (room)), ==, GCHAT_MESSAGE_ACTION);
  g_assert_true (gchat_session_run (f->session, "/topic new plans", NULL));
  g_assert_true (sent_matches (f, "TOPIC #room :new plans"));
  g_assert_true (gchat_session_run (f->session, "/kick bob too loud", NULL));
  g_assert_true (sent_matches (f, "KICK #room bob :too loud"));
  g_assert_true (gchat_session_run (f->session, "/ban bob", NULL));
  g_assert_true (sent_matches (f, "MODE #room +b bob!*@*"));
  g_assert_true (gchat_session_run (f->session, "/invite carol", NULL));
  g_assert_true (sent_matches (f, "INVITE carol #room"));
  g_assert_true (gchat_session_run (f->session, "/away lunch", NULL));
  g_assert_true (sent_matches (f, "AWAY lunch"));
  g_assert_true (gchat_session_run (f->session, "/quote WHOIS bob", NULL));
  g_assert_true (sent_matches (f, "WHOIS bob"));
  feed (f, ":chatd.test 311 alice bob b 127.0.0.1 * :Bob Builder");
  g_assert_cmpstr (gchat_message_get_text (last_message (room)),
                   ==,
                   "bob is Bob Builder (b@127.0.0.1)");
  feed (f, ":chatd.test 318 alice bob :End of /WHOIS list");
  g_assert_cmpstr (gchat_message_get_text (last_message (room)),
                   ==,
                   "bob is Bob Builder (b@127.0.0.1)");
  g_assert_true (gchat_session_run (f->session, "/msg bob hi there", NULL));
  g_assert_true (sent_matches (f, "PRIVMSG bob :hi there"));
  g_assert_nonnull (gchat_session_find (f->session, "bob"));
  g_assert_true (gchat_session_run (f->session, "/part", NULL));
  g_assert_true (sent_matches (f, "PART #room"));
  g_assert_false (gchat_session_run (f->session, "/join bad,name", &error));
  g_assert_nonnull (error);
}

/* A group created private gets +i and its key once we are its operator. */
static void
test_private_group (Fixture *f, gconstpointer data)
{
  g_assert_true (gchat_session_join (f->session, "secret", "k3y", TRUE, NULL));
  g_assert_true (sent_matches (f, "JOIN #secret k3y"));
  feed (f, ":alice!a@h JOIN #secret");
  feed (f, ":chatd.test 353 alice = #secret :@alice");
  feed (f, ":chatd.test 366 alice #secret :End of /NAMES list");
  g_assert_true (sent_matches (f, "MODE #secret +i"));
  g_assert_true (sent_matches (f, "MODE #secret +k k3y"));
}

/* The connect dialog's fields survive a restart; the password never hits the disk. */
static void
test_config_roundtrip (void)
{
  g_autoptr (GchatConfig) saved = g_new0 (GchatConfig, 1);
  g_autoptr (GchatConfig) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = gchat_config_path ();
  g_autofree char *contents = NULL;
  const char      *contacts[] = { "bob", "carol", NULL };

  saved->host = g_strdup ("chat.example.org");
  saved->port = 6697;
  saved->tls = TRUE;
  saved->nick = g_strdup ("alice");
  saved->realname = g_strdup ("Alice A.");
  saved->account = g_strdup ("alice");
  saved->password = g_strdup ("hunter2-secret");
  saved->contacts = g_strdupv ((char **)contacts);
  g_assert_true (gchat_config_save (saved, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "hunter2"));
  loaded = gchat_config_load ();
  g_assert_cmpstr (loaded->host, ==, "chat.example.org");
  g_assert_cmpuint (loaded->port, ==, 6697);
  g_assert_true (loaded->tls);
  g_assert_cmpstr (loaded->nick, ==, "alice");
  g_assert_cmpstr (loaded->account, ==, "alice");
  g_assert_null (loaded->password);
  g_assert_cmpstrv (loaded->contacts, contacts);
}

/* Condition: the session's status mentions @data. */
static gboolean
status_mentions (gpointer data)
{
  GchatSession *session = ((gpointer *)data)[0];
  const char   *status = gchat_session_get_status (session);

  return status != NULL && strstr (status, ((gpointer *)data)[1]) != NULL;
}

/* A refused connection is explained in words and retried with backoff. */
static void
test_reconnect_backoff (void)
{
  g_autoptr (GchatSession) session = gchat_session_new ();
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  GchatConversation *server = gchat_session_get_server (session);
  GListModel        *msgs = gchat_conversation_get_messages (server);
  gpointer           args[2] = { session, (gpointer) "reconnecting in 1 s" };
  g_autoptr (GchatMessage) note = NULL;
  guint16 port;

  /* A port that was just free: bind, learn it, close it. */
  g_assert_true (g_socket_listener_add_address (listener,
                                                any,
                                                G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP,
                                                NULL,
                                                &bound,
                                                &error));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_listener_close (listener);

  gchat_session_connect (session, "127.0.0.1", port, FALSE, "alice", NULL);
  if (!gui_wait_for (status_mentions, args))
    g_error ("status: %s", gchat_session_get_status (session));
  g_assert_cmpuint (g_list_model_get_n_items (msgs), >, 0);
  note = g_list_model_get_item (msgs, g_list_model_get_n_items (msgs) - 1);
  g_assert_cmpint (gchat_message_get_kind (note), ==, GCHAT_MESSAGE_ERROR);
  g_assert_nonnull (strstr (gchat_message_get_text (note), "Could not connect to 127.0.0.1"));
  args[1] = (gpointer) "reconnecting in 2 s";
  g_assert_true (gui_wait_for (status_mentions, args));
  gchat_session_disconnect (session);
  g_assert_cmpstr (gchat_session_get_status (session), ==, "Offline");
}

/* A scripted server on loopback: what gchat sent, and a way to answer. */
typedef struct
{
  GSocketConnection *conn;
  GDataInputStream  *in;
  GOutputStream     *out;
  GPtrArray         *lines;
  GCancellable      *cancel;
} FakeServer;

/* Fake server: collect every line gchat sends. */
static void
fake_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FakeServer *fs = user_data;
  char       *line =
    g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    return;
  g_strchomp (line);
  g_ptr_array_add (fs->lines, line);
  g_data_input_stream_read_line_async (fs->in, G_PRIORITY_DEFAULT, fs->cancel, fake_read_cb, fs);
}

/* Fake server: the listener accepted gchat. */
static void
fake_accept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FakeServer *fs = user_data;

  fs->conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, NULL);
  g_assert_nonnull (fs->conn);
  fs->in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (fs->conn)));
  fs->out = g_io_stream_get_output_stream (G_IO_STREAM (fs->conn));
  g_data_input_stream_read_line_async (fs->in, G_PRIORITY_DEFAULT, fs->cancel, fake_read_cb, fs);
}

/* Wait for gchat to send a line matching @glob. */
static void
fake_expect (FakeServer *fs, const char *glob)
{
  gui_lines_expect (fs->lines, glob, "gchat");
}

/* Send raw bytes to gchat (no CR LF added, so lines can be split). */
static void
fake_write (FakeServer *fs, const char *bytes)
{
  g_assert_true (g_output_stream_write_all (fs->out, bytes, strlen (bytes), NULL, NULL, NULL));
  g_output_stream_flush (fs->out, NULL, NULL);
}

/* Condition: the connection is welcomed. */
static gboolean
conn_connected (gpointer data)
{
  return gchat_connection_get_state (data) == GCHAT_CONNECTION_CONNECTED;
}

/* Condition: the server log of a session has a message containing text. */
static gboolean
server_log_has (gpointer data)
{
  GchatSession *session = ((gpointer *)data)[0];
  GListModel   *msgs = gchat_conversation_get_messages (gchat_session_get_server (session));

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    if (strstr (gchat_message_get_text (m), ((gpointer *)data)[1]) != NULL)
      return TRUE;
  }
  return FALSE;
}

/* Registration through a real socket: CAP, SASL PLAIN, split lines, PING. */
static void
test_sasl_and_lines (void)
{
  g_autoptr (GchatSession) session = gchat_session_new ();
  GchatConnection *conn = gchat_session_get_connection (session);
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  FakeServer       fs = { 0 };
  g_autofree char *auth = NULL;
  g_autofree char *auth_line = NULL;
  gpointer         args[2] = { session, (gpointer) "You are logged in as alice" };
  guint16          port;

  fs.lines = g_ptr_array_new_with_free_func (g_free);
  fs.cancel = g_cancellable_new ();
  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_assert_cmpuint (port, >, 0);
  g_socket_listener_accept_async (listener, NULL, fake_accept_cb, &fs);
  gchat_connection_set_account (conn, "alice", "secret", FALSE);
  gchat_session_connect (session, "127.0.0.1", port, FALSE, "alice", "Alice");

  fake_expect (&fs, "CAP LS 302");
  fake_expect (&fs, "USER alice 0 * Alice");
  /* A list over two lines: the request names what both offered. */
  fake_write (&fs, ":srv CAP * LS * :multi-prefix sasl=PLAIN unknown-cap\r\n");
  fake_write (&fs, ":srv CAP * LS :chatd/chanadmin\r\n");
  fake_expect (&fs, "CAP REQ :multi-prefix chatd/chanadmin sasl");
  fake_write (&fs, ":srv CAP alice ACK :multi-prefix chatd/chanadmin sasl\r\n");
  fake_expect (&fs, "AUTHENTICATE PLAIN");
  g_assert_null (gui_lines_find (fs.lines, "CAP END"));
  fake_write (&fs, "AUTHENTICATE +\r\n");
  auth = g_base64_encode ((const guchar *)"alice\0alice\0secret", 18);
  auth_line = g_strdup_printf ("AUTHENTICATE %s", auth);
  fake_expect (&fs, auth_line);
  fake_write (&fs, ":srv 900 alice alice!a@h alice :You are now logged in as alice\r\n");
  fake_write (&fs, ":srv 903 alice :SASL authentication successful\r\n");
  fake_expect (&fs, "CAP END");
  /* One line in three pieces, and two lines in one write. */
  fake_write (&fs, ":srv 001 al");
  fake_write (&fs, "ice :Welcome to the fake");
  fake_write (&fs, " server\r\n:srv 005 alice MONITOR=10 :are supported\r\nPING :tok");
  fake_write (&fs, "en\r\n");
  g_assert_true (gui_wait_for (conn_connected, conn));
  fake_expect (&fs, "PONG token");
  g_assert_true (gui_wait_for (server_log_has, args));
  g_assert_true (gchat_connection_get_logged_in (conn));
  g_assert_nonnull (strstr (gchat_session_get_status (session), "(logged in)"));
  g_assert_null (gui_lines_find (fs.lines, "LOGIN *"));
  g_assert_true (gchat_connection_has_cap (conn, "multi-prefix"));

  /* Writes keep their order through the queue. */
  for (int i = 0; i < 50; i++) {
    g_autofree char *n = g_strdup_printf ("%d", i);

    gchat_connection_sendv (conn, "PRIVMSG", "bob", n, NULL);
  }
  fake_expect (&fs, "PRIVMSG bob 49");
  for (guint i = 0, k = 0; i < fs.lines->len; i++) {
    g_autofree char *want = g_strdup_printf ("PRIVMSG bob %u", k);

    if (g_str_has_prefix (g_ptr_array_index (fs.lines, i), "PRIVMSG bob ")) {
      g_assert_cmpstr (g_ptr_array_index (fs.lines, i), ==, want);
      k++;
    }
  }

  /* The server drops us: the reason is shown, a retry is planned. */
  args[1] = (gpointer) "Disconnected: The server closed the connection";
  fake_write (&fs, "ERROR :Closing link (bye)\r\n");
  g_io_stream_close (G_IO_STREAM (fs.conn), NULL, NULL);
  g_assert_true (gui_wait_for (server_log_has, args));
  args[1] = (gpointer) "The server closed the connection: Closing link (bye)";
  g_assert_true (server_log_has (args));
  g_assert_nonnull (strstr (gchat_session_get_status (session), "reconnecting"));
  gchat_session_disconnect (session);
  g_cancellable_cancel (fs.cancel);
  g_socket_listener_close (listener);
  g_clear_object (&fs.in);
  g_clear_object (&fs.conn);
  g_clear_object (&fs.cancel);
  g_ptr_array_unref (fs.lines);
}

/* The game model believes only boards that follow the rules. */
static void
test_game_model (void)
{
  g_autoptr (GchatGame) game = gchat_game_new ("1", "alice", "bob", GCHAT_GAME_WAITING);
  g_autoptr (GchatGame) watch = gchat_game_new ("2", "carol", "alice", GCHAT_GAME_PLAYING);
  g_autofree char *waiting = gchat_game_describe (game);
  g_autofree char *turn = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *won = NULL;
  g_autofree char *watching = NULL;
  g_autofree char *resigned = NULL;

  g_assert_cmpstr (waiting, ==, "Waiting for bob to accept");
  g_assert_false (gchat_game_can_move (game, 0));
  g_assert_true (gchat_game_update (game, "alice", "bob", "---------", "playing", "-"));
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_PLAYING);
  g_assert_cmpint (gchat_game_get_my_mark (game), ==, 'X');
  g_assert_true (gchat_game_can_move (game, 4));
  turn = gchat_game_describe (game);
  g_assert_cmpstr (turn, ==, "Your turn (you are X)");
  g_assert_true (gchat_game_update (game, "alice", "bob", "----x----", "playing", "-"));
  g_assert_false (gchat_game_can_move (game, 0));
  theirs = gchat_game_describe (game);
  g_assert_cmpstr (theirs, ==, "bob's turn (you are X)");
  /* Two x moves in a row, both winning, a win called "playing", junk: refused. */
  g_assert_false (gchat_game_update (game, "alice", "bob", "x---x----", "playing", "-"));
  g_assert_false (gchat_game_update (game, "alice", "bob", "xxxooo---", "x", "line"));
  g_assert_false (gchat_game_update (game, "alice", "bob", "xxxoo----", "playing", "-"));
  g_assert_false (gchat_game_update (game, "alice", "bob", "short", "x", "line"));
  g_assert_false (gchat_game_update (game, "alice", "bob", "----z----", "playing", "-"));
  g_assert_cmpint (gchat_game_get_cell (game, 4), ==, 'X');
  g_assert_true (gchat_game_update (game, "alice", "bob", "xxxoo----", "x", "line"));
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_OVER);
  g_assert_cmpint (gchat_game_get_result (game), ==, CHAT_TTT_X_WINS);
  won = gchat_game_describe (game);
  g_assert_cmpstr (won, ==, "You won");
  g_assert_true (gchat_game_update (game, "alice", "bob", "x---o----", "o", "resign"));
  resigned = gchat_game_describe (game);
  g_assert_cmpstr (resigned, ==, "bob won (you resigned)");

  /* A spectator sees both names and cannot play. */
  g_assert_true (gchat_game_update (watch, "alice", "bob", "x--------", "playing", "-"));
  g_assert_cmpint (gchat_game_get_my_mark (watch), ==, 0);
  g_assert_false (gchat_game_can_move (watch, 4));
  watching = gchat_game_describe (watch);
  g_assert_cmpstr (watching, ==, "alice (X) against bob (O): bob to move");
}

/* TTT machine lines become games with a board where they are played. */
static void
test_game_session (Fixture *f, gconstpointer data)
{
  GchatGame         *game;
  GchatConversation *bob;
  GchatMessage      *item;
  g_autofree char   *declined = NULL;

  feed (f, ":chatd.test TTT INVITE 7 bob alice x pending");
  game = gchat_session_find_game (f->session, "7");
  g_assert_nonnull (game);
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_CHALLENGED);
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (bob);
  item = last_message (bob);
  g_assert_cmpint (gchat_message_get_kind (item), ==, GCHAT_MESSAGE_ITEM);
  g_assert_true (gchat_message_get_item (item) == G_OBJECT (game));
  g_assert_cmpuint (gchat_conversation_get_unread (bob), ==, 1);
  gchat_session_ttt_answer (f->session, "7", TRUE);
  g_assert_true (sent_matches (f, "TTT ACCEPT 7"));
  feed (f, ":chatd.test TTT STATE 7 bob alice x-------- alice playing -");
  g_assert_cmpint (gchat_game_get_my_mark (game), ==, 'O');
  g_assert_true (gchat_game_can_move (game, 4));
  gchat_session_set_active (f->session, bob);
  g_assert_true (gchat_session_run (f->session, "/ttt bob b2", NULL));
  g_assert_true (sent_matches (f, "TTT MOVE 7 5"));
  g_assert_false (gchat_session_run (f->session, "/ttt bob z9", NULL));
  g_assert_true (gchat_session_run (f->session, "/ttt carol", NULL));
  g_assert_true (sent_matches (f, "TTT INVITE carol"));
  feed (f, ":chatd.test TTT STATE 7 bob alice xox-ox--- alice playing -");
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_PLAYING);
  g_assert_cmpint (gchat_game_get_cell (game, 5), ==, 'X');
  /* An impossible board (o has a line but x moved last) is ignored. */
  feed (f, ":chatd.test TTT STATE 7 bob alice xox-o-xox alice playing -");
  g_assert_cmpint (gchat_game_get_cell (game, 5), ==, 'X');
  feed (f, ":chatd.test TTT STATE 7 bob alice xox-ox--- - x resign");
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_OVER);
  gchat_session_ttt_rematch (f->session, "7");
  g_assert_true (sent_matches (f, "TTT REMATCH 7"));

  /* Our own invitation that bob declines. */
  feed (f, ":chatd.test TTT INVITE 8 alice bob x pending");
  game = gchat_session_find_game (f->session, "8");
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_WAITING);
  feed (f, ":chatd.test TTT INVITE 8 alice bob x declined");
  g_assert_cmpint (gchat_game_get_state (game), ==, GCHAT_GAME_DECLINED);
  declined = gchat_game_describe (game);
  g_assert_cmpstr (declined, ==, "The game with bob was declined");

  /* A game in a channel is shown there, to spectators too. */
  feed (f, ":alice!a@h JOIN #games");
  feed (f, ":chatd.test TTT STATE 9 bob carol x-------- carol playing - #games");
  game = gchat_session_find_game (f->session, "9");
  g_assert_cmpstr (gchat_game_get_where (game), ==, "#games");
  g_assert_true (gchat_message_get_item (
                   last_message (gchat_session_find (f->session, "#games"))) == G_OBJECT (game));
  g_assert_false (gchat_game_is_player (game));

  /* A line gchat does not know is still shown. */
  feed (f, ":chatd.test TTT STATS alice 3 1 0");
  g_assert_cmpstr (gchat_message_get_text (last_message (bob)), ==, "STATS alice 3 1 0");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_session_get_games (f->session)), ==, 3);
}

/* Transfer bookkeeping: offsets, sizes, the hash, names. */
static void
test_transfer_model (void)
{
  const char      *data = "hello, file";
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, data, -1);
  g_autoptr (GchatTransfer) t =
    gchat_transfer_new (GCHAT_TRANSFER_RECEIVE, "f1", "bob", "../../etc/pass\twd", 11, sha);
  g_autoptr (GchatTransfer) bad =
    gchat_transfer_new (GCHAT_TRANSFER_RECEIVE, "f2", "bob", "x.png", 4, sha);
  g_autoptr (GchatTransfer) over =
    gchat_transfer_new (GCHAT_TRANSFER_RECEIVE, "f3", "bob", "", 3, sha);
  g_autoptr (GchatTransfer) up =
    gchat_transfer_new (GCHAT_TRANSFER_SEND, NULL, "bob", "a.txt", 10, sha);
  g_autofree char *desc = NULL;
  g_autofree char *name = gchat_transfer_sanitize_name ("..");

  g_assert_cmpstr (gchat_transfer_get_name (t), ==, "pass_wd");
  /* The server's rule (libchat): ".." only loses its leading dot. */
  g_assert_cmpstr (name, ==, "_.");
  g_assert_cmpstr (gchat_transfer_get_name (over), ==, "file");
  g_assert_true (gchat_transfer_is_image (bad));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_OFFERED);
  g_assert_true (gchat_transfer_receive (t, 0, data, 5));
  g_assert_cmpfloat_with_epsilon (gchat_transfer_get_fraction (t), 5.0 / 11.0, 1e-9);
  desc = gchat_transfer_describe (t);
  g_assert_cmpstr (desc, ==, "Received 5 bytes of 11 bytes");
  g_assert_true (gchat_transfer_receive (t, 5, data + 5, 6));
  g_assert_true (gchat_transfer_finish (t));
  /* Without a destination nothing is written: bookkeeping only. */
  g_assert_null (gchat_transfer_get_file (t));

  /* Wrong hash, out of order, too much: failed with a reason. */
  g_assert_true (gchat_transfer_receive (bad, 0, "abcd", 4));
  g_assert_false (gchat_transfer_finish (bad));
  g_assert_cmpint (gchat_transfer_get_state (bad), ==, GCHAT_TRANSFER_FAILED);
  g_assert_nonnull (strstr (gchat_transfer_get_error (bad), "SHA-256"));
  g_assert_false (gchat_transfer_receive (over, 1, "ab", 2));
  g_assert_cmpint (gchat_transfer_get_state (over), ==, GCHAT_TRANSFER_FAILED);

  /* Uploads count what the server acknowledged, never backwards. */
  gchat_transfer_set_sent (up, 6);
  g_assert_false (gchat_transfer_sent (up, 0) && gchat_transfer_sent (up, 7));
  g_assert_cmpint (gchat_transfer_get_state (up), ==, GCHAT_TRANSFER_FAILED);
  g_clear_object (&up);
  up = gchat_transfer_new (GCHAT_TRANSFER_SEND, NULL, "bob", "a.txt", 10, sha);
  gchat_transfer_set_sent (up, 6);
  g_assert_true (gchat_transfer_sent (up, 4));
  g_assert_false (gchat_transfer_sent (up, 2));
  g_assert_cmpint (gchat_transfer_get_state (up), ==, GCHAT_TRANSFER_FAILED);
}

/* Condition: the fixture sent a line matching @data. */
static gboolean
fixture_sent (gpointer data)
{
  return sent_matches (((gpointer *)data)[0], ((gpointer *)data)[1]);
}

/* Condition: the transfer @data is done (its file renamed into place). */
static gboolean
transfer_is_done (gpointer data)
{
  return gchat_transfer_get_state (data) == GCHAT_TRANSFER_DONE;
}

/* SENDFILE lines: an offer, accept, chunks with acks, the hash check. */
static void
test_transfer_session (Fixture *f, gconstpointer data)
{
  const char      *content = "The quick brown fox";
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, content, -1);
  g_autofree char *offer =
    g_strdup_printf (":chatd.test SENDFILE OFFER 9 bob alice 19 %s text/plain :fox.txt", sha);
  g_autofree char *b1 = g_base64_encode ((const guchar *)content, 10);
  g_autofree char *b2 = g_base64_encode ((const guchar *)content + 10, 9);
  g_autofree char *l1 = g_strdup_printf (":chatd.test SENDFILE DATA 9 0 %s", b1);
  g_autofree char *l2 = g_strdup_printf (":chatd.test SENDFILE DATA 9 10 %s", b2);
  g_autofree char *big = g_malloc0 (1000);
  g_autofree char *big_sha =
    g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)big, 1000);
  g_autofree char *big_b64 = g_base64_encode ((const guchar *)big, 1000);
  g_autofree char *big_offer = g_strdup_printf (
    ":chatd.test SENDFILE OFFER 12 carol #room 1000 %s application/octet-stream :zeros.bin",
    big_sha);
  g_autofree char   *big_data = g_strdup_printf (":chatd.test SENDFILE DATA 12 0 %s", big_b64);
  GchatTransfer     *t;
  GchatConversation *bob;
  gpointer           args[2] = { f, NULL };
  g_autofree char   *path = NULL;
  g_autofree char   *got = NULL;
  g_autofree char   *base = NULL;
  gsize              len = 0;

  feed (f, offer);
  t = gchat_session_find_transfer (f->session, "9");
  g_assert_nonnull (t);
  g_assert_cmpstr (gchat_transfer_get_name (t), ==, "fox.txt");
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (bob);
  g_assert_true (gchat_message_get_item (last_message (bob)) == G_OBJECT (t));
  g_assert_cmpuint (gchat_conversation_get_unread (bob), ==, 1);
  gchat_session_transfer_answer (f->session, gchat_transfer_get_key (t), TRUE);
  g_assert_true (sent_matches (f, "SENDFILE ACCEPT 9"));
  feed (f, ":chatd.test SENDFILE STATUS 9 alice ACCEPTED");
  feed (f, ":chatd.test SENDFILE BEGIN 9 0 19");
  feed (f, l1);
  /* A chunk is acknowledged once it is written to the file. */
  args[1] = (gpointer) "SENDFILE ACK 9 10";
  g_assert_true (gui_wait_for (fixture_sent, args));
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_ACTIVE);
  feed (f, l2);
  args[1] = (gpointer) "SENDFILE ACK 9 19";
  g_assert_true (gui_wait_for (fixture_sent, args));
  g_assert_true (gui_wait_for (transfer_is_done, t));
  path = g_build_filename (f->dir, "fox.txt", NULL);
  g_assert_true (g_file_get_contents (path, &got, &len, NULL));
  g_assert_cmpmem (got, len, content, 19);

  /* A chunk at the wrong offset stops the download. */
  feed (f, ":chatd.test SENDFILE OFFER 10 bob alice 100 00 application/octet-stream :other.bin");
  t = gchat_session_find_transfer (f->session, "10");
  gchat_session_transfer_answer (f->session, gchat_transfer_get_key (t), TRUE);
  feed (f, ":chatd.test SENDFILE DATA 10 50 aGVsbG8=");
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_FAILED);
  g_assert_true (sent_matches (f, "SENDFILE DECLINE 10"));

  /* A group's file is shown in the group; DATA lines may be longer than 512 bytes. */
  feed (f, ":alice!a@h JOIN #room");
  feed (f, big_offer);
  t = gchat_session_find_transfer (f->session, "12");
  g_assert_true (gchat_message_get_item (last_message (gchat_session_find (f->session, "#room"))) ==
                 G_OBJECT (t));
  gchat_session_transfer_answer (f->session, gchat_transfer_get_key (t), TRUE);
  g_assert_cmpuint (strlen (big_data), >, 1000);
  feed (f, big_data);
  args[1] = (gpointer) "SENDFILE ACK 12 1000";
  g_assert_true (gui_wait_for (fixture_sent, args));
  g_assert_true (gui_wait_for (transfer_is_done, t));

  /* The sender withdraws an offer. */
  feed (f, ":chatd.test SENDFILE OFFER 13 bob alice 5 00 text/plain :x.txt");
  feed (f, ":chatd.test SENDFILE STATUS 13 bob CANCELLED");
  g_assert_cmpint (gchat_transfer_get_state (gchat_session_find_transfer (f->session, "13")),
                   ==,
                   GCHAT_TRANSFER_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_session_get_transfers (f->session)), ==, 4);

  /* A second file of the same name does not overwrite the first. */
  feed (f, ":chatd.test SENDFILE OFFER 14 bob alice 5 00 text/plain :fox.txt");
  t = gchat_session_find_transfer (f->session, "14");
  gchat_session_transfer_answer (f->session, gchat_transfer_get_key (t), TRUE);
  base = g_file_get_basename (gchat_transfer_get_destination (t));
  g_assert_cmpstr (base, ==, "fox (2).txt");
  gchat_session_transfer_cancel (f->session, gchat_transfer_get_key (t));
}

/* Condition: the session has two transfers. */
static gboolean
two_transfers (gpointer data)
{
  return g_list_model_get_n_items (gchat_session_get_transfers (data)) == 2;
}

/* /sendfile: read, hash, offer; upload in a window of chunks paced by ACKs. */
static void
test_transfer_upload (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("gchat-upload-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big file.bin", NULL);
  g_autofree char *content = g_malloc (5000);
  g_autofree char *sha = NULL;
  g_autofree char *cmd = g_strdup_printf ("/sendfile bob %s", path);
  g_autofree char *offer = NULL;
  g_autofree char *stored = NULL;
  gpointer         args[2] = { f, NULL };
  GchatTransfer   *t;
  guint            chunks = 0;

  for (int i = 0; i < 5000; i++)
    content[i] = (char)(i * 7);
  g_assert_true (g_file_set_contents (path, content, 5000, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)content, 5000);
  offer = g_strdup_printf ("SENDFILE TO bob big_file.bin 5000 %s", sha);
  /* The path has a space: "/sendfile bob <path>" keeps the rest of the line. */
  g_assert_true (gchat_session_run (f->session, cmd, NULL));
  args[1] = offer;
  g_assert_true (gui_wait_for (fixture_sent, args));
  feed (f, ":chatd.test SENDFILE UPLOAD u1 0 :big_file.bin");
  t = gchat_session_find_transfer (f->session, "u1");
  g_assert_nonnull (t);
  /* Chunks are read from the file asynchronously: wait for the window's last. */
  args[1] = (gpointer) "SENDFILE DATA u1 2100 *";
  g_assert_true (gui_wait_for (fixture_sent, args));
  gui_drain ();
  for (guint i = 0; i < f->sent->len; i++)
    chunks += g_str_has_prefix (g_ptr_array_index (f->sent, i), "SENDFILE DATA u1 ");
  g_assert_cmpuint (chunks, ==, 8); /* the window, not the whole file */
  feed (f, ":chatd.test SENDFILE ACK u1 2400");
  args[1] = (gpointer) "SENDFILE DATA u1 4500 *";
  g_assert_true (gui_wait_for (fixture_sent, args));
  gui_drain ();
  g_assert_false (sent_matches (f, "SENDFILE DATA u1 4800 *"));
  feed (f, ":chatd.test SENDFILE ACK u1 4800");
  args[1] = (gpointer) "SENDFILE DATA u1 4800 *";
  g_assert_true (gui_wait_for (fixture_sent, args));
  feed (f, ":chatd.test SENDFILE ACK u1 5000");
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_ACTIVE);
  stored = g_strdup_printf (":chatd.test SENDFILE STORED u1 5000 %s 1", sha);
  feed (f, stored);
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_DONE);
  feed (f, ":chatd.test SENDFILE STATUS u1 bob COMPLETE");
  g_assert_cmpstr (gchat_message_get_text (last_message (gchat_session_find (f->session, "bob"))),
                   ==,
                   "bob received big file.bin");

  /* A refused upload fails on its row, in words. */
  g_assert_true (gchat_session_run (f->session, cmd, NULL));
  g_assert_true (gui_wait_for (two_transfers, f->session));
  feed (f, ":chatd.test SENDFILE UPLOAD u2 0 :big_file.bin");
  t = gchat_session_find_transfer (f->session, "u2");
  g_assert_nonnull (t);
  feed (f, "FAIL SENDFILE QUOTA_EXCEEDED u2 :Over your quota");
  g_assert_cmpint (gchat_transfer_get_state (t), ==, GCHAT_TRANSFER_FAILED);
  g_assert_cmpstr (gchat_transfer_get_error (t), ==, "Over your quota");
  g_unlink (path);
  g_rmdir (dir);
}

/* Registering an account: REGISTER after the welcome, then log in next time. */
static void
test_register (Fixture *f, gconstpointer data)
{
  g_autoptr (GchatSession) session = gchat_session_new ();

  (void)session;
  gchat_connection_set_account (f->conn, "alice", "pw", TRUE);
  feed (f, ":chatd.test 001 alice :Welcome again");
  g_assert_true (sent_matches (f, "REGISTER alice * pw"));
  feed (f, "REGISTER SUCCESS alice :Account created");
  feed (f, ":chatd.test 001 alice :Welcome back");
  g_assert_true (sent_matches (f, "LOGIN alice pw"));
}

/* ::notify-message: count notifications. */
static void
on_notify_count (GchatSession *session, GchatConversation *conv, GchatMessage *msg, gpointer data)
{
  (*(guint *)data)++;
}

/*
 * History: lines of a chathistory BATCH carry the history flag, are neither
 * unread nor notified (even a mention or a private line), and the batch's end
 * puts one "Earlier messages" divider after them; live lines stay unflagged.
 */
static void
test_history_flag (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatConversation *bob;
  GListModel        *msgs;
  guint              notified = 0;
  guint              dividers = 0;
  g_autoptr (GchatMessage) first = NULL;
  g_autoptr (GchatMessage) second = NULL;
  g_autoptr (GchatMessage) third = NULL;

  g_signal_connect (f->session, "notify-message", G_CALLBACK (on_notify_count), &notified);
  feed (f, ":alice!a@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  feed (f, ":chatd.test BATCH +h1 chathistory #room");
  feed (f, "@time=2020-01-01T10:00:00.000Z;batch=h1 :bob!b@h PRIVMSG #room :alice: old mention");
  feed (f, "@time=2020-01-01T10:01:00.000Z;batch=h1 :alice!a@h PRIVMSG #room :my old line");
  feed (f, ":chatd.test BATCH -h1");
  msgs = gchat_conversation_get_messages (room);
  /* history, history, divider, "You joined" */
  g_assert_cmpuint (g_list_model_get_n_items (msgs), ==, 4);
  first = g_list_model_get_item (msgs, 0);
  second = g_list_model_get_item (msgs, 1);
  third = g_list_model_get_item (msgs, 2);
  g_assert_true (gchat_message_get_history (first));
  g_assert_true (gchat_message_get_history (second));
  g_assert_true (gchat_message_get_own (second));
  g_assert_true (gchat_message_get_divider (third));
  g_assert_false (gchat_message_get_history (third));
  g_assert_cmpstr (gchat_message_get_text (third), ==, "Earlier messages");
  g_assert_false (gchat_message_is_chat (third));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);
  g_assert_false (gchat_conversation_get_mentioned (room));
  g_assert_cmpuint (notified, ==, 0);

  /* A live line after the batch: not history, counted, and a mention notifies. */
  feed (f, ":bob!b@h PRIVMSG #room :alice: live now");
  g_assert_false (gchat_message_get_history (last_message (room)));
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 1);
  g_assert_cmpuint (notified, ==, 1);

  /* A second load moves the divider rather than adding another. */
  feed (f, ":chatd.test BATCH +h2 chathistory #room");
  feed (f, "@time=2020-01-01T10:02:00.000Z;batch=h2 :bob!b@h PRIVMSG #room :older still");
  feed (f, ":chatd.test BATCH -h2");
  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    dividers += gchat_message_get_divider (m);
  }
  g_assert_cmpuint (dividers, ==, 1);

  /* Private history goes to the query with the other side, even our own lines. */
  feed (f, ":chatd.test BATCH +h3 chathistory bob");
  feed (f, "@time=2020-01-01T11:00:00.000Z;batch=h3 :alice!a@h PRIVMSG bob :I said this");
  feed (f, "@time=2020-01-01T11:01:00.000Z;batch=h3 :bob!b@h PRIVMSG alice :bob said that");
  feed (f, ":chatd.test BATCH -h3");
  g_assert_null (gchat_session_find (f->session, "alice"));
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (bob);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_messages (bob)), ==, 3);
  g_assert_true (gchat_message_get_divider (last_message (bob)));
  g_assert_cmpuint (gchat_conversation_get_unread (bob), ==, 0);
  g_assert_cmpuint (notified, ==, 1);
  /* A line tagged with a batch that is not history is live. */
  feed (f, "@batch=zz :bob!b@h PRIVMSG alice :live psst");
  g_assert_false (gchat_message_get_history (last_message (bob)));
  g_assert_cmpuint (gchat_conversation_get_unread (bob), ==, 1);
}

/*
 * WHOX: after our JOIN gchat asks WHO #chan %tcnfa,<token> when the server
 * says WHOX, and fills in accounts and away from the 354s, silently.
 */
static void
test_whox (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatConversation *server = gchat_session_get_server (f->session);
  GchatMember       *bob;
  GchatMember       *carol;
  guint              notes;

  feed (f, ":chatd.test 005 alice WHOX :are supported");
  feed (f, ":alice!a@h JOIN #room");
  g_assert_true (sent_matches (f, "WHO #room %tcnfa,*"));
  room = gchat_session_find (f->session, "#room");
  feed (f, ":chatd.test 353 alice = #room :@alice bob carol");
  feed (f, ":chatd.test 366 alice #room :End of /NAMES list");
  notes = g_list_model_get_n_items (gchat_conversation_get_messages (server));
  {
    const char      *who = NULL;
    g_autofree char *token = NULL;
    g_autofree char *l1 = NULL;
    g_autofree char *l2 = NULL;
    g_autofree char *l3 = NULL;

    for (guint i = 0; i < f->sent->len; i++)
      if (g_str_has_prefix (g_ptr_array_index (f->sent, i), "WHO #room %tcnfa,"))
        who = g_ptr_array_index (f->sent, i);
    token = g_strdup (who + strlen ("WHO #room %tcnfa,"));
    l1 = g_strdup_printf (":chatd.test 354 alice %s #room alice H@ 0", token);
    l2 = g_strdup_printf (":chatd.test 354 alice %s #room bob G bobacct", token);
    l3 = g_strdup_printf (":chatd.test 354 alice %s #room carol H 0", token);
    feed (f, l1);
    feed (f, l2);
    feed (f, l3);
  }
  feed (f, ":chatd.test 315 alice #room :End of WHO list");
  bob = gchat_conversation_find_member (room, "bob");
  carol = gchat_conversation_find_member (room, "carol");
  g_assert_cmpstr (gchat_member_get_account (bob), ==, "bobacct");
  g_assert_true (gchat_member_get_away (bob));
  g_assert_null (gchat_member_get_account (carol));
  g_assert_false (gchat_member_get_away (carol));
  /* Nothing of it in the server log. */
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_messages (server)), ==, notes);
  /* A WHO the user typed still shows its end. */
  feed (f, ":chatd.test 315 alice #room :End of WHO list");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_messages (server)),
                    ==,
                    notes + 1);
}

/* CHANMODES=beI,k,l,imnst and PREFIX=(ov)@+, as chatd says. */
static const struct chat_mode_spec *
test_mode_spec (void)
{
  static struct chat_mode_spec spec;

  chat_mode_spec_init (&spec, "beI,k,l,imnst", "(ov)@+", 0);
  return &spec;
}

/* The diff between two sets of group modes, packed into as few MODE lines as allowed. */
static void
test_group_modes_diff (void)
{
  GchatGroupModes from = { 0 };
  GchatGroupModes to = { 0 };
  g_autoptr (GPtrArray) lines = NULL;
  char **l;

  from.no_outside = from.topic_lock = TRUE;
  gchat_group_modes_copy (&to, &from);
  lines = gchat_group_modes_diff (&from, &to, 4);
  g_assert_cmpuint (lines->len, ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);
  /* +i, a key and a limit: one line, flags first. */
  to.invite_only = TRUE;
  to.key = g_strdup ("sesame");
  to.limit = 25;
  to.topic_lock = FALSE;
  lines = gchat_group_modes_diff (&from, &to, 4);
  g_assert_cmpuint (lines->len, ==, 1);
  l = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (l[0], ==, "+i-t+kl");
  g_assert_cmpstr (l[1], ==, "sesame");
  g_assert_cmpstr (l[2], ==, "25");
  g_assert_null (l[3]);
  g_clear_pointer (&lines, g_ptr_array_unref);
  /* With MODES=1 the two parameters need two lines. */
  lines = gchat_group_modes_diff (&from, &to, 1);
  g_assert_cmpuint (lines->len, ==, 2);
  l = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (l[0], ==, "+i-t+k");
  g_assert_cmpstr (l[1], ==, "sesame");
  l = g_ptr_array_index (lines, 1);
  g_assert_cmpstr (l[0], ==, "+l");
  g_assert_cmpstr (l[1], ==, "25");
  g_clear_pointer (&lines, g_ptr_array_unref);
  /* Back again: the key goes with "*", the limit without a parameter. */
  lines = gchat_group_modes_diff (&to, &from, 4);
  g_assert_cmpuint (lines->len, ==, 1);
  l = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (l[0], ==, "-i+t-kl");
  g_assert_cmpstr (l[1], ==, "*");
  g_assert_null (l[2]);
  g_clear_pointer (&lines, g_ptr_array_unref);
  /* A new key replaces the old one with +k. */
  g_free (from.key);
  from.key = g_strdup ("old");
  from.invite_only = TRUE;
  from.topic_lock = FALSE;
  from.limit = 25;
  lines = gchat_group_modes_diff (&from, &to, 4);
  g_assert_cmpuint (lines->len, ==, 1);
  l = g_ptr_array_index (lines, 0);
  g_assert_cmpstr (l[0], ==, "+k");
  g_assert_cmpstr (l[1], ==, "sesame");
  g_assert_false (gchat_group_modes_equal (&from, &to));
  gchat_group_modes_clear (&from);
  gchat_group_modes_clear (&to);
}

/* 324, MODE and 367/368 parsed into a GchatGroup; CHANADMIN lines into its admins. */
static void
test_group_model (void)
{
  g_autoptr (GchatGroup) group = gchat_group_new ("#g");
  const char *const      reply[] = { "sesame", "10" };
  const char *const      change[] = { "*", "x!*@*", "bob" };
  const char *const      ban[] = { "x!*@*" };
  const GchatGroupModes *m;
  g_autoptr (GchatBan) b = NULL;

  g_assert_false (gchat_group_get_modes_known (group));
  gchat_group_set_modes_reply (group, "+iklnt", reply, 2, test_mode_spec ());
  m = gchat_group_get_modes (group);
  g_assert_true (gchat_group_get_modes_known (group));
  g_assert_true (m->invite_only && m->no_outside && m->topic_lock);
  g_assert_false (m->moderated || m->secret);
  g_assert_cmpstr (m->key, ==, "sesame");
  g_assert_cmpuint (m->limit, ==, 10);
  /* -k takes its parameter, -l none; +b goes to the ban list, +o is skipped. */
  gchat_group_apply_mode (group, "bob!b@h", "-kl+mbo", change, 3, test_mode_spec ());
  g_assert_null (m->key);
  g_assert_cmpuint (m->limit, ==, 0);
  g_assert_true (m->moderated);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 1);
  b = g_list_model_get_item (gchat_group_get_bans (group), 0);
  g_assert_cmpstr (gchat_ban_get_mask (b), ==, "x!*@*");
  g_assert_cmpstr (gchat_ban_get_setter (b), ==, "bob");
  g_clear_object (&b);
  gchat_group_apply_mode (group, "bob", "-b", ban, 1, test_mode_spec ());
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 0);
  /* A listing replaces the list at its end. */
  gchat_group_ban_listed (group, "a!*@*", "carol!c@h", 1700000000);
  gchat_group_ban_listed (group, "b!*@*", "*", 0);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 0);
  gchat_group_ban_list_end (group);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 2);
  b = g_list_model_get_item (gchat_group_get_bans (group), 0);
  g_assert_cmpstr (gchat_ban_get_setter (b), ==, "carol");
  g_assert_cmpint (gchat_ban_get_when (b), ==, 1700000000);
  g_clear_object (&b);
  b = g_list_model_get_item (gchat_group_get_bans (group), 1);
  g_assert_null (gchat_ban_get_setter (b));
  /* Permanent admins. */
  g_assert_cmpint (gchat_group_get_registration (group), ==, GCHAT_GROUP_REGISTRATION_UNKNOWN);
  g_assert_true (gchat_group_chanadmin_line (group, "OWNER", "ann"));
  g_assert_true (gchat_group_chanadmin_line (group, "ADMIN", "bo"));
  g_assert_true (gchat_group_chanadmin_line (group, "ADMIN", "cy"));
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_admins (group)), ==, 0);
  g_assert_true (gchat_group_chanadmin_line (group, "END", NULL));
  g_assert_cmpint (gchat_group_get_registration (group), ==, GCHAT_GROUP_REGISTRATION_REGISTERED);
  g_assert_cmpstr (gchat_group_get_owner (group), ==, "ann");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_admins (group)), ==, 2);
  g_assert_true (gchat_group_has_admin (group, "CY"));
  g_assert_true (gchat_group_chanadmin_line (group, "REMOVED", "cy"));
  g_assert_false (gchat_group_has_admin (group, "cy"));
  g_assert_true (gchat_group_chanadmin_line (group, "ADDED", "dee"));
  g_assert_true (gchat_group_chanadmin_line (group, "ADDED", "dee"));
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_admins (group)), ==, 2);
  g_assert_false (gchat_group_chanadmin_line (group, "ADDED", NULL));
  g_assert_false (gchat_group_chanadmin_line (group, "BOGUS", "x"));
  gchat_group_set_not_registered (group);
  g_assert_cmpint (gchat_group_get_registration (group), ==, GCHAT_GROUP_REGISTRATION_NONE);
  g_assert_null (gchat_group_get_owner (group));
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_admins (group)), ==, 0);
}

/* ::server-error: count it. */
static void
count_error (GchatSession *session, const char *text, guint *n)
{
  (*n)++;
}

/* The session feeds a group's state from the server's lines and sends the dialog's wishes. */
static void
test_group_session (Fixture *f, gconstpointer data)
{
  GchatConversation *conv;
  GchatGroup        *group;
  GchatGroupModes    wanted = { 0 };
  guint              errors = 0;

  gchat_connection_set_account (f->conn, "alice", "pw", FALSE);
  feed (f, ":chatd.test 005 alice MODES=4 :are supported");
  feed (f, ":alice!a@h JOIN #g");
  feed (f, ":chatd.test 353 alice = #g :@alice bob");
  feed (f, ":chatd.test 366 alice #g :End of /NAMES list");
  conv = gchat_session_find (f->session, "#g");
  group = gchat_session_get_group (f->session, conv);
  g_assert_true (gchat_session_get_group (f->session, conv) == group);
  gchat_session_request_group (f->session, conv);
  g_assert_true (sent_matches (f, "MODE #g"));
  g_assert_true (sent_matches (f, "MODE #g b"));
  feed (f, ":chatd.test 324 alice #g +nt");
  feed (f, ":chatd.test 329 alice #g 1700000000");
  feed (f, ":chatd.test 367 alice #g spam!*@* bob 1700000000");
  feed (f, ":chatd.test 368 alice #g :End of channel ban list");
  g_assert_true (gchat_group_get_modes_known (group));
  g_assert_true (gchat_group_get_modes (group)->topic_lock);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 1);
  /* The replies are not dumped as text into the server log. */
  g_assert_null (
    strstr (gchat_message_get_text (last_message (gchat_session_get_server (f->session))),
            "spam!*@*"));
  feed (f, ":bob!b@h MODE #g +ib-b x!*@* spam!*@*");
  g_assert_true (gchat_group_get_modes (group)->invite_only);
  g_assert_cmpuint (g_list_model_get_n_items (gchat_group_get_bans (group)), ==, 1);
  /* Apply: only the difference, in one MODE line. */
  gchat_group_modes_copy (&wanted, gchat_group_get_modes (group));
  wanted.key = g_strdup ("k1");
  wanted.limit = 5;
  wanted.secret = TRUE;
  gchat_session_set_group_modes (f->session, conv, &wanted);
  g_assert_true (sent_matches (f, "MODE #g +skl k1 5"));
  gchat_group_modes_clear (&wanted);
  gchat_session_set_ban (f->session, conv, "y!*@*", FALSE);
  g_assert_true (sent_matches (f, "MODE #g -b y!*@*"));
  gchat_session_set_permanent_admin (f->session, conv, "bob", TRUE);
  g_assert_true (sent_matches (f, "CHANADMIN #g +bob"));
  /* Machine lines make us the owner; NOT_REGISTERED is no error. */
  g_signal_connect (f->session, "server-error", G_CALLBACK (count_error), &errors);
  feed (f, ":chatd.test 900 alice alice!a@h alice :You are now logged in as alice");
  feed (f, ":chatd.test CHANADMIN #g OWNER alice");
  feed (f, ":chatd.test CHANADMIN #g END");
  g_assert_true (gchat_session_is_group_owner (f->session, conv));
  feed (f, ":chatd.test CHANADMIN #g ADDED bob");
  g_assert_true (gchat_group_has_admin (group, "bob"));
  g_assert_nonnull (
    strstr (gchat_message_get_text (last_message (conv)), "bob is now a permanent admin"));
  feed (f, ":chatd.test FAIL CHANADMIN NOT_REGISTERED #g :#g is not a persistent channel");
  g_assert_cmpint (gchat_group_get_registration (group), ==, GCHAT_GROUP_REGISTRATION_NONE);
  g_assert_false (gchat_session_is_group_owner (f->session, conv));
  g_assert_cmpuint (errors, ==, 0);
  g_signal_handlers_disconnect_by_func (f->session, count_error, &errors);
}

/* Typing, ours: active at most every 3 s, paused after 5 s idle, done once. */
static void
test_typing_out (void)
{
  GchatTypingOut out;
  const gint64   s = G_USEC_PER_SEC;
  const gint64   t0 = 1000 * s;

  gchat_typing_out_init (&out);
  g_assert_cmpint (gchat_typing_out_pause_at (&out), ==, -1);
  /* Empty text, commands and clearing an idle entry send nothing. */
  g_assert_cmpint (gchat_typing_out_input (&out, "", t0), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_input (&out, "/join #x", t0), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_input (&out, NULL, t0), ==, GCHAT_TYPING_NONE);
  /* The first key sends active; the next ones within 3 s do not. */
  g_assert_cmpint (gchat_typing_out_input (&out, "h", t0), ==, GCHAT_TYPING_ACTIVE);
  g_assert_cmpint (gchat_typing_out_pause_at (&out), ==, t0 + 5 * s);
  g_assert_cmpint (gchat_typing_out_input (&out, "he", t0 + s), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_input (&out, "hel", t0 + 3 * s - 1), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_pause_at (&out), ==, t0 + 8 * s - 1);
  /* 3 s after the last active, still typing: active again (keeps it fresh). */
  g_assert_cmpint (gchat_typing_out_input (&out, "hell", t0 + 3 * s), ==, GCHAT_TYPING_ACTIVE);
  /* Idle: nothing before 5 s after the last key, then paused, once. */
  g_assert_cmpint (gchat_typing_out_idle (&out, t0 + 8 * s - 1), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_idle (&out, t0 + 8 * s), ==, GCHAT_TYPING_PAUSED);
  g_assert_cmpint (gchat_typing_out_idle (&out, t0 + 20 * s), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_pause_at (&out), ==, -1);
  /* A key after the pause is active at once, throttle or not. */
  g_assert_cmpint (gchat_typing_out_input (&out, "hello", t0 + 9 * s), ==, GCHAT_TYPING_ACTIVE);
  /* Clearing the entry: done, once. */
  g_assert_cmpint (gchat_typing_out_input (&out, "", t0 + 10 * s), ==, GCHAT_TYPING_DONE);
  g_assert_cmpint (gchat_typing_out_input (&out, "", t0 + 11 * s), ==, GCHAT_TYPING_NONE);
  /* Paused, then the entry cleared: done too. */
  g_assert_cmpint (gchat_typing_out_input (&out, "x", t0 + 20 * s), ==, GCHAT_TYPING_ACTIVE);
  g_assert_cmpint (gchat_typing_out_idle (&out, t0 + 25 * s), ==, GCHAT_TYPING_PAUSED);
  g_assert_cmpint (gchat_typing_out_stop (&out), ==, GCHAT_TYPING_DONE);
  /* Turning the line into a command is like clearing it. */
  g_assert_cmpint (gchat_typing_out_input (&out, "y", t0 + 30 * s), ==, GCHAT_TYPING_ACTIVE);
  g_assert_cmpint (gchat_typing_out_input (&out, "/y", t0 + 30 * s), ==, GCHAT_TYPING_DONE);
  /* Sending the line: the message says done; nothing more to send. */
  g_assert_cmpint (gchat_typing_out_input (&out, "z", t0 + 40 * s), ==, GCHAT_TYPING_ACTIVE);
  gchat_typing_out_sent (&out);
  g_assert_cmpint (gchat_typing_out_input (&out, "", t0 + 40 * s), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_out_idle (&out, t0 + 60 * s), ==, GCHAT_TYPING_NONE);
  /* The next line starts afresh, right away. */
  g_assert_cmpint (gchat_typing_out_input (&out, "a", t0 + 40 * s + 1), ==, GCHAT_TYPING_ACTIVE);
  g_assert_cmpstr (gchat_typing_state_to_string (GCHAT_TYPING_PAUSED), ==, "paused");
  g_assert_null (gchat_typing_state_to_string (GCHAT_TYPING_NONE));
}

/* Typing, others': the words, and expiry 6 s after active, 30 s after paused. */
static void
test_typing_in (void)
{
  g_autoptr (GchatTyping) t = gchat_typing_new ();
  const gint64 s = G_USEC_PER_SEC;
  const gint64 t0 = 5000 * s;

  g_assert_cmpstr (gchat_typing_get_text (t), ==, "");
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, 0);
  /* Unknown values and a missing nick change nothing. */
  g_assert_false (gchat_typing_update (t, "ann", "thinking", t0));
  g_assert_false (gchat_typing_update (t, "ann", NULL, t0));
  g_assert_false (gchat_typing_update (t, NULL, "active", t0));
  g_assert_false (gchat_typing_update (t, "ann", "done", t0));
  g_assert_true (gchat_typing_update (t, "ann", "active", t0));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "ann is typing…");
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, t0 + 6 * s);
  g_assert_true (gchat_typing_update (t, "bo", "active", t0 + s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "ann and bo are typing…");
  g_assert_true (gchat_typing_update (t, "cy", "active", t0 + 2 * s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "3 people are typing…");
  /* Nicks compare without case; a repeat refreshes, in place. */
  g_assert_true (gchat_typing_update (t, "ANN", "active", t0 + 3 * s));
  g_assert_cmpint (gchat_typing_get_state (t, "Ann"), ==, GCHAT_TYPING_ACTIVE);
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, t0 + 7 * s); /* bo's */
  /* Paused people are not "typing" but are remembered for 30 s. */
  g_assert_true (gchat_typing_update (t, "cy", "paused", t0 + 3 * s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "ann and bo are typing…");
  g_assert_cmpint (gchat_typing_get_state (t, "cy"), ==, GCHAT_TYPING_PAUSED);
  /* Expiry: nothing before 6 s, bo at 6 s after their active, ann 6 s after theirs. */
  g_assert_false (gchat_typing_expire (t, t0 + 7 * s - 1));
  g_assert_true (gchat_typing_expire (t, t0 + 7 * s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "ann is typing…");
  g_assert_true (gchat_typing_expire (t, t0 + 9 * s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "");
  g_assert_cmpint (gchat_typing_get_state (t, "ann"), ==, GCHAT_TYPING_NONE);
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, t0 + 33 * s);
  g_assert_false (gchat_typing_expire (t, t0 + 33 * s - 1));
  g_assert_cmpint (gchat_typing_get_state (t, "cy"), ==, GCHAT_TYPING_PAUSED);
  g_assert_true (gchat_typing_expire (t, t0 + 33 * s));
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, 0);
  /* Done, a rename, a removal, clearing. */
  gchat_typing_update (t, "ann", "active", t0 + 40 * s);
  g_assert_true (gchat_typing_update (t, "ann", "done", t0 + 41 * s));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "");
  gchat_typing_update (t, "ann", "active", t0 + 42 * s);
  g_assert_true (gchat_typing_rename (t, "ann", "anna"));
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "anna is typing…");
  g_assert_false (gchat_typing_remove (t, "ann"));
  g_assert_true (gchat_typing_remove (t, "anna"));
  gchat_typing_update (t, "bo", "active", t0 + 43 * s);
  gchat_typing_clear (t);
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "");
  g_assert_cmpint (gchat_typing_next_expiry (t), ==, 0);
}

/* Condition: the GchatTyping @data says nobody is typing. */
static gboolean
typing_empty (gpointer data)
{
  return *gchat_typing_get_text (data) == '\0';
}

/* Expiry runs from a GLib timeout, without anyone asking (one bounded 6 s wait). */
static void
test_typing_timer (void)
{
  g_autoptr (GchatTyping) t = gchat_typing_new ();
  gint64 start = g_get_monotonic_time ();

  gchat_typing_update (t, "ann", "active", start);
  g_assert_cmpstr (gchat_typing_get_text (t), ==, "ann is typing…");
  g_assert_true (gui_wait_for (typing_empty, t));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, GCHAT_TYPING_ACTIVE_TTL - 10000);
}

/* Typing through the session: TAGMSG, messages, nick changes, quits, quiet answers. */
static void
test_typing_session (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatConversation *query;
  GchatTyping       *typing;
  guint              n_server;

  feed (f, ":alice!a@h JOIN #room");
  feed (f, ":ann!a@h JOIN #room");
  feed (f, ":bo!b@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  typing = gchat_conversation_get_typing (room);
  /* Tags gchat does not know are ignored, on TAGMSG and on messages. */
  feed (f, "@time=2026-01-01T00:00:00.000Z;msgid=1;+draft/react=x :ann!a@h TAGMSG #room");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "");
  feed (f, "@msgid=abc;+draft/reply=1;account=ann :ann!a@h PRIVMSG #room :hi");
  g_assert_cmpstr (gchat_message_get_text (last_message (room)), ==, "hi");
  feed (f, "@msgid=2;+typing=active :ann!a@h TAGMSG #room");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "ann is typing…");
  feed (f, "@+typing=active :bo!b@h TAGMSG #room");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "ann and bo are typing…");
  /* Their message ends it. */
  feed (f, "@msgid=3 :ann!a@h PRIVMSG #room :there");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "bo is typing…");
  /* A nick change follows them; leaving ends it. */
  feed (f, ":bo!b@h NICK bob");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "bob is typing…");
  feed (f, ":bob!b@h PART #room");
  g_assert_cmpstr (gchat_typing_get_text (typing), ==, "");
  feed (f, "@+typing=paused :ann!a@h TAGMSG #room");
  g_assert_cmpint (gchat_typing_get_state (typing, "ann"), ==, GCHAT_TYPING_PAUSED);
  feed (f, ":ann!a@h QUIT :bye");
  g_assert_cmpint (gchat_typing_get_state (typing, "ann"), ==, GCHAT_TYPING_NONE);
  /* Private typing reaches an open conversation, but never opens one. */
  feed (f, "@+typing=active :cy!c@h TAGMSG alice");
  g_assert_null (gchat_session_find (f->session, "cy"));
  query = gchat_session_open_query (f->session, "cy", FALSE);
  feed (f, "@+typing=active :cy!c@h TAGMSG alice");
  g_assert_cmpstr (gchat_typing_get_text (gchat_conversation_get_typing (query)),
                   ==,
                   "cy is typing…");
  feed (f, "@+typing=done :cy!c@h TAGMSG alice");
  g_assert_cmpstr (gchat_typing_get_text (gchat_conversation_get_typing (query)), ==, "");
  /* Answers to our quietly labeled typing notices are dropped, not shown. */
  n_server = g_list_model_get_n_items (
    gchat_conversation_get_messages (gchat_session_get_server (f->session)));
  feed (f,
        "@label=" GCHAT_CONNECTION_QUIET_LABEL " :chatd.test 401 alice cy :No such nick/channel");
  feed (f, "@label=" GCHAT_CONNECTION_QUIET_LABEL " :chatd.test ACK");
  g_assert_cmpuint (g_list_model_get_n_items (gchat_conversation_get_messages (query)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (
                      gchat_conversation_get_messages (gchat_session_get_server (f->session))),
                    ==,
                    n_server);
}

/* Scrollback: a line said by @nick at 2020-01-01 10:00 plus @secs seconds, with @msgid. */
static GchatMessage *
sb_line (const char *nick, const char *text, int secs, const char *msgid)
{
  GchatMessage *msg = gchat_message_new (GCHAT_MESSAGE_TEXT, nick, text, FALSE);
  g_autoptr (GDateTime) base = g_date_time_new_utc (2020, 1, 1, 10, 0, 0);
  g_autoptr (GDateTime) when = g_date_time_add_seconds (base, secs);

  gchat_message_set_time (msg, when);
  gchat_message_set_msgid (msg, msgid);
  gchat_message_set_history (msg, TRUE);
  return msg;
}

/* Scrollback: the texts of @conv's items, joined by spaces. */
static char *
sb_texts (GchatConversation *conv)
{
  GListModel *msgs = gchat_conversation_get_messages (conv);
  GString    *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    g_string_append_printf (s, "%s%s", i > 0 ? " " : "", gchat_message_get_text (m));
  }
  return g_string_free (s, FALSE);
}

/*
 * Scrollback, pure: the BEFORE reference starts from the oldest line
 * someone said (not a note), by msgid when known, else by time one
 * millisecond on (UTC, milliseconds); fewer lines than asked is the
 * beginning, the limit wins over it.
 */
static void
test_scrollback_pure (void)
{
  g_autoptr (GchatConversation) conv = gchat_conversation_new (GCHAT_CONVERSATION_CHANNEL, "#r");
  g_autoptr (GTimeZone) tz = g_time_zone_new_offset (2 * 3600);
  g_autoptr (GDateTime) local = g_date_time_new (tz, 2021, 3, 4, 5, 6, 7.891234);
  g_autoptr (GchatMessage) note =
    gchat_message_new (GCHAT_MESSAGE_EVENT, NULL, "You joined", FALSE);
  g_autoptr (GchatMessage) line = sb_line ("bob", "hi", 5, NULL);
  g_autofree char *stamp = gchat_scrollback_timestamp (local);
  g_autofree char *ref = NULL;

  g_assert_cmpstr (stamp, ==, "2021-03-04T03:06:07.891Z");
  g_assert_null (gchat_scrollback_before_ref (gchat_conversation_get_messages (conv)));
  gchat_message_set_time (note, local); /* notes carry our clock: never the reference */
  gchat_conversation_add (conv, note);
  g_assert_null (gchat_scrollback_oldest (gchat_conversation_get_messages (conv)));
  g_assert_null (gchat_scrollback_before_ref (gchat_conversation_get_messages (conv)));
  gchat_conversation_add (conv, line);
  g_assert_true (gchat_scrollback_oldest (gchat_conversation_get_messages (conv)) == line);
  ref = gchat_scrollback_before_ref (gchat_conversation_get_messages (conv));
  g_assert_cmpstr (ref, ==, "timestamp=2020-01-01T10:00:05.001Z");
  g_clear_pointer (&ref, g_free);
  gchat_message_set_msgid (line, "abc123");
  ref = gchat_scrollback_before_ref (gchat_conversation_get_messages (conv));
  g_assert_cmpstr (ref, ==, "msgid=abc123");

  g_assert_cmpint (gchat_scrollback_state_after (50, 50, FALSE), ==, GCHAT_SCROLLBACK_MORE);
  g_assert_cmpint (gchat_scrollback_state_after (50, 20, FALSE), ==, GCHAT_SCROLLBACK_BEGINNING);
  g_assert_cmpint (gchat_scrollback_state_after (50, 0, FALSE), ==, GCHAT_SCROLLBACK_BEGINNING);
  g_assert_cmpint (gchat_scrollback_state_after (50, 20, TRUE), ==, GCHAT_SCROLLBACK_FULL);
  g_assert_cmpint (gchat_scrollback_state_after (50, 50, TRUE), ==, GCHAT_SCROLLBACK_FULL);
  g_assert_nonnull (gchat_scrollback_state_text (GCHAT_SCROLLBACK_BEGINNING));
  g_assert_null (gchat_scrollback_state_text (GCHAT_SCROLLBACK_NONE));
  g_assert_cmpint (gchat_conversation_get_scrollback (conv), ==, GCHAT_SCROLLBACK_MORE);
  {
    g_autoptr (GchatConversation) server =
      gchat_conversation_new (GCHAT_CONVERSATION_SERVER, "Server");

    g_assert_cmpint (gchat_conversation_get_scrollback (server), ==, GCHAT_SCROLLBACK_NONE);
  }
}

/*
 * Scrollback, model: older lines go above the ones shown, in time order,
 * before a newer line of the same time, in arrival order among themselves;
 * copies are skipped; a note with our (later) clock stays below; at the
 * limit the oldest stay out, never the newest, and the state says so.
 */
static void
test_scrollback_add_older (void)
{
  g_autoptr (GchatConversation) conv = gchat_conversation_new (GCHAT_CONVERSATION_CHANNEL, "#r");
  g_autoptr (GPtrArray) older = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GchatMessage) note = gchat_message_new (GCHAT_MESSAGE_EVENT, NULL, "joined", FALSE);
  g_autofree char *texts = NULL;
  gboolean         capped = TRUE;
  guint            n;

  for (int i = 5; i <= 7; i++) {
    g_autofree char *t = g_strdup_printf ("l%d", i);
    g_autoptr (GchatMessage) m = sb_line ("bob", t, i, NULL);

    gchat_conversation_add (conv, m);
  }
  gchat_conversation_add (conv, note); /* now: after all of them */
  /* l2b shares l2's second; l4 shares l5's (shown) and is older by the server's order. */
  g_ptr_array_add (older, sb_line ("bob", "l1", 1, NULL));
  g_ptr_array_add (older, sb_line ("bob", "l2", 2, NULL));
  g_ptr_array_add (older, sb_line ("bob", "l2b", 2, NULL));
  g_ptr_array_add (older, sb_line ("bob", "l4", 5, NULL));
  g_ptr_array_add (older, sb_line ("bob", "l5", 5, NULL)); /* a copy of the one shown */
  n = gchat_conversation_add_older (conv, older, &capped);
  g_assert_cmpuint (n, ==, 4);
  g_assert_false (capped);
  texts = sb_texts (conv);
  g_assert_cmpstr (texts, ==, "l1 l2 l2b l4 l5 l6 l7 joined");
  g_assert_cmpuint (gchat_conversation_get_unread (conv), ==, 0);

  /* The limit: fill up to five short of it, then offer ten older lines. */
  {
    g_autoptr (GchatConversation) big = gchat_conversation_new (GCHAT_CONVERSATION_QUERY, "bob");
    g_autoptr (GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr (GchatMessage) first = NULL;
    g_autoptr (GchatMessage) last = NULL;
    GListModel *msgs = gchat_conversation_get_messages (big);

    for (int i = 0; i < GCHAT_CONVERSATION_SCROLLBACK - 5; i++) {
      g_autoptr (GchatMessage) m = sb_line ("bob", "new", 100 + i, NULL);

      gchat_conversation_add (big, m);
    }
    for (int i = 0; i < 10; i++) {
      g_autofree char *t = g_strdup_printf ("old%d", i);

      g_ptr_array_add (more, sb_line ("bob", t, i, NULL));
    }
    n = gchat_conversation_add_older (big, more, &capped);
    g_assert_cmpuint (n, ==, 5);
    g_assert_true (capped);
    g_assert_cmpuint (g_list_model_get_n_items (msgs), ==, GCHAT_CONVERSATION_SCROLLBACK);
    first = g_list_model_get_item (msgs, 0);
    last = g_list_model_get_item (msgs, GCHAT_CONVERSATION_SCROLLBACK - 1);
    g_assert_cmpstr (gchat_message_get_text (first), ==, "old5"); /* the newest of the older */
    g_assert_cmpstr (gchat_message_get_text (last), ==, "new");
    /* A live line past the limit drops the oldest: earlier ones are not loaded again. */
    gchat_conversation_add_text (big, GCHAT_MESSAGE_INFO, "one more");
    g_assert_cmpint (gchat_conversation_get_scrollback (big), ==, GCHAT_SCROLLBACK_FULL);
  }
}

/* Scrollback: the chat lines in @msgs. */
static guint
count_chat_items (GListModel *msgs)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (msgs); i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);

    n += gchat_message_is_chat (m);
  }
  return n;
}

/* Scrollback: the batch of @n lines #room got, ids m<from>.., @from seconds on. */
static void
sb_feed_batch (Fixture *f, const char *id, const char *target, int from, int n)
{
  g_autofree char *open = g_strdup_printf (":chatd.test BATCH +%s chathistory %s", id, target);
  g_autofree char *close = g_strdup_printf (":chatd.test BATCH -%s", id);

  feed (f, open);
  for (int i = from; i < from + n; i++) {
    g_autofree char *line =
      g_strdup_printf ("@time=2020-01-01T10:%02d:%02d.000Z;msgid=m%d;batch=%s :bob!b@h PRIVMSG "
                       "%s :line %d",
                       i / 60,
                       i % 60,
                       i,
                       id,
                       target,
                       i);

    feed (f, line);
  }
  feed (f, close);
}

/*
 * Scrollback, session: LATEST on joining, then BEFORE from the oldest
 * msgid, one request at a time; the answer goes on top in order, unread
 * and notifications untouched, the divider where it was; a short answer is
 * the beginning. A FAIL ends the request; an unknown msgid is asked again
 * by time.
 */
static void
test_scrollback_session (Fixture *f, gconstpointer data)
{
  GchatConversation *room;
  GchatConversation *bob;
  GListModel        *msgs;
  guint              notified = 0;
  guint              sent;

  g_signal_connect (f->session, "notify-message", G_CALLBACK (on_notify_count), &notified);
  feed (f, ":chatd.test 005 alice CHATHISTORY=100 :are supported");
  feed (f, ":alice!a@h JOIN #room");
  room = gchat_session_find (f->session, "#room");
  msgs = gchat_conversation_get_messages (room);
  g_assert_true (sent_matches (f, "CHATHISTORY LATEST #room * 50"));
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_LOADING);
  g_assert_false (gchat_session_load_older (f->session, room)); /* one at a time */
  sb_feed_batch (f, "h1", "#room", 70, 50);
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_MORE);
  /* 50 lines, the divider, "You joined" */
  g_assert_cmpuint (g_list_model_get_n_items (msgs), ==, 52);

  sent = f->sent->len;
  g_assert_true (gchat_session_load_older (f->session, room));
  g_assert_cmpuint (f->sent->len, ==, sent + 1);
  g_assert_cmpstr (g_ptr_array_index (f->sent, sent), ==, "CHATHISTORY BEFORE #room msgid=m70 50");
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_LOADING);
  g_assert_false (gchat_session_load_older (f->session, room));
  g_assert_cmpuint (f->sent->len, ==, sent + 1);
  sb_feed_batch (f, "h2", "#room", 20, 50);
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_MORE);
  g_assert_cmpuint (g_list_model_get_n_items (msgs), ==, 102);
  for (guint i = 0; i < 100; i++) {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, i);
    g_autofree char *want = g_strdup_printf ("line %u", 20 + i);

    g_assert_cmpstr (gchat_message_get_text (m), ==, want);
    g_assert_true (gchat_message_get_history (m));
  }
  {
    g_autoptr (GchatMessage) m = g_list_model_get_item (msgs, 100);

    g_assert_true (gchat_message_get_divider (m)); /* still under the latest lines */
  }
  g_assert_cmpuint (gchat_conversation_get_unread (room), ==, 0);
  g_assert_cmpuint (notified, ==, 0);

  /* Twenty left: the beginning; no more requests. */
  g_assert_true (gchat_session_load_older (f->session, room));
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 1),
                   ==,
                   "CHATHISTORY BEFORE #room msgid=m20 50");
  sb_feed_batch (f, "h3", "#room", 0, 20);
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_BEGINNING);
  g_assert_cmpuint (g_list_model_get_n_items (msgs), ==, 122);
  g_assert_false (gchat_session_load_older (f->session, room));
  /* Joined again (a reconnect): the latest lines are copies; the beginning stays shown. */
  feed (f, ":alice!a@h JOIN #room");
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_LOADING);
  sb_feed_batch (f, "h2b", "#room", 70, 50);
  g_assert_cmpint (gchat_conversation_get_scrollback (room), ==, GCHAT_SCROLLBACK_BEGINNING);
  g_assert_cmpuint (count_chat_items (msgs), ==, 120);

  /* A private conversation opened by a live line: BEFORE by time; a FAIL ends it. */
  feed (f, "@time=2020-01-02T08:00:00.250Z :bob!b@h PRIVMSG alice :hello");
  bob = gchat_session_find (f->session, "bob");
  g_assert_nonnull (bob);
  /* Private history is kept only between accounts: nothing is asked before logging in. */
  g_assert_false (gchat_session_load_older (f->session, bob));
  feed (f, ":chatd.test 900 alice alice!a@h alice :You are now logged in as alice");
  g_assert_true (gchat_connection_get_logged_in (f->conn));
  g_assert_true (gchat_session_load_older (f->session, bob));
  g_assert_cmpstr (g_ptr_array_index (f->sent, f->sent->len - 1),
                   ==,
                   "CHATHISTORY BEFORE bob timestamp=2020-01-02T08:00:00.251Z 50");
  feed (f, ":chatd.test FAIL CHATHISTORY INVALID_TARGET BEFORE :bob: no such channel");
  g_assert_cmpint (gchat_conversation_get_scrollback (bob), ==, GCHAT_SCROLLBACK_MORE);
  /* A msgid the server forgot: asked again by time, without an error shown. */
  sb_feed_batch (f, "h4", "bob", 200, 1);
  sent = f->sent->len;
  g_assert_true (gchat_session_load_older (f->session, bob));
  g_assert_cmpstr (g_ptr_array_index (f->sent, sent), ==, "CHATHISTORY BEFORE bob msgid=m200 50");
  feed (f, ":chatd.test FAIL CHATHISTORY INVALID_MSGREFTYPE BEFORE :No message with that msgid");
  g_assert_cmpuint (f->sent->len, ==, sent + 2);
  g_assert_cmpstr (g_ptr_array_index (f->sent, sent + 1),
                   ==,
                   "CHATHISTORY BEFORE bob timestamp=2020-01-01T10:03:20.001Z 50");
  g_assert_cmpint (gchat_conversation_get_scrollback (bob), ==, GCHAT_SCROLLBACK_LOADING);
  sb_feed_batch (f, "h5", "bob", 150, 0);
  g_assert_cmpint (gchat_conversation_get_scrollback (bob), ==, GCHAT_SCROLLBACK_BEGINNING);

  /* The store failed: the FAIL names the target; loading may be tried again. */
  feed (f, ":alice!a@h JOIN #other");
  g_assert_cmpint (gchat_conversation_get_scrollback (gchat_session_find (f->session, "#other")),
                   ==,
                   GCHAT_SCROLLBACK_LOADING);
  feed (f, ":chatd.test FAIL CHATHISTORY MESSAGE_ERROR #other :Could not read history (I/O)");
  g_assert_cmpint (gchat_conversation_get_scrollback (gchat_session_find (f->session, "#other")),
                   ==,
                   GCHAT_SCROLLBACK_MORE);
  /* At the beginning nothing more is asked. */
  g_assert_false (gchat_session_load_older (f->session, room));
}

/* A server entry: one host, or several host[:port] by commas or spaces. */
static void
test_addresses (void)
{
  struct
  {
    const char *entry;
    guint       n;
    const char *host[3];
    guint16     port[3];
  } cases[] = {
    { "chat.example.org", 1, { "chat.example.org" }, { 6667 } },
    { "a.example:7000, b.example", 2, { "a.example", "b.example" }, { 7000, 6667 } },
    { "127.0.0.1:1 127.0.0.1:2,[::1]:3", 3, { "127.0.0.1", "127.0.0.1", "::1" }, { 1, 2, 3 } },
    { " , ", 0, { NULL }, { 0 } },
    { "a.example:notaport", 0, { NULL }, { 0 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GPtrArray) addrs = gchat_session_parse_addresses (cases[i].entry, 6667);

    g_assert_cmpuint (addrs->len, ==, cases[i].n);
    for (guint j = 0; j < addrs->len; j++) {
      GNetworkAddress *a = g_ptr_array_index (addrs, j);

      g_assert_cmpstr (g_network_address_get_hostname (a), ==, cases[i].host[j]);
      g_assert_cmpuint (g_network_address_get_port (a), ==, cases[i].port[j]);
    }
  }
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
  /* Settings go to a private directory, read by GLib only from here on. */
  {
    g_autofree char *dir = g_dir_make_tmp ("gchat-test-XXXXXX", NULL);

    g_assert_nonnull (dir);
    g_setenv ("XDG_CONFIG_HOME", dir, TRUE);
  }

  g_test_add_func ("/command/parse", test_command_parse);
  g_test_add_func ("/message/linkify", test_message_linkify);
  g_test_add_func ("/message/cached", test_message_cached);
  g_test_add_func ("/command/completion", test_completion);
  g_test_add ("/session/join-and-members",
              Fixture,
              NULL,
              fixture_setup,
              test_join_and_members,
              fixture_teardown);
  g_test_add ("/session/unread", Fixture, NULL, fixture_setup, test_unread, fixture_teardown);
  g_test_add ("/session/presence", Fixture, NULL, fixture_setup, test_presence, fixture_teardown);
  g_test_add ("/session/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/session/commands",
              Fixture,
              NULL,
              fixture_setup,
              test_commands_send,
              fixture_teardown);
  g_test_add ("/session/private-group",
              Fixture,
              NULL,
              fixture_setup,
              test_private_group,
              fixture_teardown);
  g_test_add_func ("/config/roundtrip", test_config_roundtrip);
  g_test_add_func ("/game/model", test_game_model);
  g_test_add_func ("/transfer/model", test_transfer_model);
  g_test_add ("/transfer/session",
              Fixture,
              NULL,
              fixture_setup,
              test_transfer_session,
              fixture_teardown);
  g_test_add ("/transfer/upload",
              Fixture,
              NULL,
              fixture_setup,
              test_transfer_upload,
              fixture_teardown);
  g_test_add ("/game/session", Fixture, NULL, fixture_setup, test_game_session, fixture_teardown);
  g_test_add_func ("/connection/reconnect-backoff", test_reconnect_backoff);
  g_test_add_func ("/connection/sasl-and-lines", test_sasl_and_lines);
  g_test_add ("/session/register", Fixture, NULL, fixture_setup, test_register, fixture_teardown);
  g_test_add ("/session/history-flag",
              Fixture,
              NULL,
              fixture_setup,
              test_history_flag,
              fixture_teardown);
  g_test_add ("/session/whox", Fixture, NULL, fixture_setup, test_whox, fixture_teardown);
  g_test_add_func ("/group/modes-diff", test_group_modes_diff);
  g_test_add_func ("/group/model", test_group_model);
  g_test_add ("/group/session", Fixture, NULL, fixture_setup, test_group_session, fixture_teardown);
  g_test_add_func ("/typing/out", test_typing_out);
  g_test_add_func ("/typing/in", test_typing_in);
  g_test_add_func ("/typing/timer", test_typing_timer);
  g_test_add ("/typing/session",
              Fixture,
              NULL,
              fixture_setup,
              test_typing_session,
              fixture_teardown);
  /* Loading earlier messages (branch gchat-scrollback). */
  g_test_add_func ("/scrollback/pure", test_scrollback_pure);
  g_test_add_func ("/scrollback/add-older", test_scrollback_add_older);
  g_test_add_func ("/session/addresses", test_addresses);
  g_test_add ("/scrollback/session",
              Fixture,
              NULL,
              fixture_setup,
              test_scrollback_session,
              fixture_teardown);
  return g_test_run ();
}
