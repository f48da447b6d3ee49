/*
 * Unit tests for the encoding between cluster nodes (chatd/cluster-wire.c):
 * what is encoded decodes to the same fields and lines, and every kind of
 * damage is refused rather than half-read.
 */
#include <stdio.h>
#include <string.h>

#include "cluster-wire.h"
#include "tap.h"

/* A channel selection with two lines with a tag and one without. */
static void
test_round_trip(void)
{
	struct cluster_wire w = { 0 };
	struct cluster_msg m;
	const char *why;
	const char *l1 = "@time=x :a!b@c PRIVMSG #x :hi\r\n",
	           *l2 = ":a!b@c PRIVMSG #x :hi\r\n";

	cluster_wire_begin(&w, CW_CHAN, "node1", 42);
	cluster_wire_str(&w, "#x");
	cluster_wire_str(&w, "node1");
	cluster_wire_num(&w, 7);
	cluster_wire_str(&w, "");
	cluster_wire_str(&w, "");
	cluster_wire_num(&w, 0);
	cluster_wire_num(&w, 2);
	cluster_wire_num(&w, 1); /* nwith */
	cluster_wire_num(&w, 8); /* "@time=x " */
	cluster_wire_str(&w, l1);
	cluster_wire_num(&w, 1); /* nwithout */
	cluster_wire_num(&w, 0);
	cluster_wire_str(&w, l2);
	ok(!w.oom, "encoded %zu bytes", w.len);
	ok(cluster_wire_decode(w.buf, w.len, &m, &why) == 0, "decodes");
	ok(m.type == CW_CHAN && m.epoch == 42, "type and epoch");
	is_str(m.f[0], "node1", "node");
	is_str(m.f[2], "#x", "channel");
	is_int((long long)m.nwith, 1, "one line with");
	is_int((long long)m.nwithout, 1, "one line without");
	is_str(m.f[m.with + 1], l1, "the line with tags");
	is_str(m.f[m.without + 1], l2, "the line without");
	cluster_msg_free(&m);
	cluster_wire_free(&w);
}

/* Decode a literal; 0 if accepted. */
static int
decode(const char *s)
{
	struct cluster_msg m;
	const char *why;
	int rc = cluster_wire_decode(s, strlen(s), &m, &why);

	if (rc == 0)
		cluster_msg_free(&m);
	return rc;
}

/* Damaged messages are refused. */
static void
test_refused(void)
{
	ok(decode("CHATD/1 Q 5:node11:12:174:dave") == 0, "a good QUIT");
	ok(decode("CHATD/2 Q 5:node11:12:174:dave") != 0, "another version");
	ok(decode("CHATD/1 Z 5:node11:1") != 0, "an unknown type");
	ok(decode("CHATD/1 Q 5:node11:12:17") != 0, "a field missing");
	ok(decode("CHATD/1 Q 5:node11:12:174:dave1:x") != 0, "a field more");
	ok(decode("CHATD/1 Q 9:node11:12:174:dave") != 0, "a length too long");
	ok(decode("CHATD/1 Q 5:node11:x2:174:dave") != 0, "a bad epoch");
	ok(decode("CHATD/1 Q 0:1:12:174:dave") != 0, "an empty node");
	ok(decode("CHATD/1 Q 5:node1-1:12:174:dave") != 0, "a bad length");
	ok(decode("CHATD/1 Q 5:node11:12:174:dave") == 0 &&
	        decode("CHATD/1 Q 5:node11:12:1712345678:dave") != 0,
	    "a length of more than six digits");
	/* Lines: CR LF at the end only, tags inside. */
	ok(decode("CHATD/1 A 5:node11:11:01:11:06:x :y\r\n1:0") == 0,
	    "a good line");
	ok(decode("CHATD/1 A 5:node11:11:01:11:04:x :y1:0") != 0,
	    "a line without CR LF");
	ok(decode("CHATD/1 A 5:node11:11:01:11:08:x\r\n:y\r\n1:0") != 0,
	    "a line with a CR LF inside");
	ok(decode("CHATD/1 A 5:node11:11:01:11:96:x :y\r\n1:0") != 0,
	    "tags longer than the line");
	ok(decode("CHATD/1 A 5:node11:11:01:11:26:x :y\r\n1:0") != 0,
	    "tags that do not start with @");
	ok(decode("CHATD/1 A 5:node11:11:01:11:06:x :y\r\n") != 0,
	    "the second list missing");
	ok(decode("CHATD/1 A 5:node11:11:03:1011:06:x :y\r\n1:0") != 0,
	    "more lines than CW_LINES_MAX");
}

int
main(void)
{
	test_round_trip();
	test_refused();
	return done_testing();
}
