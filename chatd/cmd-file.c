/*
 * SENDFILE: the command's subcommands (the work is in file.c). Chunk lines
 * ("SENDFILE DATA") normally never get here: conn.c hands them to
 * file_data_line() before parsing, since they may be longer than 512
 * bytes. Only a chunk line with tags or a source takes this way.
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chatd.h"

/*
 * SENDFILE <target> <name> <size> <sha256> | TO <target> <name> <size>
 * <sha256> | ACCEPT <id> [offset] | ACK <id> <offset> | DECLINE <id> |
 * CANCEL <id> | LIST | DATA <id> <offset> <base64>. ACK and DATA are
 * paced by the window, so they cost no flood budget unless refused; the
 * others cost one unit each.
 */
enum cmd_result
cmd_sendfile(struct client *c, struct chat_msg *m)
{
	const char *sub = m->argv[0];
	enum chat_file_sub s = chat_file_sub(sub);
	struct chat_file_data d;

	if (s == CHAT_FILE_SUB_ACK && m->argc == 3) {
		file_ack(c, m->argv[1], m->argv[2]);
		return CMD_OK;
	}
	if (s == CHAT_FILE_SUB_DATA && m->argc == 4 &&
	    chat_file_parse_u64(m->argv[1], &d.id) == 0 &&
	    chat_file_parse_u64(m->argv[2], &d.offset) == 0) {
		char line[CHAT_LINE_MAX * 2];
		int n;

		n = snprintf(line, sizeof line, "SENDFILE DATA %s %s %s",
		    m->argv[1], m->argv[2], m->argv[3]);
		if (n > 0 && (size_t)n < sizeof line)
			file_data(c, line, (size_t)n);
		return CMD_OK;
	}
	cmd_charge(c, 1);
	if (s == CHAT_FILE_SUB_TO && m->argc == 5) {
		file_offer(c, m->argv[1], m->argv[2], m->argv[3], m->argv[4]);
		return CMD_OK;
	}
	if (m->argc == 4) {
		file_offer(c, sub, m->argv[1], m->argv[2], m->argv[3]);
		return CMD_OK;
	}
	if (s == CHAT_FILE_SUB_ACCEPT && (m->argc == 2 || m->argc == 3)) {
		file_accept(c, m->argv[1], m->argc == 3 ? m->argv[2] : NULL);
		return CMD_OK;
	}
	if (s == CHAT_FILE_SUB_DECLINE && m->argc == 2) {
		file_decline(c, m->argv[1]);
		return CMD_OK;
	}
	if (s == CHAT_FILE_SUB_CANCEL && m->argc == 2) {
		file_cancel(c, m->argv[1]);
		return CMD_OK;
	}
	if (s == CHAT_FILE_SUB_LIST && m->argc == 1) {
		file_list(c);
		return CMD_OK;
	}
	send_fail(c, "SENDFILE", "INVALID_PARAMS", NULL,
	    "Usage: SENDFILE <nick|#channel> <name> <size> <sha256> | "
	    "ACCEPT <id> [offset] | ACK <id> <offset> | DECLINE <id> | "
	    "CANCEL <id> | LIST");
	return CMD_OK;
}
