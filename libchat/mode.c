/*
 * Channel mode strings: "+o-v+l alice bob 10" and what the server
 * advertises (CHANMODES, PREFIX, MODES) into a list of changes, deciding
 * nothing about any channel. chatd applies the list to a channel, gchat
 * to what it shows; tests/unit/test-mode.c checks every rule.
 */

#include <string.h>

#include "chat.h"

/* Copy at most size - 1 bytes of s up to the first stop byte. */
static const char *
chat_mode_copy(char *dst, size_t size, const char *s, char stop)
{
	size_t n = 0;

	for (; *s != '\0' && *s != stop; s++) {
		if (n + 1 < size)
			dst[n++] = *s;
	}
	dst[n] = '\0';
	return *s == stop ? s + 1 : s;
}

/*
 * Fill spec from ISUPPORT values: chanmodes as "b,k,l,imnst" (NULL for
 * that default), prefix as "(ov)@+" or just its letters "ov" (NULL for
 * "ov"), max as MODES (0: no limit).
 */
void
chat_mode_spec_init(struct chat_mode_spec *spec, const char *chanmodes,
    const char *prefix, int max)
{
	const char *p;

	memset(spec, 0, sizeof *spec);
	p = chanmodes != NULL ? chanmodes : "b,k,l,imnst";
	p = chat_mode_copy(spec->list, sizeof spec->list, p, ',');
	p = chat_mode_copy(spec->always, sizeof spec->always, p, ',');
	p = chat_mode_copy(spec->set, sizeof spec->set, p, ',');
	chat_mode_copy(spec->flags, sizeof spec->flags, p, ',');
	p = prefix != NULL ? prefix : "ov";
	if (*p == '(')
		p++;
	chat_mode_copy(spec->prefix, sizeof spec->prefix, p, ')');
	spec->max = max > 0 ? max : 0;
}

/* Whether letter is one of set (never the NUL). */
static bool
chat_mode_in(const char *set, char letter)
{
	return letter != '\0' && strchr(set, letter) != NULL;
}

/* What kind of mode a letter is under spec. */
enum chat_mode_type
chat_mode_type(const struct chat_mode_spec *spec, char letter)
{
	if (chat_mode_in(spec->prefix, letter))
		return CHAT_MODE_PREFIX;
	if (chat_mode_in(spec->list, letter))
		return CHAT_MODE_LIST;
	if (chat_mode_in(spec->always, letter))
		return CHAT_MODE_ALWAYS;
	if (chat_mode_in(spec->set, letter))
		return CHAT_MODE_SET;
	if (chat_mode_in(spec->flags, letter))
		return CHAT_MODE_FLAG;
	return CHAT_MODE_UNKNOWN;
}

/* Note the first error of a parse. */
static void
chat_mode_fail(struct chat_mode_result *res, enum chat_mode_err err,
    char letter, const char *arg)
{
	if (res->err != CHAT_MODE_OK)
		return;
	res->err = err;
	res->letter = letter;
	res->arg = arg;
}

/*
 * Parse modes with its nargs arguments into at most size changes. Signs
 * may repeat and mix ("+o-v"); a letter before any sign adds. Prefix,
 * list and type B modes take an argument, type C ones only when set.
 * Every letter gives a change, in order, so a caller can answer each:
 * an unknown letter is marked CHAT_MODE_UNKNOWN_LETTER (it takes no argument),
 * a missing argument CHAT_MODE_NEEDARG, and a list mode without one is
 * a request to see the list (list set, no error). Parsing stops before
 * the change that would take argument number max + 1 (CHAT_MODE_TOOMANY)
 * or that finds out full. Arguments left over are CHAT_MODE_EXTRA.
 * Returns res->err: the first error, naming its letter or argument.
 */
enum chat_mode_err
chat_mode_parse(const struct chat_mode_spec *spec, const char *modes,
    const char *const *args, int nargs, struct chat_mode_change *out,
    size_t size, struct chat_mode_result *res)
{
	struct chat_mode_change *ch;
	const char *p;
	bool add = true, takes;
	int next = 0, used = 0;

	memset(res, 0, sizeof *res);
	for (p = modes; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			add = *p == '+';
			continue;
		}
		if (res->n == size) {
			chat_mode_fail(res, CHAT_MODE_TOOMANY, *p, NULL);
			res->stopped = true;
			break;
		}
		ch = &out[res->n];
		memset(ch, 0, sizeof *ch);
		ch->letter = *p;
		ch->add = add;
		ch->type = chat_mode_type(spec, *p);
		switch (ch->type) {
		case CHAT_MODE_PREFIX:
		case CHAT_MODE_LIST:
		case CHAT_MODE_ALWAYS:
			takes = true;
			break;
		case CHAT_MODE_SET:
			takes = add;
			break;
		default:
			takes = false;
			break;
		}
		if (ch->type == CHAT_MODE_UNKNOWN) {
			ch->err = CHAT_MODE_UNKNOWN_LETTER;
			chat_mode_fail(res, CHAT_MODE_UNKNOWN_LETTER, *p, NULL);
		} else if (takes && next >= nargs) {
			if (ch->type == CHAT_MODE_LIST)
				ch->list = true;
			else {
				ch->err = CHAT_MODE_NEEDARG;
				chat_mode_fail(
				    res, CHAT_MODE_NEEDARG, *p, NULL);
			}
		} else if (takes) {
			if (spec->max > 0 && used == spec->max) {
				chat_mode_fail(
				    res, CHAT_MODE_TOOMANY, *p, args[next]);
				res->stopped = true;
				break;
			}
			used++;
			ch->arg = args[next++];
		}
		res->n++;
	}
	if (!res->stopped && next < nargs) {
		res->extra = nargs - next;
		chat_mode_fail(res, CHAT_MODE_EXTRA, '\0', args[next]);
	}
	return res->err;
}

/* A short English text for an enum chat_mode_err. */
const char *
chat_mode_strerror(enum chat_mode_err err)
{
	switch (err) {
	case CHAT_MODE_OK:
		return "no error";
	case CHAT_MODE_UNKNOWN_LETTER:
		return "unknown mode letter";
	case CHAT_MODE_NEEDARG:
		return "the mode needs an argument";
	case CHAT_MODE_TOOMANY:
		return "too many mode changes in one line";
	case CHAT_MODE_EXTRA:
		return "an argument no mode takes";
	}
	return "unknown error";
}
