/*
 * Runs the libFuzzer target without libFuzzer: every file of the seed
 * corpus, then a few thousand deterministic mutations of them, so the
 * fuzz invariants are checked by every "make check" (and under ASan in
 * the sanitizer build) even where clang's fuzzer runtime is missing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seed corpus under tests/fuzz (another target builds with its own). */
#ifndef REPLAY_CORPUS
#define REPLAY_CORPUS "corpus"
#endif
#define REPLAY_FILES_MAX 256
#define REPLAY_FILE_MAX REPLAY_BUF
#define REPLAY_MUTATIONS 4000
/* Room for mutated inputs to grow past every limit of the parser. */
#define REPLAY_BUF 20000

/* One corpus file kept in memory as a mutation base. */
struct replay_seed {
	char name[256];
	uint8_t *data;
	size_t len;
};

/* A fixed xorshift generator: the same mutations on every run. */
static uint32_t
replay_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Sort seeds by name so the mutations do not depend on readdir order. */
static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(((const struct replay_seed *)a)->name,
	    ((const struct replay_seed *)b)->name);
}

/* Read one file into a fresh buffer; -1 on error. */
static int
replay_load(const char *dir, struct replay_seed *s)
{
	char path[4096 + sizeof s->name + 1];
	size_t dl = strlen(dir), nl = strlen(s->name);
	FILE *f;

	if (dl + 1 + nl >= sizeof path)
		return -1;
	memcpy(path, dir, dl);
	path[dl] = '/';
	memcpy(path + dl + 1, s->name, nl + 1);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	s->data = malloc(REPLAY_FILE_MAX);
	if (s->data == NULL) {
		fclose(f);
		return -1;
	}
	s->len = fread(s->data, 1, REPLAY_FILE_MAX, f);
	fclose(f);
	return 0;
}

/* Apply one random edit to buf[0..*len), staying within REPLAY_BUF. */
static void
replay_mutate(uint8_t *buf, size_t *len, uint32_t *st)
{
	static const uint8_t bytes[] = { ' ', ':', '@', ';', '=', '\\', '\r',
		'\n', '\0', 's', '*', '?', '#', 0x80, 0xbf, 0xc3, 0xe2, 0xed,
		0xf0, 0xf4, 0xff, '+', '/', 'A', '1' };
	size_t pos, n, i;

	pos = *len ? replay_rand(st) % (*len + 1) : 0;
	switch (replay_rand(st) % 6) {
	case 0: /* overwrite a byte */
		if (pos < *len)
			buf[pos] = bytes[replay_rand(st) % sizeof bytes];
		break;
	case 1: /* insert a byte */
		if (*len + 1 < REPLAY_BUF) {
			memmove(buf + pos + 1, buf + pos, *len - pos);
			buf[pos] = bytes[replay_rand(st) % sizeof bytes];
			(*len)++;
		}
		break;
	case 2: /* delete a run */
		n = replay_rand(st) % 8;
		if (pos + n > *len)
			n = *len - pos;
		memmove(buf + pos, buf + pos + n, *len - pos - n);
		*len -= n;
		break;
	case 3: /* repeat a multi-byte character to cross the 512 mark */
		n = replay_rand(st) % 600;
		for (i = 0; i < n && *len + 2 < REPLAY_BUF; i++) {
			buf[(*len)++] = 0xc3;
			buf[(*len)++] = 0xa9;
		}
		break;
	case 4: /* append a run of one byte */
		n = replay_rand(st) % 9000;
		for (i = 0; i < n && *len < REPLAY_BUF; i++)
			buf[(*len)++] = bytes[pos % sizeof bytes];
		break;
	default: /* truncate */
		*len = pos;
		break;
	}
}

int
main(int argc, char **argv)
{
	static struct replay_seed seeds[REPLAY_FILES_MAX];
	static uint8_t buf[REPLAY_BUF];
	char dir[4096];
	const char *top;
	struct dirent *de;
	DIR *d;
	size_t nseeds = 0, i, len;
	uint32_t st = 0x2545f491;
	int k, edits;

	if (argc > 1)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else if ((top = getenv("top_srcdir")) != NULL)
		snprintf(dir, sizeof dir, "%s/tests/fuzz/" REPLAY_CORPUS, top);
	else
		snprintf(dir, sizeof dir, "tests/fuzz/" REPLAY_CORPUS);
	if ((d = opendir(dir)) == NULL) {
		printf("Bail out! cannot open corpus %s\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL && nseeds < REPLAY_FILES_MAX) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(seeds[nseeds].name, sizeof seeds[nseeds].name, "%s",
		    de->d_name);
		nseeds++;
	}
	closedir(d);
	qsort(seeds, nseeds, sizeof seeds[0], replay_cmp);

	plan((int)nseeds + 2);
	ok(nseeds > 0, "corpus %s has %zu files", dir, nseeds);
	for (i = 0; i < nseeds; i++) {
		if (!ok(replay_load(dir, &seeds[i]) == 0, "seed %s",
		        seeds[i].name))
			continue;
		LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].len);
	}
	for (k = 0; k < REPLAY_MUTATIONS && nseeds > 0; k++) {
		const struct replay_seed *s = &seeds[replay_rand(&st) % nseeds];

		len = s->data != NULL ? s->len : 0;
		if (len > 0)
			memcpy(buf, s->data, len);
		for (edits = 1 + (int)(replay_rand(&st) % 4); edits > 0;
		     edits--)
			replay_mutate(buf, &len, &st);
		LLVMFuzzerTestOneInput(buf, len);
	}
	ok(true, "%d mutations", REPLAY_MUTATIONS);
	for (i = 0; i < nseeds; i++)
		free(seeds[i].data);
	return done_testing();
}
